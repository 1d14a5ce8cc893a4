//! Lookups the checks share, built once per lint so that no check scans every router or
//! service per element: which routers name each service, the parents of each service
//! (weighted, mirroring and failover children), which routers use each middleware, and
//! names by their base (`app@file` → `app`) for "did you mean" suggestions.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::patch::base;
use crate::dynamic::Service;
use crate::merge::{qualify, Merged};

/// Routers (by index in the lint's router list) and the service graph, reversed.
#[derive(Default)]
pub(super) struct Reach<'a> {
    /// Routers by the qualified service they name.
    routers_by_service: HashMap<String, Vec<usize>>,
    /// Services by the qualified child services they name: child → parents.
    parents: HashMap<String, Vec<&'a str>>,
    /// Services named as a child of a `weighted` service.
    weighted_children: HashSet<String>,
    /// Routers by the qualified middlewares they use.
    routers_by_middleware: HashMap<String, Vec<usize>>,
}

impl<'a> Reach<'a> {
    /// `routers` are (qualified service, qualified middlewares) per router, in order.
    pub fn new<'r>(
        merged: &'a Merged,
        routers: impl Iterator<Item = (&'r str, &'r [String])>,
    ) -> Reach<'a> {
        let mut reach = Reach::default();
        for (index, (service, middlewares)) in routers.enumerate() {
            let named = reach.routers_by_service.entry(service.to_owned());
            named.or_default().push(index);
            for middleware in dedup(middlewares) {
                let users = reach.routers_by_middleware.entry(middleware).or_default();
                users.push(index);
            }
        }
        for (name, element) in &merged.services {
            reach.add_children(name, &element.provider, &element.config);
        }
        reach
    }

    fn add_children(&mut self, parent: &'a str, provider: &str, service: &Service) {
        for child in children_of(service) {
            self.parents
                .entry(qualify(child, provider))
                .or_default()
                .push(parent);
        }
        let weighted = service.weighted.iter().flat_map(|w| &w.services);
        self.weighted_children
            .extend(weighted.map(|child| qualify(&child.name, provider)));
    }

    /// Indexes of the routers reaching `service` (naming it, or a service above it), in
    /// order.
    pub fn routers_reaching(&self, service: &str) -> Vec<usize> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut stack = vec![service];
        let mut routers = Vec::new();
        while let Some(name) = stack.pop() {
            if name.is_empty() || !seen.insert(name) {
                continue;
            }
            routers.extend(self.routers_by_service.get(name).into_iter().flatten());
            stack.extend(self.parents.get(name).into_iter().flatten().copied());
        }
        routers.sort_unstable();
        routers.dedup();
        routers
    }

    /// Whether another service names `service` as a child (weighted, mirroring, failover).
    pub fn is_child(&self, service: &str) -> bool {
        self.parents
            .get(service)
            .is_some_and(|parents| parents.iter().any(|p| *p != service))
    }

    /// Whether a `weighted` service names `service` as a child.
    pub fn is_weighted_child(&self, service: &str) -> bool {
        self.weighted_children.contains(service)
    }

    /// Indexes of the routers using middleware `qualified`, in order.
    pub fn routers_using(&self, qualified: &str) -> &[usize] {
        self.routers_by_middleware
            .get(qualified)
            .map_or(&[], Vec::as_slice)
    }
}

fn dedup(names: &[String]) -> Vec<String> {
    let mut unique = names.to_vec();
    unique.sort();
    unique.dedup();
    unique
}

/// The child services `service` names, as written.
fn children_of(service: &Service) -> Vec<&str> {
    let mut children = Vec::new();
    if let Some(weighted) = &service.weighted {
        children.extend(weighted.services.iter().map(|c| c.name.as_str()));
    }
    if let Some(hrw) = &service.highest_random_weight {
        children.extend(hrw.services.iter().map(|c| c.name.as_str()));
    }
    if let Some(mirroring) = &service.mirroring {
        children.push(mirroring.service.as_str());
        children.extend(mirroring.mirrors.iter().map(|m| m.name.as_str()));
    }
    if let Some(failover) = &service.failover {
        children.push(failover.service.as_str());
        children.push(failover.fallback.as_str());
    }
    children
}

/// Qualified names by lowercase base name, to find the ones [`similar`] to a name.
pub(super) struct Similar<'a> {
    by_base: BTreeMap<String, Vec<(usize, &'a str)>>,
}

impl<'a> Similar<'a> {
    /// Indexes `names` by position; empty names are left out.
    pub fn new(names: impl IntoIterator<Item = &'a str>) -> Similar<'a> {
        let mut by_base: BTreeMap<String, Vec<(usize, &'a str)>> = BTreeMap::new();
        for (index, name) in names.into_iter().enumerate() {
            if !name.is_empty() {
                let key = base(name).to_ascii_lowercase();
                by_base.entry(key).or_default().push((index, name));
            }
        }
        Similar { by_base }
    }

    /// The names whose base is [`similar`] to `wanted`'s, with their positions, in order.
    pub fn matching(&self, wanted: &str) -> Vec<(usize, &'a str)> {
        let wanted_base = base(wanted);
        let key = wanted_base.to_ascii_lowercase();
        let longer = format!("{key}-");
        let mut found: Vec<(usize, &'a str)> = self.entries(&key).to_vec();
        let extended = self.by_base.range(longer.clone()..);
        let extended = extended.take_while(|(k, _)| k.starts_with(&longer));
        found.extend(extended.flat_map(|(_, names)| names.iter().copied()));
        for (at, _) in key.match_indices('-') {
            found.extend_from_slice(self.entries(&key[..at]));
        }
        found.retain(|(_, name)| similar(wanted_base, base(name)));
        found.sort_unstable();
        found.dedup();
        found
    }

    fn entries(&self, key: &str) -> &[(usize, &'a str)] {
        self.by_base.get(key).map_or(&[], Vec::as_slice)
    }
}

/// Equal (ignoring case), or one is the other plus `-suffix` (Compose project naming).
pub(super) fn similar(a: &str, b: &str) -> bool {
    let extends = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.starts_with('-'))
    };
    a.eq_ignore_ascii_case(b) || extends(a, b) || extends(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_names_are_found_through_the_index() {
        let names = [
            "app@docker",
            "app-webstack@docker",
            "App@file",
            "apple@file",
            "ap@file",
        ];
        let index = Similar::new(names);
        let found: Vec<&str> = index.matching("app@file").iter().map(|(_, n)| *n).collect();
        assert_eq!(found, ["app@docker", "app-webstack@docker", "App@file"]);
        let shorter: Vec<usize> = index
            .matching("app-webstack-2@x")
            .iter()
            .map(|(i, _)| *i)
            .collect();
        assert_eq!(shorter, [0, 1]);
        for wanted in ["app@file", "app-webstack-2@x", "ap-x@y", "APP@z"] {
            let scanned: Vec<usize> = (0..names.len())
                .filter(|i| similar(base(wanted), base(names[*i])))
                .collect();
            let indexed: Vec<usize> = index.matching(wanted).iter().map(|(i, _)| *i).collect();
            assert_eq!(indexed, scanned, "{wanted}");
        }
    }
}
