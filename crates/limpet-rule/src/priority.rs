//! Router priority: Traefik's default (rule length) and the order routers are tried in.
//! The one implementation of both: validation, the runtime's route tables, the lint and the
//! API all call [`effective_priority`] and sort by [`RouteKey`].

use std::cmp::Ordering;

/// Highest priority a user may set (`math.MaxInt - 1000`); Traefik disables routers above it.
pub const MAX_USER_PRIORITY: i64 = i64::MAX - 1000;

/// Traefik's default `providers.precedence`: earlier providers win ties on priority.
pub const DEFAULT_PROVIDER_PRECEDENCE: &[&str] = &[
    "kubernetesgateway",
    "kubernetescrd",
    "kubernetes",
    "kubernetesingressnginx",
    "swarm",
    "docker",
    "file",
    "redis",
    "knative",
    "consul",
    "consulcatalog",
    "nomad",
    "etcd",
    "ecs",
    "http",
    "zookeeper",
    "rest",
];

/// Traefik's default priority: the rule's length in bytes.
pub fn default_priority(rule_text: &str) -> i64 {
    i64::try_from(rule_text.len()).unwrap_or(i64::MAX)
}

/// The priority a router has: the configured one, or the rule's length when 0 (unset).
pub fn effective_priority(configured: i64, rule_text: &str) -> i64 {
    match configured {
        0 => default_priority(rule_text),
        configured => configured,
    }
}

/// A provider's rank in `precedence` (0 wins); providers not listed rank after all others.
pub fn provider_rank(provider: &str, precedence: &[&str]) -> usize {
    precedence
        .iter()
        .position(|p| *p == provider)
        .unwrap_or(precedence.len())
}

/// Order routers are tried in, for `sort_by`: higher priority first, then lower provider
/// rank, then name ascending. Traefik leaves the last tie unspecified; the name makes it
/// deterministic. Each side is `(priority, provider_rank, name)`.
pub fn route_order(a: (i64, usize, &str), b: (i64, usize, &str)) -> Ordering {
    b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then_with(|| a.2.cmp(b.2))
}

/// A router's place in the order routers are tried: ascending keys are [`route_order`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteKey<'a> {
    /// Effective priority ([`effective_priority`]).
    pub priority: i64,
    /// Rank of its provider ([`provider_rank`]).
    pub provider_rank: usize,
    /// Qualified name.
    pub name: &'a str,
}

impl RouteKey<'_> {
    fn tuple(&self) -> (i64, usize, &str) {
        (self.priority, self.provider_rank, self.name)
    }
}

impl Ord for RouteKey<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        route_order(self.tuple(), other.tuple())
    }
}

impl PartialOrd for RouteKey<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
