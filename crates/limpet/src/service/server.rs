//! Backend servers and their state that outlives a configuration (health, keyed by identity).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use crate::proxy::Destination;

/// State of one server that survives reloads.
#[derive(Debug)]
pub struct ServerState {
    up: AtomicBool,
}

impl ServerState {
    pub fn is_up(&self) -> bool {
        self.up.load(Ordering::Relaxed)
    }

    pub fn set_up(&self, up: bool) {
        self.up.store(up, Ordering::Relaxed);
    }
}

impl Default for ServerState {
    fn default() -> Self {
        ServerState {
            up: AtomicBool::new(true),
        }
    }
}

/// One server of a load balancer in a built configuration.
#[derive(Debug)]
pub struct Server {
    /// The URL as written: the key of its cookie value, health state and access-log field.
    pub url: Box<str>,
    pub dest: Destination,
    pub state: Arc<ServerState>,
}

impl Server {
    pub fn is_available(&self) -> bool {
        self.state.is_up()
    }
}

/// Server states by (service, server identity), shared by every configuration generation.
#[derive(Debug, Default)]
pub struct ServerRegistry {
    states: Mutex<HashMap<(String, String), Arc<ServerState>>>,
}

impl ServerRegistry {
    /// The state of `identity` in `service`, created up if unknown.
    pub fn state(&self, service: &str, identity: &str) -> Arc<ServerState> {
        let mut states = self
            .states
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = (service.to_owned(), identity.to_owned());
        states.entry(key).or_default().clone()
    }

    /// Forgets states no configuration references any more.
    pub fn prune(&self) {
        let mut states = self
            .states
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        states.retain(|_, state| Arc::strong_count(state) > 1);
    }
}
