//! Starting and stopping limpet: bind entrypoints once, start providers, apply configurations.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;
use limpet_config::decode::{FileSource, FileSourceError};
use limpet_config::static_config::{self, LifeCycle, StaticConfig};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::control::provider::docker::{DockerError, DockerProvider};
use crate::control::provider::file::FileProvider;
use crate::control::provider::Provider;
use crate::data::entrypoint::{self, EntryPoint, Timeouts};
use crate::data::proxy::{ForwardedTrust, Upstream};
use crate::data::record::Recorder;
use crate::data::service::ServerRegistry;
use crate::data::snapshot::RuntimeSnapshot;
use crate::ops::internal::{Internals, Operations};
use crate::ops::observe::Observer;
use crate::state::Shared;

pub use super::reload::Reloader;

/// Why limpet could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("entryPoint {entry_point:?}: address {address:?} is not valid; use \":PORT\" or \"HOST:PORT\"")]
    BadAddress {
        entry_point: String,
        address: String,
    },
    #[error("entryPoint {entry_point:?}: cannot listen on {address}: {source}")]
    Bind {
        entry_point: String,
        address: SocketAddr,
        source: std::io::Error,
    },
    #[error("error using file configuration provider: {0}")]
    FileProvider(FileSourceError),
    #[error("error using docker configuration provider: {0}")]
    DockerProvider(#[from] DockerError),
}

/// A running limpet: its bound addresses and the handles to stop it.
pub struct RunningApp {
    addresses: Vec<(String, SocketAddr)>,
    shutdown: watch::Sender<bool>,
    generation: watch::Receiver<u64>,
    /// The accept loops: each ends once its open connections closed or its grace is over.
    entry_points: Vec<JoinHandle<()>>,
    tasks: Vec<JoinHandle<()>>,
    pub shared: Arc<Shared>,
    operations: Arc<Operations>,
}

impl RunningApp {
    /// The bound address of entrypoint `name`.
    pub fn address(&self, name: &str) -> Option<SocketAddr> {
        self.addresses
            .iter()
            .find(|(ep, _)| ep == name)
            .map(|(_, addr)| *addr)
    }

    /// Every entrypoint with its bound address.
    pub fn addresses(&self) -> &[(String, SocketAddr)] {
        &self.addresses
    }

    /// Waits until configuration generation `at_least` (1 = the first) is in service.
    pub async fn wait_for_generation(&mut self, at_least: u64) {
        let _ = self.generation.wait_for(|g| *g >= at_least).await;
    }

    /// The generation currently in service (0 before the first configuration).
    pub fn generation(&self) -> u64 {
        *self.generation.borrow()
    }

    /// Stops accepting, lets open requests finish (each entrypoint's `graceTimeOut` at
    /// most; idle keep-alive connections are closed at once, the others after their current
    /// response), then stops providers, reloads and health checks, waits for them to end and
    /// writes out the access log.
    /// During the entrypoints' `requestAcceptGraceTimeout`, requests are still served and
    /// `/ping` answers `terminatingStatusCode`.
    pub async fn stop(self) {
        let internals = &self.operations.internals;
        internals.start_terminating();
        tokio::time::sleep(internals.accept_grace()).await;
        let _ = self.shutdown.send(true);
        for entry_point in self.entry_points {
            let _ = entry_point.await;
        }
        for task in &self.tasks {
            task.abort();
        }
        for task in self.tasks {
            let _ = task.await;
        }
        let observer = self.operations.observer.clone();
        let _ = tokio::task::spawn_blocking(move || observer.flush(LOG_FLUSH)).await;
    }

    /// Waits for SIGTERM or SIGINT, then stops; a second signal during the stop ends it at
    /// once, without waiting for open requests.
    pub async fn run_until_signal(self) -> Stopped {
        let mut signals = Signals::new();
        signals.next().await;
        tracing::info!("shutting down (a second signal exits at once)");
        tokio::select! {
            () = self.stop() => Stopped::Gracefully,
            () = signals.next() => {
                tracing::warn!("second signal: exiting without waiting for open requests");
                Stopped::Forced
            }
        }
    }
}

/// How a signalled limpet stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// Open requests finished, or their grace time ran out.
    Gracefully,
    /// A second signal came first.
    Forced,
}

/// SIGTERM and SIGINT, listened to for the whole life of the process (so a signal between
/// two waits is not lost).
struct Signals {
    terminate: Option<tokio::signal::unix::Signal>,
    interrupt: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Signals {
        use tokio::signal::unix::{signal, SignalKind};
        Signals {
            terminate: signal(SignalKind::terminate()).ok(),
            interrupt: signal(SignalKind::interrupt()).ok(),
        }
    }

    async fn next(&mut self) {
        async fn one(signal: &mut Option<tokio::signal::unix::Signal>) {
            match signal {
                Some(signal) => {
                    signal.recv().await;
                }
                None => std::future::pending().await,
            }
        }
        tokio::select! {
            () = one(&mut self.terminate) => {}
            () = one(&mut self.interrupt) => {}
        }
    }
}

/// Starts limpet with `config` and the providers it names, plus `extra` providers.
pub async fn start(
    config: &StaticConfig,
    extra: Vec<Box<dyn Provider>>,
) -> Result<RunningApp, StartError> {
    let listeners = bind_all(&entry_point_addresses(config)).await?;
    let mut providers = static_providers(config)?;
    providers.extend(extra);
    let no_providers = providers.is_empty();
    let observer = Observer::new(config);
    let operations = Arc::new(Operations {
        internals: Internals::new(config),
        observer: observer.clone(),
    });
    let shared = Arc::new(Shared {
        snapshot: ArcSwap::from_pointee(RuntimeSnapshot::default()),
        upstream: Upstream::new(),
        servers: Arc::new(ServerRegistry::default()),
        recorder: Recorder::default(),
        sink: Arc::new(observer.clone()),
        internal: operations.clone(),
    });
    let (shutdown, shutdown_rx) = watch::channel(false);
    let (generation_tx, generation) = watch::channel(0);
    let (addresses, entry_points) = serve_entry_points(config, listeners, &shared, &shutdown_rx)?;
    let mut tasks = Vec::new();
    let (updates, receiver) = mpsc::channel(64);
    tasks.extend(
        providers
            .into_iter()
            .map(|p| tokio::spawn(p.run(updates.clone()))),
    );
    tasks.push(tokio::spawn(crate::control::healthcheck::watch_drains(
        shared.servers.clone(),
        DRAIN_SWEEP,
    )));
    let names = addresses.iter().map(|(name, _)| name.clone()).collect();
    let mut reloader = Reloader::new(config, names, shared.clone(), observer, generation_tx);
    if no_providers {
        // Nothing will ever send a configuration: serve the internal one right away.
        reloader.apply();
    }
    tasks.push(tokio::spawn(reloader.run(receiver, throttle(config))));
    Ok(RunningApp {
        addresses,
        shutdown,
        generation,
        entry_points,
        tasks,
        shared,
        operations,
    })
}

type Served = (Vec<(String, SocketAddr)>, Vec<JoinHandle<()>>);

/// One accept loop per bound entrypoint; entrypoint `i` uses route table `i`.
fn serve_entry_points(
    config: &StaticConfig,
    listeners: Vec<(String, TcpListener)>,
    shared: &Arc<Shared>,
    shutdown: &watch::Receiver<bool>,
) -> Result<Served, StartError> {
    let mut addresses = Vec::new();
    let mut tasks = Vec::new();
    let effective = static_config::effective_entry_points(config);
    for (index, (name, listener)) in listeners.into_iter().enumerate() {
        let address = listener
            .local_addr()
            .map_err(|source| bind_error(&name, source))?;
        addresses.push((name.clone(), address));
        let trust = forwarded_trust(config, &name);
        let grace = grace_time_out(config, &name);
        let settings = effective.get(&name).cloned().unwrap_or_default();
        let ep = EntryPoint {
            name: name.into(),
            index,
            listener,
            trust,
            sanitize_path: settings.http.sanitize_path,
            timeouts: Timeouts::from_config(&settings.transport.responding_timeouts),
            max_header_bytes: settings.http.max_header_bytes,
            max_concurrent_streams: max_concurrent_streams(settings.http2.max_concurrent_streams),
        };
        tasks.push(tokio::spawn(entrypoint::serve(
            ep,
            shared.clone(),
            shutdown.clone(),
            grace,
        )));
    }
    Ok((addresses, tasks))
}

/// The `forwardedHeaders` trust of entrypoint `name`; bad `trustedIPs` entries are logged.
fn forwarded_trust(config: &StaticConfig, name: &str) -> ForwardedTrust {
    let global = config
        .global
        .as_ref()
        .is_some_and(|g| g.not_append_x_forwarded_for);
    let Some(entry_point) = config.entry_points.get(name) else {
        return ForwardedTrust::default();
    };
    let (trust, invalid) = ForwardedTrust::new(&entry_point.forwarded_headers, global);
    for entry in invalid {
        tracing::error!(entryPoint = %name, "forwardedHeaders.trustedIPs: {entry:?} is not an IP address or CIDR; ignored");
    }
    trust
}

/// How long the exit waits for the access log writer.
const LOG_FLUSH: Duration = Duration::from_secs(2);

/// `http2.maxConcurrentStreams`: Go's HTTP/2 server default (250) when not positive.
fn max_concurrent_streams(configured: i64) -> u32 {
    if configured <= 0 {
        return 250;
    }
    u32::try_from(configured).unwrap_or(u32::MAX)
}

/// How often draining servers are checked for completion.
const DRAIN_SWEEP: Duration = Duration::from_secs(1);

/// How long open connections of entrypoint `name` may take to finish on shutdown:
/// `transport.lifeCycle.graceTimeOut` (default 10s; 0 or less closes them at once).
fn grace_time_out(config: &StaticConfig, name: &str) -> Duration {
    static_config::effective_entry_points(config)
        .get(name)
        .map_or_else(LifeCycle::default, |ep| ep.transport.life_cycle.clone())
        .grace_time_out
        .to_std()
}

fn bind_error(name: &str, source: std::io::Error) -> StartError {
    StartError::Bind {
        entry_point: name.to_owned(),
        address: SocketAddr::from(([0, 0, 0, 0], 0)),
        source,
    }
}

/// `(name, address)` of every TCP entrypoint limpet listens on (none configured → `http` on
/// `:80`), in name order.
pub fn entry_point_addresses(config: &StaticConfig) -> Vec<(String, String)> {
    static_config::effective_entry_points(config)
        .into_iter()
        .filter(|(_, ep)| !static_config::is_udp(ep))
        .map(|(name, ep)| (name, ep.address))
        .collect()
}

async fn bind_all(
    endpoints: &[(String, String)],
) -> Result<Vec<(String, TcpListener)>, StartError> {
    let mut bound = Vec::new();
    for (name, address) in endpoints {
        let bad = || StartError::BadAddress {
            entry_point: name.clone(),
            address: address.clone(),
        };
        let addr = entrypoint::parse_address(address).ok_or_else(bad)?;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind {
                entry_point: name.clone(),
                address: addr,
                source,
            })?;
        bound.push((name.clone(), listener));
    }
    Ok(bound)
}

/// The providers the static configuration enables.
fn static_providers(config: &StaticConfig) -> Result<Vec<Box<dyn Provider>>, StartError> {
    let mut providers: Vec<Box<dyn Provider>> = Vec::new();
    if let Some(file) = &config.providers.file {
        let source = FileSource::of(file).map_err(StartError::FileProvider)?;
        providers.push(Box::new(FileProvider::new(source, file.watch)));
    }
    if let Some(docker) = &config.providers.docker {
        providers.push(Box::new(DockerProvider::new(docker)?));
    }
    Ok(providers)
}

fn throttle(config: &StaticConfig) -> Duration {
    config.providers.providers_throttle_duration.to_std()
}
