//! Traefik v3 router rules: parse, compile, match, and the host index key of a rule.
//!
//! PUBLIC API CONTRACT (used by limpet-config and limpet; keep these signatures):
//! - `Rule::parse(text) -> Result<Rule, RuleError>`; `Rule: Clone + Debug + Send + Sync`, cheap clone.
//! - `Rule::matches(&self, &Request) -> bool`
//! - `Rule::host_constraint(&self) -> HostConstraint`
//! - `Rule::text(&self) -> &str`
//! - `RuleError: std::error::Error + Display` — Display is Traefik's full router error text.
//! - `Request<'a>` — the view of an HTTP request a rule is matched against.
//! - `routing_path(raw_path) -> Cow<str>`, `canonical_host(host) -> Cow<str>`,
//!   `default_priority(rule_text) -> i64`.
//!
//! (This file is a placeholder until the crate is implemented.)
#![forbid(unsafe_code)]

use std::borrow::Cow;
use std::net::IpAddr;

/// A parsed and compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    text: std::sync::Arc<str>,
}

/// A rule that does not parse; Display is the text Traefik puts in the router's `error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(pub String);

/// What a request must look like for a rule to match, host-wise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostConstraint {
    /// The rule may match any host (no Host matcher that every match requires).
    Any,
    /// Every request the rule matches has a host matching one of these.
    OneOf(Vec<HostPattern>),
}

/// One indexable host pattern, lowercase, without trailing dot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostPattern {
    /// `Host(`a.example.com`)`
    Exact(String),
    /// `Host(`*.example.com`)` stored as `example.com`: exactly one more label.
    Wildcard(String),
}

/// The parts of a request a rule can look at.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// Canonical host: lowercase, port and IPv6 brackets stripped (see [`canonical_host`]).
    pub host: &'a str,
    pub method: &'a http::Method,
    /// The routing path (see [`routing_path`]).
    pub path: &'a str,
    /// Raw query string without `?`.
    pub query: Option<&'a str>,
    pub headers: &'a http::HeaderMap,
    /// Peer address of the connection (not X-Forwarded-For).
    pub client_ip: Option<IpAddr>,
}

impl Rule {
    pub fn parse(text: &str) -> Result<Rule, RuleError> {
        Ok(Rule { text: text.into() })
    }
    pub fn matches(&self, _req: &Request<'_>) -> bool {
        true
    }
    pub fn host_constraint(&self) -> HostConstraint {
        HostConstraint::Any
    }
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// Escaped path with unreserved `%XX` decoded, reserved ones kept encoded.
pub fn routing_path(raw_path: &str) -> Cow<'_, str> {
    Cow::Borrowed(raw_path)
}

/// Host header / authority → lowercase, port and brackets stripped, trailing dot removed.
pub fn canonical_host(host: &str) -> Cow<'_, str> {
    Cow::Borrowed(host)
}

/// Traefik's default priority: the rule's length in bytes.
pub fn default_priority(rule_text: &str) -> i64 {
    rule_text.len() as i64
}
