//! Cost of "cookie → server": a plain Traefik value and a signed token, both on a hit, plus
//! a new session. Run: `cargo bench -p limpet --bench sticky`.
#![allow(clippy::unwrap_used)]

use std::net::{IpAddr, Ipv4Addr};

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use http::{HeaderMap, HeaderValue};
use limpet::data::service::{Decision, RequestHead, ServerRegistry, Service};

/// The test suite's YAML → snapshot helper, shared rather than copied.
#[path = "../tests/support/model.rs"]
mod model;
use model::snapshot;

const PLAIN: &str = "http:\n  services:\n    app:\n      loadBalancer:\n        sticky:\n          cookie: {name: sid}\n        servers:\n          - url: http://10.0.0.1:80\n          - url: http://10.0.0.2:80\n          - url: http://10.0.0.3:80\n          - url: http://10.0.0.4:80\n";

/// The Set-Cookie pair a new client gets, and the service to ask again.
fn first_cookie(service: &Service) -> String {
    let Service::LoadBalancer(lb) = service else {
        panic!("not a load balancer")
    };
    let headers = HeaderMap::new();
    let head = RequestHead {
        headers: &headers,
        client_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
        tried: &[],
    };
    let mut decision = Decision::default();
    lb.select(&head, &mut decision).unwrap();
    decision.headers[0]
        .1
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

fn bench_pick(c: &mut Criterion, name: &str, service: &Service, cookie: Option<&str>) {
    let Service::LoadBalancer(lb) = service else {
        panic!("not a load balancer")
    };
    let mut headers = HeaderMap::new();
    if let Some(cookie) = cookie {
        headers.insert(
            "cookie",
            HeaderValue::from_str(&format!("_ga=GA1.2.3; {cookie}; theme=dark")).unwrap(),
        );
    }
    c.bench_function(name, |b| {
        b.iter(|| {
            let head = RequestHead {
                headers: black_box(&headers),
                client_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
                tried: &[],
            };
            let mut decision = Decision::default();
            black_box(lb.select(&head, &mut decision).map(|s| s.server.url.len()))
        })
    });
}

fn sticky(c: &mut Criterion) {
    let registry = ServerRegistry::default();
    let plain = snapshot(PLAIN, &registry, 1);
    let plain_service = &plain.services["app@file"];
    bench_pick(
        c,
        "cookie_to_server/plain_hit",
        plain_service,
        Some(&first_cookie(plain_service)),
    );
    bench_pick(c, "cookie_to_server/plain_new_session", plain_service, None);
    let signed_yaml = PLAIN.replace(
        "cookie: {name: sid}",
        "cookie: {name: sid, secret: a-secret-of-more-than-16-bytes}",
    );
    let signed = snapshot(&signed_yaml, &registry, 1);
    let signed_service = &signed.services["app@file"];
    bench_pick(
        c,
        "cookie_to_server/signed_hit",
        signed_service,
        Some(&first_cookie(signed_service)),
    );
    bench_pick(
        c,
        "cookie_to_server/signed_new_session",
        signed_service,
        None,
    );
}

criterion_group!(benches, sticky);
criterion_main!(benches);
