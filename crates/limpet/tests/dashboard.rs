//! The dashboard in a real headless Chromium: it renders the routers, a server marked DOWN by
//! its health check and a lint finding with its fix, and a screenshot is saved to
//! `target/dashboard.png`. Skipped (loudly) when `/usr/bin/chromium` is missing; CI installs
//! Debian's `chromium` package.
#![allow(clippy::unwrap_used)]

#[path = "support/observed.rs"]
mod observed;
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use observed::Observed;
use support::{dead_address, origin, HttpClient};

const CHROMIUM: &str = "/usr/bin/chromium";

async fn dynamic() -> String {
    let (a, b) = (origin("a").await, origin("b").await);
    let dead = dead_address().await;
    format!(
        r#"http:
  routers:
    shop:
      rule: "Host(`shop.local`)"
      service: shop
    legacy:
      rule: "Host(`legacy.local`)"
      service: shop
      middlewares: [sticky]
  services:
    shop:
      loadBalancer:
        sticky:
          cookie:
            name: shop_session
        servers:
          - url: http://{a}
          - url: http://{b}
          - url: http://{dead}
        healthCheck:
          path: /health
          interval: 100ms
          timeout: 100ms
"#
    )
}

/// Waits until the API shows the dead server DOWN.
async fn wait_for_down(limpet: &Observed) {
    let client = HttpClient::default();
    for _ in 0..50 {
        let reply = client
            .get(
                &limpet.api_url("/api/http/services/shop@file"),
                "localhost",
                None,
            )
            .await;
        if reply.body.contains("\"DOWN\"") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the dead server never showed DOWN");
}

/// Runs headless Chromium on `url` with `extra` arguments; returns stdout.
async fn chromium(url: String, extra: Vec<String>) -> String {
    tokio::task::spawn_blocking(move || {
        let profile = tempfile::tempdir().unwrap();
        let output = Command::new(CHROMIUM)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--virtual-time-budget=5000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .args(extra)
            .arg(url)
            .output()
            .unwrap();
        String::from_utf8_lossy(&output.stdout).into_owned()
    })
    .await
    .unwrap()
}

fn screenshot_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/dashboard.png")
}

#[tokio::test]
async fn dashboard_shows_routers_down_server_and_findings_in_chromium() {
    if !Path::new(CHROMIUM).exists() {
        eprintln!("\n\n*** SKIPPED: {CHROMIUM} not found; install Debian's `chromium` package (CI does) ***\n\n");
        return;
    }
    let limpet = Observed::start(&dynamic().await, "api:\n  insecure: true\n").await;
    wait_for_down(&limpet).await;
    let client = HttpClient::default();
    let first = client.get(&limpet.web_url("/"), "shop.local", None).await;
    assert_eq!(first.status, 200);
    let redirect = client.get(&limpet.api_url("/"), "localhost", None).await;
    assert_eq!(redirect.status, 301);
    let url = limpet.api_url("/dashboard/");
    let laptop = "--window-size=1280,900".to_owned();
    let dom = chromium(url.clone(), vec![laptop.clone(), "--dump-dom".into()]).await;
    for expected in [
        "shop@file",
        "legacy@file",
        "Host(`shop.local`)",
        "DOWN",
        "shop_session",
    ] {
        assert!(dom.contains(expected), "{expected:?} not rendered:\n{dom}");
    }
    assert!(dom.contains("LMP"), "no lint finding code rendered:\n{dom}");
    assert!(
        dom.contains(">Fix<") && dom.contains("class=\"fix\""),
        "no fix rendered:\n{dom}"
    );
    assert!(
        dom.contains("new 1"),
        "sticky outcome counts not rendered:\n{dom}"
    );
    let shot = screenshot_path();
    let _ = std::fs::remove_file(&shot);
    let arg = format!("--screenshot={}", shot.display());
    chromium(url.clone(), vec![laptop, arg]).await;
    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
    assert!(size > 10_000, "no screenshot at {}", shot.display());
    let phone = shot.with_file_name("dashboard-phone.png");
    let arg = format!("--screenshot={}", phone.display());
    chromium(url, vec!["--window-size=390,2200".into(), arg]).await;
    assert!(phone.exists(), "no phone screenshot");
}
