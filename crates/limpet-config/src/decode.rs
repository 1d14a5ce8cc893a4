//! Dynamic configuration files: YAML or TOML bytes → [`Configuration`], with errors that name
//! the file, the line (for syntax errors) and the element path (for schema errors).
//!
//! Keys are matched case-insensitively like Traefik's paerser (see [`crate::keys`]); element
//! names and other map keys keep their case. Go templating of files (Traefik runs every file
//! through `text/template`) is not supported.

mod directory;
pub(crate) mod document;
mod source;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::dynamic::Configuration;
use crate::keys::{dynamic_shape, KeyError, Normalizer, UnknownKeys};

pub use directory::{merge_files, read_directory};
pub use document::{format_of, Format};
pub use source::{FileSource, FileSourceError};

/// A file that could not be read or decoded; Display starts with the file path, then the
/// line and column when known.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {}{reason}", file.display(), location(*line, *column))]
pub struct DecodeError {
    pub file: PathBuf,
    /// 1-based, when known (syntax errors).
    pub line: Option<usize>,
    /// 1-based, when known.
    pub column: Option<usize>,
    pub reason: String,
}

impl DecodeError {
    pub fn new(file: &Path, reason: impl Into<String>) -> Self {
        DecodeError {
            file: file.to_owned(),
            line: None,
            column: None,
            reason: reason.into(),
        }
    }

    fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    fn from_key_error(file: &Path, error: KeyError) -> Self {
        DecodeError::new(file, error.to_string())
    }
}

/// `line L, column C: ` (or `line L: `) when the line is known.
fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("line {line}, column {column}: "),
        (Some(line), None) => format!("line {line}: "),
        _ => String::new(),
    }
}

/// Reads and decodes one dynamic configuration file ([`decode_file`]).
pub fn read_file(path: &Path) -> Result<Configuration, DecodeError> {
    let bytes = std::fs::read(path).map_err(|e| DecodeError::new(path, e.to_string()))?;
    decode_file(path, &bytes)
}

/// Decodes one dynamic configuration file; the format comes from the extension
/// (`.yml`/`.yaml`/`.toml`, case-insensitive). An empty file is an empty configuration.
pub fn decode_file(path: &Path, bytes: &[u8]) -> Result<Configuration, DecodeError> {
    let document = document::parse(path, bytes)?;
    let mut normalizer = Normalizer::new(UnknownKeys::Reject);
    let normalized = normalizer
        .normalize(document, &dynamic_shape::CONFIGURATION, "")
        .map_err(|e| DecodeError::from_key_error(path, e))?;
    deserialize_typed(path, normalized)
}

/// Deserializes a normalised document, naming the element path in errors.
pub(crate) fn deserialize_typed<T: DeserializeOwned>(
    path: &Path,
    value: Value,
) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let at = error.path().to_string();
        let reason = if at == "." {
            error.inner().to_string()
        } else {
            format!("{at}: {}", error.inner())
        };
        DecodeError::new(path, reason)
    })
}
