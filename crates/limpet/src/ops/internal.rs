//! The services limpet answers itself (`api@internal`, `dashboard@internal`, `ping@internal`,
//! `prometheus@internal`, `noop@internal`): the operations surface's implementation of the
//! data plane's `InternalServices`, and the [`View`] its handlers read from.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use http::{Request, Response, StatusCode};
use hyper::body::Incoming;
use limpet_config::model::InternalService;
use limpet_config::static_config::{self, EntryPoint, EntryPointSet, StaticConfig};

use crate::data::observer::{InternalResponse, InternalServices};
use crate::data::proxy::ConnInfo;
use crate::data::responses::{self, ProxyBody};
use crate::ops::observe::Observer;
use crate::state::Shared;

/// Everything the internal services need besides the current snapshot.
pub struct Internals {
    pub api: Option<static_config::Api>,
    pub ping: Option<static_config::Ping>,
    /// Effective entrypoints as configured (defaults filled in), by name.
    pub entry_points: Vec<(String, EntryPoint)>,
    /// Entrypoint names and the defaults of routers without `entryPoints`.
    pub entry_point_set: EntryPointSet,
    pub started: SystemTime,
    /// Set when shutdown begins: `/ping` answers `terminatingStatusCode`.
    terminating: AtomicBool,
    /// `features.accessLog` of `/api/overview`.
    pub access_log_enabled: bool,
    /// Enabled providers, as `/api/overview` names them (`File`).
    pub providers: Vec<String>,
}

impl Internals {
    pub fn new(config: &StaticConfig) -> Internals {
        Internals {
            api: config.api.clone(),
            ping: config.ping.clone(),
            entry_points: static_config::effective_entry_points(config)
                .into_iter()
                .collect(),
            entry_point_set: static_config::entry_point_set(config),
            started: SystemTime::now(),
            terminating: AtomicBool::new(false),
            access_log_enabled: config.access_log.is_some(),
            providers: provider_names(config),
        }
    }

    pub fn is_terminating(&self) -> bool {
        self.terminating.load(Ordering::Relaxed)
    }

    pub fn start_terminating(&self) {
        self.terminating.store(true, Ordering::Relaxed);
    }

    /// The longest `requestAcceptGraceTimeout` of the entrypoints: how long requests are
    /// still accepted once shutdown begins.
    pub fn accept_grace(&self) -> Duration {
        self.entry_points
            .iter()
            .map(|(_, ep)| {
                ep.transport
                    .life_cycle
                    .request_accept_grace_timeout
                    .to_std()
            })
            .max()
            .unwrap_or_default()
    }
}

/// Traefik's provider names in `/api/overview` (`File`, `Docker`…).
fn provider_names(config: &StaticConfig) -> Vec<String> {
    let mut names = Vec::new();
    if config.providers.file.is_some() {
        names.push("File".to_owned());
    }
    if config.providers.docker.is_some() {
        names.push("Docker".to_owned());
    }
    for other in config.providers.others.keys() {
        let mut chars = other.chars();
        if let Some(first) = chars.next() {
            names.push(first.to_uppercase().chain(chars).collect());
        }
    }
    names
}

/// The operations surface of one process: what it knows from the static configuration and
/// the observer feeding metrics and the access log.
pub struct Operations {
    pub internals: Internals,
    pub observer: Observer,
}

impl InternalServices for Operations {
    fn serve<'a>(
        &'a self,
        shared: &'a Shared,
        kind: InternalService,
        conn: &'a ConnInfo,
        req: Request<Incoming>,
    ) -> InternalResponse<'a> {
        Box::pin(serve(self.view(shared), kind, conn, req))
    }
}

impl Operations {
    /// The view the handlers read.
    pub fn view<'a>(&'a self, shared: &'a Shared) -> View<'a> {
        View {
            shared,
            internals: &self.internals,
            observer: &self.observer,
        }
    }
}

/// The shared run-time state plus the operations surface's own parts; derefs to [`Shared`].
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub shared: &'a Shared,
    pub internals: &'a Internals,
    pub observer: &'a Observer,
}

impl std::ops::Deref for View<'_> {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        self.shared
    }
}

/// Answers a request routed to an internal service.
async fn serve(
    shared: View<'_>,
    kind: InternalService,
    conn: &ConnInfo,
    req: Request<Incoming>,
) -> Response<ProxyBody> {
    let internals = shared.internals;
    match kind {
        InternalService::Api => crate::ops::api::handle(&shared, conn, req).await,
        InternalService::Dashboard => crate::ops::dashboard::handle(internals, &req),
        InternalService::Ping => crate::ops::ping::handle(internals, &req),
        InternalService::Prometheus => match &shared.observer.metrics {
            Some(metrics) => metrics.handle(&shared),
            None => responses::not_found(),
        },
        InternalService::Noop => responses::plain(StatusCode::OK, Default::default()),
    }
}
