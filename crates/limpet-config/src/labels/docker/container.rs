//! What the Docker provider knows of one container (the Engine API's inspect answer, or a
//! Compose file's service), and the server URL Traefik derives from it: the network
//! address (`traefik.docker.network`, else `providers.docker.network`, else the first
//! network), the port (`loadbalancer.server.port`, else the lowest exposed port), or the
//! host binding with `useBindPortIP`.

use std::collections::BTreeMap;

use crate::labels::{LabelProblem, ServerLabels};

/// Docker's `State.Status` of a container that serves.
pub const RUNNING: &str = "running";
/// Docker's `State.Health.Status` of a container that passed its health check.
pub const HEALTHY: &str = "healthy";

const COMPOSE_SERVICE: &str = "com.docker.compose.service";
const COMPOSE_PROJECT: &str = "com.docker.compose.project";
const COMPOSE_NUMBER: &str = "com.docker.compose.container-number";

/// One container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Container {
    pub id: String,
    /// Container name, without Docker's leading `/`.
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// `State.Status`: `running`, `paused`, `exited`, `created`…
    pub status: String,
    /// `State.Health.Status` when the image has a health check.
    pub health: Option<String>,
    /// Network name → the container's address on it (an IP; a Compose file only tells
    /// the container's DNS name).
    pub networks: BTreeMap<String, String>,
    /// `HostConfig.NetworkMode` (`host` → served on 127.0.0.1).
    pub network_mode: String,
    /// Exposed container ports (`NetworkSettings.Ports` keys) and their host bindings.
    pub ports: Vec<ExposedPort>,
}

/// One `NetworkSettings.Ports` entry (`"8080/tcp": [{HostIp, HostPort}]`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExposedPort {
    pub port: u16,
    pub protocol: String,
    pub bindings: Vec<PortBinding>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PortBinding {
    pub host_ip: String,
    pub host_port: String,
}

impl ExposedPort {
    pub fn tcp(port: u16) -> ExposedPort {
        ExposedPort {
            port,
            protocol: "tcp".to_owned(),
            bindings: Vec::new(),
        }
    }
}

impl Container {
    pub fn is_running(&self) -> bool {
        self.status == RUNNING
    }

    /// Healthy, or without a health check.
    pub fn is_healthy(&self) -> bool {
        self.health
            .as_deref()
            .is_none_or(|h| h.is_empty() || h == HEALTHY)
    }

    /// `<service>_<project>` for Compose containers, else the container name (Traefik's
    /// `getServiceName`), before normalisation.
    pub fn raw_service_name(&self) -> String {
        match (self.compose_service(), self.label(COMPOSE_PROJECT)) {
            (Some(service), Some(project)) => format!("{service}_{project}"),
            _ => self.name.trim_start_matches('/').to_owned(),
        }
    }

    /// limpet's stable server identity: `<project>-<service>-<replica number>` for a
    /// Compose container, else the container name. It survives a restart with a new IP.
    pub fn identity(&self) -> String {
        let compose = (
            self.label(COMPOSE_PROJECT),
            self.compose_service(),
            self.label(COMPOSE_NUMBER),
        );
        match compose {
            (Some(project), Some(service), Some(number)) => {
                format!("{project}-{service}-{number}")
            }
            _ => self.name.trim_start_matches('/').to_owned(),
        }
    }

    fn compose_service(&self) -> Option<&str> {
        self.label(COMPOSE_SERVICE)
    }

    fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Traefik takes the lowest-numbered exposed port.
    fn lowest_port(&self) -> Option<u16> {
        self.ports.iter().map(|p| p.port).min()
    }
}

/// Why a container's server cannot be built (Traefik's texts).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerError {
    #[error("defining scheme or port is not allowed when URL is defined")]
    UrlWithSchemeOrPort,
    #[error("port is missing")]
    NoPort,
    #[error("unable to find the IP address for the container {0:?}: the server is ignored")]
    NoAddress(String),
}

/// How the provider picks addresses.
#[derive(Debug, Clone, Copy)]
pub struct AddressOptions<'a> {
    /// `traefik.docker.network`, else `providers.docker.network` (empty: none).
    pub network: &'a str,
    pub use_bind_port_ip: bool,
}

/// The server URL of `container` for one load balancer: the `url` label, else
/// `<scheme>://<ip>:<port>`. Warnings (an unknown network) go to `notes`.
pub fn server_url(
    labels: &ServerLabels,
    container: &Container,
    options: AddressOptions<'_>,
    notes: &mut Vec<LabelProblem>,
) -> Result<String, ServerError> {
    if let Some(url) = &labels.url {
        if labels.port.is_some() || labels.scheme.is_some() {
            return Err(ServerError::UrlWithSchemeOrPort);
        }
        return Ok(url.clone());
    }
    let port = labels
        .port
        .clone()
        .or_else(|| container.lowest_port().map(|p| p.to_string()));
    let (ip, port) = match bound(container, port.as_deref(), options) {
        Some(bound) => bound,
        None => (address(container, options, notes), port.unwrap_or_default()),
    };
    let ip = ip.ok_or_else(|| ServerError::NoAddress(container.name.clone()))?;
    if port.is_empty() {
        return Err(ServerError::NoPort);
    }
    let scheme = labels.scheme.as_deref().unwrap_or("http");
    Ok(format!("{scheme}://{}:{port}", bracket(&ip)))
}

/// `useBindPortIP`: the host binding of the chosen port, when it names an address.
fn bound(
    container: &Container,
    port: Option<&str>,
    options: AddressOptions<'_>,
) -> Option<(Option<String>, String)> {
    if !options.use_bind_port_ip {
        return None;
    }
    let port: u16 = port?.parse().ok()?;
    let exposed = container.ports.iter().find(|p| p.port == port)?;
    let binding = exposed.bindings.first()?;
    let usable = !binding.host_ip.is_empty() && binding.host_ip != "0.0.0.0";
    usable.then(|| (Some(binding.host_ip.clone()), binding.host_port.clone()))
}

/// The address on the chosen network, else (host mode) 127.0.0.1, else the first network's.
fn address(
    container: &Container,
    options: AddressOptions<'_>,
    notes: &mut Vec<LabelProblem>,
) -> Option<String> {
    if !options.network.is_empty() {
        match container.networks.get(options.network) {
            Some(ip) if !ip.is_empty() => return Some(ip.clone()),
            _ => notes.push(unknown_network(container, options.network)),
        }
    }
    if container.network_mode == "host" {
        return Some("127.0.0.1".to_owned());
    }
    container
        .networks
        .values()
        .find(|ip| !ip.is_empty())
        .cloned()
}

fn unknown_network(container: &Container, network: &str) -> LabelProblem {
    LabelProblem {
        element: None,
        label: container.name.clone(),
        message: format!(
            "container {}: could not find network named {network:?}; using its first network (maybe the label is missing the project's prefix?)",
            container.name
        ),
        is_error: false,
    }
}

/// Go's `net.JoinHostPort`: IPv6 addresses in brackets.
fn bracket(ip: &str) -> String {
    if ip.contains(':') && !ip.starts_with('[') {
        format!("[{ip}]")
    } else {
        ip.to_owned()
    }
}
