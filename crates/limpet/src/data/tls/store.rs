//! The certificate store of one configuration and the rustls resolver over it: the
//! certificate for an SNI is the one naming it exactly, else a one-label wildcard
//! (`*.example.com` for `a.example.com`), else the default certificate — unless `sniStrict`.
//! Built once per snapshot; a reload builds a new one, open connections keep theirs.

use std::collections::HashMap;
use std::sync::Arc;

use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

/// Certificates by the names they answer for.
#[derive(Debug, Default)]
pub struct CertificateStore {
    exact: HashMap<Box<str>, Arc<CertifiedKey>>,
    /// `*.example.com` certificates, keyed `example.com`.
    wildcard: HashMap<Box<str>, Arc<CertifiedKey>>,
    default: Option<Arc<CertifiedKey>>,
}

impl CertificateStore {
    pub fn new(default: Option<Arc<CertifiedKey>>) -> CertificateStore {
        CertificateStore {
            default,
            ..CertificateStore::default()
        }
    }

    /// Adds `key` under each of `names`; a name already taken keeps its first certificate.
    pub fn add(&mut self, names: &[String], key: &Arc<CertifiedKey>) {
        for name in names {
            let (map, name) = match name.strip_prefix("*.") {
                Some(parent) => (&mut self.wildcard, parent),
                None => (&mut self.exact, name.as_str()),
            };
            map.entry(name.into()).or_insert_with(|| key.clone());
        }
    }

    /// The certificate naming `sni` (lowercase, no trailing dot), exactly or by wildcard.
    pub fn matching(&self, sni: &str) -> Option<&Arc<CertifiedKey>> {
        if let Some(key) = self.exact.get(sni) {
            return Some(key);
        }
        let (label, parent) = sni.split_once('.')?;
        if label.is_empty() {
            return None;
        }
        self.wildcard.get(parent)
    }

    /// The certificate for a handshake: by SNI, else the default unless `strict`.
    pub fn select(&self, sni: Option<&str>, strict: bool) -> Option<Arc<CertifiedKey>> {
        let matched = sni.and_then(|sni| self.matching(&canonical(sni)));
        match matched {
            Some(key) => Some(key.clone()),
            None if strict => None,
            None => self.default.clone(),
        }
    }
}

/// An SNI as names are stored: lowercase, without a trailing dot.
pub fn canonical(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// The resolver of one set of TLS options over the store.
#[derive(Debug)]
pub struct StoreResolver {
    pub store: Arc<CertificateStore>,
    pub sni_strict: bool,
}

impl ResolvesServerCert for StoreResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let chosen = self.store.select(hello.server_name(), self.sni_strict);
        if chosen.is_none() {
            tracing::debug!(sni = ?hello.server_name(), "strict SNI: no certificate for this name, closing the connection");
        }
        chosen
    }
}
