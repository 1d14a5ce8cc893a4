//! A provider holding one fixed configuration (the demo, tests, embedded defaults).

use std::future::Future;
use std::pin::Pin;

use limpet_config::dynamic::Configuration;

use super::{Provider, ProviderMessage, Updates};

/// Sends one configuration under `name`, then stays quiet.
pub struct MemoryProvider {
    name: String,
    config: Configuration,
}

impl MemoryProvider {
    pub fn new(name: impl Into<String>, config: Configuration) -> MemoryProvider {
        MemoryProvider {
            name: name.into(),
            config,
        }
    }
}

impl Provider for MemoryProvider {
    fn name(&self) -> &str {
        &self.name
    }

    fn run(self: Box<Self>, updates: Updates) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(async move {
            let message = ProviderMessage::new(&self.name, Ok(self.config));
            let _ = updates.send(message).await;
        })
    }
}
