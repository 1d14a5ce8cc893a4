//! Fixes in applicable form: elements to write (whole, replacing what is there) and
//! elements to remove, in one provider's configuration; rendered as YAML, or as Docker
//! labels for the `docker` provider.
//!
//! A patch usually writes one or two elements: they are kept in small vectors (services
//! boxed) rather than in an `HttpConfiguration`, whose maps cost a whole B-tree node each
//! — thousands of findings each hold a patch.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Finding;
use crate::diagnostics::ElementKind;
use crate::dynamic::{Configuration, HttpConfiguration, Middleware, Router, Service};
use crate::labels::encode::element_labels;

/// A change to one provider's configuration. Names are unqualified (as the provider
/// writes them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch {
    pub provider: String,
    /// Elements written whole, replacing any element of the same name.
    routers: Vec<(String, Router)>,
    services: Vec<(String, Box<Service>)>,
    middlewares: Vec<(String, Middleware)>,
    pub remove: Vec<(ElementKind, String)>,
}

// The dynamic types hold no floats that could be NaN (JSON numbers cannot be), so
// equality is reflexive.
impl Eq for Patch {}

impl Patch {
    pub fn new(provider: &str) -> Patch {
        Patch {
            provider: provider.to_owned(),
            ..Patch::default()
        }
    }

    pub fn router(mut self, qualified: &str, router: Router) -> Patch {
        put(&mut self.routers, base(qualified), router);
        self
    }

    pub fn service(mut self, qualified: &str, service: Service) -> Patch {
        put(&mut self.services, base(qualified), Box::new(service));
        self
    }

    /// Writes middleware `name` (unqualified).
    pub fn middleware(mut self, name: &str, middleware: Middleware) -> Patch {
        put(&mut self.middlewares, name, middleware);
        self
    }

    pub fn remove(mut self, kind: ElementKind, qualified: &str) -> Patch {
        self.remove.push((kind, base(qualified).to_owned()));
        self
    }

    /// Whether the patch writes no element (only removes).
    pub fn set_is_empty(&self) -> bool {
        self.routers.is_empty() && self.services.is_empty() && self.middlewares.is_empty()
    }

    /// The elements the patch writes, as an `http` section.
    pub fn set(&self) -> HttpConfiguration {
        let mut http = HttpConfiguration::default();
        self.write_into(&mut http);
        http
    }

    fn write_into(&self, http: &mut HttpConfiguration) {
        let routers = self.routers.iter().map(|(n, r)| (n.clone(), r.clone()));
        http.routers.extend(routers);
        let services = self
            .services
            .iter()
            .map(|(n, s)| (n.clone(), (**s).clone()));
        http.services.extend(services);
        let middlewares = self.middlewares.iter().map(|(n, m)| (n.clone(), m.clone()));
        http.middlewares.extend(middlewares);
    }

    /// Applies the patch to the provider configurations.
    pub fn apply(&self, providers: &mut BTreeMap<String, Configuration>) {
        let config = providers.entry(self.provider.clone()).or_default();
        let http = config.http.get_or_insert_with(HttpConfiguration::default);
        for (kind, name) in &self.remove {
            match kind {
                ElementKind::Router => http.routers.remove(name).map(|_| ()),
                ElementKind::Service => http.services.remove(name).map(|_| ()),
                ElementKind::Middleware => http.middlewares.remove(name).map(|_| ()),
            };
        }
        self.write_into(http);
    }

    /// The fix text: `note` as comments, then YAML (or labels), then what to remove.
    pub fn render(&self, note: &str) -> String {
        let mut text: String = note.lines().map(|line| format!("# {line}\n")).collect();
        if self.provider == "docker" {
            text.push_str(&self.labels());
        } else {
            text.push_str(&self.yaml());
        }
        for (kind, name) in &self.remove {
            text.push_str(&self.removal(*kind, name));
        }
        text
    }

    fn removal(&self, kind: ElementKind, name: &str) -> String {
        let key = kind.section();
        if self.provider == "docker" {
            format!("# remove every label traefik.http.{key}.{name}.*\n")
        } else {
            format!("# remove http.{key}.{name}\n")
        }
    }

    fn yaml(&self) -> String {
        if self.set_is_empty() {
            return String::new();
        }
        let mut value = serde_json::json!({ "http": self.set() });
        strip_nulls(&mut value);
        serde_yaml_ng::to_string(&value).unwrap_or_default()
    }

    fn labels(&self) -> String {
        let set = self.set();
        let mut lines = Vec::new();
        for (name, router) in &set.routers {
            lines.extend(element_labels(ElementKind::Router, name, router));
        }
        for (name, service) in &set.services {
            lines.extend(element_labels(ElementKind::Service, name, service));
        }
        for (name, middleware) in &set.middlewares {
            lines.extend(element_labels(ElementKind::Middleware, name, middleware));
        }
        lines.iter().map(|line| format!("{line}\n")).collect()
    }
}

/// Applies every finding's patch, in order.
pub fn apply_all(providers: &mut BTreeMap<String, Configuration>, findings: &[Finding]) {
    for patch in findings.iter().filter_map(|f| f.fix.patch()) {
        patch.apply(providers);
    }
}

/// Sets `name` to `value`, replacing an earlier value of the same name.
fn put<T>(entries: &mut Vec<(String, T)>, name: &str, value: T) {
    match entries.iter_mut().find(|(n, _)| n == name) {
        Some(entry) => entry.1 = value,
        None => entries.push((name.to_owned(), value)),
    }
}

/// `name` of `name@provider`.
pub(super) fn base(qualified: &str) -> &str {
    qualified
        .rsplit_once('@')
        .map_or(qualified, |(name, _)| name)
}

/// Go's `omitempty` output has no nulls; ours has `passHostHeader: null` when unset.
fn strip_nulls(value: &mut Value) {
    match value {
        Value::Object(entries) => {
            entries.retain(|_, v| !v.is_null());
            entries.values_mut().for_each(strip_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_nulls),
        _ => {}
    }
}
