//! Shutdown: `RunningApp::stop` lets open requests finish for the entrypoint's
//! `transport.lifeCycle.graceTimeOut`, and no longer than that.
#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use limpet::control::app::RunningApp;
use support::{origin, HttpClient, Reply};

/// limpet on `web` with `graceTimeOut: grace`, one router to `backend` (and the directory
/// of its files, to keep).
async fn start(grace: &str, backend: SocketAddr) -> (RunningApp, tempfile::TempDir) {
    let dynamic = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`g.local`)\"\n      service: app\n  services:\n    app:\n      loadBalancer:\n        servers:\n          - url: \"http://{backend}\"\n"
    );
    let (app, dir, _) = support::start_app(&dynamic, |file| {
        format!(
            "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n    transport:\n      lifeCycle:\n        graceTimeOut: {grace}\nproviders:\n  file:\n    filename: {}\n",
            file.display()
        )
    })
    .await;
    (app, dir)
}

/// Sends `GET /?wait=…` in the background and returns once limpet has it in flight.
async fn slow_request(app: &RunningApp, wait: &str) -> tokio::task::JoinHandle<Option<Reply>> {
    let url = format!("http://{}/?wait={wait}", app.address("web").unwrap());
    let request = tokio::spawn(async move { HttpClient::default().try_get(&url, "g.local").await });
    let start = Instant::now();
    while in_flight(app) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "request never reached limpet"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    request
}

fn in_flight(app: &RunningApp) -> usize {
    let snapshot = app.shared.snapshot.load();
    let lb = support::model::load_balancer(&snapshot, "app");
    lb.servers().iter().map(|s| s.state.in_flight()).sum()
}

#[tokio::test]
async fn stop_waits_for_an_open_request_within_the_grace_time() {
    let (app, _dir) = start("5s", origin("slow").await).await;
    let request = slow_request(&app, "600ms").await;
    let stopping = Instant::now();
    app.stop().await;
    let waited = stopping.elapsed();
    let reply = request
        .await
        .unwrap()
        .expect("the open request is answered");
    assert_eq!(reply.server(), "slow");
    assert!(
        waited >= Duration::from_millis(400),
        "stop returned after {waited:?}, before the request ended"
    );
    assert!(waited < Duration::from_secs(4), "{waited:?}");
}

#[tokio::test]
async fn stop_waits_no_longer_than_the_configured_grace_time() {
    let (app, _dir) = start("200ms", origin("slower").await).await;
    let _request = slow_request(&app, "5s").await;
    let stopping = Instant::now();
    app.stop().await;
    let waited = stopping.elapsed();
    assert!(
        waited >= Duration::from_millis(150) && waited < Duration::from_secs(2),
        "graceTimeOut 200ms, stop took {waited:?}"
    );
}

#[tokio::test]
async fn stop_closes_idle_keep_alives_at_once_and_lets_busy_ones_finish() {
    use tokio::io::AsyncWriteExt;
    let (app, _dir) = start("5s", origin("busy").await).await;
    let addr = app.address("web").unwrap();
    let limit = Duration::from_secs(5);
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    idle.write_all(b"GET / HTTP/1.1\r\nHost: g.local\r\n\r\n")
        .await
        .unwrap();
    assert_eq!(
        support::raw::read_reply(&mut idle, limit).await.status(),
        200
    );
    let mut busy = tokio::net::TcpStream::connect(addr).await.unwrap();
    busy.write_all(b"GET /?wait=800ms HTTP/1.1\r\nHost: g.local\r\n\r\n")
        .await
        .unwrap();
    while in_flight(&app) == 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let shared = app.shared.clone();
    let stopping = tokio::spawn(app.stop());
    assert!(
        support::raw::closes_within(&mut idle, limit).await,
        "the idle keep-alive is closed"
    );
    let still_busy: usize = {
        let snapshot = shared.snapshot.load();
        let lb = support::model::load_balancer(&snapshot, "app");
        lb.servers().iter().map(|s| s.state.in_flight()).sum()
    };
    assert_eq!(
        still_busy, 1,
        "closed while the other request was still in flight"
    );
    let reply = support::raw::read_reply(&mut busy, limit).await;
    assert_eq!(reply.status(), 200, "the open request finishes");
    assert_eq!(reply.header("connection").as_deref(), Some("close"));
    assert!(support::raw::closes_within(&mut busy, limit).await);
    stopping.await.unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "no longer accepting"
    );
}

#[tokio::test]
async fn stop_ends_health_checks() {
    let checked = support::killable::Killable::start("checked").await;
    let dynamic = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`g.local`)\"\n      service: app\n  services:\n    app:\n      loadBalancer:\n        healthCheck: {{path: /health, interval: 20ms}}\n        servers:\n          - url: \"http://{}\"\n",
        checked.addr
    );
    let (app, _dir, _) = support::start_app(&dynamic, |file| {
        format!(
            "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\nproviders:\n  file:\n    filename: {}\n",
            file.display()
        )
    })
    .await;
    while checked.served() < 3 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    app.stop().await;
    let after_stop = checked.served();
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(checked.served(), after_stop, "no probe after stop returned");
}
