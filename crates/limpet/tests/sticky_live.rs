//! Affinity beyond Traefik, end to end: health, identity, tokens, header carrier, p2c,
//! mirroring and failover, with limpet on a real socket in front of in-process origins.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Request;
use http_body_util::Full;
use support::{dead_address, origin, HttpClient, Limpet};

const SECRET: &str = "a-secret-of-more-than-16-bytes";

fn service(lb_extra: &str, servers: &[String]) -> String {
    let servers: String = servers
        .iter()
        .map(|s| format!("          - {s}\n"))
        .collect();
    format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`s.local`)\"\n      service: app\n  services:\n    app:\n      loadBalancer:\n{lb_extra}        servers:\n{servers}"
    )
}

fn url(addr: std::net::SocketAddr) -> String {
    format!("url: http://{addr}")
}

async fn set_health(addr: std::net::SocketAddr, code: u16) {
    let req = Request::post(format!("http://{addr}/health"))
        .body(Full::new(Bytes::from(code.to_string())))
        .unwrap();
    HttpClient::default().send(req).await;
}

/// Polls until `check` holds or `limit` passes; returns the time it took.
async fn eventually(limit: Duration, mut check: impl AsyncFnMut() -> bool) -> Duration {
    let start = Instant::now();
    while !check().await {
        assert!(
            start.elapsed() < limit,
            "condition not reached within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    start.elapsed()
}

#[tokio::test]
async fn active_health_check_repins_recovers_and_survives_a_reload() {
    let (a, b) = (origin("a").await, origin("b").await);
    let check = "        healthCheck: {path: /health, interval: 300ms, unhealthyInterval: 300ms, timeout: 200ms}\n        sticky:\n          cookie: {name: sid}\n";
    let yaml = service(check, &[url(a), url(b)]);
    let mut limpet = Limpet::start(&yaml).await;
    let client = HttpClient::default();
    let pin_a = format!(
        "sid={}",
        limpet::data::service::sticky::cookie_value(&format!("http://{a}"))
    );
    assert_eq!(
        client
            .get(&limpet.url("/"), "s.local", Some(&pin_a))
            .await
            .served_by(),
        "a"
    );
    set_health(a, 503).await;
    let took = eventually(Duration::from_secs(2), async || {
        client
            .get(&limpet.url("/"), "s.local", Some(&pin_a))
            .await
            .served_by()
            == "b"
    })
    .await;
    assert!(
        took < Duration::from_millis(700),
        "marked down within about one interval, took {took:?}"
    );
    let moved = client.get(&limpet.url("/"), "s.local", Some(&pin_a)).await;
    assert_eq!(
        moved.cookie_pair().unwrap(),
        format!(
            "sid={}",
            limpet::data::service::sticky::cookie_value(&format!("http://{b}"))
        )
    );

    limpet.rewrite(&format!("{yaml}    unrelated:\n      loadBalancer:\n        servers: [{{url: \"http://{b}\"}}]\n")).await;
    assert_eq!(
        client
            .get(&limpet.url("/"), "s.local", Some(&pin_a))
            .await
            .served_by(),
        "b",
        "still down right after a reload"
    );

    set_health(a, 200).await;
    eventually(Duration::from_secs(2), async || {
        client
            .get(&limpet.url("/"), "s.local", Some(&pin_a))
            .await
            .served_by()
            == "a"
    })
    .await;
    let new_sessions: Vec<String> = futures_collect(&client, &limpet, 10).await;
    assert!(
        new_sessions.iter().any(|s| s == "a"),
        "a recovered server takes new sessions: {new_sessions:?}"
    );
}

async fn futures_collect(client: &HttpClient, limpet: &Limpet, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(
            client
                .get(&limpet.url("/"), "s.local", None)
                .await
                .served_by(),
        );
    }
    out
}

#[tokio::test]
async fn a_pin_to_a_refused_server_is_moved_at_once() {
    let (alive, dead) = (origin("alive").await, dead_address().await);
    let extra = "        passiveHealthCheck: {failureWindow: 10s, maxFailedAttempts: 1}\n        sticky:\n          cookie: {name: sid}\n";
    let limpet = Limpet::start(&service(extra, &[url(alive), url(dead)])).await;
    let client = HttpClient::default();
    let pin_dead = format!(
        "sid={}",
        limpet::data::service::sticky::cookie_value(&format!("http://{dead}"))
    );
    for attempt in ["the refused one, sent on at once", "the server is now down"] {
        let reply = client
            .get(&limpet.url("/"), "s.local", Some(&pin_dead))
            .await;
        assert_eq!(
            (reply.status.as_u16(), reply.served_by().as_str()),
            (200, "alive"),
            "{attempt}"
        );
        assert_eq!(reply.set_cookies().len(), 1, "the client is re-pinned");
    }
}

#[tokio::test]
async fn a_server_that_changes_address_but_keeps_its_id_keeps_its_sessions() {
    let (old, new) = (origin("old-address").await, origin("new-address").await);
    let other = origin("other").await;
    let sticky = "        sticky:\n          cookie: {name: sid}\n";
    let mut limpet = Limpet::start(&service(
        sticky,
        &[format!("{}\n            id: app-1", url(old)), url(other)],
    ))
    .await;
    let client = HttpClient::default();
    let pin = format!(
        "sid={}",
        limpet::data::service::sticky::cookie_value("app-1")
    );
    assert_eq!(
        client
            .get(&limpet.url("/"), "s.local", Some(&pin))
            .await
            .served_by(),
        "old-address"
    );
    limpet
        .rewrite(&service(
            sticky,
            &[format!("{}\n            id: app-1", url(new)), url(other)],
        ))
        .await;
    let reply = client.get(&limpet.url("/"), "s.local", Some(&pin)).await;
    assert_eq!(reply.served_by(), "new-address");
    assert!(
        reply.set_cookies().is_empty(),
        "same session, nothing to rewrite"
    );
}

fn signed(keys: &str) -> String {
    format!("        sticky:\n          cookie:\n            name: sid\n{keys}            idleTimeout: 1h\n            absoluteTimeout: 24h\n            refreshInterval: 10m\n")
}

#[tokio::test]
async fn signed_tokens_pin_hide_addresses_and_reject_tampering() {
    let (a, b) = (origin("a").await, origin("b").await);
    let keys = format!("            keys:\n              - {{id: k1, secret: {SECRET}}}\n");
    let limpet = Limpet::start(&service(&signed(&keys), &[url(a), url(b)])).await;
    let client = HttpClient::default();
    let first = client.get(&limpet.url("/"), "s.local", None).await;
    let pair = first.cookie_pair().unwrap();
    let token = pair.strip_prefix("sid=").unwrap();
    assert!(token.starts_with("l1.k1."), "{token}");
    assert!(
        !token.contains("127.0.0.1") && !token.contains(&a.port().to_string()),
        "no address in the token"
    );
    for _ in 0..10 {
        let hit = client.get(&limpet.url("/"), "s.local", Some(&pair)).await;
        assert_eq!(hit.server(), first.server());
        assert!(
            hit.set_cookies().is_empty(),
            "no Set-Cookie on a hit within refreshInterval"
        );
    }
    let mut tampered = token.to_owned();
    tampered.replace_range(10..11, if &token[10..11] == "A" { "B" } else { "A" });
    for bad in [
        tampered.as_str(),
        &token[..token.len() - 4],
        "l1.k1.AAAA.BBBB",
        &format!("l1.k9.{}", &token[6..]),
    ] {
        let reply = client
            .get(&limpet.url("/"), "s.local", Some(&format!("sid={bad}")))
            .await;
        let fresh = reply.cookie_pair().unwrap();
        assert_ne!(fresh, pair, "{bad} is not honoured");
        assert!(fresh.starts_with("sid=l1.k1."));
    }
}

#[tokio::test]
async fn expired_tokens_are_not_honoured() {
    let (a, b) = (origin("a").await, origin("b").await);
    let keys = format!("            secret: {SECRET}\n");
    let limpet = Limpet::start(&service(&signed(&keys), &[url(a), url(b)])).await;
    let signer = support::model::test_signer("default", SECRET);
    let now = limpet::data::service::token::unix_now();
    let server_ref = limpet::data::service::token::server_ref(
        &limpet::data::service::sticky::cookie_value(&format!("http://{a}")),
    );
    let idle = limpet::data::service::token::Token {
        session: 1,
        server_ref,
        issued_at: now - 7200,
        last_seen: now - 3700,
    };
    let absolute = limpet::data::service::token::Token {
        session: 2,
        server_ref,
        issued_at: now - 90_000,
        last_seen: now,
    };
    let client = HttpClient::default();
    for (token, label) in [(idle, "idle"), (absolute, "absolute")] {
        let text = signer.sign(&token);
        let reply = client
            .get(&limpet.url("/"), "s.local", Some(&format!("sid={text}")))
            .await;
        let fresh = reply.cookie_pair().unwrap();
        assert_ne!(
            fresh,
            format!("sid={text}"),
            "{label}-expired token gets a new one"
        );
    }
}

#[tokio::test]
async fn a_rotated_out_key_is_honoured_and_resigned_with_the_new_key() {
    let (a, b) = (origin("a").await, origin("b").await);
    let old = format!("            keys:\n              - {{id: old, secret: {SECRET}}}\n");
    let mut limpet = Limpet::start(&service(&signed(&old), &[url(a), url(b)])).await;
    let client = HttpClient::default();
    let first = client.get(&limpet.url("/"), "s.local", None).await;
    let pair = first.cookie_pair().unwrap();
    let rotated = format!("            keys:\n              - {{id: new, secret: another-secret-of-16-bytes}}\n              - {{id: old, secret: {SECRET}}}\n");
    limpet
        .rewrite(&service(&signed(&rotated), &[url(a), url(b)]))
        .await;
    let reply = client.get(&limpet.url("/"), "s.local", Some(&pair)).await;
    assert_eq!(reply.server(), first.server(), "same server after rotation");
    assert!(
        reply.cookie_pair().unwrap().starts_with("sid=l1.new."),
        "re-signed with the new key"
    );
}

#[tokio::test]
async fn the_header_carrier_works_without_any_cookie() {
    let (a, b) = (origin("a").await, origin("b").await);
    let extra = "        sticky:\n          header: {name: X-Affinity}\n";
    let limpet = Limpet::start(&service(extra, &[url(a), url(b)])).await;
    let client = HttpClient::default();
    let first = client.get(&limpet.url("/"), "s.local", None).await;
    assert!(
        first.set_cookies().is_empty(),
        "no cookie configured, none sent"
    );
    let value = first.headers["x-affinity"].to_str().unwrap().to_owned();
    for _ in 0..10 {
        let req = Request::get(limpet.url("/"))
            .header("host", "s.local")
            .header("x-affinity", &value)
            .body(Full::new(Bytes::new()))
            .unwrap();
        let reply = client.send(req).await;
        assert_eq!(reply.server(), first.server());
        assert!(
            reply.headers.get("x-affinity").is_none(),
            "nothing to send back on a hit"
        );
    }
}

#[tokio::test]
async fn hygiene_options_strip_the_cookie_and_mark_responses_private() {
    let backend = origin("o").await;
    let extra = "        sticky:\n          debugHeader: true\n          cookie: {name: sid, stripFromUpstream: true, noCache: true}\n";
    let limpet = Limpet::start(&service(
        extra,
        &[format!("{}\n            id: backend-1", url(backend))],
    ))
    .await;
    let client = HttpClient::default();
    let first = client
        .get(&limpet.url("/"), "s.local", Some("other=1"))
        .await;
    assert_eq!(first.headers["cache-control"], "private");
    assert_eq!(first.headers["x-limpet-server"], "backend-1");
    let pair = first.cookie_pair().unwrap();
    let hit = client
        .get(
            &limpet.url("/"),
            "s.local",
            Some(&format!("other=1; {pair}")),
        )
        .await;
    assert!(
        hit.body.contains("Cookie: other=1\n"),
        "affinity cookie not forwarded: {}",
        hit.body
    );
    assert!(hit.headers.get("cache-control").is_none());
}

#[tokio::test]
async fn p2c_sends_new_sessions_away_from_a_server_holding_slow_requests() {
    let (slow, b, c) = (origin("slow").await, origin("b").await, origin("c").await);
    let extra = "        strategy: p2c\n        sticky:\n          cookie: {name: sid}\n";
    let limpet = Arc::new(Limpet::start(&service(extra, &[url(slow), url(b), url(c)])).await);
    let pin_slow = format!(
        "sid={}",
        limpet::data::service::sticky::cookie_value(&format!("http://{slow}"))
    );
    let mut held = Vec::new();
    for _ in 0..4 {
        let (limpet, pin) = (limpet.clone(), pin_slow.clone());
        held.push(tokio::spawn(async move {
            HttpClient::default()
                .get(&limpet.url("/?wait=1500ms"), "s.local", Some(&pin))
                .await
        }));
    }
    let slow_url = format!("http://{slow}");
    eventually(Duration::from_secs(2), async || {
        in_flight(&limpet, &slow_url) == 4
    })
    .await;
    let client = HttpClient::default();
    let landed = AtomicUsize::new(0);
    for _ in 0..100 {
        if client
            .get(&limpet.url("/"), "s.local", None)
            .await
            .served_by()
            == "slow"
        {
            landed.fetch_add(1, Ordering::Relaxed);
        }
    }
    assert!(
        landed.load(Ordering::Relaxed) < 10,
        "{} of 100 new sessions went to the busy server",
        landed.load(Ordering::Relaxed)
    );
    for task in held {
        assert_eq!(task.await.unwrap().served_by(), "slow");
    }
}

/// Requests limpet has sent to `server` of `app@file` and not yet seen answered.
fn in_flight(limpet: &Limpet, server: &str) -> usize {
    let snapshot = limpet.app.shared.snapshot.load();
    let lb = support::model::load_balancer(&snapshot, "app");
    lb.servers()
        .iter()
        .find(|s| &*s.url == server)
        .map_or(0, |s| s.state.in_flight())
}

#[tokio::test]
async fn two_instances_move_stale_sessions_identically() {
    let origins = [origin("a").await, origin("b").await, origin("c").await];
    let dead = dead_address().await;
    let keys = format!("            secret: {SECRET}\n");
    let mut servers: Vec<String> = origins.iter().map(|o| url(*o)).collect();
    servers.push(url(dead));
    let extra = format!(
        "        passiveHealthCheck: {{maxFailedAttempts: 1, failureWindow: 1m}}\n{}",
        signed(&keys)
    );
    let yaml = service(&extra, &servers);
    let (one, two) = (Limpet::start(&yaml).await, Limpet::start(&yaml).await);
    let client = HttpClient::default();
    let signer = support::model::test_signer("default", SECRET);
    let now = limpet::data::service::token::unix_now();
    let server_ref = limpet::data::service::token::server_ref(
        &limpet::data::service::sticky::cookie_value(&format!("http://{dead}")),
    );
    let pinned_to_dead = |session: u128| {
        let token = limpet::data::service::token::Token {
            session,
            server_ref,
            issued_at: now,
            last_seen: now,
        };
        format!("sid={}", signer.sign(&token))
    };
    for instance in [&one, &two] {
        // The first request to the dead server is moved at once and marks it down.
        let first = client
            .get(
                &instance.url("/"),
                "s.local",
                Some(&pinned_to_dead(u128::MAX)),
            )
            .await;
        assert_eq!(first.status, 200, "the dead server costs no request");
    }
    let mut moved_to = std::collections::BTreeMap::<String, usize>::new();
    for session in 0..1000u128 {
        let cookie = pinned_to_dead(session);
        let on_one = client.get(&one.url("/"), "s.local", Some(&cookie)).await;
        let on_two = client.get(&two.url("/"), "s.local", Some(&cookie)).await;
        for reply in [&on_one, &on_two] {
            assert_eq!(
                reply.set_cookies().len(),
                1,
                "session {session} is re-pinned"
            );
        }
        assert_eq!(on_one.server(), on_two.server(), "session {session}");
        *moved_to.entry(on_one.server()).or_default() += 1;
    }
    // Rendezvous hashing spreads the dead server's sessions over the three live ones.
    assert_eq!(
        moved_to.keys().collect::<Vec<_>>(),
        ["a", "b", "c"],
        "{moved_to:?}"
    );
    assert!(moved_to.values().all(|&n| n > 250), "{moved_to:?}");
}

/// An origin that counts the requests it receives.
async fn counting_origin(status: u16) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    use hyper::service::service_fn;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let counter = counter.clone();
            tokio::spawn(async move {
                let service = service_fn(move |_req| {
                    counter.fetch_add(1, Ordering::Relaxed);
                    let response = http::Response::builder()
                        .status(status)
                        .header("x-served-by", format!("status-{status}"))
                        .body(Full::new(Bytes::new()))
                        .unwrap();
                    async move { Ok::<_, std::convert::Infallible>(response) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (addr, count)
}

#[tokio::test]
async fn mirroring_copies_requests_and_discards_the_answers() {
    let main = origin("main").await;
    let (mirror, copies) = counting_origin(500).await;
    let yaml = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`m.local`)\"\n      service: mirrored\n  services:\n    mirrored:\n      mirroring:\n        service: main\n        mirrors: [{{name: shadow, percent: 50}}]\n    main:\n      loadBalancer:\n        servers: [{{url: \"http://{main}\"}}]\n    shadow:\n      loadBalancer:\n        servers: [{{url: \"http://{mirror}\"}}]\n"
    );
    let limpet = Limpet::start(&yaml).await;
    let client = HttpClient::default();
    for _ in 0..20 {
        let req = Request::post(limpet.url("/"))
            .header("host", "m.local")
            .body(Full::new(Bytes::from_static(b"payload")))
            .unwrap();
        let reply = client.send(req).await;
        assert_eq!(
            (reply.status.as_u16(), reply.served_by().as_str()),
            (200, "main")
        );
    }
    eventually(Duration::from_secs(2), async || {
        copies.load(Ordering::Relaxed) == 10
    })
    .await;
}

#[tokio::test]
async fn failover_uses_the_fallback_when_main_is_down_or_answers_an_error_status() {
    let fallback = origin("fallback").await;
    let (failing, _) = counting_origin(503).await;
    let dead = dead_address().await;
    let yaml = format!(
        "http:\n  routers:\n    down:\n      rule: \"Host(`down.local`)\"\n      service: fo-down\n    errors:\n      rule: \"Host(`errors.local`)\"\n      service: fo-errors\n  services:\n    fo-down:\n      failover: {{service: dead, fallback: spare}}\n    fo-errors:\n      failover:\n        service: failing\n        fallback: spare\n        errors: {{status: [\"500-504\"]}}\n    dead:\n      loadBalancer:\n        healthCheck: {{path: /health, interval: 100ms, timeout: 50ms}}\n        servers: [{{url: \"http://{dead}\"}}]\n    failing:\n      loadBalancer:\n        servers: [{{url: \"http://{failing}\"}}]\n    spare:\n      loadBalancer:\n        servers: [{{url: \"http://{fallback}\"}}]\n"
    );
    let limpet = Limpet::start(&yaml).await;
    let client = HttpClient::default();
    eventually(Duration::from_secs(2), async || {
        client
            .get(&limpet.url("/"), "down.local", None)
            .await
            .served_by()
            == "fallback"
    })
    .await;
    let reply = client.get(&limpet.url("/"), "errors.local", None).await;
    assert_eq!(
        (reply.status.as_u16(), reply.served_by().as_str()),
        (200, "fallback")
    );
}

#[tokio::test]
async fn weighted_health_check_moves_a_parent_pin_off_a_dead_child() {
    let (live, dead) = (origin("live-child").await, dead_address().await);
    let child = |name: &str, addr: std::net::SocketAddr| {
        format!("    {name}:\n      loadBalancer:\n        healthCheck: {{path: /health, interval: 100ms, timeout: 50ms}}\n        servers: [{{url: \"http://{addr}\"}}]\n")
    };
    let yaml = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`w.local`)\"\n      service: parent\n  services:\n    parent:\n      weighted:\n        healthCheck: {{}}\n        sticky: {{cookie: {{name: lvl1}}}}\n        services: [{{name: up}}, {{name: down}}]\n{}{}",
        child("up", live),
        child("down", dead)
    );
    let limpet = Limpet::start(&yaml).await;
    let client = HttpClient::default();
    let pin_down = format!(
        "lvl1={}",
        limpet::data::service::sticky::cookie_value("down")
    );
    eventually(Duration::from_secs(2), async || {
        client
            .get(&limpet.url("/"), "w.local", Some(&pin_down))
            .await
            .served_by()
            == "live-child"
    })
    .await;
    let moved = client
        .get(&limpet.url("/"), "w.local", Some(&pin_down))
        .await;
    assert_eq!(
        moved.cookie_pair().unwrap(),
        format!("lvl1={}", limpet::data::service::sticky::cookie_value("up"))
    );
}

#[tokio::test]
async fn a_session_started_on_one_instance_is_honoured_by_another() {
    let (a, b, c) = (origin("a").await, origin("b").await, origin("c").await);
    let servers = [url(a), url(b), url(c)];
    let keys = format!("            secret: {SECRET}\n");
    let plain = service("        sticky:\n          cookie: {name: sid}\n", &servers);
    for yaml in [plain, service(&signed(&keys), &servers)] {
        let (one, two) = (Limpet::start(&yaml).await, Limpet::start(&yaml).await);
        let client = HttpClient::default();
        for _ in 0..10 {
            let first = client.get(&one.url("/"), "s.local", None).await;
            let pair = first.cookie_pair().unwrap();
            let elsewhere = client.get(&two.url("/"), "s.local", Some(&pair)).await;
            assert_eq!(elsewhere.server(), first.server(), "{pair}");
            assert!(
                elsewhere.set_cookies().is_empty(),
                "a hit on the other instance: {pair}"
            );
        }
    }
}
