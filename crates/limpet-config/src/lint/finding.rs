//! A finding as data: code, severity, element, message and a structured [`Fix`] that is
//! rendered as text (YAML, or Docker labels) only when it is shown.

use std::borrow::Cow;
use std::fmt;

use serde::{Serialize, Serializer};

use super::patch::Patch;
use super::Code;
use crate::diagnostics::ElementKind;

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

/// One problem found in a configuration. Serialized with `code`, `severity`, `element`,
/// `message` and the rendered `fix`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
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
    pub fix: Fix,
}

/// What to do about a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix {
    /// Apply `patch`, for the reason in `note`; shown as the note in comments, then the
    /// corrected YAML (or labels for the `docker` provider), then what to remove.
    Patch {
        note: Cow<'static, str>,
        patch: Patch,
    },
    /// Correct or remove this Docker label.
    Label(String),
}

impl Fix {
    /// The fix in applicable form, when it has one.
    pub fn patch(&self) -> Option<&Patch> {
        match self {
            Fix::Patch { patch, .. } => Some(patch),
            Fix::Label(_) => None,
        }
    }

    /// The fix as text (the same as Display).
    pub fn render(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fix::Patch { note, patch } => f.write_str(&patch.render(note)),
            Fix::Label(label) => write!(
                f,
                "# correct or remove this label (option names are listed in Traefik's docker-labels reference):\n{label}\n"
            ),
        }
    }
}

impl Serialize for Fix {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A finding being built by a check: where it is and what it says, until its fix is known.
pub(super) struct Draft {
    code: Code,
    severity: Severity,
    kind: ElementKind,
    name: String,
    element: String,
    message: String,
}

impl Draft {
    /// A finding on element (`kind`, qualified `name`).
    pub fn new(code: Code, severity: Severity, kind: ElementKind, name: &str) -> Draft {
        Draft {
            code,
            severity,
            kind,
            name: name.to_owned(),
            element: super::element_path(kind, name, ""),
            message: String::new(),
        }
    }

    /// `suffix` names the option concerned.
    pub fn at(mut self, suffix: &str) -> Draft {
        self.element = super::element_path(self.kind, &self.name, suffix);
        self
    }

    pub fn message(mut self, message: impl Into<String>) -> Draft {
        self.message = message.into();
        self
    }

    /// The finding, fixed by `patch` for the reason in `note`.
    pub fn patch(self, patch: Patch, note: impl Into<Cow<'static, str>>) -> Finding {
        let note = note.into();
        self.fix(Fix::Patch { note, patch })
    }

    pub fn fix(self, fix: Fix) -> Finding {
        Finding {
            code: self.code,
            severity: self.severity,
            kind: self.kind,
            name: self.name,
            element: self.element,
            message: self.message,
            fix,
        }
    }
}
