//! `loadBalancer` → [`LoadBalancerModel`]: strategy, server URLs, sticky cookie, defaults.

use std::time::Duration;

use crate::diagnostics::ElementError;
use crate::dynamic::{LoadBalancer, Server};
use crate::model::{FlushInterval, LoadBalancerModel, ServerModel, Strategy, DEFAULT_DRAIN_IDLE};

const DEFAULT_FLUSH_INTERVAL: Duration = Duration::from_millis(100);

/// Builds the model of load balancer `service` (qualified name), or every error found.
pub(super) fn build(
    service: &str,
    config: &LoadBalancer,
    transport: std::sync::Arc<crate::model::TransportModel>,
) -> Result<LoadBalancerModel, Vec<ElementError>> {
    let mut errors = Vec::new();
    let strategy = strategy(&config.strategy).map_err(|e| errors.push(e)).ok();
    let health_check = match config.health_check.as_deref().map(super::health::active) {
        Some(Err(mut check_errors)) => {
            errors.append(&mut check_errors);
            None
        }
        Some(Ok(check)) => Some(check),
        None => None,
    };
    let servers: Vec<ServerModel> = config
        .servers
        .iter()
        .filter_map(|s| server(s).map_err(|e| errors.push(e)).ok())
        .collect();
    let sticky = super::cookie::sticky_model(service, config.sticky.as_ref())
        .map_err(|e| errors.push(e))
        .ok();
    let passive_health_check = config.passive_health_check.as_ref().and_then(|check| {
        super::health::passive(check)
            .map_err(|e| errors.push(e))
            .ok()
    });
    match (strategy, sticky) {
        (Some(strategy), Some(sticky)) if errors.is_empty() => Ok(LoadBalancerModel {
            servers,
            transport,
            strategy,
            pass_host_header: config.pass_host_header.unwrap_or(true),
            sticky,
            flush_interval: flush_interval(config),
            health_check,
            passive_health_check,
            drain_idle: super::health::positive_or(config.drain_idle, DEFAULT_DRAIN_IDLE),
            drain_timeout: config
                .drain_timeout
                .filter(|d| d.nanos() > 0)
                .map(|d| d.to_std()),
        }),
        _ => Err(errors),
    }
}

fn strategy(name: &str) -> Result<Strategy, ElementError> {
    match name {
        "" | "wrr" => Ok(Strategy::Wrr),
        "p2c" => Ok(Strategy::P2c),
        "leasttime" => Ok(Strategy::LeastTime),
        "hrw" => Ok(Strategy::Hrw),
        other => Err(ElementError::invalid(format!(
            "unsupported load-balancer strategy {other:?}"
        ))),
    }
}

fn flush_interval(config: &LoadBalancer) -> FlushInterval {
    let configured = config
        .response_forwarding
        .as_ref()
        .and_then(|r| r.flush_interval);
    match configured {
        None => FlushInterval::Every(DEFAULT_FLUSH_INTERVAL),
        Some(interval) if interval.is_negative() => FlushInterval::Immediate,
        Some(interval) => FlushInterval::Every(interval.to_std()),
    }
}

fn server(config: &Server) -> Result<ServerModel, ElementError> {
    let uri = parse_server_url(&config.url)
        .map_err(|reason| reason.prefixed(&format!("error parsing server URL {}: ", config.url)))?;
    let weight = super::bounded_weight(config.weight.unwrap_or(1))
        .map_err(|reason| reason.prefixed(&format!("server {:?}: ", config.url)))?;
    Ok(ServerModel {
        url: config.url.clone(),
        uri,
        weight,
        preserve_path: config.preserve_path,
        id: config.id.clone().filter(|id| !id.is_empty()),
        draining: config.draining,
    })
}

/// An absolute `http`/`https` URL with a host; the error is the reason alone.
fn parse_server_url(url: &str) -> Result<http::Uri, ElementError> {
    let uri: http::Uri = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| ElementError::invalid(e.to_string()))?;
    match uri.scheme_str() {
        Some(scheme)
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") => {}
        Some(scheme) => {
            return Err(ElementError::invalid(format!(
                "unsupported scheme {scheme:?} (expected http or https)"
            )))
        }
        None => {
            let message = "missing scheme (expected http:// or https://)";
            return Err(ElementError::invalid(message));
        }
    }
    match uri.host() {
        Some(host) if !host.is_empty() => Ok(uri),
        _ => Err(ElementError::invalid("missing host")),
    }
}
