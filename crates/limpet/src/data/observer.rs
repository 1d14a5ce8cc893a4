//! The narrow interface through which the data plane reports to the operations surface and
//! hands it the requests routed to internal services. The data plane defines these traits and
//! never names their implementations (metrics, access log, API live in `ops`).

mod body;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response};
use hyper::body::Incoming;
use limpet_config::model::InternalService;

use crate::data::proxy::ConnInfo;
use crate::data::record::ServerObs;
use crate::data::responses::ProxyBody;
use crate::data::service::StickyOutcome;
use crate::state::Shared;

pub use body::ObservedBody;

/// What routing decided for a request, handed to the exchange when the response is ready.
#[derive(Debug, Default)]
pub struct Facts {
    pub router: Option<Arc<str>>,
    /// The server that answered, when one was picked from the current generation.
    pub server: Option<Arc<ServerObs>>,
    pub outcome: StickyOutcome,
    /// Routed to an internal service (API, ping…).
    pub internal: bool,
    /// Time until the server's response headers, when the request was forwarded.
    pub origin_duration: Option<Duration>,
}

/// Receives every exchange (metrics, access log). Implementations must be cheap when they
/// record nothing: `start` returning `None` is the whole cost.
pub trait ExchangeSink: Send + Sync {
    /// A request arrived; `None` when nothing records it.
    fn start(&self, conn: &ConnInfo, req: &Request<Incoming>) -> Option<Box<dyn Exchange>>;

    /// A client connection opened on `entry_point`; the guard is dropped when it closes.
    fn connection(&self, _entry_point: &str) -> Option<Box<dyn Send>> {
        None
    }

    /// A request on `entry_point` was refused as malformed (never routed).
    fn rejected(&self, _entry_point: &str, _reason: Rejection) {}

    /// A client connection on `entry_point` was cut by one of its timeouts.
    fn timed_out(&self, _entry_point: &str, _timeout: ClientTimeout) {}
}

/// Why a request was refused before routing (the `reason` label of
/// `limpet_rejected_requests_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// The request head could not be parsed (request line, header syntax, framing headers).
    Malformed,
    /// The request head is larger than `http.maxHeaderBytes`.
    HeaderTooLarge,
    /// HTTP/1.1 without a `Host` header.
    MissingHost,
    /// More than one `Host` header.
    DuplicateHost,
    /// A `Host` header with characters no host has.
    MalformedHost,
    /// A transfer coding other than `chunked`.
    UnsupportedTransferEncoding,
    /// A chunked body whose framing is broken.
    BadFraming,
    /// The body ended before its announced length or last chunk.
    IncompleteBody,
}

impl Rejection {
    /// Every reason, for tests and documentation.
    pub const ALL: [Rejection; 8] = [
        Rejection::Malformed,
        Rejection::HeaderTooLarge,
        Rejection::MissingHost,
        Rejection::DuplicateHost,
        Rejection::MalformedHost,
        Rejection::UnsupportedTransferEncoding,
        Rejection::BadFraming,
        Rejection::IncompleteBody,
    ];

    /// The metric label and log value (`missing_host`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::Malformed => "malformed",
            Rejection::HeaderTooLarge => "header_too_large",
            Rejection::MissingHost => "missing_host",
            Rejection::DuplicateHost => "duplicate_host",
            Rejection::MalformedHost => "malformed_host",
            Rejection::UnsupportedTransferEncoding => "unsupported_transfer_encoding",
            Rejection::BadFraming => "bad_framing",
            Rejection::IncompleteBody => "incomplete_body",
        }
    }
}

/// Which client timeout cut a connection (the `timeout` label of
/// `limpet_client_timeouts_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientTimeout {
    /// `respondingTimeouts.readTimeout`: the request (head and body) was not read in time.
    Read,
    /// `respondingTimeouts.writeTimeout`: the response was not written in time.
    Write,
    /// `respondingTimeouts.idleTimeout`: a keep-alive connection sent nothing in time.
    Idle,
}

impl ClientTimeout {
    pub const ALL: [ClientTimeout; 3] = [
        ClientTimeout::Read,
        ClientTimeout::Write,
        ClientTimeout::Idle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ClientTimeout::Read => "read",
            ClientTimeout::Write => "write",
            ClientTimeout::Idle => "idle",
        }
    }
}

/// One recorded exchange between its request and its response head.
pub trait Exchange: Send {
    /// The response head is ready: what to complete when the body ends, if still wanted.
    fn respond(
        self: Box<Self>,
        response: &Response<ProxyBody>,
        facts: Facts,
    ) -> Option<Box<dyn Completion>>;
}

/// A recorded exchange whose response body is being sent.
pub trait Completion: Send {
    /// The body ended (or the client went away) after `bytes` bytes.
    fn complete(self: Box<Self>, bytes: u64);
}

/// A sink that records nothing (tools and tests that need no metrics or log).
#[derive(Debug, Default)]
pub struct NoSink;

impl ExchangeSink for NoSink {
    fn start(&self, _: &ConnInfo, _: &Request<Incoming>) -> Option<Box<dyn Exchange>> {
        None
    }
}

/// The future an internal service answers with.
pub type InternalResponse<'a> = Pin<Box<dyn Future<Output = Response<ProxyBody>> + Send + 'a>>;

/// Answers the requests routed to `api@internal`, `dashboard@internal`, `ping@internal`…
pub trait InternalServices: Send + Sync {
    fn serve<'a>(
        &'a self,
        shared: &'a Shared,
        kind: InternalService,
        conn: &'a ConnInfo,
        req: Request<Incoming>,
    ) -> InternalResponse<'a>;
}

/// Finishes the exchange, if any, with the response head; the body completes it.
pub fn finish(
    exchange: Option<Box<dyn Exchange>>,
    response: Response<ProxyBody>,
    facts: Facts,
) -> Response<ObservedBody> {
    match exchange.and_then(|e| e.respond(&response, facts)) {
        Some(completion) => response.map(|body| ObservedBody::observed(body, completion)),
        None => response.map(ObservedBody::plain),
    }
}
