//! Many containers' labels → one configuration (docs/traefik.md#docker-naming-and-defaults).
//!
//! Per container: `traefik.enable` (else `exposedByDefault`), a service named after the
//! container when none is labelled, a router named after it when none is labelled (and
//! at most one service), the default rule `Host(`<name>`)`, a router without `service`
//! linked to the single service, and one server per load balancer built from
//! `loadbalancer.server.*` and the container's address. Containers sharing a name are
//! merged like Traefik's `ResourceStrategyMerge`: identical routers and middlewares are
//! kept once, load balancers equal but for their servers pool the servers.

use std::collections::BTreeMap;

use super::{decode_labels, DecodedLabels, LabelProblem, ServerLabels};
use crate::diagnostics::ElementKind;
use crate::dynamic::{Configuration, HttpConfiguration, LoadBalancer, Router, Server, Service};

const COMPOSE_SERVICE: &str = "com.docker.compose.service";
const COMPOSE_PROJECT: &str = "com.docker.compose.project";

/// What the Docker provider knows about one container.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Container {
    /// Container name, without Docker's leading `/`.
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// Where its servers are reached: Traefik uses the container's IP on the network;
    /// a Compose file only tells the container's DNS name.
    pub host: String,
    /// Exposed (container-side) ports.
    pub ports: Vec<u16>,
}

/// `providers.docker` options that change the result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DockerOptions {
    pub exposed_by_default: bool,
}

impl Default for DockerOptions {
    fn default() -> Self {
        DockerOptions {
            exposed_by_default: true,
        }
    }
}

/// The provider configuration and every label problem found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DockerOutcome {
    pub configuration: Configuration,
    pub problems: Vec<LabelProblem>,
}

/// Builds the `docker` provider configuration of `containers`.
pub fn build(containers: &[Container], options: &DockerOptions) -> DockerOutcome {
    let mut merger = super::docker_merge::Merger::default();
    let mut problems = Vec::new();
    for container in containers {
        if let Some(http) = container_configuration(container, options, &mut problems) {
            merger.add(http);
        }
    }
    let (http, merge_problems) = merger.finish();
    problems.extend(merge_problems);
    let configuration = Configuration {
        http: (!is_empty(&http)).then_some(http),
        ..Configuration::default()
    };
    DockerOutcome {
        configuration,
        problems,
    }
}

fn is_empty(http: &HttpConfiguration) -> bool {
    http.routers.is_empty() && http.services.is_empty() && http.middlewares.is_empty()
}

/// One container's elements, or `None` when it is not exposed or cannot be used.
fn container_configuration(
    container: &Container,
    options: &DockerOptions,
    problems: &mut Vec<LabelProblem>,
) -> Option<HttpConfiguration> {
    let mut decoded = decode_labels(&container.labels);
    problems.append(&mut decoded.problems);
    if !decoded.enable.unwrap_or(options.exposed_by_default) {
        return None;
    }
    let name = service_name(container);
    let mut http = std::mem::take(&mut decoded.http);
    add_default_service(&mut http, &decoded, &name);
    if let Err(problem) = fill_servers(&mut http, &decoded.servers, container) {
        problems.push(problem);
        return None; // Traefik drops the container (`port is missing`, …)
    }
    add_default_router(&mut http, container, &name, problems);
    link_routers(&mut http, container, &name, problems);
    Some(http)
}

/// `<service>_<project>` for Compose containers, else the container name; normalised.
pub fn service_name(container: &Container) -> String {
    let labels = &container.labels;
    let raw = match (labels.get(COMPOSE_SERVICE), labels.get(COMPOSE_PROJECT)) {
        (Some(service), Some(project)) => format!("{service}_{project}"),
        _ => container.name.trim_start_matches('/').to_owned(),
    };
    normalize(&raw)
}

/// Traefik's `provider.Normalize`: split on anything but letters and digits, join with `-`.
pub fn normalize(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// A service named after the container when no service is labelled (server labels alone
/// also declare their service).
fn add_default_service(http: &mut HttpConfiguration, decoded: &DecodedLabels, name: &str) {
    for service in decoded.servers.keys() {
        http.services
            .entry(service.clone())
            .or_insert_with(load_balancer_service);
    }
    if http.services.is_empty() {
        http.services
            .insert(name.to_owned(), load_balancer_service());
    }
}

fn load_balancer_service() -> Service {
    Service {
        load_balancer: Some(LoadBalancer::default()),
        ..Service::default()
    }
}

/// The container's server in every load balancer it declares.
fn fill_servers(
    http: &mut HttpConfiguration,
    servers: &BTreeMap<String, ServerLabels>,
    container: &Container,
) -> Result<(), LabelProblem> {
    for (name, service) in &mut http.services {
        let Some(lb) = service.load_balancer.as_mut() else {
            continue;
        };
        let labels = servers.get(name).cloned().unwrap_or_default();
        let server = server_of(&labels, container).map_err(|message| LabelProblem {
            element: Some((ElementKind::Service, name.clone())),
            label: container.name.clone(),
            message: format!("container {}: service {name:?}: {message}", container.name),
            is_error: true,
        })?;
        lb.servers = vec![server];
    }
    Ok(())
}

/// Why a container's server cannot be built (Traefik's texts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
enum ServerError {
    #[error("defining scheme or port is not allowed when URL is defined")]
    UrlWithSchemeOrPort,
    #[error("port is missing")]
    NoPort,
}

fn server_of(labels: &ServerLabels, container: &Container) -> Result<Server, ServerError> {
    let url = match &labels.url {
        Some(_) if labels.port.is_some() || labels.scheme.is_some() => {
            return Err(ServerError::UrlWithSchemeOrPort)
        }
        Some(url) => url.clone(),
        None => {
            let scheme = labels.scheme.as_deref().unwrap_or("http");
            let port = labels
                .port
                .clone()
                .or_else(|| lowest_port(container))
                .ok_or(ServerError::NoPort)?;
            format!("{scheme}://{}:{port}", container.host)
        }
    };
    Ok(Server {
        url,
        weight: labels.weight,
        preserve_path: labels.preserve_path.unwrap_or(false),
        id: labels.id.clone(),
        draining: false,
    })
}

/// Traefik takes the lowest-numbered exposed port.
fn lowest_port(container: &Container) -> Option<String> {
    container.ports.iter().min().map(u16::to_string)
}

fn add_default_router(
    http: &mut HttpConfiguration,
    container: &Container,
    name: &str,
    problems: &mut Vec<LabelProblem>,
) {
    if !http.routers.is_empty() {
        return;
    }
    if http.services.len() > 1 {
        problems.push(container_problem(
            container,
            "Could not create a router for the container: too many services",
        ));
        return;
    }
    http.routers.insert(name.to_owned(), Router::default());
}

/// Default rule and automatic service link; routers that cannot be linked are removed.
fn link_routers(
    http: &mut HttpConfiguration,
    container: &Container,
    name: &str,
    problems: &mut Vec<LabelProblem>,
) {
    let single_service = match http.services.keys().collect::<Vec<_>>().as_slice() {
        [only] => Some((*only).clone()),
        _ => None,
    };
    let mut unlinked = Vec::new();
    for (router_name, router) in &mut http.routers {
        if router.rule.is_empty() {
            router.rule = format!("Host(`{name}`)");
        }
        if router.service.is_empty() {
            match &single_service {
                Some(service) => router.service = service.clone(),
                None => unlinked.push(router_name.clone()),
            }
        }
    }
    for router in unlinked {
        http.routers.remove(&router);
        let message =
            format!("Router {router} cannot be linked automatically with multiple Services");
        problems.push(container_problem(container, &message));
    }
}

fn container_problem(container: &Container, message: &str) -> LabelProblem {
    LabelProblem {
        element: None,
        label: container.name.clone(),
        message: format!("container {}: {message}", container.name),
        is_error: true,
    }
}
