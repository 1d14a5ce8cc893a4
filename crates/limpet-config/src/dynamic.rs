//! The serde schema of Traefik's dynamic configuration — the only place in limpet that
//! derives `Deserialize` for it. Key names are Traefik's (camelCase); `Serialize` follows Go's
//! `omitempty` so the API can re-emit a configuration the way Traefik does.
//!
//! Values are kept as written: defaults are applied by [`Configuration::apply_defaults`]
//! (what Traefik's `SetDefaults` does at decode time, for display) and by validation.

mod load_balancer;
mod middleware;
pub(crate) mod omit;
mod router;
mod service;
mod sticky;
mod tls;
mod transport;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use load_balancer::{
    LoadBalancer, PassiveHealthCheck, ResponseForwarding, Server, ServerHealthCheck,
};
pub use middleware::Middleware;
pub use router::Router;
pub use service::{
    Failover, FailoverErrors, HighestRandomWeight, Mirror, Mirroring, Service, ServiceHealthCheck,
    WeightedChild, WeightedRoundRobin,
};
pub use sticky::{Cookie, CookieKey, DebugHeader, Sticky, StickyHeader};
pub use tls::{
    CertAndStores, Certificate, ClientAuth, Domain, RouterTls, Store, TlsConfiguration, TlsOptions,
};
pub use transport::ServersTransport;

/// One provider's dynamic configuration (`http`, `tcp`, `udp`, `tls`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Configuration {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpConfiguration>,
    /// Accepted, not interpreted yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp: Option<Value>,
    /// Accepted, not interpreted yet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub udp: Option<Value>,
    /// Certificates, TLS options and stores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<TlsConfiguration>,
}

/// `http`: routers, services, middlewares and servers transports by (unqualified) name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpConfiguration {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub routers: BTreeMap<String, Router>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<String, Service>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub middlewares: BTreeMap<String, Middleware>,
    /// Router defaults per entrypoint (`http.models`), accepted as written.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub models: BTreeMap<String, Value>,
    /// How load balancers talk to their servers.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub servers_transports: BTreeMap<String, ServersTransport>,
}

impl Configuration {
    /// The `http` section, or an empty one.
    pub fn http(&self) -> HttpConfiguration {
        self.http.clone().unwrap_or_default()
    }

    /// Whether the configuration defines nothing at all.
    pub fn is_empty(&self) -> bool {
        self == &Configuration::default()
    }

    /// Fills in what Traefik's `SetDefaults` would (passHostHeader, strategy, flushInterval,
    /// health-check and cookie defaults, child weights), so the API shows what Traefik shows.
    /// The cookie *name* is not filled in: it depends on the qualified service name, see
    /// [`crate::cookie::cookie_name`].
    pub fn apply_defaults(&mut self) {
        if let Some(http) = self.http.as_mut() {
            http.services.values_mut().for_each(Service::apply_defaults);
        }
    }
}
