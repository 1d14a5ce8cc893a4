//! Smooth weighted round robin without a lock on the request path.
//!
//! Traefik's WRR is an earliest-deadline-first queue (each pick moves the winner's deadline
//! by 1/weight) behind a mutex. Over one period of `sum(weights)` picks, that queue yields a
//! fixed sequence; limpet computes the sequence once per configuration and walks it with an
//! atomic counter, so picks are smooth, deterministic for a given order, and lock-free.

use std::cmp::Ordering as CmpOrdering;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Longest schedule kept; larger weight sums are scaled down proportionally.
const MAX_PERIOD: u64 = 1 << 16;

/// A precomputed EDF schedule over items `0..n`.
#[derive(Debug)]
pub struct Wrr {
    schedule: Box<[u32]>,
    next: AtomicUsize,
}

impl Wrr {
    /// A schedule for items with these weights; items with weight ≤ 0 never appear.
    pub fn new(weights: &[i64]) -> Wrr {
        let weights = scaled(weights);
        Wrr {
            schedule: edf_sequence(&weights).into_boxed_slice(),
            next: AtomicUsize::new(0),
        }
    }

    /// The next item in the schedule for which `available` holds, or `None`.
    pub fn next(&self, available: impl Fn(usize) -> bool) -> Option<usize> {
        let len = self.schedule.len();
        if len == 0 {
            return None;
        }
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..len)
            .map(|step| self.schedule[(start + step) % len] as usize)
            .find(|&item| available(item))
    }

    /// Number of picks in one period.
    pub fn period(&self) -> usize {
        self.schedule.len()
    }
}

/// Positive weights as u64, scaled so that their sum stays within `MAX_PERIOD` (plus one per
/// item, as no positive weight scales below 1). Computed in u128: any i64 weights fit.
fn scaled(weights: &[i64]) -> Vec<u64> {
    let positive: Vec<u128> = weights
        .iter()
        .map(|&w| w.max(0).unsigned_abs().into())
        .collect();
    let sum: u128 = positive.iter().sum();
    let period = u128::from(MAX_PERIOD);
    positive
        .iter()
        .map(|&w| match w {
            0 => 0,
            w if sum <= period => w,
            w => (w * period / sum).max(1),
        })
        .map(|w| u64::try_from(w).unwrap_or(MAX_PERIOD))
        .collect()
}

/// One period of the EDF queue: the k-th pick of item i has deadline k / w_i; earliest
/// deadline first, ties by item order.
fn edf_sequence(weights: &[u64]) -> Vec<u32> {
    let total: u64 = weights.iter().sum();
    let mut picks = vec![0u64; weights.len()];
    let mut sequence = Vec::with_capacity(total as usize);
    for _ in 0..total {
        let Some(winner) = earliest(weights, &picks) else {
            break;
        };
        picks[winner] += 1;
        sequence.push(winner as u32);
    }
    sequence
}

/// The item whose next deadline `(picks + 1) / weight` is smallest.
fn earliest(weights: &[u64], picks: &[u64]) -> Option<usize> {
    let deadline = |i: usize| (picks[i] + 1, weights[i]);
    (0..weights.len())
        .filter(|&i| weights[i] > 0)
        .min_by(|&a, &b| compare_fractions(deadline(a), deadline(b)).then(a.cmp(&b)))
}

fn compare_fractions((na, da): (u64, u64), (nb, db): (u64, u64)) -> CmpOrdering {
    (u128::from(na) * u128::from(db)).cmp(&(u128::from(nb) * u128::from(da)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(wrr: &Wrr, n: usize) -> Vec<usize> {
        (0..n).filter_map(|_| wrr.next(|_| true)).collect()
    }

    #[test]
    fn equal_weights_alternate() {
        assert_eq!(take(&Wrr::new(&[1, 1]), 4), vec![0, 1, 0, 1]);
    }

    #[test]
    fn three_to_one_is_smooth_and_exact() {
        let picks = take(&Wrr::new(&[3, 1]), 400);
        assert_eq!(picks.iter().filter(|&&i| i == 0).count(), 300);
        assert_eq!(
            picks[..4].iter().filter(|&&i| i == 1).count(),
            1,
            "one light pick per period"
        );
    }

    #[test]
    fn zero_and_negative_weights_never_picked() {
        assert_eq!(take(&Wrr::new(&[0, 2, -1]), 3), vec![1, 1, 1]);
        assert_eq!(Wrr::new(&[0]).next(|_| true), None);
    }

    #[test]
    fn unavailable_items_are_skipped() {
        let wrr = Wrr::new(&[1, 1, 1]);
        assert!((0..10).all(|_| wrr.next(|i| i != 1) != Some(1)));
        assert_eq!(wrr.next(|_| false), None);
    }

    #[test]
    fn huge_weights_are_scaled() {
        let wrr = Wrr::new(&[1 << 40, 1 << 40]);
        assert!(wrr.period() <= MAX_PERIOD as usize);
        assert_eq!(take(&wrr, 2).len(), 2);
    }

    #[test]
    fn extreme_weights_do_not_overflow() {
        let wrr = Wrr::new(&[i64::MAX, i64::MAX, i64::MAX, 1 << 50, 1, i64::MIN]);
        assert!(wrr.period() <= MAX_PERIOD as usize + 6);
        let picks = take(&wrr, wrr.period());
        assert!(
            picks.contains(&4) && !picks.contains(&5),
            "weight 1 kept, negative left out"
        );
    }
}
