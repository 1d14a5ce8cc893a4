//! Element → Docker labels, for fixes written as labels (the reverse of
//! [`super::decode_labels`]). Option segments are lowercased like Traefik's documentation;
//! `loadBalancer.servers` is left out because a container's servers come from the
//! container itself (its address and `loadbalancer.server.port`).

use serde::Serialize;
use serde_json::Value;

use crate::diagnostics::ElementKind;

/// The labels that declare element `name` of `kind` with `config`, one `key=value` each.
pub fn element_labels<T: Serialize>(kind: ElementKind, name: &str, config: &T) -> Vec<String> {
    let prefix = format!("traefik.http.{}.{name}", kind.section());
    let mut lines = Vec::new();
    if let Ok(value) = serde_json::to_value(config) {
        flatten(&prefix, &value, &mut lines);
    }
    lines
}

fn flatten(prefix: &str, value: &Value, lines: &mut Vec<String>) {
    match value {
        Value::Null => {}
        Value::Object(entries) if entries.is_empty() => lines.push(format!("{prefix}=true")),
        Value::Object(entries) => {
            for (key, child) in entries {
                if key == "servers" {
                    continue; // one server per container, from the container
                }
                flatten(
                    &format!("{prefix}.{}", key.to_ascii_lowercase()),
                    child,
                    lines,
                );
            }
        }
        Value::Array(items) => {
            if let Some(joined) = scalar_list(items) {
                lines.push(format!("{prefix}={joined}"));
            }
        }
        Value::String(text) => lines.push(format!("{prefix}={text}")),
        scalar => lines.push(format!("{prefix}={scalar}")),
    }
}

/// `a,b,c` when every item is a scalar.
fn scalar_list(items: &[Value]) -> Option<String> {
    let texts: Option<Vec<String>> = items
        .iter()
        .map(|item| match item {
            Value::String(text) => Some(text.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        })
        .collect();
    texts.map(|texts| texts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flattens_like_traefik_labels() {
        let service = json!({"loadBalancer": {"sticky": {"cookie": {}}, "servers": [{"url": "x"}],
            "passHostHeader": null}});
        let lines = element_labels(ElementKind::Service, "app", &service);
        assert_eq!(
            lines,
            ["traefik.http.services.app.loadbalancer.sticky.cookie=true"]
        );
        let router = json!({"entryPoints": ["web", "websecure"], "rule": "Host(`a`)"});
        let lines = element_labels(ElementKind::Router, "r", &router);
        assert_eq!(
            lines,
            [
                "traefik.http.routers.r.entrypoints=web,websecure",
                "traefik.http.routers.r.rule=Host(`a`)"
            ]
        );
    }
}
