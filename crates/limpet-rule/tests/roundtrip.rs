//! Property: printing a rule's AST gives text that parses back to the same AST.

use limpet_rule::{Expr, MatcherCall, MatcherName, Rule};
use proptest::prelude::*;

/// Free text for arguments, including characters that force double-quoting.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 `\"\\\\\r\n\té.-]{1,12}"
}

fn path() -> impl Strategy<Value = String> {
    text().prop_map(|t| format!("/{t}"))
}

fn host() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]{1,8}(\\.[a-z]{1,5}){0,2}",
        "\\*\\.[a-z]{1,8}\\.com",
        Just("*".to_owned())
    ]
}

fn pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("^/api".to_owned()),
        Just("[a-z]+\\d{2}".to_owned()),
        Just("x{name:y}".to_owned())
    ]
}

fn ip() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("10.0.0.0/8".to_owned()),
        Just("::1".to_owned()),
        Just("192.168.1.7".to_owned())
    ]
}

fn call(name: MatcherName, args: Vec<String>) -> Expr {
    Expr::Matcher(MatcherCall { name, args })
}

fn matcher() -> impl Strategy<Value = Expr> {
    prop_oneof![
        host().prop_map(|h| call(MatcherName::Host, vec![h])),
        pattern().prop_map(|p| call(MatcherName::HostRegexp, vec![p])),
        path().prop_map(|p| call(MatcherName::Path, vec![p])),
        path().prop_map(|p| call(MatcherName::PathPrefix, vec![p])),
        pattern().prop_map(|p| call(MatcherName::PathRegexp, vec![p])),
        "[a-zA-Z]{1,7}".prop_map(|m| call(MatcherName::Method, vec![m])),
        (text(), text()).prop_map(|(k, v)| call(MatcherName::Header, vec![k, v])),
        (text(), pattern()).prop_map(|(k, p)| call(MatcherName::HeaderRegexp, vec![k, p])),
        (text(), proptest::option::of(text())).prop_map(|(k, v)| call(
            MatcherName::Query,
            [Some(k), v].into_iter().flatten().collect()
        )),
        (text(), pattern()).prop_map(|(k, p)| call(MatcherName::QueryRegexp, vec![k, p])),
        ip().prop_map(|ip| call(MatcherName::ClientIP, vec![ip])),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    matcher().prop_recursive(5, 32, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| Expr::Not(Box::new(e))),
            (inner.clone(), inner.clone()).prop_map(|(l, r)| Expr::And(Box::new(l), Box::new(r))),
            (inner.clone(), inner).prop_map(|(l, r)| Expr::Or(Box::new(l), Box::new(r))),
        ]
    })
}

proptest! {
    #[test]
    fn parse_print_roundtrip(ast in expr()) {
        let printed = ast.to_string();
        let parsed = Rule::parse(&printed).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed.ast(), &ast, "printed as {}", printed);
        prop_assert_eq!(parsed.text(), printed.as_str());
    }
}

#[test]
fn printer_examples() {
    let cases = [
        (
            "host(`a`) && (Path(`/`) || !Method(`get`))",
            "Host(`a`) && (Path(`/`) || !Method(`get`))",
        ),
        (
            "Host(`a`) && (Host(`b`) && Host(`c`))",
            "Host(`a`) && (Host(`b`) && Host(`c`))",
        ),
        (
            "(Host(`a`) && Host(`b`)) && Host(`c`)",
            "Host(`a`) && Host(`b`) && Host(`c`)",
        ),
        ("!(Host(`a`) || Host(`b`))", "!(Host(`a`) || Host(`b`))"),
        ("Path(\"/a`b\\r\")", "Path(\"/a`b\\r\")"),
        ("Header(\"X\", \"a\\tb\")", "Header(`X`, `a\tb`)"),
    ];
    for (input, printed) in cases {
        let rule = Rule::parse(input).map_err(|e| e.to_string());
        assert_eq!(
            rule.map(|r| r.ast().to_string()),
            Ok(printed.to_owned()),
            "{input}"
        );
    }
}
