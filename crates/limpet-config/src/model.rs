//! The validated, resolved configuration the runtime builds snapshots from.
//!
//! Produced by [`crate::validate::validate`]; nothing here derives `Deserialize`. Names are
//! qualified (`name@provider`), references are resolved, defaults are applied, rules are
//! compiled. Only usable elements appear here (status `enabled` or `warning`); the state of
//! every element, usable or not, is in [`crate::diagnostics::Diagnostics`].

pub mod tls;

use std::collections::BTreeMap;
use std::time::Duration;

pub use tls::{RouterTlsModel, TlsModel, TransportModel};

/// Everything the runtime needs from one merged dynamic configuration.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Usable routers by qualified name.
    pub routers: BTreeMap<String, RouterModel>,
    /// Usable services by qualified name (including those no router uses).
    pub services: BTreeMap<String, ServiceModel>,
    /// Status and errors of every router, service and middleware, usable or not.
    pub diagnostics: crate::diagnostics::Diagnostics,
    /// Certificates and TLS options.
    pub tls: TlsModel,
}

/// A router ready to be indexed.
#[derive(Debug, Clone)]
pub struct RouterModel {
    /// Qualified name, e.g. `r-sticky@file`.
    pub name: String,
    /// Provider the router came from (`file`, `docker`, `internal`…).
    pub provider: String,
    /// The rule as written.
    pub rule_text: String,
    /// The compiled rule.
    pub rule: limpet_rule::Rule,
    /// Effective priority: the configured one, or the rule length when 0.
    pub priority: i64,
    /// Effective entrypoints (defaults applied, unknown ones removed), sorted.
    pub entry_points: Vec<String>,
    /// Qualified middleware names, in order.
    pub middlewares: Vec<String>,
    /// Qualified service name.
    pub service: String,
    /// Present when the router answers only over TLS (else only over plain HTTP).
    pub tls: Option<RouterTlsModel>,
}

impl RouterModel {
    /// Its place in the order routers are tried ([`crate::merge::route_key`]).
    pub fn route_key(&self) -> limpet_rule::RouteKey<'_> {
        crate::merge::route_key(self.priority, &self.provider, &self.name)
    }
}

/// A usable service.
#[derive(Debug, Clone)]
pub struct ServiceModel {
    /// Qualified name, e.g. `svc-sticky@file`.
    pub name: String,
    pub kind: ServiceKind,
}

/// The one type a service has.
// Built once per configuration and never moved on the request path: boxing buys nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum ServiceKind {
    LoadBalancer(LoadBalancerModel),
    Weighted(WeightedModel),
    Mirroring(MirroringModel),
    Failover(FailoverModel),
    /// A service limpet itself answers (`api@internal`, `ping@internal`…).
    Internal(InternalService),
}

/// The services of the `internal` provider: limpet answers them without a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InternalService {
    Api,
    Dashboard,
    Ping,
    Prometheus,
    /// Answers an empty 200; the target of redirect-only routers.
    Noop,
}

impl InternalService {
    /// The internal service named `name` (`api@internal`…), if there is one.
    pub fn from_qualified(name: &str) -> Option<InternalService> {
        Some(match name {
            "api@internal" => InternalService::Api,
            "dashboard@internal" => InternalService::Dashboard,
            "ping@internal" => InternalService::Ping,
            "prometheus@internal" => InternalService::Prometheus,
            "noop@internal" => InternalService::Noop,
            _ => return None,
        })
    }
}

/// `loadBalancer`: a set of servers and how to pick one.
#[derive(Debug, Clone)]
pub struct LoadBalancerModel {
    /// Servers in configured order, weight ≤ 0 included (the balancer decides what that means).
    pub servers: Vec<ServerModel>,
    /// How `https://` servers are reached (`serversTransport`, default `default@internal`).
    pub transport: std::sync::Arc<TransportModel>,
    pub strategy: Strategy,
    pub pass_host_header: bool,
    pub sticky: Option<StickyModel>,
    /// `responseForwarding.flushInterval`; negative in Traefik = flush after each write.
    pub flush_interval: FlushInterval,
    /// Active health check of every server.
    pub health_check: Option<HealthCheckModel>,
    /// Passive health check: servers answering 5xx or failing are marked down for a while.
    pub passive_health_check: Option<PassiveHealthCheckModel>,
    /// limpet extension: a draining server is drained once no session was seen for this long.
    pub drain_idle: Duration,
    /// limpet extension: a draining server is drained at the latest this long after it started.
    pub drain_timeout: Option<Duration>,
}

/// Default `drainIdle`.
pub const DEFAULT_DRAIN_IDLE: Duration = Duration::from_secs(300);

/// `healthCheck` of a load balancer, with Traefik's defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthCheckModel {
    /// Replaces the server URL's scheme when set.
    pub scheme: Option<String>,
    /// Relative path (and query) requested on each server.
    pub path: String,
    pub method: http::Method,
    /// `Host` header of the check when set.
    pub hostname: Option<String>,
    /// Replaces the server URL's port when set.
    pub port: Option<u16>,
    pub interval: Duration,
    /// Interval while the server is down (defaults to `interval`).
    pub unhealthy_interval: Duration,
    pub timeout: Duration,
    pub headers: Vec<(String, String)>,
    pub follow_redirects: bool,
    /// Expected status; `None` = any status in [200, 400).
    pub status: Option<u16>,
}

/// `passiveHealthCheck` of a load balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PassiveHealthCheckModel {
    pub failure_window: Duration,
    pub max_failed_attempts: u32,
}

/// Largest `weight` of a server or weighted child (limpet's bound; Traefik has none). Weights
/// only count relative to each other; the bound keeps every sum and product of weights far
/// from overflowing.
pub const MAX_WEIGHT: i64 = 1_000_000;

/// Largest `passiveHealthCheck.maxFailedAttempts` (limpet's bound): the failures inside the
/// window are remembered one by one.
pub const MAX_FAILED_ATTEMPTS: i64 = 10_000;

/// One backend server of a load balancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerModel {
    /// The URL exactly as written (the sticky and health key, as in Traefik).
    pub url: String,
    /// Parsed form of `url`: scheme `http` or `https`, authority with host and optional port.
    pub uri: http::Uri,
    /// Configured weight (default 1), at most [`MAX_WEIGHT`]; ≤ 0 takes no new sessions.
    pub weight: i64,
    /// Keep the URL's path as a prefix of the forwarded path.
    pub preserve_path: bool,
    /// limpet extension: stable identity for sticky values and health state.
    pub id: Option<String>,
    /// limpet extension: keep pinned sessions, take no new ones.
    pub draining: bool,
}

/// Load-balancing strategy of a `loadBalancer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    #[default]
    Wrr,
    P2c,
    LeastTime,
    Hrw,
}

/// How often streamed response bodies are flushed to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlushInterval {
    /// Flush after every write (Traefik: negative interval).
    Immediate,
    Every(Duration),
}

/// `sticky` of a load balancer or weighted service (present when `cookie` or the limpet
/// `header` carrier is set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StickyModel {
    pub cookie: CookieModel,
    /// False when only the header carrier is configured (no cookie is read or written).
    pub cookie_enabled: bool,
    /// limpet extension: request/response header carrying the same value (`sticky.header.name`).
    pub header: Option<String>,
    /// limpet extension: what to do when the pinned server is unavailable.
    pub on_failure: OnFailure,
    /// limpet extension: sessions of a removed server wait this long for it (`restartGrace`).
    pub restart_grace: Option<std::time::Duration>,
    /// limpet extension: response header naming the server that answered (`sticky.debugHeader`).
    pub debug_header: Option<String>,
    /// limpet extension: signed, expiring tokens instead of Traefik's plain values.
    pub signing: Option<SigningModel>,
    /// limpet extension: the affinity cookie is not forwarded to servers.
    pub strip_from_upstream: bool,
    /// limpet extension: responses that set the cookie get `Cache-Control: private`.
    pub no_cache: bool,
}

/// `sticky.onFailure`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnFailure {
    /// Move the session deterministically to another server (default).
    #[default]
    Repin,
    /// Answer 503 and keep the cookie.
    Strict,
}

/// Signed-token settings (`sticky.cookie.secret`/`secretFile`/`keys`, timeouts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigningModel {
    /// The first key signs; all verify.
    pub keys: Vec<SigningKey>,
    pub idle_timeout: Option<Duration>,
    pub absolute_timeout: Option<Duration>,
    /// Last-seen is refreshed (a new Set-Cookie) at most this often.
    pub refresh_interval: Duration,
}

/// Default `refreshInterval` of signed tokens.
pub const DEFAULT_REFRESH_INTERVAL: Duration = Duration::from_secs(60);

/// One signing key.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    /// Short identifier carried in tokens (`[A-Za-z0-9_-]`).
    pub id: String,
    pub secret: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The affinity cookie, with Traefik's defaults applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CookieModel {
    /// Sanitised configured name, or `_` + sha1-derived name of the qualified service.
    pub name: String,
    pub secure: bool,
    pub http_only: bool,
    /// `None` when unset or not one of none/lax/strict (attribute omitted).
    pub same_site: Option<SameSite>,
    /// 0 = no Max-Age; < 0 → `Max-Age=0`; > 0 → `Max-Age=N`.
    pub max_age: i64,
    /// `Some("/")` by default; `None` when configured as the empty string (no Path attribute).
    pub path: Option<String>,
    /// One leading dot stripped; `None` when empty.
    pub domain: Option<String>,
}

/// The `SameSite` cookie attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SameSite {
    None,
    Lax,
    Strict,
}

/// `weighted`: weighted round robin between child services.
#[derive(Debug, Clone)]
pub struct WeightedModel {
    pub services: Vec<WeightedChild>,
    pub sticky: Option<StickyModel>,
    /// `healthCheck: {}`: children without an available server are skipped.
    pub health_check: bool,
}

/// One child of a weighted service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightedChild {
    /// The name exactly as written (the sticky key, as in Traefik).
    pub written_name: String,
    /// The qualified child service name.
    pub service: String,
    /// At most [`MAX_WEIGHT`]; ≤ 0 is unreachable.
    pub weight: i64,
}

/// `mirroring`: the main service answers; mirrors get copies, their answers discarded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirroringModel {
    /// Qualified main service.
    pub service: String,
    pub mirror_body: bool,
    /// `None` = unlimited.
    pub max_body_size: Option<u64>,
    pub mirrors: Vec<MirrorModel>,
}

/// One mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorModel {
    /// Qualified service.
    pub service: String,
    /// Share of requests copied, 0–100.
    pub percent: u32,
}

/// `failover`: the main service, or the fallback when it is down or answers `errors.status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailoverModel {
    /// Qualified main service.
    pub service: String,
    /// Qualified fallback service.
    pub fallback: String,
    /// Status ranges (inclusive) that send the request to the fallback.
    pub error_status: Vec<(u16, u16)>,
    /// `None` = unlimited.
    pub max_request_body_bytes: Option<u64>,
}
