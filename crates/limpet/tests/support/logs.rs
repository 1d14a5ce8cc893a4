//! Test support: limpet's log lines captured in memory, so a test can wait for a line that
//! proves something happened (a rejected file, a kept configuration) instead of sleeping.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::Write;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Every line logged at WARN or above since the capture was installed, in this test binary.
static LINES: Mutex<String> = Mutex::new(String::new());

struct Capture;

impl Write for Capture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        lock().push_str(&String::from_utf8_lossy(bytes));
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn lock() -> std::sync::MutexGuard<'static, String> {
    LINES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Installs the capture as the global subscriber (once per test binary).
pub fn capture() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::WARN)
            .with_ansi(false)
            .with_writer(|| Capture)
            .init();
    });
}

/// The captured lines that contain every one of `needles`.
pub fn lines_with(needles: &[&str]) -> Vec<String> {
    lock()
        .lines()
        .filter(|line| needles.iter().all(|n| line.contains(n)))
        .map(str::to_owned)
        .collect()
}

/// Waits (polling, at most `limit`) for a line containing every one of `needles`.
pub async fn wait_for_line(needles: &[&str], limit: Duration) -> String {
    let start = Instant::now();
    loop {
        if let Some(line) = lines_with(needles).pop() {
            return line;
        }
        assert!(
            start.elapsed() < limit,
            "no log line with {needles:?} within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
