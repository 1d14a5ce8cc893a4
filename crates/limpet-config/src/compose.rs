//! Docker Compose files → the containers Docker would run, so their labels can be checked
//! without a Docker daemon: labels (list `- "k=v"` or map), `container_name`, replicas
//! (`deploy.replicas`, `scale`), exposed ports (`expose`, `ports`), and the Compose labels
//! Docker adds (`com.docker.compose.{service,project}`), which drive Traefik's naming.
//!
//! Containers are named `<project>-<service>-<n>` (Compose v2), carry
//! `com.docker.compose.container-number` and are addressed by that name on each of their
//! networks (`<project>_default`, or `<project>_<name>` per `networks` entry): Traefik uses
//! the container's IP instead, which a file cannot tell. The containers then go through the
//! same [`docker::build`] as the live provider's.

use std::collections::BTreeMap;

use serde_yaml_ng::Value;

use crate::labels::docker::{self, Container, DockerOptions, DockerOutcome, ExposedPort};

/// A Compose file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    #[error("not a valid Compose file: {0}")]
    Yaml(String),
    #[error("not a valid Compose file: {0}")]
    Shape(String),
}

/// The containers of Compose file `text`; `default_project` is used when the file has no
/// top-level `name` (Compose uses the directory name).
pub fn containers(text: &str, default_project: &str) -> Result<Vec<Container>, ComposeError> {
    let mut document: Value =
        serde_yaml_ng::from_str(text).map_err(|e| ComposeError::Yaml(e.to_string()))?;
    document
        .apply_merge()
        .map_err(|e| ComposeError::Yaml(e.to_string()))?;
    let project = match document.get("name").and_then(Value::as_str) {
        Some(name) => project_name(name),
        None => project_name(default_project),
    };
    let Some(services) = document.get("services") else {
        return Ok(Vec::new());
    };
    let services = services
        .as_mapping()
        .ok_or_else(|| ComposeError::Shape("`services` must be a mapping".to_owned()))?;
    let mut out = Vec::new();
    for (name, definition) in services {
        let name = scalar(name);
        out.extend(service_containers(&project, &name, definition)?);
    }
    Ok(out)
}

/// The `docker` provider configuration Traefik would build from the file's containers,
/// with the default `providers.docker` options.
pub fn docker_provider(text: &str, default_project: &str) -> Result<DockerOutcome, ComposeError> {
    docker_provider_with(text, default_project, &DockerOptions::default())
}

/// The same with the given `providers.docker` options.
pub fn docker_provider_with(
    text: &str,
    default_project: &str,
    options: &DockerOptions,
) -> Result<DockerOutcome, ComposeError> {
    let containers = containers(text, default_project)?;
    Ok(docker::build(&containers, options))
}

/// Compose's project name: lowercase, only `a-z0-9_-`.
pub fn project_name(raw: &str) -> String {
    raw.to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

fn service_containers(
    project: &str,
    service: &str,
    definition: &Value,
) -> Result<Vec<Container>, ComposeError> {
    let mut labels = labels_of(service, definition.get("labels"))?;
    labels.insert("com.docker.compose.service".to_owned(), service.to_owned());
    labels.insert("com.docker.compose.project".to_owned(), project.to_owned());
    let ports: Vec<ExposedPort> = ports_of(definition)
        .into_iter()
        .map(ExposedPort::tcp)
        .collect();
    let fixed_name = definition.get("container_name").map(scalar);
    let networks = networks_of(project, definition);
    let replicas = replicas_of(definition);
    let names: Vec<String> = match fixed_name {
        Some(name) => vec![name],
        None => (1..=replicas)
            .map(|n| format!("{project}-{service}-{n}"))
            .collect(),
    };
    Ok(names
        .into_iter()
        .zip(1..)
        .map(|(name, number): (String, u64)| {
            let mut labels = labels.clone();
            labels.insert(
                "com.docker.compose.container-number".to_owned(),
                number.to_string(),
            );
            Container {
                id: name.clone(),
                networks: networks.iter().map(|n| (n.clone(), name.clone())).collect(),
                name,
                labels,
                status: docker::RUNNING.to_owned(),
                ports: ports.clone(),
                ..Container::default()
            }
        })
        .collect())
}

/// Docker's names of the service's networks (`<project>_<name>`; none: `<project>_default`).
fn networks_of(project: &str, definition: &Value) -> Vec<String> {
    let names: Vec<String> = match definition.get("networks") {
        Some(Value::Sequence(items)) => items.iter().map(scalar).collect(),
        Some(Value::Mapping(entries)) => entries.keys().map(scalar).collect(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        return vec![format!("{project}_default")];
    }
    names
        .into_iter()
        .map(|name| format!("{project}_{name}"))
        .collect()
}

fn labels_of(
    service: &str,
    labels: Option<&Value>,
) -> Result<BTreeMap<String, String>, ComposeError> {
    match labels {
        None | Some(Value::Null) => Ok(BTreeMap::new()),
        Some(Value::Sequence(items)) => Ok(items
            .iter()
            .map(|item| {
                let text = scalar(item);
                match text.split_once('=') {
                    Some((key, value)) => (key.trim().to_owned(), value.to_owned()),
                    None => (text.trim().to_owned(), String::new()),
                }
            })
            .collect()),
        Some(Value::Mapping(entries)) => Ok(entries
            .iter()
            .map(|(key, value)| (scalar(key), scalar(value)))
            .collect()),
        Some(_) => Err(ComposeError::Shape(format!(
            "services.{service}.labels must be a list or a mapping"
        ))),
    }
}

fn replicas_of(definition: &Value) -> u64 {
    let deploy = definition
        .get("deploy")
        .and_then(|d| d.get("replicas"))
        .and_then(Value::as_u64);
    let scale = definition.get("scale").and_then(Value::as_u64);
    deploy.or(scale).unwrap_or(1)
}

/// Container-side ports of `expose` and `ports` (short and long syntax).
fn ports_of(definition: &Value) -> Vec<u16> {
    let mut ports = Vec::new();
    for key in ["expose", "ports"] {
        let Some(Value::Sequence(items)) = definition.get(key) else {
            continue;
        };
        ports.extend(items.iter().filter_map(container_port));
    }
    ports
}

fn container_port(item: &Value) -> Option<u16> {
    if let Some(target) = item.get("target") {
        return scalar(target).parse().ok();
    }
    let text = scalar(item);
    let without_protocol = text.split('/').next().unwrap_or_default();
    let container_side = without_protocol.rsplit(':').next().unwrap_or_default();
    let first = container_side.split('-').next().unwrap_or_default();
    first.trim().parse().ok()
}

/// A scalar as text (`true`, `80`, `"x"` → `x`); null is empty.
fn scalar(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => String::new(),
        other => serde_yaml_ng::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_and_map_labels_ports_and_replicas() {
        let text = "services:\n  web:\n    labels: [\"a=b=c\", \"flag\"]\n    ports: [\"8080:80/tcp\", {target: 443}]\n    deploy: {replicas: 2}\n  db:\n    container_name: pg\n    labels: {x: true}\n    expose: [5432]\n";
        let containers = containers(text, "My Proj").unwrap();
        let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["myproj-web-1", "myproj-web-2", "pg"]);
        assert_eq!(containers[0].labels["a"], "b=c");
        assert_eq!(containers[0].labels["flag"], "");
        let ports: Vec<u16> = containers[0].ports.iter().map(|p| p.port).collect();
        assert_eq!(ports, [80, 443]);
        assert_eq!(
            containers[1].labels["com.docker.compose.container-number"],
            "2"
        );
        assert_eq!(containers[1].identity(), "myproj-web-2");
        assert_eq!(containers[1].networks["myproj_default"], "myproj-web-2");
        assert_eq!(containers[2].labels["x"], "true");
        assert_eq!(containers[2].labels["com.docker.compose.project"], "myproj");
    }
}
