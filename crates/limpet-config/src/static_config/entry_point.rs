//! `entryPoints.<name>`: address, transport timeouts, forwarded headers, HTTP options —
//! with Traefik's defaults applied where a field is absent.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::duration::GoDuration;
use crate::dynamic::omit::is_false;

fn is_zero_duration(value: &GoDuration) -> bool {
    value.nanos() == 0
}

/// One entrypoint.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EntryPoint {
    /// `[host]:port[/tcp|/udp]`.
    pub address: String,
    #[serde(rename = "allowACMEByPass", skip_serializing_if = "is_false")]
    pub allow_acme_by_pass: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub reuse_port: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub as_default: bool,
    pub transport: Transport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proxy_protocol: Option<ProxyProtocol>,
    pub forwarded_headers: ForwardedHeaders,
    pub http: EntryPointHttp,
    pub http2: Http2,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http3: Option<Value>,
    pub udp: Udp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observability: Option<Value>,
}

/// `transport`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Transport {
    pub life_cycle: LifeCycle,
    pub responding_timeouts: RespondingTimeouts,
    #[serde(skip_serializing_if = "is_zero_duration")]
    pub keep_alive_max_time: GoDuration,
    #[serde(skip_serializing_if = "crate::dynamic::omit::is_zero")]
    pub keep_alive_max_requests: i64,
}

/// `transport.lifeCycle` (graceTimeOut default 10s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LifeCycle {
    #[serde(skip_serializing_if = "is_zero_duration")]
    pub request_accept_grace_timeout: GoDuration,
    #[serde(rename = "graceTimeOut", skip_serializing_if = "is_zero_duration")]
    pub grace_time_out: GoDuration,
}

impl Default for LifeCycle {
    fn default() -> Self {
        LifeCycle {
            request_accept_grace_timeout: GoDuration(0),
            grace_time_out: GoDuration::from_secs(10),
        }
    }
}

/// `transport.respondingTimeouts` (read 60s, write 0 = none, idle 180s).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RespondingTimeouts {
    #[serde(skip_serializing_if = "is_zero_duration")]
    pub read_timeout: GoDuration,
    #[serde(skip_serializing_if = "is_zero_duration")]
    pub write_timeout: GoDuration,
    #[serde(skip_serializing_if = "is_zero_duration")]
    pub idle_timeout: GoDuration,
}

impl Default for RespondingTimeouts {
    fn default() -> Self {
        RespondingTimeouts {
            read_timeout: GoDuration::from_secs(60),
            write_timeout: GoDuration(0),
            idle_timeout: GoDuration::from_secs(180),
        }
    }
}

/// `proxyProtocol`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ProxyProtocol {
    #[serde(skip_serializing_if = "is_false")]
    pub insecure: bool,
    #[serde(rename = "trustedIPs", skip_serializing_if = "Vec::is_empty")]
    pub trusted_ips: Vec<String>,
}

/// `forwardedHeaders`: which peers' `X-Forwarded-*` headers are trusted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ForwardedHeaders {
    #[serde(skip_serializing_if = "is_false")]
    pub insecure: bool,
    #[serde(rename = "trustedIPs", skip_serializing_if = "Vec::is_empty")]
    pub trusted_ips: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub connection: Vec<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub not_append_x_forwarded_for: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub add_x_forwarded_scheme_headers: bool,
}

/// `http` of an entrypoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EntryPointHttp {
    /// Accepted as written (`entryPoint.{to, scheme, permanent, priority}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirections: Option<Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub middlewares: Vec<String>,
    /// Every router on this entrypoint answers over TLS with these settings (Traefik's
    /// entrypoint model).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<crate::dynamic::RouterTls>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoded_characters: Option<Value>,
    #[serde(skip_serializing_if = "is_false")]
    pub encode_query_semicolons: bool,
    /// Default true.
    pub sanitize_path: bool,
    /// Default 1 MiB.
    pub max_header_bytes: i64,
    /// `keep` (default), `delete` or `reject`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub underscore_headers_strategy: String,
}

impl Default for EntryPointHttp {
    fn default() -> Self {
        EntryPointHttp {
            redirections: None,
            middlewares: Vec::new(),
            tls: None,
            encoded_characters: None,
            encode_query_semicolons: false,
            sanitize_path: true,
            max_header_bytes: 1_048_576,
            underscore_headers_strategy: String::new(),
        }
    }
}

/// `http2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Http2 {
    pub max_concurrent_streams: i64,
    pub max_decoder_header_table_size: i64,
    pub max_encoder_header_table_size: i64,
}

impl Default for Http2 {
    fn default() -> Self {
        Http2 {
            max_concurrent_streams: 250,
            max_decoder_header_table_size: 4096,
            max_encoder_header_table_size: 4096,
        }
    }
}

/// `udp` (session timeout, default 3s).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Udp {
    pub timeout: GoDuration,
}

impl Default for Udp {
    fn default() -> Self {
        Udp {
            timeout: GoDuration::from_secs(3),
        }
    }
}
