//! Process logging (`log.level`, `log.format`, `log.filePath`, `log.noColor`) via tracing.

use std::fs::OpenOptions;
use std::io::IsTerminal;
use std::sync::Mutex;

use tracing::level_filters::LevelFilter;

/// Logging settings, from the static configuration's `log` section.
#[derive(Debug, Clone, Default)]
pub struct LogSettings {
    /// Traefik's level names: TRACE, DEBUG, INFO, WARN, ERROR (default), FATAL, PANIC.
    pub level: Option<String>,
    /// `common` (default) or `json`.
    pub format: Option<String>,
    pub file_path: Option<String>,
    pub no_color: bool,
}

/// Traefik's level name → tracing filter; unknown names fall back to ERROR.
pub fn level_filter(level: Option<&str>) -> LevelFilter {
    match level.unwrap_or("ERROR").to_ascii_uppercase().as_str() {
        "TRACE" => LevelFilter::TRACE,
        "DEBUG" => LevelFilter::DEBUG,
        "INFO" => LevelFilter::INFO,
        "WARN" | "WARNING" => LevelFilter::WARN,
        _ => LevelFilter::ERROR,
    }
}

/// Why logging could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("log.filePath {path}: {error}")]
    File {
        path: String,
        /// Shown in the message, not as a source: logs print the text once.
        error: std::io::Error,
    },
    /// A global subscriber is already installed.
    #[error("{0}")]
    Init(String),
}

/// Installs the global subscriber; fails when `filePath` cannot be opened.
pub fn init(settings: &LogSettings) -> Result<(), LogError> {
    let level = level_filter(settings.level.as_deref());
    let json = settings
        .format
        .as_deref()
        .is_some_and(|f| f.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_target(false);
    let result = match &settings.file_path {
        Some(path) => {
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|error| LogError::File {
                    path: path.clone(),
                    error,
                })?;
            let builder = builder.with_ansi(false).with_writer(Mutex::new(file));
            if json {
                builder.json().try_init()
            } else {
                builder.try_init()
            }
        }
        None => {
            let color = !settings.no_color && std::io::stderr().is_terminal();
            let builder = builder.with_ansi(color).with_writer(std::io::stderr);
            if json {
                builder.json().try_init()
            } else {
                builder.try_init()
            }
        }
    };
    result.map_err(|e| LogError::Init(e.to_string()))
}
