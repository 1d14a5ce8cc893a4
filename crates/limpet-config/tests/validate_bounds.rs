//! Bounds on the numbers of a dynamic configuration: weights (at most `MAX_WEIGHT`),
//! `passiveHealthCheck.maxFailedAttempts`, and health-check durations ≤ 0 (Traefik's
//! defaults, with a warning). Each error names the element and the fix.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use limpet_config::decode::decode_file;
use limpet_config::diagnostics::{ElementState, Status};
use limpet_config::merge::merge;
use limpet_config::model::{Model, ServiceKind, MAX_WEIGHT};
use limpet_config::static_config::EntryPointSet;
use limpet_config::validate::validate;

fn model_of(yaml: &str) -> Model {
    let config =
        decode_file(Path::new("dyn.yml"), yaml.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let entry_points = EntryPointSet {
        all: vec!["web".into()],
        defaults: vec!["web".into()],
    };
    validate(
        &merge(&BTreeMap::from([("file".to_owned(), config)])),
        &entry_points,
    )
}

fn state(model: &Model, service: &str) -> ElementState {
    model.diagnostics.services[service].clone()
}

/// A load balancer `s` with `servers` (YAML flow items) and extra keys.
fn load_balancer(extra: &str, servers: &str) -> String {
    format!(
        "http:\n  services:\n    s:\n      loadBalancer:\n{extra}        servers: [{servers}]\n"
    )
}

#[test]
fn server_weights_up_to_the_maximum_are_kept() {
    let servers = format!(
        "{{url: \"http://10.0.0.1\", weight: {MAX_WEIGHT}}}, {{url: \"http://10.0.0.2\", weight: {}}}",
        i64::MIN
    );
    let model = model_of(&load_balancer("", &servers));
    assert_eq!(state(&model, "s@file").status, Status::Enabled);
    let ServiceKind::LoadBalancer(lb) = &model.services["s@file"].kind else {
        panic!("not a load balancer")
    };
    let weights: Vec<i64> = lb.servers.iter().map(|s| s.weight).collect();
    assert_eq!(
        weights,
        [MAX_WEIGHT, i64::MIN],
        "negative: left out by the balancer"
    );
}

#[test]
fn a_server_weight_above_the_maximum_disables_the_service() {
    let servers = format!("{{url: \"http://10.0.0.1\", weight: {}}}", i64::MAX);
    let model = model_of(&load_balancer("", &servers));
    let state = state(&model, "s@file");
    assert_eq!(state.status, Status::Disabled);
    assert_eq!(
        state.messages(),
        [format!(
            "server \"http://10.0.0.1\": weight {} is above the maximum 1000000; weights only \
             count relative to each other, so divide them all by a common factor",
            i64::MAX
        )]
    );
    assert!(!model.services.contains_key("s@file"));
}

#[test]
fn a_weighted_child_weight_above_the_maximum_disables_the_service() {
    let yaml = "http:\n  services:\n    w:\n      weighted:\n        services: [{name: a, weight: 1000001}, {name: a, weight: 5}]\n    a:\n      loadBalancer:\n        servers: [{url: \"http://10.0.0.1\"}]\n";
    let model = model_of(yaml);
    let state = state(&model, "w@file");
    assert_eq!(state.status, Status::Disabled);
    assert_eq!(state.errors.len(), 1, "{:?}", state.errors);
    assert!(
        state.errors[0]
            .message
            .starts_with("service \"a\": weight 1000001 is above the maximum 1000000"),
        "{:?}",
        state.errors
    );
}

#[test]
fn too_many_passive_attempts_disable_the_service() {
    let extra = "        passiveHealthCheck: {maxFailedAttempts: 5000000000}\n";
    let model = model_of(&load_balancer(extra, "{url: \"http://10.0.0.1\"}"));
    let state = state(&model, "s@file");
    assert_eq!(state.status, Status::Disabled);
    assert_eq!(
        state.messages(),
        [
            "passiveHealthCheck.maxFailedAttempts 5000000000 is above the maximum 10000; use a \
          shorter failureWindow with fewer attempts"
        ]
    );
}

#[test]
fn health_check_durations_not_positive_use_the_defaults_and_say_so() {
    let extra = "        healthCheck: {path: /health, interval: -1s, unhealthyInterval: 0s, timeout: -5ms}\n";
    let model = model_of(&load_balancer(extra, "{url: \"http://10.0.0.1\"}"));
    let state = state(&model, "s@file");
    assert_eq!(state.status, Status::Warning, "the service still serves");
    assert_eq!(
        state.messages(),
        [
            "healthCheck.interval -1s is not positive: 30s is used instead",
            "healthCheck.unhealthyInterval 0s is not positive: 30s is used instead",
            "healthCheck.timeout -5ms is not positive: 5s is used instead",
        ]
    );
    let ServiceKind::LoadBalancer(lb) = &model.services["s@file"].kind else {
        panic!("not a load balancer")
    };
    let check = lb
        .health_check
        .as_ref()
        .unwrap_or_else(|| panic!("no check"));
    let secs = Duration::from_secs;
    assert_eq!(
        (check.interval, check.unhealthy_interval, check.timeout),
        (secs(30), secs(30), secs(5))
    );
}
