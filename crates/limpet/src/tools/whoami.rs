//! `limpet whoami`: a tiny backend like traefik/whoami, for demos and tests.
//!
//! Answers every path with its name, hostname, address and the request it received, and
//! sets `X-Served-By: <name>` so stickiness is visible. `GET /health` answers the current
//! health status (200 at start); `POST /health` with a status code as body changes it, so a
//! health check can be failed on purpose. `?wait=<ms>` delays the answer.

use std::convert::Infallible;
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// Shared state of one whoami server.
struct Whoami {
    name: String,
    hostname: String,
    local: SocketAddr,
    health: AtomicU16,
}

/// Serves whoami on `listener` until the task is dropped.
pub async fn serve(listener: TcpListener, name: String) -> std::io::Result<()> {
    let state = Arc::new(Whoami {
        name,
        hostname: crate::data::proxy::hostname(),
        local: listener.local_addr()?,
        health: AtomicU16::new(200),
    });
    loop {
        let (stream, peer) = listener.accept().await?;
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(state.clone(), peer, req));
            let conn = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
            let _ = conn.with_upgrades().await;
        });
    }
}

async fn handle(
    state: Arc<Whoami>,
    peer: SocketAddr,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.uri().path() == "/health" {
        return Ok(health(&state, req).await);
    }
    if let Some(delay) = wait_param(req.uri().query()) {
        tokio::time::sleep(delay).await;
    }
    let body = describe(&state, peer, &req);
    Ok(answer(&state.name, StatusCode::OK, body))
}

/// `GET /health` reports, `POST /health` with a numeric body sets the health status.
async fn health(state: &Whoami, req: Request<Incoming>) -> Response<Full<Bytes>> {
    if req.method() == Method::POST {
        let body = req.into_body().collect().await.map(|b| b.to_bytes());
        let code = body
            .ok()
            .and_then(|b| std::str::from_utf8(&b).ok()?.trim().parse().ok());
        match code.and_then(|c: u16| StatusCode::from_u16(c).ok()) {
            Some(code) => state.health.store(code.as_u16(), Ordering::Relaxed),
            None => {
                return answer(
                    &state.name,
                    StatusCode::BAD_REQUEST,
                    "bad status code\n".into(),
                )
            }
        }
    }
    let code = StatusCode::from_u16(state.health.load(Ordering::Relaxed)).unwrap_or(StatusCode::OK);
    answer(&state.name, code, format!("{}\n", code.as_u16()))
}

/// The text traefik/whoami prints: who answered and the request as received.
fn describe(state: &Whoami, peer: SocketAddr, req: &Request<Incoming>) -> String {
    let mut out = String::with_capacity(512);
    let _ = writeln!(out, "Name: {}", state.name);
    let _ = writeln!(out, "Hostname: {}", state.hostname);
    let _ = writeln!(out, "IP: {}", state.local.ip());
    let _ = writeln!(out, "RemoteAddr: {peer}");
    let target = req.uri().path_and_query().map_or("/", |pq| pq.as_str());
    let _ = writeln!(out, "{} {} {:?}", req.method(), target, req.version());
    for (name, value) in req.headers() {
        let _ = writeln!(
            out,
            "{}: {}",
            title_case(name.as_str()),
            String::from_utf8_lossy(value.as_bytes())
        );
    }
    out
}

/// `x-forwarded-for` → `X-Forwarded-For`, as Go prints header names.
fn title_case(name: &str) -> String {
    let mut upper = true;
    name.chars()
        .map(|c| {
            let out = if upper { c.to_ascii_uppercase() } else { c };
            upper = c == '-';
            out
        })
        .collect()
}

/// Parses `wait=<n>ms` / `wait=<n>s` / `wait=<n>` (milliseconds) from the query.
fn wait_param(query: Option<&str>) -> Option<Duration> {
    let value = form_value(query?, "wait")?;
    if let Some(secs) = value.strip_suffix("ms") {
        return secs.parse().ok().map(Duration::from_millis);
    }
    if let Some(secs) = value.strip_suffix('s') {
        return secs.parse().ok().map(Duration::from_secs_f64);
    }
    value.parse().ok().map(Duration::from_millis)
}

fn form_value<'a>(query: &'a str, key: &str) -> Option<&'a str> {
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
}

fn answer(name: &str, status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(value) = http::HeaderValue::from_str(name) {
        response.headers_mut().insert("x-served-by", value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wait_parses_units() {
        assert_eq!(
            wait_param(Some("wait=150ms")),
            Some(Duration::from_millis(150))
        );
        assert_eq!(
            wait_param(Some("a=1&wait=2s")),
            Some(Duration::from_secs(2))
        );
        assert_eq!(wait_param(Some("wait=20")), Some(Duration::from_millis(20)));
        assert_eq!(wait_param(Some("wait=x")), None);
        assert_eq!(wait_param(None), None);
    }

    #[test]
    fn header_names_are_title_cased() {
        assert_eq!(title_case("x-forwarded-for"), "X-Forwarded-For");
        assert_eq!(title_case("host"), "Host");
    }
}
