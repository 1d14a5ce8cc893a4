//! The registry of state that outlives configurations: server states by (service, server
//! identity), connection pools by server address, and the values of recently removed servers.
//!
//! The snapshot build only *reads* it ([`ServerRegistry::get`], [`ServerRegistry::existing_pool`],
//! [`ServerRegistry::recently_removed`]) and creates what is missing in its own memory; the
//! reload then calls [`ServerRegistry::reconcile`] with the built snapshot, which adopts the new
//! states and pools, records the servers' values, starts and stops drains, and forgets what no
//! configuration references any more.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use limpet_config::model::ServiceKind;
use tokio::time::Instant;

use super::ServerState;
use crate::data::proxy::{ConnectionPool, PoolKey};
use crate::data::service::Service;
use crate::data::snapshot::RuntimeSnapshot;

/// Server states by (service, server identity), shared by every configuration generation.
#[derive(Debug, Default)]
pub struct ServerRegistry {
    states: Mutex<HashMap<(String, String), Arc<ServerState>>>,
    /// Per service: the server values of the last build, and those lost in recent reloads.
    values: Mutex<HashMap<String, ServiceValues>>,
    /// Keep-alive connections by server address (and TLS settings), shared by every service
    /// and generation.
    pools: Mutex<HashMap<PoolKey, Arc<ConnectionPool>>>,
}

#[derive(Debug, Default)]
struct ServiceValues {
    last: Vec<String>,
    removed: HashMap<String, Instant>,
}

/// How long a removed server's value is remembered (a session whose server is gone is told
/// apart from a garbage value for this long).
pub const REMEMBER_REMOVED: Duration = Duration::from_secs(24 * 3600);

/// Locks `mutex`, taking the data over if a holder panicked (the data stays consistent:
/// every critical section is a single map operation).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ServerRegistry {
    /// The state of `identity` in `service`, if a configuration created it.
    pub fn get(&self, service: &str, identity: &str) -> Option<Arc<ServerState>> {
        let states = lock(&self.states);
        states
            .get(&(service.to_owned(), identity.to_owned()))
            .cloned()
    }

    /// The connection pool of `key`, if one exists.
    pub fn existing_pool(&self, key: &PoolKey) -> Option<Arc<ConnectionPool>> {
        lock(&self.pools).get(key).cloned()
    }

    /// Every known state, for monitors and the API: ((service, identity), state).
    pub fn all(&self) -> Vec<((String, String), Arc<ServerState>)> {
        let states = lock(&self.states);
        states.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// The values `service` lost in recent reloads if its servers now have `current`, with
    /// when each left (so a session whose server is gone is told apart from garbage, and
    /// `restartGrace` can wait for it). Reads only.
    pub fn recently_removed(&self, service: &str, current: &[&str]) -> Vec<(String, Instant)> {
        let values = lock(&self.values);
        let Some(entry) = values.get(service) else {
            return Vec::new();
        };
        let now = Instant::now();
        // Leaving with this build: removed now; removed earlier: when they left.
        let leaving = entry.last.iter().map(|value| (value, now));
        let remembered = entry
            .removed
            .iter()
            .filter(|(_, at)| now.saturating_duration_since(**at) < REMEMBER_REMOVED)
            .map(|(value, at)| (value, *at));
        let mut removed: HashMap<&String, Instant> = HashMap::new();
        for (value, at) in remembered.chain(leaving) {
            if !current.contains(&value.as_str()) {
                removed.entry(value).or_insert(at);
            }
        }
        let mut removed: Vec<(String, Instant)> =
            removed.into_iter().map(|(v, at)| (v.clone(), at)).collect();
        removed.sort_unstable();
        removed
    }

    /// Puts the state of a newly built snapshot in place: adopts its server states and pools,
    /// records its servers' values, starts or stops drains. Call before the snapshot goes
    /// into service; [`ServerRegistry::prune`] after the previous one is out.
    pub fn reconcile(&self, snapshot: &RuntimeSnapshot) {
        for (name, service) in &snapshot.services {
            if let Service::LoadBalancer(lb) = &**service {
                let drain = drain_settings(snapshot, name);
                self.adopt(name, lb.servers(), drain);
            }
        }
    }

    fn adopt(&self, service: &str, servers: &[super::Server], drain: DrainSettings) {
        for server in servers {
            let key = (service.to_owned(), server.identity.to_string());
            lock(&self.states)
                .entry(key)
                .or_insert_with(|| server.state.clone());
            lock(&self.pools)
                .entry(server.dest.pool.key().clone())
                .or_insert_with(|| server.dest.pool.clone());
            if server.is_draining() {
                server.state.drain.start(drain.0, drain.1);
            } else {
                server.state.drain.stop();
            }
        }
        let values: Vec<&str> = servers.iter().map(|s| &*s.value).collect();
        self.record_values(service, &values);
    }

    /// Notes the server values `service` has now; those it lost become "recently removed".
    fn record_values(&self, service: &str, current: &[&str]) {
        let mut values = lock(&self.values);
        let entry = values.entry(service.to_owned()).or_default();
        let now = Instant::now();
        for gone in entry.last.iter().filter(|v| !current.contains(&v.as_str())) {
            entry.removed.insert(gone.clone(), now);
        }
        entry.removed.retain(|value, at| {
            !current.contains(&value.as_str())
                && now.saturating_duration_since(*at) < REMEMBER_REMOVED
        });
        entry.last = current.iter().map(|v| (*v).to_owned()).collect();
    }

    /// Forgets states and connection pools no configuration references any more.
    pub fn prune(&self) {
        lock(&self.states).retain(|_, state| Arc::strong_count(state) > 1);
        lock(&self.pools).retain(|_, pool| Arc::strong_count(pool) > 1);
    }
}

/// `drainIdle` and `drainTimeout` of a load balancer.
type DrainSettings = (Duration, Option<Duration>);

fn drain_settings(snapshot: &RuntimeSnapshot, service: &str) -> DrainSettings {
    match snapshot.model.services.get(service).map(|s| &s.kind) {
        Some(ServiceKind::LoadBalancer(lb)) => (lb.drain_idle, lb.drain_timeout),
        _ => (Duration::ZERO, None),
    }
}
