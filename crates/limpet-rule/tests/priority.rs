//! Default priority and router order (`Test_addRoutePriority`, `TestGetRulePriority`).

use std::cmp::Ordering;

use limpet_rule::default_priority;
use limpet_rule::priority::{
    provider_rank, route_order, DEFAULT_PROVIDER_PRECEDENCE, MAX_USER_PRIORITY,
};

#[test]
fn default_priority_is_the_rule_length() {
    assert_eq!(default_priority("Host(`example.org`)"), 19);
    assert_eq!(default_priority("Host(`sticky.local`)"), 20);
    assert_eq!(default_priority("PathPrefix(`/é`)"), 17);
    assert_eq!(default_priority(""), 0);
}

/// A router as `(priority, provider, name)`.
type Router<'a> = (i64, &'a str, &'a str);

/// Sorts `(priority, provider, name)` routers and returns the names in the order tried.
fn order(routers: &[Router<'_>], precedence: &[&str]) -> Vec<String> {
    let mut ranked: Vec<(i64, usize, &str)> = routers
        .iter()
        .map(|(priority, provider, name)| (*priority, provider_rank(provider, precedence), *name))
        .collect();
    ranked.sort_by(|a, b| route_order(*a, *b));
    ranked
        .into_iter()
        .map(|(_, _, name)| name.to_owned())
        .collect()
}

#[test]
fn router_order() {
    let k8s = [
        "kubernetesgateway",
        "kubernetescrd",
        "kubernetes",
        "kubernetesingressnginx",
    ];
    let cases: [(&[Router<'_>], &str); 8] = [
        (&[(10, "", "header1"), (20, "", "header2")], "header2"),
        (&[(20, "", "header1"), (10, "", "header2")], "header1"),
        (
            &[
                (default_priority("PathPrefix(`/mypath`)"), "", "h1"),
                (default_priority("PathPrefix(`/my`)"), "", "h2"),
            ],
            "h1",
        ),
        (
            &[
                (10, "kubernetes", "header1"),
                (10, "kubernetescrd", "header2"),
            ],
            "header2",
        ),
        (
            &[
                (10, "kubernetescrd", "header1"),
                (10, "kubernetesgateway", "header2"),
            ],
            "header2",
        ),
        (
            &[
                (10, "kubernetesingressnginx", "header1"),
                (10, "kubernetescrd", "header2"),
            ],
            "header2",
        ),
        (
            &[
                (10, "unknownprovider", "header1"),
                (10, "kubernetes", "header2"),
            ],
            "header2",
        ),
        (
            &[
                (20, "kubernetesingressnginx", "header1"),
                (10, "kubernetesgateway", "header2"),
            ],
            "header1",
        ),
    ];
    for (routers, winner) in cases {
        assert_eq!(order(routers, &k8s)[0], winner, "{routers:?}");
    }
}

#[test]
fn ties_break_by_name() {
    let routers = [
        (5, "file", "r-dup-b"),
        (5, "file", "r-dup-a"),
        (5, "docker", "z"),
        (6, "file", "y"),
    ];
    assert_eq!(
        order(&routers, DEFAULT_PROVIDER_PRECEDENCE),
        ["y", "z", "r-dup-a", "r-dup-b"]
    );
    assert_eq!(route_order((1, 0, "a"), (1, 0, "a")), Ordering::Equal);
    assert_eq!(
        route_order((i64::MAX, 9, "z"), (MAX_USER_PRIORITY, 0, "a")),
        Ordering::Less
    );
}

#[test]
fn provider_ranks() {
    assert_eq!(provider_rank("docker", DEFAULT_PROVIDER_PRECEDENCE), 5);
    assert_eq!(provider_rank("file", DEFAULT_PROVIDER_PRECEDENCE), 6);
    assert_eq!(
        provider_rank("nope", DEFAULT_PROVIDER_PRECEDENCE),
        DEFAULT_PROVIDER_PRECEDENCE.len()
    );
}

#[test]
fn effective_priority_defaults_only_when_unset() {
    use limpet_rule::effective_priority;
    assert_eq!(effective_priority(0, "Host(`example.org`)"), 19);
    assert_eq!(effective_priority(7, "Host(`example.org`)"), 7);
    assert_eq!(effective_priority(-3, "Host(`a`)"), -3);
}

#[test]
fn route_keys_sort_in_route_order() {
    use limpet_rule::RouteKey;
    let key = |priority, provider_rank, name| RouteKey {
        priority,
        provider_rank,
        name,
    };
    let mut keys = [
        key(5, 6, "b"),
        key(5, 6, "a"),
        key(5, 5, "z"),
        key(6, 9, "y"),
    ];
    keys.sort();
    let names: Vec<&str> = keys.iter().map(|k| k.name).collect();
    assert_eq!(names, ["y", "z", "a", "b"]);
}
