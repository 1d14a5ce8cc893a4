//! LMP012: two routed sticky services whose cookies have the same name on overlapping hosts
//! and paths — a client using both is re-pinned each time it switches.
//!
//! Services are grouped by cookie name; within a group each service is compared only with
//! the earlier ones that can share a host with it (same exact host, or hosts unknown).

use std::collections::HashMap;

use limpet_rule::HostConstraint;

use super::context::{Input, StickyService};
use super::finding::Draft;
use super::patch::base;
use super::{Code, Finding, Severity};
use crate::diagnostics::ElementKind;

/// A routed sticky service and the exact hosts it answers on (`None`: possibly any, or a
/// Domain cookie, shared across its whole domain).
struct Routed<'i, 'a> {
    sticky: &'i StickyService<'a>,
    hosts: Option<Vec<String>>,
}

/// The earlier services of one cookie name, by position (each list in increasing order).
#[derive(Default)]
struct Group {
    all: Vec<usize>,
    /// Services that may share a host with any other.
    anywhere: Vec<usize>,
    by_host: HashMap<String, Vec<usize>>,
}

pub(super) fn check(input: &Input<'_>) -> Vec<Finding> {
    let routed: Vec<Routed<'_, '_>> = input
        .sticky
        .iter()
        .filter(|s| !input.routers_reaching(s.name).is_empty() && !input.is_weighted_child(s.name))
        .map(|sticky| Routed {
            sticky,
            hosts: hosts_of(input, sticky),
        })
        .collect();
    let mut groups: HashMap<&str, Group> = HashMap::new();
    let mut findings = Vec::new();
    for (position, later) in routed.iter().enumerate() {
        let group = groups.entry(&later.sticky.model.cookie.name).or_default();
        let overlaps = |earlier: &usize| paths_overlap(routed[*earlier].sticky, later.sticky);
        if let Some(earlier) = group.first_clash(later, overlaps) {
            findings.push(shared_name(routed[earlier].sticky, later.sticky));
        }
        group.add(later, position);
    }
    findings
}

impl Group {
    /// The first earlier service that can share a host with `later` and whose cookie path
    /// `overlaps`.
    fn first_clash(
        &self,
        later: &Routed<'_, '_>,
        overlaps: impl Fn(&usize) -> bool,
    ) -> Option<usize> {
        let Some(hosts) = &later.hosts else {
            return self.all.iter().copied().find(overlaps);
        };
        let same_host = hosts.iter().filter_map(|h| self.by_host.get(h));
        std::iter::once(&self.anywhere)
            .chain(same_host)
            .filter_map(|positions| positions.iter().copied().find(&overlaps))
            .min()
    }

    fn add(&mut self, routed: &Routed<'_, '_>, position: usize) {
        self.all.push(position);
        match &routed.hosts {
            None => self.anywhere.push(position),
            Some(hosts) => {
                for host in hosts {
                    let on_host = self.by_host.entry(host.clone()).or_default();
                    if on_host.last() != Some(&position) {
                        on_host.push(position);
                    }
                }
            }
        }
    }
}

fn paths_overlap(a: &StickyService<'_>, b: &StickyService<'_>) -> bool {
    let (a, b) = (&a.model.cookie.path, &b.model.cookie.path);
    super::scope::paths_overlap(a.as_deref(), b.as_deref())
}

/// Exact hosts of the routers reaching the service; `None` when any may match every host
/// or the cookie has a Domain.
fn hosts_of(input: &Input<'_>, sticky: &StickyService<'_>) -> Option<Vec<String>> {
    if sticky.model.cookie.domain.is_some() {
        return None;
    }
    let mut hosts = Vec::new();
    for router in input.routers_reaching(sticky.name) {
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
    Draft::new(Code::Lmp012, Severity::Warning, ElementKind::Service, later.name)
        .at(&format!("{}.cookie.name", later.at))
        .message(format!(
            "services {} and {} use the same sticky cookie name {name:?} on overlapping hosts and paths: \
             a client using both is re-pinned each time it switches, and each service sees the other's \
             value as unknown",
            earlier.name, later.name
        ))
        .patch(later.with_cookie(cookie), "give each service its own cookie name")
}
