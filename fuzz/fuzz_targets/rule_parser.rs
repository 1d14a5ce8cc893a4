//! Parses arbitrary text as a rule; when it parses, matches it against a fixed request
//! and prints/reparses its AST. None of this may panic.
#![no_main]

use std::net::{IpAddr, Ipv6Addr};

use http::{HeaderMap, HeaderValue, Method};
use libfuzzer_sys::fuzz_target;
use limpet_rule::{canonical_host, routing_path, Request, Rule};

fuzz_target!(|text: &str| {
    // The helpers take request data, which is also untrusted.
    let _ = routing_path(text);
    let _ = canonical_host(text);
    let Ok(rule) = Rule::parse(text) else {
        return;
    };
    let mut headers = HeaderMap::new();
    headers.insert("x-test", HeaderValue::from_static("value"));
    let request = Request {
        host: "a.example.com",
        method: &Method::GET,
        path: "/api/v1/x y%2F",
        query: Some("q=1&b=x%20y&c=%zz&d;e&f+g=h+i"),
        headers: &headers,
        client_ip: Some(IpAddr::V6(Ipv6Addr::LOCALHOST)),
    };
    let _ = rule.matches(&request);
    let _ = rule.host_constraint();
    let printed = rule.ast().to_string();
    let reparsed = Rule::parse(&printed).map(|r| r.ast().clone());
    assert_eq!(
        reparsed.as_ref().ok(),
        Some(rule.ast()),
        "printed as {printed}"
    );
});
