//! Docker labels → dynamic configuration, with Traefik's grammar (docs/traefik.md#label-grammar):
//! `traefik.http.{routers,services,middlewares}.<name>.<option.path>=<value>`.
//!
//! Option path segments are case-insensitive, the `<name>` keeps its case, lists are
//! comma-separated, maps take one extra segment, `allowEmpty` options accept `=true`
//! (`sticky.cookie=true`). Keys are matched by the same [`crate::keys`] shape tables as
//! files and decoded by the same [`crate::dynamic`] types, so there is one schema.
//! `loadbalancer.server.{url,port,scheme,weight,preservepath,id}` describes the one server
//! a container contributes; the URL is built by [`docker`] once the container is known.
//!
//! Unlike Traefik, which skips the whole container when one label is wrong, only the
//! element the label belongs to is left out, and the problem names the label.

pub mod docker;
mod docker_merge;
pub mod encode;
mod tree;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diagnostics::ElementKind;
use crate::dynamic::{Configuration, HttpConfiguration};
use crate::keys::{dynamic_shape, Normalizer, UnknownKeys};

/// Namespaces under `traefik.` that are not HTTP configuration and are accepted as is.
const OTHER_NAMESPACES: &[&str] = &["tcp", "udp", "tls", "docker", "swarm"];

/// The server a container contributes to a service (`loadbalancer.server.*`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerLabels {
    pub url: Option<String>,
    pub port: Option<String>,
    pub scheme: Option<String>,
    pub weight: Option<i64>,
    pub preserve_path: Option<bool>,
    /// limpet extension: stable server identity.
    pub id: Option<String>,
}

/// A label that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelProblem {
    /// The element the label belongs to, when it names one: (kind, unqualified name).
    pub element: Option<(ElementKind, String)>,
    /// The label key as written (or a container name for container-wide problems).
    pub label: String,
    pub message: String,
    /// `false`: the label is ignored but nothing is lost (a warning).
    pub is_error: bool,
}

/// What one container's labels say.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecodedLabels {
    /// Routers, services and middlewares as written (service servers not filled in).
    pub http: HttpConfiguration,
    /// `traefik.enable`, when set.
    pub enable: Option<bool>,
    /// `loadbalancer.server.*` per service name.
    pub servers: BTreeMap<String, ServerLabels>,
    pub problems: Vec<LabelProblem>,
}

/// Decodes a container's labels (key → value).
pub fn decode_labels(labels: &BTreeMap<String, String>) -> DecodedLabels {
    let mut decoded = DecodedLabels::default();
    let mut elements = tree::ElementTrees::default();
    for (key, value) in labels {
        classify(key, value, &mut decoded, &mut elements);
    }
    for ((kind, name), raw) in elements.into_iter() {
        decode_element(kind, &name, raw, labels, &mut decoded);
    }
    decoded
}

/// Routes one label to `traefik.enable`, a server option, or an element tree.
fn classify(
    key: &str,
    value: &str,
    decoded: &mut DecodedLabels,
    elements: &mut tree::ElementTrees,
) {
    let Some(rest) = strip_prefix_ci(key, "traefik.") else {
        return; // not ours: other tools' labels
    };
    let segments: Vec<&str> = rest.split('.').collect();
    match segments.as_slice() {
        [enable] if enable.eq_ignore_ascii_case("enable") => set_enable(key, value, decoded),
        [http, kind, name, path @ ..] if http.eq_ignore_ascii_case("http") => {
            match element_kind(kind) {
                Some(kind) if !path.is_empty() => {
                    http_label(key, value, (kind, name), path, decoded, elements)
                }
                _ => decoded.problems.push(unknown_label(key, None)),
            }
        }
        [namespace, ..] if is_other_namespace(namespace) => {}
        _ => decoded.problems.push(LabelProblem {
            element: None,
            label: key.to_owned(),
            message: format!("label {key:?} is not a Traefik label and is ignored"),
            is_error: false,
        }),
    }
}

fn http_label(
    key: &str,
    value: &str,
    (kind, name): (ElementKind, &str),
    path: &[&str],
    decoded: &mut DecodedLabels,
    elements: &mut tree::ElementTrees,
) {
    let server = match path {
        [lb, server, option] if is_server_path(kind, lb, server) => Some(*option),
        _ => None,
    };
    match server {
        Some(option) => server_label(key, value, name, option, decoded),
        None => elements.insert(kind, name, path, value),
    }
}

fn is_server_path(kind: ElementKind, lb: &str, server: &str) -> bool {
    kind == ElementKind::Service
        && lb.eq_ignore_ascii_case("loadbalancer")
        && server.eq_ignore_ascii_case("server")
}

fn set_enable(key: &str, value: &str, decoded: &mut DecodedLabels) {
    match parse_bool(value) {
        Some(enable) => decoded.enable = Some(enable),
        None => decoded.problems.push(LabelProblem {
            element: None,
            label: key.to_owned(),
            message: format!("label {key:?}: invalid boolean {value:?}"),
            is_error: true,
        }),
    }
}

/// One `loadbalancer.server.<option>` label.
fn server_label(key: &str, value: &str, service: &str, option: &str, decoded: &mut DecodedLabels) {
    let server = decoded.servers.entry(service.to_owned()).or_default();
    let value = value.trim().to_owned();
    let ok = match option.to_ascii_lowercase().as_str() {
        "url" => set(&mut server.url, Some(value)),
        "port" => set(&mut server.port, Some(value)),
        "scheme" => set(&mut server.scheme, Some(value)),
        "id" => set(&mut server.id, Some(value)),
        "weight" => set(&mut server.weight, value.parse().ok()),
        "preservepath" => set(&mut server.preserve_path, parse_bool(&value)),
        _ => {
            let element = Some((ElementKind::Service, service.to_owned()));
            decoded.problems.push(unknown_label(key, element));
            return;
        }
    };
    if !ok {
        decoded.problems.push(LabelProblem {
            element: Some((ElementKind::Service, service.to_owned())),
            label: key.to_owned(),
            message: format!("label {key:?}: invalid value"),
            is_error: true,
        });
    }
}

/// Stores `value` if it parsed; false otherwise.
fn set<T>(slot: &mut Option<T>, value: Option<T>) -> bool {
    let parsed = value.is_some();
    if parsed {
        *slot = value;
    }
    parsed
}

/// Normalises and decodes one element's tree; on failure the element is left out.
fn decode_element(
    kind: ElementKind,
    name: &str,
    raw: Value,
    labels: &BTreeMap<String, String>,
    decoded: &mut DecodedLabels,
) {
    let document = wrap(kind, name, raw);
    let element = Some((kind, name.to_owned()));
    let normalized =
        Normalizer::new(UnknownKeys::Reject).normalize(document, &dynamic_shape::CONFIGURATION, "");
    let result = normalized.map_err(|e| (e.path, e.reason)).and_then(typed);
    match result {
        Ok(config) => absorb(&mut decoded.http, config),
        Err((path, reason)) => {
            let label = label_for(&path, labels);
            decoded.problems.push(LabelProblem {
                element,
                message: format!("label {label:?}: {reason}"),
                label,
                is_error: true,
            });
        }
    }
}

fn typed(value: Value) -> Result<Configuration, (String, String)> {
    serde_path_to_error::deserialize(value)
        .map_err(|e| (e.path().to_string(), e.inner().to_string()))
}

/// `{"http": {"<kind>s": {"<name>": raw}}}`.
fn wrap(kind: ElementKind, name: &str, raw: Value) -> Value {
    let mut element = Map::new();
    element.insert(name.to_owned(), raw);
    let mut http = Map::new();
    http.insert(kind.section().to_owned(), Value::Object(element));
    let mut root = Map::new();
    root.insert("http".to_owned(), Value::Object(http));
    Value::Object(root)
}

fn absorb(target: &mut HttpConfiguration, config: Configuration) {
    let Some(http) = config.http else { return };
    target.routers.extend(http.routers);
    target.services.extend(http.services);
    target.middlewares.extend(http.middlewares);
}

/// The label a decode error path points at (`http.services.x.loadBalancer.bogus`): the
/// one whose key matches it case-insensitively, else the deepest label under it.
fn label_for(path: &str, labels: &BTreeMap<String, String>) -> String {
    let wanted = format!("traefik.{path}").to_ascii_lowercase();
    let wanted = wanted.split('[').next().unwrap_or(&wanted).to_owned();
    labels
        .keys()
        .find(|key| key.to_ascii_lowercase() == wanted)
        .or_else(|| {
            labels
                .keys()
                .find(|key| key.to_ascii_lowercase().starts_with(&wanted))
        })
        .cloned()
        .unwrap_or(wanted)
}

fn unknown_label(key: &str, element: Option<(ElementKind, String)>) -> LabelProblem {
    LabelProblem {
        element,
        label: key.to_owned(),
        message: format!("label {key:?}: field not found"),
        is_error: true,
    }
}

fn element_kind(segment: &str) -> Option<ElementKind> {
    [
        ElementKind::Router,
        ElementKind::Service,
        ElementKind::Middleware,
    ]
    .into_iter()
    .find(|kind| kind.section().eq_ignore_ascii_case(segment))
}

fn is_other_namespace(segment: &str) -> bool {
    OTHER_NAMESPACES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(segment))
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// Go's `strconv.ParseBool` spellings.
pub fn parse_bool(text: &str) -> Option<bool> {
    match text.trim() {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}
