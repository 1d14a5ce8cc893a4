//! Active health checks (docs/traefik.md#health-checks): one probing task per (service, server).
//!
//! Tasks live outside snapshots and are reconciled after each reload: a server whose check
//! did not change keeps its task and its state, so a reload never resets health (Traefik
//! marks every server UP again on each reload). Removed servers' tasks stop. `https://`
//! servers are probed with the TLS settings of their servers transport.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{HOST, LOCATION};
use http::{HeaderName, HeaderValue, Request, StatusCode, Uri};
use http_body_util::Empty;
use hyper_rustls::{FixedServerNameResolver, HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use limpet_config::model::{HealthCheckModel, ServiceKind};
use tokio::task::JoinHandle;

use crate::data::service::{Server, ServerState, Service};
use crate::data::snapshot::RuntimeSnapshot;
use crate::data::tls::upstream::{self, UpstreamTls};
use limpet_config::model::TransportModel;
use rustls_pki_types::ServerName;

/// Redirects followed at most by one probe.
const MAX_REDIRECTS: usize = 10;

/// What one probe task checks; a change restarts the task.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Probe {
    uri: Uri,
    host: Option<String>,
    check: HealthCheckModel,
    /// The TLS settings' fingerprint of an `https://` server's pool.
    tls: Option<u64>,
}

/// Owns the probe tasks.
pub struct HealthChecker {
    client: ProbeClient,
    tasks: HashMap<(String, String), (Probe, JoinHandle<()>)>,
}

impl Default for HealthChecker {
    fn default() -> Self {
        let plain = Client::builder(TokioExecutor::new()).build(HttpConnector::new());
        let public_roots = upstream::client_config(&TransportModel::default())
            .ok()
            .map(|config| https_client(&config, None));
        HealthChecker {
            client: ProbeClient {
                plain,
                tls: public_roots,
            },
            tasks: HashMap::new(),
        }
    }
}

/// Probes `http://` URLs in clear and `https://` ones with `tls` (when there is one).
#[derive(Clone)]
struct ProbeClient {
    plain: Client<HttpConnector, Empty<Bytes>>,
    tls: Option<Client<HttpsConnector<HttpConnector>, Empty<Bytes>>>,
}

impl ProbeClient {
    /// The same plain client, `https://` with an `https://` server's own TLS settings.
    fn for_server(&self, tls: &UpstreamTls) -> ProbeClient {
        let config = tls.connector.config();
        ProbeClient {
            plain: self.plain.clone(),
            tls: Some(https_client(config, Some(tls.server_name.clone()))),
        }
    }

    async fn request(
        &self,
        req: Request<Empty<Bytes>>,
    ) -> Result<http::Response<hyper::body::Incoming>, String> {
        let https = req.uri().scheme() == Some(&http::uri::Scheme::HTTPS);
        let sent = match (&self.tls, https) {
            (Some(tls), true) => tls.request(req).await,
            (None, true) => return Err("no TLS configuration for https".to_owned()),
            (_, false) => self.plain.request(req).await,
        };
        sent.map_err(|e| format!("checking HTTP health: {}", error_chain(&e)))
    }
}

fn https_client(
    config: &Arc<rustls::ClientConfig>,
    server_name: Option<ServerName<'static>>,
) -> Client<HttpsConnector<HttpConnector>, Empty<Bytes>> {
    let mut config = (**config).clone();
    // hyper-rustls sets ALPN itself (and refuses a configuration that has some).
    config.alpn_protocols.clear();
    let builder = HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http();
    let builder = match server_name {
        Some(name) => builder.with_server_name_resolver(FixedServerNameResolver::new(name)),
        None => builder,
    };
    Client::builder(TokioExecutor::new()).build(builder.enable_http1().build())
}

/// An error and its sources, `: `-separated (hyper's own text hides the TLS reason).
fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

impl Drop for HealthChecker {
    fn drop(&mut self) {
        for (_, task) in self.tasks.values() {
            task.abort();
        }
    }
}

impl HealthChecker {
    /// Starts, keeps or stops probe tasks to match `snapshot`.
    pub fn reconcile(&mut self, snapshot: &RuntimeSnapshot) {
        let wanted = wanted_probes(snapshot);
        self.tasks.retain(|key, (probe, task)| {
            let keep = wanted.get(key).is_some_and(|(p, ..)| p == probe);
            if !keep {
                task.abort();
            }
            keep
        });
        for (key, (probe, state, url, tls)) in wanted {
            if !self.tasks.contains_key(&key) {
                let client = match &tls {
                    Some(tls) => self.client.for_server(tls),
                    None => self.client.clone(),
                };
                let task =
                    tokio::spawn(probe_loop(client, probe.clone(), state, key.0.clone(), url));
                self.tasks.insert(key, (probe, task));
            }
        }
    }
}

type Wanted = HashMap<(String, String), (Probe, Arc<ServerState>, Arc<str>, Option<UpstreamTls>)>;

/// Every (service, server identity) with an active check in `snapshot`.
fn wanted_probes(snapshot: &RuntimeSnapshot) -> Wanted {
    let mut wanted = HashMap::new();
    for (name, service) in &snapshot.services {
        let (Service::LoadBalancer(lb), Some(model)) =
            (&**service, snapshot.model.services.get(name))
        else {
            continue;
        };
        let ServiceKind::LoadBalancer(lb_model) = &model.kind else {
            continue;
        };
        let Some(check) = &lb_model.health_check else {
            continue;
        };
        for server in lb.servers() {
            let Some(probe) = probe_for(server, check) else {
                continue;
            };
            let key = (name.clone(), server.identity.to_string());
            let tls = server.dest.pool.tls().cloned();
            wanted.insert(key, (probe, server.state.clone(), server.url.clone(), tls));
        }
    }
    wanted
}

/// The probe URL: the server's, with the check's scheme, port and path.
fn probe_for(server: &Server, check: &HealthCheckModel) -> Option<Probe> {
    let scheme = check
        .scheme
        .clone()
        .unwrap_or_else(|| server.dest.scheme.as_str().to_owned());
    let host = server.dest.authority.host();
    let host = if host.contains(':') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    let authority = match (check.port, server.dest.authority.port_u16()) {
        (Some(port), _) | (None, Some(port)) => format!("{host}:{port}"),
        (None, None) => host,
    };
    let uri = format!("{scheme}://{authority}{}", check.path)
        .parse()
        .ok()?;
    Some(Probe {
        uri,
        host: check.hostname.clone(),
        check: check.clone(),
        tls: server.dest.pool.key().tls,
    })
}

/// Probes forever: every `interval` while up, every `unhealthyInterval` while down.
async fn probe_loop(
    client: ProbeClient,
    probe: Probe,
    state: Arc<ServerState>,
    service: String,
    url: Arc<str>,
) {
    loop {
        let result = run_probe(&client, &probe).await;
        let up = result.is_ok();
        if state.set_healthy(up) {
            match &result {
                Ok(()) => {
                    tracing::info!(serviceName = %service, server = %url, "health check passed: server is UP")
                }
                Err(reason) => {
                    tracing::warn!(serviceName = %service, server = %url, "Health check failed: {reason}; server is DOWN")
                }
            }
        }
        let wait = if up {
            probe.check.interval
        } else {
            probe.check.unhealthy_interval
        };
        tokio::time::sleep(wait).await;
    }
}

/// One probe (with redirects when allowed) within the check's timeout.
async fn run_probe(client: &ProbeClient, probe: &Probe) -> Result<(), String> {
    let attempt = follow(client, probe);
    let status = match tokio::time::timeout(probe.check.timeout, attempt).await {
        Ok(result) => result?,
        Err(_) => return Err(format!("timed out after {:?}", probe.check.timeout)),
    };
    let healthy = match probe.check.status {
        Some(expected) => status.as_u16() == expected,
        None => (200..400).contains(&status.as_u16()),
    };
    if healthy {
        Ok(())
    } else {
        Err(format!(
            "checking HTTP health: received error status code: {}",
            status.as_u16()
        ))
    }
}

async fn follow(client: &ProbeClient, probe: &Probe) -> Result<StatusCode, String> {
    let mut uri = probe.uri.clone();
    for _ in 0..=MAX_REDIRECTS {
        let response = client.request(request(probe, &uri)?).await?;
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|l| l.to_str().ok());
        match location
            .filter(|_| probe.check.follow_redirects && response.status().is_redirection())
        {
            Some(location) => {
                uri =
                    resolve(&uri, location).ok_or("checking HTTP health: bad redirect location")?
            }
            None => return Ok(response.status()),
        }
    }
    Err("checking HTTP health: too many redirects".to_owned())
}

fn request(probe: &Probe, uri: &Uri) -> Result<Request<Empty<Bytes>>, String> {
    let mut builder = Request::builder()
        .method(probe.check.method.clone())
        .uri(uri.clone());
    if let Some(host) = &probe.host {
        builder = builder.header(HOST, host.as_str());
    }
    for (name, value) in &probe.check.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            builder = builder.header(name, value);
        }
    }
    builder.body(Empty::new()).map_err(|e| e.to_string())
}

/// An absolute or origin-relative redirect target.
fn resolve(base: &Uri, location: &str) -> Option<Uri> {
    if location.starts_with('/') {
        let authority = base.authority()?;
        return format!("{}://{authority}{location}", base.scheme_str()?)
            .parse()
            .ok();
    }
    location.parse().ok()
}

/// Waits `interval` between sweeps and logs each drain that completes.
pub async fn watch_drains(registry: Arc<crate::data::service::ServerRegistry>, interval: Duration) {
    loop {
        tokio::time::sleep(interval).await;
        for ((service, identity), state) in registry.all() {
            if state.drain.check_complete() {
                tracing::info!(serviceName = %service, server = %identity, "drain complete: no session left on this server");
            }
        }
    }
}
