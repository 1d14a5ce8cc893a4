//! Growth of the configuration pipeline: validate + lint + build (and merge) at 1k, 10k and
//! 50k routers, each `Host(`hN.example`)` with its own two-server sticky service — the shape
//! of `scale.sh`. Near-linear growth is the target (docs/benchmarks.md).
//! Run: `cargo bench -p limpet --bench config` (`CONFIG_BENCH_SIZES=1000,10000` to pick).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use limpet::data::service::ServerRegistry;
use limpet::data::snapshot::{build, BuildContext};
use limpet_config::dynamic::Configuration;
use limpet_config::lint::{lint, LintContext};
use limpet_config::static_config::{EntryPointSet, StaticConfig};

fn generated(routers: usize) -> Configuration {
    let mut yaml = String::from("http:\n  routers:\n");
    for n in 0..routers {
        let _ = writeln!(
            yaml,
            "    r{n}: {{rule: \"Host(`h{n}.example`)\", service: s{n}}}"
        );
    }
    yaml.push_str("  services:\n");
    for n in 0..routers {
        let _ = writeln!(
            yaml,
            "    s{n}:\n      loadBalancer:\n        sticky: {{cookie: {{name: STICKY_SESSION}}}}\n        servers:\n          - url: http://127.0.0.1:9001\n          - url: http://127.0.0.1:9002"
        );
    }
    limpet_config::decode::decode_file(Path::new("dyn.yml"), yaml.as_bytes()).unwrap()
}

fn sizes() -> Vec<usize> {
    let wanted = std::env::var("CONFIG_BENCH_SIZES").unwrap_or_else(|_| "1000,10000,50000".into());
    wanted
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect()
}

/// merge → validate → lint → build → reconcile, as one reload does.
fn reload(latest: &BTreeMap<String, Configuration>, ctx: &LintContext, eps: &EntryPointSet) {
    let merged = limpet_config::merge::merge(latest);
    let mut model = limpet_config::validate::validate(&merged, eps);
    let findings = lint(&merged, &model, ctx);
    limpet_config::lint::record(&mut model.diagnostics, findings);
    let registry = ServerRegistry::default();
    let entry_points = eps.all.clone();
    let snapshot = build(
        Arc::new(model),
        &BuildContext {
            generation: 1,
            entry_points: &entry_points,
            servers: &registry,
            shuffle_seed: 1,
            config: Arc::new(merged),
        },
    );
    registry.reconcile(&snapshot);
}

fn pipeline(c: &mut Criterion) {
    let config: StaticConfig = Default::default();
    let ctx = LintContext::from_static(&config);
    let eps = limpet_config::static_config::entry_point_set(&config);
    let mut group = c.benchmark_group("reload");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    for routers in sizes() {
        let latest = BTreeMap::from([("file".to_owned(), generated(routers))]);
        group.bench_with_input(
            BenchmarkId::from_parameter(routers),
            &latest,
            |b, latest| b.iter(|| reload(latest, &ctx, &eps)),
        );
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
