//! Property: decode → merge → validate → `snapshot::build` never panics or overflows on random
//! configurations (routers, services of every kind, servers, weights, durations, rules,
//! extreme numbers included), every usable service is built, and every built balancer,
//! weighted service and route table can be asked for a pick.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use http::HeaderMap;
use limpet::data::service::{Decision, RequestHead, ServerRegistry, Service};
use limpet::data::snapshot::{build, BuildContext, RuntimeSnapshot};
use limpet_config::model::MAX_WEIGHT;
use limpet_config::static_config::EntryPointSet;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Service names: the generated ones, one that never exists, a cross-provider reference.
const NAMES: [&str; 6] = ["s0", "s1", "s2", "s3", "ghost", "s0@file"];

fn name() -> impl Strategy<Value = String> {
    mostly(one_of(&NAMES[..4]), one_of(&NAMES[4..])).prop_map(str::to_owned)
}

/// Integers around every boundary the configuration has, and any at all.
fn int() -> impl Strategy<Value = i64> {
    prop_oneof![
        proptest::sample::select(vec![
            i64::MIN,
            -1,
            0,
            1,
            100,
            101,
            599,
            65_536,
            MAX_WEIGHT,
            MAX_WEIGHT + 1,
            i64::from(u32::MAX) + 1,
            i64::MAX,
        ]),
        0i64..10,
        any::<i64>(),
    ]
}

/// Durations: zero, negative, tiny, the largest, integer seconds (saturating), ordinary.
fn duration() -> impl Strategy<Value = Value> {
    prop_oneof![
        proptest::sample::select(vec!["0s", "-1s", "1ns", "2562047h47m16s", "-2562047h"])
            .prop_map(|d| json!(d)),
        any::<i64>().prop_map(|secs| json!(secs)),
        (1u32..5_000).prop_map(|ms| json!(format!("{ms}ms"))),
    ]
}

fn maybe<T: std::fmt::Debug>(s: impl Strategy<Value = T>) -> impl Strategy<Value = Option<T>> {
    proptest::option::of(s)
}

/// Mostly `good`, sometimes `bad`: configurations stay usable often enough to be built, and
/// every check still meets its broken inputs.
fn mostly<T: std::fmt::Debug + 'static>(
    good: impl Strategy<Value = T> + 'static,
    bad: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = T> {
    prop_oneof![9 => good.boxed(), 1 => bad.boxed()]
}

fn one_of<T: Clone + std::fmt::Debug + 'static>(items: &[T]) -> impl Strategy<Value = T> {
    proptest::sample::select(items.to_vec())
}

/// Weights: the edges of the accepted range most of the time, anything at all sometimes.
fn weight() -> impl Strategy<Value = i64> {
    let edges = one_of(&[i64::MIN, -1, 0, 1, 2, 1_000, MAX_WEIGHT]);
    mostly(prop_oneof![edges, 0..=MAX_WEIGHT], int())
}

/// Inserts `value` under `key` when it is there.
fn put(object: &mut Value, key: &str, value: Option<Value>) {
    if let Some(value) = value {
        object[key] = value;
    }
}

fn server() -> impl Strategy<Value = Value> {
    let good = one_of(&[
        "http://10.0.0.1:80",
        "http://10.0.0.2",
        "http://[::1]:8080/prefix",
        "http://a.local:65535",
    ]);
    let bad = one_of(&["https://10.0.0.3", "ftp://10.0.0.4", "not a url", "http://"]);
    let url = prop_oneof![19 => good, 1 => bad];
    let id = maybe("[a-c]{0,2}");
    (url, maybe(weight()), id, any::<bool>()).prop_map(|(url, weight, id, draining)| {
        let mut server = json!({"url": url, "draining": draining});
        put(&mut server, "weight", weight.map(|w| json!(w)));
        put(&mut server, "id", id.map(|id| json!(id)));
        server
    })
}

fn sticky() -> impl Strategy<Value = Value> {
    let secret = maybe(mostly(
        Just("a-secret-of-more-than-16-bytes"),
        Just("short"),
    ));
    let on_failure = mostly(one_of(&["repin", "strict"]), Just("sometimes"));
    let timeouts = (maybe(duration()), maybe(int()));
    (any::<bool>(), secret, on_failure, timeouts).prop_map(
        |(header, secret, on_failure, (idle, max_age))| {
            let mut cookie = json!({"name": "sid"});
            put(&mut cookie, "secret", secret.map(|s| json!(s)));
            put(&mut cookie, "idleTimeout", idle);
            put(&mut cookie, "maxAge", max_age.map(|m| json!(m)));
            let mut sticky = json!({"cookie": cookie, "onFailure": on_failure});
            if header {
                sticky["header"] = json!({"name": "X-Affinity"});
            }
            sticky
        },
    )
}

fn health_check() -> impl Strategy<Value = Value> {
    let durations = (maybe(duration()), maybe(duration()), maybe(duration()));
    let port = mostly(prop_oneof![Just(0), 1i64..=65_535], int());
    let status = mostly(prop_oneof![Just(0), 100i64..=599], int());
    (durations, port, status).prop_map(|((interval, unhealthy, timeout), port, status)| {
        let mut check = json!({"path": "/health", "port": port, "status": status});
        put(&mut check, "interval", interval);
        put(&mut check, "unhealthyInterval", unhealthy);
        put(&mut check, "timeout", timeout);
        check
    })
}

fn load_balancer() -> impl Strategy<Value = Value> {
    let strategy = mostly(
        one_of(&["", "wrr", "p2c", "hrw", "leasttime"]),
        Just("bogus"),
    );
    let passive = maybe((duration(), mostly(-1i64..=10_000, int())));
    let checks = (maybe(sticky()), maybe(health_check()), passive);
    let drains = (maybe(duration()), maybe(duration()));
    let servers = proptest::collection::vec(server(), 0..5);
    (servers, strategy, checks, drains).prop_map(
        |(servers, strategy, (sticky, check, passive), (idle, timeout))| {
            let mut lb = json!({"servers": servers, "strategy": strategy});
            put(&mut lb, "sticky", sticky);
            put(&mut lb, "healthCheck", check);
            let passive = passive
                .map(|(window, max)| json!({"failureWindow": window, "maxFailedAttempts": max}));
            put(&mut lb, "passiveHealthCheck", passive);
            put(&mut lb, "drainIdle", idle);
            put(&mut lb, "drainTimeout", timeout);
            json!({"loadBalancer": lb})
        },
    )
}

fn weighted() -> impl Strategy<Value = Value> {
    let child = (name(), maybe(weight())).prop_map(|(name, weight)| {
        let mut child = json!({"name": name});
        put(&mut child, "weight", weight.map(|w| json!(w)));
        child
    });
    let children = proptest::collection::vec(child, 0..4);
    (children, maybe(sticky()), any::<bool>()).prop_map(|(services, sticky, health)| {
        let mut weighted = json!({"services": services});
        put(&mut weighted, "sticky", sticky);
        if health {
            weighted["healthCheck"] = json!({});
        }
        json!({"weighted": weighted})
    })
}

fn mirroring() -> impl Strategy<Value = Value> {
    let mirror = (name(), mostly(0i64..=100, int()))
        .prop_map(|(name, percent)| json!({"name": name, "percent": percent}));
    let mirrors = proptest::collection::vec(mirror, 0..3);
    (name(), mirrors, int()).prop_map(|(service, mirrors, max)| {
        json!({"mirroring": {"service": service, "mirrors": mirrors, "maxBodySize": max}})
    })
}

fn failover() -> impl Strategy<Value = Value> {
    let status = mostly(
        one_of(&["500", "500-504", "502-599"]),
        one_of(&["504-500", "600", "abc", ""]),
    );
    let statuses = proptest::collection::vec(status, 0..3);
    (name(), name(), statuses, int()).prop_map(|(service, fallback, status, max)| {
        let errors = json!({"status": status, "maxRequestBodyBytes": max});
        json!({"failover": {"service": service, "fallback": fallback, "errors": errors}})
    })
}

fn service() -> impl Strategy<Value = Value> {
    prop_oneof![4 => load_balancer(), 2 => weighted(), 1 => mirroring(), 1 => failover()]
}

fn router() -> impl Strategy<Value = Value> {
    let good = one_of(&[
        "Host(`a.local`)",
        "PathPrefix(`/`)",
        "Host(`a.local`) && Path(`/x`)",
        "HostRegexp(`^.+\\.local$`) || Method(`POST`)",
        "ClientIP(`10.0.0.0/8`) && !Header(`X`, `y`)",
    ]);
    let rule = mostly(good, one_of(&["Foo(`x`)", "Host(`", ""]));
    let entry_points = maybe(mostly(Just(vec!["web"]), Just(vec!["nope"])));
    let priority = mostly(0i64..100, int());
    (rule, name(), priority, entry_points).prop_map(|(rule, service, priority, entry_points)| {
        let mut router = json!({"rule": rule, "service": service, "priority": priority});
        put(&mut router, "entryPoints", entry_points.map(|e| json!(e)));
        router
    })
}

/// A whole dynamic configuration (JSON, which the YAML decoder reads as YAML).
fn configuration() -> impl Strategy<Value = Value> {
    let services = proptest::collection::vec(service(), 0..5);
    let routers = proptest::collection::vec(router(), 0..5);
    (services, routers).prop_map(|(services, routers)| {
        let named = |prefix: &str, items: Vec<Value>| -> serde_json::Map<String, Value> {
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| (format!("{prefix}{i}"), item))
                .collect()
        };
        json!({"http": {"services": named("s", services), "routers": named("r", routers)}})
    })
}

fn snapshot_of(
    config: &Value,
    registry: &ServerRegistry,
    seed: u64,
) -> Result<RuntimeSnapshot, TestCaseError> {
    let text = config.to_string();
    let decoded =
        limpet_config::decode::decode_file(Path::new("t.yml"), text.as_bytes()).map_err(|e| {
            TestCaseError::fail(format!("the generator wrote an undecodable file: {e}"))
        })?;
    let merged = limpet_config::merge::merge(&BTreeMap::from([("file".to_owned(), decoded)]));
    let entry_points = EntryPointSet {
        all: vec!["web".into()],
        defaults: vec!["web".into()],
    };
    let model = Arc::new(limpet_config::validate::validate(&merged, &entry_points));
    let names = vec!["web".to_owned()];
    let ctx = BuildContext {
        generation: 1,
        entry_points: &names,
        servers: registry,
        shuffle_seed: seed,
        config: Arc::new(merged),
    };
    let snapshot = build(model, &ctx);
    registry.reconcile(&snapshot);
    Ok(snapshot)
}

/// Asks every built balancer and weighted service for a few picks, with and without a cookie.
fn pick_everywhere(snapshot: &RuntimeSnapshot, ip: IpAddr) {
    let mut with_cookie = HeaderMap::new();
    with_cookie.insert("cookie", "sid=0123456789abcdef".parse().unwrap());
    for service in snapshot.services.values() {
        for headers in [&HeaderMap::new(), &with_cookie, &HeaderMap::new()] {
            let head = RequestHead {
                headers,
                client_ip: ip,
                tried: &[],
            };
            let mut decision = Decision::default();
            match &**service {
                Service::LoadBalancer(lb) => {
                    let _ = lb.select(&head, &mut decision);
                }
                Service::Weighted(weighted) => {
                    let _ = weighted.pick(&head, &mut decision);
                }
                _ => {}
            }
        }
    }
}

/// Routes one request through the route table.
fn route_once(snapshot: &RuntimeSnapshot, ip: IpAddr) {
    let headers = HeaderMap::new();
    let request = limpet_rule::Request {
        host: "a.local",
        method: &http::Method::GET,
        path: "/x",
        query: None,
        headers: &headers,
        client_ip: Some(ip),
    };
    if let Some(table) = snapshot.table(0, false) {
        let _ = table.find(&request);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn validate_and_build_never_panic(config in configuration(), seed in any::<u64>(), ip in any::<IpAddr>()) {
        let registry = ServerRegistry::default();
        let snapshot = snapshot_of(&config, &registry, seed)?;
        let model = &snapshot.model;
        let unbuilt: Vec<&String> = model
            .services
            .keys()
            .filter(|name| !snapshot.services.contains_key(*name))
            .collect();
        prop_assert!(unbuilt.is_empty(), "usable but not built: {:?}", unbuilt);
        prop_assert_eq!(snapshot.tables.len(), 1);
        pick_everywhere(&snapshot, ip);
        route_once(&snapshot, ip);
    }
}
