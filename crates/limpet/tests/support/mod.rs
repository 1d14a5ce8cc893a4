//! Test support: in-process origins, limpet on port 0 with a dynamic file, an HTTP client.
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use limpet::control::app::{self, RunningApp};
use tokio::net::TcpListener;

pub mod docker_double;
pub mod docker_stack;
pub mod killable;
pub mod logs;
pub mod model;
pub mod raw;
pub mod tls;

/// A whoami origin named `name` on 127.0.0.1:port 0.
pub async fn origin(name: &str) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(limpet::tools::whoami::serve(listener, name.to_owned()));
    addr
}

/// An address where nothing listens (bound then closed).
pub async fn dead_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

/// limpet with one entrypoint `web` on 127.0.0.1:0 and a watched dynamic file.
pub struct Limpet {
    pub app: RunningApp,
    pub dir: tempfile::TempDir,
    pub dynamic: PathBuf,
    pub addr: SocketAddr,
}

/// Writes `dynamic_yaml` and the static file `static_for(dynamic file)` to a temporary
/// directory, starts limpet on them (no warnings allowed) and waits for the first generation.
pub async fn start_app(
    dynamic_yaml: &str,
    static_for: impl FnOnce(&std::path::Path) -> String,
) -> (RunningApp, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let dynamic = dir.path().join("dynamic.yml");
    std::fs::write(&dynamic, dynamic_yaml).unwrap();
    let static_path = dir.path().join("limpet.yml");
    std::fs::write(&static_path, static_for(&dynamic)).unwrap();
    let (config, warnings) = limpet_config::static_config::load_static(&static_path).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut app = app::start(&config, Vec::new()).await.unwrap();
    tokio::time::timeout(Duration::from_secs(5), app.wait_for_generation(1))
        .await
        .unwrap();
    (app, dir, dynamic)
}

impl Limpet {
    /// Starts with `dynamic_yaml` as the file provider's file and waits for it to be applied.
    pub async fn start(dynamic_yaml: &str) -> Limpet {
        Self::start_with(dynamic_yaml, "").await
    }

    /// Same, with extra static YAML appended (top-level keys).
    pub async fn start_with(dynamic_yaml: &str, extra_static: &str) -> Limpet {
        let (app, dir, dynamic) = start_app(dynamic_yaml, |dynamic| {
            format!(
                "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\nproviders:\n  providersThrottleDuration: 50ms\n  file:\n    filename: {}\n{extra_static}",
                dynamic.display()
            )
        })
        .await;
        let addr = app.address("web").unwrap();
        Limpet {
            app,
            dir,
            dynamic,
            addr,
        }
    }

    /// Rewrites the dynamic file and waits for the next generation.
    pub async fn rewrite(&mut self, dynamic_yaml: &str) {
        let next = self.app.generation() + 1;
        std::fs::write(&self.dynamic, dynamic_yaml).unwrap();
        tokio::time::timeout(Duration::from_secs(5), self.app.wait_for_generation(next))
            .await
            .unwrap();
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// A response, body read to the end.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// Every `Set-Cookie` value, in order.
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect()
    }

    /// The `name=value` part of the first Set-Cookie.
    pub fn cookie_pair(&self) -> Option<String> {
        self.set_cookies()
            .first()
            .map(|c| c.split(';').next().unwrap().to_owned())
    }

    /// The origin's `X-Served-By`, empty when absent (a 502 or 503 has none).
    pub fn served_by(&self) -> String {
        self.headers
            .get("x-served-by")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    /// The origin that answered a 200: fails on any other status or a missing name, so two
    /// failed answers never compare as "the same server".
    pub fn server(&self) -> String {
        assert_eq!(self.status, StatusCode::OK, "{self:?}");
        let name = self.served_by();
        assert!(!name.is_empty(), "no X-Served-By: {self:?}");
        name
    }
}

/// A keep-alive HTTP/1.1 client.
#[derive(Clone)]
pub struct HttpClient {
    inner: Client<HttpConnector, Full<Bytes>>,
}

impl Default for HttpClient {
    fn default() -> Self {
        HttpClient {
            inner: Client::builder(TokioExecutor::new()).build(HttpConnector::new()),
        }
    }
}

impl HttpClient {
    /// GET `url` with `Host: host` and the given `Cookie` header (if any).
    pub async fn get(&self, url: &str, host: &str, cookie: Option<&str>) -> Reply {
        let mut builder = Request::get(url).header("host", host);
        if let Some(cookie) = cookie {
            builder = builder.header("cookie", cookie);
        }
        self.send(builder.body(Full::new(Bytes::new())).unwrap())
            .await
    }

    pub async fn send(&self, req: Request<Full<Bytes>>) -> Reply {
        let response = self.inner.request(req).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }
}

impl HttpClient {
    /// GET that reports connection errors as `None` (for polling a starting server).
    pub async fn try_get(&self, url: &str, host: &str) -> Option<Reply> {
        let req = Request::get(url)
            .header("host", host)
            .body(Full::new(Bytes::new()))
            .unwrap();
        let response = self.inner.request(req).await.ok()?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.ok()?.to_bytes();
        Some(Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}
