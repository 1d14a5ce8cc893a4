//! Every problem of the configuration in service, each with what to do about it: the lint
//! findings (stable code, fix as corrected YAML or labels) and the validation errors the lint
//! has no code for (fix from the error text).

use limpet_config::diagnostics::{ElementKind, ElementState, Status};
use limpet_config::lint::element_path;
use limpet_config::model::Model;
use serde::Serialize;

/// One finding as the API and dashboard show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingView {
    /// `LMP001`…, or empty for a validation error without a lint code.
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// `router`, `service` or `middleware`.
    pub kind: &'static str,
    /// Qualified element name.
    pub name: String,
    /// Path of the option concerned (`http.services.x@file.loadBalancer.sticky`).
    pub element: String,
    pub message: String,
    pub fix: String,
}

/// Lint findings first (errors, then by code), then uncoded validation errors.
pub fn findings(model: &Model) -> Vec<FindingView> {
    let diagnostics = &model.diagnostics;
    let mut views: Vec<FindingView> = diagnostics
        .findings
        .iter()
        .map(|f| FindingView {
            code: f.code.to_owned(),
            severity: f.severity.as_str(),
            kind: kind_name(f.kind),
            name: f.name.clone(),
            element: f.element.clone(),
            message: f.message.clone(),
            fix: f.fix.clone(),
        })
        .collect();
    for (kind, name, state) in diagnostics.problems() {
        views.extend(uncoded(kind, name, state, &views));
    }
    views
}

/// Validation errors of one element that no lint finding already covers.
fn uncoded(
    kind: ElementKind,
    name: &str,
    state: &ElementState,
    coded: &[FindingView],
) -> Vec<FindingView> {
    state
        .errors
        .iter()
        .filter(|error| !is_lint_error(error))
        .filter(|error| {
            !coded
                .iter()
                .any(|f| f.name == name && error.contains(&f.message))
        })
        .map(|error| FindingView {
            code: String::new(),
            severity: if state.status == Status::Disabled {
                "error"
            } else {
                "warning"
            },
            kind: kind_name(kind),
            name: name.to_owned(),
            element: element_path(kind, name, ""),
            message: error.clone(),
            fix: fix_for(error),
        })
        .collect()
}

/// Errors the lint recorded in the model are `LMPnnn: message`.
pub fn is_lint_error(error: &str) -> bool {
    let bytes = error.as_bytes();
    error.starts_with("LMP")
        && bytes.len() > 7
        && bytes[3..6].iter().all(u8::is_ascii_digit)
        && &error[6..8] == ": "
}

fn kind_name(kind: ElementKind) -> &'static str {
    match kind {
        ElementKind::Router => "router",
        ElementKind::Service => "service",
        ElementKind::Middleware => "middleware",
    }
}

/// What to do about a validation error, from its (Traefik) text.
fn fix_for(error: &str) -> String {
    let fixes: [(&str, &str); 6] = [
        ("is not a middleware type", "Remove the middleware; configure stickiness under the service's loadBalancer.sticky.cookie."),
        ("middleware \"", "Define this middleware under http.middlewares, or remove it from the list."),
        ("does not exist", "Define the missing service under http.services, or point to an existing one."),
        ("error while parsing rule", "Fix the rule: v3 matchers are Host, HostRegexp, Path, PathPrefix, PathRegexp, Method, Header, HeaderRegexp, Query, QueryRegexp, ClientIP."),
        ("doesn't exist", "Use one of the entrypoints of the static configuration, or define this one."),
        ("not supported yet", "Use a supported type, or remove it: limpet never serves while skipping a configured part."),
    ];
    fixes
        .iter()
        .find(|(needle, _)| error.contains(needle))
        .map(|(_, fix)| (*fix).to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lint_errors_are_recognised() {
        assert!(is_lint_error("LMP011: sticky service without health check"));
        assert!(!is_lint_error("middleware \"x@file\" does not exist"));
        assert!(!is_lint_error("LMP"));
    }
}
