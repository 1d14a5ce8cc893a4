//! `http.routers.<name>`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::omit::is_zero;

/// A router as written (names unqualified unless the user wrote `@provider`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Router {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub entry_points: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub middlewares: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub rule: String,
    /// Multi-layer routing (Traefik 3.6+); accepted, not supported yet.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parent_refs: Vec<String>,
    /// Deprecated in Traefik; `v2` selects the v2 rule language.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub rule_syntax: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub priority: i64,
    /// `tls: {}` (or any TLS setting): the router answers only over TLS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<super::RouterTls>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub observability: Option<Value>,
}
