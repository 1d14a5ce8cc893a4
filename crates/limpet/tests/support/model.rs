//! In-process service trees built from YAML, for tests that call the balancer directly.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use http::{HeaderMap, HeaderValue};
use limpet::data::service::{Decision, LoadBalancer, RequestHead, ServerRegistry, Service};
use limpet::data::snapshot::{build, BuildContext, RuntimeSnapshot};
use limpet_config::static_config::EntryPointSet;

/// Builds a snapshot of `yaml` (file provider) with `registry` and `seed`, and lets the
/// registry adopt its state, as the reload pipeline does.
pub fn snapshot(yaml: &str, registry: &ServerRegistry, seed: u64) -> RuntimeSnapshot {
    let snapshot = build_only(yaml, registry, seed);
    registry.reconcile(&snapshot);
    snapshot
}

/// Only the (pure) build of `yaml`: `registry` is read, never written.
pub fn build_only(yaml: &str, registry: &ServerRegistry, seed: u64) -> RuntimeSnapshot {
    let config = limpet_config::decode::decode_file(Path::new("t.yml"), yaml.as_bytes()).unwrap();
    let merged = limpet_config::merge::merge(&BTreeMap::from([("file".to_owned(), config)]));
    let eps = EntryPointSet {
        all: vec!["web".into()],
        defaults: vec!["web".into()],
    };
    let model = Arc::new(limpet_config::validate::validate(&merged, &eps));
    let entry_points = vec!["web".to_owned()];
    build(
        model,
        &BuildContext {
            generation: 1,
            entry_points: &entry_points,
            servers: registry,
            shuffle_seed: seed,
            config: Arc::new(merged),
        },
    )
}

/// The load balancer `name@file` of `snapshot`.
pub fn load_balancer<'s>(snapshot: &'s RuntimeSnapshot, name: &str) -> &'s LoadBalancer {
    match &**snapshot.services.get(&format!("{name}@file")).unwrap() {
        Service::LoadBalancer(lb) => lb,
        other => panic!("{name} is not a load balancer: {other:?}"),
    }
}

/// What one request with `cookie` from `ip` gets: (server url, outcome label, Set-Cookie values).
pub fn pick(
    lb: &LoadBalancer,
    cookie: Option<&str>,
    ip: IpAddr,
) -> (Option<String>, &'static str, Vec<String>) {
    let mut headers = HeaderMap::new();
    if let Some(cookie) = cookie {
        headers.insert("cookie", HeaderValue::from_str(cookie).unwrap());
    }
    let head = RequestHead {
        headers: &headers,
        client_ip: ip,
        tried: &[],
    };
    let mut decision = Decision::default();
    let server = lb
        .select(&head, &mut decision)
        .map(|s| s.server.url.to_string());
    let cookies = decision
        .headers
        .iter()
        .filter(|(name, _)| name == "set-cookie")
        .map(|(_, v)| v.to_str().unwrap().to_owned())
        .collect();
    (server, decision.outcome.as_str(), cookies)
}

/// `n` servers `http://10.0.0.<i>:80` (never contacted by these tests).
pub fn servers_yaml(n: usize) -> String {
    (1..=n)
        .map(|i| format!("          - url: http://10.0.0.{i}:80\n"))
        .collect()
}

/// A signer with one key `id`, no lifetimes, and a 10-minute refresh interval: mints the
/// tokens tests send (the same format and MAC limpet checks).
pub fn test_signer(id: &str, secret: &str) -> limpet::data::service::token::Signer {
    let keys = vec![limpet_config::model::SigningKey {
        id: id.into(),
        secret: secret.as_bytes().to_vec(),
    }];
    let model = limpet_config::model::SigningModel {
        keys,
        idle_timeout: None,
        absolute_timeout: None,
        refresh_interval: std::time::Duration::from_secs(600),
    };
    limpet::data::service::token::Signer::new(&model).unwrap()
}
