//! Cookie attributes browsers act on:
//! LMP006 `sameSite: none` without `secure` (runbook cause 4: the browser rejects it);
//! LMP007 `secure: true` reachable over plain HTTP without a redirect (cause 6: the browser
//! never sends it back on that leg).

use super::context::{get_ci, Input, RouterFacts, StickyService};
use super::finding::Draft;
use super::patch::Patch;
use super::{Code, Finding, Severity};
use crate::diagnostics::ElementKind;
use crate::dynamic::{Middleware, Router};
use crate::merge::qualify;
use crate::model::SameSite;

const REDIRECT_MIDDLEWARE: &str = "redirect-to-https";

pub(super) fn check(input: &Input<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for sticky in &input.sticky {
        let plain = plain_http_routers(input, sticky.name);
        let cookie = &sticky.model.cookie;
        if cookie.same_site == Some(SameSite::None) && !cookie.secure {
            findings.push(same_site_none(sticky, !plain.is_empty()));
        }
        if cookie.secure && !plain.is_empty() {
            findings.push(secure_over_http(input, sticky, &plain));
        }
    }
    findings
}

fn same_site_none(sticky: &StickyService<'_>, plain_http: bool) -> Finding {
    let mut cookie = sticky.cookie.clone();
    let note = if plain_http {
        cookie.same_site = "lax".to_owned();
        "it is also served over plain HTTP, where Secure cookies are not sent: use SameSite=Lax\n\
         (or serve it over HTTPS only and set secure: true)"
    } else {
        cookie.secure = true;
        "SameSite=None requires Secure"
    };
    Draft::new(
        Code::Lmp006,
        Severity::Error,
        ElementKind::Service,
        sticky.name,
    )
    .at(&format!("{}.cookie.sameSite", sticky.at))
    .message(format!(
        "the sticky cookie of {} has SameSite=None without Secure: browsers reject it when it \
             is set, so no request is ever sticky",
        sticky.name
    ))
    .patch(sticky.with_cookie(cookie), note)
}

fn secure_over_http(
    input: &Input<'_>,
    sticky: &StickyService<'_>,
    plain: &[&RouterFacts<'_>],
) -> Finding {
    let names: Vec<&str> = plain.iter().map(|r| r.name).collect();
    let message = format!(
        "the sticky cookie of {} is Secure, but routers {} serve it over plain HTTP without a \
         redirect to HTTPS: browsers do not accept or send a Secure cookie there, so those \
         requests are never sticky",
        sticky.name,
        names.join(", ")
    );
    let https_too = input
        .routers_reaching(sticky.name)
        .iter()
        .any(|r| serves_https(input, r));
    let finding = Draft::new(
        Code::Lmp007,
        Severity::Error,
        ElementKind::Service,
        sticky.name,
    )
    .at(&format!("{}.cookie.secure", sticky.at))
    .message(message);
    if https_too {
        finding.patch(
            redirected(plain),
            "redirect HTTP to HTTPS on those routers (or on the entrypoint:\n\
             entryPoints.<name>.http.redirections.entryPoint.to: <https entrypoint>)",
        )
    } else {
        let mut cookie = sticky.cookie.clone();
        cookie.secure = false;
        if cookie.same_site.eq_ignore_ascii_case("none") {
            cookie.same_site = "lax".to_owned();
        }
        finding.patch(
            sticky.with_cookie(cookie),
            "served over plain HTTP only (development?): drop Secure here,\n\
             and keep it in the HTTPS production configuration",
        )
    }
}

/// Routers reaching `service` that serve it over plain HTTP without redirecting.
fn plain_http_routers<'i, 'a>(input: &'i Input<'a>, service: &str) -> Vec<&'i RouterFacts<'a>> {
    input
        .routers_reaching(service)
        .into_iter()
        .filter(|r| !r.plain_http_entry_points(input.ctx).is_empty() && !redirects(input, r))
        .collect()
}

fn serves_https(input: &Input<'_>, router: &RouterFacts<'_>) -> bool {
    router.config().tls.is_some()
        || router
            .entry_points
            .iter()
            .any(|ep| input.ctx.facts(ep).is_some_and(|f| f.tls))
}

/// Whether the router uses a `redirectScheme` middleware to https.
fn redirects(input: &Input<'_>, router: &RouterFacts<'_>) -> bool {
    router.config().middlewares.iter().any(|m| {
        let qualified = qualify(m, &router.element.provider);
        input
            .merged
            .middlewares
            .get(&qualified)
            .and_then(|mw| mw.config.single())
            .is_some_and(|(kind, options)| {
                kind.eq_ignore_ascii_case("redirectScheme")
                    && get_ci(options, "scheme")
                        .and_then(|s| s.as_str())
                        .is_some_and(|s| s.eq_ignore_ascii_case("https"))
            })
    })
}

/// A `redirectScheme` middleware added to every plain-HTTP router (each in its provider).
fn redirected(plain: &[&RouterFacts<'_>]) -> Patch {
    let provider = plain
        .first()
        .map_or("file", |r| r.element.provider.as_str());
    let middleware: Middleware = Middleware(
        [(
            "redirectScheme".to_owned(),
            serde_json::json!({"scheme": "https", "permanent": true}),
        )]
        .into_iter()
        .collect(),
    );
    let mut patch = Patch::new(provider).middleware(REDIRECT_MIDDLEWARE, middleware);
    for router in plain.iter().filter(|r| r.element.provider == provider) {
        let mut config: Router = router.config().clone();
        config.middlewares.insert(0, REDIRECT_MIDDLEWARE.to_owned());
        patch = patch.router(router.name, config);
    }
    patch
}
