//! The operations surface's exchange sink: Prometheus metrics and the access log, when
//! configured (sticky decisions and pinned sessions are the data plane's `record`).
//!
//! The hot path stays cheap: a request captures a small [`Exchange`] only when metrics or the
//! access log are on; the response body counts bytes and completes the exchange when it ends
//! (Traefik's `DownstreamContentSize` and durations include the body); completing bumps
//! pre-resolved metric handles and hands the log entry to a writer thread without ever
//! waiting for it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use http::header::{CONTENT_LENGTH, HOST, UPGRADE};
use http::{HeaderMap, HeaderValue, Method, Request, Response, Uri, Version};
use hyper::body::Incoming;
use limpet_config::static_config::StaticConfig;

use crate::data::observer::{self, ClientTimeout, Completion, ExchangeSink, Facts, Rejection};
use crate::data::proxy::ConnInfo;
use crate::data::responses::ProxyBody;
use crate::ops::accesslog::AccessLog;
use crate::ops::metrics::Metrics;

/// One request as the access log and metrics see it.
#[derive(Debug)]
pub struct Exchange {
    pub start: SystemTime,
    pub started: Instant,
    pub method: Method,
    pub uri: Uri,
    pub version: Version,
    pub host: Option<HeaderValue>,
    pub peer: SocketAddr,
    /// `ClientHost`: the raw `X-Forwarded-For` of a trusted peer, else the peer's address.
    pub client_host: Option<String>,
    pub entry_point: Arc<str>,
    pub tls: bool,
    pub websocket: bool,
    /// `Content-Length` of the request (0 when absent, as Go's `ContentLength` of -1 is not logged).
    pub request_length: u64,
    /// Kept only when the access log shows request headers.
    pub request_headers: Option<HeaderMap>,
    pub facts: Facts,
    pub status: u16,
    pub response_headers: Option<HeaderMap>,
    pub duration: Duration,
    pub bytes: u64,
}

/// Metrics and access log of the process (cheap to clone: one shared core).
#[derive(Clone)]
pub struct Observer(Arc<Core>);

/// What every recorded exchange reaches when it completes.
pub struct Core {
    pub metrics: Option<Arc<Metrics>>,
    pub access_log: Option<AccessLog>,
    request_count: AtomicU64,
}

impl std::ops::Deref for Observer {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.0
    }
}

impl Observer {
    /// From the static configuration: metrics and access log as configured.
    pub fn new(config: &StaticConfig) -> Observer {
        Observer(Arc::new(Core {
            metrics: Metrics::from_config(config).map(Arc::new),
            access_log: config.access_log.as_ref().map(AccessLog::start),
            request_count: AtomicU64::new(0),
        }))
    }

    /// A new configuration is in service.
    pub fn on_reload(&self) {
        if let Some(metrics) = &self.metrics {
            metrics.on_reload();
        }
    }

    /// Writes out the access log lines still queued (at most `limit` of waiting): the exit.
    pub fn flush(&self, limit: Duration) {
        if let Some(log) = &self.access_log {
            if !log.flush(limit) {
                tracing::warn!(
                    "access log lines may be missing: the writer did not finish in time"
                );
            }
        }
    }

    fn wants_headers(&self) -> bool {
        self.access_log
            .as_ref()
            .is_some_and(AccessLog::wants_headers)
    }
}

impl ExchangeSink for Observer {
    fn start(
        &self,
        conn: &ConnInfo,
        req: &Request<Incoming>,
    ) -> Option<Box<dyn observer::Exchange>> {
        if self.metrics.is_none() && self.access_log.is_none() {
            return None;
        }
        Some(Box::new(Recorded {
            exchange: Exchange::capture(conn, req, self.wants_headers()),
            core: self.0.clone(),
        }))
    }

    fn connection(&self, entry_point: &str) -> Option<Box<dyn Send>> {
        let metrics = self.metrics.as_ref()?;
        Some(Box::new(metrics.connection(entry_point)))
    }

    fn rejected(&self, entry_point: &str, reason: Rejection) {
        if let Some(metrics) = &self.metrics {
            metrics.rejected(entry_point, reason.as_str());
        }
    }

    fn timed_out(&self, entry_point: &str, timeout: ClientTimeout) {
        if let Some(metrics) = &self.metrics {
            metrics.timed_out(entry_point, timeout.as_str());
        }
    }
}

/// An exchange in flight and the core that completes it.
struct Recorded {
    exchange: Exchange,
    core: Arc<Core>,
}

impl observer::Exchange for Recorded {
    fn respond(
        mut self: Box<Self>,
        response: &Response<ProxyBody>,
        facts: Facts,
    ) -> Option<Box<dyn Completion>> {
        if !self.core.observes(&facts) {
            return None;
        }
        let keep_headers = self
            .core
            .access_log
            .as_ref()
            .is_some_and(AccessLog::wants_headers);
        self.exchange.status = response.status().as_u16();
        self.exchange.response_headers = keep_headers.then(|| response.headers().clone());
        self.exchange.facts = facts;
        Some(self)
    }
}

impl Completion for Recorded {
    fn complete(self: Box<Self>, bytes: u64) {
        let Recorded { mut exchange, core } = *self;
        exchange.bytes = bytes;
        exchange.duration = exchange.started.elapsed();
        core.complete(Box::new(exchange));
    }
}

impl Exchange {
    fn capture(conn: &ConnInfo, req: &Request<Incoming>, keep_headers: bool) -> Exchange {
        Exchange {
            start: SystemTime::now(),
            started: Instant::now(),
            method: req.method().clone(),
            uri: req.uri().clone(),
            version: req.version(),
            host: req.headers().get(HOST).cloned(),
            peer: conn.peer,
            client_host: trusted_forwarded_for(conn, req.headers()),
            entry_point: conn.entry_point.clone(),
            tls: conn.tls,
            websocket: req.headers().contains_key(UPGRADE),
            request_length: content_length(req.headers()),
            request_headers: keep_headers.then(|| req.headers().clone()),
            facts: Facts::default(),
            status: 0,
            response_headers: None,
            duration: Duration::ZERO,
            bytes: 0,
        }
    }
}

impl Core {
    fn observes(&self, facts: &Facts) -> bool {
        if !facts.internal {
            return true;
        }
        let metrics = self.metrics.as_ref().is_some_and(|m| m.add_internals());
        let log = self
            .access_log
            .as_ref()
            .is_some_and(AccessLog::add_internals);
        metrics || log
    }

    /// The body ended (or was dropped): record metrics and hand the log entry over.
    fn complete(&self, exchange: Box<Exchange>) {
        let internal = exchange.facts.internal;
        if let Some(metrics) = self
            .metrics
            .as_ref()
            .filter(|m| !internal || m.add_internals())
        {
            metrics.record(&exchange);
        }
        if let Some(log) = self
            .access_log
            .as_ref()
            .filter(|l| !internal || l.add_internals())
        {
            let count = self.request_count.fetch_add(1, Ordering::Relaxed) + 1;
            log.submit(exchange, count);
        }
    }
}

fn content_length(headers: &HeaderMap) -> u64 {
    headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

impl Exchange {
    /// `ClientHost` of the access log: a trusted peer's raw `X-Forwarded-For`, else the peer.
    pub fn client_host(&self) -> std::borrow::Cow<'_, str> {
        match &self.client_host {
            Some(forwarded) => std::borrow::Cow::Borrowed(forwarded),
            None => std::borrow::Cow::Owned(self.peer.ip().to_canonical().to_string()),
        }
    }
}

/// The raw `X-Forwarded-For` sent by a trusted peer (Traefik logs it as `ClientHost`).
fn trusted_forwarded_for(conn: &ConnInfo, headers: &http::HeaderMap) -> Option<String> {
    if !conn.trusted {
        return None;
    }
    let value = headers.get("x-forwarded-for")?.to_str().ok()?;
    Some(value.to_owned())
}
