//! The runbook's corrected configurations (its YAML and label examples) have no error
//! findings; a configuration with many problems gives the reviewed findings snapshot.
#![allow(clippy::unwrap_used)]

mod lint_common;

use std::collections::BTreeMap;

use limpet_config::compose::docker_provider;
use limpet_config::lint::{label_findings, render_text, LintContext, Severity};
use lint_common::{context, file_provider, run};

/// Root cause 1's YAML fix, 4's (SameSite=None with Secure) and 6's HSTS middleware.
const RUNBOOK_YAML: &[&str] = &[
    r#"
http:
  services:
    my-app:
      loadBalancer:
        sticky:
          cookie:
            name: STICKY_SESSION
            httpOnly: true
            secure: true
        servers:
          - url: "http://192.168.1.101:8080"
          - url: "http://192.168.1.102:8080"
"#,
    r#"
http:
  services:
    my-app:
      loadBalancer:
        sticky:
          cookie:
            name: STICKY_SESSION
            httpOnly: true
            secure: true
            sameSite: none
        servers:
          - url: "http://192.168.1.101:8080"
"#,
    r#"
http:
  middlewares:
    secure-headers:
      headers:
        stsSeconds: 31536000
        stsIncludeSubdomains: true
        forceSTSHeader: true
"#,
];

/// Root causes 1, 2 and 4's label fixes, each on a Compose service of project webstack.
const RUNBOOK_LABELS: &[&[&str]] = &[
    &[
        "traefik.http.services.my-app.loadbalancer.sticky.cookie.name=STICKY_SESSION",
        "traefik.http.services.my-app.loadbalancer.sticky.cookie.httponly=true",
        "traefik.http.services.my-app.loadbalancer.sticky.cookie.secure=true",
    ],
    &[
        "traefik.http.routers.my-app.service=my-app",
        "traefik.http.services.my-app.loadbalancer.sticky.cookie.name=STICKY_SESSION",
        "traefik.http.services.my-app.loadbalancer.sticky.cookie.httponly=true",
    ],
    &[
        "traefik.http.services.my-app.loadbalancer.sticky.cookie.name=STICKY_SESSION",
        "traefik.http.services.my-app.loadbalancer.sticky.cookie.httponly=true",
        "traefik.http.services.my-app.loadbalancer.sticky.cookie.secure=true",
        "traefik.http.services.my-app.loadbalancer.sticky.cookie.samesite=none",
    ],
];

#[test]
fn runbook_yaml_fixes_have_no_errors() {
    for yaml in RUNBOOK_YAML {
        let (_, findings) = run(&file_provider(yaml), &context());
        let errors: Vec<_> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{yaml}\n{errors:#?}");
    }
}

#[test]
fn runbook_label_fixes_have_no_errors() {
    for labels in RUNBOOK_LABELS {
        let list: String = labels
            .iter()
            .map(|l| format!("      - \"{l}\"\n"))
            .collect();
        let compose = format!(
            "name: webstack\nservices:\n  my-app:\n    expose: [8080]\n    labels:\n{list}"
        );
        let outcome = docker_provider(&compose, "x").unwrap();
        let providers = BTreeMap::from([("docker".to_owned(), outcome.configuration)]);
        // The runbook serves them over HTTPS: one TLS entrypoint.
        let mut ctx = LintContext::assumed();
        ctx.entry_points.insert(
            "https".into(),
            limpet_config::lint::EntryPointFacts {
                tls: true,
                redirects_to_https: false,
            },
        );
        ctx.defaults = vec!["https".into()];
        ctx.assumed = false;
        let (_, mut findings) = run(&providers, &ctx);
        findings.extend(label_findings(&outcome.problems, "docker"));
        let errors: Vec<_> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{compose}\n{errors:#?}");
    }
}

const MANY_PROBLEMS: &str = include_str!("fixtures/many-problems.yml");
const SNAPSHOT: &str = "tests/fixtures/many-problems.findings.txt";

/// Message or fix changes show up here for review; `UPDATE_SNAPSHOTS=1` rewrites the file.
#[test]
fn findings_snapshot() {
    let (_, findings) = run(&file_provider(MANY_PROBLEMS), &context());
    let text = render_text(&findings);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        text, expected,
        "findings changed; review and rerun with UPDATE_SNAPSHOTS=1"
    );
}
