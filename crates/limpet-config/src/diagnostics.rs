//! Status and errors of every configured element: Traefik's model, docs/traefik.md#element-status.
//!
//! An element is `enabled` until an error is added: a critical error disables it, a
//! non-critical one turns it into `warning`. Errors are deduplicated (by text, as Traefik
//! shows them) and kept in order; each carries its [`Cause`].

mod error;

use std::collections::BTreeMap;

pub use error::{Cause, ElementError, Remedy};

/// Runtime status of a router, service or middleware (`status` in the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord)]
pub enum Status {
    #[default]
    Enabled,
    Warning,
    Disabled,
}

impl Status {
    /// The API's spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Enabled => "enabled",
            Status::Warning => "warning",
            Status::Disabled => "disabled",
        }
    }
}

/// Status and error list of one element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ElementState {
    pub status: Status,
    pub errors: Vec<ElementError>,
}

impl ElementState {
    /// Records `error`; `critical` disables the element, otherwise it becomes a warning.
    pub fn add_error(&mut self, error: ElementError, critical: bool) {
        if !self.errors.iter().any(|e| e.reads_as(&error)) {
            self.errors.push(error);
        }
        self.status = if critical {
            Status::Disabled
        } else {
            self.status.max(Status::Warning)
        };
    }

    pub fn is_usable(&self) -> bool {
        self.status != Status::Disabled
    }

    /// The error texts, in order.
    pub fn messages(&self) -> Vec<&str> {
        self.errors.iter().map(|e| e.message.as_str()).collect()
    }
}

/// The kind of element an error belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ElementKind {
    Router,
    Service,
    Middleware,
}

impl ElementKind {
    /// `router`, `service` or `middleware` (logs, the API's `kind`).
    pub fn as_str(self) -> &'static str {
        match self {
            ElementKind::Router => "router",
            ElementKind::Service => "service",
            ElementKind::Middleware => "middleware",
        }
    }

    /// The key of its section in a configuration: `routers`, `services`, `middlewares`.
    pub fn section(self) -> &'static str {
        match self {
            ElementKind::Router => "routers",
            ElementKind::Service => "services",
            ElementKind::Middleware => "middlewares",
        }
    }
}

/// State of every element of one configuration, keyed by qualified name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Diagnostics {
    pub routers: BTreeMap<String, ElementState>,
    pub services: BTreeMap<String, ElementState>,
    pub middlewares: BTreeMap<String, ElementState>,
    /// Lint findings of this configuration ([`crate::lint::record`]), for the API.
    pub findings: Vec<crate::lint::Finding>,
}

impl Diagnostics {
    /// The state map for `kind`.
    pub fn of_kind(&mut self, kind: ElementKind) -> &mut BTreeMap<String, ElementState> {
        match kind {
            ElementKind::Router => &mut self.routers,
            ElementKind::Service => &mut self.services,
            ElementKind::Middleware => &mut self.middlewares,
        }
    }

    /// The state of `name`, created `enabled` if not seen yet.
    pub fn element(&mut self, kind: ElementKind, name: &str) -> &mut ElementState {
        self.of_kind(kind).entry(name.to_owned()).or_default()
    }

    /// Every element with at least one error, for logging: (kind, name, state).
    pub fn problems(&self) -> impl Iterator<Item = (ElementKind, &str, &ElementState)> {
        fn tagged(
            kind: ElementKind,
            states: &BTreeMap<String, ElementState>,
        ) -> impl Iterator<Item = (ElementKind, &str, &ElementState)> {
            states
                .iter()
                .map(move |(name, state)| (kind, name.as_str(), state))
        }
        let routers = tagged(ElementKind::Router, &self.routers);
        let services = tagged(ElementKind::Service, &self.services);
        let middlewares = tagged(ElementKind::Middleware, &self.middlewares);
        routers
            .chain(services)
            .chain(middlewares)
            .filter(|(_, _, state)| !state.errors.is_empty())
    }
}
