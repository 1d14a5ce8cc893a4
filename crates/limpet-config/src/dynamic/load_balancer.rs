//! `loadBalancer`: servers, strategy, health checks and forwarding options.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::omit::{is_false, is_zero};
use super::Sticky;
use crate::duration::GoDuration;

/// `http.services.<name>.loadBalancer`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct LoadBalancer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sticky: Option<Sticky>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub servers: Vec<Server>,
    /// `wrr` (default, also when empty), `p2c`, `hrw`, `leasttime`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub strategy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check: Option<Box<ServerHealthCheck>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passive_health_check: Option<Box<PassiveHealthCheck>>,
    /// Default true; always emitted, like Traefik (no omitempty).
    pub pass_host_header: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_forwarding: Option<Box<ResponseForwarding>>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub servers_transport: String,
    /// limpet extension: a draining server counts as drained after this long without traffic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drain_idle: Option<GoDuration>,
    /// limpet extension: a draining server is dropped after this long whatever its traffic.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drain_timeout: Option<GoDuration>,
}

impl LoadBalancer {
    pub(super) fn apply_defaults(&mut self) {
        self.pass_host_header.get_or_insert(true);
        if self.strategy.is_empty() {
            self.strategy = "wrr".to_owned();
        }
        let forwarding = self.response_forwarding.get_or_insert_with(Box::default);
        forwarding
            .flush_interval
            .get_or_insert(GoDuration::from_millis(100));
        if let Some(check) = self.health_check.as_mut() {
            check.apply_defaults();
        }
        if let Some(passive) = self.passive_health_check.as_mut() {
            passive
                .failure_window
                .get_or_insert(GoDuration::from_secs(10));
            if passive.max_failed_attempts == 0 {
                passive.max_failed_attempts = 1;
            }
        }
        if let Some(sticky) = self.sticky.as_mut() {
            sticky.apply_defaults();
        }
    }
}

/// One backend server.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Server {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub url: String,
    /// Default 1 (not filled in: Traefik shows it only when written).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
    #[serde(skip_serializing_if = "is_false")]
    pub preserve_path: bool,
    /// limpet extension: stable identity for sticky values and health state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// limpet extension: keep pinned sessions, take no new ones.
    #[serde(skip_serializing_if = "is_false")]
    pub draining: bool,
}

/// `loadBalancer.healthCheck` (active checks).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ServerHealthCheck {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub scheme: String,
    /// `http` (default) or `grpc`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub mode: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub path: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub method: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub status: i64,
    #[serde(skip_serializing_if = "is_zero")]
    pub port: i64,
    /// Default 30s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<GoDuration>,
    /// Default: `interval`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unhealthy_interval: Option<GoDuration>,
    /// Default 5s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<GoDuration>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hostname: String,
    /// Default true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_redirects: Option<bool>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

impl ServerHealthCheck {
    fn apply_defaults(&mut self) {
        if self.mode.is_empty() {
            self.mode = "http".to_owned();
        }
        self.interval.get_or_insert(GoDuration::from_secs(30));
        self.timeout.get_or_insert(GoDuration::from_secs(5));
        self.follow_redirects.get_or_insert(true);
    }
}

/// `loadBalancer.passiveHealthCheck`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct PassiveHealthCheck {
    /// Default 10s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_window: Option<GoDuration>,
    /// Default 1.
    #[serde(skip_serializing_if = "is_zero")]
    pub max_failed_attempts: i64,
}

/// `loadBalancer.responseForwarding`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ResponseForwarding {
    /// Default 100ms; negative = flush after every write.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flush_interval: Option<GoDuration>,
}
