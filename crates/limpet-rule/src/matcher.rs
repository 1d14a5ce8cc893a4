//! The compiled rule: a tree of precompiled matchers evaluated per request without
//! allocating (except to decode escaped query strings or non-UTF-8 header values).

use std::borrow::Cow;

use http::HeaderName;
use regex::Regex;

use crate::client_ip::IpChecker;
use crate::host::host_matches;
use crate::query::query_has_value;
use crate::Request;

/// A compiled rule tree; `!` is already pushed down to the leaves.
#[derive(Debug)]
pub(crate) enum Node {
    Leaf { matcher: Matcher, negated: bool },
    All(Vec<Node>),
    Any(Vec<Node>),
}

impl Node {
    pub fn matches(&self, req: &Request<'_>) -> bool {
        match self {
            Node::Leaf { matcher, negated } => matcher.matches(req) != *negated,
            Node::All(children) => children.iter().all(|child| child.matches(req)),
            Node::Any(children) => children.iter().any(|child| child.matches(req)),
        }
    }
}

/// One precompiled matcher.
#[derive(Debug)]
pub(crate) enum Matcher {
    /// `Host(`*`)`: every request, even one without a host.
    AnyHost,
    /// `Host(expr)` with `expr` lowercased.
    Host(String),
    HostRegexp(Regex),
    Path(String),
    PathPrefix(String),
    PathRegexp(Regex),
    /// Uppercased method name.
    Method(String),
    /// `None` when the configured name is not a valid header name: it never matches.
    Header(Option<HeaderName>, String),
    HeaderRegexp(Option<HeaderName>, Regex),
    Query {
        key: String,
        value: String,
    },
    QueryRegexp {
        key: String,
        pattern: Regex,
    },
    ClientIp(IpChecker),
}

impl Matcher {
    pub fn matches(&self, req: &Request<'_>) -> bool {
        match self {
            Matcher::AnyHost => true,
            Matcher::Host(expr) => host_matches(req.host, expr),
            Matcher::HostRegexp(re) => re.is_match(req.host),
            Matcher::Path(path) => req.path == path,
            Matcher::PathPrefix(prefix) => req.path.starts_with(prefix.as_str()),
            Matcher::PathRegexp(re) => re.is_match(req.path),
            Matcher::Method(method) => req.method.as_str() == method,
            Matcher::Header(name, value) => {
                header_values(req.headers, name).any(|v| v.as_bytes() == value.as_bytes())
            }
            Matcher::HeaderRegexp(name, re) => {
                header_values(req.headers, name).any(|v| re.is_match(&header_text(v)))
            }
            Matcher::Query { key, value } => query_has_value(req.query, key, |v| v == value),
            Matcher::QueryRegexp { key, pattern } => {
                query_has_value(req.query, key, |v| pattern.is_match(v))
            }
            Matcher::ClientIp(checker) => req.client_ip.is_some_and(|ip| checker.contains(ip)),
        }
    }
}

fn header_values<'a>(
    headers: &'a http::HeaderMap,
    name: &'a Option<HeaderName>,
) -> impl Iterator<Item = &'a http::HeaderValue> + 'a {
    name.iter().flat_map(move |name| headers.get_all(name))
}

/// A header value as text; bytes that are not UTF-8 read as U+FFFD, as Go's regexp does.
fn header_text(value: &http::HeaderValue) -> Cow<'_, str> {
    String::from_utf8_lossy(value.as_bytes())
}
