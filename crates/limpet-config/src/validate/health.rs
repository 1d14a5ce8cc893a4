//! `healthCheck`, `passiveHealthCheck` → models, Traefik's defaults (docs/traefik.md#health-checks).

use std::time::Duration;

use crate::diagnostics::ElementError;
use crate::duration::GoDuration;
use crate::dynamic::{PassiveHealthCheck, ServerHealthCheck};
use crate::model::{HealthCheckModel, PassiveHealthCheckModel, MAX_FAILED_ATTEMPTS};

const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_FAILURE_WINDOW: Duration = Duration::from_secs(10);

/// The active health check model, or the reasons it cannot be used.
pub(super) fn active(check: &ServerHealthCheck) -> Result<HealthCheckModel, Vec<ElementError>> {
    let mut errors = Vec::new();
    if check.mode.eq_ignore_ascii_case("grpc") {
        errors.push(ElementError::unsupported(format!(
            "healthCheck mode {:?} is not supported yet",
            check.mode
        )));
    } else if !check.mode.is_empty() && !check.mode.eq_ignore_ascii_case("http") {
        errors.push(ElementError::invalid(format!(
            "healthCheck mode {:?} is not valid (expected http)",
            check.mode
        )));
    }
    if check.path.contains("://") {
        errors.push(ElementError::invalid(
            "health check path must be a relative URL",
        ));
    }
    let method = method(&check.method).map_err(|e| errors.push(e)).ok();
    let port = port(check.port).map_err(|e| errors.push(e)).ok();
    let status = status(check.status).map_err(|e| errors.push(e)).ok();
    match (method, port, status) {
        (Some(method), Some(port), Some(status)) if errors.is_empty() => {
            Ok(model(check, method, port, status))
        }
        _ => Err(errors),
    }
}

fn model(
    check: &ServerHealthCheck,
    method: http::Method,
    port: Option<u16>,
    status: Option<u16>,
) -> HealthCheckModel {
    let interval = positive_or(check.interval, DEFAULT_INTERVAL);
    HealthCheckModel {
        scheme: non_empty(&check.scheme),
        path: path(&check.path),
        method,
        hostname: non_empty(&check.hostname),
        port,
        interval,
        unhealthy_interval: positive_or(check.unhealthy_interval, interval),
        timeout: positive_or(check.timeout, DEFAULT_TIMEOUT),
        headers: check
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
        follow_redirects: check.follow_redirects.unwrap_or(true),
        status,
    }
}

/// Traefik logs an error and uses the default for an interval or timeout ≤ 0: the same,
/// as warnings on the service.
pub(super) fn replaced_by_defaults(check: &ServerHealthCheck) -> Vec<ElementError> {
    let interval = positive_or(check.interval, DEFAULT_INTERVAL);
    [
        ("interval", check.interval, DEFAULT_INTERVAL),
        ("unhealthyInterval", check.unhealthy_interval, interval),
        ("timeout", check.timeout, DEFAULT_TIMEOUT),
    ]
    .into_iter()
    .filter_map(|(key, value, default)| {
        let value = value.filter(|d| d.nanos() <= 0)?;
        Some(ElementError::invalid(format!(
            "healthCheck.{key} {value} is not positive: {} is used instead",
            GoDuration(i64::try_from(default.as_nanos()).unwrap_or(i64::MAX))
        )))
    })
    .collect()
}

/// The passive health check model with defaults (window 10s, one failure), or why its
/// `maxFailedAttempts` cannot be used.
pub(super) fn passive(check: &PassiveHealthCheck) -> Result<PassiveHealthCheckModel, ElementError> {
    let attempts = check.max_failed_attempts;
    if attempts > MAX_FAILED_ATTEMPTS {
        return Err(ElementError::invalid(format!(
            "passiveHealthCheck.maxFailedAttempts {attempts} is above the maximum \
             {MAX_FAILED_ATTEMPTS}; use a shorter failureWindow with fewer attempts"
        )));
    }
    Ok(PassiveHealthCheckModel {
        failure_window: positive_or(check.failure_window, DEFAULT_FAILURE_WINDOW),
        max_failed_attempts: u32::try_from(attempts).unwrap_or(0).max(1),
    })
}

/// Traefik replaces an interval or timeout ≤ 0 by its default.
pub(super) fn positive_or(value: Option<GoDuration>, default: Duration) -> Duration {
    value
        .filter(|d| d.nanos() > 0)
        .map_or(default, GoDuration::to_std)
}

fn path(configured: &str) -> String {
    match configured {
        "" => "/".to_owned(),
        p if p.starts_with('/') => p.to_owned(),
        p => format!("/{p}"),
    }
}

fn method(configured: &str) -> Result<http::Method, ElementError> {
    if configured.is_empty() {
        return Ok(http::Method::GET);
    }
    http::Method::from_bytes(configured.to_ascii_uppercase().as_bytes()).map_err(|_| {
        ElementError::invalid(format!(
            "healthCheck method {configured:?} is not a valid HTTP method"
        ))
    })
}

fn port(configured: i64) -> Result<Option<u16>, ElementError> {
    match configured {
        0 => Ok(None),
        p => u16::try_from(p).map(Some).map_err(|_| {
            ElementError::invalid(format!("healthCheck port {p} is out of range (1-65535)"))
        }),
    }
}

fn status(configured: i64) -> Result<Option<u16>, ElementError> {
    match u16::try_from(configured) {
        Ok(0) => Ok(None),
        Ok(s) if (100..=599).contains(&s) => Ok(Some(s)),
        _ => Err(ElementError::invalid(format!(
            "healthCheck status {configured} is not an HTTP status code"
        ))),
    }
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}
