//! The answers limpet writes itself, byte-compatible with Traefik's (Go's `http.Error`).

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use http::{Response, StatusCode};
use http_body_util::{Either, Full};

/// Body of every response limpet sends: streamed from upstream, or written by limpet.
pub type ProxyBody = Either<crate::data::proxy::UpstreamBody, Full<Bytes>>;

const TEXT_PLAIN: HeaderValue = HeaderValue::from_static("text/plain; charset=utf-8");

/// `404 page not found` as Go's `http.NotFound`.
pub fn not_found() -> Response<ProxyBody> {
    go_http_error(StatusCode::NOT_FOUND, "404 page not found\n")
}

/// `503 no available server` as Traefik's balancers answer when nothing is up.
pub fn no_available_server() -> Response<ProxyBody> {
    go_http_error(StatusCode::SERVICE_UNAVAILABLE, "no available server\n")
}

/// `502 Bad Gateway`: Traefik writes the status text alone, without a Content-Type.
pub fn bad_gateway() -> Response<ProxyBody> {
    plain(StatusCode::BAD_GATEWAY, Bytes::from_static(b"Bad Gateway"))
}

/// `500 Internal Server Error` (a TLS failure towards a server), written like `bad_gateway`.
pub fn internal_server_error() -> Response<ProxyBody> {
    plain(
        StatusCode::INTERNAL_SERVER_ERROR,
        Bytes::from_static(b"Internal Server Error"),
    )
}

/// `504 Gateway Timeout`, written like `bad_gateway`.
pub fn gateway_timeout() -> Response<ProxyBody> {
    plain(
        StatusCode::GATEWAY_TIMEOUT,
        Bytes::from_static(b"Gateway Timeout"),
    )
}

/// `400 Bad Request` for requests limpet cannot route at all (no usable host or path).
pub fn bad_request() -> Response<ProxyBody> {
    go_http_error(StatusCode::BAD_REQUEST, "400 Bad Request\n")
}

/// A text/plain answer with Go's `http.Error` headers.
pub fn go_http_error(status: StatusCode, body: &'static str) -> Response<ProxyBody> {
    let mut response = plain(status, Bytes::from_static(body.as_bytes()));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, TEXT_PLAIN);
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}

/// A response with `body` and no headers.
pub fn plain(status: StatusCode, body: Bytes) -> Response<ProxyBody> {
    let mut response = Response::new(Either::Right(Full::new(body)));
    *response.status_mut() = status;
    response
}
