//! Per-request cost of `Rule::matches` for typical rules (the router's hot path).

use std::hint::black_box;
use std::net::{IpAddr, Ipv4Addr};

use criterion::{criterion_group, criterion_main, Criterion};
use http::{HeaderMap, HeaderValue, Method};
use limpet_rule::{Request, Rule};

fn rule(text: &str) -> Rule {
    match Rule::parse(text) {
        Ok(rule) => rule,
        Err(e) => panic!("bench rule does not parse: {e}"),
    }
}

fn bench_matches(c: &mut Criterion) {
    let mut headers = HeaderMap::new();
    headers.insert("x-tenant", HeaderValue::from_static("acme-prod"));
    let request = Request {
        host: "api.example.com",
        method: &Method::GET,
        path: "/v2/orders/1234",
        query: Some("page=2&sort=desc&filter=open&q=traefik"),
        headers: &headers,
        client_ip: Some(IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3))),
    };
    let cases = [
        ("host_and_path", "Host(`api.example.com`) && PathPrefix(`/v2/`)"),
        ("regexp", "HostRegexp(`^[a-z]+\\.example\\.com$`) && PathRegexp(`^/v[0-9]+/orders/[0-9]+$`)"),
        ("query", "Host(`api.example.com`) && Query(`q`, `traefik`)"),
        (
            "complex",
            "Host(`api.example.com`) && (Method(`GET`) || Method(`HEAD`)) && !PathPrefix(`/admin`) \
             && HeaderRegexp(`X-Tenant`, `^acme-`) && ClientIP(`10.0.0.0/8`)",
        ),
    ];
    for (name, text) in cases {
        let rule = rule(text);
        assert!(
            rule.matches(&request),
            "{name} should match the bench request"
        );
        c.bench_function(name, |b| {
            b.iter(|| black_box(&rule).matches(black_box(&request)))
        });
    }
    c.bench_function("parse_complex", |b| {
        b.iter(|| Rule::parse(black_box(cases[3].1)))
    });
}

criterion_group!(benches, bench_matches);
criterion_main!(benches);
