//! `sticky.restartGrace` (limpet extension): the sessions of a server that left the
//! configuration wait for it (503, cookie kept) for the grace period, then move; a server that
//! comes back in time keeps them.
#![allow(clippy::unwrap_used)]

mod support;

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use limpet::data::service::ServerRegistry;
use support::model::{load_balancer, pick, servers_yaml, snapshot};

const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const GONE: &str = "http://10.0.0.3:80";

fn yaml(servers: usize, grace: &str) -> String {
    format!("http:\n  services:\n    app:\n      loadBalancer:\n        sticky:\n          cookie: {{name: sid}}\n{grace}        servers:\n{}", servers_yaml(servers))
}

fn cookie() -> String {
    format!("sid={}", limpet::data::service::sticky::cookie_value(GONE))
}

#[tokio::test(start_paused = true)]
async fn sessions_wait_for_a_removed_server_then_move() {
    let grace = "          restartGrace: 30s\n";
    let registry = ServerRegistry::default();
    let _three = snapshot(&yaml(3, grace), &registry, 1);
    let two = snapshot(&yaml(2, grace), &registry, 1);
    let (server, outcome, cookies) = pick(load_balancer(&two, "app"), Some(&cookie()), CLIENT);
    assert_eq!((server, outcome), (None, "restart_wait"));
    assert!(cookies.is_empty(), "the cookie is kept: {cookies:?}");

    tokio::time::advance(Duration::from_secs(31)).await;
    let (server, outcome, cookies) = pick(load_balancer(&two, "app"), Some(&cookie()), CLIENT);
    assert_eq!(outcome, "repinned_removed");
    assert!(
        server.is_some() && cookies.len() == 1,
        "moved after the grace"
    );
}

#[tokio::test(start_paused = true)]
async fn a_server_back_within_the_grace_keeps_its_sessions() {
    let grace = "          restartGrace: 30s\n";
    let registry = ServerRegistry::default();
    let _three = snapshot(&yaml(3, grace), &registry, 1);
    let _two = snapshot(&yaml(2, grace), &registry, 1);
    tokio::time::advance(Duration::from_secs(10)).await;
    let back = snapshot(&yaml(3, grace), &registry, 1);
    let (server, outcome, _) = pick(load_balancer(&back, "app"), Some(&cookie()), CLIENT);
    assert_eq!((server.as_deref(), outcome), (Some(GONE), "hit"));
}

#[tokio::test(start_paused = true)]
async fn without_a_grace_sessions_move_at_once() {
    let registry = ServerRegistry::default();
    let _three = snapshot(&yaml(3, ""), &registry, 1);
    let two = snapshot(&yaml(2, ""), &registry, 1);
    let (_, outcome, _) = pick(load_balancer(&two, "app"), Some(&cookie()), CLIENT);
    assert_eq!(outcome, "repinned_removed");
}
