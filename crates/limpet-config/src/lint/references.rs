//! References that lead nowhere, with Traefik's texts (docs/traefik.md#error-texts):
//! LMP013 `the service "x@file" does not exist`; LMP014 `middleware "x@file" does not
//! exist`; LMP015 `entryPoint "x" doesn't exist` (an error when no entrypoint is left).
//! The fix names the closest existing element when one differs only by provider or
//! Compose naming.

use super::context::{Input, RouterFacts};
use super::finding::Draft;
use super::patch::{base, Patch};
use super::{Code, Finding, Severity};
use crate::diagnostics::ElementKind;
use crate::dynamic::{LoadBalancer, Router, Server, Service};
use crate::merge::qualify;

pub(super) fn check(input: &Input<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for router in &input.routers {
        findings.extend(missing_service(input, router));
        findings.extend(missing_middlewares(input, router));
        findings.extend(missing_entry_points(input, router));
    }
    findings
}

fn missing_service(input: &Input<'_>, router: &RouterFacts<'_>) -> Option<Finding> {
    if router.service.is_empty() || input.merged.services.contains_key(&router.service) {
        return None;
    }
    let provider = router.element.provider.as_str();
    let near = closest(input, &router.service);
    let finding = Draft::new(
        Code::Lmp013,
        Severity::Error,
        ElementKind::Router,
        router.name,
    )
    .at("service")
    .message(format!("the service {:?} does not exist", router.service));
    Some(match near {
        Some(existing) => {
            let config = Router {
                service: reference(existing, provider),
                ..router.config().clone()
            };
            finding.patch(
                Patch::new(provider).router(router.name, config),
                format!("did you mean {existing}?"),
            )
        }
        None => finding.patch(
            Patch::new(provider).service(&router.service, placeholder_service()),
            "define the service (adjust the server URL)",
        ),
    })
}

fn placeholder_service() -> Service {
    let server = Server {
        url: "http://backend:80".to_owned(),
        ..Server::default()
    };
    Service {
        load_balancer: Some(LoadBalancer {
            servers: vec![server],
            ..LoadBalancer::default()
        }),
        ..Service::default()
    }
}

fn missing_middlewares(input: &Input<'_>, router: &RouterFacts<'_>) -> Option<Finding> {
    let provider = router.element.provider.as_str();
    let missing: Vec<String> = router
        .config()
        .middlewares
        .iter()
        .map(|m| qualify(m, provider))
        .filter(|m| !input.merged.middlewares.contains_key(m))
        .collect();
    let first = missing.first()?;
    let mut config = router.config().clone();
    config
        .middlewares
        .retain(|m| !missing.contains(&qualify(m, provider)));
    let texts: Vec<String> = missing
        .iter()
        .map(|m| format!("middleware {m:?} does not exist"))
        .collect();
    let index = router
        .config()
        .middlewares
        .iter()
        .position(|m| qualify(m, provider) == *first);
    let finding = Draft::new(
        Code::Lmp014,
        Severity::Error,
        ElementKind::Router,
        router.name,
    )
    .at(&format!("middlewares[{}]", index.unwrap_or(0)))
    .message(texts.join(", "))
    .patch(
        Patch::new(provider).router(router.name, config),
        "remove the reference, or define the middleware",
    );
    Some(finding)
}

fn missing_entry_points(input: &Input<'_>, router: &RouterFacts<'_>) -> Option<Finding> {
    let (valid, unknown): (Vec<String>, Vec<String>) = router
        .entry_points
        .iter()
        .cloned()
        .partition(|ep| input.ctx.facts(ep).is_some());
    if unknown.is_empty() {
        return None;
    }
    let mut texts: Vec<String> = unknown
        .iter()
        .map(|ep| format!("entryPoint {ep:?} doesn't exist"))
        .collect();
    let severity = if valid.is_empty() {
        texts.push("no valid entryPoint for this router".to_owned());
        Severity::Error
    } else {
        Severity::Warning
    };
    let known: Vec<&String> = input.ctx.entry_points.keys().collect();
    let config = Router {
        entry_points: valid,
        ..router.config().clone()
    };
    let finding = Draft::new(Code::Lmp015, severity, ElementKind::Router, router.name)
        .at("entryPoints")
        .message(texts.join(", "))
        .patch(
            Patch::new(&router.element.provider).router(router.name, config),
            format!(
                "name existing entrypoints ({}); without entryPoints the router uses the default ones",
                known.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ),
        );
    Some(finding)
}

/// The existing service equal to `wanted` up to provider or Compose suffix, closest in
/// length (the first in name order on a tie).
fn closest<'i>(input: &'i Input<'_>, wanted: &str) -> Option<&'i str> {
    let matching = input.service_names.matching(wanted);
    let (_, name) = matching
        .into_iter()
        .min_by_key(|(position, name)| (name.len().abs_diff(wanted.len()), *position))?;
    Some(name)
}

/// How `provider` writes a reference to `qualified`.
fn reference(qualified: &str, provider: &str) -> String {
    match crate::merge::provider_of(qualified) {
        Some(p) if p == provider => base(qualified).to_owned(),
        _ => qualified.to_owned(),
    }
}
