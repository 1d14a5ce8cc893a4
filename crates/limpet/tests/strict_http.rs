//! RFC 9112 strictness, with Traefik's answers where Traefik has one (probes side by side in
//! `docs/reliability.md`): broken chunk framing, a missing or repeated `Host`, absolute-form
//! targets, oversized heads both ways — each rejection counted by reason.
#![allow(clippy::unwrap_used)]

#[path = "support/observed.rs"]
mod observed;
mod support;

use std::time::Duration;

use observed::Observed;
use support::raw::{self, RawOrigin, RawReply};
use support::HttpClient;

const LIMIT: Duration = Duration::from_secs(5);

fn dynamic(server: std::net::SocketAddr) -> String {
    format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`a.local`)\"\n      service: app\n  services:\n    app:\n      loadBalancer:\n        servers:\n          - url: \"http://{server}\"\n"
    )
}

async fn start(server: std::net::SocketAddr) -> Observed {
    Observed::start(&dynamic(server), "metrics:\n  prometheus: {}\n").await
}

async fn send(limpet: &Observed, bytes: &[u8]) -> RawReply {
    raw::exchange(limpet.web, bytes, LIMIT).await
}

/// `limpet_rejected_requests_total` for `reason`, polled until it reaches `expected`.
async fn wait_rejected(limpet: &Observed, reason: &str, expected: f64) {
    let series =
        format!("limpet_rejected_requests_total{{entrypoint=\"web\",reason=\"{reason}\"}} ");
    let start = std::time::Instant::now();
    loop {
        let text = HttpClient::default()
            .get(&limpet.api_url("/metrics"), "localhost", None)
            .await
            .body;
        let value = text
            .lines()
            .find_map(|l| l.strip_prefix(&series)?.trim().parse::<f64>().ok());
        if value == Some(expected) {
            return;
        }
        assert!(start.elapsed() < LIMIT, "{series} {value:?}\n{text}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

#[tokio::test]
async fn broken_chunk_framing_is_a_400_that_closes_the_connection() {
    let origin = RawOrigin::start(OK.to_vec()).await;
    let limpet = start(origin.addr).await;
    let bodies: [&[u8]; 3] = [
        b"zz\r\nhello\r\n0\r\n\r\n",
        b"5\r\nhello\r\nzz\r\n0\r\n\r\n",
        b"5\r\nhelloXX0\r\n\r\n",
    ];
    for body in bodies {
        let mut request =
            b"POST / HTTP/1.1\r\nHost: a.local\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        request.extend_from_slice(body);
        let reply = raw::exchange_until_close(limpet.web, &request, LIMIT).await;
        assert_eq!(reply.status(), 400, "{reply:?}");
        assert_eq!(reply.header("connection").as_deref(), Some("close"));
        assert!(
            reply.closed,
            "the connection is closed after a framing error"
        );
    }
    wait_rejected(&limpet, "bad_framing", 3.0).await;
    // A well-framed request still goes through.
    let good = b"POST / HTTP/1.1\r\nHost: a.local\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
    assert_eq!(send(&limpet, good).await.status(), 200);
}

#[tokio::test]
async fn host_header_rules_are_gos() {
    let limpet = start(support::origin("o").await).await;
    let missing = send(&limpet, b"GET / HTTP/1.1\r\n\r\n").await;
    assert_eq!(
        missing.status_line,
        "HTTP/1.1 400 Bad Request: missing required Host header"
    );
    assert_eq!(
        missing.body_text(),
        "400 Bad Request: missing required Host header"
    );
    assert_eq!(missing.header("connection").as_deref(), Some("close"));
    let absolute_without_host = send(&limpet, b"GET http://a.local/ HTTP/1.1\r\n\r\n").await;
    assert_eq!(absolute_without_host.status(), 400);
    for twice in [
        &b"GET / HTTP/1.1\r\nHost: a.local\r\nHost: a.local\r\n\r\n"[..],
        b"GET / HTTP/1.1\r\nHost: a.local\r\nHost: b.local\r\n\r\n",
    ] {
        let reply = send(&limpet, twice).await;
        assert_eq!(reply.status_line, "HTTP/1.1 400 Bad Request");
        assert_eq!(reply.body_text(), "400 Bad Request");
    }
    let malformed = send(&limpet, b"GET / HTTP/1.1\r\nHost: a local\r\n\r\n").await;
    assert_eq!(
        malformed.body_text(),
        "400 Bad Request: malformed Host header"
    );
    // HTTP/1.0 needs no Host (and then matches no Host rule).
    assert_eq!(send(&limpet, b"GET / HTTP/1.0\r\n\r\n").await.status(), 404);
    wait_rejected(&limpet, "missing_host", 2.0).await;
    wait_rejected(&limpet, "duplicate_host", 2.0).await;
    wait_rejected(&limpet, "malformed_host", 1.0).await;
}

#[tokio::test]
async fn absolute_form_targets_route_by_their_authority() {
    let limpet = start(support::origin("o").await).await;
    let other = send(
        &limpet,
        b"GET http://other.example/x HTTP/1.1\r\nHost: a.local\r\n\r\n",
    )
    .await;
    assert_eq!(
        other.status(),
        404,
        "routed by the target, not the Host header"
    );
    let ours = send(
        &limpet,
        b"GET http://a.local/x HTTP/1.1\r\nHost: other.example\r\n\r\n",
    )
    .await;
    assert_eq!(ours.status(), 200, "{ours:?}");
    let echoed = ours.body_text();
    assert!(
        echoed.contains("GET /x HTTP/1.1"),
        "origin form upstream:\n{echoed}"
    );
    assert!(
        echoed.contains("Host: a.local"),
        "Host rewritten:\n{echoed}"
    );
    assert!(!echoed.contains("other.example"), "{echoed}");
}

#[tokio::test]
async fn transfer_codings_other_than_chunked_are_not_implemented() {
    let origin = RawOrigin::start(OK.to_vec()).await;
    let limpet = start(origin.addr).await;
    let reply = send(
        &limpet,
        b"POST / HTTP/1.1\r\nHost: a.local\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    )
    .await;
    assert_eq!(reply.status_line, "HTTP/1.1 501 Not Implemented");
    assert_eq!(reply.body_text(), "Unsupported transfer encoding");
    assert_eq!(origin.heads(), 0, "nothing forwarded");
    wait_rejected(&limpet, "unsupported_transfer_encoding", 1.0).await;
}

#[tokio::test]
async fn heads_hyper_refuses_are_counted() {
    let limpet = start(support::origin("o").await).await;
    let reply = send(
        &limpet,
        b"GET / HTTP/1.1\r\nHost: a.local\r\nX a: b\r\n\r\n",
    )
    .await;
    assert_eq!(reply.status(), 400);
    wait_rejected(&limpet, "malformed", 1.0).await;
}

#[tokio::test]
async fn an_oversized_response_head_is_a_502_logged_with_the_server() {
    support::logs::capture();
    let mut response = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
    response.extend(std::iter::repeat_n(b'a', 512 * 1024));
    response.extend_from_slice(b"\r\nContent-Length: 2\r\n\r\nok");
    let origin = RawOrigin::start(response).await;
    let limpet = start(origin.addr).await;
    let reply = send(&limpet, b"GET / HTTP/1.1\r\nHost: a.local\r\n\r\n").await;
    assert_eq!(reply.status(), 502, "{reply:?}");
    let server = origin.addr.to_string();
    let line = support::logs::wait_for_line(&["response head is larger", &server], LIMIT).await;
    assert!(line.contains("limit=409600"), "{line}");
}
