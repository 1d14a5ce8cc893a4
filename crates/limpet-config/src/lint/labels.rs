//! LMP016: Docker labels (and containers) that cannot be used — unknown options, values
//! that do not parse, elements defined differently by several containers, routers that
//! cannot be linked to a service. Traefik skips the whole container with one log line;
//! limpet leaves out only the element and says which label.

use super::{element_path, Code, Finding, Fix, Severity};
use crate::diagnostics::ElementKind;
use crate::labels::LabelProblem;

/// Findings for label problems of `provider` (normally `docker`).
pub fn label_findings(problems: &[LabelProblem], provider: &str) -> Vec<Finding> {
    problems
        .iter()
        .map(|problem| finding(problem, provider))
        .collect()
}

fn finding(problem: &LabelProblem, provider: &str) -> Finding {
    let severity = if problem.is_error {
        Severity::Error
    } else {
        Severity::Warning
    };
    let (kind, name, element) = match &problem.element {
        Some((kind, name)) => {
            let qualified = format!("{name}@{provider}");
            let path = element_path(*kind, &qualified, "");
            (*kind, qualified, path)
        }
        None => (
            ElementKind::Router,
            String::new(),
            format!("label {}", problem.label),
        ),
    };
    Finding {
        code: Code::Lmp016,
        severity,
        kind,
        name,
        element,
        message: problem.message.clone(),
        fix: Fix::Label(problem.label.clone()),
    }
}
