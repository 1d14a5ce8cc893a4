//! Drain progress of one server: distinct sessions seen in a sliding window, and the moment
//! the drain is complete (no session for `drainIdle`, or `drainTimeout` elapsed).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use tokio::time::Instant;

/// Drain bookkeeping; idle (not draining) until [`DrainTracker::start`].
#[derive(Debug, Default)]
pub struct DrainTracker {
    inner: Mutex<Option<Drain>>,
}

#[derive(Debug)]
struct Drain {
    started: Instant,
    started_at: SystemTime,
    /// Session key → last time it was seen.
    sessions: HashMap<u64, Instant>,
    idle: Duration,
    timeout: Option<Duration>,
    drained_at: Option<SystemTime>,
}

/// What the API shows about a drain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrainStatus {
    pub started_at: SystemTime,
    /// Distinct sessions seen within the idle window.
    pub sessions_seen: usize,
    /// When the drain completed, if it has.
    pub drained_at: Option<SystemTime>,
}

impl DrainTracker {
    /// Starts tracking (no-op when already draining); windows are updated either way.
    pub fn start(&self, idle: Duration, timeout: Option<Duration>) {
        let mut inner = self.lock();
        match inner.as_mut() {
            Some(drain) => (drain.idle, drain.timeout) = (idle, timeout),
            None => *inner = Some(Drain::new(idle, timeout)),
        }
    }

    /// Stops tracking (the server takes new sessions again).
    pub fn stop(&self) {
        *self.lock() = None;
    }

    pub fn is_active(&self) -> bool {
        self.lock().is_some()
    }

    /// A pinned session was served by the draining server.
    pub fn saw_session(&self, key: u64) {
        if let Some(drain) = self.lock().as_mut() {
            drain.sessions.insert(key, Instant::now());
        }
    }

    /// Updates completion; returns true exactly once, when the drain completes.
    pub fn check_complete(&self) -> bool {
        let mut inner = self.lock();
        let Some(drain) = inner.as_mut() else {
            return false;
        };
        if drain.drained_at.is_some() {
            return false;
        }
        let now = Instant::now();
        drain
            .sessions
            .retain(|_, seen| now.saturating_duration_since(*seen) < drain.idle);
        let quiet_since = drain
            .sessions
            .values()
            .max()
            .copied()
            .unwrap_or(drain.started);
        let idle = now.saturating_duration_since(quiet_since) >= drain.idle;
        let timed_out = drain
            .timeout
            .is_some_and(|t| now.saturating_duration_since(drain.started) >= t);
        if idle || timed_out {
            drain.drained_at = Some(SystemTime::now());
        }
        drain.drained_at.is_some()
    }

    /// Whether the drain has completed.
    pub fn is_drained(&self) -> bool {
        self.lock().as_ref().is_some_and(|d| d.drained_at.is_some())
    }

    /// Progress for the API, `None` when not draining.
    pub fn status(&self) -> Option<DrainStatus> {
        self.lock().as_ref().map(|d| DrainStatus {
            started_at: d.started_at,
            sessions_seen: d.sessions.len(),
            drained_at: d.drained_at,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Drain>> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drain {
    fn new(idle: Duration, timeout: Option<Duration>) -> Drain {
        Drain {
            started: Instant::now(),
            started_at: SystemTime::now(),
            sessions: HashMap::new(),
            idle,
            timeout,
            drained_at: None,
        }
    }
}
