//! The access log (`accessLog`): Traefik's formats, filters and field rules, written by one
//! thread so that a request never waits for the disk.
//!
//! Finished exchanges go through a bounded queue (`bufferingSize` lines, or
//! [`DEFAULT_QUEUE`]); when it is full the line is dropped and counted, never blocking the
//! request. The writer formats, writes a burst, and flushes when the queue is empty.

mod clf;
mod format;
mod settings;

use std::fs::OpenOptions;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::time::SystemTime;

use limpet_config::static_config::AccessLog as Config;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

use crate::ops::observe::Exchange;

pub use format::canonical;
pub use settings::{Format, Mode, Settings};

/// Queue length when `bufferingSize` is not set.
pub const DEFAULT_QUEUE: usize = 4096;

/// What the writer thread is sent: a line to write, or a request to confirm that every line
/// queued before it is written.
enum Entry {
    Line(Box<Exchange>, u64),
    Flush(mpsc::Sender<()>),
}

/// A running access log.
pub struct AccessLog {
    settings: Arc<Settings>,
    queue: SyncSender<Entry>,
    dropped: AtomicU64,
}

impl AccessLog {
    /// Opens `filePath` (stdout when empty; falls back to stdout if it cannot be opened)
    /// and starts the writer thread.
    pub fn start(config: &Config) -> AccessLog {
        let settings = Arc::new(Settings::from_config(config));
        let capacity = usize::try_from(config.buffering_size)
            .ok()
            .filter(|n| *n > 0)
            .unwrap_or(DEFAULT_QUEUE);
        let (queue, lines) = mpsc::sync_channel(capacity);
        let output = open(&config.file_path);
        let writer_settings = settings.clone();
        let spawned = std::thread::Builder::new()
            .name("limpet-accesslog".into())
            .spawn(move || write_lines(&writer_settings, &lines, output));
        if let Err(error) = spawned {
            tracing::error!(%error, "cannot start the access log writer; access log disabled");
        }
        AccessLog {
            settings,
            queue,
            dropped: AtomicU64::new(0),
        }
    }

    pub fn wants_headers(&self) -> bool {
        self.settings.wants_headers()
    }

    pub fn add_internals(&self) -> bool {
        self.settings.add_internals
    }

    /// Lines dropped because the writer could not keep up.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Queues the line of `exchange` if the filters keep it; drops it when the queue is full.
    pub fn submit(&self, exchange: Box<Exchange>, count: u64) {
        if !self.settings.keeps(exchange.status, exchange.duration, 0) {
            return;
        }
        match self.queue.try_send(Entry::Line(exchange, count)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                if dropped.is_power_of_two() {
                    tracing::warn!(dropped, "access log writer is behind: lines dropped");
                }
            }
            Err(TrySendError::Disconnected(_)) => {}
        }
    }

    /// Waits (at most `limit`) until every line queued so far is written: limpet's exit.
    pub fn flush(&self, limit: std::time::Duration) -> bool {
        let (done, written) = mpsc::channel();
        if self.queue.send(Entry::Flush(done)).is_err() {
            return false;
        }
        written.recv_timeout(limit).is_ok()
    }
}

fn open(path: &str) -> Box<dyn Write + Send> {
    if path.is_empty() {
        return Box::new(std::io::stdout());
    }
    match OpenOptions::new().create(true).append(true).open(path) {
        Ok(file) => Box::new(file),
        Err(error) => {
            tracing::error!(%error, path, "cannot open the access log file; writing to stdout");
            Box::new(std::io::stdout())
        }
    }
}

/// Writes lines in bursts until every sender is gone. After each burst the writer pauses
/// for [`BATCH_PAUSE`], so under load lines queue up and requests never have to wake it.
fn write_lines(settings: &Settings, lines: &Receiver<Entry>, mut output: Box<dyn Write + Send>) {
    let mut burst = String::with_capacity(64 * 1024);
    let mut times = clf::TimeCache::default();
    let mut flushed = Vec::new();
    while let Ok(first) = lines.recv() {
        burst.clear();
        let mut next = Some(first);
        while let Some(entry) = next {
            match entry {
                Entry::Line(exchange, count) => {
                    format::write_line(&mut burst, settings, &exchange, count, &mut times)
                }
                Entry::Flush(done) => flushed.push(done),
            }
            next = lines.try_recv().ok();
        }
        let written = output
            .write_all(burst.as_bytes())
            .and_then(|()| output.flush());
        if let Err(error) = written {
            tracing::error!(%error, "cannot write the access log");
        }
        for done in flushed.drain(..) {
            let _ = done.send(());
        }
        std::thread::sleep(BATCH_PAUSE);
    }
}

/// Pause between bursts: lines are at most this late, and written about 200 times a
/// second under load.
const BATCH_PAUSE: std::time::Duration = std::time::Duration::from_millis(5);

/// Go's `RFC3339Nano` in UTC (`2026-11-22T01:53:33.874640071Z`, trailing zeros trimmed).
pub fn rfc3339_nanos(at: SystemTime) -> String {
    OffsetDateTime::from(at)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// RFC 3339 to the second, UTC (logrus' `time`).
pub fn rfc3339_seconds(at: SystemTime) -> String {
    let at = OffsetDateTime::from(at);
    let at = at.replace_nanosecond(0).unwrap_or(at);
    at.format(&Rfc3339).unwrap_or_default()
}

/// CLF's `02/Jan/2006:15:04:05 -0700`, UTC.
pub fn clf_time(at: SystemTime) -> String {
    let description = format_description!(
        "[day]/[month repr:short]/[year]:[hour]:[minute]:[second] [offset_hour sign:mandatory][offset_minute]"
    );
    OffsetDateTime::from(at)
        .format(&description)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn times_in_go_forms() {
        let at = UNIX_EPOCH + Duration::new(1_795_312_225, 874_640_000);
        assert_eq!(clf_time(at), "22/Nov/2026:01:50:25 +0000");
        assert_eq!(rfc3339_nanos(at), "2026-11-22T01:50:25.87464Z");
        assert_eq!(rfc3339_seconds(at), "2026-11-22T01:50:25Z");
    }
}
