//! Traefik's static configuration: schema, file and flag loading, config-file lookup, and
//! the effective entrypoint set.
//!
//! Sources: a file (YAML/TOML, found by [`find_config_file`] or `--configFile`) and
//! Traefik-style flags. **Flags override the file key by key** ([`load`]); Traefik instead
//! treats file, flags and environment as mutually exclusive sources. Unknown keys are
//! warnings naming their full path, not errors; keys are case-insensitive as in Traefik.

mod docker;
mod entry_point;
mod flags;
mod lookup;
mod observability;
mod schema;
mod unsupported;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use crate::decode::{document, DecodeError};
use crate::keys::{overlay, static_shape, Normalizer, UnknownKeys};

pub use docker::{DockerProvider, DockerTls, DEFAULT_ENDPOINT, DEFAULT_RULE};
pub use entry_point::{
    EntryPoint, EntryPointHttp, ForwardedHeaders, Http2, LifeCycle, ProxyProtocol,
    RespondingTimeouts, Transport, Udp,
};
pub use flags::{from_flags, FlagTree};
pub use lookup::{find_config_file, find_config_file_in};
pub use schema::{
    AccessLog, AccessLogFields, AccessLogFilters, Api, Core, FieldHeaders, FileProvider,
    ForwardingTimeouts, Global, Log, Metrics, Ping, Prometheus, Providers, ServersTransport,
    StaticConfig,
};
pub use unsupported::unsupported_in_use;

/// Name of Traefik's internal entrypoint (API, dashboard, ping, metrics).
pub const INTERNAL_ENTRY_POINT: &str = "traefik";

/// A static configuration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaticError {
    /// The file does not read or parse; Display names the file (and line when known).
    #[error(transparent)]
    File(#[from] DecodeError),
    /// A command-line flag is malformed.
    #[error("invalid flag {flag:?}: {reason}")]
    Flag { flag: String, reason: String },
    /// The merged file and flags do not fit the schema.
    #[error("invalid static configuration: {0}")]
    Invalid(String),
}

/// Loads a static configuration file. Unknown keys come back as warnings.
pub fn load_static(path: &Path) -> Result<(StaticConfig, Vec<String>), StaticError> {
    load(Some(path), &FlagTree::default())
}

/// Loads `config_file` (if any) and applies `flags` over it: a key set by a flag replaces
/// the same key from the file; everything else from the file stays. Returns the final
/// configuration and the warnings (unknown keys in the file or the flags).
pub fn load(
    config_file: Option<&Path>,
    flags: &FlagTree,
) -> Result<(StaticConfig, Vec<String>), StaticError> {
    let mut normalizer = Normalizer::new(UnknownKeys::Warn);
    let mut merged = match config_file {
        Some(path) => normalize_file(path, &mut normalizer)?,
        None => Value::Object(Map::new()),
    };
    let flag_values = normalizer
        .normalize(flags.0.clone(), &static_shape::STATIC, "")
        .map_err(|e| StaticError::Invalid(e.to_string()))?;
    overlay(&mut merged, flag_values);
    let config: StaticConfig =
        serde_path_to_error::deserialize(merged).map_err(|e| StaticError::Invalid(describe(&e)))?;
    let mut warnings = normalizer.warnings;
    warnings.extend(unsupported_in_use(&config));
    Ok((config, warnings))
}

fn normalize_file(path: &Path, normalizer: &mut Normalizer) -> Result<Value, StaticError> {
    let bytes = std::fs::read(path).map_err(|e| DecodeError::new(path, e.to_string()))?;
    let document = document::parse(path, &bytes)?;
    let normalized = normalizer
        .normalize(document, &static_shape::STATIC, "")
        .map_err(|e| DecodeError::new(path, e.to_string()))?;
    Ok(normalized)
}

fn describe(error: &serde_path_to_error::Error<serde_json::Error>) -> String {
    format!("{}: {}", error.path(), error.inner())
}

/// HTTP entrypoint names, for routers: every TCP entrypoint (UDP ones cannot carry HTTP),
/// and those a router without `entryPoints` gets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryPointSet {
    /// Every effective entrypoint, sorted.
    pub all: Vec<String>,
    /// Those flagged `asDefault: true`, or if none is, all except `traefik`; sorted.
    pub defaults: Vec<String>,
}

/// The entrypoints Traefik would listen on (`SetEffectiveConfiguration`): none configured →
/// `http` on `:80`; `traefik` on `:8080` added when the API is insecure or ping/prometheus
/// use it and it is not defined.
pub fn effective_entry_points(config: &StaticConfig) -> BTreeMap<String, EntryPoint> {
    let mut entry_points = config.entry_points.clone();
    if entry_points.is_empty() {
        entry_points.insert(
            "http".to_owned(),
            EntryPoint {
                address: ":80".to_owned(),
                ..EntryPoint::default()
            },
        );
    }
    if needs_internal_entry_point(config) && !entry_points.contains_key(INTERNAL_ENTRY_POINT) {
        let internal = EntryPoint {
            address: ":8080".to_owned(),
            ..EntryPoint::default()
        };
        entry_points.insert(INTERNAL_ENTRY_POINT.to_owned(), internal);
    }
    entry_points
}

fn needs_internal_entry_point(config: &StaticConfig) -> bool {
    let api = config.api.as_ref().is_some_and(|api| api.insecure);
    let ping = config
        .ping
        .as_ref()
        .is_some_and(|ping| ping.entry_point == INTERNAL_ENTRY_POINT);
    let prometheus = config
        .metrics
        .as_ref()
        .and_then(|m| m.prometheus.as_ref())
        .is_some_and(|p| p.entry_point == INTERNAL_ENTRY_POINT);
    api || ping || prometheus
}

/// The entrypoint names of [`effective_entry_points`] and the default set.
pub fn entry_point_set(config: &StaticConfig) -> EntryPointSet {
    let mut entry_points = effective_entry_points(config);
    entry_points.retain(|_, ep| !is_udp(ep));
    let all: Vec<String> = entry_points.keys().cloned().collect();
    let flagged: Vec<String> = entry_points
        .iter()
        .filter(|(_, ep)| ep.as_default)
        .map(|(n, _)| n.clone())
        .collect();
    let defaults = if flagged.is_empty() {
        all.iter()
            .filter(|name| *name != INTERNAL_ENTRY_POINT)
            .cloned()
            .collect()
    } else {
        flagged
    };
    EntryPointSet { all, defaults }
}

/// Whether an entrypoint listens on UDP (`address: ":53/udp"`).
pub fn is_udp(entry_point: &EntryPoint) -> bool {
    entry_point.address.to_ascii_lowercase().ends_with("/udp")
}
