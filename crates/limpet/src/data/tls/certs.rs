//! Validated certificates (DER from the model) turned into rustls signing keys, with the
//! names they answer for; a key rustls cannot use, or that does not match its certificate,
//! is an error on that certificate only.

use std::sync::Arc;

use limpet_config::model::tls::{CertificateModel, PrivateKey};
use rustls::crypto::CryptoProvider;
use rustls::sign::CertifiedKey;
use rustls_pki_types::{
    CertificateDer, PrivateKeyDer, PrivatePkcs1KeyDer, PrivatePkcs8KeyDer, PrivateSec1KeyDer,
};

use super::names::certificate_names;

/// A certificate ready to serve.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub key: Arc<CertifiedKey>,
    /// Common name and DNS names, lowercased.
    pub names: Vec<String>,
}

/// The signing key and names of `model`.
pub fn load(model: &CertificateModel, provider: &CryptoProvider) -> Result<Loaded, String> {
    let chain: Vec<CertificateDer<'static>> = model
        .chain
        .iter()
        .map(|der| CertificateDer::from(der.clone()))
        .collect();
    let leaf = chain
        .first()
        .ok_or("tls: failed to find any PEM data in certificate input")?;
    let names = certificate_names(leaf)?;
    let signing = provider
        .key_provider
        .load_private_key(private_key(&model.key))
        .map_err(|e| format!("tls: unusable private key: {e}"))?;
    let key = CertifiedKey::new(chain, signing);
    if key.keys_match().is_err() {
        return Err("tls: private key does not match public key".to_owned());
    }
    Ok(Loaded {
        key: Arc::new(key),
        names,
    })
}

/// The chain and key of `model` as rustls takes them (a client certificate).
pub fn key_pair(
    model: &CertificateModel,
) -> (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>) {
    let chain = model
        .chain
        .iter()
        .map(|der| CertificateDer::from(der.clone()))
        .collect();
    (chain, private_key(&model.key))
}

fn private_key(key: &PrivateKey) -> PrivateKeyDer<'static> {
    match key {
        PrivateKey::Pkcs1(der) => PrivateKeyDer::Pkcs1(PrivatePkcs1KeyDer::from(der.clone())),
        PrivateKey::Sec1(der) => PrivateKeyDer::Sec1(PrivateSec1KeyDer::from(der.clone())),
        PrivateKey::Pkcs8(der) => PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der.clone())),
    }
}
