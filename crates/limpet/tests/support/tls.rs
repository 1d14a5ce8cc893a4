//! TLS test support: a test CA issuing certificates, and an HTTPS client (tokio-rustls, then
//! hyper's HTTP/1.1 or HTTP/2 client by ALPN) that reports what the handshake negotiated.

use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::Request;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, ProtocolVersion, RootCertStore};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::Reply;

/// A certificate authority for one test.
pub struct TestCa {
    cert: rcgen::Certificate,
    key: rcgen::KeyPair,
}

impl Default for TestCa {
    fn default() -> Self {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "limpet test CA");
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.self_signed(&key).unwrap();
        TestCa { cert, key }
    }
}

impl TestCa {
    /// A certificate for `names` (the first is also the common name): (cert PEM, key PEM).
    pub fn issue(&self, names: &[&str]) -> (String, String) {
        let sans: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let mut params = rcgen::CertificateParams::new(sans).unwrap();
        if let Some(first) = names.first() {
            params
                .distinguished_name
                .push(rcgen::DnType::CommonName, *first);
        }
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        (cert.pem(), key.serialize_pem())
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    pub fn roots(&self) -> RootCertStore {
        let mut roots = RootCertStore::empty();
        roots.add(self.cert.der().clone()).unwrap();
        roots
    }
}

/// Accepts any server certificate (to look at limpet's generated one).
#[derive(Debug)]
struct AcceptAny(Arc<rustls::crypto::CryptoProvider>);

impl ServerCertVerifier for AcceptAny {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// How a test client connects.
#[derive(Clone)]
pub struct TlsClient {
    pub config: Arc<ClientConfig>,
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

impl TlsClient {
    /// Trusts `ca` only; offers `alpn` and the TLS `versions` given (empty: both).
    pub fn trusting(ca: &TestCa, alpn: &[&str], versions: &[u16]) -> TlsClient {
        let builder = ClientConfig::builder_with_provider(provider())
            .with_protocol_versions(&protocol_versions(versions))
            .unwrap();
        let config = builder
            .with_root_certificates(ca.roots())
            .with_no_client_auth();
        TlsClient::finish(config, alpn)
    }

    /// Accepts any certificate; offers `alpn`.
    pub fn insecure(alpn: &[&str]) -> TlsClient {
        let builder = ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap();
        let config = builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAny(provider())))
            .with_no_client_auth();
        TlsClient::finish(config, alpn)
    }

    fn finish(mut config: ClientConfig, alpn: &[&str]) -> TlsClient {
        config.alpn_protocols = alpn.iter().map(|p| p.as_bytes().to_vec()).collect();
        TlsClient {
            config: Arc::new(config),
        }
    }

    /// Connects to `addr` with SNI `sni` (an IP address sends none).
    pub async fn connect(
        &self,
        addr: SocketAddr,
        sni: &str,
    ) -> std::io::Result<tokio_rustls::client::TlsStream<TcpStream>> {
        let tcp = TcpStream::connect(addr).await?;
        let name = ServerName::try_from(sni.to_owned()).unwrap();
        TlsConnector::from(self.config.clone())
            .connect(name, tcp)
            .await
    }

    /// GET `path` with `Host: host` (`:authority` over HTTP/2) on a new connection.
    pub async fn get(
        &self,
        addr: SocketAddr,
        sni: &str,
        host: &str,
        path: &str,
        cookie: Option<&str>,
    ) -> Result<Session, String> {
        let stream = self.connect(addr, sni).await.map_err(|e| e.to_string())?;
        let session = Negotiated::of(&stream);
        let reply = send(stream, session.h2, host, path, cookie).await?;
        Ok(Session { session, reply })
    }
}

fn protocol_versions(versions: &[u16]) -> Vec<&'static rustls::SupportedProtocolVersion> {
    let mut chosen = Vec::new();
    if versions.is_empty() || versions.contains(&13) {
        chosen.push(&rustls::version::TLS13);
    }
    if versions.is_empty() || versions.contains(&12) {
        chosen.push(&rustls::version::TLS12);
    }
    chosen
}

/// What the client's handshake ended with.
#[derive(Debug, Clone)]
pub struct Negotiated {
    pub h2: bool,
    pub version: Option<ProtocolVersion>,
    /// The leaf certificate limpet presented.
    pub leaf: Option<CertificateDer<'static>>,
}

impl Negotiated {
    fn of(stream: &tokio_rustls::client::TlsStream<TcpStream>) -> Negotiated {
        let conn = stream.get_ref().1;
        Negotiated {
            h2: conn.alpn_protocol() == Some(b"h2"),
            version: conn.protocol_version(),
            leaf: conn
                .peer_certificates()
                .and_then(|c| c.first())
                .map(|c| c.clone().into_owned()),
        }
    }

    /// The names of the presented certificate (common name and DNS names).
    pub fn names(&self) -> Vec<String> {
        let leaf = self.leaf.as_ref().unwrap();
        limpet::data::tls::certificate_names(leaf).unwrap()
    }
}

/// One request's handshake and answer.
#[derive(Debug)]
pub struct Session {
    pub session: Negotiated,
    pub reply: Reply,
}

async fn send(
    stream: tokio_rustls::client::TlsStream<TcpStream>,
    h2: bool,
    host: &str,
    path: &str,
    cookie: Option<&str>,
) -> Result<Reply, String> {
    let io = TokioIo::new(stream);
    let mut builder = if h2 {
        Request::get(format!("https://{host}{path}"))
    } else {
        Request::get(path).header("host", host)
    };
    if let Some(cookie) = cookie {
        builder = builder.header("cookie", cookie);
    }
    let req = builder.body(Full::new(Bytes::new())).unwrap();
    let response = if h2 {
        let (mut sender, conn) = hyper::client::conn::http2::handshake(TokioExecutor::new(), io)
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(conn);
        sender.send_request(req).await
    } else {
        let (mut sender, conn) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(|e| e.to_string())?;
        tokio::spawn(conn);
        sender.send_request(req).await
    };
    let response = response.map_err(|e| e.to_string())?;
    let (status, headers) = (response.status(), response.headers().clone());
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?;
    Ok(Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&body.to_bytes()).into_owned(),
    })
}
