//! Merging per-provider configurations into one namespace: every router, service and
//! middleware is known as `name@provider`, and references without `@` resolve in the
//! provider that wrote them. TLS sections are merged as Traefik does ([`tls`]), and
//! entrypoint models split routers on TLS entrypoints ([`models`]).

mod models;
pub mod tls;

use std::collections::BTreeMap;

use limpet_rule::RouteKey;

use crate::dynamic::{Configuration, Middleware, Router, ServersTransport, Service};

/// One element of the merged configuration, as its provider wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct Element<T> {
    /// Qualified name, `name@provider`.
    pub name: String,
    pub provider: String,
    /// The configuration as written: references inside are *not* qualified (the API shows
    /// them as written); use [`qualify`] with `provider` to resolve them.
    pub config: T,
}

/// Every provider's elements in one namespace, keyed by qualified name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    pub routers: BTreeMap<String, Element<Router>>,
    pub services: BTreeMap<String, Element<Service>>,
    pub middlewares: BTreeMap<String, Element<Middleware>>,
    pub servers_transports: BTreeMap<String, Element<ServersTransport>>,
    pub tls: tls::MergedTls,
}

/// Merges provider configurations (provider name → its configuration). Routers without
/// `entryPoints` are not split by entrypoint models; see [`merge_for`].
pub fn merge(providers: &BTreeMap<String, Configuration>) -> Merged {
    merge_for(providers, &[])
}

/// [`merge`], routers without `entryPoints` being on `default_entry_points` when an
/// entrypoint model (`http.tls`) applies to them.
pub fn merge_for(
    providers: &BTreeMap<String, Configuration>,
    default_entry_points: &[String],
) -> Merged {
    let mut merged = Merged::default();
    for (provider, config) in providers {
        let Some(http) = config.http.as_ref() else {
            continue;
        };
        add_all(&mut merged.routers, provider, &http.routers);
        add_all(&mut merged.services, provider, &http.services);
        add_all(&mut merged.middlewares, provider, &http.middlewares);
        let transports = &http.servers_transports;
        add_all(&mut merged.servers_transports, provider, transports);
    }
    let models = models::entry_point_models(providers);
    merged.routers = models::apply_models(merged.routers, &models, default_entry_points);
    merged.tls = tls::merge_tls(providers);
    merged
}

fn add_all<T: Clone>(
    target: &mut BTreeMap<String, Element<T>>,
    provider: &str,
    items: &BTreeMap<String, T>,
) {
    for (name, config) in items {
        let qualified = format!("{name}@{provider}");
        let element = Element {
            name: qualified.clone(),
            provider: provider.to_owned(),
            config: config.clone(),
        };
        target.insert(qualified, element);
    }
}

/// Resolves a reference written in `provider`'s configuration: names containing `@` are
/// already qualified, others live in the same provider.
pub fn qualify(reference: &str, provider: &str) -> String {
    if reference.contains('@') {
        reference.to_owned()
    } else {
        format!("{reference}@{provider}")
    }
}

/// The provider part of a qualified name (`svc@file` → `file`).
pub fn provider_of(qualified: &str) -> Option<&str> {
    qualified.rsplit_once('@').map(|(_, provider)| provider)
}

/// Rank of a provider in Traefik's default precedence (lower wins ties).
///
/// `internal` ranks first (0): its routers (API, dashboard, ping, metrics, redirections) use
/// reserved priorities above any user priority, so this only matters for an exact tie, and
/// then the built-in route must win over user configuration. Known providers follow in
/// Traefik's order (1…); unknown providers rank last, as in Traefik.
pub fn provider_rank(provider: &str) -> usize {
    let provider = provider.to_ascii_lowercase();
    if provider == "internal" {
        return 0;
    }
    1 + limpet_rule::priority::provider_rank(
        &provider,
        limpet_rule::priority::DEFAULT_PROVIDER_PRECEDENCE,
    )
}

/// A router's place in the order routers are tried: higher (effective) priority first,
/// then provider precedence ([`provider_rank`]), then name. The runtime's route tables and
/// the lint's shadowing check both sort by it.
pub fn route_key<'a>(priority: i64, provider: &str, name: &'a str) -> RouteKey<'a> {
    RouteKey {
        priority,
        provider_rank: provider_rank(provider),
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dynamic::HttpConfiguration;

    fn with_router(name: &str, service: &str) -> Configuration {
        let router = Router {
            service: service.to_owned(),
            ..Router::default()
        };
        let http = HttpConfiguration {
            routers: BTreeMap::from([(name.to_owned(), router)]),
            ..Default::default()
        };
        Configuration {
            http: Some(http),
            ..Default::default()
        }
    }

    #[test]
    fn qualifies_names_per_provider() {
        let providers = BTreeMap::from([
            ("file".to_owned(), with_router("app", "svc")),
            ("docker".to_owned(), with_router("app", "svc@file")),
        ]);
        let merged = merge(&providers);
        let names: Vec<&str> = merged.routers.keys().map(String::as_str).collect();
        assert_eq!(names, ["app@docker", "app@file"]);
        let docker = &merged.routers["app@docker"];
        assert_eq!(
            qualify(&docker.config.service, &docker.provider),
            "svc@file"
        );
        let file = &merged.routers["app@file"];
        assert_eq!(qualify(&file.config.service, &file.provider), "svc@file");
    }

    #[test]
    fn routes_sort_by_priority_then_provider_then_name() {
        let mut keys = [
            route_key(10, "file", "b@file"),
            route_key(10, "file", "a@file"),
            route_key(10, "docker", "z@docker"),
            route_key(10, "internal", "api@internal"),
            route_key(11, "file", "y@file"),
        ];
        keys.sort();
        let names: Vec<&str> = keys.iter().map(|k| k.name).collect();
        assert_eq!(
            names,
            ["y@file", "api@internal", "z@docker", "a@file", "b@file"]
        );
    }

    #[test]
    fn precedence_order() {
        assert_eq!(provider_rank("internal"), 0);
        assert!(provider_rank("docker") < provider_rank("file"));
        assert!(provider_rank("file") < provider_rank("redis"));
        assert!(provider_rank("rest") < provider_rank("something-else"));
        assert_eq!(provider_rank("File"), provider_rank("file"));
    }
}
