//! Forwarding one request to one server: rewrite, send through the pooled client, stream back.
//!
//! Bodies are streamed both ways (never buffered). Upgrades (WebSocket) are spliced after the
//! `101` answer. Errors become Traefik's answers: `502 Bad Gateway`, `504 Gateway Timeout`.

mod client_body;
mod headers;
mod pool;
mod trust;
mod upgrade;

use std::net::SocketAddr;
use std::sync::Arc;

use http::header::HOST;
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderValue, Request, Response, StatusCode, Uri, Version};
use http_body_util::Either;
use hyper::body::Incoming;

use crate::data::observer::Rejection;
use crate::data::responses::{self, ProxyBody};

pub use client_body::ClientBody;
pub use headers::strip_cookie;
pub use pool::{ConnectionPool, DialError, UpstreamBody};
pub use trust::ForwardedTrust;

/// Body of a request sent upstream: the client's, streamed, or a buffered copy (mirroring,
/// failover).
pub type RequestBody = Either<ClientBody, http_body_util::Full<bytes::Bytes>>;

/// What a request knows about the connection it arrived on.
#[derive(Debug, Clone)]
pub struct ConnInfo {
    pub peer: SocketAddr,
    pub entry_point: Arc<str>,
    /// Whether the client connection is TLS (scheme `https`).
    pub tls: bool,
    /// Whether the peer may set `X-Forwarded-*` (`forwardedHeaders`).
    pub trusted: bool,
    /// Append the client address to a trusted `X-Forwarded-For`.
    pub append_forwarded_for: bool,
    /// Resolve `.`/`..` and duplicate slashes before routing (`http.sanitizePath`).
    pub sanitize_path: bool,
    /// The connection's phase and responding timeouts.
    pub clock: Arc<crate::data::entrypoint::ConnClock>,
}

/// Where a request goes: one server's address, parsed once per configuration.
#[derive(Debug, Clone)]
pub struct Destination {
    pub scheme: Scheme,
    pub authority: Authority,
    /// The server URL's path, prefixed to the request path when `preservePath` is set.
    pub path_prefix: Option<Box<str>>,
    /// `Host` sent when `passHostHeader` is false.
    pub host: HeaderValue,
    /// Keep-alive connections to `authority` (shared by every generation).
    pub pool: Arc<ConnectionPool>,
}

impl Destination {
    /// From a validated server URI and the pool of its address.
    pub fn new(uri: &Uri, preserve_path: bool, pool: Arc<ConnectionPool>) -> Option<Destination> {
        let authority = uri.authority()?.clone();
        let host = HeaderValue::from_str(authority.as_str()).ok()?;
        let path = uri.path().trim_end_matches('/');
        let path_prefix = (preserve_path && !path.is_empty()).then(|| path.into());
        let scheme = uri.scheme().cloned().unwrap_or(Scheme::HTTP);
        Some(Destination {
            scheme,
            authority,
            path_prefix,
            host,
            pool,
        })
    }
}

/// What every forwarded request needs besides its destination.
#[derive(Clone)]
pub struct Upstream {
    server_name: HeaderValue,
}

impl Upstream {
    pub fn new() -> Upstream {
        let server_name =
            HeaderValue::from_str(&hostname()).unwrap_or(HeaderValue::from_static("limpet"));
        Upstream { server_name }
    }

    /// Forwards `req` to `dest` and returns the response to stream back to the client.
    pub async fn forward(
        &self,
        mut req: Request<RequestBody>,
        dest: &Destination,
        pass_host_header: bool,
        conn: &ConnInfo,
    ) -> Response<ProxyBody> {
        let client_upgrade =
            headers::is_upgrade(req.headers()).then(|| hyper::upgrade::on(&mut req));
        let Some(req) = self.rewrite(req, dest, pass_host_header, conn) else {
            return responses::bad_request();
        };
        match exchange(req, dest).await {
            Ok((response, sender)) => finish(response, sender, dest, client_upgrade),
            Err(failure) => failure.response(dest),
        }
    }

    /// Turns the client's request into the one sent to the server, in place.
    fn rewrite(
        &self,
        req: Request<RequestBody>,
        dest: &Destination,
        pass_host_header: bool,
        conn: &ConnInfo,
    ) -> Option<Request<RequestBody>> {
        let (mut parts, body) = req.into_parts();
        let original_host = parts
            .headers
            .get(HOST)
            .cloned()
            .or_else(|| authority_header(&parts.uri));
        headers::remove_hop_by_hop(&mut parts.headers);
        headers::set_forwarded(
            &mut parts.headers,
            original_host.as_ref(),
            conn,
            &self.server_name,
        );
        parts.uri = target_uri(&parts.uri, dest)?;
        parts.version = Version::HTTP_11;
        let host = match (pass_host_header, original_host) {
            (true, Some(host)) => host,
            _ => dest.host.clone(),
        };
        parts.headers.insert(HOST, host);
        Some(Request::from_parts(parts, body))
    }
}

impl Default for Upstream {
    fn default() -> Self {
        Upstream::new()
    }
}

/// `[prefix]/path?query`: origin form, as sent on a connection to the server.
fn target_uri(original: &Uri, dest: &Destination) -> Option<Uri> {
    let path_and_query = original.path_and_query().map_or("/", PathAndQuery::as_str);
    match &dest.path_prefix {
        Some(prefix) => Uri::try_from(format!("{prefix}{path_and_query}")).ok(),
        None => Some(Uri::from(
            original
                .path_and_query()
                .cloned()
                .unwrap_or(PathAndQuery::from_static("/")),
        )),
    }
}

/// Why an exchange produced no response.
enum Failure {
    Dial(DialError),
    Exchange(hyper::Error),
}

/// A response caused by the client, not the server (its extensions carry it): the passive
/// health check ignores it, and a rejection is counted by the entrypoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientFault {
    /// The request body was malformed or cut short.
    Rejected(Rejection),
    /// The request body did not arrive within the entrypoint's `readTimeout`.
    TimedOut,
}

impl Failure {
    /// Traefik answers 504 on timeouts and 502 otherwise; a request body the client broke is
    /// answered 400, one it sent too slowly 504 (as Traefik does).
    fn response(&self, dest: &Destination) -> Response<ProxyBody> {
        let error = match self {
            Failure::Dial(error) => {
                tracing::debug!(server = %dest.authority, %error, "cannot reach server");
                return match error.is_timeout() {
                    true => responses::gateway_timeout(),
                    false => responses::bad_gateway(),
                };
            }
            Failure::Exchange(error) => error,
        };
        if let Some(fault) = client_fault(error) {
            return client_fault_response(fault);
        }
        if error.is_parse_too_large() {
            tracing::warn!(server = %dest.authority, limit = pool::MAX_RESPONSE_HEAD, "the server's response head is larger than the limit (bytes); answered 502");
        } else {
            tracing::debug!(server = %dest.authority, %error, "upstream exchange failed");
        }
        if error.is_timeout() || is_timeout(error) {
            responses::gateway_timeout()
        } else {
            responses::bad_gateway()
        }
    }
}

/// Whether the request body, read from the client, is what failed.
fn client_fault(error: &hyper::Error) -> Option<ClientFault> {
    if !error.is_user() {
        return None;
    }
    let io = io_cause(error)?;
    Some(match io.kind() {
        std::io::ErrorKind::TimedOut => ClientFault::TimedOut,
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput => {
            ClientFault::Rejected(Rejection::BadFraming)
        }
        _ => ClientFault::Rejected(Rejection::IncompleteBody),
    })
}

fn client_fault_response(fault: ClientFault) -> Response<ProxyBody> {
    let mut response = match fault {
        ClientFault::TimedOut => responses::gateway_timeout(),
        ClientFault::Rejected(_) => responses::bad_request(),
    };
    response
        .headers_mut()
        .insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    response.extensions_mut().insert(fault);
    response
}

/// The first I/O error in the error's chain.
fn io_cause<'e>(error: &'e (dyn std::error::Error + 'static)) -> Option<&'e std::io::Error> {
    let mut source = Some(error);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        source = err.source();
    }
    None
}

type Sender = hyper::client::conn::http1::SendRequest<RequestBody>;

/// Sends `req` on a pooled connection; a pooled connection the server closed before the
/// request was written is replaced by a new one, once.
async fn exchange(
    req: Request<RequestBody>,
    dest: &Destination,
) -> Result<(Response<Incoming>, Sender), Failure> {
    let mut sender = dest.pool.acquire().await.map_err(Failure::Dial)?;
    match sender.try_send_request(req).await {
        Ok(response) => Ok((response, sender)),
        Err(mut error) => match error.take_message() {
            Some(req) => {
                let mut fresh = dest.pool.acquire().await.map_err(Failure::Dial)?;
                let response = fresh.send_request(req).await.map_err(Failure::Exchange)?;
                Ok((response, fresh))
            }
            None => Err(Failure::Exchange(error.into_error())),
        },
    }
}

fn authority_header(uri: &Uri) -> Option<HeaderValue> {
    HeaderValue::from_str(uri.authority()?.as_str()).ok()
}

/// Cleans the server's response and, for `101`, splices the two upgraded connections.
fn finish(
    mut response: Response<Incoming>,
    sender: Sender,
    dest: &Destination,
    client_upgrade: Option<hyper::upgrade::OnUpgrade>,
) -> Response<ProxyBody> {
    if response.status() == StatusCode::SWITCHING_PROTOCOLS {
        if let Some(client_upgrade) = client_upgrade {
            let server_upgrade = hyper::upgrade::on(&mut response);
            tokio::spawn(upgrade::splice(client_upgrade, server_upgrade));
        }
        return response.map(|body| Either::Left(UpstreamBody::detached(body)));
    }
    headers::remove_hop_by_hop(response.headers_mut());
    let pool = dest.pool.clone();
    response.map(|body| Either::Left(UpstreamBody::new(body, sender, pool)))
}

/// Whether an I/O timeout is somewhere in the error's chain.
fn is_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    io_cause(error).is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
}

/// This machine's host name (`X-Forwarded-Server`, whoami's `Hostname`).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}
