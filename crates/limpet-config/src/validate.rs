//! Validation: [`Merged`] configuration → [`Model`] plus diagnostics.
//!
//! Never fails as a whole: every broken router, service or middleware is left out of the
//! model with its reasons recorded in [`Model::diagnostics`] (Traefik's texts where Traefik
//! has the case); everything else stays usable.

mod composite;
mod cookie;
mod health;
mod load_balancer;
mod middleware;
mod router;
mod service;
mod signing;
mod tls;
mod tls_options;
mod transport;

use std::collections::BTreeMap;

use crate::diagnostics::{Diagnostics, ElementError, ElementKind, Status};
use crate::merge::Merged;
use crate::model::{Model, ServiceModel, MAX_WEIGHT};
use crate::static_config::EntryPointSet;

/// Validates a merged configuration against the entrypoints that exist.
pub fn validate(merged: &Merged, entry_points: &EntryPointSet) -> Model {
    let mut validator = Validator::new(merged, entry_points);
    validator.tls = tls::check_tls(&merged.tls);
    validator.transports = transport::Transports::new(merged);
    validator.check_middlewares();
    validator.check_services();
    let routers = validator.check_routers();
    validator.into_model(routers)
}

/// Counts of a model, for logging.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    pub routers: usize,
    pub services: usize,
    pub middlewares: usize,
    /// Elements with status `disabled` (left out of the model).
    pub disabled: usize,
    /// Elements with status `warning` (kept).
    pub warnings: usize,
}

/// Usable element counts and problem counts of `model`.
pub fn summary(model: &Model) -> Summary {
    let diagnostics = &model.diagnostics;
    let all = || {
        diagnostics
            .routers
            .values()
            .chain(diagnostics.services.values())
            .chain(diagnostics.middlewares.values())
    };
    Summary {
        routers: model.routers.len(),
        services: model.services.len(),
        middlewares: diagnostics
            .middlewares
            .values()
            .filter(|s| s.is_usable())
            .count(),
        disabled: all().filter(|s| s.status == Status::Disabled).count(),
        warnings: all().filter(|s| s.status == Status::Warning).count(),
    }
}

/// `weight` if it is at most [`MAX_WEIGHT`] (negative weights are Traefik's "left out").
fn bounded_weight(weight: i64) -> Result<i64, ElementError> {
    if weight <= MAX_WEIGHT {
        return Ok(weight);
    }
    Err(ElementError::invalid(format!(
        "weight {weight} is above the maximum {MAX_WEIGHT}; weights only count relative to \
         each other, so divide them all by a common factor"
    )))
}

/// The outcome of building one service: its model, or the error an element using it reports
/// (a missing service, a recursion, or the service's errors joined as Traefik does).
type ServiceOutcome = Result<ServiceModel, ElementError>;

struct Validator<'a> {
    merged: &'a Merged,
    entry_points: &'a EntryPointSet,
    diagnostics: Diagnostics,
    services: BTreeMap<String, ServiceOutcome>,
    tls: crate::model::TlsModel,
    transports: transport::Transports,
}

impl<'a> Validator<'a> {
    fn new(merged: &'a Merged, entry_points: &'a EntryPointSet) -> Self {
        Validator {
            merged,
            entry_points,
            diagnostics: Diagnostics::default(),
            services: BTreeMap::new(),
            tls: crate::model::TlsModel::default(),
            transports: transport::Transports::default(),
        }
    }

    /// Records errors of an element; `critical` disables it.
    fn report(&mut self, kind: ElementKind, name: &str, errors: &[ElementError], critical: bool) {
        let state = self.diagnostics.element(kind, name);
        for error in errors {
            state.add_error(error.clone(), critical);
        }
    }

    fn into_model(self, routers: BTreeMap<String, crate::model::RouterModel>) -> Model {
        let services = self
            .services
            .into_iter()
            .filter_map(|(name, outcome)| Some((name, outcome.ok()?)))
            .collect();
        Model {
            routers,
            services,
            diagnostics: self.diagnostics,
            tls: self.tls,
        }
    }
}
