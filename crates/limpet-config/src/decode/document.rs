//! Parsing YAML or TOML text into a generic JSON value, keeping line numbers of syntax errors.

use std::path::Path;

use serde_json::{Map, Value};

use super::DecodeError;

/// A configuration file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
}

/// The format of `path` from its extension, case-insensitively; `None` if unsupported.
pub fn format_of(path: &Path) -> Option<Format> {
    let extension = path.extension()?.to_str()?.to_ascii_lowercase();
    match extension.as_str() {
        "yml" | "yaml" => Some(Format::Yaml),
        "toml" => Some(Format::Toml),
        _ => None,
    }
}

/// Parses `bytes` as the format of `path`; an empty document is an empty object.
pub(crate) fn parse(path: &Path, bytes: &[u8]) -> Result<Value, DecodeError> {
    let format = format_of(path).ok_or_else(|| {
        DecodeError::new(
            path,
            "unsupported file extension (expected .yml, .yaml or .toml)",
        )
    })?;
    let text = std::str::from_utf8(bytes)
        .map_err(|e| DecodeError::new(path, format!("invalid UTF-8: {e}")))?;
    let value = match format {
        Format::Yaml => parse_yaml(path, text)?,
        Format::Toml => parse_toml(path, text)?,
    };
    Ok(match value {
        Value::Null => Value::Object(Map::new()),
        other => other,
    })
}

fn parse_yaml(path: &Path, text: &str) -> Result<Value, DecodeError> {
    let mut yaml: serde_yaml_ng::Value =
        serde_yaml_ng::from_str(text).map_err(|e| yaml_error(path, &e))?;
    yaml.apply_merge().map_err(|e| yaml_error(path, &e))?;
    serde_json::to_value(yaml).map_err(|e| DecodeError::new(path, e.to_string()))
}

fn yaml_error(path: &Path, error: &serde_yaml_ng::Error) -> DecodeError {
    let reason = strip_location_suffix(&error.to_string());
    let base = DecodeError::new(path, reason);
    match error.location() {
        Some(location) => base.at(location.line(), location.column()),
        None => base,
    }
}

/// serde_yaml_ng embeds ` at line L column C` in its messages; `DecodeError` shows the
/// location itself, so the embedded one is removed.
fn strip_location_suffix(message: &str) -> String {
    let Some(start) = message.find(" at line ") else {
        return message.to_owned();
    };
    let after = &message[start + " at line ".len()..];
    let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let line_len = digits(after);
    let Some(rest) = after[line_len..].strip_prefix(" column ") else {
        return message.to_owned();
    };
    let tail = &rest[digits(rest)..];
    format!("{}{tail}", &message[..start])
}

fn parse_toml(path: &Path, text: &str) -> Result<Value, DecodeError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(path, text, &e))?;
    serde_json::to_value(table).map_err(|e| DecodeError::new(path, e.to_string()))
}

fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> DecodeError {
    let base = DecodeError::new(path, error.message().trim_end().to_owned());
    match error.span() {
        Some(span) => {
            let (line, column) = line_and_column(text, span.start);
            base.at(line, column)
        }
        None => base,
    }
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}
