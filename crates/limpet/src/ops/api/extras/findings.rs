//! Every problem of the configuration in service, each with what to do about it: the lint
//! findings (stable code, fix rendered as corrected YAML or labels) and the validation
//! errors no finding restates (fix from the error's typed cause). Read from typed data
//! only; fixes are rendered when the response is serialized.

use limpet_config::diagnostics::{Remedy, Status};
use limpet_config::lint::{self, element_path, Code, Finding, Fix, Unrestated};
use limpet_config::model::Model;
use serde::{Serialize, Serializer};

/// One finding as the API and dashboard show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingView<'m> {
    /// `LMP001`…, or empty for a validation error without a lint code.
    #[serde(serialize_with = "code_or_empty")]
    pub code: Option<Code>,
    /// `error`, `warning` or `info`.
    pub severity: &'static str,
    /// `router`, `service` or `middleware`.
    pub kind: &'static str,
    /// Qualified element name.
    pub name: &'m str,
    /// Path of the option concerned (`http.services.x@file.loadBalancer.sticky`).
    pub element: String,
    pub message: &'m str,
    pub fix: FixView<'m>,
}

/// The fix of a finding, or the general fix of a validation error (empty when none).
#[derive(Debug, Clone, Copy)]
pub enum FixView<'m> {
    Finding(&'m Fix),
    Validation(Option<Remedy>),
}

impl Serialize for FixView<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            FixView::Finding(fix) => serializer.collect_str(fix),
            FixView::Validation(remedy) => {
                serializer.serialize_str(remedy.map_or("", Remedy::text))
            }
        }
    }
}

fn code_or_empty<S: Serializer>(code: &Option<Code>, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(code.map_or("", Code::as_str))
}

/// Lint findings first (errors, then by code), then validation errors without a code.
pub fn findings(model: &Model) -> Vec<FindingView<'_>> {
    let diagnostics = &model.diagnostics;
    let coded = diagnostics.findings.iter().map(coded);
    let uncoded = lint::unrestated(diagnostics).into_iter().map(uncoded);
    coded.chain(uncoded).collect()
}

fn coded(finding: &Finding) -> FindingView<'_> {
    FindingView {
        code: Some(finding.code),
        severity: finding.severity.as_str(),
        kind: finding.kind.as_str(),
        name: &finding.name,
        element: finding.element.clone(),
        message: &finding.message,
        fix: FixView::Finding(&finding.fix),
    }
}

fn uncoded(problem: Unrestated<'_>) -> FindingView<'_> {
    FindingView {
        code: None,
        severity: if problem.status == Status::Disabled {
            "error"
        } else {
            "warning"
        },
        kind: problem.kind.as_str(),
        name: problem.name,
        element: element_path(problem.kind, problem.name, ""),
        message: &problem.error.message,
        fix: FixView::Validation(problem.error.cause.remedy()),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use limpet_config::lint::LintContext;
    use limpet_config::static_config::EntryPointSet;

    use super::*;

    const YAML: &str = r#"
http:
  routers:
    lost: {rule: "Host(`a.example.com`)", service: gone}
    tls: {rule: "Host(`b.example.com`)", service: tls}
  services:
    tls:
      highestRandomWeight:
        services: [{name: gone}]
"#;

    fn model() -> Model {
        let config = limpet_config::decode::decode_file(Path::new("d.yml"), YAML.as_bytes())
            .unwrap_or_else(|e| panic!("{e}"));
        let providers = BTreeMap::from([("file".to_owned(), config)]);
        let merged = limpet_config::merge::merge(&providers);
        let ctx = LintContext::assumed();
        let entry_points = EntryPointSet {
            all: ctx.defaults.clone(),
            defaults: ctx.defaults.clone(),
        };
        let mut model = limpet_config::validate::validate(&merged, &entry_points);
        let findings = lint::lint(&merged, &model, &ctx);
        lint::record(&mut model.diagnostics, findings);
        model
    }

    #[test]
    fn findings_and_uncoded_errors_keep_the_dashboard_fields() {
        let model = model();
        let json = serde_json::to_value(findings(&model)).unwrap_or_default();
        let entries = json.as_array().cloned().unwrap_or_default();
        let keys: Vec<&String> = entries[0]
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            ["code", "element", "fix", "kind", "message", "name", "severity"]
        );
        let lost = entries
            .iter()
            .find(|e| e["name"] == "lost@file")
            .cloned()
            .unwrap_or_default();
        assert_eq!(lost["code"], "LMP013");
        assert_eq!(lost["message"], "the service \"gone@file\" does not exist");
        assert!(
            lost["fix"]
                .as_str()
                .unwrap_or_default()
                .contains("# define the service"),
            "{lost}"
        );
        let restated = entries.iter().filter(|e| e["name"] == "lost@file").count();
        assert_eq!(
            restated, 1,
            "the validation error is restated by LMP013: {json:#}"
        );
        let tls = entries
            .iter()
            .find(|e| e["name"] == "tls@file" && e["kind"] == "router");
        let tls = tls.cloned().unwrap_or_default();
        assert_eq!(tls["code"], "");
        assert_eq!(tls["severity"], "error");
        assert_eq!(tls["element"], "http.routers.tls@file");
        assert_eq!(tls["fix"], Remedy::RemoveUnsupported.text());
    }
}
