//! Per-entrypoint route table: routers indexed by host, then matched by rule in order.
//!
//! Routes are sorted once per configuration (priority, provider precedence, name). A request
//! only evaluates the routes whose host constraint its host can satisfy: the exact-host list,
//! the one-label-wildcard list of its parent domain, and the routes without a host constraint,
//! merged in route order without allocating.

use std::collections::HashMap;
use std::sync::Arc;

use limpet_rule::{HostConstraint, HostPattern, Request, Rule};

use crate::data::service::Service;

/// One router, ready to serve.
#[derive(Debug)]
pub struct Route {
    /// Qualified router name (access log `RouterName`).
    pub name: Arc<str>,
    pub rule: Rule,
    pub service: Arc<Service>,
}

/// The routes of one entrypoint.
#[derive(Debug, Default)]
pub struct RouteTable {
    routes: Vec<Route>,
    exact: HashMap<Box<str>, Vec<u32>>,
    wildcard: HashMap<Box<str>, Vec<u32>>,
    any_host: Vec<u32>,
}

impl RouteTable {
    /// Indexes `routes`, which must already be in precedence order.
    pub fn new(routes: Vec<Route>) -> RouteTable {
        let mut table = RouteTable::default();
        for (position, route) in routes.iter().enumerate() {
            table.index(position as u32, route.rule.host_constraint());
        }
        table.routes = routes;
        table
    }

    fn index(&mut self, position: u32, constraint: HostConstraint) {
        let HostConstraint::OneOf(patterns) = constraint else {
            self.any_host.push(position);
            return;
        };
        for pattern in patterns {
            let (map, key) = match pattern {
                HostPattern::Exact(host) => (&mut self.exact, host),
                HostPattern::Wildcard(parent) => (&mut self.wildcard, parent),
            };
            let list = map.entry(key.into_boxed_str()).or_default();
            if list.last() != Some(&position) {
                list.push(position);
            }
        }
    }

    /// The first route, in precedence order, whose rule matches.
    pub fn find(&self, request: &Request<'_>) -> Option<&Route> {
        let exact = self.exact.get(request.host).map_or(&[][..], Vec::as_slice);
        let wildcard = parent_domain(request.host)
            .and_then(|parent| self.wildcard.get(parent))
            .map_or(&[][..], Vec::as_slice);
        let mut candidates = MergedPositions::new([exact, wildcard, &self.any_host]);
        candidates.find_map(|position| {
            let route = self.routes.get(position as usize)?;
            route.rule.matches(request).then_some(route)
        })
    }

    /// Number of routes on this entrypoint.
    pub fn len(&self) -> usize {
        self.routes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.routes.is_empty()
    }
}

/// `a.example.com` → `example.com`; `None` when there is no parent or the first label is empty.
fn parent_domain(host: &str) -> Option<&str> {
    let (label, parent) = host.split_once('.')?;
    (!label.is_empty() && !parent.is_empty()).then_some(parent)
}

/// Ascending merge of three ascending position lists.
struct MergedPositions<'a> {
    lists: [&'a [u32]; 3],
}

impl<'a> MergedPositions<'a> {
    fn new(lists: [&'a [u32]; 3]) -> Self {
        MergedPositions { lists }
    }
}

impl Iterator for MergedPositions<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let (which, &smallest) = self
            .lists
            .iter()
            .enumerate()
            .filter_map(|(i, list)| list.first().map(|p| (i, p)))
            .min_by_key(|(_, p)| **p)?;
        self.lists[which] = &self.lists[which][1..];
        Some(smallest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_is_ascending_and_complete() {
        let merged: Vec<u32> = MergedPositions::new([&[1, 4, 9], &[2, 3], &[0, 10]]).collect();
        assert_eq!(merged, vec![0, 1, 2, 3, 4, 9, 10]);
    }

    #[test]
    fn parent_of_one_label_only() {
        assert_eq!(parent_domain("a.example.com"), Some("example.com"));
        assert_eq!(parent_domain("example"), None);
        assert_eq!(parent_domain(".example.com"), None);
    }
}
