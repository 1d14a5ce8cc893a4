//! Forwarding one request to one server: rewrite, send through the pooled client, stream back.
//!
//! Bodies are streamed both ways (never buffered). Upgrades (WebSocket) are spliced after the
//! `101` answer. Errors become Traefik's answers: `502 Bad Gateway`, `504 Gateway Timeout`.

mod client_body;
mod failure;
mod headers;
mod pool;
mod send;
mod trust;
mod upgrade;

use std::net::SocketAddr;
use std::sync::Arc;

use http::header::HOST;
use http::uri::{Authority, PathAndQuery, Scheme};
use http::{HeaderValue, Request, Response, StatusCode, Uri, Version};
use http_body_util::Either;
use hyper::body::Incoming;

use crate::data::responses::{self, ProxyBody};
use failure::Failure;
use send::{SendError, Sender};

pub use client_body::ClientBody;
pub use failure::ClientFault;
pub use headers::strip_cookie;
pub use pool::{ConnectionPool, DialError, PoolKey, UpstreamBody};
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
    /// The TLS handshake's SNI, lowercase without a trailing dot.
    pub server_name: Option<Arc<str>>,
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

    /// Forwards `req` to `dest`: the response to stream back to the client, or the request
    /// itself when it never reached the server.
    pub async fn forward(
        &self,
        mut req: Request<RequestBody>,
        dest: &Destination,
        pass_host_header: bool,
        conn: &ConnInfo,
    ) -> Forwarded {
        // Connect first: a request that has no connection to go on is still the client's.
        let sender = match dest.pool.acquire().await {
            Ok(sender) => sender,
            Err(error) => return Forwarded::not_sent(req, &Failure::Dial(error), dest),
        };
        let client_upgrade =
            headers::is_upgrade(req.headers()).then(|| hyper::upgrade::on(&mut req));
        let original = Original::of(&req, dest, pass_host_header);
        let Some(req) = self.rewrite(req, dest, pass_host_header, conn) else {
            return Forwarded::Answered(responses::bad_request());
        };
        match send::send(req, sender, dest).await {
            Ok((response, sender)) => {
                Forwarded::Answered(finish(response, sender, dest, client_upgrade))
            }
            Err(SendError::Sent(failure)) => Forwarded::Answered(failure.response(dest)),
            Err(SendError::Unsent(req, failure)) => {
                let req = original.restore(*req, client_upgrade);
                Forwarded::not_sent(req, &failure, dest)
            }
        }
    }

    /// Turns the client's request into the one sent to the server, in place. A request
    /// handed back unsent keeps its forwarding headers and only gets a new destination.
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
        if parts.extensions.get::<Rewritten>().is_none() {
            headers::remove_hop_by_hop(&mut parts.headers);
            headers::set_forwarded(
                &mut parts.headers,
                original_host.as_ref(),
                conn,
                &self.server_name,
            );
        }
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

/// What forwarding to one server came to.
pub enum Forwarded {
    /// The server answered, or the request reached it: the response to send.
    Answered(Response<ProxyBody>),
    /// The request never reached the server (no connection, or the connection died before
    /// the request was written): handed back for another server, with the answer to give if
    /// there is none.
    NotSent {
        req: Box<Request<RequestBody>>,
        failure: Response<ProxyBody>,
    },
}

impl Forwarded {
    fn not_sent(req: Request<RequestBody>, failure: &Failure, dest: &Destination) -> Forwarded {
        Forwarded::NotSent {
            req: Box::new(req),
            failure: failure.response(dest),
        }
    }
}

/// Marks a request whose forwarding headers are already set (handed back unsent).
#[derive(Debug, Clone, Copy)]
struct Rewritten;

/// What the rewrite replaces for one destination, kept only when it cannot be recomputed:
/// the target when a path prefix is added, the `Host` when it is not passed.
struct Original {
    uri: Option<Uri>,
    host: Option<HeaderValue>,
}

impl Original {
    fn of(req: &Request<RequestBody>, dest: &Destination, pass_host_header: bool) -> Original {
        Original {
            uri: dest.path_prefix.is_some().then(|| req.uri().clone()),
            host: if pass_host_header {
                None
            } else {
                req.headers().get(HOST).cloned()
            },
        }
    }

    /// The request as it was before the destination's rewrite, ready for another one.
    fn restore(
        self,
        mut req: Request<RequestBody>,
        client_upgrade: Option<hyper::upgrade::OnUpgrade>,
    ) -> Request<RequestBody> {
        if let Some(uri) = self.uri {
            *req.uri_mut() = uri;
        }
        if let Some(host) = self.host {
            req.headers_mut().insert(HOST, host);
        }
        if let Some(upgrade) = client_upgrade {
            req.extensions_mut().insert(upgrade);
        }
        req.extensions_mut().insert(Rewritten);
        req
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

/// This machine's host name (`X-Forwarded-Server`, whoami's `Hostname`).
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}
