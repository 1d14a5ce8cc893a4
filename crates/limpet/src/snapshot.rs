//! Building the immutable runtime snapshot from a validated model (pure: no I/O, no tasks).

use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::Arc;

use limpet_config::model::{LoadBalancerModel, Model, RouterModel, ServiceKind, ServiceModel};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use crate::proxy::Destination;
use crate::router::{Route, RouteTable};
use crate::service::{LoadBalancer, Server, ServerRegistry, Service, Weighted};

/// Everything a request needs, for one configuration generation. Never mutated.
#[derive(Debug, Default)]
pub struct RuntimeSnapshot {
    pub generation: u64,
    /// Route tables by entrypoint index (the order of the entrypoints given to `build`).
    pub tables: Vec<RouteTable>,
    /// The model this snapshot was built from (for the API and diagnostics).
    pub model: Arc<Model>,
    /// Built services by qualified name.
    pub services: HashMap<String, Arc<Service>>,
}

impl RuntimeSnapshot {
    /// The route table of entrypoint `index`.
    pub fn table(&self, index: usize) -> Option<&RouteTable> {
        self.tables.get(index)
    }
}

/// Inputs of a build besides the model.
pub struct BuildContext<'a> {
    pub generation: u64,
    /// Entrypoint names; route tables come out in this order.
    pub entry_points: &'a [String],
    pub servers: &'a ServerRegistry,
    /// Seed of the per-build server shuffle (Traefik shuffles servers on each build).
    pub shuffle_seed: u64,
}

/// Builds the services and route tables of `model`.
pub fn build(model: Arc<Model>, ctx: &BuildContext<'_>) -> RuntimeSnapshot {
    let mut builder = ServiceBuilder {
        model: &model,
        ctx,
        built: HashMap::new(),
        rng: StdRng::seed_from_u64(ctx.shuffle_seed),
    };
    for name in model.services.keys() {
        builder.service(name);
    }
    let services = builder.built;
    let tables = ctx
        .entry_points
        .iter()
        .map(|ep| route_table(&model, ep, &services))
        .collect();
    RuntimeSnapshot {
        generation: ctx.generation,
        tables,
        model,
        services,
    }
}

/// The routes of entrypoint `ep`, in precedence order.
fn route_table(model: &Model, ep: &str, services: &HashMap<String, Arc<Service>>) -> RouteTable {
    let mut routers: Vec<&RouterModel> = model
        .routers
        .values()
        .filter(|router| router.entry_points.iter().any(|e| e == ep))
        .collect();
    routers.sort_by_key(|r| {
        (
            Reverse(r.priority),
            limpet_config::merge::provider_rank(&r.provider),
            r.name.as_str(),
        )
    });
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
    rng: StdRng,
}

impl ServiceBuilder<'_> {
    /// The built service `name`, building its children first; `None` if it cannot be built.
    fn service(&mut self, name: &str) -> Option<Arc<Service>> {
        if let Some(done) = self.built.get(name) {
            return Some(done.clone());
        }
        let model: &ServiceModel = self.model.services.get(name)?;
        let service = match &model.kind {
            ServiceKind::LoadBalancer(lb) => Service::LoadBalancer(self.load_balancer(name, lb)),
            ServiceKind::Weighted(weighted) => {
                let children = weighted
                    .services
                    .iter()
                    .map(|c| self.service(&c.service))
                    .collect::<Option<Vec<_>>>()?;
                Service::Weighted(Weighted::new(weighted, children))
            }
        };
        let service = Arc::new(service);
        self.built.insert(name.to_owned(), service.clone());
        Some(service)
    }

    fn load_balancer(&mut self, name: &str, model: &LoadBalancerModel) -> LoadBalancer {
        let mut servers: Vec<(Server, i64)> = model
            .servers
            .iter()
            .filter_map(|server| {
                let dest = Destination::new(&server.uri, server.preserve_path)?;
                let identity = server.id.as_deref().unwrap_or(&server.url);
                let state = self.ctx.servers.state(name, identity);
                Some((
                    Server {
                        url: server.url.as_str().into(),
                        dest,
                        state,
                    },
                    server.weight,
                ))
            })
            .collect();
        servers.shuffle(&mut self.rng);
        LoadBalancer::new(model, servers)
    }
}
