//! `accessLog` and `metrics` sections of the static configuration.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::duration::GoDuration;

/// `accessLog` (format common, stdout).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AccessLog {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file_path: String,
    pub format: String,
    pub filters: AccessLogFilters,
    pub fields: AccessLogFields,
    pub buffering_size: i64,
    pub add_internals: bool,
    pub dual_output: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otlp: Option<Value>,
}

impl Default for AccessLog {
    fn default() -> Self {
        AccessLog {
            file_path: String::new(),
            format: "common".to_owned(),
            filters: AccessLogFilters::default(),
            fields: AccessLogFields::default(),
            buffering_size: 0,
            add_internals: false,
            dual_output: false,
            otlp: None,
        }
    }
}

/// `accessLog.filters`: a line is kept if any filter matches (no filter = all kept).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AccessLogFilters {
    pub status_codes: Vec<String>,
    pub retry_attempts: bool,
    pub min_duration: GoDuration,
}

/// `accessLog.fields` (fields kept, headers dropped by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AccessLogFields {
    pub default_mode: String,
    pub names: BTreeMap<String, String>,
    pub headers: FieldHeaders,
    pub query_parameters: QueryParameters,
}

impl Default for AccessLogFields {
    fn default() -> Self {
        AccessLogFields {
            default_mode: "keep".to_owned(),
            names: BTreeMap::new(),
            headers: FieldHeaders::default(),
            query_parameters: QueryParameters::default(),
        }
    }
}

/// `accessLog.fields.headers` (`drop` by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FieldHeaders {
    pub default_mode: String,
    pub names: BTreeMap<String, String>,
}

impl Default for FieldHeaders {
    fn default() -> Self {
        FieldHeaders {
            default_mode: "drop".to_owned(),
            names: BTreeMap::new(),
        }
    }
}

/// `accessLog.fields.queryParameters` (`keep` by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct QueryParameters {
    pub default_mode: String,
}

impl Default for QueryParameters {
    fn default() -> Self {
        QueryParameters {
            default_mode: "keep".to_owned(),
        }
    }
}

/// `metrics`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Metrics {
    pub add_internals: bool,
    /// Present when enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<Prometheus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub datadog: Option<Value>,
    #[serde(rename = "statsD", skip_serializing_if = "Option::is_none")]
    pub stats_d: Option<Value>,
    #[serde(rename = "influxDB2", skip_serializing_if = "Option::is_none")]
    pub influx_db2: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub otlp: Option<Value>,
}

/// `metrics.prometheus`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Prometheus {
    pub buckets: Vec<f64>,
    pub add_entry_points_labels: bool,
    pub add_routers_labels: bool,
    pub add_services_labels: bool,
    pub entry_point: String,
    pub manual_routing: bool,
    pub header_labels: BTreeMap<String, String>,
}

impl Default for Prometheus {
    fn default() -> Self {
        Prometheus {
            buckets: vec![0.1, 0.3, 1.2, 5.0],
            add_entry_points_labels: true,
            add_routers_labels: false,
            add_services_labels: true,
            entry_point: "traefik".to_owned(),
            manual_routing: false,
            header_labels: BTreeMap::new(),
        }
    }
}
