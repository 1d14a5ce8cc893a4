//! Entrypoints: listeners bound once, connections (`connection`: plain or TLS, HTTP/1.1 or
//! HTTP/2), and the per-request path.
//!
//! Per request: load the current snapshot once, find the route through the host index of
//! the plain-HTTP or the TLS routes (a `Host` whose TLS options differ from the SNI's is
//! misdirected: 421), let the service pick a server (and any affinity cookie), forward, and put limpet's
//! `Set-Cookie` headers before the server's. A head hyper parsed but RFC 9112 forbids is
//! refused first (`strict`), as Go's server refuses it.

mod clock;
mod connection;
mod strict;
mod timed_stream;

pub use clock::{ConnClock, Timeouts};

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use http::header::{HOST, SET_COOKIE};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::Either;
use hyper::body::Incoming;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};

use crate::data::observer::{self, Facts, ObservedBody, Rejection};
use crate::data::proxy::{ClientBody, ClientFault, ConnInfo, ForwardedTrust};
use crate::data::responses::{self, ProxyBody};
use crate::data::service::{AffinityHeaders, Decision, Exchange};
use crate::data::snapshot::RuntimeSnapshot;
use crate::state::Shared;

/// One bound entrypoint.
pub struct EntryPoint {
    pub name: Arc<str>,
    /// Position of this entrypoint's route table in every snapshot.
    pub index: usize,
    pub listener: TcpListener,
    /// Who may send `X-Forwarded-*` headers.
    pub trust: ForwardedTrust,
    /// `http.sanitizePath` (default true).
    pub sanitize_path: bool,
    /// `transport.respondingTimeouts`.
    pub timeouts: Timeouts,
    /// `http.maxHeaderBytes` (Go's default 1 MiB when zero or less).
    pub max_header_bytes: i64,
    /// `http2.maxConcurrentStreams` (default 250).
    pub max_concurrent_streams: u32,
}

/// Go's default `MaxHeaderBytes`.
const DEFAULT_MAX_HEADER_BYTES: usize = 1 << 20;

/// The largest request head accepted: `maxHeaderBytes` plus the 4096 bytes of slack Go's
/// reader allows.
fn head_limit(max_header_bytes: i64) -> usize {
    let max = usize::try_from(max_header_bytes)
        .ok()
        .filter(|&max| max > 0)
        .unwrap_or(DEFAULT_MAX_HEADER_BYTES);
    max.saturating_add(4096)
}

/// Parses Traefik's entrypoint address (`:80`, `127.0.0.1:8080`, `[::1]:80`, `:80/tcp`).
pub fn parse_address(address: &str) -> Option<SocketAddr> {
    let address = address.strip_suffix("/tcp").unwrap_or(address);
    if let Some(port) = address.strip_prefix(':') {
        return Some(SocketAddr::new(
            IpAddr::from([0, 0, 0, 0]),
            port.parse().ok()?,
        ));
    }
    address.parse().ok()
}

/// Accepts connections until `shutdown` turns true, then lets open ones finish (up to `grace`).
pub async fn serve(
    ep: EntryPoint,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
    grace: Duration,
) {
    // Every connection task holds a clone of `open`; `recv` returns once all are gone.
    let (open, mut all_closed) = mpsc::channel::<()>(1);
    let mut stop = shutdown.clone();
    loop {
        tokio::select! {
            accepted = ep.listener.accept() => match accepted {
                Ok((stream, peer)) => spawn_connection(&ep, &shared, (&shutdown, &open), stream, peer),
                Err(error) => tracing::warn!(entryPoint = %ep.name, %error, "accept failed"),
            },
            () = stopped(&mut stop) => break,
        }
    }
    drop((ep.listener, open));
    let _ = tokio::time::timeout(grace, all_closed.recv()).await;
}

fn spawn_connection(
    ep: &EntryPoint,
    shared: &Arc<Shared>,
    (shutdown, open): (&watch::Receiver<bool>, &mpsc::Sender<()>),
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
) {
    let _ = stream.set_nodelay(true);
    let conn = connection::Conn {
        shared: shared.clone(),
        index: ep.index,
        info: connection_info(ep, peer, Arc::new(ConnClock::new(ep.timeouts))),
        head_limit: head_limit(ep.max_header_bytes),
        max_concurrent_streams: ep.max_concurrent_streams,
    };
    let counted = shared.sink.connection(&ep.name);
    let (shutdown, open) = (shutdown.clone(), open.clone());
    tokio::spawn(async move {
        let _counted = counted;
        connection::serve(stream, conn, shutdown).await;
        drop(open);
    });
}

fn connection_info(ep: &EntryPoint, peer: SocketAddr, clock: Arc<ConnClock>) -> ConnInfo {
    ConnInfo {
        peer,
        entry_point: ep.name.clone(),
        tls: false,
        server_name: None,
        trusted: ep.trust.trusts(peer.ip()),
        append_forwarded_for: ep.trust.append_forwarded_for,
        sanitize_path: ep.sanitize_path,
        clock,
    }
}

/// Resolves once `shutdown` turns true (or its sender is gone).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

/// Routes and forwards one request; metrics and the access log see it when its body ends.
pub async fn handle(
    shared: &Shared,
    index: usize,
    conn: &ConnInfo,
    req: Request<Incoming>,
) -> Response<ObservedBody> {
    conn.clock
        .head_read(hyper::body::Body::is_end_stream(req.body()));
    let mut response = respond(shared, index, conn, req).await;
    if response.status() == http::StatusCode::SWITCHING_PROTOCOLS {
        conn.clock.upgraded();
    }
    response.body_mut().on_end(conn.clock.clone());
    response
}

async fn respond(
    shared: &Shared,
    index: usize,
    conn: &ConnInfo,
    mut req: Request<Incoming>,
) -> Response<ObservedBody> {
    if let Err(rejection) = strict::check(&mut req) {
        report(&shared.sink, &conn.entry_point, conn.peer, rejection);
        return strict::answer(rejection).map(ObservedBody::plain);
    }
    if conn.sanitize_path {
        if let Some(clean) = crate::data::sanitize::sanitized_uri(req.uri()) {
            *req.uri_mut() = clean;
        }
    }
    let exchange = shared.sink.start(conn, &req);
    let mut facts = Facts::default();
    let response = route(shared, index, conn, req, &mut facts).await;
    if let Some(ClientFault::Rejected(rejection)) = response.extensions().get() {
        report(&shared.sink, &conn.entry_point, conn.peer, *rejection);
    }
    observer::finish(exchange, response, facts)
}

/// A request refused as malformed: logged at DEBUG with its reason, and counted.
fn report(
    sink: &Arc<dyn observer::ExchangeSink>,
    entry_point: &str,
    peer: SocketAddr,
    rejection: Rejection,
) {
    tracing::debug!(entryPoint = %entry_point, %peer, reason = rejection.as_str(), "request rejected");
    sink.rejected(entry_point, rejection);
}

/// The rejection behind a connection error, when hyper refused the request head itself
/// (it has answered 400 or 431 already).
fn head_rejection(error: &hyper::Error) -> Option<Rejection> {
    if error.is_parse_too_large() {
        Some(Rejection::HeaderTooLarge)
    } else if error.is_parse() {
        Some(Rejection::Malformed)
    } else {
        None
    }
}

async fn route(
    shared: &Shared,
    index: usize,
    conn: &ConnInfo,
    req: Request<Incoming>,
    facts: &mut Facts,
) -> Response<ProxyBody> {
    let snapshot = shared.snapshot.load_full();
    let host = request_host(&req)
        .map(limpet_rule::canonical_host)
        .unwrap_or_default();
    if conn.tls
        && snapshot
            .tls
            .misdirected(index, conn.server_name.as_deref(), &host)
    {
        return responses::go_http_error(StatusCode::MISDIRECTED_REQUEST, "Misdirected Request\n");
    }
    let Some(route) = find_route(&snapshot, index, conn, &req, &host) else {
        return responses::not_found();
    };
    facts.router = Some(route.name.clone());
    if let crate::data::service::Service::Internal(kind) = &*route.service {
        facts.internal = true;
        return shared.internal.serve(shared, *kind, conn, req).await;
    }
    let client = (
        conn.peer.ip(),
        req.headers().get(http::header::USER_AGENT).cloned(),
    );
    let mut decision = Decision::default();
    let sent = std::time::Instant::now();
    let exchange = Exchange {
        upstream: &shared.upstream,
        conn,
    };
    let response = crate::data::service::serve(
        &route.service,
        req.map(|body| Either::Left(ClientBody::new(body, Some(conn.clock.clone())))),
        exchange,
        &mut decision,
    )
    .await;
    facts.outcome = decision.outcome;
    if decision.server_url.is_some() {
        facts.origin_duration = Some(sent.elapsed());
        facts.server = shared.recorder.on_decision(&decision, &client);
    }
    with_affinity(response, decision.headers)
}

fn find_route<'s>(
    snapshot: &'s RuntimeSnapshot,
    index: usize,
    conn: &ConnInfo,
    req: &Request<Incoming>,
    host: &str,
) -> Option<&'s crate::data::router::Route> {
    let table = snapshot.table(index, conn.tls)?;
    let path = limpet_rule::routing_path(req.uri().path());
    let request = limpet_rule::Request {
        host,
        method: req.method(),
        path: &path,
        query: req.uri().query(),
        headers: req.headers(),
        client_ip: Some(conn.peer.ip().to_canonical()),
    };
    table.find(&request)
}

/// The request's host: the `Host` header, else the URI's authority.
fn request_host(req: &Request<Incoming>) -> Option<&str> {
    match req.headers().get(HOST) {
        Some(host) => host.to_str().ok(),
        None => req.uri().authority().map(|a| a.as_str()),
    }
}

/// Adds the affinity headers; limpet's `Set-Cookie` headers go before the server's, as in
/// Traefik.
fn with_affinity(
    mut response: Response<ProxyBody>,
    affinity: AffinityHeaders,
) -> Response<ProxyBody> {
    if affinity.is_empty() {
        return response;
    }
    let headers = response.headers_mut();
    let from_server: Vec<HeaderValue> = match headers.entry(SET_COOKIE) {
        http::header::Entry::Occupied(entry) => entry.remove_entry_mult().1.collect(),
        http::header::Entry::Vacant(_) => Vec::new(),
    };
    for (name, value) in affinity {
        if name == SET_COOKIE {
            headers.append(name, value);
        } else {
            headers.insert(name, value);
        }
    }
    for cookie in from_server {
        headers.append(SET_COOKIE, cookie);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_in_traefik_forms() {
        assert_eq!(parse_address(":80"), Some("0.0.0.0:80".parse().unwrap()));
        assert_eq!(
            parse_address(":8080/tcp"),
            Some("0.0.0.0:8080".parse().unwrap())
        );
        assert_eq!(
            parse_address("127.0.0.1:0"),
            Some("127.0.0.1:0".parse().unwrap())
        );
        assert_eq!(parse_address("[::1]:81"), Some("[::1]:81".parse().unwrap()));
        assert_eq!(parse_address("nope"), None);
    }
}
