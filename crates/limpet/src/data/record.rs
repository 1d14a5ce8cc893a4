//! What the data plane records about its own sticky decisions, always (the API, the dashboard
//! and the metrics read it): outcome counts per service, the pinned-session estimate per
//! server, and the recent notable decisions.
//!
//! The hot path stays cheap: a decision is one pointer-keyed lookup in the per-generation
//! [`Index`], one atomic add and one atomic OR; only notable decisions (anything but a plain
//! hit) take the short lock of the recent list.

mod index;
mod pinned;

use std::collections::VecDeque;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use arc_swap::ArcSwap;
use http::HeaderValue;

use crate::data::service::{Decision, StickyOutcome};
use crate::data::snapshot::RuntimeSnapshot;

pub use index::{Index, ServerObs, ServiceStats};
pub use pinned::PinnedEstimate;

/// How many recent notable sticky decisions are kept.
const RECENT_DECISIONS: usize = 50;

/// A notable sticky decision (anything but a plain hit).
#[derive(Debug, Clone)]
pub struct StickyEvent {
    pub at: SystemTime,
    pub service: Arc<str>,
    pub server: Arc<str>,
    pub outcome: StickyOutcome,
    pub client: IpAddr,
}

/// A client as the pinned-session estimate tells clients apart: address and User-Agent.
pub type ClientKey = (IpAddr, Option<HeaderValue>);

/// The sticky records of the process.
#[derive(Debug)]
pub struct Recorder {
    index: ArcSwap<Index>,
    stores: index::Stores,
    recent: Mutex<VecDeque<StickyEvent>>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder {
            index: ArcSwap::from_pointee(Index::default()),
            stores: index::Stores::default(),
            recent: Mutex::new(VecDeque::with_capacity(RECENT_DECISIONS)),
        }
    }
}

impl Recorder {
    /// A new snapshot is about to be put in service: index its servers.
    pub fn on_reload(&self, snapshot: &RuntimeSnapshot) {
        self.index.store(Arc::new(self.stores.index(snapshot)));
    }

    /// The current per-server index.
    pub fn index(&self) -> Arc<Index> {
        self.index.load_full()
    }

    /// Counts the decision and the pinned client; returns the server's record, if the
    /// request picked a server of the current generation.
    pub fn on_decision(&self, decision: &Decision, client: &ClientKey) -> Option<Arc<ServerObs>> {
        let url = decision.server_url.as_ref()?;
        let obs = self.index.load().server(url)?;
        if decision.outcome != StickyOutcome::NotSticky {
            obs.service.count(decision.outcome);
            obs.pinned.see(client);
            if decision.outcome != StickyOutcome::Hit {
                self.remember(&obs, decision.outcome, client.0);
            }
        }
        Some(obs)
    }

    fn remember(&self, obs: &ServerObs, outcome: StickyOutcome, client: IpAddr) {
        let event = StickyEvent {
            at: SystemTime::now(),
            service: obs.service.name.clone(),
            server: obs.url.clone(),
            outcome,
            client,
        };
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() == RECENT_DECISIONS {
            recent.pop_front();
        }
        recent.push_back(event);
    }

    /// Recent notable sticky decisions, newest first.
    pub fn recent_decisions(&self) -> Vec<StickyEvent> {
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        recent.iter().rev().cloned().collect()
    }
}
