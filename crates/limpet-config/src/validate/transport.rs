//! Servers transports: the TLS settings limpet applies to `https://` servers (`serverName`,
//! `insecureSkipVerify`, `rootCAs`, one client certificate), resolved once per configuration.
//! A load balancer naming a missing or broken transport is disabled; settings limpet does
//! not apply yet are a warning on each service using the transport.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::tls::{certificates, decode, file_or_content};
use crate::diagnostics::ElementError;
use crate::dynamic::ServersTransport;
use crate::merge::{qualify, Merged};
use crate::model::tls::{TransportModel, DEFAULT_TRANSPORT};

/// A transport's model or why it cannot be used, and its warnings.
type Resolved = (Result<Arc<TransportModel>, ElementError>, Vec<ElementError>);

/// Every transport by qualified name.
#[derive(Debug, Default)]
pub(super) struct Transports {
    resolved: BTreeMap<String, Resolved>,
}

impl Transports {
    pub(super) fn new(merged: &Merged) -> Transports {
        let mut resolved: BTreeMap<_, _> = merged
            .servers_transports
            .iter()
            .map(|(name, element)| (name.clone(), resolve(name, &element.config)))
            .collect();
        resolved
            .entry(DEFAULT_TRANSPORT.to_owned())
            .or_insert_with(|| {
                let default = TransportModel {
                    name: DEFAULT_TRANSPORT.to_owned(),
                    ..TransportModel::default()
                };
                (Ok(Arc::new(default)), Vec::new())
            });
        Transports { resolved }
    }

    /// The transport a load balancer of `provider` names (`""`: the default), with the
    /// warnings of that transport.
    pub(super) fn get(
        &self,
        written: &str,
        provider: &str,
    ) -> (Result<Arc<TransportModel>, ElementError>, &[ElementError]) {
        let name = match written {
            "" => DEFAULT_TRANSPORT.to_owned(),
            written => qualify(written, provider),
        };
        match self.resolved.get(&name) {
            Some((model, warnings)) => (model.clone(), warnings),
            None => {
                let message = format!("servers transport not found {name}");
                (Err(ElementError::invalid(message)), &[])
            }
        }
    }
}

fn resolve(name: &str, config: &ServersTransport) -> Resolved {
    let model = model(name, config)
        .map(Arc::new)
        .map_err(|e| ElementError::invalid(format!("serversTransport {name}: {e}")));
    (model, warnings(name, config))
}

fn model(name: &str, config: &ServersTransport) -> Result<TransportModel, String> {
    let mut root_cas = Vec::new();
    for (index, ca) in config.root_cas.iter().enumerate() {
        let key = format!("rootCAs[{index}]");
        let pem = file_or_content(&key, ca)?;
        root_cas.extend(certificates(&pem).map_err(|e| format!("{key}: {e}"))?);
    }
    let client_certificate = match config.certificates.first() {
        Some(pair) => Some(decode(&format!("{name}.certificates[0]"), pair)?),
        None => None,
    };
    Ok(TransportModel {
        name: name.to_owned(),
        server_name: Some(config.server_name.clone()).filter(|s| !s.is_empty()),
        insecure_skip_verify: config.insecure_skip_verify,
        root_cas,
        client_certificate,
    })
}

fn warnings(name: &str, config: &ServersTransport) -> Vec<ElementError> {
    let unapplied = [
        ("maxIdleConnsPerHost", config.max_idle_conns_per_host != 0),
        ("forwardingTimeouts", config.forwarding_timeouts.is_some()),
        ("peerCertURI", !config.peer_cert_uri.is_empty()),
        ("spiffe", config.spiffe.is_some()),
        (
            "certificates beyond the first",
            config.certificates.len() > 1,
        ),
    ];
    unapplied
        .into_iter()
        .filter(|(_, set)| *set)
        .map(|(key, _)| {
            ElementError::unsupported(format!(
                "serversTransport {name}: {key} is not applied yet (dial timeout 30s, keep-alive, HTTP/1.1)"
            ))
        })
        .collect()
}
