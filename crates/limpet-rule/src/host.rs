//! Hosts: the canonical request host, Traefik's `Host` matching (one-label wildcards,
//! trailing dots), and the host constraint a rule puts on the requests it matches.

use std::borrow::Cow;

use crate::matcher::{Matcher, Node};
use crate::{HostConstraint, HostPattern};

/// Host header / authority → lowercase, port and IPv6 brackets stripped, surrounding
/// spaces trimmed, one trailing dot removed. Borrows when nothing changes.
pub fn canonical_host(host: &str) -> Cow<'_, str> {
    let host = strip_port(host).trim();
    let host = host.strip_suffix('.').unwrap_or(host);
    if host.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(host.to_ascii_lowercase())
    } else {
        Cow::Borrowed(host)
    }
}

/// Go's `net.SplitHostPort`, falling back like Traefik's `parseHost` when it fails.
fn strip_port(addr: &str) -> &str {
    if !addr.contains(':') {
        return addr;
    }
    if let Some(bracketed) = addr.strip_prefix('[') {
        return strip_bracketed_port(addr, bracketed);
    }
    match addr.rsplit_once(':') {
        Some((host, _)) if !host.contains(':') => host,
        // Several colons without brackets: a bare IPv6 address.
        _ => addr,
    }
}

fn strip_bracketed_port<'a>(addr: &'a str, bracketed: &'a str) -> &'a str {
    let Some((inside, after)) = bracketed.split_once(']') else {
        return addr;
    };
    let valid_port = after
        .strip_prefix(':')
        .is_some_and(|port| !port.contains([':', '[', ']']));
    if after.is_empty() || valid_port {
        inside
    } else {
        addr
    }
}

/// Traefik's `Host` matcher for a lowercased expression other than `*`.
pub(crate) fn host_matches(request_host: &str, expr: &str) -> bool {
    if request_host.is_empty() {
        return false;
    }
    if domain_matches(request_host, expr) {
        return true;
    }
    if let Some(trimmed) = expr.strip_suffix('.') {
        if domain_matches(request_host, trimmed) {
            return true;
        }
    }
    request_host
        .strip_suffix('.')
        .is_some_and(|trimmed| domain_matches(trimmed, expr))
}

/// Traefik's `DomainMatchHostExpression`: with a leading `*`, the first label of the
/// domain is replaced by `*` before comparing, so `*.a.b` matches exactly one label.
fn domain_matches(domain: &str, expr: &str) -> bool {
    match expr.strip_prefix('*') {
        Some(expr_rest) => {
            let domain_rest = domain.find('.').map_or("", |dot| &domain[dot..]);
            expr_rest.eq_ignore_ascii_case(domain_rest)
        }
        // Request hosts are usually already lowercase: try the plain comparison first.
        None => domain == expr || domain.eq_ignore_ascii_case(expr),
    }
}

/// The hosts every request matched by `node` must have.
pub(crate) fn constraint_of(node: &Node) -> HostConstraint {
    match node {
        Node::Leaf {
            matcher: Matcher::Host(expr),
            negated: false,
        } => pattern_of(expr).map_or(HostConstraint::Any, |p| HostConstraint::OneOf(vec![p])),
        Node::Leaf { .. } => HostConstraint::Any,
        // Every branch must match, so any constrained branch constrains the whole.
        Node::All(children) => children
            .iter()
            .map(constraint_of)
            .find(|c| *c != HostConstraint::Any)
            .unwrap_or(HostConstraint::Any),
        Node::Any(children) => union_of(children),
    }
}

fn union_of(children: &[Node]) -> HostConstraint {
    let mut patterns: Vec<HostPattern> = Vec::new();
    for child in children {
        let HostConstraint::OneOf(more) = constraint_of(child) else {
            return HostConstraint::Any;
        };
        for pattern in more {
            if !patterns.contains(&pattern) {
                patterns.push(pattern);
            }
        }
    }
    HostConstraint::OneOf(patterns)
}

/// The index key for a lowercased `Host` expression; `None` for odd wildcards that the
/// index cannot express (they fall back to "any host").
fn pattern_of(expr: &str) -> Option<HostPattern> {
    let expr = expr.strip_suffix('.').unwrap_or(expr);
    match expr.strip_prefix("*.") {
        Some(parent) if !parent.is_empty() && !parent.contains('*') => {
            Some(HostPattern::Wildcard(parent.to_owned()))
        }
        Some(_) => None,
        None if expr.starts_with('*') => None,
        None => Some(HostPattern::Exact(expr.to_owned())),
    }
}
