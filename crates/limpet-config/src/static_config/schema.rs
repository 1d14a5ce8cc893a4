//! The top-level static configuration and its smaller sections, with Traefik's defaults.
//! Sections limpet does not interpret yet are kept as opaque JSON values.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::entry_point::EntryPoint;
use crate::duration::GoDuration;
use crate::dynamic::omit::is_false;

/// Traefik's static configuration (file and/or flags).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct StaticConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global: Option<Global>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub servers_transport: Option<ServersTransport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tcp_servers_transport: Option<Value>,
    /// As configured; see [`super::effective_entry_points`] for the defaults Traefik adds.
    pub entry_points: BTreeMap<String, EntryPoint>,
    pub providers: Providers,
    /// Present when enabled (`api: {}`, `--api`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<Api>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Metrics>,
    /// Present when enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ping: Option<Ping>,
    pub log: Log,
    /// Present when enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_log: Option<AccessLog>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracing: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host_resolver: Option<Value>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub certificates_resolvers: BTreeMap<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub experimental: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub core: Option<Core>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spiffe: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocsp: Option<Value>,
}

/// `global`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Global {
    #[serde(skip_serializing_if = "is_false")]
    pub check_new_version: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub send_anonymous_usage: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub not_append_x_forwarded_for: bool,
}

/// `serversTransport`: defaults for connections to servers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ServersTransport {
    #[serde(skip_serializing_if = "is_false")]
    pub insecure_skip_verify: bool,
    #[serde(rename = "rootCAs", skip_serializing_if = "Vec::is_empty")]
    pub root_cas: Vec<String>,
    #[serde(skip_serializing_if = "crate::dynamic::omit::is_zero")]
    pub max_idle_conns_per_host: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forwarding_timeouts: Option<ForwardingTimeouts>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spiffe: Option<Value>,
}

/// `serversTransport.forwardingTimeouts` (dial 30s, idle 90s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ForwardingTimeouts {
    pub dial_timeout: GoDuration,
    pub response_header_timeout: GoDuration,
    pub idle_conn_timeout: GoDuration,
}

impl Default for ForwardingTimeouts {
    fn default() -> Self {
        ForwardingTimeouts {
            dial_timeout: GoDuration::from_secs(30),
            response_header_timeout: GoDuration(0),
            idle_conn_timeout: GoDuration::from_secs(90),
        }
    }
}

/// `providers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Providers {
    /// Default 2s: provider changes are applied at most once per window.
    pub providers_throttle_duration: GoDuration,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub precedence: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<FileProvider>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker: Option<super::docker::DockerProvider>,
    /// The other providers, accepted as written (present = enabled).
    #[serde(flatten)]
    pub others: BTreeMap<String, Value>,
}

impl Default for Providers {
    fn default() -> Self {
        Providers {
            providers_throttle_duration: GoDuration::from_secs(2),
            precedence: Vec::new(),
            file: None,
            docker: None,
            others: BTreeMap::new(),
        }
    }
}

/// `providers.file`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FileProvider {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub filename: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub directory: String,
    /// Default true.
    pub watch: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub debug_log_generated_template: bool,
}

impl Default for FileProvider {
    fn default() -> Self {
        FileProvider {
            filename: String::new(),
            directory: String::new(),
            watch: true,
            debug_log_generated_template: false,
        }
    }
}

/// `api` (basePath `/`, dashboard on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Api {
    pub base_path: String,
    pub insecure: bool,
    pub dashboard: bool,
    pub debug: bool,
    pub disable_dashboard_ad: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dashboard_name: String,
    /// limpet extension: allow the API's write endpoints (drain, …).
    pub allow_writes: bool,
}

impl Default for Api {
    fn default() -> Self {
        Api {
            base_path: "/".to_owned(),
            insecure: false,
            dashboard: true,
            debug: false,
            disable_dashboard_ad: false,
            dashboard_name: String::new(),
            allow_writes: false,
        }
    }
}

/// `ping` (entrypoint `traefik`, 503 while terminating).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Ping {
    pub entry_point: String,
    pub manual_routing: bool,
    pub terminating_status_code: i64,
}

impl Default for Ping {
    fn default() -> Self {
        Ping {
            entry_point: "traefik".to_owned(),
            manual_routing: false,
            terminating_status_code: 503,
        }
    }
}

/// `log` (level ERROR, format common).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Log {
    pub level: String,
    pub format: String,
    #[serde(skip_serializing_if = "is_false")]
    pub no_color: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file_path: String,
    pub max_size: i64,
    pub max_age: i64,
    pub max_backups: i64,
    pub compress: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otlp: Option<Value>,
}

impl Default for Log {
    fn default() -> Self {
        Log {
            level: "ERROR".to_owned(),
            format: "common".to_owned(),
            no_color: false,
            file_path: String::new(),
            max_size: 0,
            max_age: 0,
            max_backups: 0,
            compress: false,
            otlp: None,
        }
    }
}

pub use super::observability::{
    AccessLog, AccessLogFields, AccessLogFilters, FieldHeaders, Metrics, Prometheus,
};

/// `core` (deprecated in Traefik).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Core {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub default_rule_syntax: String,
}
