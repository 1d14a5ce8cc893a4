//! HTTPS entrypoints (Traefik 3.7 semantics): plain HTTP and TLS on the same port; routers
//! with `tls` answer only over TLS, the others only over plain HTTP (404 across); an
//! entrypoint with no TLS router still completes a handshake with the generated default
//! certificate; `http.tls` on an entrypoint splits routers as Traefik's models do;
//! `X-Forwarded-Proto: https` and port 443; `certResolver` is a visible warning.
#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;

use http::StatusCode;
use limpet::control::app::RunningApp;
use serde_json::Value;
use support::tls::TlsClient;
use support::{origin, start_app, HttpClient};

struct Edge {
    app: RunningApp,
    _dir: tempfile::TempDir,
}

impl Edge {
    async fn start(dynamic: &str) -> Edge {
        let (app, dir, _) = start_app(dynamic, |file| {
            format!(
                "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n  websecure:\n    address: \"127.0.0.1:0\"\n    http:\n      tls: {{}}\n  traefik:\n    address: \"127.0.0.1:0\"\napi:\n  insecure: true\nproviders:\n  providersThrottleDuration: 50ms\n  file:\n    filename: {}\n",
                file.display()
            )
        })
        .await;
        Edge { app, _dir: dir }
    }

    fn addr(&self, ep: &str) -> SocketAddr {
        self.app.address(ep).unwrap()
    }

    async fn plain(&self, ep: &str, host: &str) -> support::Reply {
        let url = format!("http://{}/", self.addr(ep));
        HttpClient::default().get(&url, host, None).await
    }

    async fn tls(&self, ep: &str, host: &str) -> support::tls::Session {
        let client = TlsClient::insecure(&["http/1.1"]);
        client
            .get(self.addr(ep), host, host, "/", None)
            .await
            .unwrap()
    }

    async fn api(&self, path: &str) -> Value {
        let url = format!("http://{}/api/{path}", self.addr("traefik"));
        let reply = HttpClient::default().get(&url, "localhost", None).await;
        serde_json::from_str(&reply.body).unwrap()
    }
}

fn dynamic(secure: SocketAddr, plain: SocketAddr) -> String {
    format!(
        r#"
http:
  routers:
    secure:
      rule: "Host(`app.example.com`)"
      entryPoints: [web]
      service: secure
      tls: {{}}
    plain:
      rule: "Host(`app.example.com`)"
      entryPoints: [web]
      service: plain
    only-tls:
      rule: "Host(`tls.example.com`)"
      entryPoints: [web]
      service: secure
      tls: {{}}
    only-plain:
      rule: "Host(`plain.example.com`)"
      entryPoints: [web]
      service: plain
    both:
      rule: "Host(`both.example.com`)"
      entryPoints: [web, websecure]
      service: plain
    resolver:
      rule: "Host(`acme.example.com`)"
      entryPoints: [web]
      service: secure
      tls: {{certResolver: le}}
  services:
    secure:
      loadBalancer:
        servers: [{{url: "http://{secure}"}}]
    plain:
      loadBalancer:
        servers: [{{url: "http://{plain}"}}]
"#
    )
}

async fn edge() -> Edge {
    let (secure, plain) = (origin("secure").await, origin("plain").await);
    Edge::start(&dynamic(secure, plain)).await
}

#[tokio::test]
async fn tls_and_plain_routers_share_a_port_and_answer_only_their_own_scheme() {
    let edge = edge().await;
    assert_eq!(
        edge.tls("web", "app.example.com").await.reply.server(),
        "secure"
    );
    assert_eq!(edge.plain("web", "app.example.com").await.server(), "plain");
    let over_plain = edge.plain("web", "tls.example.com").await;
    assert_eq!(over_plain.status, StatusCode::NOT_FOUND);
    assert_eq!(over_plain.body, "404 page not found\n");
    let over_tls = edge.tls("web", "plain.example.com").await.reply;
    assert_eq!(over_tls.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_entrypoint_without_tls_routers_completes_the_handshake_and_answers_404() {
    let edge = Edge::start("http: {}\n").await;
    let session = edge.tls("web", "nothing.example.com").await;
    assert_eq!(session.reply.status, StatusCode::NOT_FOUND);
    let names = session.session.names();
    assert!(
        names.contains(&"traefik default cert".to_owned()),
        "the generated default certificate: {names:?}"
    );
    let again = edge.tls("web", "other.example.com").await.session.names();
    assert_eq!(names, again, "generated once per process");
}

#[tokio::test]
async fn forwarded_headers_say_https_and_port_443() {
    let edge = edge().await;
    let body = edge.tls("web", "app.example.com").await.reply.body;
    assert!(body.contains("X-Forwarded-Proto: https\n"), "{body}");
    assert!(body.contains("X-Forwarded-Port: 443\n"), "{body}");
    assert!(
        body.contains("X-Forwarded-Host: app.example.com\n"),
        "{body}"
    );
    let plain = edge.plain("web", "app.example.com").await.body;
    assert!(plain.contains("X-Forwarded-Proto: http\n"), "{plain}");
}

#[tokio::test]
async fn entry_point_tls_splits_a_router_on_two_entrypoints() {
    let edge = edge().await;
    let secure = edge.tls("websecure", "both.example.com").await.reply;
    assert_eq!(secure.server(), "plain");
    let plain_on_websecure = edge.plain("websecure", "both.example.com").await;
    assert_eq!(plain_on_websecure.status, StatusCode::NOT_FOUND);
    assert_eq!(
        edge.plain("web", "both.example.com").await.server(),
        "plain"
    );
    let split = edge.api("http/routers/websecure-both@file").await;
    assert_eq!(split["entryPoints"], serde_json::json!(["websecure"]));
    assert_eq!(split["tls"], serde_json::json!({}));
    assert_eq!(split["status"], "enabled");
    let original = edge.api("http/routers/both@file").await;
    assert_eq!(original["entryPoints"], serde_json::json!(["web"]));
    assert!(original.get("tls").is_none(), "{original}");
}

#[tokio::test]
async fn cert_resolver_is_a_warning_and_the_router_serves() {
    let edge = edge().await;
    let router = edge.api("http/routers/resolver@file").await;
    assert_eq!(router["status"], "warning", "{router}");
    let error = router["error"][0].as_str().unwrap();
    assert!(error.contains("ACME is not supported yet"), "{error}");
    assert_eq!(
        edge.tls("web", "acme.example.com").await.reply.server(),
        "secure"
    );
}

#[tokio::test]
async fn a_client_that_sends_nothing_and_one_that_is_not_tls_get_closed_cleanly() {
    let edge = edge().await;
    let bad = tokio::net::TcpStream::connect(edge.addr("web"))
        .await
        .unwrap();
    drop(bad);
    // A TLS record header followed by garbage: the handshake fails, nothing else breaks.
    let mut garbage = tokio::net::TcpStream::connect(edge.addr("web"))
        .await
        .unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut garbage, b"\x16\x03\x01\x00\x05hello")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let read = tokio::io::AsyncReadExt::read_to_end(&mut garbage, &mut rest);
    let _ = tokio::time::timeout(std::time::Duration::from_secs(5), read)
        .await
        .unwrap();
    assert_eq!(edge.plain("web", "app.example.com").await.server(), "plain");
}

/// The runbook's sticky service (root causes 1 and 4 fixed: `STICKY_SESSION`, `httpOnly`,
/// `secure`, `sameSite: none`) behind a TLS router, with a certificate of the test CA.
fn runbook(a: SocketAddr, b: SocketAddr, cert: &(String, String)) -> String {
    let indent =
        |pem: &str| -> String { pem.lines().map(|l| format!("          {l}\n")).collect() };
    format!(
        r#"
http:
  routers:
    my-app:
      rule: "Host(`app.example.com`)"
      entryPoints: [websecure]
      service: my-app
      tls: {{}}
  services:
    my-app:
      loadBalancer:
        sticky:
          cookie:
            name: STICKY_SESSION
            httpOnly: true
            secure: true
            sameSite: none
        servers:
          - url: "http://{a}"
          - url: "http://{b}"
tls:
  certificates:
    - certFile: |
{}      keyFile: |
{}"#,
        indent(&cert.0),
        indent(&cert.1)
    )
}

#[tokio::test]
async fn the_runbook_over_https_tls12_tls13_and_http2_pins_with_a_secure_cookie() {
    let ca = support::tls::TestCa::default();
    let cert = ca.issue(&["app.example.com"]);
    let (a, b) = (origin("one").await, origin("two").await);
    let edge = Edge::start(&runbook(a, b, &cert)).await;
    let clients = [
        (
            "TLS 1.2",
            TlsClient::trusting(&ca, &["http/1.1"], &[12]),
            false,
        ),
        (
            "TLS 1.3",
            TlsClient::trusting(&ca, &["http/1.1"], &[13]),
            false,
        ),
        (
            "HTTP/2",
            TlsClient::trusting(&ca, &["h2", "http/1.1"], &[]),
            true,
        ),
    ];
    let addr = edge.addr("websecure");
    for (label, client, h2) in clients {
        let first = client
            .get(addr, "app.example.com", "app.example.com", "/", None)
            .await
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(first.session.h2, h2, "{label}");
        let expected_version = match label {
            "TLS 1.2" => Some(rustls::ProtocolVersion::TLSv1_2),
            _ => Some(rustls::ProtocolVersion::TLSv1_3),
        };
        assert_eq!(first.session.version, expected_version, "{label}");
        let cookies = first.reply.set_cookies();
        assert_eq!(cookies.len(), 1, "{label}: {cookies:?}");
        let (pair, attributes) = cookies[0].split_once("; ").unwrap();
        assert!(pair.starts_with("STICKY_SESSION="), "{label}: {pair}");
        assert_eq!(
            attributes, "Path=/; HttpOnly; Secure; SameSite=None",
            "{label}"
        );
        let server = first.reply.server();
        for _ in 0..5 {
            let again = client
                .get(addr, "app.example.com", "app.example.com", "/", Some(pair))
                .await
                .unwrap();
            assert_eq!(again.reply.server(), server, "{label}: pinned");
            assert!(again.reply.set_cookies().is_empty(), "{label}");
        }
    }
    let plain = edge.plain("websecure", "app.example.com").await;
    assert_eq!(
        plain.status,
        StatusCode::NOT_FOUND,
        "plain HTTP to a TLS-only router"
    );
    let other_entrypoint = edge.plain("web", "app.example.com").await;
    assert_eq!(other_entrypoint.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn read_timeout_covers_the_handshake_and_slow_requests_over_tls() {
    let (app, _dir, _) = start_app("http: {}\n", |file| {
        format!(
            "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n    transport:\n      respondingTimeouts: {{readTimeout: 500ms}}\nproviders:\n  providersThrottleDuration: 50ms\n  file:\n    filename: {}\n",
            file.display()
        )
    })
    .await;
    let addr = app.address("web").unwrap();
    let limit = std::time::Duration::from_secs(3);
    // A handshake that stops after the record header.
    let mut stalled = tokio::net::TcpStream::connect(addr).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stalled, b"\x16\x03\x01")
        .await
        .unwrap();
    let mut rest = Vec::new();
    let read = tokio::io::AsyncReadExt::read_to_end(&mut stalled, &mut rest);
    tokio::time::timeout(limit, read).await.unwrap().unwrap();
    // A completed handshake, then a request line that never ends: closed, no clear text.
    let client = TlsClient::insecure(&["http/1.1"]);
    let mut stream = client.connect(addr, "slow.example.com").await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut stream, b"GET / HT")
        .await
        .unwrap();
    let mut got = Vec::new();
    let read = tokio::io::AsyncReadExt::read_to_end(&mut stream, &mut got);
    let _ = tokio::time::timeout(limit, read).await.unwrap();
    assert!(
        !String::from_utf8_lossy(&got).contains("HTTP/1.1 200"),
        "{got:?}"
    );
}
