//! `limpet demo`: two whoami backends and a sticky service in front of them, no setup needed.

use std::net::SocketAddr;
use std::path::Path;

use limpet_config::dynamic::Configuration;
use limpet_config::static_config::{EntryPoint, StaticConfig};
use tokio::net::TcpListener;

use crate::app::{self, RunningApp};
use crate::provider::memory::MemoryProvider;

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
        .map(|addr| format!("          - url: \"http://{addr}\"\n"))
        .collect();
    format!(
        "http:\n  routers:\n    whoami:\n      rule: \"Host(`whoami.localhost`)\"\n      service: whoami\n  services:\n    whoami:\n      loadBalancer:\n        sticky:\n          cookie:\n            name: STICKY_SESSION\n            httpOnly: true\n        servers:\n{servers}"
    )
}

/// Starts the backends and the proxy on `address`; returns the running proxy.
pub async fn start(address: SocketAddr) -> Result<(RunningApp, Vec<SocketAddr>), DemoError> {
    let mut backends = Vec::new();
    for name in ["whoami-1", "whoami-2"] {
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(DemoError::Backend)?;
        backends.push(listener.local_addr().map_err(DemoError::Backend)?);
        tokio::spawn(crate::whoami::serve(listener, name.to_owned()));
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
    let provider = MemoryProvider::new("demo", dynamic);
    let app = app::start(&static_config, vec![Box::new(provider)]).await?;
    Ok((app, backends))
}

fn decode_yaml(yaml: &str) -> Result<Configuration, DemoError> {
    limpet_config::decode::decode_file(Path::new("demo.yml"), yaml.as_bytes())
        .map_err(|e| DemoError::Config(e.to_string()))
}

/// What the demo prints: where things are and the curl commands that show stickiness.
pub fn instructions(proxy: SocketAddr, backends: &[SocketAddr]) -> String {
    let url = format!("http://{proxy}/");
    let host = "-H 'Host: whoami.localhost'";
    let mut out = format!("limpet demo: sticky sessions across two backends\n\n  proxy     {url}  (router Host(`whoami.localhost`), cookie STICKY_SESSION)\n");
    for (i, backend) in backends.iter().enumerate() {
        out.push_str(&format!("  backend   whoami-{} http://{backend}\n", i + 1));
    }
    out.push_str(&format!(
        "\n1. A new client gets a Set-Cookie pinning it to one backend:\n   curl -si {host} {url} | grep -iE 'set-cookie|x-served-by'\n\
         \n2. Sending the cookie back keeps the same backend, with no new Set-Cookie:\n   curl -s -c /tmp/limpet-demo.jar -o /dev/null {host} {url}\n   for i in 1 2 3 4 5; do curl -s -b /tmp/limpet-demo.jar -D - -o /dev/null {host} {url} | grep -iE 'set-cookie|x-served-by'; done\n\
         \n3. Without a cookie, requests alternate between the backends:\n   for i in 1 2 3 4; do curl -s -D - -o /dev/null {host} {url} | grep -i x-served-by; done\n\
         \nPress Ctrl-C to stop.\n"
    ));
    out
}
