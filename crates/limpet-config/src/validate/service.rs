//! Services: exactly one type, supported types built into models, weighted children
//! resolved (recursion detected), service-level middlewares checked.

use super::Validator;
use crate::diagnostics::{Cause, ElementError, ElementKind};
use crate::dynamic::{Service, WeightedRoundRobin};
use crate::merge::qualify;
use crate::model::{InternalService, ServiceKind, ServiceModel, WeightedChild, WeightedModel};

const MULTI_TYPE: &str =
    "cannot create service: multi-types service not supported, consider declaring two different pieces of service instead";

impl Validator<'_> {
    pub(super) fn check_services(&mut self) {
        let names: Vec<String> = self.merged.services.keys().cloned().collect();
        for name in names {
            let _ = self.service(&name, &mut Vec::new());
        }
    }

    /// Whether service `name` is usable (or the error a user of it reports), building it
    /// (and its children) on first use. Only errors are cloned: a service named by many
    /// routers is built and stored once.
    /// `stack` holds the services being built above this one, to detect recursion.
    pub(super) fn service(
        &mut self,
        name: &str,
        stack: &mut Vec<String>,
    ) -> Result<(), ElementError> {
        if let Some(outcome) = self.services.get(name) {
            return outcome.as_ref().map(|_| ()).map_err(Clone::clone);
        }
        let Some(element) = self.merged.services.get(name) else {
            let message = format!("the service {name:?} does not exist");
            return Err(ElementError::new(Cause::MissingService, message));
        };
        if stack.iter().any(|s| s == name) {
            let chain = stack
                .iter()
                .chain(std::iter::once(&name.to_owned()))
                .cloned()
                .collect::<Vec<_>>();
            return Err(ElementError::invalid(format!(
                "could not instantiate service {name}: recursion detected in {}",
                chain.join("->")
            )));
        }
        stack.push(name.to_owned());
        let built = self.build_service(name, &element.provider, &element.config, stack);
        stack.pop();
        self.record_service(name, built)
    }

    fn record_service(
        &mut self,
        name: &str,
        built: Result<ServiceModel, Vec<ElementError>>,
    ) -> Result<(), ElementError> {
        self.diagnostics.element(ElementKind::Service, name);
        let outcome = built.map_err(|errors| {
            self.report(ElementKind::Service, name, &errors, true);
            let state = self.diagnostics.element(ElementKind::Service, name);
            ElementError::unusable_service(&state.errors)
        });
        let usable = outcome.as_ref().map(|_| ()).map_err(Clone::clone);
        self.services.insert(name.to_owned(), outcome);
        usable
    }

    fn build_service(
        &mut self,
        name: &str,
        provider: &str,
        config: &Service,
        stack: &mut Vec<String>,
    ) -> Result<ServiceModel, Vec<ElementError>> {
        let kind = match config.type_names().as_slice() {
            [] if provider == "internal" => internal_kind(name),
            [] => return Err(vec![no_type(name)]),
            [_] => self.build_kind(name, provider, config, stack),
            _ => return Err(vec![ElementError::invalid(MULTI_TYPE)]),
        };
        let middleware_errors: Vec<ElementError> = config
            .middlewares
            .iter()
            .filter_map(|m| self.middleware_use_error(&qualify(m, provider)))
            .collect();
        match kind {
            Ok(kind) if middleware_errors.is_empty() => Ok(ServiceModel {
                name: name.to_owned(),
                kind,
            }),
            Ok(_) => Err(middleware_errors),
            Err(mut errors) => {
                errors.extend(middleware_errors);
                Err(errors)
            }
        }
    }

    fn build_kind(
        &mut self,
        name: &str,
        provider: &str,
        config: &Service,
        stack: &mut Vec<String>,
    ) -> Result<ServiceKind, Vec<ElementError>> {
        if let Some(lb) = &config.load_balancer {
            let (transport, warnings) = self.transports.get(&lb.servers_transport, provider);
            let warnings = warnings.to_vec();
            self.report(ElementKind::Service, name, &warnings, false);
            if let Some(check) = &lb.health_check {
                let replaced = super::health::replaced_by_defaults(check);
                self.report(ElementKind::Service, name, &replaced, false);
            }
            let transport = transport.map_err(|e| vec![e])?;
            return super::load_balancer::build(name, lb, transport).map(ServiceKind::LoadBalancer);
        }
        if let Some(weighted) = &config.weighted {
            return self
                .build_weighted(name, provider, weighted, stack)
                .map(ServiceKind::Weighted);
        }
        if let Some(mirroring) = &config.mirroring {
            return self
                .build_mirroring(provider, mirroring, stack)
                .map(ServiceKind::Mirroring);
        }
        if let Some(failover) = &config.failover {
            return self
                .build_failover(provider, failover, stack)
                .map(ServiceKind::Failover);
        }
        let unsupported = config.type_names().first().copied().unwrap_or("unknown");
        Err(vec![ElementError::unsupported(format!(
            "service type {unsupported:?} is not supported yet"
        ))])
    }

    fn build_weighted(
        &mut self,
        name: &str,
        provider: &str,
        config: &WeightedRoundRobin,
        stack: &mut Vec<String>,
    ) -> Result<WeightedModel, Vec<ElementError>> {
        let mut children = Vec::with_capacity(config.services.len());
        let mut errors = Vec::new();
        for child in &config.services {
            let weight = super::bounded_weight(child.weight.unwrap_or(1)).map_err(|reason| {
                errors.push(reason.prefixed(&format!("service {:?}: ", child.name)))
            });
            let qualified = qualify(&child.name, provider);
            match (self.service(&qualified, stack), weight) {
                (Ok(_), Ok(weight)) => children.push(WeightedChild {
                    written_name: child.name.clone(),
                    service: qualified,
                    weight,
                }),
                (Ok(_), Err(())) => {}
                (Err(error), _) => errors
                    .push(error.prefixed(&format!("building HTTP service {:?}: ", child.name))),
            }
        }
        let sticky = super::cookie::sticky_model(name, config.sticky.as_ref()).map_err(|e| vec![e]);
        match (errors.is_empty(), sticky) {
            (true, Ok(sticky)) => Ok(WeightedModel {
                services: children,
                sticky,
                health_check: config.health_check.is_some(),
            }),
            (_, Err(mut sticky_errors)) => {
                errors.append(&mut sticky_errors);
                Err(errors)
            }
            (false, Ok(_)) => Err(errors),
        }
    }
}

/// The services limpet answers itself carry no type; only its own provider may declare them.
fn internal_kind(name: &str) -> Result<ServiceKind, Vec<ElementError>> {
    InternalService::from_qualified(name)
        .map(ServiceKind::Internal)
        .ok_or_else(|| vec![no_type(name)])
}

fn no_type(name: &str) -> ElementError {
    ElementError::invalid(format!(
        "the service {name:?} does not have any type defined"
    ))
}
