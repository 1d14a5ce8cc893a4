//! `http.serversTransports.<name>`: how limpet talks to the servers of a load balancer.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::omit::{is_false, is_zero};
use super::Certificate;

/// A servers transport as written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ServersTransport {
    /// SNI and the name the server certificate must carry (default: the URL's host).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub server_name: String,
    #[serde(skip_serializing_if = "is_false")]
    pub insecure_skip_verify: bool,
    /// CAs server certificates must chain to (paths or PEM); none: the public roots.
    #[serde(rename = "rootCAs", skip_serializing_if = "Vec::is_empty")]
    pub root_cas: Vec<String>,
    /// Client certificates presented to servers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<Certificate>,
    #[serde(skip_serializing_if = "is_zero")]
    pub max_idle_conns_per_host: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forwarding_timeouts: Option<Value>,
    #[serde(rename = "disableHTTP2", skip_serializing_if = "is_false")]
    pub disable_http2: bool,
    #[serde(rename = "peerCertURI", skip_serializing_if = "String::is_empty")]
    pub peer_cert_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spiffe: Option<Value>,
}
