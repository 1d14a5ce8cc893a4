//! The validated, resolved configuration the runtime builds snapshots from.
//!
//! Produced by [`crate::validate::validate`]; nothing here derives `Deserialize`. Names are
//! qualified (`name@provider`), references are resolved, defaults are applied, rules are
//! compiled. Only usable elements appear here (status `enabled` or `warning`); the state of
//! every element, usable or not, is in [`crate::diagnostics::Diagnostics`].

use std::collections::BTreeMap;
use std::time::Duration;

/// Everything the runtime needs from one merged dynamic configuration.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Usable routers by qualified name.
    pub routers: BTreeMap<String, RouterModel>,
    /// Usable services by qualified name (including those no router uses).
    pub services: BTreeMap<String, ServiceModel>,
    /// Status and errors of every router, service and middleware, usable or not.
    pub diagnostics: crate::diagnostics::Diagnostics,
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
}

/// A usable service.
#[derive(Debug, Clone)]
pub struct ServiceModel {
    /// Qualified name, e.g. `svc-sticky@file`.
    pub name: String,
    pub kind: ServiceKind,
}

/// The one type a service has.
#[derive(Debug, Clone)]
pub enum ServiceKind {
    LoadBalancer(LoadBalancerModel),
    Weighted(WeightedModel),
}

/// `loadBalancer`: a set of servers and how to pick one.
#[derive(Debug, Clone)]
pub struct LoadBalancerModel {
    /// Servers in configured order, weight ≤ 0 included (the balancer decides what that means).
    pub servers: Vec<ServerModel>,
    pub strategy: Strategy,
    pub pass_host_header: bool,
    pub sticky: Option<StickyModel>,
    /// `responseForwarding.flushInterval`; negative in Traefik = flush after each write.
    pub flush_interval: FlushInterval,
}

/// One backend server of a load balancer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerModel {
    /// The URL exactly as written (the sticky and health key, as in Traefik).
    pub url: String,
    /// Parsed form of `url`: scheme `http` or `https`, authority with host and optional port.
    pub uri: http::Uri,
    /// Configured weight (default 1).
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

/// `sticky` of a load balancer or weighted service (only present when `cookie` is set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StickyModel {
    pub cookie: CookieModel,
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
}

/// One child of a weighted service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightedChild {
    /// The name exactly as written (the sticky key, as in Traefik).
    pub written_name: String,
    /// The qualified child service name.
    pub service: String,
    pub weight: i64,
}
