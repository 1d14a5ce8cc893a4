//! Routers: entrypoints (defaults applied, unknown ones reported), priority, rule, service
//! and middlewares. Unlike Traefik, which stops at the first failure, every problem of a
//! router is reported at once.

use std::collections::BTreeMap;

use limpet_rule::priority::{effective_priority, MAX_USER_PRIORITY};

use super::Validator;
use crate::diagnostics::{Cause, ElementError, ElementKind};
use crate::dynamic::Router;
use crate::merge::tls::options_name;
use crate::merge::{qualify, Element};
use crate::model::{RouterModel, RouterTlsModel};

/// What a router resolves to, before its errors are known to be non-critical.
struct Resolved {
    entry_points: Vec<String>,
    priority: Option<i64>,
    rule: Option<limpet_rule::Rule>,
    middlewares: Vec<String>,
    service: String,
    tls: Option<RouterTlsModel>,
}

impl Validator<'_> {
    pub(super) fn check_routers(&mut self) -> BTreeMap<String, RouterModel> {
        let mut routers = BTreeMap::new();
        for (name, element) in &self.merged.routers {
            self.diagnostics.element(ElementKind::Router, name);
            if let Some(model) = self.check_router(name, element) {
                routers.insert(name.clone(), model);
            }
        }
        routers
    }

    fn check_router(&mut self, name: &str, element: &Element<Router>) -> Option<RouterModel> {
        let resolved = self.resolve_router(name, element);
        if !self
            .diagnostics
            .element(ElementKind::Router, name)
            .is_usable()
        {
            return None;
        }
        Some(RouterModel {
            name: name.to_owned(),
            provider: element.provider.clone(),
            rule_text: element.config.rule.clone(),
            rule: resolved.rule?,
            priority: resolved.priority?,
            entry_points: resolved.entry_points,
            middlewares: resolved.middlewares,
            service: resolved.service,
            tls: resolved.tls,
        })
    }

    fn resolve_router(&mut self, name: &str, element: &Element<Router>) -> Resolved {
        let config = &element.config;
        let provider = element.provider.as_str();
        let entry_points = self.router_entry_points(name, config);
        let mut errors = Vec::new();
        let priority = priority(name, config).map_err(|e| errors.push(e)).ok();
        let service = self
            .router_service(config, provider)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let middlewares: Vec<String> = config
            .middlewares
            .iter()
            .map(|m| qualify(m, provider))
            .collect();
        errors.extend(
            middlewares
                .iter()
                .filter_map(|m| self.middleware_use_error(m)),
        );
        errors.extend(unsupported_router_options(config));
        let tls = self.router_tls(name, config, provider, &mut errors);
        let rule = limpet_rule::Rule::parse(&config.rule)
            .map_err(|e| errors.push(ElementError::new(Cause::BadRule, e.to_string())))
            .ok();
        self.report(ElementKind::Router, name, &errors, true);
        Resolved {
            entry_points,
            priority,
            rule,
            middlewares,
            service,
            tls,
        }
    }

    /// The router's TLS: its options must exist and be usable (else a critical error in
    /// `errors`); a `certResolver` is a warning, the router serving with the certificate
    /// chosen by SNI.
    fn router_tls(
        &mut self,
        name: &str,
        config: &Router,
        provider: &str,
        errors: &mut Vec<ElementError>,
    ) -> Option<RouterTlsModel> {
        let tls = config.tls.as_ref()?;
        let options = options_name(&tls.options, provider);
        if let Some(error) = self.tls.broken_options.get(&options) {
            errors.push(ElementError::invalid(error.clone()));
        } else if !self.tls.options.contains_key(&options) {
            let message = format!("unknown TLS options: {options}");
            errors.push(ElementError::invalid(message));
        }
        if !tls.cert_resolver.is_empty() {
            let message = format!(
                "certResolver {:?}: ACME is not supported yet; the router serves the certificate matching the request's SNI, else the default certificate",
                tls.cert_resolver
            );
            let warning = ElementError::unsupported(message);
            self.report(ElementKind::Router, name, &[warning], false);
        }
        let domains = tls
            .domains
            .iter()
            .flat_map(|d| std::iter::once(&d.main).chain(&d.sans))
            .filter(|d| !d.is_empty())
            .map(|d| d.to_ascii_lowercase())
            .collect();
        Some(RouterTlsModel { options, domains })
    }

    /// Effective entrypoints, sorted; unknown ones are a warning, none left is an error.
    fn router_entry_points(&mut self, name: &str, config: &Router) -> Vec<String> {
        let wanted = if config.entry_points.is_empty() {
            &self.entry_points.defaults
        } else {
            &config.entry_points
        };
        let (mut valid, unknown): (Vec<String>, Vec<String>) = wanted
            .iter()
            .cloned()
            .partition(|ep| self.entry_points.all.contains(ep));
        let warnings: Vec<ElementError> = unknown
            .iter()
            .map(|ep| {
                let message = format!("entryPoint {ep:?} doesn't exist");
                ElementError::new(Cause::UnknownEntryPoint, message)
            })
            .collect();
        self.report(ElementKind::Router, name, &warnings, false);
        if valid.is_empty() {
            let none = "no valid entryPoint for this router";
            let error = ElementError::new(Cause::NoEntryPoint, none);
            self.report(ElementKind::Router, name, &[error], true);
        }
        valid.sort();
        valid.dedup();
        valid
    }

    /// The qualified service, or why the router cannot use it.
    fn router_service(&mut self, config: &Router, provider: &str) -> Result<String, ElementError> {
        if config.service.is_empty() {
            let message = "router must have either a service or child routers";
            return Err(ElementError::invalid(message));
        }
        let qualified = qualify(&config.service, provider);
        self.service(&qualified, &mut Vec::new())?;
        Ok(qualified)
    }
}

/// The effective priority: configured, or the rule length when 0.
fn priority(name: &str, config: &Router) -> Result<i64, ElementError> {
    let priority = effective_priority(config.priority, &config.rule);
    if priority > MAX_USER_PRIORITY && !name.ends_with("@internal") {
        return Err(ElementError::invalid(format!(
            "the router priority {priority} exceeds the max user-defined priority {MAX_USER_PRIORITY}"
        )));
    }
    Ok(priority)
}

/// Router options Traefik has and the runtime does not implement yet: refusing them is
/// better than serving something other than what was asked for.
fn unsupported_router_options(config: &Router) -> Vec<ElementError> {
    let mut errors = Vec::new();
    if !config.parent_refs.is_empty() {
        let message = "parentRefs (multi-layer routing) is not supported yet";
        errors.push(ElementError::unsupported(message));
    }
    if config.rule_syntax.eq_ignore_ascii_case("v2") {
        // The message says what to do: no general fix applies.
        let message = "ruleSyntax \"v2\" is not supported: rewrite the rule with the v3 syntax";
        errors.push(ElementError::invalid(message));
    }
    errors
}
