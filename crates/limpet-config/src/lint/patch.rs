//! Fixes in applicable form: elements to write (whole, replacing what is there) and
//! elements to remove, in one provider's configuration; rendered as YAML, or as Docker
//! labels for the `docker` provider.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Finding;
use crate::diagnostics::ElementKind;
use crate::dynamic::{Configuration, HttpConfiguration, Router, Service};
use crate::labels::encode::element_labels;

/// A change to one provider's configuration. Names are unqualified (as the provider
/// writes them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Patch {
    pub provider: String,
    /// Elements written whole, replacing any element of the same name.
    pub set: HttpConfiguration,
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
        self.set.routers.insert(base(qualified).to_owned(), router);
        self
    }

    pub fn service(mut self, qualified: &str, service: Service) -> Patch {
        self.set
            .services
            .insert(base(qualified).to_owned(), service);
        self
    }

    pub fn remove(mut self, kind: ElementKind, qualified: &str) -> Patch {
        self.remove.push((kind, base(qualified).to_owned()));
        self
    }

    /// Whether the patch writes no element (only removes).
    pub fn set_is_empty(&self) -> bool {
        self.set.routers.is_empty()
            && self.set.services.is_empty()
            && self.set.middlewares.is_empty()
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
        http.routers.extend(self.set.routers.clone());
        http.services.extend(self.set.services.clone());
        http.middlewares.extend(self.set.middlewares.clone());
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
        let mut value = serde_json::json!({ "http": &self.set });
        strip_nulls(&mut value);
        serde_yaml_ng::to_string(&value).unwrap_or_default()
    }

    fn labels(&self) -> String {
        let mut lines = Vec::new();
        for (name, router) in &self.set.routers {
            lines.extend(element_labels(ElementKind::Router, name, router));
        }
        for (name, service) in &self.set.services {
            lines.extend(element_labels(ElementKind::Service, name, service));
        }
        for (name, middleware) in &self.set.middlewares {
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
