//! Findings and validation errors in the runtime model: what `record` adds to each element,
//! which validation errors a finding restates (left out of the list after the findings),
//! and the fix each remaining error's cause calls for.
#![allow(clippy::unwrap_used)]

mod lint_common;

use limpet_config::diagnostics::{Cause, ElementKind, Remedy, Status};
use limpet_config::lint::{unrestated, Code};
use lint_common::{context, file_provider, run};

const BROKEN: &str = r#"
http:
  routers:
    refs:
      rule: "Host(`refs.example.com`)"
      entryPoints: [nope, web]
      middlewares: [gone-a, gone-b]
      service: ok
    https-backend: {rule: "Host(`b.example.com`)", entryPoints: [web], service: tls}
    bad-rule: {rule: "Hots(`x`)", entryPoints: [web], service: ok}
  services:
    ok:
      loadBalancer:
        servers: [{url: "http://ok-1:80"}]
    tls:
      highestRandomWeight:
        services: [{name: ok}]
"#;

#[test]
fn restated_validation_errors_are_not_recorded_twice() {
    let (model, findings) = run(&file_provider(BROKEN), &context());
    let codes: Vec<Code> = findings
        .iter()
        .filter(|f| f.name == "refs@file")
        .map(|f| f.code)
        .collect();
    assert_eq!(codes, [Code::Lmp014, Code::Lmp015]);
    let state = &model.diagnostics.routers["refs@file"];
    assert_eq!(
        state.messages(),
        [
            "entryPoint \"nope\" doesn't exist",
            "middleware \"gone-a@file\" does not exist",
            "middleware \"gone-b@file\" does not exist",
        ]
    );
    assert!(!state
        .errors
        .iter()
        .any(|e| matches!(e.cause, Cause::Lint(_))));
    let listed: Vec<&str> = unrestated(&model.diagnostics)
        .iter()
        .filter(|u| u.name == "refs@file")
        .map(|u| u.error.message.as_str())
        .collect();
    assert!(listed.is_empty(), "{listed:?}");
}

#[test]
fn errors_without_a_code_keep_the_fix_of_their_cause() {
    let (model, _) = run(&file_provider(BROKEN), &context());
    let listed = unrestated(&model.diagnostics);
    let fix_of = |kind, name: &str| {
        let entry = listed
            .iter()
            .find(|u| u.kind == kind && u.name == name)
            .unwrap_or_else(|| panic!("{name} not listed: {listed:#?}"));
        assert_eq!(entry.status, Status::Disabled);
        entry.error.cause.remedy()
    };
    let unsupported = Some(Remedy::RemoveUnsupported);
    assert_eq!(fix_of(ElementKind::Service, "tls@file"), unsupported);
    assert_eq!(
        fix_of(ElementKind::Router, "https-backend@file"),
        unsupported
    );
    assert_eq!(
        fix_of(ElementKind::Router, "bad-rule@file"),
        Some(Remedy::FixRule)
    );
    let router = &model.diagnostics.routers["https-backend@file"];
    assert_eq!(
        router.errors[0].cause,
        Cause::UnusableService {
            remedy: unsupported
        }
    );
    assert!(router.errors[0]
        .message
        .starts_with("service type \"highestRandomWeight\" is not supported yet"));
}

#[test]
fn findings_without_a_validation_error_are_recorded_with_their_code() {
    let yaml = "http:\n  routers:\n    app: {rule: \"Host(`a.example.com`)\", entryPoints: [websecure], service: app}\n  services:\n    app:\n      loadBalancer:\n        sticky: {cookie: {secure: true}}\n        servers: [{url: \"http://app-1:80\"}, {url: \"http://app-2:80\"}]\n";
    let (model, findings) = run(&file_provider(yaml), &context());
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let state = &model.diagnostics.services["app@file"];
    assert_eq!(state.status, Status::Warning);
    assert_eq!(state.errors[0].cause, Cause::Lint(Code::Lmp011));
    assert_eq!(state.errors[0].message, findings[0].message);
    assert!(state.errors[0]
        .to_string()
        .starts_with("LMP011: sticky service app@file has no health check"));
    assert!(unrestated(&model.diagnostics).is_empty());
}
