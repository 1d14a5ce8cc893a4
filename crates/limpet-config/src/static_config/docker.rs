//! `providers.docker`: the Docker provider's static options, with Traefik's defaults
//! (docs/traefik.md#docker-naming-and-defaults).

use serde::{Deserialize, Serialize};

use crate::duration::GoDuration;
use crate::dynamic::omit::is_false;

/// Traefik's default `providers.docker.defaultRule`.
pub const DEFAULT_RULE: &str = "Host(`{{ normalize .Name }}`)";

/// Traefik's default `providers.docker.endpoint`.
pub const DEFAULT_ENDPOINT: &str = "unix:///var/run/docker.sock";

/// `providers.docker`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DockerProvider {
    /// `unix:///path`, `tcp://host:port` (plain or with `tls`), `http://`, `https://`.
    pub endpoint: String,
    /// Default true; `traefik.enable` overrides it per container.
    pub exposed_by_default: bool,
    /// The network whose address is used when a container has no `traefik.docker.network`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub network: String,
    #[serde(rename = "useBindPortIP", skip_serializing_if = "is_false")]
    pub use_bind_port_ip: bool,
    /// A Go template evaluated per container (see `labels::docker::template`).
    pub default_rule: String,
    /// Traefik's label-constraint expression (`Label(…)`, `LabelRegex(…)`, `!`, `&&`, `||`).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub constraints: String,
    /// Default true: follow the events stream.
    pub watch: bool,
    /// Timeout of the daemon's answers (0: none); the events stream is not bounded by it.
    pub http_client_timeout: GoDuration,
    #[serde(skip_serializing_if = "is_false")]
    pub allow_empty_services: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub username: String,
    /// Accepted (Traefik sends it to the daemon as basic authentication).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub password: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<DockerTls>,
}

impl Default for DockerProvider {
    fn default() -> Self {
        DockerProvider {
            endpoint: DEFAULT_ENDPOINT.to_owned(),
            exposed_by_default: true,
            network: String::new(),
            use_bind_port_ip: false,
            default_rule: DEFAULT_RULE.to_owned(),
            constraints: String::new(),
            watch: true,
            http_client_timeout: GoDuration(0),
            allow_empty_services: false,
            username: String::new(),
            password: String::new(),
            tls: None,
        }
    }
}

/// `providers.docker.tls`: files in PEM.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DockerTls {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ca: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cert: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    #[serde(skip_serializing_if = "is_false")]
    pub insecure_skip_verify: bool,
}
