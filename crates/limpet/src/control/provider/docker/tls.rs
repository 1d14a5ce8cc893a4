//! `providers.docker.tls`: the client configuration for a `tcp://` daemon behind TLS —
//! `ca` (else Mozilla's roots), `cert` + `key` (client authentication) and
//! `insecureSkipVerify` (any server certificate accepted, as Go's option does).

use std::sync::Arc;

use limpet_config::static_config::DockerTls;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;

use super::DockerError;

/// The TLS client configuration of `tls`.
pub fn client_config(tls: &DockerTls) -> Result<Arc<ClientConfig>, DockerError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| DockerError::Tls(e.to_string()))?;
    let builder = if tls.insecure_skip_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
    } else {
        builder.with_root_certificates(roots(&tls.ca)?)
    };
    let config = if tls.cert.is_empty() && tls.key.is_empty() {
        builder.with_no_client_auth()
    } else {
        let (certs, key) = client_identity(tls)?;
        builder
            .with_client_auth_cert(certs, key)
            .map_err(|e| DockerError::Tls(format!("tls.cert / tls.key: {e}")))?
    };
    Ok(Arc::new(config))
}

fn roots(ca: &str) -> Result<RootCertStore, DockerError> {
    let mut roots = RootCertStore::empty();
    if ca.is_empty() {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        return Ok(roots);
    }
    let error = |e: &dyn std::fmt::Display| DockerError::Tls(format!("tls.ca {ca}: {e}"));
    for cert in CertificateDer::pem_file_iter(ca).map_err(|e| error(&e))? {
        roots
            .add(cert.map_err(|e| error(&e))?)
            .map_err(|e| error(&e))?;
    }
    Ok(roots)
}

fn client_identity(
    tls: &DockerTls,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), DockerError> {
    let cert_error =
        |e: &dyn std::fmt::Display| DockerError::Tls(format!("tls.cert {}: {e}", tls.cert));
    let certs = CertificateDer::pem_file_iter(&tls.cert)
        .map_err(|e| cert_error(&e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| cert_error(&e))?;
    let key = PrivateKeyDer::from_pem_file(&tls.key)
        .map_err(|e| DockerError::Tls(format!("tls.key {}: {e}", tls.key)))?;
    Ok((certs, key))
}

/// `insecureSkipVerify`: every certificate is accepted; signatures are still checked.
#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
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
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
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
