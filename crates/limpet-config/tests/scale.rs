//! Scale: decode → merge → validate → lint of generated file-provider configurations (one
//! router per host, each with its own two-server sticky service; or broken ones where every
//! element has findings). The small cases check what is reported; the large ones (ignored)
//! print the time of each step for `limpet check`-sized inputs:
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

/// `routers` routers in shadowed pairs (`rN` and `rN-twin`, one rule), each pointing at a
/// missing `sN-x`, next to sticky services `sN` that no router reaches: every router has
/// findings (LMP002, LMP013) and every service one with a suggestion (LMP003).
fn generated_broken(routers: usize) -> String {
    let mut yaml = String::from("http:\n  routers:\n");
    for n in 0..routers / 2 {
        for name in [format!("r{n}"), format!("r{n}-twin")] {
            let _ = writeln!(
                yaml,
                "    {name}: {{rule: \"Host(`h{n}.example`)\", entryPoints: [websecure], service: s{n}-x}}"
            );
        }
    }
    yaml.push_str("  services:\n");
    for n in 0..routers / 2 {
        let _ = writeln!(
            yaml,
            "    s{n}:\n      loadBalancer:\n        sticky: {{cookie: {{secure: true, name: session}}}}\n        passiveHealthCheck: {{}}\n        servers:\n          - url: \"http://app-{n}-a:8080\"\n          - url: \"http://app-{n}-b:8080\""
        );
    }
    yaml
}

/// The generated configurations.
#[derive(Debug, Clone, Copy)]
enum Shape {
    /// [`generated`], each service with its own (default) cookie name.
    OwnCookies,
    /// [`generated`], one cookie name for every service: distinct hosts, so no LMP012.
    OneCookieName,
    /// [`generated_broken`].
    Broken,
}

/// Decodes and checks `routers` generated routers, as `limpet check` does; prints the time
/// of each step and returns the findings' text.
fn check(routers: usize, shape: Shape) -> String {
    let yaml = match shape {
        Shape::OwnCookies => generated(routers, ""),
        Shape::OneCookieName => generated(routers, ", name: session"),
        Shape::Broken => generated_broken(routers),
    };
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
    eprintln!("{routers} routers, {shape:?}: {count} findings, {steps:?}");
    text
}

#[test]
fn every_generated_service_lacks_only_a_health_check() {
    let text = check(200, Shape::OwnCookies);
    assert_eq!(text.matches("LMP011 warning").count(), 200, "{text}");
    assert!(
        text.ends_with("0 error(s), 200 warning(s), 0 info\n"),
        "{text}"
    );
}

#[test]
fn broken_routers_get_their_findings_and_suggestions() {
    let text = check(200, Shape::Broken);
    assert_eq!(text.matches("LMP002 warning").count(), 100, "{text}");
    assert_eq!(text.matches("LMP013 error").count(), 200, "{text}");
    assert_eq!(text.matches("LMP003 warning").count(), 100, "{text}");
    assert!(text.contains("# did you mean s7@file?"), "{text}");
    assert!(
        text.contains("router r7-twin@file uses s7-x@file (no sticky)"),
        "{text}"
    );
}

#[test]
#[ignore = "timing: run with --release --ignored --nocapture"]
fn time_2k_10k_50k_routers() {
    // `SCALE_ROUTERS=2000,5000` times other sizes.
    let sizes = std::env::var("SCALE_ROUTERS").unwrap_or_else(|_| "2000,10000,50000".into());
    for routers in sizes.split(',').filter_map(|n| n.trim().parse().ok()) {
        for shape in [Shape::OwnCookies, Shape::OneCookieName, Shape::Broken] {
            check(routers, shape);
        }
    }
}
