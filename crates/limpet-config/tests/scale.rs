//! Scale: decode → merge → validate → lint of a generated file-provider configuration with
//! one router per host, each with its own two-server sticky service. The small case checks
//! what is reported; the large ones (ignored) print timings for `limpet check`-sized inputs:
//! `cargo test --release -p limpet-config --test scale -- --ignored --nocapture`
//! (`SCALE_ROUTERS=2000,5000` picks the sizes).
#![allow(clippy::unwrap_used)]

mod lint_common;

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use limpet_config::decode::decode_file;
use limpet_config::lint::{lint, record, render_text};
use limpet_config::merge::merge;
use limpet_config::validate::validate;
use lint_common::{context, entry_point_set};

/// `routers` routers `rN` (`Host(`hN.example`)`), each on its own sticky service `sN` with
/// two servers by name and a Secure cookie with `cookie` settings.
fn generated(routers: usize, cookie: &str) -> String {
    let mut yaml = String::from("http:\n  routers:\n");
    for n in 0..routers {
        let _ = writeln!(
            yaml,
            "    r{n}: {{rule: \"Host(`h{n}.example`)\", entryPoints: [websecure], service: s{n}}}"
        );
    }
    yaml.push_str("  services:\n");
    for n in 0..routers {
        let _ = writeln!(
            yaml,
            "    s{n}:\n      loadBalancer:\n        sticky: {{cookie: {{secure: true{cookie}}}}}\n        servers:\n          - url: \"http://app-{n}-a:8080\"\n          - url: \"http://app-{n}-b:8080\""
        );
    }
    yaml
}

/// Decodes and checks `routers` generated routers, as `limpet check` does; prints the time
/// of each step and returns the findings' text.
fn check(routers: usize, cookie: &str) -> String {
    let yaml = generated(routers, cookie);
    let ctx = context();
    let mut steps = Vec::new();
    let mut step = |name: &'static str, start: Instant| steps.push((name, start.elapsed()));
    let start = Instant::now();
    let config = decode_file(Path::new("scale.yml"), yaml.as_bytes()).unwrap();
    step("decode", start);
    let providers = [("file".to_owned(), config)].into_iter().collect();
    let at = Instant::now();
    let merged = merge(&providers);
    step("merge", at);
    let at = Instant::now();
    let mut model = validate(&merged, &entry_point_set(&ctx));
    step("validate", at);
    let at = Instant::now();
    let findings = lint(&merged, &model, &ctx);
    step("lint", at);
    let at = Instant::now();
    let text = render_text(&findings);
    step("render", at);
    let count = findings.len();
    record(&mut model.diagnostics, findings);
    step("total", start);
    eprintln!("{routers} routers{cookie}: {count} findings, {steps:?}");
    assert_eq!(model.routers.len(), routers);
    text
}

#[test]
fn every_generated_service_lacks_only_a_health_check() {
    let text = check(200, "");
    assert_eq!(text.matches("LMP011 warning").count(), 200, "{text}");
    assert!(
        text.ends_with("0 error(s), 200 warning(s), 0 info\n"),
        "{text}"
    );
}

#[test]
#[ignore = "timing: run with --release --ignored --nocapture"]
fn time_2k_10k_50k_routers() {
    // `SCALE_ROUTERS=2000,5000` times other sizes.
    let sizes = std::env::var("SCALE_ROUTERS").unwrap_or_else(|_| "2000,10000,50000".into());
    for routers in sizes.split(',').filter_map(|n| n.trim().parse().ok()) {
        check(routers, "");
        // One cookie name for every service: distinct hosts, so still no LMP012.
        check(routers, ", name: session");
    }
}
