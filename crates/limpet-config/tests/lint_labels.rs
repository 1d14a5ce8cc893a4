//! Docker labels: Traefik's grammar, Docker naming from a Compose file, LMP016, and the
//! tutorial's compose file (sticky as a middleware, two routers with one rule).
#![allow(clippy::unwrap_used)]

mod lint_common;

use std::collections::BTreeMap;

use limpet_config::compose::docker_provider;
use limpet_config::dynamic::Configuration;
use limpet_config::labels::decode_labels;
use limpet_config::lint::{label_findings, Code, Finding, LintContext, Severity};
use lint_common::{expect, run};

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn grammar_case_insensitive_paths_names_keep_case_lists_allow_empty() {
    let decoded = decode_labels(&labels(&[
        ("traefik.enable", "true"),
        ("traefik.HTTP.Routers.MyApp.RULE", "Host(`a`)"),
        ("traefik.http.routers.MyApp.entrypoints", "web, websecure"),
        ("traefik.http.routers.MyApp.tls", "true"),
        (
            "traefik.http.services.svc.loadBalancer.sticky.cookie",
            "true",
        ),
        (
            "traefik.http.services.svc.loadbalancer.healthcheck.headers.X-Foo",
            "bar",
        ),
        ("traefik.http.services.svc.loadbalancer.server.port", "8080"),
        ("traefik.http.services.svc.loadbalancer.server.id", "svc-a"),
        ("com.example.other", "ignored"),
    ]));
    assert!(decoded.problems.is_empty(), "{:?}", decoded.problems);
    assert_eq!(decoded.enable, Some(true));
    let router = &decoded.http.routers["MyApp"];
    assert_eq!(router.rule, "Host(`a`)");
    assert_eq!(router.entry_points, ["web", "websecure"]);
    assert!(router.tls.is_some());
    let lb = decoded.http.services["svc"].load_balancer.as_ref().unwrap();
    assert_eq!(lb.sticky.as_ref().unwrap().cookie, Some(Default::default()));
    assert_eq!(lb.health_check.as_ref().unwrap().headers["X-Foo"], "bar");
    let server = &decoded.servers["svc"];
    assert_eq!(server.port.as_deref(), Some("8080"));
    assert_eq!(server.id.as_deref(), Some("svc-a"));
}

#[test]
fn sticky_false_removes_sticky() {
    let decoded = decode_labels(&labels(&[
        ("traefik.http.services.s.loadbalancer.sticky", "false"),
        (
            "traefik.http.services.s.loadbalancer.passhostheader",
            "false",
        ),
    ]));
    let lb = decoded.http.services["s"].load_balancer.as_ref().unwrap();
    assert_eq!(lb.sticky, None);
    assert_eq!(lb.pass_host_header, Some(false));
}

#[test]
fn unknown_field_is_an_element_error_naming_the_label() {
    let decoded = decode_labels(&labels(&[
        (
            "traefik.http.services.app.loadbalancer.stickyy.cookie",
            "true",
        ),
        (
            "traefik.http.services.app.loadbalancer.sticky.cookie.maxage",
            "soon",
        ),
        ("traefik.http.routers.app.rule", "Host(`a`)"),
    ]));
    assert!(!decoded.http.services.contains_key("app"));
    assert!(decoded.http.routers.contains_key("app"));
    let problem = &decoded.problems[0];
    assert_eq!(
        problem.label,
        "traefik.http.services.app.loadbalancer.stickyy.cookie"
    );
    assert!(
        problem.message.contains("field not found"),
        "{}",
        problem.message
    );
}

#[test]
fn type_errors_name_the_label() {
    let decoded = decode_labels(&labels(&[(
        "traefik.http.services.app.loadbalancer.sticky.cookie.maxAge",
        "soon",
    )]));
    assert_eq!(
        decoded.problems[0].label,
        "traefik.http.services.app.loadbalancer.sticky.cookie.maxAge"
    );
}

fn compose_findings(text: &str) -> (BTreeMap<String, Configuration>, Vec<Finding>) {
    let outcome = docker_provider(text, "stack").unwrap();
    let providers = BTreeMap::from([("docker".to_owned(), outcome.configuration)]);
    let (_, mut findings) = run(&providers, &LintContext::assumed());
    findings.extend(label_findings(&outcome.problems, "docker"));
    (providers, findings)
}

#[test]
fn lmp016_unusable_label_and_its_fix() {
    let bad = "services:\n  app:\n    expose: [80]\n    labels:\n      - traefik.http.services.app.loadbalancer.stickyy=true\n";
    let (_, findings) = compose_findings(bad);
    let finding = expect(&findings, Code::Lmp016, "http.services.app@docker");
    assert_eq!(finding.severity, Severity::Error);
    let fix = finding.fix.render();
    let label = fix.lines().last().unwrap();
    assert_eq!(label, "traefik.http.services.app.loadbalancer.stickyy");
    // The fix: correct the label (or remove it) — either way the element is back.
    let (providers, findings) = compose_findings(&bad.replace("stickyy", "sticky.cookie"));
    assert!(
        !findings.iter().any(|f| f.code == Code::Lmp016),
        "{findings:#?}"
    );
    let http = providers["docker"].http.as_ref().unwrap();
    assert!(http.services.contains_key("app"));
}

#[test]
fn docker_naming_defaults_from_compose() {
    let text = "name: webstack\nservices:\n  my_app:\n    expose: [9000, 8080]\n    labels:\n      traefik.http.services.my-app.loadbalancer.sticky.cookie.name: s\n";
    let outcome = docker_provider(text, "ignored").unwrap();
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let http = outcome.configuration.http.unwrap();
    // No router label: one router named after the container's service, default rule,
    // linked to the only service; servers from the lowest exposed port.
    let router = &http.routers["my-app-webstack"];
    assert_eq!(router.rule, "Host(`my-app-webstack`)");
    assert_eq!(router.service, "my-app");
    let lb = http.services["my-app"].load_balancer.as_ref().unwrap();
    assert_eq!(lb.servers[0].url, "http://webstack-my_app-1:8080");
}

#[test]
fn disabled_and_portless_containers() {
    let text = "services:\n  off:\n    expose: [80]\n    labels: [traefik.enable=false]\n  noport:\n    image: x\n";
    let outcome = docker_provider(text, "p").unwrap();
    assert_eq!(outcome.configuration.http, None);
    assert!(
        outcome.problems[0].message.contains("port is missing"),
        "{:?}",
        outcome.problems
    );
}

#[test]
fn containers_with_different_definitions_of_one_router_conflict() {
    let text = "services:\n  a:\n    expose: [80]\n    labels: [\"traefik.http.routers.r.rule=Host(`a`)\", traefik.http.routers.r.service=s, traefik.http.services.s.loadbalancer.server.port=80]\n  b:\n    expose: [80]\n    labels: [\"traefik.http.routers.r.rule=Host(`b`)\", traefik.http.routers.r.service=s, traefik.http.services.s.loadbalancer.server.port=80]\n";
    let outcome = docker_provider(text, "p").unwrap();
    let http = outcome.configuration.http.unwrap();
    assert!(!http.routers.contains_key("r"));
    assert_eq!(
        http.services["s"]
            .load_balancer
            .as_ref()
            .unwrap()
            .servers
            .len(),
        2
    );
    assert!(outcome.problems[0]
        .message
        .contains("defined multiple times with different configurations"));
}

const TUTORIAL: &str = include_str!("fixtures/tutorial-compose.yml");
const TUTORIAL_FIXED: &str = include_str!("fixtures/tutorial-compose-fixed.yml");

#[test]
fn tutorial_compose_file_reports_sticky_middleware_and_shadowed_router() {
    let (_, findings) = compose_findings(TUTORIAL);
    let sticky = expect(
        &findings,
        Code::Lmp001,
        "http.middlewares.sticky-sessions@docker.sticky",
    );
    assert_eq!(sticky.severity, Severity::Error);
    assert!(
        sticky.fix.render().contains(
            "traefik.http.services.whoami.loadbalancer.sticky.cookie.name=my_app_session"
        ),
        "{}",
        sticky.fix
    );
    assert!(sticky
        .fix
        .render()
        .contains("# remove every label traefik.http.middlewares.sticky-sessions.*"));
    let shadowed = expect(&findings, Code::Lmp002, "http.routers.whoami@docker");
    assert!(
        shadowed.message.contains("whoami-replica@docker"),
        "{}",
        shadowed.message
    );
}

/// Applies the first fixable error or warning until none is left (fixes are computed on
/// the configuration they fix, so they are applied one at a time).
fn fix_until_clean(providers: &mut BTreeMap<String, Configuration>) -> Vec<Finding> {
    for _ in 0..20 {
        let (_, findings) = run(providers, &LintContext::assumed());
        let next = findings
            .iter()
            .find(|f| f.severity != Severity::Info && f.fix.patch().is_some());
        match next.and_then(|f| f.fix.patch()) {
            Some(patch) => patch.apply(providers),
            None => return findings,
        }
    }
    panic!("fixes do not converge");
}

#[test]
fn tutorial_fixes_applied_give_a_clean_configuration() {
    let (mut providers, _) = compose_findings(TUTORIAL);
    let left = fix_until_clean(&mut providers);
    assert!(
        left.iter().all(|f| f.severity == Severity::Info),
        "{left:#?}"
    );
    let http = providers["docker"].http.as_ref().unwrap();
    let pooled = &http.services["whoami-replica"]
        .load_balancer
        .as_ref()
        .unwrap();
    assert_eq!(pooled.servers.len(), 2);
    assert_eq!(
        pooled
            .sticky
            .as_ref()
            .unwrap()
            .cookie
            .as_ref()
            .unwrap()
            .name,
        "my_app_session"
    );
}

#[test]
fn tutorial_corrected_compose_file_is_clean() {
    let (providers, findings) = compose_findings(TUTORIAL_FIXED);
    assert!(findings.is_empty(), "{findings:#?}");
    let http = providers["docker"].http.as_ref().unwrap();
    let lb = http.services["whoami"].load_balancer.as_ref().unwrap();
    assert_eq!(lb.servers.len(), 2, "{lb:?}");
}
