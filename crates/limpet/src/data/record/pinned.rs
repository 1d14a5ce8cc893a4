//! An estimate of how many distinct clients are pinned to one server, lock-free.
//!
//! Each client (address + User-Agent) sets one bit of a bitmap; the number of distinct
//! clients is estimated from the share of bits still zero (linear counting). Two bitmaps
//! rotate every [`WINDOW`], so the estimate covers the clients seen in the last one to two
//! windows: sessions that stopped coming age out. Accurate to a few percent up to about
//! ten thousand clients per server, and costs one atomic OR per request.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

/// How long one bitmap collects before it becomes the previous one.
pub const WINDOW_SECS: u64 = 300;
const WORDS: usize = 256;
const BITS: f64 = (WORDS * 64) as f64;

/// Distinct clients seen recently on one server. The bitmaps (4 KiB) are allocated on the
/// first pinned client, so servers that never see a sticky session cost a few bytes.
#[derive(Debug)]
pub struct PinnedEstimate {
    bitmaps: OnceLock<Box<Bitmaps>>,
    window: AtomicU64,
}

#[derive(Debug)]
struct Bitmaps {
    current: [AtomicU64; WORDS],
    previous: [AtomicU64; WORDS],
}

impl Default for PinnedEstimate {
    fn default() -> Self {
        PinnedEstimate {
            bitmaps: OnceLock::new(),
            window: AtomicU64::new(window_now()),
        }
    }
}

fn empty_bitmaps() -> Box<Bitmaps> {
    Box::new(Bitmaps {
        current: std::array::from_fn(|_| AtomicU64::new(0)),
        previous: std::array::from_fn(|_| AtomicU64::new(0)),
    })
}

fn window_now() -> u64 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    secs / WINDOW_SECS
}

impl PinnedEstimate {
    /// Counts `client` as pinned here.
    pub fn see(&self, client: impl Hash) {
        self.rotate(window_now());
        let mut hasher = DefaultHasher::new();
        client.hash(&mut hasher);
        let bit = hasher.finish() as usize % (WORDS * 64);
        let bitmaps = self.bitmaps.get_or_init(empty_bitmaps);
        bitmaps.current[bit / 64].fetch_or(1 << (bit % 64), Ordering::Relaxed);
    }

    /// The estimated number of distinct clients seen in the last one to two windows.
    pub fn estimate(&self) -> u64 {
        self.rotate(window_now());
        let set = self.bits_set();
        if set == 0 {
            return 0;
        }
        let zero = BITS - f64::from(set);
        if zero < 1.0 {
            return (BITS * BITS.ln()) as u64;
        }
        (-BITS * (zero / BITS).ln()).round() as u64
    }

    /// Bits set in the current or the previous bitmap.
    fn bits_set(&self) -> u32 {
        let Some(bitmaps) = self.bitmaps.get() else {
            return 0;
        };
        let words = bitmaps.current.iter().zip(&bitmaps.previous);
        words
            .map(|(c, p)| (c.load(Ordering::Relaxed) | p.load(Ordering::Relaxed)).count_ones())
            .sum()
    }

    /// Moves to window `now`: the current bitmap becomes the previous one (or both clear
    /// after a longer pause). Racing requests may lose a bit or two; it is an estimate.
    fn rotate(&self, now: u64) {
        let seen = self.window.load(Ordering::Relaxed);
        if seen == now {
            return;
        }
        if self
            .window
            .compare_exchange(seen, now, Ordering::AcqRel, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        let Some(bitmaps) = self.bitmaps.get() else {
            return;
        };
        for (current, previous) in bitmaps.current.iter().zip(&bitmaps.previous) {
            let carried = if now == seen + 1 {
                current.load(Ordering::Relaxed)
            } else {
                0
            };
            previous.store(carried, Ordering::Relaxed);
            current.store(0, Ordering::Relaxed);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_distinct_clients() {
        let estimate = PinnedEstimate::default();
        assert_eq!(estimate.estimate(), 0);
        for client in 0..1000u32 {
            estimate.see(client);
            estimate.see(client);
        }
        let n = estimate.estimate();
        assert!((950..=1050).contains(&n), "{n}");
    }

    #[test]
    fn bitmaps_wait_for_the_first_client() {
        let estimate = PinnedEstimate::default();
        assert!(estimate.bitmaps.get().is_none());
        estimate.see("a");
        assert!(estimate.bitmaps.get().is_some());
    }

    #[test]
    fn old_windows_age_out() {
        let estimate = PinnedEstimate::default();
        estimate.see("a");
        let now = estimate.window.load(Ordering::Relaxed);
        estimate.rotate(now + 1);
        assert_eq!(estimate.bits_set(), 1);
        estimate.rotate(now + 3);
        assert_eq!(estimate.bits_set(), 0);
    }
}
