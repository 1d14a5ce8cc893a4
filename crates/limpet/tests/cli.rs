//! The `limpet` binary as a user runs it: demo, flags, static-file errors.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::{origin, HttpClient};

const LIMPET: &str = env!("CARGO_BIN_EXE_limpet");

/// Kills the child when the test ends, even on failure.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `limpet demo` on free ports; returns the proxy and dashboard URLs it prints.
fn start_demo() -> (Running, String, String) {
    let mut child = Command::new(LIMPET)
        .args([
            "demo",
            "--address",
            "127.0.0.1:0",
            "--dashboard",
            "127.0.0.1:0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap())
        .lines()
        .map(Result::unwrap);
    let mut address_after = |label: &str| {
        lines
            .find_map(|line| {
                let rest = line.trim().strip_prefix(label)?.to_owned();
                rest.split_whitespace().next().map(str::to_owned)
            })
            .unwrap()
    };
    let url = address_after("proxy");
    let dashboard = address_after("dashboard");
    (Running(child), url, dashboard)
}

#[tokio::test]
async fn demo_pins_a_client_and_alternates_new_ones() {
    let (_demo, url, dashboard) = start_demo();
    let client = HttpClient::default();
    let mut first = client.get(&url, "whoami.localhost", None).await;
    for _ in 0..50 {
        if first.status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        first = client.get(&url, "whoami.localhost", None).await;
    }
    let cookie = first.cookie_pair().unwrap();
    assert!(cookie.starts_with("STICKY_SESSION="), "{cookie}");
    for _ in 0..5 {
        let pinned = client.get(&url, "whoami.localhost", Some(&cookie)).await;
        assert_eq!(pinned.served_by(), first.served_by());
        assert!(pinned.set_cookies().is_empty());
    }
    let a = client.get(&url, "whoami.localhost", None).await.served_by();
    let b = client.get(&url, "whoami.localhost", None).await.served_by();
    assert_ne!(a, b, "cookieless requests alternate");
    let page = client.get(&dashboard, "127.0.0.1", None).await;
    assert_eq!(page.status, 200, "the dashboard is served: {dashboard}");
    let api = dashboard.replace("/dashboard/", "/api/http/services/whoami@demo");
    let service = client.get(&api, "127.0.0.1", None).await;
    assert!(
        service.body.contains("\"name\":\"STICKY_SESSION\""),
        "{}",
        service.body
    );
}

fn router_yaml(host: &str, backend: std::net::SocketAddr) -> String {
    format!("http:\n  routers:\n    r:\n      rule: \"Host(`{host}`)\"\n      service: s\n  services:\n    s:\n      loadBalancer:\n        servers: [{{url: \"http://{backend}\"}}]\n")
}

/// Starts the binary with Traefik-style flags on a free port; returns it and its port.
async fn start_with_flags(
    dir: &std::path::Path,
    dynamic: &std::path::Path,
    extra: &[&str],
) -> (Running, u16) {
    let port = support::dead_address().await.port();
    let child = Command::new(LIMPET)
        .current_dir(dir)
        .arg(format!("--entryPoints.web.address=127.0.0.1:{port}"))
        .arg(format!("--providers.file.filename={}", dynamic.display()))
        .arg("--log.level=DEBUG")
        .args(extra)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    (Running(child), port)
}

/// Polls until `host` is served by `name` (true) or 5 s pass (false).
async fn served_within(port: u16, host: &str, name: &str) -> bool {
    let client = HttpClient::default();
    let url = format!("http://127.0.0.1:{port}/");
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let reply = tokio::time::timeout(Duration::from_secs(1), client.try_get(&url, host)).await;
        if reply.ok().flatten().is_some_and(|r| r.served_by() == name) {
            return true;
        }
    }
    false
}

#[tokio::test]
async fn traefik_style_flags_configure_entrypoint_and_file_provider() {
    let backend = origin("flagged").await;
    let dir = tempfile::tempdir().unwrap();
    let dynamic = dir.path().join("dynamic.yml");
    std::fs::write(&dynamic, router_yaml("f.local", backend)).unwrap();
    let (_limpet, port) = start_with_flags(dir.path(), &dynamic, &[]).await;
    assert!(
        served_within(port, "f.local", "flagged").await,
        "limpet started with flags never served f.local"
    );
}

#[tokio::test]
async fn sighup_reloads_when_watching_is_off() {
    let backend = origin("hup").await;
    let dir = tempfile::tempdir().unwrap();
    let dynamic = dir.path().join("dynamic.yml");
    std::fs::write(&dynamic, router_yaml("before.local", backend)).unwrap();
    let watch_off = [
        "--providers.file.watch=false",
        "--providers.providersThrottleDuration=0s",
    ];
    let (limpet, port) = start_with_flags(dir.path(), &dynamic, &watch_off).await;
    assert!(served_within(port, "before.local", "hup").await);
    std::fs::write(&dynamic, router_yaml("after.local", backend)).unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let url = format!("http://127.0.0.1:{port}/");
    let unchanged = HttpClient::default().get(&url, "after.local", None).await;
    assert_eq!(
        unchanged.status, 404,
        "not watching: the change waits for SIGHUP"
    );
    let status = Command::new("kill")
        .args(["-HUP", &limpet.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(
        served_within(port, "after.local", "hup").await,
        "SIGHUP reloaded the file"
    );
}

#[test]
fn malformed_static_file_exits_with_file_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("limpet.yml");
    std::fs::write(&file, "entryPoints:\n  web:\n    address: [unclosed\n").unwrap();
    let output = Command::new(LIMPET)
        .arg(format!("--configFile={}", file.display()))
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&file.display().to_string()), "{stderr}");
    assert!(stderr.contains("line"), "{stderr}");
}

#[test]
fn help_lists_the_commands() {
    let output = Command::new(LIMPET).arg("--help").output().unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    for command in ["demo", "whoami", "--configFile"] {
        assert!(text.contains(command), "{text}");
    }
}

#[tokio::test]
async fn logs_go_to_log_file_path_in_json() {
    let backend = origin("logged").await;
    let dir = tempfile::tempdir().unwrap();
    let dynamic = dir.path().join("dynamic.yml");
    std::fs::write(&dynamic, router_yaml("l.local", backend)).unwrap();
    let log = dir.path().join("limpet.log");
    let flags = [
        format!("--log.filePath={}", log.display()),
        "--log.format=json".to_owned(),
        "--log.level=INFO".to_owned(),
    ];
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let (_limpet, port) = start_with_flags(dir.path(), &dynamic, &flags).await;
    assert!(served_within(port, "l.local", "logged").await);
    let text = std::fs::read_to_string(&log).unwrap();
    let applied = text
        .lines()
        .find(|l| l.contains("configuration applied"))
        .unwrap_or_else(|| panic!("{text}"));
    let line: serde_json::Value = serde_json::from_str(applied).unwrap();
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["fields"]["routers"], 1);
}
