//! Building the immutable runtime snapshot from a validated model. Pure: no I/O, no tasks,
//! nothing written anywhere. State that outlives snapshots is only read from the registry;
//! what is missing (a new server's state, a new address's pool) is created for this snapshot
//! alone, and the reload hands the result to `ServerRegistry::reconcile`, which adopts it and
//! starts or stops drains.

use std::collections::HashMap;
use std::sync::Arc;

use limpet_config::model::{
    LoadBalancerModel, Model, RouterModel, ServerModel, ServiceKind, ServiceModel,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use http::uri::{Scheme, Uri};
use limpet_config::merge::Merged;

use crate::data::proxy::{ConnectionPool, Destination, PoolKey};
use crate::data::router::{Route, RouteTable};
use crate::data::service::sticky::cookie_value;
use crate::data::service::{
    Failover, LoadBalancer, Mirroring, Server, ServerRegistry, ServerState, Service, Weighted,
};
use crate::data::tls::{upstream, TlsSnapshot};

/// Everything a request needs, for one configuration generation. Never mutated.
#[derive(Debug, Default)]
pub struct RuntimeSnapshot {
    pub generation: u64,
    /// Route tables of plain-HTTP requests by entrypoint index (the order of the
    /// entrypoints given to `build`): the routers without `tls`.
    pub tables: Vec<RouteTable>,
    /// Route tables of requests over TLS, by entrypoint index: the routers with `tls`.
    pub tls_tables: Vec<RouteTable>,
    /// Certificates and TLS configurations of the handshakes.
    pub tls: Arc<TlsSnapshot>,
    /// The model this snapshot was built from (for the API and diagnostics).
    pub model: Arc<Model>,
    /// Built services by qualified name.
    pub services: HashMap<String, Arc<Service>>,
    /// Every provider's elements as written, for the API (`/api/rawdata`, disabled elements).
    pub config: Arc<Merged>,
}

impl RuntimeSnapshot {
    /// The route table of entrypoint `index` for plain-HTTP or TLS requests.
    pub fn table(&self, index: usize, tls: bool) -> Option<&RouteTable> {
        match tls {
            false => self.tables.get(index),
            true => self.tls_tables.get(index),
        }
    }
}

/// Inputs of a build besides the model.
pub struct BuildContext<'a> {
    pub generation: u64,
    /// Entrypoint names; route tables come out in this order.
    pub entry_points: &'a [String],
    /// Read only: states and pools of earlier generations.
    pub servers: &'a ServerRegistry,
    /// Seed of the per-build server shuffle (Traefik shuffles servers on each build).
    pub shuffle_seed: u64,
    /// The configurations as written, kept for the API.
    pub config: Arc<Merged>,
}

/// Builds the services and route tables of `model`.
pub fn build(model: Arc<Model>, ctx: &BuildContext<'_>) -> RuntimeSnapshot {
    let mut builder = ServiceBuilder {
        model: &model,
        ctx,
        built: HashMap::new(),
        building: Vec::new(),
        fresh_pools: HashMap::new(),
        fresh_states: HashMap::new(),
        rng: StdRng::seed_from_u64(ctx.shuffle_seed),
        upstream: upstream::Upstreams::default(),
    };
    for name in model.services.keys() {
        builder.service(name);
    }
    let services = std::mem::take(&mut builder.built);
    let table = |tls| {
        let of = |ep: &String| route_table(&model, ep, tls, &services);
        ctx.entry_points.iter().map(of).collect()
    };
    let tls_routers: Vec<Vec<&RouterModel>> = ctx
        .entry_points
        .iter()
        .map(|ep| routers_on(&model, ep, true).collect())
        .collect();
    let mut tls = TlsSnapshot::build(&model.tls, &tls_routers);
    tls.problems.append(&mut builder.upstream.problems);
    let tls = Arc::new(tls);
    RuntimeSnapshot {
        generation: ctx.generation,
        tables: table(false),
        tls_tables: table(true),
        tls,
        model,
        services,
        config: ctx.config.clone(),
    }
}

/// The routers on entrypoint `ep` answering over TLS (`tls`) or plain HTTP.
fn routers_on<'m>(
    model: &'m Model,
    ep: &'m str,
    tls: bool,
) -> impl Iterator<Item = &'m RouterModel> {
    let on = move |router: &&RouterModel| {
        router.tls.is_some() == tls && router.entry_points.iter().any(|e| e == ep)
    };
    model.routers.values().filter(on)
}

/// The plain-HTTP or TLS routes of entrypoint `ep`, in precedence order.
fn route_table(
    model: &Model,
    ep: &str,
    tls: bool,
    services: &HashMap<String, Arc<Service>>,
) -> RouteTable {
    let mut routers: Vec<&RouterModel> = routers_on(model, ep, tls).collect();
    routers.sort_by_cached_key(|r| r.route_key());
    let routes = routers
        .into_iter()
        .filter_map(|router| {
            let service = services.get(&router.service)?.clone();
            Some(Route {
                name: router.name.as_str().into(),
                rule: router.rule.clone(),
                service,
            })
        })
        .collect();
    RouteTable::new(routes)
}

struct ServiceBuilder<'m> {
    model: &'m Model,
    ctx: &'m BuildContext<'m>,
    built: HashMap<String, Arc<Service>>,
    /// Services being built above the current one (cycles are refused by validation; this
    /// keeps a bad model from recursing forever).
    building: Vec<String>,
    /// Pools this build created for addresses the registry does not know yet, so servers
    /// sharing an address share a pool.
    fresh_pools: HashMap<PoolKey, Arc<ConnectionPool>>,
    /// States this build created for servers the registry does not know yet.
    fresh_states: HashMap<(String, String), Arc<ServerState>>,
    rng: StdRng,
    /// TLS client configurations of the servers transports `https://` servers use.
    upstream: upstream::Upstreams,
}

impl ServiceBuilder<'_> {
    /// The built service `name`, building its children first; `None` if it cannot be built.
    fn service(&mut self, name: &str) -> Option<Arc<Service>> {
        if let Some(done) = self.built.get(name) {
            return Some(done.clone());
        }
        if self.building.iter().any(|n| n == name) {
            return None;
        }
        let model: &ServiceModel = self.model.services.get(name)?;
        self.building.push(name.to_owned());
        let service = self.kind(name, &model.kind);
        self.building.pop();
        let service = Arc::new(service?);
        self.built.insert(name.to_owned(), service.clone());
        Some(service)
    }

    fn kind(&mut self, name: &str, kind: &ServiceKind) -> Option<Service> {
        Some(match kind {
            ServiceKind::LoadBalancer(lb) => {
                Service::LoadBalancer(Box::new(self.load_balancer(name, lb)))
            }
            ServiceKind::Weighted(weighted) => {
                let children = weighted
                    .services
                    .iter()
                    .map(|c| self.service(&c.service))
                    .collect::<Option<Vec<_>>>()?;
                Service::Weighted(Weighted::new(weighted, children))
            }
            ServiceKind::Mirroring(mirroring) => {
                let main = self.service(&mirroring.service)?;
                let mirrors = mirroring
                    .mirrors
                    .iter()
                    .map(|m| self.service(&m.service))
                    .collect::<Option<Vec<_>>>()?;
                Service::Mirroring(Mirroring::new(mirroring, main, mirrors))
            }
            ServiceKind::Failover(failover) => {
                let (main, fallback) = (
                    self.service(&failover.service)?,
                    self.service(&failover.fallback)?,
                );
                Service::Failover(Failover::new(failover, main, fallback))
            }
            ServiceKind::Internal(internal) => Service::Internal(*internal),
        })
    }

    fn load_balancer(&mut self, name: &str, model: &LoadBalancerModel) -> LoadBalancer {
        let mut servers: Vec<Server> = model
            .servers
            .iter()
            .filter(|server| server.weight >= 0)
            .filter_map(|server| self.server(name, model, server))
            .collect();
        servers.shuffle(&mut self.rng);
        let values: Vec<&str> = servers.iter().map(|s| &*s.value).collect();
        let removed = self.ctx.servers.recently_removed(name, &values);
        LoadBalancer::new(model, servers, removed)
    }

    /// A server with its surviving state (or a new one, adopted by the reconcile).
    fn server(
        &mut self,
        service: &str,
        lb: &LoadBalancerModel,
        model: &ServerModel,
    ) -> Option<Server> {
        let pool = self.pool(lb, &model.uri)?;
        let dest = Destination::new(&model.uri, model.preserve_path, pool)?;
        let identity = model.id.as_deref().unwrap_or(&model.url);
        let state = self.state(service, identity);
        let value = cookie_value(identity);
        Some(Server {
            url: model.url.as_str().into(),
            identity: identity.into(),
            debug_name: model.id.clone().unwrap_or_else(|| value.clone()).into(),
            value: value.into(),
            weight: model.weight,
            dest,
            state,
            configured_draining: model.draining || model.weight == 0,
            passive: lb.passive_health_check,
            has_active_check: lb.health_check.is_some(),
        })
    }

    /// The state of `identity` in `service`: the registry's, else one made by this build.
    fn state(&mut self, service: &str, identity: &str) -> Arc<ServerState> {
        if let Some(state) = self.ctx.servers.get(service, identity) {
            return state;
        }
        let key = (service.to_owned(), identity.to_owned());
        self.fresh_states.entry(key).or_default().clone()
    }

    /// The pool of a server: the registry's, else one made by this build; TLS for
    /// `https://` servers (`None` when its TLS settings cannot be built, which is reported).
    fn pool(&mut self, lb: &LoadBalancerModel, uri: &Uri) -> Option<Arc<ConnectionPool>> {
        let authority = uri.authority()?.clone();
        let https = uri.scheme() == Some(&Scheme::HTTPS);
        let tls = match https {
            true => Some(self.upstream.tls(&lb.transport, authority.host())?),
            false => None,
        };
        let key = PoolKey {
            authority: authority.clone(),
            tls: tls.as_ref().map(|(_, fingerprint)| *fingerprint),
        };
        if let Some(pool) = self.ctx.servers.existing_pool(&key) {
            return Some(pool);
        }
        let fresh = self.fresh_pools.entry(key).or_insert_with(|| {
            Arc::new(match tls {
                None => ConnectionPool::new(authority.clone()),
                Some((tls, fingerprint)) => ConnectionPool::with_tls(authority, tls, fingerprint),
            })
        });
        Some(fresh.clone())
    }
}
