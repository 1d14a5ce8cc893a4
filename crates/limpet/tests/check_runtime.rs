//! Lint findings in the running proxy: recorded in the runtime model (status and error
//! list per element, as the API shows them) and logged once per generation.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use limpet_config::diagnostics::Cause;
use limpet_config::lint::Code;
use support::Limpet;

const STICKY_MIDDLEWARE: &str = r#"
http:
  routers:
    app: {rule: "Host(`app.localhost`)", service: app, middlewares: [sticky-sessions]}
    twin: {rule: "Host(`app.localhost`)", service: app}
  middlewares:
    sticky-sessions: {sticky: {cookie: {name: s}}}
  services:
    app: {loadBalancer: {servers: [{url: "http://127.0.0.1:9"}]}}
"#;

#[tokio::test]
async fn findings_set_element_status_and_errors_in_the_model() {
    let limpet = Limpet::start(STICKY_MIDDLEWARE).await;
    let snapshot = limpet.app.shared.snapshot.load_full();
    let diagnostics = &snapshot.model.diagnostics;
    let middleware = &diagnostics.middlewares["sticky-sessions@file"];
    assert_eq!(middleware.status.as_str(), "disabled");
    assert!(
        middleware
            .errors
            .iter()
            .any(|e| e.cause == Cause::Lint(Code::Lmp001) && e.to_string().starts_with("LMP001: ")),
        "{middleware:?}"
    );
    let codes: Vec<Code> = diagnostics.findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&Code::Lmp001), "{codes:?}");
    assert!(codes.contains(&Code::Lmp002), "{codes:?}");
}

#[test]
fn each_finding_is_logged_once_per_generation() {
    let dir = tempfile::tempdir().unwrap();
    let dynamic = dir.path().join("dynamic.yml");
    std::fs::write(&dynamic, STICKY_MIDDLEWARE).unwrap();
    let static_path = dir.path().join("limpet.yml");
    let static_yaml = format!(
        "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\nproviders:\n  providersThrottleDuration: 50ms\n  file:\n    filename: {}\n    watch: false\nlog:\n  level: INFO\n  noColor: true\n",
        dynamic.display()
    );
    std::fs::write(&static_path, static_yaml).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_limpet"))
        .arg(format!("--configFile={}", static_path.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let logs = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(logs).lines() {
            if tx.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        match rx.recv_timeout(Duration::from_millis(200)) {
            Ok(line) => lines.push(line),
            Err(_) if lines.iter().any(|l| l.contains("configuration applied")) => break,
            Err(_) => {}
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let lmp001: Vec<&String> = lines.iter().filter(|l| l.contains("LMP001")).collect();
    assert_eq!(lmp001.len(), 1, "{lines:#?}");
    assert!(lmp001[0].contains("ERROR"), "{}", lmp001[0]);
    let lmp002 = lines.iter().filter(|l| l.contains("LMP002")).count();
    assert_eq!(lmp002, 1, "{lines:#?}");
}
