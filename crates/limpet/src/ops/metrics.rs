//! Prometheus metrics (`metrics.prometheus`) with Traefik's names and labels, plus limpet's
//! sticky-session metrics, served at `/metrics` by `prometheus@internal`.
//!
//! Request metrics use handles resolved once per label combination and cached, so a request
//! costs one read-locked map lookup and a few atomic adds. Metrics that describe state
//! (server up, draining, pinned sessions, sticky decisions) are read at scrape time.

mod state;

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Method, Response, StatusCode};
use limpet_config::static_config::{Prometheus, StaticConfig};
use prometheus_client::encoding::text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::{Family, MetricConstructor};
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::data::responses::{self, ProxyBody};
use crate::ops::internal::View;
use crate::ops::observe::Exchange;

type Labels = [(&'static str, String); 4];
type Requests = Family<Labels, Counter>;
type Durations = Family<Labels, Histogram, Buckets>;

/// Histogram buckets from `metrics.prometheus.buckets`.
#[derive(Debug, Clone)]
pub struct Buckets(Vec<f64>);

impl MetricConstructor<Histogram> for Buckets {
    fn new_metric(&self) -> Histogram {
        Histogram::new(self.0.iter().copied())
    }
}

/// The four request metrics of one scope (entrypoint or service).
#[derive(Clone)]
struct RequestFamilies {
    requests: Requests,
    durations: Durations,
    request_bytes: Requests,
    response_bytes: Requests,
}

/// Handles of one label combination.
struct Handles {
    requests: Counter,
    duration: Histogram,
    request_bytes: Counter,
    response_bytes: Counter,
}

impl RequestFamilies {
    fn new(buckets: &Buckets) -> RequestFamilies {
        RequestFamilies {
            requests: Family::default(),
            durations: Family::new_with_constructor(buckets.clone()),
            request_bytes: Family::default(),
            response_bytes: Family::default(),
        }
    }

    fn register(&self, registry: &mut Registry, scope: &str, what: &str) {
        let of = |text: &str| {
            format!("{text} {what}, partitioned by status code, protocol, and method.")
        };
        registry.register(
            format!("traefik_{scope}_requests"),
            of("How many HTTP requests processed on"),
            self.requests.clone(),
        );
        registry.register(
            format!("traefik_{scope}_request_duration_seconds"),
            of("How long it took to process the request on"),
            self.durations.clone(),
        );
        registry.register(
            format!("traefik_{scope}_requests_bytes"),
            of("The total size of requests in bytes handled by"),
            self.request_bytes.clone(),
        );
        registry.register(
            format!("traefik_{scope}_responses_bytes"),
            of("The total size of responses in bytes handled by"),
            self.response_bytes.clone(),
        );
    }

    fn handles(&self, labels: &Labels) -> Handles {
        Handles {
            requests: self.requests.get_or_create_owned(labels),
            duration: self.durations.get_or_create_owned(labels),
            request_bytes: self.request_bytes.get_or_create_owned(labels),
            response_bytes: self.response_bytes.get_or_create_owned(labels),
        }
    }
}

impl Handles {
    fn record(&self, exchange: &Exchange) {
        self.requests.inc();
        self.duration.observe(exchange.duration.as_secs_f64());
        self.request_bytes.inc_by(exchange.request_length);
        self.response_bytes.inc_by(exchange.bytes);
    }
}

/// (scope name, status, method, websocket): one cached label combination.
type HandleKey = (Arc<str>, u16, Method, bool);

/// The Prometheus registry and the handles requests use.
pub struct Metrics {
    settings: Prometheus,
    add_internals: bool,
    registry: Registry,
    entry_points: RequestFamilies,
    services: RequestFamilies,
    entry_point_handles: RwLock<HashMap<HandleKey, Arc<Handles>>>,
    service_handles: RwLock<HashMap<HandleKey, Arc<Handles>>>,
    reloads: Counter,
    last_reload_success: Gauge<f64, AtomicU64>,
    open_connections: Family<[(&'static str, String); 2], Gauge>,
    rejected: Family<[(&'static str, String); 2], Counter>,
    client_timeouts: Family<[(&'static str, String); 2], Counter>,
}

impl Metrics {
    /// Metrics as configured, or `None` when Prometheus is not enabled.
    pub fn from_config(config: &StaticConfig) -> Option<Metrics> {
        let metrics = config.metrics.as_ref()?;
        let prometheus = metrics.prometheus.clone()?;
        Some(Metrics::new(prometheus, metrics.add_internals))
    }

    fn new(settings: Prometheus, add_internals: bool) -> Metrics {
        let buckets = Buckets(settings.buckets.clone());
        let mut metrics = Metrics {
            add_internals,
            registry: Registry::default(),
            entry_points: RequestFamilies::new(&buckets),
            services: RequestFamilies::new(&buckets),
            entry_point_handles: RwLock::default(),
            service_handles: RwLock::default(),
            reloads: Counter::default(),
            last_reload_success: Gauge::default(),
            open_connections: Family::default(),
            rejected: Family::default(),
            client_timeouts: Family::default(),
            settings,
        };
        metrics.register();
        metrics
    }

    fn register(&mut self) {
        let registry = &mut self.registry;
        registry.register(
            "traefik_config_reloads",
            "Config reloads",
            self.reloads.clone(),
        );
        registry.register(
            "traefik_config_last_reload_success",
            "Last config reload success",
            self.last_reload_success.clone(),
        );
        registry.register(
            "traefik_open_connections",
            "How many open connections exist, by entryPoint and protocol",
            self.open_connections.clone(),
        );
        registry.register(
            "limpet_rejected_requests",
            "Requests refused as malformed before routing, by entrypoint and reason",
            self.rejected.clone(),
        );
        registry.register(
            "limpet_client_timeouts",
            "Client connections cut by a responding timeout, by entrypoint and timeout (read, write, idle)",
            self.client_timeouts.clone(),
        );
        if self.settings.add_entry_points_labels {
            self.entry_points
                .register(registry, "entrypoint", "an entrypoint");
        }
        if self.settings.add_services_labels {
            self.services.register(registry, "service", "a service");
        }
    }

    pub fn add_internals(&self) -> bool {
        self.add_internals
    }

    /// A configuration was applied.
    pub fn on_reload(&self) {
        self.reloads.inc();
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        self.last_reload_success.set(now.as_secs() as f64);
    }

    /// Counts an open connection on `entry_point` until the guard is dropped.
    pub fn connection(&self, entry_point: &str) -> ConnectionGuard {
        let labels = [
            ("entrypoint", entry_point.to_owned()),
            ("protocol", "TCP".to_owned()),
        ];
        let gauge = self.open_connections.get_or_create_owned(&labels);
        gauge.inc();
        ConnectionGuard(gauge)
    }

    /// A request refused as malformed (`limpet_rejected_requests_total`).
    pub fn rejected(&self, entry_point: &str, reason: &'static str) {
        let labels = [
            ("entrypoint", entry_point.to_owned()),
            ("reason", reason.to_owned()),
        ];
        self.rejected.get_or_create(&labels).inc();
    }

    /// A client connection cut by a timeout (`limpet_client_timeouts_total`).
    pub fn timed_out(&self, entry_point: &str, timeout: &'static str) {
        let labels = [
            ("entrypoint", entry_point.to_owned()),
            ("timeout", timeout.to_owned()),
        ];
        self.client_timeouts.get_or_create(&labels).inc();
    }

    /// Records one finished exchange.
    pub fn record(&self, exchange: &Exchange) {
        if self.settings.add_entry_points_labels {
            let key = key(exchange.entry_point.clone(), exchange);
            let handles = cached(&self.entry_point_handles, key, |k| {
                self.entry_points.handles(&labels(k, "entrypoint"))
            });
            handles.record(exchange);
        }
        let service = exchange
            .facts
            .server
            .as_ref()
            .map(|s| s.service.name.clone());
        if let Some(service) = service.filter(|_| self.settings.add_services_labels) {
            let key = key(service, exchange);
            let handles = cached(&self.service_handles, key, |k| {
                self.services.handles(&labels(k, "service"))
            });
            handles.record(exchange);
        }
    }

    /// `GET /metrics`.
    pub fn handle(&self, shared: &View<'_>) -> Response<ProxyBody> {
        let mut out = String::new();
        let state = state::collect(shared);
        let mut extra = Registry::default();
        extra.register_collector(Box::new(state));
        let encoded = text::encode_registry(&mut out, &self.registry)
            .and_then(|()| text::encode_registry(&mut out, &extra))
            .and_then(|()| text::encode_eof(&mut out));
        if encoded.is_err() {
            return responses::go_http_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "metrics encoding failed\n",
            );
        }
        let mut response = responses::plain(StatusCode::OK, Bytes::from(out));
        let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}

fn key(scope: Arc<str>, exchange: &Exchange) -> HandleKey {
    (
        scope,
        exchange.status,
        exchange.method.clone(),
        exchange.websocket,
    )
}

/// Labels in Prometheus' (sorted) order: code, entrypoint|…, method, protocol|service.
fn labels((scope, status, method, websocket): &HandleKey, kind: &'static str) -> Labels {
    let protocol = if *websocket { "websocket" } else { "http" };
    let code = ("code", status.to_string());
    let method = ("method", method.as_str().to_owned());
    if kind == "entrypoint" {
        [
            code,
            ("entrypoint", scope.to_string()),
            method,
            ("protocol", protocol.to_owned()),
        ]
    } else {
        [
            code,
            method,
            ("protocol", protocol.to_owned()),
            ("service", scope.to_string()),
        ]
    }
}

/// The cached handles of `key`, created on first use.
fn cached(
    cache: &RwLock<HashMap<HandleKey, Arc<Handles>>>,
    key: HandleKey,
    create: impl FnOnce(&HandleKey) -> Handles,
) -> Arc<Handles> {
    if let Some(handles) = cache.read().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return handles.clone();
    }
    let handles = Arc::new(create(&key));
    let mut cache = cache.write().unwrap_or_else(|p| p.into_inner());
    cache.entry(key).or_insert(handles).clone()
}

/// Keeps `traefik_open_connections` counted while a connection is open.
pub struct ConnectionGuard(Gauge);

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}
