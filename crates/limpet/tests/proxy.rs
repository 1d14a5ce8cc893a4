//! Forwarding: headers, Host, paths, error answers, bodies both ways, upgrades.
#![allow(clippy::unwrap_used)]

mod support;

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use support::{origin, HttpClient, Limpet};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn service_yaml(host: &str, lb_extra: &str, server: &str) -> String {
    format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`{host}`)\"\n      service: s\n  services:\n    s:\n      loadBalancer:\n{lb_extra}        servers:\n          - url: \"{server}\"\n"
    )
}

#[tokio::test]
async fn forwarded_headers_as_traefik() {
    let backend = origin("o").await;
    let limpet = Limpet::start(&service_yaml("f.local", "", &format!("http://{backend}"))).await;
    let req = Request::get(limpet.url("/p?q=1"))
        .header("host", "f.local")
        .header("x-forwarded-for", "6.6.6.6")
        .header("connection", "keep-alive, x-secret")
        .header("x-secret", "hop")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let reply = HttpClient::default().send(req).await;
    let body = reply.body;
    assert!(body.contains("GET /p?q=1 HTTP/1.1"), "{body}");
    assert!(body.contains("Host: f.local\n"), "{body}");
    assert!(
        body.contains("X-Forwarded-For: 127.0.0.1\n"),
        "untrusted XFF is replaced: {body}"
    );
    assert!(body.contains("X-Forwarded-Host: f.local\n"));
    assert!(body.contains("X-Forwarded-Port: 80\n"));
    assert!(body.contains("X-Forwarded-Proto: http\n"));
    assert!(body.contains("X-Forwarded-Server: "));
    assert!(body.contains("X-Real-Ip: 127.0.0.1\n"));
    assert!(
        !body.contains("X-Secret"),
        "headers named by Connection are hop-by-hop: {body}"
    );
}

#[tokio::test]
async fn pass_host_header_false_sends_the_server_host() {
    let backend = origin("o").await;
    let limpet = Limpet::start(&service_yaml(
        "h.local",
        "        passHostHeader: false\n",
        &format!("http://{backend}"),
    ))
    .await;
    let reply = HttpClient::default()
        .get(&limpet.url("/"), "h.local", None)
        .await;
    assert!(
        reply.body.contains(&format!("Host: {backend}\n")),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn server_path_is_dropped_unless_preserve_path() {
    let backend = origin("o").await;
    let plain = Limpet::start(&service_yaml(
        "p.local",
        "",
        &format!("http://{backend}/base"),
    ))
    .await;
    let reply = HttpClient::default()
        .get(&plain.url("/x"), "p.local", None)
        .await;
    assert!(reply.body.contains("GET /x HTTP/1.1"), "{}", reply.body);

    let yaml = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`p.local`)\"\n      service: s\n  services:\n    s:\n      loadBalancer:\n        servers:\n          - url: \"http://{backend}/base\"\n            preservePath: true\n"
    );
    let preserving = Limpet::start(&yaml).await;
    let reply = HttpClient::default()
        .get(&preserving.url("/x"), "p.local", None)
        .await;
    assert!(
        reply.body.contains("GET /base/x HTTP/1.1"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn unknown_host_is_404_page_not_found() {
    let backend = origin("o").await;
    let limpet = Limpet::start(&service_yaml("a.local", "", &format!("http://{backend}"))).await;
    let reply = HttpClient::default()
        .get(&limpet.url("/"), "other.local", None)
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body, "404 page not found\n");
    assert_eq!(reply.headers["content-type"], "text/plain; charset=utf-8");
}

/// An origin that echoes request bodies and sets its own cookie.
async fn echo_origin() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let service = service_fn(echo);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .with_upgrades()
                    .await;
            });
        }
    });
    addr
}

async fn echo(mut req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.headers().contains_key("upgrade") {
        let upgrade = hyper::upgrade::on(&mut req);
        tokio::spawn(async move {
            let mut io = TokioIo::new(upgrade.await.unwrap());
            let mut buf = [0u8; 5];
            io.read_exact(&mut buf).await.unwrap();
            io.write_all(&buf).await.unwrap();
        });
        let response = Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header("connection", "Upgrade")
            .header("upgrade", "websocket")
            .body(Full::new(Bytes::new()))
            .unwrap();
        return Ok(response);
    }
    let body = req.into_body().collect().await.unwrap().to_bytes();
    Ok(Response::builder()
        .header("set-cookie", "app=1; Path=/")
        .body(Full::new(body))
        .unwrap())
}

#[tokio::test]
async fn bodies_stream_and_backend_cookies_come_after_ours() {
    let backend = echo_origin().await;
    let yaml = service_yaml(
        "e.local",
        "        sticky:\n          cookie: {name: wsc, httpOnly: true}\n",
        &format!("http://{backend}"),
    );
    let limpet = Limpet::start(&yaml).await;
    let payload = "x".repeat(1 << 20);
    let req = Request::post(limpet.url("/"))
        .header("host", "e.local")
        .body(Full::new(Bytes::from(payload.clone())))
        .unwrap();
    let reply = HttpClient::default().send(req).await;
    assert_eq!(reply.body.len(), payload.len());
    let cookies = reply.set_cookies();
    assert_eq!(cookies.len(), 2);
    assert!(cookies[0].starts_with("wsc=") && cookies[0].ends_with("; Path=/; HttpOnly"));
    assert_eq!(cookies[1], "app=1; Path=/");
}

#[tokio::test]
async fn websocket_upgrade_carries_set_cookie_and_splices_bytes() {
    let backend = echo_origin().await;
    let yaml = service_yaml(
        "ws.local",
        "        sticky:\n          cookie: {name: wsc}\n",
        &format!("http://{backend}"),
    );
    let limpet = Limpet::start(&yaml).await;
    let mut stream = TcpStream::connect(limpet.addr).await.unwrap();
    let handshake = "GET /ws HTTP/1.1\r\nHost: ws.local\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    stream.write_all(handshake.as_bytes()).await.unwrap();
    let head = read_head(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    assert!(
        head.to_ascii_lowercase().contains("set-cookie: wsc="),
        "{head}"
    );
    stream.write_all(b"hello").await.unwrap();
    let mut echoed = [0u8; 5];
    stream.read_exact(&mut echoed).await.unwrap();
    assert_eq!(&echoed, b"hello");
}

async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).await.unwrap();
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

/// limpet whose `web` entrypoint trusts forwarded headers from `trusted_ips`.
async fn start_trusting(
    trusted_ips: &str,
    backend: SocketAddr,
) -> (limpet::control::app::RunningApp, tempfile::TempDir) {
    let dynamic = service_yaml("t.local", "", &format!("http://{backend}"));
    let (app, dir, _) = support::start_app(&dynamic, |dynamic| {
        format!(
            "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n    forwardedHeaders:\n      trustedIPs: [{trusted_ips}]\nproviders:\n  providersThrottleDuration: 10ms\n  file:\n    filename: {}\n",
            dynamic.display()
        )
    })
    .await;
    (app, dir)
}

fn with_forwarded(url: String) -> Request<Full<Bytes>> {
    Request::get(url)
        .header("host", "t.local")
        .header("x-forwarded-for", "203.0.113.9")
        .header("x-forwarded-proto", "https")
        .body(Full::new(Bytes::new()))
        .unwrap()
}

#[tokio::test]
async fn a_trusted_peer_keeps_its_forwarded_headers() {
    let backend = origin("o").await;
    let (app, _dir) = start_trusting("\"127.0.0.0/8\"", backend).await;
    let url = format!("http://{}/", app.address("web").unwrap());
    let body = HttpClient::default().send(with_forwarded(url)).await.body;
    assert!(
        body.contains("X-Forwarded-For: 203.0.113.9, 127.0.0.1\n"),
        "{body}"
    );
    assert!(body.contains("X-Forwarded-Proto: https\n"), "{body}");
    assert!(
        body.contains("X-Real-Ip: 127.0.0.1\n"),
        "X-Real-Ip stays the socket address: {body}"
    );

    let (untrusting, _dir) = start_trusting("\"10.0.0.0/8\"", backend).await;
    let url = format!("http://{}/", untrusting.address("web").unwrap());
    let body = HttpClient::default().send(with_forwarded(url)).await.body;
    assert!(body.contains("X-Forwarded-For: 127.0.0.1\n"), "{body}");
    assert!(body.contains("X-Forwarded-Proto: http\n"), "{body}");
}

#[tokio::test]
async fn dot_segments_are_resolved_before_routing_and_forwarding() {
    let (api, admin) = (origin("api").await, origin("admin").await);
    let yaml = format!(
        "http:\n  routers:\n    api:\n      rule: \"PathPrefix(`/api`)\"\n      service: api\n    admin:\n      rule: \"PathPrefix(`/admin`)\"\n      service: admin\n  services:\n    api:\n      loadBalancer:\n        servers: [{{url: \"http://{api}\"}}]\n    admin:\n      loadBalancer:\n        servers: [{{url: \"http://{admin}\"}}]\n"
    );
    let limpet = Limpet::start(&yaml).await;
    let mut stream = TcpStream::connect(limpet.addr).await.unwrap();
    stream
        .write_all(
            b"GET /api/../admin//x?q=1 HTTP/1.1\r\nHost: a.local\r\nConnection: close\r\n\r\n",
        )
        .await
        .unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.unwrap();
    assert!(
        reply.contains("Name: admin"),
        "routed on the cleaned path: {reply}"
    );
    assert!(
        reply.contains("GET /admin/x?q=1 HTTP/1.1"),
        "forwarded cleaned: {reply}"
    );
}
