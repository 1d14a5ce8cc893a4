//! A monotonic millisecond clock that fits in an atomic: deadlines shared between tasks are
//! stored as milliseconds since a process-wide base instant. Tokio time, so tests can pause
//! it.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::time::Instant;

/// The instant every tick is counted from.
fn base() -> Instant {
    static BASE: OnceLock<Instant> = OnceLock::new();
    *BASE.get_or_init(Instant::now)
}

/// Milliseconds since the base (never 0, so 0 can mean "none" in an atomic).
pub fn now_ms() -> u64 {
    ms_of(Instant::now())
}

/// `instant` in ticks.
pub fn ms_of(instant: Instant) -> u64 {
    (instant.saturating_duration_since(base()).as_millis() as u64).saturating_add(1)
}

/// `now + after` in ticks.
pub fn after(after: Duration) -> u64 {
    now_ms().saturating_add(after.as_millis() as u64)
}

/// The instant of tick `ms`.
pub fn instant_of(ms: u64) -> Instant {
    base() + Duration::from_millis(ms.saturating_sub(1))
}
