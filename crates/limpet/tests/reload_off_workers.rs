//! A reload never runs on the thread that serves: on a single-threaded runtime, requests are
//! still answered while a large configuration is being built.
#![allow(clippy::unwrap_used)]

mod support;

use std::fmt::Write as _;
use std::future::Future;
use std::path::Path;
use std::pin::Pin;
use std::time::Duration;

use limpet::control::provider::{Provider, ProviderMessage, Updates};
use limpet_config::dynamic::Configuration;
use support::{origin, HttpClient};
use tokio::sync::mpsc;

/// Forwards already-decoded configurations, so that applying is the only slow step.
struct Channel(mpsc::Receiver<Configuration>);

impl Provider for Channel {
    fn name(&self) -> &str {
        "file"
    }

    fn run(self: Box<Self>, updates: Updates) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        let mut configs = self.0;
        Box::pin(async move {
            while let Some(config) = configs.recv().await {
                let message = ProviderMessage::new("file", Ok(config));
                let _ = updates.send(message).await;
            }
        })
    }
}

fn decoded(yaml: &str) -> Configuration {
    limpet_config::decode::decode_file(Path::new("d.yml"), yaml.as_bytes()).unwrap()
}

/// Router `a` to `backend`, plus `extra` routers (each with its own service) to build.
fn config(backend: &str, extra: usize) -> String {
    let mut yaml =
        String::from("http:\n  routers:\n    a: {rule: \"Host(`a.local`)\", service: a}\n");
    for i in 0..extra {
        let _ = writeln!(
            yaml,
            "    r{i}: {{rule: \"Host(`r{i}.local`)\", service: s{i}}}"
        );
    }
    let _ = write!(
        yaml,
        "  services:\n    a:\n      loadBalancer:\n        servers:\n          - url: http://{backend}/\n"
    );
    for i in 0..extra {
        let _ = writeln!(
            yaml,
            "    s{i}:\n      loadBalancer:\n        sticky: {{cookie: {{}}}}\n        servers:\n          - url: http://10.0.0.1:80/\n          - url: http://10.0.0.2:80/"
        );
    }
    yaml
}

#[tokio::test(flavor = "current_thread")]
async fn requests_are_served_while_a_large_configuration_builds() {
    let backend = origin("o").await.to_string();
    let dir = tempfile::tempdir().unwrap();
    let static_path = dir.path().join("limpet.yml");
    let text = "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\nproviders:\n  providersThrottleDuration: 0s\n";
    std::fs::write(&static_path, text).unwrap();
    let (config_static, _) = limpet_config::static_config::load_static(&static_path).unwrap();
    let (send, receive) = mpsc::channel(2);
    let mut app = limpet::control::app::start(&config_static, vec![Box::new(Channel(receive))])
        .await
        .unwrap();
    send.send(decoded(&config(&backend, 0))).await.unwrap();
    app.wait_for_generation(1).await;
    let url = format!("http://{}/", app.address("web").unwrap());
    let client = HttpClient::default();
    let big = decoded(&config(&backend, 3000));
    send.send(big).await.unwrap();
    let mut served_during_build = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while app.generation() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the reload never finished"
        );
        let reply = client.get(&url, "a.local", None).await;
        assert_eq!(reply.status, 200);
        if app.generation() < 2 {
            served_during_build += 1;
        }
    }
    assert!(
        served_during_build > 0,
        "no request was answered while the configuration was being applied"
    );
}
