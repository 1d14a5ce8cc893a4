//! `respondingTimeouts` and `maxHeaderBytes` per entrypoint, with Traefik's answers: slow
//! clients are cut (a 400 for a request line cut short, a close otherwise, 504 for a body),
//! idle keep-alives closed by `idleTimeout`, responses bounded by `writeTimeout` — each cut
//! counted — while other clients and slow servers are served. Assertions are on answers,
//! closes and counters; the durations only make the cuts happen.
#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use limpet::control::app::RunningApp;
use support::raw::{self, RawOrigin, RawReply};
use support::HttpClient;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Generous bound on waits, so a broken build fails instead of hanging.
const HANG: Duration = Duration::from_secs(15);

struct Proxy {
    _app: RunningApp,
    _dir: tempfile::TempDir,
    web: SocketAddr,
    api: SocketAddr,
}

/// limpet with `web` (its `transport`/`http` given as YAML flow mappings) routing
/// `Host(a.local)` to `backend`, and metrics on `traefik`.
async fn start(backend: SocketAddr, web_extra: &str, passive: bool) -> Proxy {
    let passive = if passive {
        "        passiveHealthCheck: {maxFailedAttempts: 1}\n"
    } else {
        ""
    };
    let dynamic = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`a.local`)\"\n      service: app\n  services:\n    app:\n      loadBalancer:\n{passive}        servers:\n          - url: \"http://{backend}\"\n"
    );
    let (app, dir, _) = support::start_app(&dynamic, |file| {
        format!(
            "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n{web_extra}  traefik:\n    address: \"127.0.0.1:0\"\nmetrics:\n  prometheus: {{}}\nproviders:\n  file:\n    filename: {}\n",
            file.display()
        )
    })
    .await;
    let (web, api) = (app.address("web").unwrap(), app.address("traefik").unwrap());
    Proxy {
        _app: app,
        _dir: dir,
        web,
        api,
    }
}

const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

fn timeouts(yaml: &str) -> String {
    format!("    transport:\n      respondingTimeouts: {yaml}\n")
}

/// `limpet_client_timeouts_total{timeout}` on `web`, polled until it equals `expected`.
async fn wait_counter(proxy: &Proxy, series: &str, expected: f64) {
    let start = std::time::Instant::now();
    loop {
        let text = HttpClient::default()
            .get(&format!("http://{}/metrics", proxy.api), "localhost", None)
            .await
            .body;
        let value = text
            .lines()
            .find_map(|l| l.strip_prefix(series)?.trim().parse::<f64>().ok());
        if value == Some(expected) {
            return;
        }
        assert!(start.elapsed() < HANG, "{series} = {value:?}\n{text}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn timeout_series(kind: &str) -> String {
    format!("limpet_client_timeouts_total{{entrypoint=\"web\",timeout=\"{kind}\"}} ")
}

/// A slowloris client: sends `start`, then one byte of `drip` every 100 ms until the proxy
/// closes the connection; returns what the proxy sent.
async fn slowloris(addr: SocketAddr, start: &'static [u8], drip: &'static [u8]) -> Vec<u8> {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    if !start.is_empty() {
        write.write_all(start).await.unwrap();
    }
    let dripping = async move {
        for byte in drip.iter().cycle() {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if write.write_all(std::slice::from_ref(byte)).await.is_err() {
                break;
            }
        }
        std::future::pending::<()>().await;
    };
    let mut got = Vec::new();
    let reading = async {
        let mut chunk = [0u8; 1024];
        while let Ok(n @ 1..) = read.read(&mut chunk).await {
            got.extend_from_slice(&chunk[..n]);
        }
    };
    tokio::time::timeout(HANG, async {
        tokio::select! {
            () = reading => {},
            () = dripping => {},
        }
    })
    .await
    .expect("the proxy never closed a slowloris connection");
    got
}

#[tokio::test]
async fn slowloris_connections_are_cut_at_read_timeout_while_others_are_served() {
    let proxy = start(
        support::origin("o").await,
        &timeouts("{readTimeout: 1s}"),
        false,
    )
    .await;
    let (line, headers, silent) = (40, 40, 20);
    let mut clients = Vec::new();
    for _ in 0..line {
        clients.push(tokio::spawn(slowloris(proxy.web, b"GET /", b"aaaa")));
    }
    for _ in 0..headers {
        let start = b"GET / HTTP/1.1\r\nHost: a.local\r\n";
        clients.push(tokio::spawn(slowloris(proxy.web, start, b"X-a: b\r\n")));
    }
    for _ in 0..silent {
        clients.push(tokio::spawn(slowloris(proxy.web, b"", b"")));
    }
    let done = Arc::new(AtomicBool::new(false));
    let (served, failed) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let normal = {
        let (done, served, failed) = (done.clone(), served.clone(), failed.clone());
        let url = format!("http://{}/", proxy.web);
        tokio::spawn(async move {
            let client = HttpClient::default();
            while !done.load(Ordering::SeqCst) {
                match client.try_get(&url, "a.local").await {
                    Some(reply) if reply.status == 200 => served.fetch_add(1, Ordering::SeqCst),
                    _ => failed.fetch_add(1, Ordering::SeqCst),
                };
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let mut answers = Vec::new();
    for client in clients {
        answers.push(client.await.unwrap());
    }
    done.store(true, Ordering::SeqCst);
    normal.await.unwrap();
    let bad_request = b"HTTP/1.1 400 Bad Request\r\n";
    for cut_in_line in &answers[..line] {
        assert!(
            cut_in_line.starts_with(bad_request),
            "{:?}",
            String::from_utf8_lossy(cut_in_line)
        );
    }
    for cut_later in &answers[line..] {
        assert!(cut_later.is_empty(), "closed without an answer, as Go");
    }
    assert_eq!(
        failed.load(Ordering::SeqCst),
        0,
        "normal requests all served"
    );
    assert!(served.load(Ordering::SeqCst) > 0);
    let total = (line + headers + silent) as f64;
    wait_counter(&proxy, &timeout_series("read"), total).await;
}

#[tokio::test]
async fn an_idle_keep_alive_is_governed_by_idle_timeout_not_read_timeout() {
    let yaml = timeouts("{readTimeout: 300ms, idleTimeout: 1500ms}");
    let proxy = start(support::origin("o").await, &yaml, false).await;
    let mut stream = TcpStream::connect(proxy.web).await.unwrap();
    let request = b"GET / HTTP/1.1\r\nHost: a.local\r\n\r\n";
    stream.write_all(request).await.unwrap();
    assert_eq!(raw::read_reply(&mut stream, HANG).await.status(), 200);
    // Idle for longer than readTimeout: still open, and serves the next request.
    tokio::time::sleep(Duration::from_millis(600)).await;
    stream.write_all(request).await.unwrap();
    let second: RawReply = raw::read_reply(&mut stream, HANG).await;
    assert_eq!(second.status(), 200, "{second:?}");
    assert!(
        raw::closes_within(&mut stream, HANG).await,
        "closed once idle"
    );
    wait_counter(&proxy, &timeout_series("idle"), 1.0).await;
    let text = HttpClient::default()
        .get(&format!("http://{}/metrics", proxy.api), "localhost", None)
        .await
        .body;
    assert!(!text.contains(&timeout_series("read")), "{text}");
}

#[tokio::test]
async fn a_body_sent_too_slowly_is_answered_504_and_does_not_mark_the_server_down() {
    let yaml = timeouts("{readTimeout: 500ms}");
    let proxy = start(support::origin("o").await, &yaml, true).await;
    let slow = b"POST /?wait=3s HTTP/1.1\r\nHost: a.local\r\nContent-Length: 100\r\n\r\nabc";
    let reply = raw::exchange_until_close(proxy.web, slow, HANG).await;
    assert_eq!(reply.status(), 504, "{reply:?}");
    assert_eq!(reply.header("connection").as_deref(), Some("close"));
    assert!(reply.closed);
    wait_counter(&proxy, &timeout_series("read"), 1.0).await;
    let next = HttpClient::default()
        .get(&format!("http://{}/", proxy.web), "a.local", None)
        .await;
    assert_eq!(
        next.status, 200,
        "the passive check did not blame the server"
    );
}

#[tokio::test]
async fn waiting_for_a_slow_server_is_not_reading() {
    let yaml = timeouts("{readTimeout: 300ms}");
    let proxy = start(support::origin("o").await, &yaml, false).await;
    let post = b"POST /?wait=900ms HTTP/1.1\r\nHost: a.local\r\nContent-Length: 5\r\n\r\nhello";
    let reply = raw::exchange(proxy.web, post, HANG).await;
    assert_eq!(reply.status(), 200, "{reply:?}");
    let get = b"GET /?wait=900ms HTTP/1.1\r\nHost: a.local\r\n\r\n";
    assert_eq!(raw::exchange(proxy.web, get, HANG).await.status(), 200);
}

#[tokio::test]
async fn a_response_later_than_write_timeout_is_cut() {
    let yaml = timeouts("{writeTimeout: 400ms}");
    let proxy = start(support::origin("o").await, &yaml, false).await;
    let quick = b"GET / HTTP/1.1\r\nHost: a.local\r\n\r\n";
    assert_eq!(raw::exchange(proxy.web, quick, HANG).await.status(), 200);
    let late = b"GET /?wait=1s HTTP/1.1\r\nHost: a.local\r\n\r\n";
    let reply = raw::exchange_until_close(proxy.web, late, HANG).await;
    assert_eq!(
        reply.status(),
        0,
        "closed without a response, as Go: {reply:?}"
    );
    assert!(reply.closed);
    wait_counter(&proxy, &timeout_series("write"), 1.0).await;
}

#[tokio::test]
async fn max_header_bytes_bounds_the_request_head() {
    let http = "    http:\n      maxHeaderBytes: 8192\n";
    let origin = RawOrigin::start(OK.to_vec()).await;
    let proxy = start(origin.addr, http, false).await;
    let head = |size: usize| {
        let mut head = b"GET / HTTP/1.1\r\nHost: a.local\r\nX-Big: ".to_vec();
        head.extend(std::iter::repeat_n(b'a', size));
        head.extend_from_slice(b"\r\n\r\n");
        head
    };
    assert_eq!(
        raw::exchange(proxy.web, &head(6 * 1024), HANG)
            .await
            .status(),
        200
    );
    let reply = raw::exchange(proxy.web, &head(16 * 1024), HANG).await;
    assert_eq!(reply.status(), 431, "{reply:?}");
    let series = "limpet_rejected_requests_total{entrypoint=\"web\",reason=\"header_too_large\"} ";
    wait_counter(&proxy, series, 1.0).await;
}

#[tokio::test]
async fn the_default_head_limit_is_gos_one_mebibyte() {
    let origin = RawOrigin::start(OK.to_vec()).await;
    let proxy = start(origin.addr, "", false).await;
    let head = |size: usize| {
        let mut head = b"GET / HTTP/1.1\r\nHost: a.local\r\nX-Big: ".to_vec();
        head.extend(std::iter::repeat_n(b'a', size));
        head.extend_from_slice(b"\r\n\r\n");
        head
    };
    assert_eq!(
        raw::exchange(proxy.web, &head(600 * 1024), HANG)
            .await
            .status(),
        200
    );
    assert_eq!(
        raw::exchange(proxy.web, &head(1100 * 1024), HANG)
            .await
            .status(),
        431
    );
}
