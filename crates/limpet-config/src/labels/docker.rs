//! Many containers → one configuration (docs/traefik.md#docker-naming-and-defaults). The
//! live Docker provider and `limpet check --compose` both call [`build`], so they agree.
//!
//! Per container, in Traefik's order: only running containers (unless
//! `traefik.docker.allownonrunning`), `traefik.enable` (else `exposedByDefault`), the
//! constraints, healthy or without a health check (unless `allowEmptyServices`: then an
//! empty load balancer, 503); a service named after the container when none is labelled, a
//! router named after it when none is labelled (and at most one service), the default rule
//! template, a router without `service` linked to the single service, and one server per
//! load balancer built from `loadbalancer.server.*` and the container's address. limpet adds
//! a stable server `id` ([`Container::identity`]) so sessions survive a new IP. Containers
//! sharing a name are merged like Traefik's `ResourceStrategyMerge`.

pub mod constraints;
mod container;
pub mod template;

use std::collections::BTreeMap;

pub use constraints::{Constraint, ConstraintError};
pub use container::{Container, ExposedPort, PortBinding, HEALTHY, RUNNING};
pub use template::{Template, TemplateData, TemplateError};

use super::{decode_labels, parse_bool, DecodedLabels, LabelProblem, ServerLabels};
use crate::diagnostics::ElementKind;
use crate::dynamic::{Configuration, HttpConfiguration, LoadBalancer, Router, Service};
use crate::static_config::DockerProvider;
use container::AddressOptions;

/// `providers.docker` options that change the result, parsed.
#[derive(Debug, Clone)]
pub struct DockerOptions {
    pub exposed_by_default: bool,
    pub network: String,
    pub use_bind_port_ip: bool,
    pub default_rule: Template,
    pub constraints: Option<Constraint>,
    pub allow_empty_services: bool,
}

/// `providers.docker` options that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    #[error(transparent)]
    DefaultRule(#[from] TemplateError),
    #[error(transparent)]
    Constraints(#[from] ConstraintError),
}

impl Default for DockerOptions {
    fn default() -> Self {
        DockerOptions {
            exposed_by_default: true,
            network: String::new(),
            use_bind_port_ip: false,
            default_rule: Template::traefik_default(),
            constraints: None,
            allow_empty_services: false,
        }
    }
}

impl DockerOptions {
    /// Parses the template and the constraints of the static options.
    pub fn from_static(provider: &DockerProvider) -> Result<DockerOptions, OptionsError> {
        Ok(DockerOptions {
            exposed_by_default: provider.exposed_by_default,
            network: provider.network.clone(),
            use_bind_port_ip: provider.use_bind_port_ip,
            default_rule: Template::parse(&provider.default_rule)?,
            constraints: Constraint::parse(&provider.constraints)?,
            allow_empty_services: provider.allow_empty_services,
        })
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

/// `traefik.docker.*` labels (and `traefik.enable`), read before anything else.
#[derive(Debug, Default)]
struct ProviderLabels {
    enable: Option<bool>,
    network: Option<String>,
    allow_non_running: bool,
}

/// The provider labels; a value that does not parse skips the container, as in Traefik.
fn provider_labels(container: &Container) -> Result<ProviderLabels, LabelProblem> {
    let mut found = ProviderLabels::default();
    for (key, value) in &container.labels {
        let lower = key.to_ascii_lowercase();
        let flag = |slot: &mut Option<bool>| {
            *slot = Some(parse_bool(value).ok_or_else(|| invalid_bool(container, key, value))?);
            Ok::<(), LabelProblem>(())
        };
        match lower.as_str() {
            "traefik.enable" => flag(&mut found.enable)?,
            "traefik.docker.network" => found.network = Some(value.trim().to_owned()),
            "traefik.docker.allownonrunning" => {
                let mut allow = None;
                flag(&mut allow)?;
                found.allow_non_running = allow.unwrap_or(false);
            }
            _ => {}
        }
    }
    Ok(found)
}

fn invalid_bool(container: &Container, key: &str, value: &str) -> LabelProblem {
    LabelProblem {
        element: None,
        label: key.to_owned(),
        message: format!(
            "container {}: label {key:?}: invalid boolean {value:?} (Go's true/false, 1/0, t/f); the container is skipped",
            container.name
        ),
        is_error: true,
    }
}

/// Traefik's `keepContainer` plus the running filter: `Some(serves)` when the container
/// contributes (`serves` false: an empty load balancer), `None` when it is left out.
fn keep(container: &Container, labels: &ProviderLabels, options: &DockerOptions) -> Option<bool> {
    if !container.is_running() && !labels.allow_non_running {
        return None;
    }
    if !labels.enable.unwrap_or(options.exposed_by_default) {
        return None;
    }
    if let Some(constraint) = &options.constraints {
        if !constraint.matches(&container.labels) {
            return None;
        }
    }
    if !container.is_healthy() && !options.allow_empty_services {
        return None;
    }
    Some(container.is_running() && container.is_healthy())
}

/// One container's elements, or `None` when it is not exposed or cannot be used.
fn container_configuration(
    container: &Container,
    options: &DockerOptions,
    problems: &mut Vec<LabelProblem>,
) -> Option<HttpConfiguration> {
    let provider = provider_labels(container)
        .map_err(|problem| problems.push(problem))
        .ok()?;
    let serves = keep(container, &provider, options)?;
    let mut decoded = decode_labels(&container.labels);
    problems.append(&mut decoded.problems);
    let name = service_name(container);
    let mut http = std::mem::take(&mut decoded.http);
    add_default_service(&mut http, &decoded, &name);
    if serves {
        let network = provider.network.as_deref().unwrap_or(&options.network);
        let address = AddressOptions {
            network,
            use_bind_port_ip: options.use_bind_port_ip,
        };
        if let Err(problem) =
            fill_servers(&mut http, &decoded.servers, container, address, problems)
        {
            problems.push(problem);
            return None; // Traefik drops the container (`port is missing`, …)
        }
    }
    add_default_router(&mut http, container, &name, problems);
    let data = TemplateData {
        name: &name,
        container_name: container.name.trim_start_matches('/'),
        labels: &container.labels,
    };
    let rule = options.default_rule.render(&data);
    link_routers(&mut http, container, &rule, problems);
    Some(http)
}

/// `<service>_<project>` for Compose containers, else the container name; normalised.
pub fn service_name(container: &Container) -> String {
    normalize(&container.raw_service_name())
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

/// The container's server in every load balancer it declares, with its stable identity.
fn fill_servers(
    http: &mut HttpConfiguration,
    servers: &BTreeMap<String, ServerLabels>,
    container: &Container,
    address: AddressOptions<'_>,
    notes: &mut Vec<LabelProblem>,
) -> Result<(), LabelProblem> {
    for (name, service) in &mut http.services {
        let Some(lb) = service.load_balancer.as_mut() else {
            continue;
        };
        let labels = servers.get(name).cloned().unwrap_or_default();
        let url = container::server_url(&labels, container, address, notes).map_err(|message| {
            LabelProblem {
                element: Some((ElementKind::Service, name.clone())),
                label: container.name.clone(),
                message: format!("container {}: service {name:?}: {message}", container.name),
                is_error: true,
            }
        })?;
        lb.servers = vec![crate::dynamic::Server {
            url,
            weight: labels.weight,
            preserve_path: labels.preserve_path.unwrap_or(false),
            id: labels.id.clone().or_else(|| Some(container.identity())),
            draining: false,
        }];
    }
    Ok(())
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
    default_rule: &str,
    problems: &mut Vec<LabelProblem>,
) {
    let single_service = match http.services.keys().collect::<Vec<_>>().as_slice() {
        [only] => Some((*only).clone()),
        _ => None,
    };
    let mut unlinked = Vec::new();
    for (router_name, router) in &mut http.routers {
        if router.rule.is_empty() {
            router.rule = default_rule.to_owned();
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
