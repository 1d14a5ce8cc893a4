//! Lint: configurations that Traefik accepts (or silently drops) but that cannot do what
//! they say — above all sticky sessions that would fail silently. Pure: merged
//! configuration + model + entrypoint facts in, [`Finding`]s out.
//!
//! Every finding has a stable [`Code`] (documented in `docs/diagnostics.md`), the element
//! path it concerns, a message, and a [`Fix`]: a [`Patch`] that can be applied to the
//! provider configurations (so tests and tools can check that it works), rendered as the
//! corrected YAML (or Docker labels for the `docker` provider) only when shown.
//!
//! Every check looks elements up in indexes built once ([`context`]), so linting stays
//! near-linear in routers, services and servers.

mod balance;
mod code;
mod context;
mod cookie;
mod finding;
mod index;
mod labels;
mod middleware;
mod patch;
mod reach;
mod references;
mod report;
mod scope;
mod servers;
mod shadow;
mod shared;

use std::collections::BTreeSet;

use crate::diagnostics::{Cause, Diagnostics, ElementError, ElementKind, Status};
use crate::merge::Merged;
use crate::model::Model;

pub use code::Code;
pub use context::{EntryPointFacts, LintContext};
pub use finding::{Finding, Fix, Severity};
pub use labels::label_findings;
pub use patch::{apply_all, Patch};
pub use report::{exit_code, render_text};

/// `http.<kind>s.<name>[.<suffix>]`.
pub fn element_path(kind: ElementKind, name: &str, suffix: &str) -> String {
    let base = format!("http.{}.{name}", kind.section());
    if suffix.is_empty() {
        base
    } else {
        format!("{base}.{suffix}")
    }
}

/// Runs every check. Findings come sorted: errors first, then by code and element.
pub fn lint(merged: &Merged, model: &Model, ctx: &LintContext) -> Vec<Finding> {
    let input = context::Input::new(merged, model, ctx);
    let checks: [fn(&context::Input<'_>) -> Vec<Finding>; 10] = [
        middleware::check,
        shadow::check,
        reach::check,
        balance::check,
        cookie::check,
        scope::check,
        servers::check,
        shared::check,
        references::check,
        servers::check_health,
    ];
    let mut findings: Vec<Finding> = checks.iter().flat_map(|check| check(&input)).collect();
    sort(&mut findings);
    findings
}

/// Errors first, then code, then element.
pub fn sort(findings: &mut [Finding]) {
    findings
        .sort_by(|a, b| (a.severity, a.code, &a.element).cmp(&(b.severity, b.code, &b.element)));
}

/// Records findings in the runtime model: each becomes an error of its element with cause
/// [`Cause::Lint`] (unless it restates errors validation already recorded there, in
/// Traefik's words), turning an `enabled` element into `warning` (an element validation
/// disabled stays disabled); the findings themselves are kept for the API.
pub fn record(diagnostics: &mut Diagnostics, findings: Vec<Finding>) {
    for finding in &findings {
        let Some(state) = diagnostics.of_kind(finding.kind).get_mut(&finding.name) else {
            continue;
        };
        let restated = state
            .errors
            .iter()
            .any(|e| e.cause.restated_by() == Some(finding.code));
        if !restated {
            let error = ElementError::new(Cause::Lint(finding.code), finding.message.clone());
            state.add_error(error, false);
        }
    }
    diagnostics.findings.extend(findings);
}

/// A validation error no recorded finding restates: listed after the findings, with the
/// fix its cause calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unrestated<'d> {
    pub kind: ElementKind,
    pub name: &'d str,
    /// The element's status (`disabled` makes the error an error, else a warning).
    pub status: Status,
    pub error: &'d ElementError,
}

/// Every validation error of `diagnostics` that no finding restates, element by element.
pub fn unrestated(diagnostics: &Diagnostics) -> Vec<Unrestated<'_>> {
    let coded: BTreeSet<(ElementKind, &str, Code)> = diagnostics
        .findings
        .iter()
        .map(|f| (f.kind, f.name.as_str(), f.code))
        .collect();
    let mut out = Vec::new();
    for (kind, name, state) in diagnostics.problems() {
        for error in &state.errors {
            if !is_listed(error, |code| coded.contains(&(kind, name, code))) {
                let status = state.status;
                out.push(Unrestated {
                    kind,
                    name,
                    status,
                    error,
                });
            }
        }
    }
    out
}

/// Whether `error` is a recorded finding, or restated by one (`has_finding(code)`).
fn is_listed(error: &ElementError, has_finding: impl Fn(Code) -> bool) -> bool {
    match error.cause {
        Cause::Lint(_) => true,
        cause => cause.restated_by().is_some_and(has_finding),
    }
}
