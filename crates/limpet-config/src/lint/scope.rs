//! Cookie scope against the routes that set it:
//! LMP008 a cookie `path` that does not cover a router's `Path`/`PathPrefix` (cause 3: the
//! browser does not send it back there), or an empty path (no Path attribute: browsers
//! scope it to the directory of the first request);
//! LMP009 a cookie `domain` that does not cover a router's `Host` (cause 7: the browser
//! rejects a cookie whose Domain does not match the host that set it).

use limpet_rule::{Expr, HostConstraint, HostPattern, MatcherName};

use super::context::{Input, StickyService};
use super::finding::Draft;
use super::{Code, Finding, Severity};
use crate::diagnostics::ElementKind;

pub(super) fn check(input: &Input<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    for sticky in &input.sticky {
        let rules: Vec<&limpet_rule::Rule> = input
            .routers_reaching(sticky.name)
            .into_iter()
            .filter_map(|r| r.rule.as_ref())
            .collect();
        if let Some(finding) = path_finding(sticky, &rules) {
            findings.push(finding);
        }
        if let Some(finding) = domain_finding(sticky, &rules) {
            findings.push(finding);
        }
    }
    findings
}

fn path_finding(sticky: &StickyService<'_>, rules: &[&limpet_rule::Rule]) -> Option<Finding> {
    let cookie_path = sticky.model.cookie.path.as_deref();
    let uncovered: Vec<String> = rules
        .iter()
        .flat_map(|rule| route_paths(rule.ast()))
        .filter(|path| cookie_path.is_none_or(|c| !path_matches(path, c)))
        .collect();
    if uncovered.is_empty() && cookie_path.is_some() {
        return None;
    }
    let message = match cookie_path {
        None => format!(
            "the sticky cookie of {} has an empty path, so no Path attribute: browsers scope it to \
             the directory of the first request and do not send it elsewhere",
            sticky.name
        ),
        Some(path) => format!(
            "the sticky cookie of {} has Path={path}, which does not cover {}: browsers do not \
             send it there, so those requests are never sticky",
            sticky.name,
            uncovered.join(", ")
        ),
    };
    let mut cookie = sticky.cookie.clone();
    cookie.path = Some("/".to_owned());
    let finding = Draft::new(
        Code::Lmp008,
        Severity::Error,
        ElementKind::Service,
        sticky.name,
    )
    .at(&format!("{}.cookie.path", sticky.at))
    .message(message)
    .patch(
        sticky.with_cookie(cookie),
        "Path=/ covers every route of the service",
    );
    Some(finding)
}

fn domain_finding(sticky: &StickyService<'_>, rules: &[&limpet_rule::Rule]) -> Option<Finding> {
    let domain = sticky.model.cookie.domain.as_deref()?;
    let uncovered: Vec<String> = rules
        .iter()
        .filter_map(|rule| match rule.host_constraint() {
            HostConstraint::OneOf(patterns) => Some(patterns),
            HostConstraint::Any => None,
        })
        .flatten()
        .filter(|pattern| !domain_covers(domain, pattern))
        .map(|pattern| pattern_text(&pattern))
        .collect();
    if uncovered.is_empty() {
        return None;
    }
    let mut cookie = sticky.cookie.clone();
    cookie.domain = String::new();
    let finding = Draft::new(
        Code::Lmp009,
        Severity::Error,
        ElementKind::Service,
        sticky.name,
    )
    .at(&format!("{}.cookie.domain", sticky.at))
    .message(format!(
        "the sticky cookie of {} has Domain={domain}, which does not cover host {}: browsers \
             reject a cookie whose Domain does not match the host that sets it",
        sticky.name,
        uncovered.join(", ")
    ))
    .patch(
        sticky.with_cookie(cookie),
        "without a domain the cookie belongs to the host that set it; or set a domain that \
             covers every host",
    );
    Some(finding)
}

/// The paths a rule's requests start with (`/` when the rule does not constrain the path).
pub(super) fn route_paths(expr: &Expr) -> Vec<String> {
    let paths = constrained_paths(expr);
    if paths.is_empty() {
        vec!["/".to_owned()]
    } else {
        paths
    }
}

/// Path/PathPrefix arguments every match is bound by; empty when unconstrained.
fn constrained_paths(expr: &Expr) -> Vec<String> {
    match expr {
        Expr::Matcher(call) if matches!(call.name, MatcherName::Path | MatcherName::PathPrefix) => {
            call.args.clone()
        }
        Expr::Matcher(_) | Expr::Not(_) => Vec::new(),
        Expr::And(a, b) => {
            let mut paths = constrained_paths(a);
            paths.extend(constrained_paths(b));
            paths
        }
        Expr::Or(a, b) => {
            let (pa, pb) = (constrained_paths(a), constrained_paths(b));
            if pa.is_empty() || pb.is_empty() {
                Vec::new() // one branch matches any path
            } else {
                [pa, pb].concat()
            }
        }
    }
}

/// RFC 6265 path-match: is a request to `path` sent a cookie with `cookie_path`?
pub(super) fn path_matches(path: &str, cookie_path: &str) -> bool {
    if path == cookie_path {
        return true;
    }
    path.strip_prefix(cookie_path)
        .is_some_and(|rest| cookie_path.ends_with('/') || rest.starts_with('/'))
}

/// Whether two cookie paths can both be sent on one request (`None`: no Path attribute).
pub(super) fn paths_overlap(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => path_matches(a, b) || path_matches(b, a),
        _ => true,
    }
}

/// RFC 6265 domain-match of every host `pattern` can stand for.
fn domain_covers(domain: &str, pattern: &HostPattern) -> bool {
    let domain = domain.to_ascii_lowercase();
    let under = |host: &str| host == domain || host.ends_with(&format!(".{domain}"));
    match pattern {
        HostPattern::Exact(host) => under(host),
        HostPattern::Wildcard(base) => under(base),
    }
}

pub(super) fn pattern_text(pattern: &HostPattern) -> String {
    match pattern {
        HostPattern::Exact(host) => host.clone(),
        HostPattern::Wildcard(base) => format!("*.{base}"),
    }
}
