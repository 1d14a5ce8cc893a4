//! Cookie attributes browsers act on:
//! LMP006 `sameSite: none` without `secure` (runbook cause 4: the browser rejects it);
//! LMP007 `secure: true` reachable over plain HTTP without a redirect (cause 6: the browser
//! never sends it back on that leg); LMP012 two sticky services whose cookies have the same
//! name on overlapping hosts and paths (each re-pins the other's clients).

use limpet_rule::HostConstraint;

use super::context::{get_ci, Input, RouterFacts, StickyService};
use super::patch::{base, Patch};
use super::{Finding, Severity};
use crate::diagnostics::ElementKind;
use crate::dynamic::{Cookie, Middleware, Router, Service, Sticky};
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
    Finding::new("LMP006", Severity::Error, ElementKind::Service, sticky.name)
        .at(&format!("{}.cookie.sameSite", sticky.at))
        .message(format!(
            "the sticky cookie of {} has SameSite=None without Secure: browsers reject it when it \
             is set, so no request is ever sticky",
            sticky.name
        ))
        .patch(with_cookie(sticky, cookie), note)
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
    let finding = Finding::new("LMP007", Severity::Error, ElementKind::Service, sticky.name)
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
            with_cookie(sticky, cookie),
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
    let mut patch = Patch::new(provider);
    patch
        .set
        .middlewares
        .insert(REDIRECT_MIDDLEWARE.to_owned(), middleware);
    for router in plain.iter().filter(|r| r.element.provider == provider) {
        let mut config: Router = router.config().clone();
        config.middlewares.insert(0, REDIRECT_MIDDLEWARE.to_owned());
        patch = patch.router(router.name, config);
    }
    patch
}

/// The service with its sticky cookie replaced.
pub(super) fn with_cookie(sticky: &StickyService<'_>, cookie: Cookie) -> Patch {
    let mut service: Service = sticky.element.config.clone();
    let slot: Option<&mut Sticky> = if sticky.at.starts_with("weighted") {
        service.weighted.as_mut().and_then(|w| w.sticky.as_mut())
    } else {
        service
            .load_balancer
            .as_mut()
            .and_then(|lb| lb.sticky.as_mut())
    };
    if let Some(slot) = slot {
        slot.cookie = Some(cookie);
    }
    Patch::new(&sticky.element.provider).service(sticky.name, service)
}

pub(super) fn check_shared_names(input: &Input<'_>) -> Vec<Finding> {
    let routed: Vec<&StickyService<'_>> = input
        .sticky
        .iter()
        .filter(|s| !input.routers_reaching(s.name).is_empty() && !is_weighted_child(input, s.name))
        .collect();
    let mut findings = Vec::new();
    for (index, later) in routed.iter().enumerate() {
        let clash = routed[..index]
            .iter()
            .find(|earlier| collide(input, earlier, later));
        if let Some(earlier) = clash {
            findings.push(shared_name(earlier, later));
        }
    }
    findings
}

fn is_weighted_child(input: &Input<'_>, service: &str) -> bool {
    input.merged.services.values().any(|parent| {
        parent.config.weighted.as_ref().is_some_and(|w| {
            w.services
                .iter()
                .any(|c| qualify(&c.name, &parent.provider) == service)
        })
    })
}

/// Same cookie name, overlapping hosts, overlapping cookie paths.
fn collide(input: &Input<'_>, a: &StickyService<'_>, b: &StickyService<'_>) -> bool {
    let (ca, cb) = (&a.model.cookie, &b.model.cookie);
    ca.name == cb.name
        && hosts_overlap(input, a, b)
        && super::scope::paths_overlap(ca.path.as_deref(), cb.path.as_deref())
}

fn hosts_overlap(input: &Input<'_>, a: &StickyService<'_>, b: &StickyService<'_>) -> bool {
    if a.model.cookie.domain.is_some() || b.model.cookie.domain.is_some() {
        return true; // a Domain cookie is shared across its whole domain
    }
    let (ha, hb) = (hosts_of(input, a.name), hosts_of(input, b.name));
    match (ha, hb) {
        (None, _) | (_, None) => true,
        (Some(ha), Some(hb)) => ha.iter().any(|h| hb.contains(h)),
    }
}

/// Exact hosts of the routers reaching `service`; `None` when any may match every host.
fn hosts_of(input: &Input<'_>, service: &str) -> Option<Vec<String>> {
    let mut hosts = Vec::new();
    for router in input.routers_reaching(service) {
        match router.rule.as_ref().map(|r| r.host_constraint()) {
            Some(HostConstraint::OneOf(patterns)) => {
                hosts.extend(patterns.iter().map(super::scope::pattern_text))
            }
            _ => return None,
        }
    }
    Some(hosts)
}

fn shared_name(earlier: &StickyService<'_>, later: &StickyService<'_>) -> Finding {
    let name = &later.model.cookie.name;
    let mut cookie = later.cookie.clone();
    cookie.name = format!("{name}_{}", super::servers::token(base(later.name)));
    Finding::new("LMP012", Severity::Warning, ElementKind::Service, later.name)
        .at(&format!("{}.cookie.name", later.at))
        .message(format!(
            "services {} and {} use the same sticky cookie name {name:?} on overlapping hosts and paths: \
             a client using both is re-pinned each time it switches, and each service sees the other's \
             value as unknown",
            earlier.name, later.name
        ))
        .patch(with_cookie(later, cookie), "give each service its own cookie name")
}
