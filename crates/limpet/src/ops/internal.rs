//! The `internal` provider and the services limpet answers itself.
//!
//! As in Traefik, the static configuration turns into routers, services and middlewares of
//! provider `internal` (`api@internal`, `dashboard@internal`, `ping@internal`,
//! `prometheus@internal`, `noop@internal`, the dashboard's redirect and strip-prefix
//! middlewares). They go through merge and validation like any other configuration, so the
//! API lists them exactly as Traefik does and user routers may target them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use limpet_config::dynamic::{Configuration, HttpConfiguration, Middleware, Router, Service};
use limpet_config::model::InternalService;
use limpet_config::static_config::{
    self, EntryPoint, EntryPointSet, StaticConfig, INTERNAL_ENTRY_POINT,
};
use serde_json::json;

use crate::data::entrypoint::Shared;
use crate::data::proxy::ConnInfo;
use crate::data::responses::{self, ProxyBody};

/// Priorities of the internal routers: above anything a user may configure.
const PRIORITY_MAX: i64 = i64::MAX;
const PRIORITY_API: i64 = i64::MAX - 1;
const PRIORITY_DASHBOARD: i64 = i64::MAX - 2;

/// Everything the internal services need besides the current snapshot.
pub struct Internals {
    pub api: Option<static_config::Api>,
    pub ping: Option<static_config::Ping>,
    /// Effective entrypoints as configured (defaults filled in), by name.
    pub entry_points: Vec<(String, EntryPoint)>,
    /// Entrypoint names and the defaults of routers without `entryPoints`.
    pub entry_point_set: EntryPointSet,
    pub started: SystemTime,
    /// Set when shutdown begins: `/ping` answers `terminatingStatusCode`.
    terminating: AtomicBool,
    /// `features.accessLog` of `/api/overview`.
    pub access_log_enabled: bool,
    /// Enabled providers, as `/api/overview` names them (`File`).
    pub providers: Vec<String>,
}

impl Internals {
    pub fn new(config: &StaticConfig) -> Internals {
        Internals {
            api: config.api.clone(),
            ping: config.ping.clone(),
            entry_points: static_config::effective_entry_points(config)
                .into_iter()
                .collect(),
            entry_point_set: static_config::entry_point_set(config),
            started: SystemTime::now(),
            terminating: AtomicBool::new(false),
            access_log_enabled: config.access_log.is_some(),
            providers: provider_names(config),
        }
    }

    pub fn is_terminating(&self) -> bool {
        self.terminating.load(Ordering::Relaxed)
    }

    pub fn start_terminating(&self) {
        self.terminating.store(true, Ordering::Relaxed);
    }

    /// The longest `requestAcceptGraceTimeout` of the entrypoints: how long requests are
    /// still accepted once shutdown begins.
    pub fn accept_grace(&self) -> Duration {
        self.entry_points
            .iter()
            .map(|(_, ep)| {
                ep.transport
                    .life_cycle
                    .request_accept_grace_timeout
                    .to_std()
            })
            .max()
            .unwrap_or_default()
    }
}

/// Traefik's provider names in `/api/overview` (`File`, `Docker`…).
fn provider_names(config: &StaticConfig) -> Vec<String> {
    let mut names = Vec::new();
    if config.providers.file.is_some() {
        names.push("File".to_owned());
    }
    for other in config.providers.others.keys() {
        let mut chars = other.chars();
        if let Some(first) = chars.next() {
            names.push(first.to_uppercase().chain(chars).collect());
        }
    }
    names
}

/// Answers a request routed to an internal service.
pub async fn serve(
    shared: &Shared,
    kind: InternalService,
    conn: &ConnInfo,
    req: Request<Incoming>,
) -> Response<ProxyBody> {
    let internals = &shared.internals;
    match kind {
        InternalService::Api => crate::ops::api::handle(shared, conn, req).await,
        InternalService::Dashboard => crate::ops::dashboard::handle(internals, &req),
        InternalService::Ping => crate::ops::ping::handle(internals, &req),
        InternalService::Prometheus => match &shared.observer.metrics {
            Some(metrics) => metrics.handle(shared),
            None => responses::not_found(),
        },
        InternalService::Noop => responses::plain(StatusCode::OK, Default::default()),
    }
}

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
    Configuration {
        http: Some(http),
        ..Configuration::default()
    }
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
