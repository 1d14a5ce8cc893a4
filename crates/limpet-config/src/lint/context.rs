//! What the checks look at: entrypoint facts from the static configuration, every router
//! with its parsed rule and effective entrypoints, the sticky services, and the indexes
//! ([`super::index`]) that say which routers reach a service (through weighted, mirroring
//! and failover children) or use a middleware.

use std::collections::BTreeMap;

use limpet_rule::RouteKey;
use serde_json::Value;

use super::index::{Reach, Similar};
use super::patch::Patch;
use crate::dynamic::{Cookie, LoadBalancer, Router, Service, Sticky};
use crate::merge::{qualify, route_key, Element, Merged};
use crate::model::{Model, ServiceKind, StickyModel};
use crate::static_config::{effective_entry_points, entry_point_set, EntryPoint, StaticConfig};

/// What the lint needs to know about one entrypoint.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntryPointFacts {
    /// `http.tls` is set: every router on it serves HTTPS.
    pub tls: bool,
    /// `http.redirections.entryPoint` sends every request to HTTPS.
    pub redirects_to_https: bool,
}

/// Static facts the checks use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LintContext {
    pub entry_points: BTreeMap<String, EntryPointFacts>,
    /// Entrypoints of routers that name none.
    pub defaults: Vec<String>,
    /// No static configuration was given: every entrypoint a router names is assumed to
    /// exist and to be plain HTTP, so only the dynamic configuration is judged.
    pub assumed: bool,
}

impl LintContext {
    /// Facts of the entrypoints `config` defines (Traefik's effective set).
    pub fn from_static(config: &StaticConfig) -> LintContext {
        let entry_points = effective_entry_points(config)
            .into_iter()
            .map(|(name, ep)| (name, facts_of(&ep)))
            .collect();
        LintContext {
            entry_points,
            defaults: entry_point_set(config).defaults,
            assumed: false,
        }
    }

    /// Without a static configuration (see [`LintContext::assumed`]).
    pub fn assumed() -> LintContext {
        LintContext {
            defaults: vec!["http".to_owned()],
            assumed: true,
            ..LintContext::default()
        }
    }

    /// The facts of entrypoint `name`, if it exists (always, when assumed).
    pub fn facts(&self, name: &str) -> Option<EntryPointFacts> {
        match self.entry_points.get(name) {
            Some(facts) => Some(*facts),
            None if self.assumed => Some(EntryPointFacts::default()),
            None => None,
        }
    }
}

fn facts_of(entry_point: &EntryPoint) -> EntryPointFacts {
    let redirect = entry_point
        .http
        .redirections
        .as_ref()
        .and_then(|r| get_ci(r, "entryPoint"));
    let redirects_to_https = redirect.is_some_and(|r| {
        get_ci(r, "to").is_some()
            && get_ci(r, "scheme")
                .and_then(Value::as_str)
                .is_none_or(|s| s.eq_ignore_ascii_case("https"))
    });
    EntryPointFacts {
        tls: entry_point.http.tls.is_some(),
        redirects_to_https,
    }
}

/// A key of a JSON object, matched case-insensitively (opaque static values keep case).
pub(super) fn get_ci<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    value
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// A router as the checks see it.
pub(super) struct RouterFacts<'a> {
    pub name: &'a str,
    pub element: &'a Element<Router>,
    /// `None` when the rule does not parse (validation reports it).
    pub rule: Option<limpet_rule::Rule>,
    /// Entrypoints it asks for (its own or the defaults), existing or not.
    pub entry_points: Vec<String>,
    /// Qualified service; empty when none is named.
    pub service: String,
    /// Qualified middlewares, in order.
    pub middlewares: Vec<String>,
}

impl RouterFacts<'_> {
    pub fn config(&self) -> &Router {
        &self.element.config
    }

    /// Its place in the order routers are tried.
    pub fn route_key(&self) -> RouteKey<'_> {
        let config = self.config();
        let priority = limpet_rule::effective_priority(config.priority, &config.rule);
        route_key(priority, &self.element.provider, self.name)
    }

    /// Entrypoints through which the router serves plain HTTP (no TLS, no redirect).
    pub fn plain_http_entry_points(&self, ctx: &LintContext) -> Vec<String> {
        if self.config().tls.is_some() {
            return Vec::new();
        }
        self.entry_points
            .iter()
            .filter(|ep| {
                ctx.facts(ep)
                    .is_some_and(|f| !f.tls && !f.redirects_to_https)
            })
            .cloned()
            .collect()
    }
}

/// A usable service with sticky cookies on.
pub(super) struct StickyService<'a> {
    pub name: &'a str,
    pub element: &'a Element<Service>,
    pub cookie: &'a Cookie,
    pub model: &'a StickyModel,
    /// `loadBalancer.sticky` or `weighted.sticky`.
    pub at: &'static str,
}

impl StickyService<'_> {
    /// A patch writing the service with load balancer `lb`.
    pub fn with_lb(&self, lb: LoadBalancer) -> Patch {
        let service = Service {
            load_balancer: Some(lb),
            ..self.element.config.clone()
        };
        Patch::new(&self.element.provider).service(self.name, service)
    }

    /// A patch writing the service with its sticky cookie replaced by `cookie`.
    pub fn with_cookie(&self, cookie: Cookie) -> Patch {
        let mut service: Service = self.element.config.clone();
        let slot: Option<&mut Sticky> = if self.at.starts_with("weighted") {
            service.weighted.as_mut().and_then(|w| w.sticky.as_mut())
        } else {
            service
                .load_balancer
                .as_mut()
                .and_then(|lb| lb.sticky.as_mut())
        };
        if let Some(slot) = slot {
            slot.cookie = Some(cookie);
        }
        Patch::new(&self.element.provider).service(self.name, service)
    }
}

/// Everything the checks share.
pub(super) struct Input<'a> {
    pub merged: &'a Merged,
    pub ctx: &'a LintContext,
    pub routers: Vec<RouterFacts<'a>>,
    pub sticky: Vec<StickyService<'a>>,
    reach: Reach<'a>,
    /// Services by base name.
    pub service_names: Similar<'a>,
}

impl<'a> Input<'a> {
    pub fn new(merged: &'a Merged, model: &'a Model, ctx: &'a LintContext) -> Input<'a> {
        let routers: Vec<RouterFacts<'a>> = merged
            .routers
            .iter()
            .map(|(name, element)| router_facts(model, ctx, name, element))
            .collect();
        let uses = routers
            .iter()
            .map(|r| (r.service.as_str(), r.middlewares.as_slice()));
        let reach = Reach::new(merged, uses);
        let sticky = model
            .services
            .iter()
            .filter_map(|(name, service)| sticky_service(merged, name, &service.kind))
            .collect();
        Input {
            merged,
            ctx,
            reach,
            sticky,
            service_names: Similar::new(merged.services.keys().map(String::as_str)),
            routers,
        }
    }

    /// Routers that reach `service` (naming it or a service above it), in name order.
    pub fn routers_reaching(&self, service: &str) -> Vec<&RouterFacts<'a>> {
        let indexes = self.reach.routers_reaching(service);
        indexes
            .into_iter()
            .filter_map(|i| self.routers.get(i))
            .collect()
    }

    /// Routers using middleware `qualified`, in name order.
    pub fn routers_using(&self, qualified: &str) -> Vec<&RouterFacts<'a>> {
        let indexes = self.reach.routers_using(qualified);
        indexes
            .iter()
            .filter_map(|i| self.routers.get(*i))
            .collect()
    }

    /// Whether another service names `service` as a child.
    pub fn is_child(&self, service: &str) -> bool {
        self.reach.is_child(service)
    }

    /// Whether a `weighted` service names `service` as a child.
    pub fn is_weighted_child(&self, service: &str) -> bool {
        self.reach.is_weighted_child(service)
    }
}

fn router_facts<'a>(
    model: &Model,
    ctx: &LintContext,
    name: &'a str,
    element: &'a Element<Router>,
) -> RouterFacts<'a> {
    let config = &element.config;
    let entry_points = if config.entry_points.is_empty() {
        ctx.defaults.clone()
    } else {
        config.entry_points.clone()
    };
    let service = if config.service.is_empty() {
        String::new()
    } else {
        qualify(&config.service, &element.provider)
    };
    // Usable routers were parsed by validation; the others are parsed here.
    let rule = match model.routers.get(name) {
        Some(usable) => Some(usable.rule.clone()),
        None => limpet_rule::Rule::parse(&config.rule).ok(),
    };
    RouterFacts {
        name,
        element,
        rule,
        entry_points,
        service,
        middlewares: config
            .middlewares
            .iter()
            .map(|m| qualify(m, &element.provider))
            .collect(),
    }
}

fn sticky_service<'a>(
    merged: &'a Merged,
    name: &'a str,
    kind: &'a ServiceKind,
) -> Option<StickyService<'a>> {
    let element = merged.services.get(name)?;
    // `if let` rather than `match`: service kinds added later simply have no sticky here.
    let (model, sticky, at) = if let ServiceKind::LoadBalancer(lb) = kind {
        let written = element.config.load_balancer.as_ref()?.sticky.as_ref()?;
        (lb.sticky.as_ref()?, written, "loadBalancer.sticky")
    } else if let ServiceKind::Weighted(weighted) = kind {
        let written = element.config.weighted.as_ref()?.sticky.as_ref()?;
        (weighted.sticky.as_ref()?, written, "weighted.sticky")
    } else {
        return None;
    };
    Some(StickyService {
        name,
        element,
        cookie: sticky.cookie.as_ref()?,
        model,
        at,
    })
}
