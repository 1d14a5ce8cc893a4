//! `accessLog` options turned into what the writer checks per line: format, filters, and
//! which fields and headers are kept, dropped or redacted.

use std::collections::HashMap;
use std::time::Duration;

use limpet_config::static_config::AccessLog as Config;

/// `accessLog.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Common,
    GenericClf,
    Json,
}

/// What happens to a field or header in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Keep,
    Drop,
    Redact,
}

impl Mode {
    fn parse(text: &str, default: Mode) -> Mode {
        match text.to_ascii_lowercase().as_str() {
            "keep" => Mode::Keep,
            "drop" => Mode::Drop,
            "redact" => Mode::Redact,
            _ => default,
        }
    }
}

/// Parsed `accessLog` settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub format: Format,
    /// `filters.statusCodes` as inclusive ranges.
    status_ranges: Vec<(u16, u16)>,
    retry_attempts: bool,
    min_duration: Duration,
    fields_default: Mode,
    fields: HashMap<String, Mode>,
    headers_default: Mode,
    /// Header modes by lowercase name.
    headers: HashMap<String, Mode>,
    pub drop_query: bool,
    pub add_internals: bool,
}

impl Settings {
    pub fn from_config(config: &Config) -> Settings {
        let fields = &config.fields;
        Settings {
            format: format(&config.format),
            status_ranges: config
                .filters
                .status_codes
                .iter()
                .filter_map(|r| range(r))
                .collect(),
            retry_attempts: config.filters.retry_attempts,
            min_duration: config.filters.min_duration.to_std(),
            fields_default: Mode::parse(&fields.default_mode, Mode::Keep),
            fields: fields
                .names
                .iter()
                .map(|(name, mode)| (name.clone(), Mode::parse(mode, Mode::Keep)))
                .collect(),
            headers_default: Mode::parse(&fields.headers.default_mode, Mode::Drop),
            headers: fields
                .headers
                .names
                .iter()
                .map(|(name, mode)| (name.to_ascii_lowercase(), Mode::parse(mode, Mode::Drop)))
                .collect(),
            drop_query: fields
                .query_parameters
                .default_mode
                .eq_ignore_ascii_case("drop"),
            add_internals: config.add_internals,
        }
    }

    /// Whether a line for this status/duration/retries is written: any filter matching
    /// keeps it; no filters keeps everything.
    pub fn keeps(&self, status: u16, duration: Duration, retries: u32) -> bool {
        let no_filters =
            self.status_ranges.is_empty() && !self.retry_attempts && self.min_duration.is_zero();
        no_filters
            || self
                .status_ranges
                .iter()
                .any(|(lo, hi)| (*lo..=*hi).contains(&status))
            || (self.retry_attempts && retries > 0)
            || (!self.min_duration.is_zero() && duration > self.min_duration)
    }

    pub fn field(&self, name: &str) -> Mode {
        self.fields
            .get(name)
            .copied()
            .unwrap_or(self.fields_default)
    }

    pub fn header(&self, name: &str) -> Mode {
        self.headers
            .get(name)
            .copied()
            .unwrap_or(self.headers_default)
    }

    /// Whether any header can appear in a line (otherwise headers are not captured).
    pub fn wants_headers(&self) -> bool {
        self.headers_default != Mode::Drop || self.headers.values().any(|m| *m != Mode::Drop)
    }
}

fn format(text: &str) -> Format {
    match text {
        "" | "common" => Format::Common,
        "genericCLF" => Format::GenericClf,
        "json" => Format::Json,
        other => {
            tracing::error!(
                "unsupported access log format: {other:?}, defaulting to common format instead."
            );
            Format::Common
        }
    }
}

/// `"200"` or `"300-302"`.
fn range(text: &str) -> Option<(u16, u16)> {
    match text.split_once('-') {
        Some((lo, hi)) => Some((lo.trim().parse().ok()?, hi.trim().parse().ok()?)),
        None => {
            let code = text.trim().parse().ok()?;
            Some((code, code))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_keep_when_any_matches() {
        let mut config = Config::default();
        config.filters.status_codes = vec!["200".into(), "500-504".into()];
        let settings = Settings::from_config(&config);
        assert!(settings.keeps(200, Duration::ZERO, 0));
        assert!(settings.keeps(503, Duration::ZERO, 0));
        assert!(!settings.keeps(404, Duration::ZERO, 0));
        let all = Settings::from_config(&Config::default());
        assert!(all.keeps(404, Duration::ZERO, 0));
    }
}
