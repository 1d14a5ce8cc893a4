//! Test support for the API, dashboard, access log, metrics and ping: limpet with a `web`
//! and a `traefik` entrypoint on 127.0.0.1:0 and extra static configuration.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::PathBuf;

use limpet::control::app::RunningApp;

/// A running limpet with its two entrypoints.
pub struct Observed {
    pub app: RunningApp,
    pub dir: tempfile::TempDir,
    pub dynamic: PathBuf,
    pub web: SocketAddr,
    pub api: SocketAddr,
}

impl Observed {
    /// Starts with `dynamic_yaml` and `extra_static` (top-level keys besides `entryPoints`
    /// and `providers`), waits for the first configuration.
    pub async fn start(dynamic_yaml: &str, extra_static: &str) -> Observed {
        Self::start_with_entry_points(dynamic_yaml, extra_static, "").await
    }

    /// Same, with extra YAML under `entryPoints.traefik` (indented by 4).
    pub async fn start_with_entry_points(
        dynamic_yaml: &str,
        extra_static: &str,
        traefik_extra: &str,
    ) -> Observed {
        let (app, dir, dynamic) = crate::support::start_app(dynamic_yaml, |dynamic| {
            format!(
                "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n  traefik:\n    address: \"127.0.0.1:0\"\n{traefik_extra}providers:\n  providersThrottleDuration: 50ms\n  file:\n    filename: {}\n{extra_static}",
                dynamic.display()
            )
        })
        .await;
        let (web, api) = (app.address("web").unwrap(), app.address("traefik").unwrap());
        Observed {
            app,
            dir,
            dynamic,
            web,
            api,
        }
    }

    pub fn api_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.api)
    }

    pub fn web_url(&self, path: &str) -> String {
        format!("http://{}{path}", self.web)
    }
}
