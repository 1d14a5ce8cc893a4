//! Merging the elements of several containers (Traefik's `ResourceStrategyMerge`):
//! identical routers and middlewares are kept once; load balancers that are equal apart
//! from their servers pool the servers (deduplicated by URL); anything else that differs
//! is removed with `… defined multiple times with different configurations`.

use std::collections::{BTreeMap, BTreeSet};

use super::LabelProblem;
use crate::diagnostics::ElementKind;
use crate::dynamic::{HttpConfiguration, Service};

#[derive(Debug, Default)]
pub(super) struct Merger {
    http: HttpConfiguration,
    conflicts: BTreeSet<(ElementKind, String)>,
}

impl Merger {
    pub(super) fn add(&mut self, http: HttpConfiguration) {
        let routers = merge_equal(&mut self.http.routers, http.routers);
        let middlewares = merge_equal(&mut self.http.middlewares, http.middlewares);
        self.note(ElementKind::Router, routers);
        self.note(ElementKind::Middleware, middlewares);
        for (name, service) in http.services {
            if !merge_service(&mut self.http.services, &name, service) {
                self.conflicts.insert((ElementKind::Service, name));
            }
        }
    }

    fn note(&mut self, kind: ElementKind, names: Vec<String>) {
        self.conflicts
            .extend(names.into_iter().map(|name| (kind, name)));
    }

    pub(super) fn finish(mut self) -> (HttpConfiguration, Vec<LabelProblem>) {
        let mut problems = Vec::new();
        for (kind, name) in self.conflicts {
            match kind {
                ElementKind::Router => self.http.routers.remove(&name).map(|_| ()),
                ElementKind::Service => self.http.services.remove(&name).map(|_| ()),
                ElementKind::Middleware => self.http.middlewares.remove(&name).map(|_| ()),
            };
            problems.push(conflict(kind, &name));
        }
        (self.http, problems)
    }
}

/// Inserts every element; returns the names that exist with a different configuration.
fn merge_equal<T: PartialEq>(
    target: &mut BTreeMap<String, T>,
    items: BTreeMap<String, T>,
) -> Vec<String> {
    let mut conflicts = Vec::new();
    for (name, item) in items {
        match target.get(&name) {
            Some(existing) if *existing != item => conflicts.push(name),
            Some(_) => {}
            None => {
                target.insert(name, item);
            }
        }
    }
    conflicts
}

/// Adds `service`; false when it conflicts with an existing one of the same name.
fn merge_service(target: &mut BTreeMap<String, Service>, name: &str, service: Service) -> bool {
    let Some(existing) = target.get_mut(name) else {
        target.insert(name.to_owned(), service);
        return true;
    };
    if without_servers(existing) != without_servers(&service) {
        return false;
    }
    let (Some(into), Some(from)) = (existing.load_balancer.as_mut(), service.load_balancer) else {
        return true;
    };
    for server in from.servers {
        if !into.servers.iter().any(|s| s.url == server.url) {
            into.servers.push(server);
        }
    }
    true
}

fn without_servers(service: &Service) -> Service {
    let mut copy = service.clone();
    if let Some(lb) = copy.load_balancer.as_mut() {
        lb.servers.clear();
    }
    copy
}

fn conflict(kind: ElementKind, name: &str) -> LabelProblem {
    let what = kind.as_str();
    LabelProblem {
        element: Some((kind, name.to_owned())),
        label: name.to_owned(),
        message: format!(
            "HTTP {what} {name:?} defined multiple times with different configurations"
        ),
        is_error: true,
    }
}
