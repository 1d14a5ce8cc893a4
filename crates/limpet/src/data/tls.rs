//! TLS at the edge. Every entrypoint accepts plain HTTP and TLS on the same port (`accept`:
//! the first byte decides). Per snapshot, built once: one certificate store (`store`: the
//! configured certificates by name, the default certificate), one rustls `ServerConfig` per
//! TLS options (`config`), and for each entrypoint the TLS options of every host its TLS
//! routers name. A handshake takes the options of its SNI's host (else `default`); a
//! request whose `Host` has other options than its SNI is misdirected (421), as in Traefik.
//! A reload builds a new snapshot; open connections keep the configuration they started with.
//! TLS to `https://` servers is `upstream`.

mod accept;
mod certs;
mod client_auth;
mod config;
mod generated;
mod names;
mod store;
pub mod upstream;

use std::collections::HashMap;
use std::sync::Arc;

use limpet_config::merge::tls::DEFAULT;
use limpet_config::model::tls::{TlsModel, TlsOptionsModel, TlsProblem};
use limpet_config::model::RouterModel;
use limpet_rule::{HostConstraint, HostPattern};
use rustls::crypto::CryptoProvider;
use rustls::ServerConfig;

pub use accept::{handshake, sniff, FirstBytes, Negotiated, HANDSHAKE_TIMEOUT};
pub use generated::COMMON_NAME as GENERATED_COMMON_NAME;
pub use names::certificate_names;
pub use store::CertificateStore;

/// The TLS side of one snapshot.
#[derive(Debug, Default)]
pub struct TlsSnapshot {
    /// One server configuration per usable TLS options.
    configs: HashMap<String, Arc<ServerConfig>>,
    /// For an SNI no TLS router names: the `default` options.
    fallback: Option<Arc<ServerConfig>>,
    /// Per entrypoint index: host → TLS options of the TLS routers naming it.
    hosts: Vec<HashMap<Box<str>, Arc<str>>>,
    /// Problems found building it (logged by the reload, shown by the API).
    pub problems: Vec<TlsProblem>,
    /// The configured certificates in service and the names they answer for.
    pub certificates: Vec<ServedCertificate>,
}

/// A configured certificate in service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedCertificate {
    pub element: String,
    pub names: Vec<String>,
}

impl TlsSnapshot {
    /// Builds the store, the server configurations, and the options of each entrypoint's
    /// hosts from `routers[i]`, the TLS routers of entrypoint `i`.
    pub fn build(model: &TlsModel, routers: &[Vec<&RouterModel>]) -> TlsSnapshot {
        let provider = rustls::crypto::ring::default_provider();
        let mut snapshot = TlsSnapshot::default();
        let store = Arc::new(snapshot.store(model, &provider));
        for (name, options) in &model.options {
            match config::server_config(options, &store) {
                Ok(config) => {
                    snapshot.configs.insert(name.clone(), config);
                }
                Err(error) => snapshot.problem(&format!("tls.options.{name}"), error),
            }
        }
        snapshot.fallback = snapshot
            .configs
            .get(DEFAULT)
            .cloned()
            .or_else(|| config::server_config(&TlsOptionsModel::default(), &store).ok());
        snapshot.hosts = routers
            .iter()
            .map(|routers| snapshot.hosts_of(routers))
            .collect();
        snapshot
    }

    fn problem(&mut self, element: &str, message: String) {
        self.problems.push(TlsProblem {
            element: element.to_owned(),
            message,
            critical: true,
        });
    }

    /// The configured certificates and the default one (configured, else generated).
    fn store(&mut self, model: &TlsModel, provider: &CryptoProvider) -> CertificateStore {
        let configured_default = model.default_certificate.as_ref().and_then(|cert| {
            certs::load(cert, provider)
                .map_err(|e| {
                    self.problem(
                        &cert.element,
                        format!("{e}; limpet's generated certificate is used instead"),
                    )
                })
                .ok()
        });
        let default = match configured_default {
            Some(loaded) => Some(loaded.key),
            None => generated::default_certificate(provider),
        };
        let mut store = CertificateStore::new(default);
        for certificate in &model.certificates {
            match certs::load(certificate, provider) {
                Ok(loaded) => {
                    store.add(&loaded.names, &loaded.key);
                    self.certificates.push(ServedCertificate {
                        element: certificate.element.clone(),
                        names: loaded.names,
                    });
                }
                Err(error) => self.problem(&certificate.element, error),
            }
        }
        store
    }

    /// Host → options of `routers`; a host two routers give different options gets the
    /// default options, with a warning (Traefik's "different TLS options … on the same host").
    fn hosts_of(&mut self, routers: &[&RouterModel]) -> HashMap<Box<str>, Arc<str>> {
        let mut hosts: HashMap<Box<str>, Arc<str>> = HashMap::new();
        let mut conflicts = Vec::new();
        for router in routers {
            let Some(tls) = &router.tls else { continue };
            let HostConstraint::OneOf(patterns) = router.rule.host_constraint() else {
                continue;
            };
            for pattern in patterns {
                let HostPattern::Exact(host) = pattern else {
                    continue;
                };
                let existing = hosts.entry(host.clone().into_boxed_str());
                let options = existing.or_insert_with(|| tls.options.as_str().into());
                if **options != *tls.options && !conflicts.contains(&host) {
                    conflicts.push(host);
                }
            }
        }
        for host in conflicts {
            hosts.insert(host.as_str().into(), DEFAULT.into());
            let message = format!("found different TLS options for routers on the same host {host}, so using the default TLS options instead");
            self.problems.push(TlsProblem {
                element: format!("host {host}"),
                message,
                critical: false,
            });
        }
        hosts
    }

    /// The server configuration for a handshake on `entry_point` with SNI `server_name`.
    pub fn config_for(
        &self,
        entry_point: usize,
        server_name: Option<&str>,
    ) -> Option<Arc<ServerConfig>> {
        let named = server_name
            .map(|sni| self.options_for(entry_point, sni))
            .filter(|options| *options != DEFAULT)
            .and_then(|options| self.configs.get(options));
        named.or(self.fallback.as_ref()).cloned()
    }

    /// The TLS options of `host` (canonical) on `entry_point`: `default` when no TLS router
    /// names it.
    pub fn options_for(&self, entry_point: usize, host: &str) -> &str {
        self.hosts
            .get(entry_point)
            .and_then(|hosts| hosts.get(host))
            .map_or(DEFAULT, |options| options)
    }

    /// Whether a request for `host` over a connection whose SNI was `server_name` must be
    /// refused (421): the two have different TLS options.
    pub fn misdirected(&self, entry_point: usize, server_name: Option<&str>, host: &str) -> bool {
        let sni = server_name.unwrap_or_default();
        sni != host && self.options_for(entry_point, sni) != self.options_for(entry_point, host)
    }
}
