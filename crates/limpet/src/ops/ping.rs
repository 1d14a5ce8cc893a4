//! `ping@internal`: `200 OK` while serving, `terminatingStatusCode` once shutdown began
//! (Traefik's `pkg/ping`: any method, the status text as body, no Content-Type).

use bytes::Bytes;
use http::{Request, Response, StatusCode};

use crate::data::responses::{self, ProxyBody};
use crate::ops::internal::Internals;

/// Answers `/ping`.
pub fn handle<B>(internals: &Internals, _req: &Request<B>) -> Response<ProxyBody> {
    let status = if internals.is_terminating() {
        terminating_status(internals)
    } else {
        StatusCode::OK
    };
    let text = status.canonical_reason().unwrap_or("");
    responses::plain(status, Bytes::from_static(text.as_bytes()))
}

/// `ping.terminatingStatusCode` (503 by default; an invalid code falls back to 503).
fn terminating_status(internals: &Internals) -> StatusCode {
    let code = internals
        .ping
        .as_ref()
        .map_or(503, |p| p.terminating_status_code);
    u16::try_from(code)
        .ok()
        .and_then(|c| StatusCode::from_u16(c).ok())
        .unwrap_or(StatusCode::SERVICE_UNAVAILABLE)
}
