//! limpet's default certificate when none is configured: self-signed, generated once per
//! process, like Traefik's `TRAEFIK DEFAULT CERT` (an ECDSA P-256 key here, RSA there).

use std::sync::{Arc, OnceLock};

use rustls::crypto::CryptoProvider;
use rustls::sign::CertifiedKey;
use rustls_pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};

/// The common name Traefik gives its generated certificate.
pub const COMMON_NAME: &str = "TRAEFIK DEFAULT CERT";

static GENERATED: OnceLock<Option<Arc<CertifiedKey>>> = OnceLock::new();

/// The generated default certificate (`None` only if generating it failed, which is logged).
pub(super) fn default_certificate(provider: &CryptoProvider) -> Option<Arc<CertifiedKey>> {
    GENERATED
        .get_or_init(|| match generate(provider) {
            Ok(key) => Some(Arc::new(key)),
            Err(error) => {
                tracing::error!(%error, "cannot generate the default TLS certificate; TLS handshakes without a matching certificate will fail");
                None
            }
        })
        .clone()
}

fn generate(provider: &CryptoProvider) -> Result<CertifiedKey, String> {
    let name = format!(
        "{:032x}.{:032x}.traefik.default",
        rand::random::<u128>(),
        rand::random::<u128>()
    );
    let mut params = rcgen::CertificateParams::new(vec![name]).map_err(|e| e.to_string())?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, COMMON_NAME);
    let key_pair = rcgen::KeyPair::generate().map_err(|e| e.to_string())?;
    let cert = params.self_signed(&key_pair).map_err(|e| e.to_string())?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key_pair.serialize_der()));
    let signing = provider
        .key_provider
        .load_private_key(key)
        .map_err(|e| e.to_string())?;
    Ok(CertifiedKey::new(vec![cert.der().clone()], signing))
}
