//! `mirroring` and `failover` services (docs/traefik.md#composite-services).
//!
//! Mirroring sends copies of a share of the requests to other services and discards their
//! answers, in tasks of their own so they never slow the main response. Failover sends to the
//! fallback when the main service has no available server, or (with `errors.status`) when the
//! main service answers one of those statuses.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Either, Full, Limited};
use limpet_config::model::{FailoverModel, MirroringModel};

use super::serve::{boxed, Exchange};
use super::{Decision, Service};
use crate::data::proxy::RequestBody;
use crate::data::responses::{self, ProxyBody};

/// One mirror and its sampling counter.
#[derive(Debug)]
struct Mirror {
    service: Arc<Service>,
    percent: u64,
    seen: AtomicU64,
}

impl Mirror {
    /// Whether this request is copied: exactly `percent` of every 100, spread evenly.
    fn fires(&self) -> bool {
        let n = self.seen.fetch_add(1, Ordering::Relaxed);
        (n + 1) * self.percent / 100 > n * self.percent / 100
    }
}

/// A built `mirroring` service.
#[derive(Debug)]
pub struct Mirroring {
    pub main: Arc<Service>,
    mirrors: Vec<Mirror>,
    mirror_body: bool,
    max_body_size: Option<u64>,
}

impl Mirroring {
    pub fn new(
        model: &MirroringModel,
        main: Arc<Service>,
        mirrors: Vec<Arc<Service>>,
    ) -> Mirroring {
        let mirrors = model
            .mirrors
            .iter()
            .zip(mirrors)
            .map(|(m, service)| Mirror {
                service,
                percent: u64::from(m.percent),
                seen: AtomicU64::new(0),
            })
            .collect();
        Mirroring {
            main,
            mirrors,
            mirror_body: model.mirror_body,
            max_body_size: model.max_body_size,
        }
    }

    pub async fn serve(
        &self,
        req: Request<RequestBody>,
        exchange: Exchange<'_>,
        decision: &mut Decision,
    ) -> Response<ProxyBody> {
        let targets: Vec<Arc<Service>> = self
            .mirrors
            .iter()
            .filter(|m| m.fires())
            .map(|m| m.service.clone())
            .collect();
        if targets.is_empty() {
            return boxed(&self.main, req, exchange, decision).await;
        }
        let req = if self.mirror_body {
            match buffer(req, self.max_body_size).await {
                Ok(req) => req,
                Err(response) => return response,
            }
        } else {
            req
        };
        for target in targets {
            spawn_mirror(target, copy_of(&req, self.mirror_body), exchange);
        }
        boxed(&self.main, req, exchange, decision).await
    }
}

/// Sends a copy to `service` in its own task and drops the answer.
fn spawn_mirror(service: Arc<Service>, copy: Request<RequestBody>, exchange: Exchange<'_>) {
    let (upstream, conn) = (exchange.upstream.clone(), exchange.conn.clone());
    tokio::spawn(async move {
        let exchange = Exchange {
            upstream: &upstream,
            conn: &conn,
        };
        let response = boxed(&service, copy, exchange, &mut Decision::default()).await;
        let _ = response.into_body().collect().await;
    });
}

/// A built `failover` service.
#[derive(Debug)]
pub struct Failover {
    pub main: Arc<Service>,
    pub fallback: Arc<Service>,
    error_status: Vec<(u16, u16)>,
    max_request_body_bytes: Option<u64>,
}

impl Failover {
    pub fn new(model: &FailoverModel, main: Arc<Service>, fallback: Arc<Service>) -> Failover {
        Failover {
            main,
            fallback,
            error_status: model.error_status.clone(),
            max_request_body_bytes: model.max_request_body_bytes,
        }
    }

    pub async fn serve(
        &self,
        req: Request<RequestBody>,
        exchange: Exchange<'_>,
        decision: &mut Decision,
    ) -> Response<ProxyBody> {
        if !self.main.has_available() {
            return boxed(&self.fallback, req, exchange, decision).await;
        }
        if self.error_status.is_empty() {
            return boxed(&self.main, req, exchange, decision).await;
        }
        let req = match buffer(req, self.max_request_body_bytes).await {
            Ok(req) => req,
            Err(response) => return response,
        };
        let retry = copy_of(&req, true);
        let response = boxed(&self.main, req, exchange, decision).await;
        if !self.is_error(response.status()) {
            return response;
        }
        *decision = Decision::default();
        boxed(&self.fallback, retry, exchange, decision).await
    }

    fn is_error(&self, status: StatusCode) -> bool {
        let code = status.as_u16();
        self.error_status
            .iter()
            .any(|(low, high)| (*low..=*high).contains(&code))
    }
}

/// Reads the whole body (up to `limit` bytes) so the request can be sent more than once.
async fn buffer(
    req: Request<RequestBody>,
    limit: Option<u64>,
) -> Result<Request<RequestBody>, Response<ProxyBody>> {
    let (parts, body) = req.into_parts();
    let limit = limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(Request::from_parts(
            parts,
            Either::Right(Full::new(collected.to_bytes())),
        )),
        Err(error)
            if error
                .downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            Err(too_large())
        }
        Err(_) => Err(responses::bad_request()),
    }
}

fn too_large() -> Response<ProxyBody> {
    responses::go_http_error(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large\n")
}

/// A copy of a buffered request (an empty body when `with_body` is false or nothing was
/// buffered).
fn copy_of(req: &Request<RequestBody>, with_body: bool) -> Request<RequestBody> {
    let body = match (with_body, req.body()) {
        (true, Either::Right(full)) => full.clone(),
        _ => Full::new(Bytes::new()),
    };
    let mut copy = Request::new(Either::Right(body));
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.version_mut() = req.version();
    *copy.headers_mut() = req.headers().clone();
    if !with_body {
        copy.headers_mut().remove(http::header::CONTENT_LENGTH);
        copy.headers_mut().remove(http::header::TRANSFER_ENCODING);
    }
    copy
}
