//! Shared helpers of the lint tests: decode YAML as the file provider, run
//! merge → validate → lint, check that a finding's fix is valid config that clears it.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::Path;

use limpet_config::decode::decode_file;
use limpet_config::dynamic::Configuration;
use limpet_config::lint::{lint, record, Code, EntryPointFacts, Finding, LintContext};
use limpet_config::merge::merge;
use limpet_config::model::Model;
use limpet_config::static_config::EntryPointSet;
use limpet_config::validate::validate;

/// `web` (plain HTTP) and `websecure` (TLS), both defaults.
pub fn context() -> LintContext {
    let web = EntryPointFacts::default();
    let websecure = EntryPointFacts {
        tls: true,
        redirects_to_https: false,
    };
    LintContext {
        entry_points: BTreeMap::from([("web".into(), web), ("websecure".into(), websecure)]),
        defaults: vec!["web".into(), "websecure".into()],
        assumed: false,
    }
}

pub fn entry_point_set(ctx: &LintContext) -> EntryPointSet {
    EntryPointSet {
        all: ctx.entry_points.keys().cloned().collect(),
        defaults: ctx.defaults.clone(),
    }
}

pub fn file_provider(yaml: &str) -> BTreeMap<String, Configuration> {
    let config = decode_file(Path::new("dynamic.yml"), yaml.as_bytes())
        .unwrap_or_else(|e| panic!("{e}\n{yaml}"));
    BTreeMap::from([("file".to_owned(), config)])
}

/// Merge, validate, lint (and record the findings in the model).
pub fn run(
    providers: &BTreeMap<String, Configuration>,
    ctx: &LintContext,
) -> (Model, Vec<Finding>) {
    let merged = merge(providers);
    let mut model = validate(&merged, &entry_point_set(ctx));
    let findings = lint(&merged, &model, ctx);
    record(&mut model.diagnostics, findings.clone());
    (model, findings)
}

pub fn codes(findings: &[Finding]) -> Vec<Code> {
    findings.iter().map(|f| f.code).collect()
}

/// The finding with `code` on `element`; panics with every finding otherwise.
pub fn expect<'f>(findings: &'f [Finding], code: Code, element: &str) -> &'f Finding {
    findings
        .iter()
        .find(|f| f.code == code && f.element == element)
        .unwrap_or_else(|| panic!("no {code} on {element} in {findings:#?}"))
}

/// The fix of `finding` is valid configuration that says what the patch does, and once
/// applied the code is gone from the same element.
pub fn assert_fix_clears(
    providers: &BTreeMap<String, Configuration>,
    ctx: &LintContext,
    finding: &Finding,
) {
    let patch = finding.fix.patch().expect("finding has a patch");
    if patch.provider != "docker" && !patch.set_is_empty() {
        let written = decode_file(Path::new("fix.yml"), finding.fix.render().as_bytes())
            .unwrap_or_else(|e| panic!("fix is not valid YAML config: {e}\n{}", finding.fix));
        assert_eq!(
            written.http.unwrap_or_default(),
            patch.set(),
            "fix text:\n{}",
            finding.fix
        );
    }
    let mut fixed = providers.clone();
    patch.apply(&mut fixed);
    let (_, after) = run(&fixed, ctx);
    assert!(
        !after
            .iter()
            .any(|f| f.code == finding.code && f.name == finding.name),
        "{} still reported after the fix:\n{}\n{after:#?}",
        finding.code,
        finding.fix
    );
}

/// Lints `yaml` and returns the finding `code` on `element`, after checking its fix.
pub fn triggers(yaml: &str, code: Code, element: &str) -> Finding {
    let ctx = context();
    let providers = file_provider(yaml);
    let (_, findings) = run(&providers, &ctx);
    let finding = expect(&findings, code, element).clone();
    assert!(finding.message.len() > 20, "{finding:?}");
    assert_fix_clears(&providers, &ctx, &finding);
    finding
}

/// Lints `yaml` and asserts `code` is not reported.
pub fn does_not_trigger(yaml: &str, code: Code) {
    let (_, findings) = run(&file_provider(yaml), &context());
    assert!(
        !findings.iter().any(|f| f.code == code),
        "{code} reported for a near miss: {findings:#?}"
    );
}
