//! Providers: sources of dynamic configuration, each sending its latest state.
//!
//! A provider sends a [`ProviderMessage`] whenever its configuration changes; a message with
//! an error means "my source is broken right now": the aggregator keeps that provider's
//! previous configuration serving and says so.

pub mod docker;
pub mod file;
pub mod internal;
pub mod memory;

use std::future::Future;
use std::pin::Pin;

use limpet_config::decode::DecodeError;
use limpet_config::dynamic::Configuration;
use limpet_config::labels::LabelProblem;
use tokio::sync::mpsc;

/// The latest state of one provider.
#[derive(Debug)]
pub struct ProviderMessage {
    /// Provider name, the `@provider` suffix of its elements (`file`, `docker`…).
    pub provider: String,
    /// The new configuration, or why it could not be read.
    pub update: Result<Configuration, ProviderError>,
    /// Parts of the input left out of the configuration (Docker labels that do not decode,
    /// containers that cannot be used): shown as findings (LMP016) with the configuration.
    pub label_problems: Vec<LabelProblem>,
}

impl ProviderMessage {
    /// A message with no left-out parts.
    pub fn new(provider: &str, update: Result<Configuration, ProviderError>) -> ProviderMessage {
        ProviderMessage {
            provider: provider.to_owned(),
            update,
            label_problems: Vec::new(),
        }
    }
}

/// Why a provider has no configuration to send right now.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// A file does not read or decode (Display names it, with the line when known).
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// The task reading the source failed.
    #[error("file provider task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
    /// The Docker daemon is out of reach; the provider is reconnecting.
    #[error("docker provider: {0}; reconnecting")]
    Docker(#[from] docker::DockerError),
}

/// Where providers send their updates.
pub type Updates = mpsc::Sender<ProviderMessage>;

/// A source of dynamic configuration.
pub trait Provider: Send + 'static {
    /// The name used as `@provider` suffix.
    fn name(&self) -> &str;
    /// Sends updates until the receiver is gone.
    fn run(self: Box<Self>, updates: Updates) -> Pin<Box<dyn Future<Output = ()> + Send>>;
}
