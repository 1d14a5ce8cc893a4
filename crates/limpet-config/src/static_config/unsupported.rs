//! Static options limpet reads without error but does not apply yet: each one in use becomes
//! a warning at start-up, so an operator never believes a setting is active when it is not.

use serde_json::Value;

use super::{EntryPoint, StaticConfig};

/// One warning per option in use that limpet does not apply.
pub fn unsupported_in_use(config: &StaticConfig) -> Vec<String> {
    let mut warnings = Vec::new();
    for (name, entry_point) in &config.entry_points {
        entry_point_options(name, entry_point, &mut warnings);
    }
    for provider in config.providers.others.keys() {
        warnings.push(not_applied(
            &format!("providers.{provider}"),
            "only the file provider is available",
        ));
    }
    top_level_options(config, &mut warnings);
    warnings
}

fn entry_point_options(name: &str, ep: &EntryPoint, warnings: &mut Vec<String>) {
    let at = |key: &str| format!("entryPoints.{name}.{key}");
    if ep.http.redirections.is_some() {
        warnings.push(not_applied(
            &at("http.redirections"),
            "requests are not redirected",
        ));
    }
    if !ep.http.middlewares.is_empty() {
        warnings.push(not_applied(
            &at("http.middlewares"),
            "middlewares are not available yet",
        ));
    }
    if ep.http.tls.is_some() {
        warnings.push(not_applied(
            &at("http.tls"),
            "limpet serves plain HTTP only",
        ));
    }
    if ep.proxy_protocol.is_some() {
        warnings.push(not_applied(
            &at("proxyProtocol"),
            "PROXY protocol headers are not read",
        ));
    }
}

fn top_level_options(config: &StaticConfig, warnings: &mut Vec<String>) {
    let present: [(&str, bool); 6] = [
        (
            "certificatesResolvers",
            !config.certificates_resolvers.is_empty(),
        ),
        ("tracing", is_set(&config.tracing)),
        ("experimental", is_set(&config.experimental)),
        ("hostResolver", is_set(&config.host_resolver)),
        ("serversTransport", config.servers_transport.is_some()),
        ("metrics (other than prometheus)", other_metrics(config)),
    ];
    for (key, in_use) in present {
        if in_use {
            warnings.push(not_applied(key, "not available yet"));
        }
    }
}

fn is_set(value: &Option<Value>) -> bool {
    value.as_ref().is_some_and(|v| !v.is_null())
}

fn other_metrics(config: &StaticConfig) -> bool {
    config.metrics.as_ref().is_some_and(|m| {
        [&m.datadog, &m.stats_d, &m.influx_db2, &m.otlp]
            .into_iter()
            .any(is_set)
    })
}

fn not_applied(key: &str, reason: &str) -> String {
    format!("{key} is accepted but not applied: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_in_use_are_named_and_defaults_are_quiet() {
        assert!(unsupported_in_use(&StaticConfig::default()).is_empty());
        let mut config = StaticConfig::default();
        let mut ep = EntryPoint::default();
        ep.http.redirections = Some(serde_json::json!({"entryPoint": {"to": "websecure"}}));
        config.entry_points.insert("web".into(), ep);
        config
            .providers
            .others
            .insert("docker".into(), serde_json::json!({}));
        let warnings = unsupported_in_use(&config);
        assert!(warnings.iter().any(
            |w| w.starts_with("entryPoints.web.http.redirections is accepted but not applied")
        ));
        assert!(warnings.iter().any(|w| w.starts_with("providers.docker")));
    }
}
