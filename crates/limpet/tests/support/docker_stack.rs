//! limpet in front of the Docker double: Compose files turned into the double's containers
//! (each replica an in-process whoami origin on its own 127.0.0.x address), limpet started
//! with `providers.docker` pointing at the double's socket.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::Duration;

use limpet::control::app::{self, RunningApp};
use tokio::net::TcpListener;

use super::docker_double::{DockerDouble, FakeContainer};

/// A whoami origin named `name` on `ip:port` (port 0: any); returns the port.
pub async fn origin_at(ip: &str, port: u16, name: &str) -> u16 {
    let listener = TcpListener::bind((ip, port)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(limpet::tools::whoami::serve(listener, name.to_owned()));
    port
}

/// A port free on every address in `ips` (bound on the first, tried on the others).
pub async fn common_port(ips: &[&str]) -> u16 {
    'search: for _ in 0..20 {
        let first = TcpListener::bind((ips[0], 0)).await.unwrap();
        let port = first.local_addr().unwrap().port();
        for ip in &ips[1..] {
            if TcpListener::bind((*ip, port)).await.is_err() {
                continue 'search;
            }
        }
        return port;
    }
    panic!("no common free port");
}

/// The containers of Compose file `text` (project `project`) for the double: replica `i`
/// (in file order) gets address `127.0.0.{i+2}` on `<project>_default`, exposes `port`,
/// and an origin named after the container listens there. Every `port=80` / `port=8080`
/// label is rewritten to `port` (the origins cannot all have the fixture's port).
pub async fn compose_stack(text: &str, project: &str, port: u16) -> Vec<FakeContainer> {
    let text = text
        .replace("server.port=8080", &format!("server.port={port}"))
        .replace("server.port=80\"", &format!("server.port={port}\""));
    let containers = limpet_config::compose::containers(&text, project).unwrap();
    let mut out = Vec::new();
    for (i, container) in containers.into_iter().enumerate() {
        let ip = format!("127.0.0.{}", i + 2);
        origin_at(&ip, port, &container.name).await;
        let mut fake = FakeContainer::new(&container.name, &ip, port, &[]);
        fake.labels = container.labels;
        fake.networks = [(format!("{project}_default"), ip)].into();
        out.push(fake);
    }
    out
}

/// limpet with entrypoint `web` on 127.0.0.1:0, a 10ms throttle and `providers.docker` on
/// the double (plus `docker_extra`, lines indented under `docker:`); waits for generation 1.
pub async fn start_limpet(double: &DockerDouble, docker_extra: &str) -> RunningApp {
    let yaml = format!(
        "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\nproviders:\n  providersThrottleDuration: 10ms\n  docker:\n    endpoint: \"{}\"\n{docker_extra}",
        double.endpoint()
    );
    let path = double.dir.path().join("limpet.yml");
    std::fs::write(&path, yaml).unwrap();
    let (config, warnings) = limpet_config::static_config::load_static(&path).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut app = app::start(&config, Vec::new()).await.unwrap();
    let first = tokio::time::timeout(Duration::from_secs(5), app.wait_for_generation(1)).await;
    assert!(
        first.is_ok(),
        "no configuration; the double saw {:#?}",
        double.log()
    );
    app
}

/// Awaits `future`, failing the test after `limit`.
pub async fn within<T>(limit: Duration, future: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, future)
        .await
        .unwrap_or_else(|_| panic!("not done within {limit:?}"))
}
