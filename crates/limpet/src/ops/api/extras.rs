//! limpet's own endpoints, which Traefik clients never call:
//!
//! - `GET /api/limpet/services[/{name}]`: per load balancer, the sticky cookie, outcome counts
//!   and, per server, health, drain state (sessions still seen, drained at) and the estimate
//!   of pinned sessions;
//! - `GET /api/limpet/decisions`: recent notable sticky decisions (re-pins, new pins…);
//! - `GET /api/limpet/findings`: every problem with its code and fix;
//! - `GET /api/limpet/tls`: certificates in service, TLS options, TLS problems;
//! - `PUT /api/limpet/services/{name}/drain` `{"server": URL or id, "draining": bool}`.

use std::collections::BTreeMap;

use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use hyper::body::Incoming;
use limpet_config::model::{LoadBalancerModel, ServiceKind};
use serde::{Deserialize, Serialize};

use super::{empty, error, json};
use crate::data::proxy::ConnInfo;
use crate::data::responses::{self, ProxyBody};
use crate::data::service::ServerState;
use crate::data::snapshot::RuntimeSnapshot;
use crate::ops::accesslog::rfc3339_nanos;
use crate::ops::internal::View;

mod findings;
mod tls;

pub use findings::{findings, FindingView, FixView};

/// One load balancer as limpet sees it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceStateView {
    pub name: String,
    /// Cookie name when the service is sticky.
    pub sticky_cookie: Option<String>,
    /// Sticky outcome → count since start (sticky services only).
    #[serde(serialize_with = "as_map")]
    pub outcomes: Vec<(&'static str, u64)>,
    pub servers: Vec<ServerStateView>,
}

/// One server: health, drain and pinned sessions.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerStateView {
    pub url: String,
    pub id: Option<String>,
    pub weight: i64,
    /// `UP` or `DOWN`.
    pub status: &'static str,
    pub draining: bool,
    /// Distinct sessions seen while draining (within `drainIdle`).
    pub sessions_seen: Option<usize>,
    pub drain_started: Option<String>,
    pub drained: Option<String>,
    /// Estimated distinct clients pinned here recently.
    pub pinned_sessions: u64,
}

fn as_map<S: serde::Serializer>(outcomes: &[(&'static str, u64)], s: S) -> Result<S::Ok, S::Error> {
    let map: BTreeMap<&str, u64> = outcomes.iter().copied().collect();
    map.serialize(s)
}

/// Every load balancer of `snapshot`, by name.
pub fn server_states(shared: &View<'_>, snapshot: &RuntimeSnapshot) -> Vec<ServiceStateView> {
    let index = shared.recorder.index();
    snapshot
        .model
        .services
        .iter()
        .filter_map(|(name, service)| {
            let ServiceKind::LoadBalancer(lb) = &service.kind else {
                return None;
            };
            let observed = index.service(name);
            let outcomes = observed
                .map(|(stats, _)| stats.outcomes().collect())
                .unwrap_or_default();
            let pinned = |url: &str| {
                observed
                    .and_then(|(_, servers)| servers.iter().find(|s| &*s.url == url))
                    .map_or(0, |s| s.pinned.estimate())
            };
            let servers = lb
                .servers
                .iter()
                .map(|server| {
                    let identity = server.id.as_deref().unwrap_or(&server.url);
                    let state = shared.servers.get(name, identity);
                    let configured = server.draining || server.weight == 0;
                    server_view(server, state.as_deref(), configured, pinned(&server.url))
                })
                .collect();
            Some(ServiceStateView {
                name: name.clone(),
                sticky_cookie: lb.sticky.as_ref().map(|s| s.cookie.name.clone()),
                outcomes: if lb.sticky.is_some() {
                    outcomes
                } else {
                    Vec::new()
                },
                servers,
            })
        })
        .collect()
}

fn server_view(
    server: &limpet_config::model::ServerModel,
    state: Option<&ServerState>,
    configured_draining: bool,
    pinned_sessions: u64,
) -> ServerStateView {
    let drain = state.and_then(|s| s.drain.status());
    ServerStateView {
        url: server.url.clone(),
        id: server.id.clone(),
        weight: server.weight,
        status: if state.is_none_or(ServerState::is_up) {
            "UP"
        } else {
            "DOWN"
        },
        draining: configured_draining || state.is_some_and(ServerState::drain_override),
        sessions_seen: drain.as_ref().map(|d| d.sessions_seen),
        drain_started: drain.as_ref().map(|d| rfc3339_nanos(d.started_at)),
        drained: drain.and_then(|d| d.drained_at).map(rfc3339_nanos),
        pinned_sessions,
    }
}

/// `GET /api/limpet/…`.
pub fn get(shared: &View<'_>, snapshot: &RuntimeSnapshot, path: &[&str]) -> Response<ProxyBody> {
    match path {
        ["services"] => json(&server_states(shared, snapshot)),
        ["services", name] => match server_states(shared, snapshot)
            .into_iter()
            .find(|s| s.name == *name)
        {
            Some(view) => json(&view),
            None => error(StatusCode::NOT_FOUND, &format!("service not found: {name}")),
        },
        ["decisions"] => json(&decision_views(shared)),
        ["findings"] => json(&findings(&snapshot.model)),
        ["tls"] => json(&tls::tls(snapshot)),
        _ => responses::not_found(),
    }
}

/// Body of `PUT /api/limpet/services/{name}/drain`.
#[derive(Debug, Deserialize)]
struct DrainRequest {
    /// The server's URL as written, or its `id`.
    server: String,
    draining: bool,
}

/// `PUT`: only the drain endpoint, only with `api.allowWrites` on the API's entrypoint.
pub async fn write(
    shared: &View<'_>,
    conn: &ConnInfo,
    path: &[&str],
    req: Request<Incoming>,
) -> Response<ProxyBody> {
    let ["limpet", "services", service, "drain"] = path else {
        return empty(StatusCode::METHOD_NOT_ALLOWED);
    };
    if !super::writes_allowed(shared, conn) {
        return empty(StatusCode::METHOD_NOT_ALLOWED);
    }
    let Ok(body) = req.into_body().collect().await.map(|b| b.to_bytes()) else {
        return error(StatusCode::BAD_REQUEST, "cannot read the request body");
    };
    let request: DrainRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) => return error(StatusCode::BAD_REQUEST, &format!("invalid request: {e}")),
    };
    let snapshot = shared.snapshot.load_full();
    match set_draining(shared, &snapshot, service, &request) {
        Ok(()) => get(shared, &snapshot, &["services", service]),
        Err(message) => error(StatusCode::NOT_FOUND, &message),
    }
}

/// Turns the runtime drain of one server on or off (the configuration's `draining` stays).
fn set_draining(
    shared: &View<'_>,
    snapshot: &RuntimeSnapshot,
    service: &str,
    request: &DrainRequest,
) -> Result<(), String> {
    let lb = load_balancer(snapshot, service).ok_or(format!("service not found: {service}"))?;
    let server = lb
        .servers
        .iter()
        .find(|s| s.url == request.server || s.id.as_deref() == Some(&request.server))
        .ok_or(format!("server not found: {}", request.server))?;
    let identity = server.id.as_deref().unwrap_or(&server.url);
    let state = shared
        .servers
        .get(service, identity)
        .ok_or(format!("server not in service yet: {}", request.server))?;
    state.set_drain_override(request.draining);
    if request.draining {
        state.drain.start(lb.drain_idle, lb.drain_timeout);
    } else if !(server.draining || server.weight == 0) {
        state.drain.stop();
    }
    tracing::info!(service, server = %server.url, draining = request.draining, "drain changed through the API");
    Ok(())
}

fn load_balancer<'s>(
    snapshot: &'s RuntimeSnapshot,
    service: &str,
) -> Option<&'s LoadBalancerModel> {
    match &snapshot.model.services.get(service)?.kind {
        ServiceKind::LoadBalancer(lb) => Some(lb),
        _ => None,
    }
}

/// A notable sticky decision as `/api/limpet/decisions` shows it.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DecisionView {
    at: String,
    service: String,
    server: String,
    outcome: &'static str,
    client: std::net::IpAddr,
}

fn decision_views(shared: &View<'_>) -> Vec<DecisionView> {
    let recent = shared.recorder.recent_decisions();
    recent
        .into_iter()
        .map(|event| DecisionView {
            at: rfc3339_nanos(event.at),
            service: event.service.to_string(),
            server: event.server.to_string(),
            outcome: event.outcome.as_str(),
            client: event.client,
        })
        .collect()
}
