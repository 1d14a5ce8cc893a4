//! TLS to `https://` servers: one rustls client configuration per servers transport
//! (`rootCAs`, else the public roots; `insecureSkipVerify`; a client certificate), and the
//! name sent as SNI and verified: the transport's `serverName`, else the server URL's host.
//! Upstream connections speak HTTP/1.1 (ALPN `http/1.1`).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use limpet_config::model::tls::TlsProblem;
use limpet_config::model::TransportModel;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{ring, verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::{ClientConfig, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio_rustls::TlsConnector;

/// How one server is reached over TLS.
#[derive(Clone)]
pub struct UpstreamTls {
    pub connector: TlsConnector,
    pub server_name: ServerName<'static>,
}

impl std::fmt::Debug for UpstreamTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpstreamTls")
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}

/// The client configurations of one build, by transport name, and what could not be built.
#[derive(Debug, Default)]
pub struct Upstreams {
    configs: HashMap<String, Option<Arc<ClientConfig>>>,
    pub problems: Vec<TlsProblem>,
}

impl Upstreams {
    /// How a server of `transport` whose URL host is `host` is reached, and a fingerprint
    /// of those settings (pools are shared only by equal settings); `None` when they cannot
    /// be built (reported once per transport).
    pub fn tls(&mut self, transport: &TransportModel, host: &str) -> Option<(UpstreamTls, u64)> {
        let config = self.config(transport)?;
        let server_name = match server_name(transport, host) {
            Ok(name) => name,
            Err(error) => {
                self.problem(transport, error);
                return None;
            }
        };
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        transport.hash(&mut hasher);
        server_name.to_str().hash(&mut hasher);
        let tls = UpstreamTls {
            connector: TlsConnector::from(config),
            server_name,
        };
        Some((tls, hasher.finish()))
    }

    fn config(&mut self, transport: &TransportModel) -> Option<Arc<ClientConfig>> {
        if let Some(config) = self.configs.get(&transport.name) {
            return config.clone();
        }
        let built = client_config(transport)
            .map_err(|error| self.problem(transport, error))
            .ok();
        self.configs.insert(transport.name.clone(), built.clone());
        built
    }

    fn problem(&mut self, transport: &TransportModel, message: String) {
        let element = format!("serversTransport {}", transport.name);
        let problem = TlsProblem {
            element,
            message: format!("{message}; its https:// servers are left out"),
            critical: true,
        };
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }
}

/// The client configuration of `transport`.
pub fn client_config(transport: &TransportModel) -> Result<Arc<ClientConfig>, String> {
    let provider = Arc::new(ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = if transport.insecure_skip_verify {
        let verifier = Arc::new(NoVerification(provider.clone()));
        builder
            .dangerous()
            .with_custom_certificate_verifier(verifier)
    } else {
        builder.with_root_certificates(roots(transport)?)
    };
    let mut config = match &transport.client_certificate {
        Some(certificate) => {
            let loaded = super::certs::key_pair(certificate);
            builder
                .with_client_auth_cert(loaded.0, loaded.1)
                .map_err(|e| format!("{}: {e}", certificate.element))?
        }
        None => builder.with_no_client_auth(),
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

fn roots(transport: &TransportModel) -> Result<RootCertStore, String> {
    if transport.root_cas.is_empty() {
        return Ok(RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        });
    }
    let mut roots = RootCertStore::empty();
    for ca in &transport.root_cas {
        roots
            .add(CertificateDer::from(ca.clone()))
            .map_err(|e| format!("rootCAs: {e}"))?;
    }
    Ok(roots)
}

/// The SNI and verified name of a server whose URL host is `host`.
pub fn server_name(transport: &TransportModel, host: &str) -> Result<ServerName<'static>, String> {
    let name = transport.server_name.as_deref().unwrap_or(host);
    let name = name.trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(name.to_owned()).map_err(|e| format!("server name {name:?}: {e}"))
}

/// `insecureSkipVerify`: any certificate is accepted; handshake signatures are still checked.
#[derive(Debug)]
struct NoVerification(Arc<CryptoProvider>);

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(
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
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
