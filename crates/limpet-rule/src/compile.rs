//! From rule AST to compiled matcher tree: `!` pushed down with De Morgan (Traefik's
//! `rules.invert`), then each matcher checked and built in Traefik's order, so the first
//! error reported and its wrapping (`error while adding rule and: …`) are Traefik's.

use http::HeaderName;

use crate::ast::{Expr, MatcherCall, MatcherName};
use crate::client_ip::IpChecker;
use crate::go_regex;
use crate::matcher::{Matcher, Node};

/// The rule with negations on the leaves only, borrowing the AST's matchers.
enum Normalized<'a> {
    Leaf(&'a MatcherCall, bool),
    And(Box<Normalized<'a>>, Box<Normalized<'a>>),
    Or(Box<Normalized<'a>>, Box<Normalized<'a>>),
}

/// Compiles an AST; the error is Traefik's text after `adding rule <rule>: `.
pub(crate) fn compile(expr: &Expr) -> Result<Node, String> {
    let normalized = normalize(expr, false);
    build(&normalized).map(flatten)
}

fn normalize(expr: &Expr, negate: bool) -> Normalized<'_> {
    match expr {
        Expr::Matcher(call) => Normalized::Leaf(call, negate),
        Expr::Not(inner) => normalize(inner, !negate),
        Expr::And(l, r) if negate => {
            Normalized::Or(Box::new(normalize(l, true)), Box::new(normalize(r, true)))
        }
        Expr::Or(l, r) if negate => {
            Normalized::And(Box::new(normalize(l, true)), Box::new(normalize(r, true)))
        }
        Expr::And(l, r) => {
            Normalized::And(Box::new(normalize(l, false)), Box::new(normalize(r, false)))
        }
        Expr::Or(l, r) => {
            Normalized::Or(Box::new(normalize(l, false)), Box::new(normalize(r, false)))
        }
    }
}

/// Traefik's `addRule`: only errors from the left operand get the operator prefix.
fn build(rule: &Normalized<'_>) -> Result<Node, String> {
    let (operator, left, right) = match rule {
        Normalized::Leaf(call, negated) => return build_leaf(call, *negated),
        Normalized::And(l, r) => ("and", l, r),
        Normalized::Or(l, r) => ("or", l, r),
    };
    let left = build(left).map_err(|e| format!("error while adding rule {operator}: {e}"))?;
    let right = build(right)?;
    Ok(match operator {
        "and" => Node::All(vec![left, right]),
        _ => Node::Any(vec![left, right]),
    })
}

fn build_leaf(call: &MatcherCall, negated: bool) -> Result<Node, String> {
    check_args(call).map_err(|e| format!("error while checking rule {}: {e}", call.name))?;
    let matcher =
        build_matcher(call).map_err(|e| format!("error while adding rule {}: {e}", call.name))?;
    Ok(Node::Leaf { matcher, negated })
}

/// Traefik's `rules.CheckRule`.
fn check_args(call: &MatcherCall) -> Result<(), String> {
    if call.args.is_empty() {
        return Err(format!("no args for matcher {}", call.name));
    }
    if call.args.iter().any(String::is_empty) {
        return Err(format!(
            "empty args for matcher {}, [{}]",
            call.name,
            call.args.join(" ")
        ));
    }
    Ok(())
}

fn build_matcher(call: &MatcherCall) -> Result<Matcher, String> {
    let allowed = call.name.allowed_arities();
    let [first, rest @ ..] = call.args.as_slice() else {
        return Err(arity_error(0, allowed));
    };
    if !allowed.contains(&call.args.len()) {
        return Err(arity_error(call.args.len(), allowed));
    }
    let second = rest.first();
    match (call.name, second) {
        (MatcherName::Header | MatcherName::HeaderRegexp, Some(value)) => {
            header(call.name, first, value)
        }
        (MatcherName::Query, value) => Ok(query(first, value)),
        (MatcherName::QueryRegexp, None) => Ok(query(first, None)),
        (MatcherName::QueryRegexp, Some(pattern)) => query_regexp(first, pattern),
        (name, _) => single_arg(name, first),
    }
}

fn arity_error(got: usize, allowed: &[usize]) -> String {
    let allowed: Vec<String> = allowed.iter().map(usize::to_string).collect();
    format!(
        "unexpected number of parameters; got {got}, expected one of [{}]",
        allowed.join(" ")
    )
}

fn single_arg(name: MatcherName, value: &str) -> Result<Matcher, String> {
    match name {
        MatcherName::ClientIP => IpChecker::parse(value).map(Matcher::ClientIp),
        MatcherName::Method => Ok(Matcher::Method(value.to_uppercase())),
        MatcherName::Host => host(value),
        MatcherName::HostRegexp => host_regexp(value),
        MatcherName::Path => path_argument(value).map(Matcher::Path),
        MatcherName::PathPrefix => path_argument(value).map(Matcher::PathPrefix),
        // Traefik's message names PathPrefix here; kept for identical error text.
        MatcherName::PathRegexp => regexp(value, "PathPrefix").map(Matcher::PathRegexp),
        _ => Err(format!("unexpected arguments for matcher {name}")),
    }
}

fn host(value: &str) -> Result<Matcher, String> {
    if value == "*" {
        return Ok(Matcher::AnyHost);
    }
    if !value.is_ascii() {
        return Err(format!(
            "invalid value {value:?} for Host matcher, non-ASCII characters are not allowed"
        ));
    }
    Ok(Matcher::Host(value.to_ascii_lowercase()))
}

fn host_regexp(value: &str) -> Result<Matcher, String> {
    if !value.is_ascii() {
        return Err(format!(
            "invalid value {value:?} for HostRegexp matcher, non-ASCII characters are not allowed"
        ));
    }
    regexp(value, "HostRegexp").map(Matcher::HostRegexp)
}

fn path_argument(value: &str) -> Result<String, String> {
    if !value.starts_with('/') {
        return Err(format!("path {value:?} does not start with a '/'"));
    }
    Ok(value.to_owned())
}

fn regexp(pattern: &str, matcher: &str) -> Result<regex::Regex, String> {
    go_regex::compile(pattern).map_err(|e| format!("compiling {matcher} matcher: {e}"))
}

fn header(name: MatcherName, key: &str, value: &str) -> Result<Matcher, String> {
    // An invalid header name can never be present on a request, so it never matches.
    // Go's server moves Host and Transfer-Encoding out of the header map, so in Traefik
    // a Header matcher on them never matches either.
    let header_name = HeaderName::from_bytes(key.as_bytes())
        .ok()
        .filter(|name| *name != http::header::HOST && *name != http::header::TRANSFER_ENCODING);
    match name {
        MatcherName::HeaderRegexp => {
            regexp(value, "HeaderRegexp").map(|re| Matcher::HeaderRegexp(header_name, re))
        }
        _ => Ok(Matcher::Header(header_name, value.to_owned())),
    }
}

fn query(key: &str, value: Option<&String>) -> Matcher {
    Matcher::Query {
        key: key.to_owned(),
        value: value.cloned().unwrap_or_default(),
    }
}

fn query_regexp(key: &str, pattern: &str) -> Result<Matcher, String> {
    let pattern = regexp(pattern, "QueryRegexp")?;
    Ok(Matcher::QueryRegexp {
        key: key.to_owned(),
        pattern,
    })
}

/// Merges nested `All`/`Any` of the same kind so matching walks a shallow tree.
fn flatten(node: Node) -> Node {
    match node {
        Node::All(children) => Node::All(merge(children, true)),
        Node::Any(children) => Node::Any(merge(children, false)),
        leaf => leaf,
    }
}

fn merge(children: Vec<Node>, all: bool) -> Vec<Node> {
    let mut merged = Vec::with_capacity(children.len());
    for child in children {
        match flatten(child) {
            Node::All(grandchildren) if all => merged.extend(grandchildren),
            Node::Any(grandchildren) if !all => merged.extend(grandchildren),
            other => merged.push(other),
        }
    }
    merged
}
