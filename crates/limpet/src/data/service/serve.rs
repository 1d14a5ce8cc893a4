//! Serving a request through a service tree: pick, forward, record passive health and
//! response times, send a request that never reached its server to another one; weighted,
//! mirroring and failover services recurse.

use std::future::Future;
use std::pin::Pin;

use http::{Request, Response};
use tokio::time::Instant;

use super::{Decision, LoadBalancer, RequestHead, Selected, Service};
use crate::data::proxy::{strip_cookie, ClientFault, ConnInfo, Forwarded, RequestBody, Upstream};
use crate::data::responses::{self, ProxyBody};

/// What forwarding needs besides the request.
#[derive(Clone, Copy)]
pub struct Exchange<'a> {
    pub upstream: &'a Upstream,
    pub conn: &'a ConnInfo,
}

/// A boxed response future (service trees recurse).
pub type ResponseFuture<'a> = Pin<Box<dyn Future<Output = Response<ProxyBody>> + Send + 'a>>;

/// Serves `req` with `service`, recording what was decided in `decision`.
pub async fn serve(
    service: &Service,
    req: Request<RequestBody>,
    exchange: Exchange<'_>,
    decision: &mut Decision,
) -> Response<ProxyBody> {
    match service {
        Service::LoadBalancer(lb) => serve_load_balancer(lb, req, exchange, decision).await,
        Service::Weighted(weighted) => {
            let head = request_head(&req, exchange.conn);
            let Some(child) = weighted.pick(&head, decision).cloned() else {
                return responses::no_available_server();
            };
            boxed(&child, req, exchange, decision).await
        }
        Service::Mirroring(mirroring) => Box::pin(mirroring.serve(req, exchange, decision)).await,
        Service::Failover(failover) => Box::pin(failover.serve(req, exchange, decision)).await,
        // Entrypoints answer internal services before this; below a weighted parent they
        // cannot be served.
        Service::Internal(_) => responses::no_available_server(),
    }
}

/// [`serve`], boxed, for recursion.
pub fn boxed<'a>(
    service: &'a Service,
    req: Request<RequestBody>,
    exchange: Exchange<'a>,
    decision: &'a mut Decision,
) -> ResponseFuture<'a> {
    Box::pin(serve(service, req, exchange, decision))
}

fn request_head<'r>(req: &'r Request<RequestBody>, conn: &ConnInfo) -> RequestHead<'r> {
    RequestHead {
        headers: req.headers(),
        client_ip: conn.peer.ip(),
        tried: &[],
    }
}

/// Picks a server and forwards; a request that never reached its server (refused, or its
/// connection died before the request was written) is sent to another one at once — the
/// session re-pinned there — and that server marked down. Each server is tried once.
async fn serve_load_balancer(
    lb: &LoadBalancer,
    mut req: Request<RequestBody>,
    exchange: Exchange<'_>,
    decision: &mut Decision,
) -> Response<ProxyBody> {
    let parent_headers = decision.headers.len();
    let mut tried: Vec<&str> = Vec::new();
    // The answer and affinity headers of the last server that could not be reached.
    let mut unanswered = None;
    loop {
        let head = RequestHead {
            tried: &tried,
            ..request_head(&req, exchange.conn)
        };
        let Some(selected) = lb.select(&head, decision) else {
            let Some((failure, headers)) = unanswered else {
                return responses::no_available_server();
            };
            // Nowhere else to go: the failure is the answer, with its Set-Cookie (as Traefik).
            decision.headers.extend(headers);
            return failure;
        };
        match forward_to(selected, req, exchange, decision).await {
            Forwarded::Answered(response) => return response,
            Forwarded::NotSent { req: back, failure } => {
                selected.server.record_unreachable();
                tried.push(&selected.server.identity);
                let headers = decision.headers.split_off(parent_headers);
                (req, unanswered) = (*back, Some((failure, headers)));
            }
        }
    }
}

/// Forwards to the selected server, recording load, response time and passive health.
async fn forward_to(
    selected: Selected<'_>,
    mut req: Request<RequestBody>,
    exchange: Exchange<'_>,
    decision: &mut Decision,
) -> Forwarded {
    if let Some(name) = selected.strip_cookie {
        strip_cookie(req.headers_mut(), name);
    }
    let server = selected.server;
    decision.server_url = Some(server.url.clone());
    let _in_flight = server.state.start_request();
    let started = Instant::now();
    let forwarded = exchange
        .upstream
        .forward(req, &server.dest, selected.pass_host_header, exchange.conn)
        .await;
    if let Forwarded::Answered(response) = &forwarded {
        server.state.record_ttfb(started.elapsed());
        if response.extensions().get::<ClientFault>().is_none() {
            server.record_outcome(response.status().is_server_error());
        }
    }
    forwarded
}
