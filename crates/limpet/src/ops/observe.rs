//! What limpet records about each request: sticky decisions and pinned sessions (always, for
//! the API and dashboard), Prometheus metrics and the access log (when configured).
//!
//! The hot path stays cheap: a request captures a small [`Exchange`] only when metrics or the
//! access log are on; the response body is wrapped to count bytes and to finish the exchange
//! when the body ends (Traefik's `DownstreamContentSize` and durations include the body);
//! finishing bumps pre-resolved metric handles and hands the log entry to a writer thread
//! without ever waiting for it.

mod body;
mod index;
mod pinned;

use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use arc_swap::ArcSwap;
use http::header::{CONTENT_LENGTH, HOST, UPGRADE};
use http::{HeaderMap, HeaderValue, Method, Request, Response, Uri, Version};
use limpet_config::static_config::StaticConfig;

use crate::data::proxy::ConnInfo;
use crate::data::responses::ProxyBody;
use crate::data::service::{Decision, StickyOutcome};
use crate::data::snapshot::RuntimeSnapshot;
use crate::ops::accesslog::AccessLog;
use crate::ops::metrics::Metrics;

pub use body::ObservedBody;
pub use index::{Index, ServerObs, ServiceStats};
pub use pinned::PinnedEstimate;

/// How many recent notable sticky decisions the API keeps.
const RECENT_DECISIONS: usize = 50;

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

/// What routing decided for a request.
#[derive(Debug, Default)]
pub struct Facts {
    pub router: Option<Arc<str>>,
    /// The (innermost) service that answered, when one was chosen.
    pub service: Option<Arc<str>>,
    pub server: Option<Arc<ServerObs>>,
    pub outcome: StickyOutcome,
    /// Routed to an internal service (API, ping…): not observed unless `addInternals`.
    pub internal: bool,
    /// Time until the server's response headers, when the request was forwarded.
    pub origin_duration: Option<Duration>,
}

/// A notable sticky decision (anything but a plain hit), for the API and dashboard.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StickyEvent {
    pub at: String,
    pub service: String,
    pub server: String,
    pub outcome: &'static str,
    pub client: IpAddr,
}

/// Everything that observes requests; one per process.
pub struct Observer {
    index: ArcSwap<Index>,
    stores: index::Stores,
    recent: Mutex<VecDeque<StickyEvent>>,
    pub metrics: Option<Arc<Metrics>>,
    pub access_log: Option<AccessLog>,
    request_count: AtomicU64,
}

impl Observer {
    /// From the static configuration: metrics and access log as configured.
    pub fn new(config: &StaticConfig) -> Observer {
        Observer {
            index: ArcSwap::from_pointee(Index::default()),
            stores: index::Stores::default(),
            recent: Mutex::new(VecDeque::with_capacity(RECENT_DECISIONS)),
            metrics: Metrics::from_config(config).map(Arc::new),
            access_log: config.access_log.as_ref().map(AccessLog::start),
            request_count: AtomicU64::new(0),
        }
    }

    /// A new snapshot is about to be put in service: index its servers, count the reload.
    pub fn on_reload(&self, snapshot: &RuntimeSnapshot) {
        self.index.store(Arc::new(self.stores.index(snapshot)));
        if let Some(metrics) = &self.metrics {
            metrics.on_reload();
        }
    }

    /// The current per-server index (API, metrics scrape).
    pub fn index(&self) -> Arc<Index> {
        self.index.load_full()
    }

    /// Records what the service layer decided: the server (for metrics and the log), the
    /// sticky outcome, the pinned client, notable decisions.
    pub fn on_decision(
        &self,
        decision: &Decision,
        client: (IpAddr, Option<HeaderValue>),
        sent: Instant,
        facts: &mut Facts,
    ) {
        facts.outcome = decision.outcome;
        let Some(url) = &decision.server_url else {
            return;
        };
        facts.origin_duration = Some(sent.elapsed());
        let Some(obs) = self.index.load().server(url) else {
            return;
        };
        if decision.outcome != StickyOutcome::NotSticky {
            obs.service.count(decision.outcome);
            obs.pinned.see(&client);
            if decision.outcome != StickyOutcome::Hit {
                self.remember(&obs, decision.outcome, client.0);
            }
        }
        facts.server = Some(obs);
    }

    fn remember(&self, obs: &ServerObs, outcome: StickyOutcome, client: IpAddr) {
        let decision = StickyEvent {
            at: crate::ops::accesslog::rfc3339_nanos(SystemTime::now()),
            service: obs.service.name.to_string(),
            server: obs.url.to_string(),
            outcome: outcome.as_str(),
            client,
        };
        let mut recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if recent.len() == RECENT_DECISIONS {
            recent.pop_front();
        }
        recent.push_back(decision);
    }

    /// Recent notable sticky decisions, newest first.
    pub fn recent_decisions(&self) -> Vec<StickyEvent> {
        let recent = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        recent.iter().rev().cloned().collect()
    }

    /// Captures the request, when anything will record it.
    pub fn start<B>(&self, conn: &ConnInfo, req: &Request<B>) -> Option<Box<Exchange>> {
        if self.metrics.is_none() && self.access_log.is_none() {
            return None;
        }
        let keep_headers = self
            .access_log
            .as_ref()
            .is_some_and(AccessLog::wants_headers);
        Some(Box::new(Exchange {
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
        }))
    }

    /// Attaches the exchange to the response; it completes when the body ends.
    pub fn finish(
        self: &Arc<Self>,
        exchange: Option<Box<Exchange>>,
        response: Response<ProxyBody>,
        facts: Facts,
    ) -> Response<ObservedBody> {
        let Some(mut exchange) = exchange.filter(|_| self.observes(&facts)) else {
            return response.map(ObservedBody::plain);
        };
        exchange.status = response.status().as_u16();
        let keep_headers = self
            .access_log
            .as_ref()
            .is_some_and(AccessLog::wants_headers);
        exchange.response_headers = keep_headers.then(|| response.headers().clone());
        exchange.facts = facts;
        let observer = self.clone();
        response.map(|body| ObservedBody::observed(body, exchange, observer))
    }

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
    fn complete(&self, mut exchange: Box<Exchange>) {
        exchange.duration = exchange.started.elapsed();
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
