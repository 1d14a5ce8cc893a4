//! Certificates: `tls.certificates` from files or inline PEM, the default store's
//! `defaultCertificate`, selection by SNI (exact name, then a one-label wildcard, then the
//! default), a bad certificate reported on its element while the others serve, and a reload
//! that swaps certificates without touching open connections.
#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use limpet::control::app::RunningApp;
use serde_json::Value;
use support::tls::{TestCa, TlsClient};
use support::{origin, start_app, HttpClient};

struct Edge {
    app: RunningApp,
    dir: tempfile::TempDir,
    dynamic: PathBuf,
}

impl Edge {
    async fn start(dynamic: &str) -> Edge {
        let (app, dir, dynamic_path) = start_app(dynamic, |file| {
            format!(
                "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n  traefik:\n    address: \"127.0.0.1:0\"\napi:\n  insecure: true\nproviders:\n  providersThrottleDuration: 50ms\n  file:\n    filename: {}\n",
                file.display()
            )
        })
        .await;
        Edge {
            app,
            dir,
            dynamic: dynamic_path,
        }
    }

    fn web(&self) -> SocketAddr {
        self.app.address("web").unwrap()
    }

    async fn rewrite(&mut self, dynamic: &str) {
        let next = self.app.generation() + 1;
        std::fs::write(&self.dynamic, dynamic).unwrap();
        let wait = self.app.wait_for_generation(next);
        tokio::time::timeout(Duration::from_secs(5), wait)
            .await
            .unwrap();
    }

    async fn api_tls(&self) -> Value {
        let url = format!(
            "http://{}/api/limpet/tls",
            self.app.address("traefik").unwrap()
        );
        let reply = HttpClient::default().get(&url, "localhost", None).await;
        serde_json::from_str(&reply.body).unwrap()
    }
}

/// Writes `(cert, key)` to `dir` as `<name>.crt`/`<name>.key`; returns the two paths.
fn write_pair(dir: &Path, name: &str, (cert, key): &(String, String)) -> (String, String) {
    let (cert_path, key_path) = (
        dir.join(format!("{name}.crt")),
        dir.join(format!("{name}.key")),
    );
    std::fs::write(&cert_path, cert).unwrap();
    std::fs::write(&key_path, key).unwrap();
    (
        cert_path.display().to_string(),
        key_path.display().to_string(),
    )
}

/// YAML block scalar of `pem`, indented for a `certFile: |` at 8 spaces.
fn inline(pem: &str) -> String {
    let lines: String = pem.lines().map(|l| format!("          {l}\n")).collect();
    format!("|\n{lines}")
}

fn routing(origin: SocketAddr, tls_section: &str) -> String {
    format!(
        "http:\n  routers:\n    app:\n      rule: \"PathPrefix(`/`)\"\n      service: app\n      tls: {{}}\n  services:\n    app:\n      loadBalancer:\n        servers: [{{url: \"http://{origin}\"}}]\n{tls_section}"
    )
}

#[tokio::test]
async fn sni_selects_exact_then_wildcard_then_the_default_certificate() {
    let ca = TestCa::default();
    let certs = tempfile::tempdir().unwrap();
    let exact = write_pair(certs.path(), "a", &ca.issue(&["a.example.com"]));
    let (wild_cert, wild_key) = ca.issue(&["*.example.com"]);
    let default = write_pair(certs.path(), "default", &ca.issue(&["default.test"]));
    let tls = format!(
        "tls:\n  certificates:\n    - certFile: {}\n      keyFile: {}\n    - certFile: {}\n      keyFile: {}\n  stores:\n    default:\n      defaultCertificate:\n        certFile: {}\n        keyFile: {}\n",
        exact.0, exact.1, inline(&wild_cert), inline(&wild_key), default.0, default.1
    );
    let edge = Edge::start(&routing(origin("o").await, &tls)).await;
    let verified = TlsClient::trusting(&ca, &["http/1.1"], &[]);
    let get = |sni: &'static str| verified.get(edge.web(), sni, sni, "/", None);
    let a = get("a.example.com").await.unwrap();
    assert_eq!(a.session.names(), ["a.example.com"]);
    assert_eq!(a.reply.server(), "o");
    let b = get("b.example.com").await.unwrap();
    assert_eq!(b.session.names(), ["*.example.com"]);
    let any = TlsClient::insecure(&["http/1.1"]);
    for sni in ["x.y.example.com", "other.org", "127.0.0.1"] {
        let session = any.get(edge.web(), sni, "o.test", "/", None).await.unwrap();
        assert_eq!(session.session.names(), ["default.test"], "{sni}");
    }
    assert!(
        get("other.org").await.is_err(),
        "the default certificate is not for other.org"
    );
    let api = edge.api_tls().await;
    assert_eq!(api["problems"], serde_json::json!([]), "{api}");
    assert_eq!(api["certificates"].as_array().unwrap().len(), 2, "{api}");
}

#[tokio::test]
async fn a_bad_certificate_is_an_error_on_its_element_and_the_others_serve() {
    let ca = TestCa::default();
    let certs = tempfile::tempdir().unwrap();
    let good = write_pair(certs.path(), "good", &ca.issue(&["good.example.com"]));
    let (other_cert, _) = ca.issue(&["mismatch.example.com"]);
    let (_, other_key) = ca.issue(&["someone-else.example.com"]);
    let mismatch = write_pair(certs.path(), "mismatch", &(other_cert, other_key));
    let garbage = certs.path().join("garbage.crt");
    std::fs::write(
        &garbage,
        "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let tls = format!(
        "tls:\n  certificates:\n    - {{certFile: {}, keyFile: {}}}\n    - {{certFile: {}, keyFile: {}}}\n    - {{certFile: {}, keyFile: {}}}\n    - {{certFile: /nonexistent/x.crt, keyFile: /nonexistent/x.key}}\n",
        garbage.display(), good.1, mismatch.0, mismatch.1, good.0, good.1
    );
    let edge = Edge::start(&routing(origin("o").await, &tls)).await;
    let api = edge.api_tls().await;
    let problems = api["problems"].as_array().unwrap();
    let element = |i: usize| format!("tls.certificates[{i}]@file");
    for (index, needle) in [
        (0, "certFile: tls:"),
        (1, "private key does not match public key"),
        (3, "open /nonexistent/x.crt"),
    ] {
        let found = problems
            .iter()
            .find(|p| p["element"] == element(index).as_str())
            .unwrap_or_else(|| panic!("no problem on {}: {api}", element(index)));
        assert_eq!(found["severity"], "error");
        let message = found["message"].as_str().unwrap();
        assert!(message.contains(needle), "{message}");
    }
    assert_eq!(problems.len(), 3, "{api}");
    assert_eq!(api["certificates"][0]["element"], element(2).as_str());
    let verified = TlsClient::trusting(&ca, &["http/1.1"], &[]);
    let session = verified
        .get(
            edge.web(),
            "good.example.com",
            "good.example.com",
            "/",
            None,
        )
        .await
        .unwrap();
    assert_eq!(session.reply.server(), "o");
    drop(edge.dir);
}

#[tokio::test]
async fn a_reload_swaps_certificates_and_open_connections_keep_theirs() {
    let ca = TestCa::default();
    let certs = tempfile::tempdir().unwrap();
    let backend = origin("o").await;
    let section = |pair: &(String, String)| {
        format!(
            "tls:\n  certificates:\n    - certFile: {}\n      keyFile: {}\n",
            inline(&pair.0),
            inline(&pair.1)
        )
    };
    let first = ca.issue(&["a.example.com"]);
    let mut edge = Edge::start(&routing(backend, &section(&first))).await;
    let client = TlsClient::trusting(&ca, &["http/1.1"], &[]);
    let stream = client.connect(edge.web(), "a.example.com").await.unwrap();
    let old_leaf = stream.get_ref().1.peer_certificates().unwrap()[0].clone();
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .unwrap();
    tokio::spawn(conn);
    let request = || {
        http::Request::get("/")
            .header("host", "a.example.com")
            .body(http_body_util::Empty::<bytes::Bytes>::new())
            .unwrap()
    };
    assert_eq!(sender.send_request(request()).await.unwrap().status(), 200);
    edge.rewrite(&routing(backend, &section(&ca.issue(&["a.example.com"]))))
        .await;
    let kept = sender.send_request(request()).await.unwrap();
    assert_eq!(kept.status(), 200, "the open connection is untouched");
    let fresh = client.connect(edge.web(), "a.example.com").await.unwrap();
    let new_leaf = fresh.get_ref().1.peer_certificates().unwrap()[0].clone();
    assert_ne!(
        old_leaf, new_leaf,
        "a new connection gets the new certificate"
    );
    drop(certs);
}
