//! Traefik v3 router rules: parse, compile, match, and the host index key of a rule.
//!
//! `Rule::parse` reads a rule as Traefik does (Go expression syntax, vulcand/predicate
//! evaluation, Traefik's matchers) and reports Traefik's error texts. A parsed rule is
//! compiled once; `Rule::matches` runs on every request and does not allocate for host,
//! path, method, header and client-IP matchers.
#![forbid(unsafe_code)]

mod ast;
mod client_ip;
mod compile;
mod eval;
mod go_regex;
mod go_regex_class;
mod host;
mod lexer;
mod literal;
mod matcher;
mod path;
mod position;
pub mod priority;
mod query;
mod rule;
mod syntax;

use std::net::IpAddr;

pub use ast::{Expr, MatcherCall, MatcherName};
pub use host::canonical_host;
pub use path::routing_path;
pub use priority::{default_priority, effective_priority, RouteKey};
pub use rule::{Rule, RuleError};

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
