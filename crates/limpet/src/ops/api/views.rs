//! Traefik's JSON representations of routers, services and middlewares (`RouterInfo`,
//! `ServiceInfo`, `MiddlewareInfo` plus `name`, `provider`, `type`…), built from one snapshot.
//!
//! Elements are shown as written, with what Traefik fills in at runtime: default
//! entrypoints, computed priority, qualified middlewares, observability defaults, service
//! defaults and the sticky cookie name.

use std::collections::{BTreeMap, HashMap};

use limpet_config::diagnostics::{Cause, ElementState, Status};
use limpet_config::dynamic::{Configuration, HttpConfiguration, Middleware, Router, Service};
use limpet_config::merge::{qualify, Element};
use limpet_config::static_config::EntryPointSet;
use serde::Serialize;

use crate::data::service::ServerRegistry;
use crate::data::snapshot::RuntimeSnapshot;

/// A router as `RouterInfo` (rawdata) — the representation adds name, provider, priorityStr.
#[derive(Debug, Clone, Serialize)]
pub struct RouterInfo {
    #[serde(flatten)]
    pub config: Router,
    /// Shown after the written fields, where Traefik's struct has it.
    observability: RouterObservability,
    #[serde(rename = "error", skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub using: Vec<String>,
}

/// `GET /api/http/routers[/{name}]` element.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouterView {
    #[serde(flatten)]
    pub info: RouterInfo,
    pub name: String,
    pub provider: String,
    pub priority_str: String,
}

/// A service as `ServiceInfo` plus `serverStatus` (rawdata).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceInfo {
    #[serde(flatten)]
    pub config: Service,
    #[serde(rename = "error", skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<String>,
    #[serde(skip)]
    pub server_status: BTreeMap<String, &'static str>,
}

/// `GET /api/http/services[/{name}]` element.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceView {
    #[serde(flatten)]
    pub info: ServiceInfo,
    pub name: String,
    pub provider: String,
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub server_status: BTreeMap<String, &'static str>,
}

/// A middleware as `MiddlewareInfo`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MiddlewareInfo {
    #[serde(flatten)]
    pub config: Middleware,
    #[serde(rename = "error", skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub used_by: Vec<String>,
}

/// `GET /api/http/middlewares[/{name}]` element.
#[derive(Debug, Clone, Serialize)]
pub struct MiddlewareView {
    #[serde(flatten)]
    pub info: MiddlewareInfo,
    pub name: String,
    pub provider: String,
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub kind: String,
}

/// Router `observability` with Traefik's defaults (all on, verbosity `minimal`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouterObservability {
    access_logs: bool,
    metrics: bool,
    tracing: bool,
    trace_verbosity: String,
}

/// What the views of one request are built from.
pub struct Source<'a> {
    pub snapshot: &'a RuntimeSnapshot,
    pub entry_points: &'a EntryPointSet,
    pub servers: &'a ServerRegistry,
}

impl Source<'_> {
    /// Every router, by qualified name.
    pub fn routers(&self) -> Vec<RouterView> {
        let merged = &self.snapshot.config;
        merged.routers.values().map(|e| self.router(e)).collect()
    }

    fn router(&self, element: &Element<Router>) -> RouterView {
        let mut config = element.config.clone();
        if config.entry_points.is_empty() {
            config.entry_points = self.entry_points.defaults.clone();
        }
        config.middlewares = config
            .middlewares
            .iter()
            .map(|m| qualify(m, &element.provider))
            .collect();
        config.priority = limpet_rule::effective_priority(config.priority, &config.rule);
        let observability = observability(config.observability.take().as_ref());
        let using = self.using(&config.entry_points);
        let state = self.state(&self.snapshot.model.diagnostics.routers, &element.name);
        RouterView {
            priority_str: config.priority.to_string(),
            info: RouterInfo {
                config,
                observability,
                errors: state.errors,
                status: state.status.as_str(),
                using,
            },
            name: element.name.clone(),
            provider: element.provider.clone(),
        }
    }

    /// The router's entrypoints that exist, sorted.
    fn using(&self, wanted: &[String]) -> Vec<String> {
        let mut using: Vec<String> = wanted
            .iter()
            .filter(|ep| self.entry_points.all.contains(ep))
            .cloned()
            .collect();
        using.sort();
        using.dedup();
        using
    }

    /// Status and errors as Traefik would show them: lint findings (recorded in the model
    /// with cause [`Cause::Lint`]) are left to `/api/limpet/findings`.
    fn state(&self, states: &BTreeMap<String, ElementState>, name: &str) -> Shown {
        let Some(state) = states.get(name) else {
            return Shown::default();
        };
        let errors: Vec<String> = state
            .errors
            .iter()
            .filter(|e| !matches!(e.cause, Cause::Lint(_)))
            .map(|e| e.message.clone())
            .collect();
        let status = match state.status {
            Status::Warning if errors.is_empty() => Status::Enabled,
            status => status,
        };
        Shown { status, errors }
    }

    /// Every service, by qualified name.
    pub fn services(&self) -> Vec<ServiceView> {
        let merged = &self.snapshot.config;
        let mut shown = HttpConfiguration::default();
        for (name, element) in &merged.services {
            shown.services.insert(name.clone(), element.config.clone());
        }
        let mut shown = Configuration {
            http: Some(shown),
            ..Configuration::default()
        };
        shown.apply_defaults();
        let services = shown.http.map(|http| http.services).unwrap_or_default();
        let mut used_by =
            self.routers_by(|router, provider| vec![qualify(&router.service, provider)]);
        services
            .into_iter()
            .filter_map(|(name, config)| {
                let element = merged.services.get(&name)?;
                let used_by = used_by.remove(&name).unwrap_or_default();
                Some(self.service(element, config, used_by))
            })
            .collect()
    }

    fn service(
        &self,
        element: &Element<Service>,
        mut config: Service,
        used_by: Vec<String>,
    ) -> ServiceView {
        fill_cookie_names(&mut config, &element.name);
        let state = self.state(&self.snapshot.model.diagnostics.services, &element.name);
        let server_status = if state.status != Status::Disabled {
            self.server_status(&element.name, &config)
        } else {
            BTreeMap::new()
        };
        ServiceView {
            kind: config.api_type().unwrap_or_default(),
            info: ServiceInfo {
                used_by,
                config,
                errors: state.errors,
                status: state.status.as_str(),
                server_status: server_status.clone(),
            },
            name: element.name.clone(),
            provider: element.provider.clone(),
            server_status,
        }
    }

    /// `UP`/`DOWN` by server URL, for load balancers.
    fn server_status(&self, service: &str, config: &Service) -> BTreeMap<String, &'static str> {
        let Some(lb) = &config.load_balancer else {
            return BTreeMap::new();
        };
        lb.servers
            .iter()
            .map(|server| {
                let identity = server.id.as_deref().unwrap_or(&server.url);
                let up = self
                    .servers
                    .get(service, identity)
                    .is_none_or(|state| state.is_up());
                (server.url.clone(), if up { "UP" } else { "DOWN" })
            })
            .collect()
    }

    /// Router names (sorted) by each element `uses(router, provider)` names: one pass over
    /// the routers for a whole listing.
    fn routers_by(
        &self,
        uses: impl Fn(&Router, &str) -> Vec<String>,
    ) -> HashMap<String, Vec<String>> {
        let mut by: HashMap<String, Vec<String>> = HashMap::new();
        for router in self.snapshot.config.routers.values() {
            let mut used = uses(&router.config, &router.provider);
            used.sort_unstable();
            used.dedup();
            for element in used {
                by.entry(element).or_default().push(router.name.clone());
            }
        }
        by
    }

    /// Every middleware, by qualified name.
    pub fn middlewares(&self) -> Vec<MiddlewareView> {
        let merged = &self.snapshot.config;
        let states = &self.snapshot.model.diagnostics.middlewares;
        let mut used_by = self.routers_by(|router, provider| {
            let qualified = router.middlewares.iter().map(|m| qualify(m, provider));
            qualified.collect()
        });
        merged
            .middlewares
            .values()
            .map(|element| {
                let state = self.state(states, &element.name);
                let used_by = used_by.remove(&element.name).unwrap_or_default();
                MiddlewareView {
                    kind: middleware_type(&element.config),
                    info: MiddlewareInfo {
                        config: element.config.clone(),
                        errors: state.errors,
                        status: state.status.as_str(),
                        used_by,
                    },
                    name: element.name.clone(),
                    provider: element.provider.clone(),
                }
            })
            .collect()
    }
}

/// An element's status and error texts as the Traefik API shows them.
#[derive(Debug, Default)]
struct Shown {
    status: Status,
    errors: Vec<String>,
}

/// The written `observability` over Traefik's defaults.
fn observability(written: Option<&serde_json::Value>) -> RouterObservability {
    let flag = |key: &str| {
        written
            .and_then(|w| w.get(key))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true)
    };
    let verbosity = written
        .and_then(|w| w.get("traceVerbosity"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("minimal");
    RouterObservability {
        access_logs: flag("accessLogs"),
        metrics: flag("metrics"),
        tracing: flag("tracing"),
        trace_verbosity: verbosity.to_owned(),
    }
}

/// Lowercased name of the middleware's (first) type, as Traefik's `type`.
fn middleware_type(middleware: &Middleware) -> String {
    middleware
        .types()
        .next()
        .map(str::to_ascii_lowercase)
        .unwrap_or_default()
}

/// The API shows the cookie name in use: sanitised, or generated from the service name.
fn fill_cookie_names(config: &mut Service, qualified: &str) {
    let lb = config
        .load_balancer
        .as_mut()
        .and_then(|lb| lb.sticky.as_mut());
    let weighted = config.weighted.as_mut().and_then(|w| w.sticky.as_mut());
    for sticky in lb.into_iter().chain(weighted) {
        if let Some(cookie) = sticky.cookie.as_mut() {
            cookie.name = limpet_config::cookie::cookie_name(&cookie.name, qualified);
        }
    }
}
