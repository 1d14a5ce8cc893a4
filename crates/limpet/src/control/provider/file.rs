//! The file provider: a file or a directory tree of YAML/TOML (docs/traefik.md#files-and-reloads),
//! read by limpet-config's [`FileSource`] (the same reader `limpet check` uses).
//!
//! Reads everything at start, then again after any change under the watched path (debounced)
//! and on SIGHUP. A file that does not parse is reported with its path, line and reason, and
//! the previous configuration stays in service.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;

use limpet_config::decode::FileSource;
use limpet_config::dynamic::Configuration;
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use tokio::sync::mpsc;

use super::{Provider, ProviderError, ProviderMessage, Updates};

/// Quiet time after the last file event before reloading (editors write in several steps).
const DEBOUNCE: Duration = Duration::from_millis(100);

/// The `file` provider.
pub struct FileProvider {
    source: FileSource,
    watch: bool,
}

impl FileProvider {
    pub fn new(source: FileSource, watch: bool) -> FileProvider {
        FileProvider { source, watch }
    }
}

impl Provider for FileProvider {
    fn name(&self) -> &str {
        "file"
    }

    fn run(self: Box<Self>, updates: Updates) -> Pin<Box<dyn Future<Output = ()> + Send>> {
        Box::pin(async move { self.watch_and_send(updates).await })
    }
}

impl FileProvider {
    async fn watch_and_send(self, updates: Updates) {
        let (events_tx, mut events) = mpsc::channel::<()>(16);
        let _watcher = if self.watch {
            self.start_watcher(events_tx.clone())
        } else {
            None
        };
        spawn_sighup_forwarder(events_tx);
        if !self.send(&updates).await {
            return;
        }
        while events.recv().await.is_some() {
            debounce(&mut events).await;
            if !self.send(&updates).await {
                return;
            }
        }
    }

    /// Reads the source and sends the result; false once nobody listens.
    async fn send(&self, updates: &Updates) -> bool {
        let source = self.source.clone();
        let update = match tokio::task::spawn_blocking(move || load(&source)).await {
            Ok(update) => update,
            Err(error) => Err(ProviderError::Task(error)),
        };
        let message = ProviderMessage::new("file", update);
        updates.send(message).await.is_ok()
    }

    fn start_watcher(&self, events: mpsc::Sender<()>) -> Option<RecommendedWatcher> {
        let (target, mode) = match &self.source {
            FileSource::File(file) => (watch_dir_of(file), RecursiveMode::NonRecursive),
            FileSource::Directory(dir) => (dir.clone(), RecursiveMode::Recursive),
        };
        let filter = self.source.clone();
        let handler = move |event: notify::Result<notify::Event>| {
            if event.is_ok_and(|e| concerns(&filter, &e)) {
                let _ = events.try_send(());
            }
        };
        let mut watcher = notify::recommended_watcher(handler)
            .inspect_err(|error| tracing::error!(%error, "cannot watch configuration files"))
            .ok()?;
        if let Err(error) = watcher.watch(&target, mode) {
            tracing::error!(path = %target.display(), %error, "cannot watch configuration path");
            return None;
        }
        Some(watcher)
    }
}

/// The directory holding `file` (watching it catches editors that replace the file).
fn watch_dir_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// In file mode only events on that file name count; in directory mode all do.
fn concerns(source: &FileSource, event: &notify::Event) -> bool {
    if event.kind.is_access() {
        return false;
    }
    match source {
        FileSource::File(file) => event
            .paths
            .iter()
            .any(|p| p.file_name() == file.file_name()),
        FileSource::Directory(_) => true,
    }
}

/// Waits until no event arrived for `DEBOUNCE`.
async fn debounce(events: &mut mpsc::Receiver<()>) {
    while let Ok(Some(())) = tokio::time::timeout(DEBOUNCE, events.recv()).await {}
}

/// SIGHUP forces a reload, as in Traefik.
fn spawn_sighup_forwarder(events: mpsc::Sender<()>) {
    let Ok(mut hangups) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
    else {
        return;
    };
    tokio::spawn(async move {
        while hangups.recv().await.is_some() {
            if events.send(()).await.is_err() {
                return;
            }
        }
    });
}

/// Reads and decodes the whole source; directory-mode warnings (a name defined in several
/// files) are logged.
pub fn load(source: &FileSource) -> Result<Configuration, ProviderError> {
    let (config, warnings) = source.read()?;
    for warning in warnings {
        tracing::warn!(providerName = "file", "{warning}");
    }
    Ok(config)
}
