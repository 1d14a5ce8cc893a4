//! `sticky`: Traefik's cookie affinity, plus limpet's extension keys (header carrier, failure
//! policy, signed tokens, lifetimes). Secrets are never serialized back out.

use serde::{Deserialize, Serialize};

use super::omit::{is_false, is_zero};
use crate::duration::GoDuration;

/// `sticky` of a `loadBalancer` or `weighted` service; affinity is on only with `cookie`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Sticky {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cookie: Option<Cookie>,
    /// limpet extension: carry the same token in a request/response header (API clients).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<StickyHeader>,
    /// limpet extension: `repin` (default) or `strict` (503 instead of moving a session).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<String>,
    /// limpet extension: response header naming the server that answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debug_header: Option<DebugHeader>,
    /// limpet extension: how long the sessions of a server that left the configuration wait
    /// for it to come back (503, cookie kept) before they are moved. Off by default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_grace: Option<GoDuration>,
}

impl Sticky {
    pub(super) fn apply_defaults(&mut self) {
        if let Some(cookie) = self.cookie.as_mut() {
            cookie.path.get_or_insert_with(|| "/".to_owned());
        }
    }
}

/// `sticky.debugHeader`: `true` (default header name) or the header name to use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum DebugHeader {
    Enabled(bool),
    Named(String),
}

/// `sticky.header`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StickyHeader {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
}

/// `sticky.cookie`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Cookie {
    /// Empty → generated from the qualified service name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "is_false")]
    pub secure: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub http_only: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub same_site: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub max_age: i64,
    /// Default `/`; an explicit empty string means no Path attribute.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub domain: String,
    /// limpet extension: MAC key for signed sticky tokens.
    #[serde(skip_serializing)]
    pub secret: Option<String>,
    /// limpet extension: file holding the MAC key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_file: Option<String>,
    /// limpet extension: key ring (first key signs, all verify) for rotation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<CookieKey>,
    /// limpet extension: a token unused for this long is ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idle_timeout: Option<GoDuration>,
    /// limpet extension: a token older than this is ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absolute_timeout: Option<GoDuration>,
    /// limpet extension: how often the last-seen time is refreshed in the token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_interval: Option<GoDuration>,
    /// limpet extension: remove the affinity cookie from the request sent upstream.
    #[serde(skip_serializing_if = "is_false")]
    pub strip_from_upstream: bool,
    /// limpet extension: add `Cache-Control: no-cache="Set-Cookie"` when setting the cookie.
    #[serde(skip_serializing_if = "is_false")]
    pub no_cache: bool,
}

/// One key of `sticky.cookie.keys`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct CookieKey {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub id: String,
    #[serde(skip_serializing)]
    pub secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_file: Option<String>,
}
