//! LMP002: routers with the same rule on the same entrypoints. Only the first in
//! Traefik's order (priority, then provider precedence, then name) ever matches; the
//! others never receive traffic — the tutorial's `whoami` / `whoami-replica`, which were
//! meant to be two servers of one service.
//!
//! Routers are grouped by (parsed rule, TLS-ness); within a group, the first router of
//! each entrypoint in that order shadows every later one on it.

use std::collections::{HashMap, HashSet};

use limpet_rule::Expr;

use super::context::{Input, RouterFacts};
use super::finding::Draft;
use super::patch::Patch;
use super::{Code, Finding, Severity};
use crate::diagnostics::ElementKind;

/// Routers with one rule and TLS-ness: the position of the first on each entrypoint.
type Group<'r> = HashMap<&'r str, usize>;

pub(super) fn check(input: &Input<'_>) -> Vec<Finding> {
    let mut ordered: Vec<&RouterFacts<'_>> =
        input.routers.iter().filter(|r| r.rule.is_some()).collect();
    ordered.sort_by_cached_key(|r| r.route_key());
    let mut groups: HashMap<(&Expr, bool), Group<'_>> = HashMap::new();
    let mut findings = Vec::new();
    for (position, loser) in ordered.iter().enumerate() {
        let Some(rule) = &loser.rule else { continue };
        let group = groups
            .entry((rule.ast(), loser.config().tls.is_some()))
            .or_default();
        let winner = loser
            .entry_points
            .iter()
            .filter_map(|ep| group.get(ep.as_str()))
            .min();
        if let Some(winner) = winner {
            findings.push(finding(input, ordered[*winner], loser));
        }
        for ep in &loser.entry_points {
            group.entry(ep).or_insert(position);
        }
    }
    findings
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
    Draft::new(
        Code::Lmp002,
        Severity::Warning,
        ElementKind::Router,
        loser.name,
    )
    .message(message)
    .patch(patch, note)
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
    let mut urls: HashSet<String> = lb.servers.iter().map(|s| s.url.clone()).collect();
    for server in &other.servers {
        if urls.insert(server.url.clone()) {
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
        .routers_reaching(service)
        .iter()
        .any(|r| r.name != except_router)
}
