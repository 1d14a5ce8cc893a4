//! `limpet demo`: two whoami backends and a sticky service in front of them, no setup needed.

use std::net::SocketAddr;
use std::path::Path;

use limpet_config::dynamic::Configuration;
use limpet_config::static_config::{EntryPoint, StaticConfig};
use tokio::net::TcpListener;

use crate::control::app::{self, RunningApp};
use crate::control::provider::memory::MemoryProvider;

/// Why the demo could not start.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("cannot start a whoami backend: {0}")]
    Backend(std::io::Error),
    #[error("the demo configuration is invalid: {0}")]
    Config(String),
    #[error(transparent)]
    Start(#[from] app::StartError),
}

/// The demo's dynamic configuration: one sticky service over the two backends.
pub fn dynamic_yaml(backends: &[SocketAddr]) -> String {
    let servers: String = backends
        .iter()
        .enumerate()
        .map(|(i, addr)| {
            format!(
                "          - url: \"http://{addr}\"\n            id: whoami-{}\n",
                i + 1
            )
        })
        .collect();
    format!(
        "http:\n  routers:\n    whoami:\n      rule: \"Host(`whoami.localhost`)\"\n      service: whoami\n  services:\n    whoami:\n      loadBalancer:\n        healthCheck:\n          path: /health\n          interval: 2s\n        sticky:\n          cookie:\n            name: STICKY_SESSION\n            httpOnly: true\n        servers:\n{servers}"
    )
}

/// Starts the backends and the proxy on `address`, with the API and dashboard on
/// `dashboard` (the `traefik` entrypoint) when given; returns the running proxy.
pub async fn start(
    address: SocketAddr,
    dashboard: Option<SocketAddr>,
) -> Result<(RunningApp, Vec<SocketAddr>), DemoError> {
    let mut backends = Vec::new();
    for name in ["whoami-1", "whoami-2"] {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(DemoError::Backend)?;
        backends.push(listener.local_addr().map_err(DemoError::Backend)?);
        tokio::spawn(crate::tools::whoami::serve(listener, name.to_owned()));
    }
    let dynamic = decode_yaml(&dynamic_yaml(&backends))?;
    let mut static_config = StaticConfig::default();
    let entry_point = EntryPoint {
        address: address.to_string(),
        ..EntryPoint::default()
    };
    static_config
        .entry_points
        .insert("web".to_owned(), entry_point);
    if let Some(dashboard) = dashboard {
        enable_dashboard(&mut static_config, dashboard);
    }
    let provider = MemoryProvider::new("demo", dynamic);
    let app = app::start(&static_config, vec![Box::new(provider)]).await?;
    Ok((app, backends))
}

/// `api.insecure` with the `traefik` entrypoint on `address`: API, dashboard, and metrics.
fn enable_dashboard(config: &mut StaticConfig, address: SocketAddr) {
    let entry_point = EntryPoint {
        address: address.to_string(),
        ..EntryPoint::default()
    };
    config
        .entry_points
        .insert("traefik".to_owned(), entry_point);
    config.api = Some(limpet_config::static_config::Api {
        insecure: true,
        ..Default::default()
    });
}

fn decode_yaml(yaml: &str) -> Result<Configuration, DemoError> {
    limpet_config::decode::decode_file(Path::new("demo.yml"), yaml.as_bytes())
        .map_err(|e| DemoError::Config(e.to_string()))
}

/// What the demo prints: where things are and the curl commands that show stickiness.
pub fn instructions(
    proxy: SocketAddr,
    backends: &[SocketAddr],
    dashboard: Option<SocketAddr>,
) -> String {
    let url = format!("http://{proxy}/");
    let host = "-H 'Host: whoami.localhost'";
    let mut out = format!("limpet demo: sticky sessions across two backends\n\n  proxy     {url}  (router Host(`whoami.localhost`), cookie STICKY_SESSION)\n");
    for (i, backend) in backends.iter().enumerate() {
        out.push_str(&format!("  backend   whoami-{} http://{backend}\n", i + 1));
    }
    if let Some(dashboard) = dashboard {
        out.push_str(&format!("  dashboard http://{dashboard}/dashboard/  (where sessions are pinned, every sticky decision; API under /api/)\n"));
    }
    let first = backends
        .first()
        .map(ToString::to_string)
        .unwrap_or_default();
    out.push_str(&format!(
        "\n1. A new client gets a Set-Cookie pinning it to one backend:\n   curl -si {host} {url} | grep -iE 'set-cookie|x-served-by'\n\
         \n2. Sending the cookie back keeps the same backend, with no new Set-Cookie:\n   curl -s -c /tmp/limpet-demo.jar -o /dev/null {host} {url}\n   for i in 1 2 3 4 5; do curl -s -b /tmp/limpet-demo.jar -D - -o /dev/null {host} {url} | grep -iE 'set-cookie|x-served-by'; done\n\
         \n3. Without a cookie, requests alternate between the backends:\n   for i in 1 2 3 4; do curl -s -D - -o /dev/null {host} {url} | grep -i x-served-by; done\n\
         \n4. Fail whoami-1's health check: within 2 s its sessions move to whoami-2; healed, it takes new sessions again:\n   curl -s -X POST -d 503 http://{first}/health    # and -d 200 to heal it\n\
         \nPress Ctrl-C to stop.\n"
    ));
    out
}
