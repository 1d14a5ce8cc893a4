//! LMP004: a sticky load balancer with one server — affinity has nothing to choose from,
//! which usually means the replicas were declared as separate services.
//! LMP005: a sticky load balancer with `strategy: hrw`: limpet honours the cookie (hrw only
//! places new sessions), but Traefik accepts the configuration and silently ignores the
//! cookie, so the same files served by Traefik lose every session.

use super::context::{Input, StickyService};
use super::finding::Draft;
use super::{Code, Finding, Severity};
use crate::diagnostics::ElementKind;
use crate::dynamic::LoadBalancer;

pub(super) fn check(input: &Input<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for sticky in &input.sticky {
        let Some(lb) = sticky.element.config.load_balancer.as_ref() else {
            continue;
        };
        if lb.servers.len() == 1 {
            findings.push(single_server(sticky, lb));
        }
        if lb.strategy.eq_ignore_ascii_case("hrw") {
            findings.push(ignoring_strategy(sticky, lb));
        }
    }
    findings
}

fn single_server(sticky: &StickyService<'_>, lb: &LoadBalancer) -> Finding {
    let without = LoadBalancer {
        sticky: None,
        ..lb.clone()
    };
    let message = format!(
        "service {} is sticky but has a single server, so affinity never matters; \
         if its replicas are declared as separate services, make them servers of this one",
        sticky.name
    );
    Draft::new(
        Code::Lmp004,
        Severity::Info,
        ElementKind::Service,
        sticky.name,
    )
    .at("loadBalancer.servers")
    .message(message)
    .patch(
        sticky.with_lb(without),
        "add every replica as a server of this service (or scale the container);\n\
             if one server is intended, sticky can go",
    )
}

fn ignoring_strategy(sticky: &StickyService<'_>, lb: &LoadBalancer) -> Finding {
    let wrr = LoadBalancer {
        strategy: String::new(),
        ..lb.clone()
    };
    let message = format!(
        "service {} is sticky with strategy {:?}: limpet honours the cookie (hrw only places new \
         sessions by client IP), but Traefik accepts this configuration and silently ignores \
         the cookie, so these files lose every session when Traefik serves them",
        sticky.name, lb.strategy
    );
    Draft::new(
        Code::Lmp005,
        Severity::Warning,
        ElementKind::Service,
        sticky.name,
    )
    .at("loadBalancer.strategy")
    .message(message)
    .patch(
        sticky.with_lb(wrr),
        "to stay portable to Traefik, use the default strategy (wrr; p2c and leasttime \
             honour the cookie in both)",
    )
}
