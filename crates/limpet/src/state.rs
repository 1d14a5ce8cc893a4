//! The state shared at run time: one value, created at start, read by every connection.
//!
//! It belongs to the data plane (it names only data-plane types); the operations surface
//! plugs in through the data plane's `observer` traits, so nothing here depends on it.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::data::observer::{ExchangeSink, InternalServices};
use crate::data::proxy::Upstream;
use crate::data::record::Recorder;
use crate::data::service::ServerRegistry;
use crate::data::snapshot::RuntimeSnapshot;

/// Everything a request may need besides its connection.
pub struct Shared {
    /// The configuration in service; swapped whole on reload.
    pub snapshot: ArcSwap<RuntimeSnapshot>,
    /// Upstream connection pools.
    pub upstream: Upstream,
    /// Server state that outlives snapshots (health, drain, load).
    pub servers: Arc<ServerRegistry>,
    /// Sticky decisions and pinned sessions, always recorded.
    pub recorder: Recorder,
    /// Metrics and access log, when configured.
    pub sink: Arc<dyn ExchangeSink>,
    /// API, dashboard, ping, Prometheus.
    pub internal: Arc<dyn InternalServices>,
}
