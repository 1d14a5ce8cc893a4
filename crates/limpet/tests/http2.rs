//! HTTP/2 at the edge: ALPN `h2` over TLS, prior knowledge in clear text on every
//! entrypoint (`Upgrade: h2c` ignored), `http2.maxConcurrentStreams` advertised, an ALPN
//! offer of unknown protocols refused with `no_application_protocol`, the same sticky
//! cookie and pinning for HTTP/1.1 and HTTP/2 clients, WebSocket over HTTP/1.1 through TLS.
#![allow(clippy::unwrap_used)]

mod support;

use std::convert::Infallible;
use std::net::SocketAddr;

use bytes::Bytes;
use http::{Request, Response, StatusCode, Version};
use http_body_util::{BodyExt, Empty, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use limpet::control::app::RunningApp;
use support::tls::TlsClient;
use support::{origin, start_app};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn start(dynamic: &str) -> (RunningApp, tempfile::TempDir) {
    let (app, dir, _) = start_app(dynamic, |file| {
        format!(
            "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n    http2:\n      maxConcurrentStreams: 7\nproviders:\n  providersThrottleDuration: 50ms\n  file:\n    filename: {}\n",
            file.display()
        )
    })
    .await;
    (app, dir)
}

/// Two routers on one sticky service of two origins: `tls.local` over TLS, `plain.local`
/// over plain HTTP.
fn sticky(a: SocketAddr, b: SocketAddr) -> String {
    format!(
        r#"
http:
  routers:
    secure:
      rule: "Host(`tls.local`)"
      service: app
      tls: {{}}
    plain:
      rule: "Host(`plain.local`)"
      service: app
  services:
    app:
      loadBalancer:
        sticky:
          cookie: {{name: STICKY_SESSION, httpOnly: true, secure: true, sameSite: none}}
        servers:
          - url: "http://{a}"
          - url: "http://{b}"
"#
    )
}

async fn sticky_edge() -> (RunningApp, tempfile::TempDir) {
    let (a, b) = (origin("a").await, origin("b").await);
    start(&sticky(a, b)).await
}

/// One cleartext HTTP/2 request with prior knowledge.
async fn h2c_get(addr: SocketAddr, host: &str, cookie: Option<&str>) -> Response<Bytes> {
    let tcp = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(tcp))
            .await
            .unwrap();
    tokio::spawn(conn);
    let mut req = Request::get(format!("http://{host}/"));
    if let Some(cookie) = cookie {
        req = req.header("cookie", cookie);
    }
    let response = sender
        .send_request(req.body(Empty::<Bytes>::new()).unwrap())
        .await
        .unwrap();
    let (parts, body) = response.into_parts();
    Response::from_parts(parts, body.collect().await.unwrap().to_bytes())
}

#[tokio::test]
async fn cleartext_http2_with_prior_knowledge_is_served() {
    let (app, _dir) = sticky_edge().await;
    let response = h2c_get(app.address("web").unwrap(), "plain.local", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.version(), Version::HTTP_2);
    let body = String::from_utf8_lossy(response.body());
    assert!(
        body.contains("GET / HTTP/1.1"),
        "sent upstream as HTTP/1.1: {body}"
    );
    assert!(body.contains("Host: plain.local\n"), "{body}");
    assert!(body.contains("X-Forwarded-Proto: http\n"), "{body}");
    let tls_only = h2c_get(app.address("web").unwrap(), "tls.local", None).await;
    assert_eq!(tls_only.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn upgrade_h2c_is_ignored() {
    let (app, _dir) = sticky_edge().await;
    let mut stream = TcpStream::connect(app.address("web").unwrap())
        .await
        .unwrap();
    let request = "GET / HTTP/1.1\r\nHost: plain.local\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n";
    stream.write_all(request.as_bytes()).await.unwrap();
    let head = read_head(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
}

#[tokio::test]
async fn max_concurrent_streams_is_advertised() {
    let (app, _dir) = sticky_edge().await;
    let tcp = TcpStream::connect(app.address("web").unwrap())
        .await
        .unwrap();
    let (client, mut conn) = h2::client::handshake(tcp).await.unwrap();
    let mut client = client.ready().await.unwrap();
    let req = Request::get("http://plain.local/").body(()).unwrap();
    let (response, _) = client.send_request(req, true).unwrap();
    let response = tokio::select! {
        response = response => response.unwrap(),
        _ = &mut conn => panic!("connection ended"),
    };
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(conn.max_concurrent_send_streams(), 7);
}

#[tokio::test]
async fn the_same_sticky_cookie_pins_http1_and_http2_clients_over_tls() {
    let (app, _dir) = sticky_edge().await;
    let addr = app.address("web").unwrap();
    let h2 = TlsClient::insecure(&["h2", "http/1.1"]);
    let first = h2
        .get(addr, "tls.local", "tls.local", "/", None)
        .await
        .unwrap();
    assert!(first.session.h2, "ALPN chose h2");
    let cookie = first.reply.set_cookies();
    assert_eq!(cookie.len(), 1, "{:?}", first.reply);
    assert!(
        cookie[0].ends_with("; Path=/; HttpOnly; Secure; SameSite=None"),
        "{cookie:?}"
    );
    let pair = first.reply.cookie_pair().unwrap();
    let pinned = first.reply.server();
    let h1 = TlsClient::insecure(&["http/1.1"]);
    let no_alpn = TlsClient::insecure(&[]);
    for client in [&h2, &h1, &no_alpn] {
        for _ in 0..4 {
            let again = client
                .get(addr, "tls.local", "tls.local", "/", Some(&pair))
                .await
                .unwrap();
            assert_eq!(again.reply.server(), pinned);
            assert!(
                again.reply.set_cookies().is_empty(),
                "a valid pin sets no cookie"
            );
        }
    }
    let cleartext = h2c_get(addr, "plain.local", Some(&pair)).await;
    let served = cleartext.headers()["x-served-by"].to_str().unwrap();
    assert_eq!(served, pinned, "cleartext HTTP/2 honours the same cookie");
}

#[tokio::test]
async fn alpn_with_only_unknown_protocols_is_refused() {
    let (app, _dir) = sticky_edge().await;
    let client = TlsClient::insecure(&["spdy/3", "x-unknown"]);
    let error = client
        .connect(app.address("web").unwrap(), "tls.local")
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("NoApplicationProtocol"),
        "{error}"
    );
}

/// An origin answering WebSocket upgrades and echoing five bytes.
async fn upgrade_origin() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            tokio::spawn(async move {
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service_fn(upgrade))
                    .with_upgrades()
                    .await;
            });
        }
    });
    addr
}

async fn upgrade(mut req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let on = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        let mut io = TokioIo::new(on.await.unwrap());
        let mut buf = [0u8; 5];
        io.read_exact(&mut buf).await.unwrap();
        io.write_all(&buf).await.unwrap();
    });
    Ok(Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header("connection", "Upgrade")
        .header("upgrade", "websocket")
        .body(Full::new(Bytes::new()))
        .unwrap())
}

#[tokio::test]
async fn websocket_over_http1_through_tls() {
    let backend = upgrade_origin().await;
    let yaml = format!(
        "http:\n  routers:\n    ws:\n      rule: \"Host(`ws.local`)\"\n      service: ws\n      tls: {{}}\n  services:\n    ws:\n      loadBalancer:\n        sticky: {{cookie: {{name: wsc}}}}\n        servers: [{{url: \"http://{backend}\"}}]\n"
    );
    let (app, _dir) = start(&yaml).await;
    let h1_only = TlsClient::insecure(&["http/1.1"]);
    let mut stream = h1_only
        .connect(app.address("web").unwrap(), "ws.local")
        .await
        .unwrap();
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

async fn read_head<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).await.unwrap();
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}
