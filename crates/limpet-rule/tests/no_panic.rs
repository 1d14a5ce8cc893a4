//! Fuzz-style properties (the `fuzz/` target's checks, runnable on stable): arbitrary
//! rule text never panics, and whatever parses prints back to the same AST.

use std::net::{IpAddr, Ipv4Addr};

use http::{HeaderMap, Method};
use limpet_rule::{canonical_host, routing_path, Request, Rule};
use proptest::prelude::*;

/// Rule-shaped noise: matcher names, operators, quotes, escapes and stray characters.
fn rule_like() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("Host(".to_owned()),
        Just("PathPrefix(".to_owned()),
        Just("Query(".to_owned()),
        Just("HeaderRegexp(".to_owned()),
        Just("PathRegexp(".to_owned()),
        Just("ClientIP(".to_owned()),
        Just(")".to_owned()),
        Just("(".to_owned()),
        Just(" && ".to_owned()),
        Just(" || ".to_owned()),
        Just("!".to_owned()),
        Just(", ".to_owned()),
        Just("`".to_owned()),
        Just("\"".to_owned()),
        Just("'".to_owned()),
        Just("\\".to_owned()),
        Just("\n".to_owned()),
        "`[a-z/.*\\[\\](){}?+|^$\\\\:0-9-]{0,8}`",
        "\"[a-z\\\\xu0-9\"]{0,6}\"",
        "[a-zA-Z0-9_.]{1,5}",
        any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(pieces, 0..14).prop_map(|v| v.concat())
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let _ = routing_path(text);
    let _ = canonical_host(text);
    let Ok(rule) = Rule::parse(text) else {
        return Ok(());
    };
    let headers = HeaderMap::new();
    let request = Request {
        host: "a.example.com",
        method: &Method::GET,
        path: "/api/x",
        query: Some("q=1&x=%zz;&y+z=%41"),
        headers: &headers,
        client_ip: Some(IpAddr::V4(Ipv4Addr::LOCALHOST)),
    };
    let _ = rule.matches(&request);
    let _ = rule.host_constraint();
    let printed = rule.ast().to_string();
    let reparsed =
        Rule::parse(&printed).map_err(|e| TestCaseError::fail(format!("{printed}: {e}")))?;
    prop_assert_eq!(reparsed.ast(), rule.ast());
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000)
}

proptest! {
    // 2000 cases by default; PROPTEST_CASES=… runs a longer fuzzing session.
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn rule_like_text_never_panics(text in rule_like()) {
        check(&text)?;
    }

    #[test]
    fn any_text_never_panics(text in any::<String>()) {
        check(&text)?;
    }
}
