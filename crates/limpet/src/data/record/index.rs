//! Per-generation index from a picked server to what is recorded about it, and the
//! per-service and per-server counters that survive reloads.
//!
//! A server is found by the address of its URL string, which the service layer hands back
//! (`Decision::server_url`): unique per server of one generation, so the request path needs
//! no name lookups or string building. A request still on an older generation than the
//! index finds nothing and is recorded without server details.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use crate::data::service::{Service, StickyOutcome};
use crate::data::snapshot::RuntimeSnapshot;

use super::PinnedEstimate;

/// Sticky outcome counts of one service.
#[derive(Debug)]
pub struct ServiceStats {
    pub name: Arc<str>,
    outcomes: [AtomicU64; StickyOutcome::ALL.len()],
}

impl ServiceStats {
    fn new(name: &str) -> ServiceStats {
        ServiceStats {
            name: name.into(),
            outcomes: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }

    pub fn count(&self, outcome: StickyOutcome) {
        if let Some(i) = StickyOutcome::ALL.iter().position(|o| *o == outcome) {
            self.outcomes[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// `(outcome label, count)` of every sticky outcome (not `NotSticky`).
    pub fn outcomes(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        StickyOutcome::ALL
            .iter()
            .zip(&self.outcomes)
            .filter(|(o, _)| **o != StickyOutcome::NotSticky)
            .map(|(o, n)| (o.as_str(), n.load(Ordering::Relaxed)))
    }
}

/// One server of one load balancer, as recorded.
#[derive(Debug)]
pub struct ServerObs {
    pub service: Arc<ServiceStats>,
    /// The URL as written (`ServiceURL`).
    pub url: Arc<str>,
    /// `host:port` (`ServiceAddr`).
    pub addr: Arc<str>,
    pub pinned: Arc<PinnedEstimate>,
}

/// Servers of one generation by the address of their state.
#[derive(Debug, Default)]
pub struct Index {
    servers: HashMap<usize, Arc<ServerObs>>,
    /// Every service that has a load balancer, with its servers in build order.
    pub services: Vec<(Arc<ServiceStats>, Vec<Arc<ServerObs>>)>,
    /// Position in `services` by service name.
    by_name: HashMap<Arc<str>, usize>,
}

impl Index {
    /// The server whose URL string is `url` (the very allocation, not an equal string).
    pub fn server(&self, url: &Arc<str>) -> Option<Arc<ServerObs>> {
        self.servers.get(&url_key(url)).cloned()
    }

    pub fn service(&self, name: &str) -> Option<&(Arc<ServiceStats>, Vec<Arc<ServerObs>>)> {
        self.services.get(*self.by_name.get(name)?)
    }
}

fn url_key(url: &Arc<str>) -> usize {
    Arc::as_ptr(url).cast::<u8>() as usize
}

/// Counters kept across generations, by service and by (service, server URL).
#[derive(Debug, Default)]
pub struct Stores {
    services: Mutex<HashMap<String, Arc<ServiceStats>>>,
    pinned: Mutex<HashMap<(String, String), Arc<PinnedEstimate>>>,
}

impl Stores {
    /// The index of `snapshot`'s load balancers; counters of removed services are dropped.
    pub fn index(&self, snapshot: &RuntimeSnapshot) -> Index {
        let mut services = self.services.lock().unwrap_or_else(|p| p.into_inner());
        let mut pinned = self.pinned.lock().unwrap_or_else(|p| p.into_inner());
        let mut index = Index::default();
        let mut names: Vec<&String> = snapshot.services.keys().collect();
        names.sort();
        for name in names {
            let Some(Service::LoadBalancer(lb)) = snapshot.services.get(name).map(|s| &**s) else {
                continue;
            };
            let stats = services
                .entry(name.clone())
                .or_insert_with(|| Arc::new(ServiceStats::new(name)))
                .clone();
            let mut observed = Vec::new();
            for server in lb.servers() {
                let key = (name.clone(), server.url.to_string());
                let obs = Arc::new(ServerObs {
                    service: stats.clone(),
                    url: server.url.clone(),
                    addr: server.dest.authority.as_str().into(),
                    pinned: pinned.entry(key).or_default().clone(),
                });
                index.servers.insert(url_key(&server.url), obs.clone());
                observed.push(obs);
            }
            index
                .by_name
                .insert(stats.name.clone(), index.services.len());
            index.services.push((stats, observed));
        }
        services.retain(|_, stats| Arc::strong_count(stats) > 1);
        pinned.retain(|_, estimate| Arc::strong_count(estimate) > 1);
        index
    }
}
