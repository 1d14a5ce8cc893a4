//! Where a client connection is in its request cycle, and which deadline applies: Traefik's
//! `respondingTimeouts` with Go's semantics.
//!
//! - `readTimeout` bounds reading a request, head and body, from its first byte (from the
//!   accept for a connection's first request); waiting for the server's answer is not reading.
//! - `writeTimeout` bounds writing the response, counted from the moment the head was read.
//! - `idleTimeout` bounds the wait for the next request on a keep-alive connection.
//!
//! The connection's stream, the request handler, the request body (read by an upstream
//! connection task) and the response body each move the phase; deadlines are atomics in
//! [`ticks`], so no lock and no allocation per request.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::time::Duration;

use limpet_config::static_config::RespondingTimeouts;

use crate::data::observer::ClientTimeout;
use crate::data::ticks;

/// An entrypoint's responding timeouts; `None` means no limit (Go: zero or negative).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Timeouts {
    pub read: Option<Duration>,
    pub write: Option<Duration>,
    pub idle: Option<Duration>,
}

impl Timeouts {
    pub fn from_config(config: &RespondingTimeouts) -> Timeouts {
        let limit =
            |d: limpet_config::duration::GoDuration| Some(d.to_std()).filter(|d| !d.is_zero());
        Timeouts {
            read: limit(config.read_timeout),
            write: limit(config.write_timeout),
            idle: limit(config.idle_timeout),
        }
    }
}

const HEAD: u8 = 0;
const BODY: u8 = 1;
const RESPONDING: u8 = 2;
const IDLE: u8 = 3;
const UPGRADED: u8 = 4;

/// One client connection's phase and deadlines.
#[derive(Debug)]
pub struct ConnClock {
    timeouts: Timeouts,
    phase: AtomicU8,
    /// Tick by which the current request must have been read (0 = no limit).
    read_by: AtomicU64,
    /// Tick by which the current response must have been written (0 = no limit).
    write_by: AtomicU64,
    /// Tick by which an idle connection must have sent its next request (0 = no limit).
    idle_by: AtomicU64,
}

/// A deadline a pending read or write waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub at: u64,
    pub kind: ClientTimeout,
}

impl ConnClock {
    /// A new connection: reading its first request, from now.
    pub fn new(timeouts: Timeouts) -> ConnClock {
        ConnClock {
            timeouts,
            phase: AtomicU8::new(HEAD),
            read_by: AtomicU64::new(deadline(timeouts.read)),
            write_by: AtomicU64::new(0),
            idle_by: AtomicU64::new(0),
        }
    }

    /// Request bytes arrived: on an idle connection, a new request starts now (true).
    pub fn bytes_arrived(&self) -> bool {
        if self.phase.load(Ordering::Relaxed) != IDLE {
            return false;
        }
        self.read_by
            .store(deadline(self.timeouts.read), Ordering::Relaxed);
        self.phase.store(HEAD, Ordering::Relaxed);
        true
    }

    /// Whether the current request's head is still being read.
    pub fn in_head(&self) -> bool {
        matches!(self.phase.load(Ordering::Relaxed), HEAD | IDLE)
    }

    /// The handler has the request head; `body_done` when there is no body to read.
    pub fn head_read(&self, body_done: bool) {
        if self.phase.load(Ordering::Relaxed) == IDLE {
            // A pipelined request parsed from the buffer: its reading starts now.
            self.read_by
                .store(deadline(self.timeouts.read), Ordering::Relaxed);
        }
        self.write_by
            .store(deadline(self.timeouts.write), Ordering::Relaxed);
        let next = if body_done { RESPONDING } else { BODY };
        self.phase.store(next, Ordering::Relaxed);
    }

    /// The request body was read to its end.
    pub fn body_read(&self) {
        let _ = self
            .phase
            .compare_exchange(BODY, RESPONDING, Ordering::Relaxed, Ordering::Relaxed);
    }

    /// The response body has been handed to the connection: it waits for its next request.
    /// The write deadline stays until then (hyper may still be flushing the response).
    pub fn response_done(&self) {
        if self.phase.load(Ordering::Relaxed) == UPGRADED {
            return;
        }
        self.idle_by
            .store(deadline(self.timeouts.idle), Ordering::Relaxed);
        self.phase.store(IDLE, Ordering::Relaxed);
    }

    /// The connection was handed over to an upgraded protocol: no timeout applies any more.
    pub fn upgraded(&self) {
        self.phase.store(UPGRADED, Ordering::Relaxed);
    }

    /// What a pending read of the client waits for, if anything.
    pub fn read_deadline(&self) -> Option<Deadline> {
        let (slot, kind) = match self.phase.load(Ordering::Relaxed) {
            HEAD | BODY => (&self.read_by, ClientTimeout::Read),
            IDLE => (&self.idle_by, ClientTimeout::Idle),
            _ => return None,
        };
        let at = slot.load(Ordering::Relaxed);
        (at != 0).then_some(Deadline { at, kind })
    }

    /// What a pending (or any) write to the client waits for, if anything.
    pub fn write_deadline(&self) -> Option<Deadline> {
        if self.phase.load(Ordering::Relaxed) == UPGRADED {
            return None;
        }
        let at = self.write_by.load(Ordering::Relaxed);
        (at != 0).then_some(Deadline {
            at,
            kind: ClientTimeout::Write,
        })
    }
}

/// The tick `limit` from now, or 0 (none).
fn deadline(limit: Option<Duration>) -> u64 {
    limit.map_or(0, ticks::after)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUTS: Timeouts = Timeouts {
        read: Some(Duration::from_secs(5)),
        write: Some(Duration::from_secs(7)),
        idle: Some(Duration::from_secs(30)),
    };

    fn kind(deadline: Option<Deadline>) -> Option<ClientTimeout> {
        deadline.map(|d| d.kind)
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_cycle_moves_between_the_three_deadlines() {
        let clock = ConnClock::new(TIMEOUTS);
        let read = clock.read_deadline().unwrap();
        assert_eq!(read.kind, ClientTimeout::Read);
        assert_eq!(read.at, ticks::after(Duration::from_secs(5)));
        assert_eq!(clock.write_deadline(), None, "nothing to write yet");
        tokio::time::advance(Duration::from_secs(1)).await;
        clock.head_read(false);
        assert_eq!(
            clock.read_deadline(),
            Some(read),
            "the body shares the head's deadline"
        );
        assert_eq!(kind(clock.write_deadline()), Some(ClientTimeout::Write));
        clock.body_read();
        assert_eq!(
            clock.read_deadline(),
            None,
            "waiting for the server is not reading"
        );
        let write = clock.write_deadline();
        clock.response_done();
        assert_eq!(kind(clock.read_deadline()), Some(ClientTimeout::Idle));
        assert_eq!(
            clock.write_deadline(),
            write,
            "the response may still be flushing"
        );
        tokio::time::advance(Duration::from_secs(10)).await;
        assert!(clock.bytes_arrived(), "a new request");
        let next = clock.read_deadline().unwrap();
        assert_eq!(next.kind, ClientTimeout::Read);
        assert_eq!(
            next.at,
            ticks::after(Duration::from_secs(5)),
            "counted from its first byte"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_without_body_waits_for_nothing_but_its_writing() {
        let clock = ConnClock::new(TIMEOUTS);
        clock.head_read(true);
        assert_eq!(clock.read_deadline(), None);
        assert_eq!(kind(clock.write_deadline()), Some(ClientTimeout::Write));
        assert!(!clock.bytes_arrived());
        assert_eq!(
            clock.read_deadline(),
            None,
            "pipelined bytes do not restart reading"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn upgraded_connections_and_zero_timeouts_have_no_deadline() {
        let clock = ConnClock::new(TIMEOUTS);
        clock.head_read(true);
        clock.upgraded();
        clock.response_done();
        assert_eq!(clock.read_deadline(), None);
        assert_eq!(clock.write_deadline(), None);
        let unlimited = ConnClock::new(Timeouts::default());
        assert_eq!(unlimited.read_deadline(), None);
        unlimited.head_read(false);
        unlimited.response_done();
        assert_eq!(unlimited.read_deadline(), None);
        assert_eq!(unlimited.write_deadline(), None);
    }

    #[test]
    fn zero_means_no_limit() {
        let config = RespondingTimeouts {
            read_timeout: limpet_config::duration::GoDuration::from_secs(0),
            ..RespondingTimeouts::default()
        };
        let timeouts = Timeouts::from_config(&config);
        assert_eq!(timeouts.read, None);
        assert_eq!(timeouts.idle, Some(Duration::from_secs(180)));
        assert_eq!(timeouts.write, None, "Traefik's default writeTimeout is 0");
    }
}
