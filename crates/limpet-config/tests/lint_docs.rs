//! `docs/diagnostics.md`: every code is documented, each section's first YAML block
//! triggers its code and the second (the corrected configuration) does not.
#![allow(clippy::unwrap_used)]

mod lint_common;

use std::collections::BTreeMap;

use limpet_config::compose::docker_provider;
use limpet_config::dynamic::Configuration;
use limpet_config::lint::{label_findings, Code, LintContext};
use lint_common::{context, file_provider, run};

const DOC: &str = include_str!("../../../docs/diagnostics.md");

/// (code, yaml blocks) per `## LMPxxx` section.
fn sections() -> Vec<(String, Vec<String>)> {
    DOC.split("\n## ")
        .filter(|s| s.starts_with("LMP"))
        .map(|section| {
            let code = section[..6].to_owned();
            let blocks = section
                .split("```yaml\n")
                .skip(1)
                .filter_map(|b| b.split("```").next().map(str::to_owned))
                .collect();
            (code, blocks)
        })
        .collect()
}

fn codes_of(yaml: &str) -> Vec<&'static str> {
    if yaml.starts_with("# compose") {
        let outcome = docker_provider(yaml, "docs").unwrap();
        let providers: BTreeMap<String, Configuration> =
            BTreeMap::from([("docker".to_owned(), outcome.configuration)]);
        let (_, mut findings) = run(&providers, &LintContext::assumed());
        findings.extend(label_findings(&outcome.problems, "docker"));
        return findings.iter().map(|f| f.code.as_str()).collect();
    }
    let (_, findings) = run(&file_provider(yaml), &context());
    findings.iter().map(|f| f.code.as_str()).collect()
}

#[test]
fn every_code_is_documented_with_a_trigger_and_a_fix() {
    let sections = sections();
    let documented: Vec<&str> = sections.iter().map(|(c, _)| c.as_str()).collect();
    let known: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(documented, known);
    for (code, blocks) in &sections {
        assert_eq!(blocks.len(), 2, "{code}: a trigger and a fix");
        assert!(
            codes_of(&blocks[0]).contains(&code.as_str()),
            "{code} trigger:\n{}",
            blocks[0]
        );
        let after = codes_of(&blocks[1]);
        assert!(
            !after.contains(&code.as_str()),
            "{code} fix still triggers: {after:?}"
        );
    }
}
