//! `https://` servers through `serversTransports` (`serverName`, `rootCAs`,
//! `insecureSkipVerify`): a certificate that does not verify is Traefik's 500, a dead server
//! 502; health checks use the same TLS settings; the static `serversTransport` is
//! `default@internal`.
#![allow(clippy::unwrap_used)]

mod support;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::Value;
use support::tls::TestCa;
use support::{dead_address, origin, start_app, HttpClient};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// An HTTPS origin with a certificate of `ca` for `name`; records the SNI of each handshake.
async fn https_origin(ca: &TestCa, name: &str) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let (cert, key) = ca.issue(&[name]);
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert.as_bytes())
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let names = seen.clone();
    tokio::spawn(async move {
        loop {
            let (tcp, _) = listener.accept().await.unwrap();
            let (acceptor, names) = (acceptor.clone(), names.clone());
            tokio::spawn(async move {
                let Ok(stream) = acceptor.accept(tcp).await else {
                    return;
                };
                let sni = stream.get_ref().1.server_name().unwrap_or("-").to_owned();
                names.lock().unwrap().push(sni);
                let service = service_fn(answer);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (addr, seen)
}

async fn answer(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let body = format!("{} {}\n", req.method(), req.uri());
    Ok(Response::builder()
        .header("x-served-by", "tls-origin")
        .body(Full::new(Bytes::from(body)))
        .unwrap())
}

struct Edge {
    app: limpet::control::app::RunningApp,
    _dir: tempfile::TempDir,
}

impl Edge {
    async fn start(dynamic: &str, extra_static: &str) -> Edge {
        let (app, dir, _) = start_app(dynamic, |file| {
            format!(
                "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n  traefik:\n    address: \"127.0.0.1:0\"\napi:\n  insecure: true\nproviders:\n  providersThrottleDuration: 50ms\n  file:\n    filename: {}\n{extra_static}",
                file.display()
            )
        })
        .await;
        Edge { app, _dir: dir }
    }

    async fn get(&self, host: &str) -> support::Reply {
        let url = format!("http://{}/x", self.app.address("web").unwrap());
        HttpClient::default().get(&url, host, None).await
    }

    async fn service(&self, name: &str) -> Value {
        let url = format!(
            "http://{}/api/http/services/{name}",
            self.app.address("traefik").unwrap()
        );
        let reply = HttpClient::default().get(&url, "localhost", None).await;
        serde_json::from_str(&reply.body).unwrap()
    }
}

fn pem_list(pem: &str) -> String {
    let lines: String = pem.lines().map(|l| format!("            {l}\n")).collect();
    format!("\n          - |\n{lines}")
}

/// One router per host, each on a service of `server` with the transport of the same name.
fn dynamic(server: &str, ca: &TestCa, dead: SocketAddr) -> String {
    let mut yaml = String::from("http:\n  routers:\n");
    let names = ["trusted", "default", "insecure", "wrong-name", "dead"];
    for name in names {
        yaml.push_str(&format!(
            "    {name}:\n      rule: \"Host(`{name}.local`)\"\n      service: {name}\n"
        ));
    }
    yaml.push_str("  services:\n");
    for name in names {
        let transport = match name {
            "default" => String::new(),
            other => format!("        serversTransport: {other}\n"),
        };
        let url = match name {
            "dead" => format!("https://{dead}"),
            _ => server.to_owned(),
        };
        yaml.push_str(&format!(
            "    {name}:\n      loadBalancer:\n{transport}        servers: [{{url: \"{url}\"}}]\n"
        ));
    }
    let ca_pem = pem_list(&ca.pem());
    yaml.push_str(&format!(
        "  serversTransports:\n    trusted:\n      serverName: backend.internal\n      rootCAs:{ca_pem}    insecure:\n      insecureSkipVerify: true\n    wrong-name:\n      serverName: other.internal\n      rootCAs:{ca_pem}    dead:\n      insecureSkipVerify: true\n"
    ));
    yaml
}

#[tokio::test]
async fn https_servers_are_verified_with_their_transport() {
    let ca = TestCa::default();
    let (server, seen) = https_origin(&ca, "backend.internal").await;
    let dead = dead_address().await;
    let edge = Edge::start(&dynamic(&format!("https://{server}"), &ca, dead), "").await;
    let trusted = edge.get("trusted.local").await;
    assert_eq!(trusted.server(), "tls-origin");
    assert_eq!(trusted.body, "GET /x\n");
    assert!(seen
        .lock()
        .unwrap()
        .contains(&"backend.internal".to_owned()));
    let insecure = edge.get("insecure.local").await;
    assert_eq!(insecure.server(), "tls-origin");
    for host in ["default.local", "wrong-name.local"] {
        let refused = edge.get(host).await;
        assert_eq!(refused.status, StatusCode::INTERNAL_SERVER_ERROR, "{host}");
        assert_eq!(refused.body, "Internal Server Error", "{host}");
    }
    let gone = edge.get("dead.local").await;
    assert_eq!(gone.status, StatusCode::BAD_GATEWAY);
}

#[tokio::test]
async fn a_plain_http_server_behind_an_https_url_is_500() {
    let plain = origin("plain").await;
    let yaml = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`p.local`)\"\n      service: s\n  services:\n    s:\n      loadBalancer:\n        serversTransport: any\n        servers: [{{url: \"https://{plain}\"}}]\n  serversTransports:\n    any:\n      insecureSkipVerify: true\n"
    );
    let edge = Edge::start(&yaml, "").await;
    assert_eq!(
        edge.get("p.local").await.status,
        StatusCode::INTERNAL_SERVER_ERROR
    );
}

#[tokio::test]
async fn the_static_servers_transport_is_the_default_and_health_checks_use_tls() {
    let ca = TestCa::default();
    let (server, _) = https_origin(&ca, "127.0.0.1").await;
    let certs = tempfile::tempdir().unwrap();
    let ca_file = certs.path().join("ca.pem");
    std::fs::write(&ca_file, ca.pem()).unwrap();
    let yaml = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`h.local`)\"\n      service: s\n  services:\n    s:\n      loadBalancer:\n        healthCheck: {{path: /health, interval: 100ms}}\n        servers: [{{url: \"https://{server}\"}}]\n    untrusted:\n      loadBalancer:\n        serversTransport: public\n        healthCheck: {{path: /health, interval: 100ms}}\n        servers: [{{url: \"https://{server}\"}}]\n  serversTransports:\n    public: {{}}\n"
    );
    let extra = format!("serversTransport:\n  rootCAs: [{}]\n", ca_file.display());
    let edge = Edge::start(&yaml, &extra).await;
    assert_eq!(edge.get("h.local").await.server(), "tls-origin");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let service = edge.service("s@file").await;
    let url = format!("https://{server}");
    assert_eq!(service["serverStatus"][&url], "UP", "{service}");
    let untrusted = edge.service("untrusted@file").await;
    assert_eq!(untrusted["serverStatus"][&url], "DOWN", "{untrusted}");
}
