//! Test support for the API, dashboard, access log, metrics and ping: limpet with a `web`
//! and a `traefik` entrypoint on 127.0.0.1:0 and extra static configuration.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use limpet::app::{self, RunningApp};

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
        let dir = tempfile::tempdir().unwrap();
        let dynamic = dir.path().join("dynamic.yml");
        std::fs::write(&dynamic, dynamic_yaml).unwrap();
        let static_path = dir.path().join("limpet.yml");
        let static_yaml = format!(
            "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\n  traefik:\n    address: \"127.0.0.1:0\"\n{traefik_extra}providers:\n  providersThrottleDuration: 50ms\n  file:\n    filename: {}\n{extra_static}",
            dynamic.display()
        );
        std::fs::write(&static_path, static_yaml).unwrap();
        let (config, warnings) = limpet_config::static_config::load_static(&static_path).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let mut app = app::start(&config, Vec::new()).await.unwrap();
        tokio::time::timeout(Duration::from_secs(5), app.wait_for_generation(1))
            .await
            .unwrap();
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
