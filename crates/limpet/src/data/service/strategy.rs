//! A new session's server: `wrr`, `p2c`, `leasttime`, `hrw` (docs/traefik.md#strategies), and the
//! rendezvous hash also used for deterministic re-pinning.

use std::net::IpAddr;

use limpet_config::model::Strategy as StrategyModel;
use rand::Rng;

use super::wrr::Wrr;
use super::{RequestHead, Server};

/// A load-balancing strategy built for one server list.
#[derive(Debug)]
pub enum Strategy {
    /// Smooth weighted round robin (Traefik's EDF order).
    Wrr(Wrr),
    /// Two random candidates, the one with fewer requests in flight (weights ignored).
    P2c,
    /// Lowest `ttfb × (1 + in flight) / weight`, ties by WRR.
    LeastTime(Wrr),
    /// Client-IP rendezvous hashing, weighted.
    Hrw,
}

impl Strategy {
    pub fn new(model: StrategyModel, weights: &[i64]) -> Strategy {
        match model {
            StrategyModel::Wrr => Strategy::Wrr(Wrr::new(weights)),
            StrategyModel::P2c => Strategy::P2c,
            StrategyModel::LeastTime => Strategy::LeastTime(Wrr::new(weights)),
            StrategyModel::Hrw => Strategy::Hrw,
        }
    }

    /// A server among those `eligible`, or `None` when there is none.
    pub fn pick(
        &self,
        servers: &[Server],
        head: &RequestHead<'_>,
        eligible: &dyn Fn(usize) -> bool,
    ) -> Option<usize> {
        match self {
            Strategy::Wrr(wrr) => wrr.next(|i| positive(servers, i) && eligible(i)),
            Strategy::P2c => power_of_two(servers, eligible),
            Strategy::LeastTime(wrr) => {
                least_time(servers, wrr, &|i| positive(servers, i) && eligible(i))
            }
            Strategy::Hrw => client_rendezvous(servers, head.client_ip, &|i| {
                positive(servers, i) && eligible(i)
            }),
        }
    }
}

fn positive(servers: &[Server], index: usize) -> bool {
    servers[index].weight > 0
}

/// Two distinct random eligible servers; the one with fewer requests in flight wins.
fn power_of_two(servers: &[Server], eligible: &dyn Fn(usize) -> bool) -> Option<usize> {
    let mut rng = rand::rng();
    let first = random_eligible(servers.len(), &mut rng, eligible, None)?;
    let Some(second) = random_eligible(servers.len(), &mut rng, eligible, Some(first)) else {
        return Some(first);
    };
    let load = |i: usize| servers[i].state.in_flight();
    Some(if load(second) < load(first) {
        second
    } else {
        first
    })
}

/// A random eligible index other than `except`: a few random draws, then a scan from a
/// random start (so a mostly-down list still finds its live servers).
fn random_eligible(
    len: usize,
    rng: &mut impl Rng,
    eligible: &dyn Fn(usize) -> bool,
    except: Option<usize>,
) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let ok = |i: usize| Some(i) != except && eligible(i);
    let drawn = (0..4).map(|_| rng.random_range(0..len)).find(|&i| ok(i));
    drawn.or_else(|| {
        let start = rng.random_range(0..len);
        (0..len).map(|step| (start + step) % len).find(|&i| ok(i))
    })
}

/// Lowest expected wait; ties (e.g. no samples yet) go round robin.
fn least_time(servers: &[Server], wrr: &Wrr, eligible: &dyn Fn(usize) -> bool) -> Option<usize> {
    let score = |i: usize| {
        let server = &servers[i];
        let ttfb = server.state.ttfb().as_micros() as f64;
        ttfb * (1.0 + server.state.in_flight() as f64) / server.weight.max(1) as f64
    };
    let best = (0..servers.len())
        .filter(|&i| eligible(i))
        .map(score)
        .min_by(f64::total_cmp)?;
    wrr.next(|i| eligible(i) && score(i) <= best)
}

/// Highest weighted rendezvous score of the client address.
fn client_rendezvous(
    servers: &[Server],
    client: IpAddr,
    eligible: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let key = match client.to_canonical() {
        IpAddr::V4(ip) => hash_bytes(&ip.octets()),
        IpAddr::V6(ip) => hash_bytes(&ip.octets()),
    };
    rendezvous(servers, key, eligible)
}

/// The eligible server with the highest weighted rendezvous score for `key`: every instance
/// with the same servers moves a given key to the same place, and removing a server moves
/// only its own keys, spread evenly.
pub fn rendezvous(servers: &[Server], key: u64, eligible: &dyn Fn(usize) -> bool) -> Option<usize> {
    let score = |i: usize| weighted_score(key, &servers[i].identity, servers[i].weight.max(1));
    (0..servers.len())
        .filter(|&i| eligible(i))
        .max_by(|&a, &b| score(a).total_cmp(&score(b)))
}

/// `weight / -ln(u)` with `u` uniform in (0, 1) from the hash of (key, identity).
fn weighted_score(key: u64, identity: &str, weight: i64) -> f64 {
    let hash = mix(key ^ hash_bytes(identity.as_bytes()));
    let unit = ((hash >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
    weight as f64 / -unit.ln()
}

/// FNV-1a 64 followed by a finaliser: stable across builds and platforms.
pub fn hash_bytes(bytes: &[u8]) -> u64 {
    let fnv = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    mix(fnv)
}

/// SplitMix64's finaliser: spreads every input bit over the output.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}
