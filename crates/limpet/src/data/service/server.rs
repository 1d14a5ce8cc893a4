//! Backend servers and their state that outlives a configuration: health (active and
//! passive), in-flight requests and response times, drain progress. Keyed by service and
//! server identity (`id`, else the URL), so a reload keeps it.

mod drain;
mod registry;

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use limpet_config::model::PassiveHealthCheckModel;
use tokio::time::Instant;

use crate::data::proxy::Destination;
use crate::data::ticks::now_ms;

pub use drain::{DrainStatus, DrainTracker};
pub use registry::{ServerRegistry, REMEMBER_REMOVED};

/// How long a server that could not be reached stays down without a passive health check
/// (Traefik's default `failureWindow`).
pub const UNREACHABLE_HOLD: Duration = Duration::from_secs(10);

/// State of one server that survives reloads.
#[derive(Debug)]
pub struct ServerState {
    /// Set by the active health check and, without one, by nothing else.
    healthy: AtomicBool,
    /// Passive check: down until this tick ([`crate::data::ticks`]; 0 = not down).
    passive_down_until_ms: AtomicU64,
    passive_failures: Mutex<Vec<Instant>>,
    in_flight: AtomicUsize,
    /// Exponentially weighted time to first byte, in microseconds (0 = no sample yet).
    ttfb_us: AtomicU64,
    /// Drain requested at runtime (API), on top of the configuration's `draining`.
    drain_override: AtomicBool,
    pub drain: DrainTracker,
}

impl Default for ServerState {
    fn default() -> Self {
        ServerState {
            healthy: AtomicBool::new(true),
            passive_down_until_ms: AtomicU64::new(0),
            passive_failures: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            ttfb_us: AtomicU64::new(0),
            drain_override: AtomicBool::new(false),
            drain: DrainTracker::default(),
        }
    }
}

impl ServerState {
    /// Up for both the active check and the passive check.
    pub fn is_up(&self) -> bool {
        if !self.healthy.load(Ordering::Relaxed) {
            return false;
        }
        let until = self.passive_down_until_ms.load(Ordering::Relaxed);
        until == 0 || now_ms() >= until
    }

    /// Result of an active health check; returns true when the state changed.
    pub fn set_healthy(&self, up: bool) -> bool {
        self.healthy.swap(up, Ordering::Relaxed) != up
    }

    /// Whether the active health check (or a passive failure under one) marked it down.
    pub fn is_healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed)
    }

    /// Backwards-compatible setter used by tests and the API.
    pub fn set_up(&self, up: bool) {
        self.set_healthy(up);
        if up {
            self.passive_down_until_ms.store(0, Ordering::Relaxed);
        }
    }

    /// A failed exchange (5xx or no answer); true when it marks the server down.
    pub fn record_failure(
        &self,
        passive: &PassiveHealthCheckModel,
        has_active_check: bool,
    ) -> bool {
        let now = Instant::now();
        let recent = self.recent_failures(now, passive.failure_window);
        if recent < passive.max_failed_attempts as usize {
            return false;
        }
        self.lock_failures().clear();
        if has_active_check {
            // The active check decides when it comes back.
            return self.set_healthy(false);
        }
        let until = now_ms() + passive.failure_window.as_millis() as u64;
        self.passive_down_until_ms
            .store(until.max(1), Ordering::Relaxed);
        true
    }

    /// The server could not be reached (refused, unreachable, dial timeout): down for new
    /// and pinned requests alike for `hold`; true when it was up.
    pub fn mark_unreachable(&self, hold: Duration) -> bool {
        let was_up = self.is_up();
        let until = now_ms().saturating_add(hold.as_millis() as u64);
        self.passive_down_until_ms.store(until, Ordering::Relaxed);
        was_up
    }

    /// Appends a failure at `now` and counts those inside the window.
    fn recent_failures(&self, now: Instant, window: Duration) -> usize {
        let mut failures = self.lock_failures();
        failures.retain(|at| now.saturating_duration_since(*at) < window);
        failures.push(now);
        failures.len()
    }

    /// A successful exchange resets the passive failure count.
    pub fn record_success(&self) {
        let mut failures = self.lock_failures();
        if !failures.is_empty() {
            failures.clear();
        }
    }

    fn lock_failures(&self) -> std::sync::MutexGuard<'_, Vec<Instant>> {
        self.passive_failures
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Requests sent and not yet answered.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::Relaxed)
    }

    /// Counts a request until the returned guard is dropped.
    pub fn start_request(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self.clone())
    }

    /// Smoothed time to first byte (zero before the first sample).
    pub fn ttfb(&self) -> Duration {
        Duration::from_micros(self.ttfb_us.load(Ordering::Relaxed))
    }

    /// Folds a new time-to-first-byte sample into the average (weight 1/8).
    pub fn record_ttfb(&self, sample: Duration) {
        let sample = sample.as_micros().min(u128::from(u64::MAX / 2)) as u64;
        let _ = self
            .ttfb_us
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |old| {
                Some(if old == 0 {
                    sample.max(1)
                } else {
                    (old * 7 + sample) / 8
                })
            });
    }

    /// Drain requested at runtime (API) — on top of the configuration.
    pub fn set_drain_override(&self, draining: bool) {
        self.drain_override.store(draining, Ordering::Relaxed);
    }

    pub fn drain_override(&self) -> bool {
        self.drain_override.load(Ordering::Relaxed)
    }
}

/// Decrements the in-flight count when dropped.
#[derive(Debug)]
pub struct InFlight(Arc<ServerState>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// One server of a load balancer in a built configuration.
#[derive(Debug)]
pub struct Server {
    /// The URL as written (access-log `ServiceURL`, health key in the API).
    pub url: Arc<str>,
    /// Stable identity: the configured `id`, else the URL.
    pub identity: Box<str>,
    /// Traefik's cookie value for this server: `hex(sha256(identity))[..16]`.
    pub value: Box<str>,
    /// What the debug header shows: the configured `id`, else `value` (never the address).
    pub debug_name: Box<str>,
    pub weight: i64,
    pub dest: Destination,
    pub state: Arc<ServerState>,
    /// From the configuration: `draining: true` or `weight: 0`.
    pub configured_draining: bool,
    pub passive: Option<PassiveHealthCheckModel>,
    pub has_active_check: bool,
}

impl Server {
    /// Up (health) — pinned sessions may use it.
    pub fn is_available(&self) -> bool {
        self.state.is_up()
    }

    /// Draining by configuration or at runtime: keeps its sessions, takes no new ones.
    pub fn is_draining(&self) -> bool {
        self.configured_draining || self.state.drain_override()
    }

    /// Up and not draining — may take new sessions.
    pub fn takes_new_sessions(&self) -> bool {
        !self.is_draining() && self.is_available()
    }

    /// A request could not reach this server: it is down at once (for the passive check's
    /// `failureWindow`, else [`UNREACHABLE_HOLD`]), so the next requests do not pay for it.
    pub fn record_unreachable(&self) {
        let hold = self
            .passive
            .as_ref()
            .map_or(UNREACHABLE_HOLD, |passive| passive.failure_window);
        if self.state.mark_unreachable(hold) {
            tracing::warn!(server = %self.url, hold = ?hold, "server unreachable: marked down, its requests go to other servers");
        }
    }

    /// Records how an exchange went for the passive health check.
    pub fn record_outcome(&self, failed: bool) {
        let Some(passive) = &self.passive else { return };
        if !failed {
            self.state.record_success();
        } else if self.state.record_failure(passive, self.has_active_check) {
            tracing::warn!(server = %self.url, "server marked down by the passive health check");
        }
    }
}
