//! LMP003: a sticky service no router reaches (runbook cause 2). The sticky options exist
//! but are never applied; usually a router uses a service whose name differs only by the
//! provider suffix (`app@file` vs `app@docker`) or by Compose naming (`app` vs
//! `app-webstack`). The fix points that router at the sticky service.

use super::context::{Input, RouterFacts, StickyService};
use super::finding::Draft;
use super::index::Similar;
use super::patch::{base, Patch};
use super::{Code, Finding, Severity};
use crate::diagnostics::ElementKind;
use crate::dynamic::Router;

pub(super) fn check(input: &Input<'_>) -> Vec<Finding> {
    // Services under a weighted/mirroring/failover parent are judged through the parent.
    let unreached: Vec<&StickyService<'_>> = input
        .sticky
        .iter()
        .filter(|s| input.routers_reaching(s.name).is_empty() && !input.is_child(s.name))
        .collect();
    if unreached.is_empty() {
        return Vec::new();
    }
    let services = Similar::new(input.routers.iter().map(|r| r.service.as_str()));
    unreached
        .into_iter()
        .map(|s| finding(input, &services, s))
        .collect()
}

fn finding(input: &Input<'_>, services: &Similar<'_>, sticky: &StickyService<'_>) -> Finding {
    let near = near_miss(input, services, sticky.name);
    let base_finding = Draft::new(
        Code::Lmp003,
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

/// The first router whose service's name is the sticky service's name up to provider or
/// suffix (`services` indexes the routers' services by router position).
fn near_miss<'i, 'a>(
    input: &'i Input<'a>,
    services: &Similar<'_>,
    sticky: &str,
) -> Option<&'i RouterFacts<'a>> {
    let matching = services.matching(sticky);
    let (index, _) = matching.iter().find(|(_, service)| *service != sticky)?;
    input.routers.get(*index)
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
