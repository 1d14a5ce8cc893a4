//! Router priority: Traefik's default (rule length) and the order routers are tried in.

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
