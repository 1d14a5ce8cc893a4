//! The `internal` provider: the static configuration turned into routers, services and
//! middlewares of provider `internal` (`api@internal`, `dashboard@internal`, `ping@internal`,
//! `prometheus@internal`, `noop@internal`, the dashboard's redirect and strip-prefix
//! middlewares), as Traefik does. They go through merge and validation like any other
//! configuration, so the API lists them exactly as Traefik does and user routers may target
//! them; the operations surface answers them (`ops::internal`).

use std::collections::BTreeMap;

use limpet_config::dynamic::{
    Configuration, HttpConfiguration, Middleware, Router, ServersTransport, Service,
};
use limpet_config::static_config::{self, StaticConfig, INTERNAL_ENTRY_POINT};
use serde_json::json;

/// Priorities of the internal routers: above anything a user may configure.
const PRIORITY_MAX: i64 = i64::MAX;
const PRIORITY_API: i64 = i64::MAX - 1;
const PRIORITY_DASHBOARD: i64 = i64::MAX - 2;

/// The `internal` provider's dynamic configuration for `config`.
pub fn configuration(config: &StaticConfig) -> Configuration {
    let mut http = HttpConfiguration::default();
    if let Some(api) = &config.api {
        add_api(&mut http, api);
    }
    if let Some(ping) = &config.ping {
        let ep = &ping.entry_point;
        add_service(
            &mut http,
            "ping",
            (!ping.manual_routing).then_some(ep),
            "/ping",
        );
    }
    if let Some(prometheus) = config.metrics.as_ref().and_then(|m| m.prometheus.as_ref()) {
        let ep = (!prometheus.manual_routing).then_some(&prometheus.entry_point);
        add_service(&mut http, "prometheus", ep, "/metrics");
    }
    http.services.insert("noop".to_owned(), Service::default());
    add_entry_point_models(&mut http, config);
    add_default_transport(&mut http, config);
    Configuration {
        http: Some(http),
        ..Configuration::default()
    }
}

/// One model per entrypoint with `http.tls` (Traefik's `<entrypoint>@internal` models): the
/// merge gives its TLS settings to every router on it. `http.middlewares` are not applied
/// yet (a start-up warning says so), so models carry TLS only.
fn add_entry_point_models(http: &mut HttpConfiguration, config: &StaticConfig) {
    for (name, entry_point) in &config.entry_points {
        if let Some(tls) = &entry_point.http.tls {
            http.models.insert(name.clone(), json!({ "tls": tls }));
        }
    }
}

/// `default@internal`, the transport of load balancers naming none: the static
/// `serversTransport`'s TLS settings (the others are warned about at start-up).
fn add_default_transport(http: &mut HttpConfiguration, config: &StaticConfig) {
    let Some(transport) = &config.servers_transport else {
        return;
    };
    let default = ServersTransport {
        insecure_skip_verify: transport.insecure_skip_verify,
        root_cas: transport.root_cas.clone(),
        ..ServersTransport::default()
    };
    http.servers_transports
        .insert("default".to_owned(), default);
}

/// `name@internal`, plus its router `PathPrefix(prefix)` on `entry_point` when routed.
fn add_service(
    http: &mut HttpConfiguration,
    name: &str,
    entry_point: Option<&String>,
    prefix: &str,
) {
    http.services.insert(name.to_owned(), Service::default());
    if let Some(ep) = entry_point {
        let router = internal_router(ep, name, prefix, PRIORITY_MAX);
        http.routers.insert(name.to_owned(), router);
    }
}

fn add_api(http: &mut HttpConfiguration, api: &static_config::Api) {
    http.services.insert("api".to_owned(), Service::default());
    if api.dashboard {
        http.services
            .insert("dashboard".to_owned(), Service::default());
    }
    if !api.insecure {
        return;
    }
    let router = internal_router(INTERNAL_ENTRY_POINT, "api", "/api", PRIORITY_API);
    http.routers.insert("api".to_owned(), router);
    if api.dashboard {
        let mut router =
            internal_router(INTERNAL_ENTRY_POINT, "dashboard", "/", PRIORITY_DASHBOARD);
        router.middlewares = vec![
            "dashboard_redirect@internal".to_owned(),
            "dashboard_stripprefix@internal".to_owned(),
        ];
        http.routers.insert("dashboard".to_owned(), router);
        http.middlewares.extend(dashboard_middlewares());
    }
}

fn internal_router(entry_point: &str, service: &str, prefix: &str, priority: i64) -> Router {
    Router {
        entry_points: vec![entry_point.to_owned()],
        service: format!("{service}@internal"),
        rule: format!("PathPrefix(`{prefix}`)"),
        rule_syntax: "default".to_owned(),
        priority,
        ..Router::default()
    }
}

/// The dashboard's two middlewares, as Traefik declares them (the dashboard service itself
/// performs the redirect and the prefix stripping).
fn dashboard_middlewares() -> BTreeMap<String, Middleware> {
    let redirect = json!({
        "redirectRegex": {
            "regex": r"^(http:\/\/(\[[\w:.]+\]|[\w\._-]+)(:\d+)?)\/$",
            "replacement": "${1}/dashboard/",
            "permanent": true,
        }
    });
    let strip = json!({"stripPrefix": {"prefixes": ["/dashboard/", "/dashboard"]}});
    [
        ("dashboard_redirect", redirect),
        ("dashboard_stripprefix", strip),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name.to_owned(), serde_json::from_value(value).ok()?)))
    .collect()
}
