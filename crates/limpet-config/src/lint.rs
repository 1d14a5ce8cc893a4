//! Lint: configurations that Traefik accepts (or silently drops) but that cannot do what
//! they say — above all sticky sessions that would fail silently. Pure: merged
//! configuration + model + entrypoint facts in, [`Finding`]s out.
//!
//! Every finding has a stable code (`LMP001`…, documented in `docs/diagnostics.md`), the
//! element path it concerns, a message, and a fix written as the corrected YAML (or Docker
//! labels for the `docker` provider). The fix is also kept as a [`Patch`] that can be
//! applied to the provider configurations, so tests (and tools) can check that it works.

mod balance;
mod context;
mod cookie;
mod labels;
mod middleware;
mod patch;
mod reach;
mod references;
mod report;
mod scope;
mod servers;
mod shadow;

use serde::Serialize;

use crate::diagnostics::{Diagnostics, ElementKind};
use crate::merge::Merged;
use crate::model::Model;

pub use context::{EntryPointFacts, LintContext};
pub use labels::label_findings;
pub use patch::{apply_all, Patch};
pub use report::{exit_code, render_text};

/// Every code, with a one-line description (the order of `docs/diagnostics.md`).
pub const CODES: &[(&str, &str)] = &[
    ("LMP001", "sticky declared as a middleware"),
    (
        "LMP002",
        "router shadowed by a router with the same rule on the same entrypoints",
    ),
    ("LMP003", "sticky service that no router reaches"),
    ("LMP004", "sticky service with a single server"),
    (
        "LMP005",
        "sticky service under hrw, whose cookie Traefik would ignore",
    ),
    ("LMP006", "sticky cookie with SameSite=None but not Secure"),
    (
        "LMP007",
        "Secure sticky cookie served over plain HTTP without a redirect to HTTPS",
    ),
    (
        "LMP008",
        "sticky cookie Path that does not cover the router's paths",
    ),
    (
        "LMP009",
        "sticky cookie Domain that does not cover the router's hosts",
    ),
    (
        "LMP010",
        "sticky server given by IP address without a stable id",
    ),
    ("LMP011", "sticky service without any health check"),
    (
        "LMP012",
        "two sticky services on overlapping hosts and paths share one cookie name",
    ),
    ("LMP013", "router pointing at a service that does not exist"),
    (
        "LMP014",
        "router pointing at a middleware that does not exist",
    ),
    ("LMP015", "router naming an entrypoint that does not exist"),
    ("LMP016", "Docker label or container that cannot be used"),
];

/// How bad a finding is: errors break traffic or stickiness, warnings lose it in some
/// cases, infos are worth knowing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem found in a configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code, `LMP001`….
    pub code: &'static str,
    pub severity: Severity,
    /// The router, service or middleware it concerns…
    #[serde(skip)]
    pub kind: ElementKind,
    /// …by qualified name (`whoami@docker`).
    #[serde(skip)]
    pub name: String,
    /// Full path, e.g. `http.services.whoami@docker.loadBalancer.sticky`.
    pub element: String,
    pub message: String,
    /// The corrected YAML or labels.
    pub fix: String,
    /// The fix in applicable form, when there is one.
    #[serde(skip)]
    pub patch: Option<Patch>,
}

impl Finding {
    /// A finding on element (`kind`, qualified `name`), `suffix` naming the option.
    fn new(code: &'static str, severity: Severity, kind: ElementKind, name: &str) -> Finding {
        Finding {
            code,
            severity,
            kind,
            name: name.to_owned(),
            element: element_path(kind, name, ""),
            message: String::new(),
            fix: String::new(),
            patch: None,
        }
    }

    fn at(mut self, suffix: &str) -> Finding {
        self.element = element_path(self.kind, &self.name, suffix);
        self
    }

    fn message(mut self, message: impl Into<String>) -> Finding {
        self.message = message.into();
        self
    }

    /// Sets the patch and renders it as the fix text, after `note` (why this fix).
    fn patch(mut self, patch: Patch, note: &str) -> Finding {
        self.fix = patch.render(note);
        self.patch = Some(patch);
        self
    }
}

/// `http.<kind>s.<name>[.<suffix>]`.
pub fn element_path(kind: ElementKind, name: &str, suffix: &str) -> String {
    let base = format!("http.{}.{name}", crate::labels::kind_key(kind));
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
        cookie::check_shared_names,
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

/// Records findings in the runtime model: each becomes an error of its element prefixed
/// with its code (unless validation already recorded the same text), turning an `enabled` element into `warning` (an element validation
/// disabled stays disabled); the findings themselves are kept for the API.
pub fn record(diagnostics: &mut Diagnostics, findings: &[Finding]) {
    for finding in findings {
        let Some(state) = diagnostics.of_kind(finding.kind).get_mut(&finding.name) else {
            continue;
        };
        // Broken references are already there in Traefik's words (validation): the API
        // keeps showing exactly what Traefik shows.
        let known = |part: &str| state.errors.iter().any(|e| e == part);
        if !finding.message.split(", ").all(known) {
            state.add_error(format!("{}: {}", finding.code, finding.message), false);
        }
    }
    diagnostics.findings.extend(findings.iter().cloned());
}
