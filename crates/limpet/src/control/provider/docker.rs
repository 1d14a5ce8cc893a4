//! The `docker` provider: containers of a Docker daemon → dynamic configuration
//! (docs/docker.md, docs/traefik.md#docker-naming-and-defaults).
//!
//! A session negotiates the API version (`HEAD /_ping`), reads `/version`, then does a full
//! resync — `GET /containers/json?all=…` and `GET /containers/{id}/json` per container —
//! whose containers go through the shared decoder (`limpet_config::labels::docker::build`,
//! the one `limpet check --compose` uses). With `watch`, it follows
//! `GET /events?filters={"type":["container"]}`: the actions that change what is served
//! (start, die, stop, kill, health_status, update, destroy, pause, unpause, rename) trigger a
//! resync after a short debounce. When the daemon goes away (socket removed, restart, stream
//! cut), the last configuration keeps serving, the provider reconnects with exponential
//! backoff and resyncs in full; only a configuration that differs from the last one sent is
//! sent, so a reconnection never flaps the routes.

mod inspect;
mod tls;
mod transport;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bollard::models::EventMessage;
use bollard::query_parameters::{EventsOptions, InspectContainerOptions, ListContainersOptions};
use bollard::Docker;
use futures_util::StreamExt;
use limpet_config::dynamic::Configuration;
use limpet_config::labels::docker::{self, Container, DockerOptions, OptionsError};
use limpet_config::labels::LabelProblem;
use limpet_config::static_config::DockerProvider as DockerConfig;
use tokio::time::Instant;

use super::{Provider, ProviderMessage, Updates};
use transport::Transport;

/// Events arriving within this window after the first one are applied together.
const DEBOUNCE: Duration = Duration::from_millis(100);
/// First reconnection delay; doubled after each failure up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Event actions after which the containers are read again.
const RESYNC_ACTIONS: &[&str] = &[
    "start",
    "die",
    "stop",
    "kill",
    "health_status",
    "update",
    "destroy",
    "pause",
    "unpause",
    "rename",
];

/// Why the Docker provider cannot start, or lost its daemon.
#[derive(Debug, thiserror::Error)]
pub enum DockerError {
    #[error(
        "endpoint {0:?} is not supported; use unix:///path, tcp://host:port, http:// or https://"
    )]
    Endpoint(String),
    #[error(transparent)]
    Options(#[from] OptionsError),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("cannot connect to the Docker daemon at {0}: {1}")]
    Connect(String, std::io::Error),
    #[error("HTTP exchange with the Docker daemon failed: {0}")]
    Http(hyper::Error),
    #[error("invalid request: {0}")]
    Request(String),
    #[error("the Docker daemon answered HEAD /_ping with status {0}")]
    Ping(u16),
    #[error("{0}")]
    Api(#[from] bollard::errors::Error),
    #[error("the Docker events stream ended")]
    EventsEnded,
    /// Nobody listens to the provider's updates any more (limpet is stopping).
    #[error("limpet is stopping")]
    Stopped,
}

/// The `docker` provider.
pub struct DockerProvider {
    transport: Transport,
    options: DockerOptions,
    watch: bool,
}

impl DockerProvider {
    /// Checks the static options (endpoint, TLS files, default rule, constraints).
    pub fn new(config: &DockerConfig) -> Result<DockerProvider, DockerError> {
        Ok(DockerProvider {
            transport: Transport::new(config)?,
            options: DockerOptions::from_static(config)?,
            watch: config.watch,
        })
    }
}

impl Provider for DockerProvider {
    fn name(&self) -> &str {
        "docker"
    }

    fn run(self: Box<Self>, updates: Updates) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(async move { self.run_until_stopped(updates).await })
    }
}

/// What the provider last sent, so that a resync with the same result sends nothing.
#[derive(Default)]
struct Sent {
    configuration: Option<Configuration>,
    problems: Vec<LabelProblem>,
}

impl DockerProvider {
    async fn run_until_stopped(self, updates: Updates) {
        let mut sent = Sent::default();
        let mut backoff = FIRST_BACKOFF;
        let mut reported = false;
        loop {
            let mut connected = false;
            let error = match self.session(&updates, &mut sent, &mut connected).await {
                Err(DockerError::Stopped) | Ok(()) => return,
                Err(error) => error,
            };
            if connected {
                backoff = FIRST_BACKOFF;
                reported = false;
            }
            tracing::warn!(providerName = "docker", endpoint = %self.transport.describe(), retryIn = ?backoff, "{error}");
            if !reported && !self.report(&updates, error).await {
                return;
            }
            reported = true;
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(MAX_BACKOFF);
        }
    }

    /// Tells the reloader once per outage; false once nobody listens.
    async fn report(&self, updates: &Updates, error: DockerError) -> bool {
        let message = ProviderMessage::new("docker", Err(error.into()));
        updates.send(message).await.is_ok()
    }

    /// Connects, resyncs, then follows events until the daemon is lost.
    async fn session(
        &self,
        updates: &Updates,
        sent: &mut Sent,
        connected: &mut bool,
    ) -> Result<(), DockerError> {
        let (docker, version) = self.transport.client().await?;
        let server = docker.version().await?;
        tracing::info!(
            providerName = "docker",
            endpoint = %self.transport.describe(),
            apiVersion = %format!("{}.{}", version.major_version, version.minor_version),
            serverVersion = server.version.as_deref().unwrap_or("unknown"),
            "connected to the Docker daemon"
        );
        self.resync(&docker, updates, sent).await?;
        *connected = true;
        if !self.watch {
            std::future::pending::<()>().await;
        }
        self.follow_events(&docker, updates, sent).await
    }

    async fn follow_events(
        &self,
        docker: &Docker,
        updates: &Updates,
        sent: &mut Sent,
    ) -> Result<(), DockerError> {
        let filters = HashMap::from([("type".to_owned(), vec!["container".to_owned()])]);
        let options = EventsOptions {
            filters: Some(filters),
            ..EventsOptions::default()
        };
        let mut events = docker.events(Some(options));
        let mut due: Option<Instant> = None;
        loop {
            let wake = due.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            tokio::select! {
                event = events.next() => match event {
                    Some(Ok(event)) if needs_resync(&event) => {
                        due.get_or_insert_with(|| Instant::now() + DEBOUNCE);
                    }
                    Some(Ok(_)) => {}
                    Some(Err(error)) => return Err(error.into()),
                    None => return Err(DockerError::EventsEnded),
                },
                _ = tokio::time::sleep_until(wake), if due.is_some() => {
                    due = None;
                    self.resync(docker, updates, sent).await?;
                }
            }
        }
    }

    /// Reads every container, builds the configuration, sends it if it changed.
    async fn resync(
        &self,
        docker: &Docker,
        updates: &Updates,
        sent: &mut Sent,
    ) -> Result<(), DockerError> {
        let containers = list(docker).await?;
        let outcome = docker::build(&containers, &self.options);
        let same_config = sent.configuration.as_ref() == Some(&outcome.configuration);
        if same_config && outcome.problems == sent.problems {
            return Ok(());
        }
        sent.problems = outcome.problems.clone();
        sent.configuration = Some(outcome.configuration.clone());
        let message = ProviderMessage {
            provider: "docker".into(),
            update: Ok(outcome.configuration),
            label_problems: outcome.problems,
        };
        updates
            .send(message)
            .await
            .map_err(|_| DockerError::Stopped)
    }
}

/// Every container, inspected; one that vanished or does not decode is left out.
async fn list(docker: &Docker) -> Result<Vec<Container>, DockerError> {
    let options = ListContainersOptions {
        all: true,
        ..ListContainersOptions::default()
    };
    let summaries = docker.list_containers(Some(options)).await?;
    let mut containers = Vec::with_capacity(summaries.len());
    for id in summaries.into_iter().filter_map(|s| s.id) {
        match docker
            .inspect_container(&id, None::<InspectContainerOptions>)
            .await
        {
            Ok(inspected) => containers.push(inspect::container(inspected)),
            Err(error) if is_per_container(&error) => {
                tracing::warn!(providerName = "docker", container = %id, "container left out: {error}");
            }
            Err(error) => return Err(error.into()),
        }
    }
    containers.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(containers)
}

/// Errors about one container (removed meanwhile, unreadable answer), not the daemon.
fn is_per_container(error: &bollard::errors::Error) -> bool {
    use bollard::errors::Error;
    matches!(
        error,
        Error::DockerResponseServerError {
            status_code: 404,
            ..
        } | Error::JsonDataError { .. }
            | Error::JsonSerdeError { .. }
    )
}

/// Container events whose action changes what is served (`health_status: healthy` included).
fn needs_resync(event: &EventMessage) -> bool {
    let action = event.action.as_deref().unwrap_or_default();
    let verb = action.split(':').next().unwrap_or_default().trim();
    RESYNC_ACTIONS.contains(&verb)
}
