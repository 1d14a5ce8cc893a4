//! `sticky` → [`StickyModel`] with Traefik's defaults: cookie name from the qualified service
//! name, path `/`, one leading dot stripped from the domain, case-insensitive SameSite.

use crate::cookie::cookie_name;
use crate::diagnostics::ElementError;
use crate::dynamic::{Cookie, DebugHeader, Sticky};
use crate::model::{CookieModel, OnFailure, SameSite, StickyModel};

/// The sticky model of `service` (qualified), or `None` when neither `sticky.cookie` nor the
/// `sticky.header` carrier is set (as in Traefik, `sticky: {}` alone does nothing).
pub(super) fn sticky_model(
    service: &str,
    sticky: Option<&Sticky>,
) -> Result<Option<StickyModel>, ElementError> {
    let Some(sticky) = sticky else {
        return Ok(None);
    };
    let on_failure = on_failure(sticky.on_failure.as_deref())?;
    let restart_grace = restart_grace(sticky)?;
    let header = header_name(sticky)?;
    if sticky.cookie.is_none() && header.is_none() {
        return Ok(None);
    }
    let cookie = sticky.cookie.clone().unwrap_or_default();
    let signing = super::signing::signing(&cookie).map_err(|e| ElementError::joined(&e))?;
    Ok(Some(StickyModel {
        cookie: cookie_model(service, &cookie),
        cookie_enabled: sticky.cookie.is_some(),
        header,
        on_failure,
        restart_grace,
        debug_header: debug_header(sticky.debug_header.as_ref()),
        signing,
        strip_from_upstream: cookie.strip_from_upstream,
        no_cache: cookie.no_cache,
    }))
}

fn on_failure(on_failure: Option<&str>) -> Result<OnFailure, ElementError> {
    match on_failure.map(str::to_ascii_lowercase).as_deref() {
        None | Some("repin") => Ok(OnFailure::Repin),
        Some("strict") => Ok(OnFailure::Strict),
        Some(_) => Err(ElementError::invalid(format!(
            "sticky.onFailure {:?} is not supported (expected \"repin\" or \"strict\")",
            on_failure.unwrap_or_default()
        ))),
    }
}

/// `sticky.restartGrace`: off when absent or zero; negative is an error.
fn restart_grace(sticky: &Sticky) -> Result<Option<std::time::Duration>, ElementError> {
    match sticky.restart_grace {
        Some(grace) if grace.is_negative() => Err(ElementError::invalid(format!(
            "sticky.restartGrace {grace} is negative; use a duration such as \"30s\", or remove it"
        ))),
        Some(grace) if grace.nanos() > 0 => Ok(Some(grace.to_std())),
        _ => Ok(None),
    }
}

/// `sticky.header.name`, checked to be a valid header name.
fn header_name(sticky: &Sticky) -> Result<Option<String>, ElementError> {
    let Some(name) = sticky
        .header
        .as_ref()
        .map(|h| h.name.trim())
        .filter(|n| !n.is_empty())
    else {
        return Ok(None);
    };
    http::HeaderName::from_bytes(name.as_bytes())
        .map(|_| Some(name.to_owned()))
        .map_err(|_| {
            ElementError::invalid(format!(
                "sticky.header.name {name:?} is not a valid HTTP header name"
            ))
        })
}

/// `debugHeader: true` → `X-Limpet-Server`; a string names the header; false/empty → off.
fn debug_header(configured: Option<&DebugHeader>) -> Option<String> {
    match configured? {
        DebugHeader::Enabled(true) => Some("X-Limpet-Server".to_owned()),
        DebugHeader::Enabled(false) => None,
        DebugHeader::Named(name) => {
            let name = name.trim();
            http::HeaderName::from_bytes(name.as_bytes())
                .ok()
                .map(|_| name.to_owned())
        }
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
