//! LMP002: routers with the same rule on the same entrypoints. Only the first in
//! Traefik's order (priority, then provider precedence, then name) ever matches; the
//! others never receive traffic — the tutorial's `whoami` / `whoami-replica`, which were
//! meant to be two servers of one service.

use std::cmp::Reverse;

use super::context::{Input, RouterFacts};
use super::patch::Patch;
use super::{Finding, Severity};
use crate::diagnostics::ElementKind;
use crate::merge::provider_rank;

pub(super) fn check(input: &Input<'_>) -> Vec<Finding> {
    let mut ordered: Vec<&RouterFacts<'_>> =
        input.routers.iter().filter(|r| r.rule.is_some()).collect();
    ordered.sort_by_key(|r| {
        (
            Reverse(priority(r)),
            provider_rank(&r.element.provider),
            r.name,
        )
    });
    let mut findings = Vec::new();
    for (index, loser) in ordered.iter().enumerate() {
        let winner = ordered[..index].iter().find(|w| shadows(w, loser));
        if let Some(winner) = winner {
            findings.push(finding(input, winner, loser));
        }
    }
    findings
}

fn priority(router: &RouterFacts<'_>) -> i64 {
    match router.config().priority {
        0 => limpet_rule::default_priority(&router.config().rule),
        configured => configured,
    }
}

/// Same rule (as parsed), same TLS-ness, at least one entrypoint in common.
fn shadows(winner: &RouterFacts<'_>, loser: &RouterFacts<'_>) -> bool {
    let same_rule = match (&winner.rule, &loser.rule) {
        (Some(a), Some(b)) => a.ast() == b.ast(),
        _ => false,
    };
    let same_tls = winner.config().tls.is_some() == loser.config().tls.is_some();
    let shared_entry_point = loser
        .entry_points
        .iter()
        .any(|ep| winner.entry_points.contains(ep));
    same_rule && same_tls && shared_entry_point
}

fn finding(input: &Input<'_>, winner: &RouterFacts<'_>, loser: &RouterFacts<'_>) -> Finding {
    let message = format!(
        "router {} never receives traffic: router {} has the same rule ({}) on the same entrypoints and \
         is always tried first (higher priority, then provider precedence, then name). \
         If both serve one application, use one router and one service with all servers",
        loser.name,
        winner.name,
        loser.config().rule
    );
    let (patch, note) = merged_into_winner(input, winner, loser);
    Finding::new("LMP002", Severity::Warning, ElementKind::Router, loser.name)
        .message(message)
        .patch(patch, &note)
}

/// Drops the shadowed router (and its service when nothing else uses it); its servers
/// join the winner's service when both are load balancers of the same provider.
fn merged_into_winner(
    input: &Input<'_>,
    winner: &RouterFacts<'_>,
    loser: &RouterFacts<'_>,
) -> (Patch, String) {
    let provider = loser.element.provider.as_str();
    let mut patch = Patch::new(provider).remove(ElementKind::Router, loser.name);
    let pooled = pooled_service(input, winner, loser);
    if let Some(service) = pooled {
        patch = patch.service(&winner.service, service);
    }
    if loser.service != winner.service && !used_elsewhere(input, &loser.service, loser.name) {
        patch = patch.remove(ElementKind::Service, &loser.service);
    }
    if provider == "docker" && winner.element.provider == provider {
        // Labels live on containers: show the router every replica should carry.
        patch = patch.router(winner.name, winner.config().clone());
    }
    let note = if provider == "docker" {
        format!(
            "one router, one service: label every replica's container with the labels below \
             (Traefik pools the servers of containers sharing service {}), or run one Compose \
             service with several replicas",
            super::patch::base(&winner.service)
        )
    } else {
        format!(
            "one router, one service with all servers; {} is removed",
            loser.name
        )
    };
    (patch, note)
}

/// The winner's load balancer with the loser's servers (and sticky, if only the loser had it).
fn pooled_service(
    input: &Input<'_>,
    winner: &RouterFacts<'_>,
    loser: &RouterFacts<'_>,
) -> Option<crate::dynamic::Service> {
    let ours = input.merged.services.get(&winner.service)?;
    let theirs = input.merged.services.get(&loser.service)?;
    if ours.provider != loser.element.provider || winner.service == loser.service {
        return None;
    }
    let mut pooled = ours.config.clone();
    let lb = pooled.load_balancer.as_mut()?;
    let other = theirs.config.load_balancer.as_ref()?;
    for server in &other.servers {
        if !lb.servers.iter().any(|s| s.url == server.url) {
            lb.servers.push(server.clone());
        }
    }
    if lb.sticky.is_none() {
        lb.sticky = other.sticky.clone();
    }
    Some(pooled)
}

fn used_elsewhere(input: &Input<'_>, service: &str, except_router: &str) -> bool {
    input
        .routers
        .iter()
        .any(|r| r.name != except_router && r.reaches.contains(service))
}
