//! TLS options (`tls.options.<name>`, `default` when none is named): versions, cipher
//! suites and curves (Go names; unsupported or unknown ones a warning naming them),
//! `sniStrict`, `alpnProtocols`, `clientAuth`; options chosen by SNI, 421 when the `Host`
//! has other options than the SNI; unknown or unusable options disable their routers.
#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;
use std::sync::Arc;

use http::StatusCode;
use limpet::control::app::RunningApp;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::ClientConfig;
use serde_json::Value;
use support::tls::{TestCa, TlsClient};
use support::{origin, start_app, HttpClient};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

struct Edge {
    app: RunningApp,
    _dir: tempfile::TempDir,
}

impl Edge {
    async fn start(dynamic: &str) -> Edge {
        let (app, dir, _) = start_app(dynamic, |file| {
            format!(
                "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n  traefik:\n    address: \"127.0.0.1:0\"\napi:\n  insecure: true\nproviders:\n  providersThrottleDuration: 50ms\n  file:\n    filename: {}\n",
                file.display()
            )
        })
        .await;
        Edge { app, _dir: dir }
    }

    fn web(&self) -> SocketAddr {
        self.app.address("web").unwrap()
    }

    async fn api(&self, path: &str) -> Value {
        let url = format!("http://{}/api/{path}", self.app.address("traefik").unwrap());
        let reply = HttpClient::default().get(&url, "localhost", None).await;
        serde_json::from_str(&reply.body).unwrap()
    }

    /// Every TLS problem's message on `element`.
    async fn problems(&self, element: &str) -> Vec<String> {
        let api = self.api("limpet/tls").await;
        api["problems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["element"] == element)
            .map(|p| p["message"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn pem_block(pem: &str) -> String {
    let lines: String = pem.lines().map(|l| format!("          {l}\n")).collect();
    format!("|\n{lines}")
}

/// Routers `a` (options `a_options`, if any) and `b` (default options) on one origin, the
/// test CA's certificates for both hosts, and `options` as the `tls.options` section.
fn config(ca: &TestCa, backend: SocketAddr, a_options: &str, options: &str) -> String {
    let (a, b) = (ca.issue(&["a.example.com"]), ca.issue(&["b.example.com"]));
    let a_tls = match a_options {
        "" => "{}".to_owned(),
        name => format!("{{options: {name}}}"),
    };
    format!(
        "http:\n  routers:\n    a:\n      rule: \"Host(`a.example.com`)\"\n      service: o\n      tls: {a_tls}\n    b:\n      rule: \"Host(`b.example.com`)\"\n      service: o\n      tls: {{}}\n  services:\n    o:\n      loadBalancer:\n        servers: [{{url: \"http://{backend}\"}}]\ntls:\n  certificates:\n    - certFile: {}\n      keyFile: {}\n    - certFile: {}\n      keyFile: {}\n  options:\n{options}",
        pem_block(&a.0),
        pem_block(&a.1),
        pem_block(&b.0),
        pem_block(&b.1)
    )
}

async fn edge(ca: &TestCa, a_options: &str, options: &str) -> Edge {
    Edge::start(&config(ca, origin("o").await, a_options, options)).await
}

async fn handshake(
    config: ClientConfig,
    addr: SocketAddr,
    sni: &str,
) -> std::io::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from(sni.to_owned()).unwrap();
    let mut stream = TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await?;
    // TLS 1.3 client authentication failures arrive after the client's handshake is over.
    tokio::io::AsyncWriteExt::write_all(
        &mut stream,
        b"GET / HTTP/1.1\r\nHost: a.example.com\r\n\r\n",
    )
    .await?;
    let mut buf = [0u8; 12];
    tokio::io::AsyncReadExt::read_exact(&mut stream, &mut buf).await?;
    Ok(stream)
}

fn client(ca: &TestCa, versions: &[&'static rustls::SupportedProtocolVersion]) -> ClientConfig {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_root_certificates(ca.roots())
        .with_no_client_auth()
}

const TLS12: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS12];
const TLS13: &[&rustls::SupportedProtocolVersion] = &[&rustls::version::TLS13];

#[tokio::test]
async fn versions_are_chosen_by_sni() {
    let ca = TestCa::default();
    let options = "    modern: {minVersion: VersionTLS13}\n    old: {maxVersion: VersionTLS12, minVersion: VersionTLS10}\n";
    let edge = edge(&ca, "modern", options).await;
    assert!(handshake(client(&ca, TLS12), edge.web(), "a.example.com")
        .await
        .is_err());
    assert!(handshake(client(&ca, TLS13), edge.web(), "a.example.com")
        .await
        .is_ok());
    assert!(
        handshake(client(&ca, TLS12), edge.web(), "b.example.com")
            .await
            .is_ok(),
        "default options"
    );
    let warnings = edge.problems("tls.options.old@file").await;
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(
        warnings[0].contains("minVersion VersionTLS10"),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn cipher_suites_and_curves_use_go_names_and_name_what_is_left_out() {
    let ca = TestCa::default();
    let options = "    pinned:\n      cipherSuites: [TLS_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, TLS_NOPE, TLS_AES_128_GCM_SHA256]\n      curvePreferences: [CurveP521, secp384r1]\n";
    let edge = edge(&ca, "pinned", options).await;
    let stream = handshake(client(&ca, TLS12), edge.web(), "a.example.com")
        .await
        .unwrap();
    let conn = stream.get_ref().1;
    let suite = conn.negotiated_cipher_suite().unwrap().suite();
    assert_eq!(
        suite,
        rustls::CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
    );
    let group = conn.negotiated_key_exchange_group().unwrap().name();
    assert_eq!(group, rustls::NamedGroup::secp384r1);
    let warnings = edge.problems("tls.options.pinned@file").await.join("\n");
    for named in ["TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_NOPE", "CurveP521"] {
        assert!(warnings.contains(named), "{warnings}");
    }
    assert!(
        !warnings.contains("TLS_AES_128_GCM_SHA256"),
        "TLS 1.3 names are accepted: {warnings}"
    );
}

#[tokio::test]
async fn sni_strict_refuses_names_without_a_certificate() {
    let ca = TestCa::default();
    let edge = edge(&ca, "", "    default: {sniStrict: true}\n").await;
    let any = TlsClient::insecure(&["http/1.1"]);
    assert!(any
        .connect(edge.web(), "unknown.example.com")
        .await
        .is_err());
    assert!(
        any.connect(edge.web(), "127.0.0.1").await.is_err(),
        "no SNI"
    );
    let known = TlsClient::trusting(&ca, &["http/1.1"], &[]);
    let session = known
        .get(edge.web(), "b.example.com", "b.example.com", "/", None)
        .await
        .unwrap();
    assert_eq!(session.reply.server(), "o");
}

#[tokio::test]
async fn alpn_protocols_limit_what_is_negotiated() {
    let ca = TestCa::default();
    let edge = edge(&ca, "", "    default: {alpnProtocols: [http/1.1]}\n").await;
    let h2 = TlsClient::trusting(&ca, &["h2", "http/1.1"], &[]);
    let session = h2
        .get(edge.web(), "b.example.com", "b.example.com", "/", None)
        .await
        .unwrap();
    assert!(!session.session.h2);
    assert_eq!(session.reply.server(), "o");
}

#[tokio::test]
async fn client_certificates_are_required_and_verified() {
    let ca = TestCa::default();
    let clients = TestCa::default();
    let options = format!(
        "    mtls:\n      clientAuth:\n        clientAuthType: RequireAndVerifyClientCert\n        caFiles:\n          - {}\n",
        pem_block(&clients.pem()).replace("\n          ", "\n            ")
    );
    let edge = edge(&ca, "mtls", &options).await;
    assert!(handshake(client(&ca, TLS13), edge.web(), "a.example.com")
        .await
        .is_err());
    let (cert, key) = clients.issue(&["client.example.com"]);
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert.as_bytes())
        .map(Result::unwrap)
        .collect();
    let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let with_cert = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(ca.roots())
        .with_client_auth_cert(chain, key)
        .unwrap();
    assert!(handshake(with_cert, edge.web(), "a.example.com")
        .await
        .is_ok());
    let other_host = handshake(client(&ca, TLS13), edge.web(), "b.example.com").await;
    assert!(other_host.is_ok(), "b uses the default options");
}

#[tokio::test]
async fn a_host_with_other_options_than_the_sni_is_misdirected() {
    let ca = TestCa::default();
    let edge = edge(&ca, "modern", "    modern: {minVersion: VersionTLS13}\n").await;
    let client = TlsClient::trusting(&ca, &["http/1.1"], &[]);
    let fronted = client
        .get(edge.web(), "b.example.com", "a.example.com", "/", None)
        .await
        .unwrap();
    assert_eq!(fronted.reply.status, StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(fronted.reply.body, "Misdirected Request\n");
    let same = client
        .get(edge.web(), "a.example.com", "a.example.com", "/", None)
        .await
        .unwrap();
    assert_eq!(same.reply.server(), "o");
    let h2 = TlsClient::trusting(&ca, &["h2"], &[]);
    let over_h2 = h2
        .get(edge.web(), "b.example.com", "a.example.com", "/", None)
        .await
        .unwrap();
    assert_eq!(
        over_h2.reply.status,
        StatusCode::MISDIRECTED_REQUEST,
        "HTTP/2 :authority too"
    );
}

#[tokio::test]
async fn unknown_or_unusable_options_disable_their_routers() {
    let ca = TestCa::default();
    let unknown = edge(&ca, "nope", "    legacy: {maxVersion: VersionTLS11}\n").await;
    let router = unknown.api("http/routers/a@file").await;
    assert_eq!(router["status"], "disabled", "{router}");
    assert_eq!(router["error"][0], "unknown TLS options: nope@file");
    let edge2 = edge(&ca, "legacy", "    legacy: {maxVersion: VersionTLS11}\n").await;
    let router = edge2.api("http/routers/a@file").await;
    assert_eq!(router["status"], "disabled", "{router}");
    let error = router["error"][0].as_str().unwrap();
    assert!(error.contains("maxVersion VersionTLS11"), "{error}");
    let b = edge2.api("http/routers/b@file").await;
    assert_eq!(b["status"], "enabled");
}
