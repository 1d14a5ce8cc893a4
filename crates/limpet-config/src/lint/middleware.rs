//! LMP001: `sticky` declared as a middleware (the tutorial's labels). Traefik has no such
//! middleware: it rejects the file (or skips the container) and nothing is sticky. The fix
//! moves the options to the load balancer of every service the routers using it reach.

use serde_json::{json, Value};

use super::context::{Input, RouterFacts};
use super::finding::Draft;
use super::patch::Patch;
use super::{Code, Finding, Severity};
use crate::diagnostics::ElementKind;
use crate::dynamic::{Configuration, Middleware, Sticky};
use crate::keys::{dynamic_shape, Normalizer, UnknownKeys};
use crate::merge::{qualify, Element};

pub(super) fn check(input: &Input<'_>) -> Vec<Finding> {
    input
        .merged
        .middlewares
        .iter()
        .filter_map(|(name, element)| {
            let options = sticky_options(&element.config)?;
            Some(finding(input, name, element, options))
        })
        .collect()
}

/// The options of a middleware whose type is `sticky` (any case).
fn sticky_options(middleware: &Middleware) -> Option<&Value> {
    middleware
        .0
        .iter()
        .find(|(kind, _)| kind.eq_ignore_ascii_case("sticky"))
        .map(|(_, options)| options)
}

fn finding(
    input: &Input<'_>,
    name: &str,
    element: &Element<Middleware>,
    options: &Value,
) -> Finding {
    let users = input.routers_using(name);
    let user_names: Vec<&str> = users.iter().map(|r| r.name).collect();
    let message = format!(
        "\"sticky\" is not a middleware: Traefik rejects it (the whole file, or the container's labels) \
         and no request is sticky. Sticky sessions belong to the service's load balancer \
         (loadBalancer.sticky.cookie). Used by: {}",
        if user_names.is_empty() { "no router".to_owned() } else { user_names.join(", ") }
    );
    let patch = moved_to_services(input, name, element, options, &users);
    Draft::new(Code::Lmp001, Severity::Error, ElementKind::Middleware, name)
        .at("sticky")
        .message(message)
        .patch(
            patch,
            "move the sticky options to the service's load balancer and drop the middleware",
        )
}

/// Removes the middleware, drops it from its routers (same provider), and puts `sticky`
/// on the load balancer of each router's service.
fn moved_to_services(
    input: &Input<'_>,
    name: &str,
    element: &Element<Middleware>,
    options: &Value,
    users: &[&RouterFacts<'_>],
) -> Patch {
    let provider = element.provider.as_str();
    let sticky = typed_sticky(options);
    let mut patch = Patch::new(provider).remove(ElementKind::Middleware, name);
    for router in users.iter().filter(|r| r.element.provider == provider) {
        let mut config = router.config().clone();
        config.middlewares.retain(|m| qualify(m, provider) != name);
        patch = patch.router(router.name, config);
        let service = input.merged.services.get(&router.service);
        if let Some(service) = service.filter(|s| s.provider == provider) {
            let mut config = service.config.clone();
            if let Some(lb) = config.load_balancer.as_mut() {
                lb.sticky = Some(sticky.clone());
                patch = patch.service(&router.service, config);
            }
        }
    }
    patch
}

/// The middleware's options read as a load balancer's `sticky` (keys normalised the same
/// way); options that do not fit give a plain `cookie: {}`.
fn typed_sticky(options: &Value) -> Sticky {
    let document = json!({"http": {"services": {"s": {"loadBalancer": {"sticky": options}}}}});
    let normalized = Normalizer::new(UnknownKeys::Reject)
        .normalize(document, &dynamic_shape::CONFIGURATION, "")
        .ok();
    let sticky = normalized
        .and_then(|value| serde_json::from_value::<Configuration>(value).ok())
        .and_then(|config| config.http?.services.remove("s")?.load_balancer?.sticky);
    match sticky {
        Some(sticky) if sticky.cookie.is_some() => sticky,
        _ => Sticky {
            cookie: Some(Default::default()),
            ..Sticky::default()
        },
    }
}
