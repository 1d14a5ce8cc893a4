//! `sticky` → [`StickyModel`] with Traefik's defaults: cookie name from the qualified service
//! name, path `/`, one leading dot stripped from the domain, case-insensitive SameSite.

use crate::cookie::cookie_name;
use crate::dynamic::{Cookie, Sticky};
use crate::model::{CookieModel, SameSite, StickyModel};

/// The sticky model of `service` (qualified), or `None` when there is no `sticky.cookie`.
pub(super) fn sticky_model(
    service: &str,
    sticky: Option<&Sticky>,
) -> Result<Option<StickyModel>, String> {
    let Some(sticky) = sticky else {
        return Ok(None);
    };
    check_on_failure(sticky.on_failure.as_deref())?;
    Ok(sticky.cookie.as_ref().map(|cookie| StickyModel {
        cookie: cookie_model(service, cookie),
    }))
}

fn check_on_failure(on_failure: Option<&str>) -> Result<(), String> {
    match on_failure {
        None => Ok(()),
        Some(policy)
            if ["repin", "strict"]
                .iter()
                .any(|p| p.eq_ignore_ascii_case(policy)) =>
        {
            Ok(())
        }
        Some(policy) => Err(format!(
            "sticky.onFailure {policy:?} is not supported (expected \"repin\" or \"strict\")"
        )),
    }
}

fn cookie_model(service: &str, cookie: &Cookie) -> CookieModel {
    CookieModel {
        name: cookie_name(&cookie.name, service),
        secure: cookie.secure,
        http_only: cookie.http_only,
        same_site: same_site(&cookie.same_site),
        max_age: cookie.max_age,
        path: match cookie.path.as_deref() {
            None => Some("/".to_owned()),
            Some("") => None,
            Some(path) => Some(path.to_owned()),
        },
        domain: domain(&cookie.domain),
    }
}

fn same_site(value: &str) -> Option<SameSite> {
    match value.to_ascii_lowercase().as_str() {
        "none" => Some(SameSite::None),
        "lax" => Some(SameSite::Lax),
        "strict" => Some(SameSite::Strict),
        _ => None,
    }
}

/// Go's `http.Cookie` drops one leading dot and keeps the case.
fn domain(value: &str) -> Option<String> {
    let stripped = value.strip_prefix('.').unwrap_or(value);
    (!stripped.is_empty()).then(|| stripped.to_owned())
}
