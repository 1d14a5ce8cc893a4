//! Deterministic re-pinning, strict failure policy and drain, at the balancer (no sockets).
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use limpet::data::service::token::{server_ref, Signer, Token};
use limpet::data::service::ServerRegistry;
use support::model::{load_balancer, pick, servers_yaml, snapshot};

const SECRET: &str = "a-secret-of-more-than-16-bytes";

fn signed_yaml(servers: usize, on_failure: &str) -> String {
    format!(
        "http:\n  services:\n    app:\n      loadBalancer:\n        sticky:\n          onFailure: {on_failure}\n          cookie:\n            name: sid\n            secret: {SECRET}\n        servers:\n{}",
        servers_yaml(servers)
    )
}

fn plain_yaml(servers: usize) -> String {
    format!("http:\n  services:\n    app:\n      loadBalancer:\n        sticky:\n          cookie: {{name: sid}}\n        servers:\n{}", servers_yaml(servers))
}

fn signer() -> Signer {
    support::model::test_signer("default", SECRET)
}

fn value_of(url: &str) -> String {
    limpet::data::service::sticky::cookie_value(url)
}

/// A signed session `n` pinned to `url`.
fn session_cookie(n: u128, url: &str) -> String {
    let now = limpet::data::service::token::unix_now();
    let token = Token {
        session: n,
        server_ref: server_ref(&value_of(url)),
        issued_at: now,
        last_seen: now,
    };
    format!("sid={}", signer().sign(&token))
}

const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const DEAD: &str = "http://10.0.0.5:80";

#[test]
fn signed_sessions_of_a_dead_server_spread_evenly_over_the_survivors() {
    let registry = ServerRegistry::default();
    let snap = snapshot(&signed_yaml(5, "repin"), &registry, 1);
    registry.get("app@file", DEAD).unwrap().set_up(false);
    let lb = load_balancer(&snap, "app");
    let mut per_server: HashMap<String, usize> = HashMap::new();
    for n in 0..10_000u128 {
        let (server, outcome, cookies) = pick(lb, Some(&session_cookie(n, DEAD)), CLIENT);
        assert_eq!(outcome, "repinned_down");
        assert_eq!(cookies.len(), 1, "a re-pin sends the new pin");
        *per_server.entry(server.unwrap()).or_default() += 1;
    }
    assert_eq!(per_server.len(), 4);
    for (server, count) in per_server {
        assert!(
            (2200..=2800).contains(&count),
            "{server} got {count} of 10000 (25% ±3%)"
        );
    }
}

#[test]
fn plain_cookies_from_many_clients_spread_evenly_too() {
    let registry = ServerRegistry::default();
    let snap = snapshot(&plain_yaml(5), &registry, 1);
    registry.get("app@file", DEAD).unwrap().set_up(false);
    let lb = load_balancer(&snap, "app");
    let cookie = format!("sid={}", value_of(DEAD));
    let mut per_server: HashMap<String, usize> = HashMap::new();
    for n in 0..10_000u32 {
        let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n));
        let (server, outcome, _) = pick(lb, Some(&cookie), ip);
        assert_eq!(outcome, "repinned_down");
        *per_server.entry(server.unwrap()).or_default() += 1;
    }
    for (server, count) in per_server {
        assert!(
            (2200..=2800).contains(&count),
            "{server} got {count} of 10000"
        );
    }
}

#[test]
fn independent_builds_move_stale_sessions_identically() {
    let (first, second) = (ServerRegistry::default(), ServerRegistry::default());
    // Different shuffle seeds: server order differs between the two "instances".
    let (a, b) = (
        snapshot(&signed_yaml(5, "repin"), &first, 7),
        snapshot(&signed_yaml(5, "repin"), &second, 99),
    );
    first.get("app@file", DEAD).unwrap().set_up(false);
    second.get("app@file", DEAD).unwrap().set_up(false);
    for n in 0..1000u128 {
        let cookie = session_cookie(n, DEAD);
        let on_a = pick(load_balancer(&a, "app"), Some(&cookie), CLIENT).0;
        let on_b = pick(load_balancer(&b, "app"), Some(&cookie), CLIENT).0;
        assert_eq!(on_a, on_b, "session {n}");
    }
}

#[test]
fn a_server_removed_by_a_reload_is_told_apart_from_garbage() {
    let registry = ServerRegistry::default();
    let _before = snapshot(&signed_yaml(5, "repin"), &registry, 1);
    let after = snapshot(&signed_yaml(4, "repin"), &registry, 1);
    let lb = load_balancer(&after, "app");
    assert_eq!(
        pick(lb, Some(&session_cookie(1, DEAD)), CLIENT).1,
        "repinned_removed"
    );
    assert_eq!(
        pick(lb, Some(&session_cookie(1, "http://10.9.9.9:80")), CLIENT).1,
        "unknown"
    );
    let plain = snapshot(&plain_yaml(5), &registry, 1);
    let plain_after = snapshot(&plain_yaml(4), &registry, 1);
    drop(plain);
    let cookie = format!("sid={}", value_of(DEAD));
    assert_eq!(
        pick(load_balancer(&plain_after, "app"), Some(&cookie), CLIENT).1,
        "repinned_removed"
    );
}

#[test]
fn strict_answers_503_and_keeps_the_cookie_when_the_pinned_server_is_down_or_gone() {
    let registry = ServerRegistry::default();
    let snap = snapshot(&signed_yaml(5, "strict"), &registry, 1);
    registry.get("app@file", DEAD).unwrap().set_up(false);
    let (server, outcome, cookies) = pick(
        load_balancer(&snap, "app"),
        Some(&session_cookie(3, DEAD)),
        CLIENT,
    );
    assert_eq!((server, outcome, cookies.len()), (None, "strict_reject", 0));
    let removed = snapshot(&signed_yaml(4, "strict"), &registry, 1);
    let (server, outcome, cookies) = pick(
        load_balancer(&removed, "app"),
        Some(&session_cookie(3, DEAD)),
        CLIENT,
    );
    assert_eq!((server, outcome, cookies.len()), (None, "strict_reject", 0));
    let (server, outcome, _) = pick(load_balancer(&removed, "app"), None, CLIENT);
    assert!(
        server.is_some() && outcome == "new",
        "new sessions are unaffected"
    );
}

#[test]
fn a_retry_can_exclude_the_server_it_already_tried() {
    let registry = ServerRegistry::default();
    let snap = snapshot(&plain_yaml(3), &registry, 1);
    let lb = load_balancer(&snap, "app");
    let pinned = "http://10.0.0.1:80";
    let headers = {
        let mut h = http::HeaderMap::new();
        h.insert(
            "cookie",
            format!("sid={}", value_of(pinned)).parse().unwrap(),
        );
        h
    };
    let head = limpet::data::service::RequestHead {
        headers: &headers,
        client_ip: CLIENT,
        tried: &[pinned],
    };
    let mut decision = limpet::data::service::Decision::default();
    let selected = lb.select(&head, &mut decision).unwrap();
    assert_ne!(&*selected.server.url, pinned);
    assert_eq!(decision.outcome.as_str(), "repinned_down");
}

#[test]
fn sticky_is_honoured_under_every_strategy() {
    for strategy in ["wrr", "p2c", "leasttime", "hrw"] {
        let yaml = plain_yaml(4).replace(
            "loadBalancer:\n",
            &format!("loadBalancer:\n        strategy: {strategy}\n"),
        );
        let registry = ServerRegistry::default();
        let snap = snapshot(&yaml, &registry, 1);
        let lb = load_balancer(&snap, "app");
        let (first, outcome, cookies) = pick(lb, None, CLIENT);
        assert_eq!(outcome, "new", "{strategy}");
        let cookie = cookies[0].split(';').next().unwrap().to_owned();
        for _ in 0..20 {
            let (again, outcome, cookies) =
                pick(lb, Some(&cookie), IpAddr::V4(Ipv4Addr::new(10, 1, 2, 3)));
            assert_eq!(
                (again.clone(), outcome, cookies.len()),
                (first.clone(), "hit", 0),
                "{strategy}"
            );
        }
    }
}

#[test]
fn wrr_three_to_one_over_4000_new_sessions() {
    let yaml = "http:\n  services:\n    app:\n      loadBalancer:\n        sticky:\n          cookie: {name: sid}\n        servers:\n          - url: http://10.0.0.1:80\n            weight: 3\n          - url: http://10.0.0.2:80\n";
    let registry = ServerRegistry::default();
    let snap = snapshot(yaml, &registry, 1);
    let heavy = (0..4000)
        .filter(|_| {
            pick(load_balancer(&snap, "app"), None, CLIENT)
                .0
                .unwrap()
                .contains("10.0.0.1")
        })
        .count();
    assert!(
        (2850..=3150).contains(&heavy),
        "3:1 within ±5%: {heavy} of 4000"
    );
}

#[test]
fn hrw_is_stable_per_client_address() {
    let yaml = plain_yaml(4).replace("loadBalancer:\n", "loadBalancer:\n        strategy: hrw\n");
    let registry = ServerRegistry::default();
    let snap = snapshot(&yaml, &registry, 1);
    let other = snapshot(&yaml, &ServerRegistry::default(), 2);
    let mut seen = HashMap::new();
    for n in 0..200u32 {
        let ip = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n));
        let first = pick(load_balancer(&snap, "app"), None, ip).0.unwrap();
        assert_eq!(
            pick(load_balancer(&snap, "app"), None, ip).0.unwrap(),
            first
        );
        assert_eq!(
            pick(load_balancer(&other, "app"), None, ip).0.unwrap(),
            first,
            "same on another instance"
        );
        *seen.entry(first).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 4, "client addresses spread over every server");
}

#[test]
fn draining_server_keeps_its_sessions_and_takes_no_new_ones() {
    let yaml = plain_yaml(3).replace(
        "          - url: http://10.0.0.3:80\n",
        "          - url: http://10.0.0.3:80\n            draining: true\n",
    );
    let registry = ServerRegistry::default();
    let snap = snapshot(&yaml, &registry, 1);
    let lb = load_balancer(&snap, "app");
    let draining = "http://10.0.0.3:80";
    let cookie = format!("sid={}", value_of(draining));
    for _ in 0..100 {
        let (server, outcome, cookies) = pick(lb, Some(&cookie), CLIENT);
        assert_eq!(
            (server.as_deref(), outcome, cookies.len()),
            (Some(draining), "hit", 0)
        );
    }
    let landed = (0..1000)
        .filter(|_| pick(lb, None, CLIENT).0.as_deref() == Some(draining))
        .count();
    assert_eq!(landed, 0);
}

#[tokio::test(start_paused = true)]
async fn drain_is_reported_complete_after_the_idle_window() {
    let yaml = plain_yaml(2)
        .replace("loadBalancer:\n", "loadBalancer:\n        drainIdle: 5m\n")
        .replace(
            "          - url: http://10.0.0.2:80\n",
            "          - url: http://10.0.0.2:80\n            draining: true\n",
        );
    let registry = ServerRegistry::default();
    let snap = snapshot(&yaml, &registry, 1);
    let state = registry.get("app@file", "http://10.0.0.2:80").unwrap();
    let cookie = format!("sid={}", value_of("http://10.0.0.2:80"));
    pick(load_balancer(&snap, "app"), Some(&cookie), CLIENT);
    tokio::time::advance(Duration::from_secs(240)).await;
    assert!(
        !state.drain.check_complete(),
        "a session was seen 4 minutes ago"
    );
    assert_eq!(state.drain.status().unwrap().sessions_seen, 1);
    tokio::time::advance(Duration::from_secs(61)).await;
    assert!(
        state.drain.check_complete(),
        "no session for 5 minutes: drained"
    );
    assert!(state.drain.status().unwrap().drained_at.is_some());
    let (server, outcome, _) = pick(load_balancer(&snap, "app"), Some(&cookie), CLIENT);
    assert_eq!(
        (server.as_deref(), outcome),
        (Some("http://10.0.0.1:80"), "repinned_drained")
    );
}
