//! `limpet doctor` against an `https://` site (the runbook's URLs are HTTPS): a healthy sticky
//! site passes, an untrusted certificate is an error, and an HTTPS page redirecting to
//! `http://` with a Secure cookie fails the redirect check.
#![allow(clippy::unwrap_used)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use limpet::tools::doctor::{diagnose, DoctorError, DoctorOptions, Verdict};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// A sticky site: a Secure cookie on the first visit, the same backend while it is sent back.
fn sticky(req: &Request<Incoming>) -> Response<Full<Bytes>> {
    let pinned = req
        .headers()
        .get("cookie")
        .is_some_and(|c| c.to_str().unwrap().contains("sid=one"));
    let mut response = Response::builder().header("x-served-by", "one");
    if !pinned {
        response = response.header(
            "set-cookie",
            "sid=one; Path=/; HttpOnly; Secure; SameSite=Lax",
        );
    }
    response
        .body(Full::new(Bytes::from_static(b"hello")))
        .unwrap()
}

/// Sets a Secure cookie, then sends the browser to plain HTTP (a whoami on this port).
fn to_plain_http(_: &Request<Incoming>) -> Response<Full<Bytes>> {
    Response::builder()
        .status(302)
        .header(
            "location",
            format!(
                "http://127.0.0.1:{}/",
                PLAIN_PORT.load(std::sync::atomic::Ordering::SeqCst)
            ),
        )
        .header("set-cookie", "sid=one; Path=/; Secure")
        .body(Full::new(Bytes::new()))
        .unwrap()
}

/// An HTTPS server with a fresh self-signed certificate; returns its address and CA file.
async fn https_site(
    answer: fn(&Request<Incoming>) -> Response<Full<Bytes>>,
) -> (SocketAddr, tempfile::NamedTempFile) {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .unwrap();
    let ca = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ca.path(), certified.cert.pem()).unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(certified.key_pair.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(certified.cert.der().to_vec())],
            key,
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(stream).await else {
                    return;
                };
                let service =
                    service_fn(move |req| async move { Ok::<_, Infallible>(answer(&req)) });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    (addr, ca)
}

fn options(addr: SocketAddr, ca: Option<&tempfile::NamedTempFile>) -> DoctorOptions {
    DoctorOptions {
        url: format!("https://{addr}/"),
        requests: 4,
        ca_file: ca.map(|f| f.path().to_path_buf()),
        ..DoctorOptions::default()
    }
}

#[tokio::test]
async fn a_healthy_https_sticky_site_passes() {
    let (addr, ca) = https_site(sticky).await;
    let report = diagnose(&options(addr, Some(&ca))).await.unwrap();
    assert_eq!(report.exit_code(), 0, "{report:#?}");
    assert_eq!(
        report.verdict("affinity"),
        Some(Verdict::Pass),
        "{report:#?}"
    );
    assert_eq!(
        report.verdict("cookie-accepted"),
        Some(Verdict::Pass),
        "Secure over HTTPS: {report:#?}"
    );
}

#[tokio::test]
async fn an_untrusted_certificate_is_an_error_not_a_verdict() {
    let (addr, _ca) = https_site(sticky).await;
    let error = diagnose(&options(addr, None)).await.err().unwrap();
    let DoctorError::Connect(url, reason) = &error else {
        panic!("not a connection error: {error:?}");
    };
    assert_eq!(url, &format!("https://{addr}/"));
    // The self-signed certificate is refused by verification, not by anything else.
    assert!(
        reason.contains("invalid peer certificate") && reason.contains("UnknownIssuer"),
        "{reason}"
    );
}

static PLAIN_PORT: std::sync::atomic::AtomicU16 = std::sync::atomic::AtomicU16::new(0);

#[tokio::test]
async fn an_https_page_redirecting_to_http_with_a_secure_cookie_fails() {
    let plain = TcpListener::bind("127.0.0.1:0").await.unwrap();
    PLAIN_PORT.store(
        plain.local_addr().unwrap().port(),
        std::sync::atomic::Ordering::SeqCst,
    );
    tokio::spawn(limpet::tools::whoami::serve(plain, "plain".to_owned()));
    let (addr, ca) = https_site(to_plain_http).await;
    let report = diagnose(&options(addr, Some(&ca))).await.unwrap();
    assert_eq!(
        report.verdict("redirect"),
        Some(Verdict::Fail),
        "{report:#?}"
    );
    assert_eq!(report.exit_code(), 2);
}
