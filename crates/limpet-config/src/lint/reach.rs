//! LMP003: a sticky service no router reaches (runbook cause 2). The sticky options exist
//! but are never applied; usually a router uses a service whose name differs only by the
//! provider suffix (`app@file` vs `app@docker`) or by Compose naming (`app` vs
//! `app-webstack`). The fix points that router at the sticky service.

use super::context::{Input, RouterFacts, StickyService};
use super::patch::{base, Patch};
use super::{Finding, Severity};
use crate::diagnostics::ElementKind;
use crate::dynamic::Router;

pub(super) fn check(input: &Input<'_>) -> Vec<Finding> {
    input
        .sticky
        .iter()
        .filter(|s| input.routers_reaching(s.name).is_empty() && !is_child(input, s.name))
        .map(|s| finding(input, s))
        .collect()
}

/// Services under a weighted/mirroring/failover parent are judged through the parent.
fn is_child(input: &Input<'_>, service: &str) -> bool {
    input.merged.services.values().any(|parent| {
        parent.name != service
            && super::context::reachable(input.merged, &parent.name).contains(service)
    })
}

fn finding(input: &Input<'_>, sticky: &StickyService<'_>) -> Finding {
    let near = near_miss(input, sticky.name);
    let base_finding = Finding::new(
        "LMP003",
        Severity::Warning,
        ElementKind::Service,
        sticky.name,
    )
    .at(sticky.at);
    match near {
        Some(router) => {
            let message = format!(
                "sticky is configured on service {}, but no router reaches it: router {} uses {} \
                 (no sticky), whose name differs only by provider or Compose naming",
                sticky.name, router.name, router.service
            );
            base_finding
                .message(message)
                .patch(repointed(router, sticky.name), "point the router at the sticky service")
        }
        None => base_finding
            .message(format!(
                "sticky is configured on service {}, but no router reaches it, so it is never applied",
                sticky.name
            ))
            .patch(new_router(sticky), "add a router for it (adjust the rule), or remove the service"),
    }
}

/// A router whose service's name is the sticky service's name up to provider or suffix.
fn near_miss<'i, 'a>(input: &'i Input<'a>, sticky: &str) -> Option<&'i RouterFacts<'a>> {
    input.routers.iter().find(|r| {
        !r.service.is_empty() && similar(base(sticky), base(&r.service)) && r.service != sticky
    })
}

/// Equal, or one is the other plus `-suffix` (Compose project naming).
pub(super) fn similar(a: &str, b: &str) -> bool {
    let extends = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.starts_with('-'))
    };
    a.eq_ignore_ascii_case(b) || extends(a, b) || extends(b, a)
}

fn repointed(router: &RouterFacts<'_>, sticky: &str) -> Patch {
    let provider = router.element.provider.as_str();
    let service = if crate::merge::provider_of(sticky) == Some(provider) {
        base(sticky).to_owned()
    } else {
        sticky.to_owned()
    };
    let config = Router {
        service,
        ..router.config().clone()
    };
    Patch::new(provider).router(router.name, config)
}

fn new_router(sticky: &StickyService<'_>) -> Patch {
    let name = base(sticky.name);
    let router = Router {
        rule: format!("Host(`{name}.example.com`)"),
        service: name.to_owned(),
        ..Router::default()
    };
    Patch::new(&sticky.element.provider).router(sticky.name, router)
}
