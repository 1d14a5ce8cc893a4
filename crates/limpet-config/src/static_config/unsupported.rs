//! Static options limpet reads without error but does not apply: each one in use (set to
//! anything but its default) becomes a warning at start-up, so an operator never believes a
//! setting is active when it is not.
//!
//! Every field of the static schema is either applied by the runtime or checked here; an
//! option whose default is what limpet does anyway (e.g. `underscoreHeadersStrategy: keep`)
//! is only reported when set to something else.

use serde_json::Value;

use super::{EntryPoint, Http2, StaticConfig, Udp};

/// An option's key (relative to its section), whether it is in use, and what limpet does
/// instead.
type Check = (&'static str, bool, &'static str);

/// One warning per option in use that limpet does not apply.
pub fn unsupported_in_use(config: &StaticConfig) -> Vec<String> {
    let mut warnings = Vec::new();
    for (name, entry_point) in &config.entry_points {
        let at = |key: &str| format!("entryPoints.{name}.{key}");
        warnings.extend(in_use(entry_point_checks(entry_point), at));
    }
    for provider in config.providers.others.keys() {
        warnings.push(not_applied(
            &format!("providers.{provider}"),
            "only the file and docker providers are available",
        ));
    }
    let top = |key: &str| key.to_owned();
    warnings.extend(in_use(top_level_checks(config), top));
    warnings.extend(in_use(section_checks(config), top));
    warnings
}

fn in_use<'a>(
    checks: impl IntoIterator<Item = Check> + 'a,
    key: impl Fn(&str) -> String + 'a,
) -> impl Iterator<Item = String> + 'a {
    checks
        .into_iter()
        .filter(|(_, used, _)| *used)
        .map(move |(name, _, reason)| not_applied(&key(name), reason))
}

fn entry_point_checks(ep: &EntryPoint) -> Vec<Check> {
    let mut checks = vec![
        (
            "address",
            super::is_udp(ep),
            "UDP entrypoints are not served (limpet listens on TCP only)",
        ),
        (
            "allowACMEByPass",
            ep.allow_acme_by_pass,
            "limpet has no ACME",
        ),
        (
            "reusePort",
            ep.reuse_port,
            "the address is bound without SO_REUSEPORT",
        ),
        (
            "proxyProtocol",
            ep.proxy_protocol.is_some(),
            "PROXY protocol headers are not read",
        ),
        (
            "observability",
            is_set(&ep.observability),
            "the access log and metrics cover every entrypoint",
        ),
    ];
    checks.extend(transport_checks(ep));
    checks.extend(forwarded_header_checks(ep));
    checks.extend(http_checks(ep));
    checks.extend(protocol_checks(ep));
    checks
}

fn transport_checks(ep: &EntryPoint) -> [Check; 2] {
    let transport = &ep.transport;
    [
        (
            "transport.keepAliveMaxRequests",
            transport.keep_alive_max_requests != 0,
            "a keep-alive connection serves any number of requests",
        ),
        (
            "transport.keepAliveMaxTime",
            transport.keep_alive_max_time.nanos() != 0,
            "a keep-alive connection has no age limit",
        ),
    ]
}

fn forwarded_header_checks(ep: &EntryPoint) -> [Check; 2] {
    let forwarded = &ep.forwarded_headers;
    [
        (
            "forwardedHeaders.connection",
            !forwarded.connection.is_empty(),
            "headers named in Connection are removed as hop-by-hop headers",
        ),
        (
            "forwardedHeaders.addXForwardedSchemeHeaders",
            forwarded.add_x_forwarded_scheme_headers,
            "only X-Forwarded-Proto carries the scheme",
        ),
    ]
}

fn http_checks(ep: &EntryPoint) -> [Check; 6] {
    let http = &ep.http;
    [
        (
            "http.redirections",
            http.redirections.is_some(),
            "requests are not redirected",
        ),
        (
            "http.middlewares",
            !http.middlewares.is_empty(),
            "middlewares are not available yet",
        ),
        (
            "http.tls.certResolver",
            http.tls.as_ref().is_some_and(|tls| !tls.cert_resolver.is_empty()),
            "ACME is not supported yet: routers serve the certificate matching the SNI, else the default certificate",
        ),
        (
            "http.encodedCharacters",
            is_set(&http.encoded_characters),
            "encoded characters in request paths are not filtered",
        ),
        (
            "http.encodeQuerySemicolons",
            http.encode_query_semicolons,
            "semicolons in queries are forwarded as written",
        ),
        (
            "http.underscoreHeadersStrategy",
            !matches!(http.underscore_headers_strategy.as_str(), "" | "keep"),
            "headers with underscores are kept",
        ),
    ]
}

fn protocol_checks(ep: &EntryPoint) -> [Check; 4] {
    let (http2, traefik) = (&ep.http2, Http2::default());
    let table_size = "HTTP/2 header tables keep hyper's default size (4096 bytes)";
    [
        (
            "http2.maxDecoderHeaderTableSize",
            http2.max_decoder_header_table_size != traefik.max_decoder_header_table_size,
            table_size,
        ),
        (
            "http2.maxEncoderHeaderTableSize",
            http2.max_encoder_header_table_size != traefik.max_encoder_header_table_size,
            table_size,
        ),
        (
            "http3",
            is_set(&ep.http3),
            "entrypoints speak HTTP/1.1 and HTTP/2 (HTTP/3 is not served)",
        ),
        (
            "udp.timeout",
            ep.udp != Udp::default(),
            "UDP entrypoints are not served",
        ),
    ]
}

fn top_level_checks(config: &StaticConfig) -> [Check; 14] {
    let global = config.global.clone().unwrap_or_default();
    let transport = config.servers_transport.as_ref();
    let not_yet = "not available yet";
    [
        (
            "global.checkNewVersion",
            global.check_new_version,
            "limpet never checks for new versions",
        ),
        (
            "global.sendAnonymousUsage",
            global.send_anonymous_usage,
            "limpet sends no usage data",
        ),
        (
            "certificatesResolvers",
            !config.certificates_resolvers.is_empty(),
            not_yet,
        ),
        ("tracing", is_set(&config.tracing), not_yet),
        ("experimental", is_set(&config.experimental), not_yet),
        ("hostResolver", is_set(&config.host_resolver), not_yet),
        (
            "serversTransport.maxIdleConnsPerHost",
            transport.is_some_and(|t| t.max_idle_conns_per_host != 0),
            "idle server connections are kept up to limpet's pool size (256)",
        ),
        (
            "serversTransport.forwardingTimeouts",
            transport.is_some_and(|t| t.forwarding_timeouts.is_some()),
            "servers are dialled with a 30s timeout, responses have no time limit",
        ),
        (
            "serversTransport.spiffe",
            transport.is_some_and(|t| is_set(&t.spiffe)),
            not_yet,
        ),
        (
            "tcpServersTransport",
            is_set(&config.tcp_servers_transport),
            "limpet has no TCP routing",
        ),
        ("spiffe", is_set(&config.spiffe), not_yet),
        ("ocsp", is_set(&config.ocsp), not_yet),
        (
            "core.defaultRuleSyntax",
            config.core.as_ref().is_some_and(|core| {
                !matches!(
                    core.default_rule_syntax.to_ascii_lowercase().as_str(),
                    "" | "v3"
                )
            }),
            "routers use the v3 rule syntax",
        ),
        (
            "metrics (other than prometheus)",
            other_metrics(config),
            not_yet,
        ),
    ]
}

/// Providers, API, log, access log and metrics options.
fn section_checks(config: &StaticConfig) -> Vec<Check> {
    let file = config.providers.file.clone().unwrap_or_default();
    let api = config.api.clone().unwrap_or_default();
    let log = &config.log;
    let rotation = "the log file is not rotated";
    let mut checks = vec![
        (
            "providers.precedence",
            !config.providers.precedence.is_empty(),
            "ties between providers follow the default order",
        ),
        (
            "providers.file.debugLogGeneratedTemplate",
            file.debug_log_generated_template,
            "templates are not supported",
        ),
        ("api.debug", api.debug, "limpet has no debug endpoints"),
        (
            "api.dashboardName",
            !api.dashboard_name.is_empty(),
            "the dashboard shows no custom name",
        ),
        ("log.maxSize", log.max_size != 0, rotation),
        ("log.maxAge", log.max_age != 0, rotation),
        ("log.maxBackups", log.max_backups != 0, rotation),
        ("log.compress", log.compress, rotation),
        (
            "log.otlp",
            is_set(&log.otlp),
            "logs go to stderr or log.filePath",
        ),
    ];
    checks.extend(observability_checks(config));
    checks
}

fn observability_checks(config: &StaticConfig) -> [Check; 4] {
    let access_log = config.access_log.as_ref();
    let prometheus = config.metrics.as_ref().and_then(|m| m.prometheus.as_ref());
    [
        (
            "accessLog.dualOutput",
            access_log.is_some_and(|a| a.dual_output),
            "the access log goes to one output",
        ),
        (
            "accessLog.otlp",
            access_log.is_some_and(|a| is_set(&a.otlp)),
            "the access log goes to stdout or accessLog.filePath",
        ),
        (
            "metrics.prometheus.addRoutersLabels",
            prometheus.is_some_and(|p| p.add_routers_labels),
            "router metrics are not recorded",
        ),
        (
            "metrics.prometheus.headerLabels",
            prometheus.is_some_and(|p| !p.header_labels.is_empty()),
            "request headers are not metric labels",
        ),
    ]
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
        config
            .entry_points
            .insert("web".into(), EntryPoint::default());
        assert!(
            unsupported_in_use(&config).is_empty(),
            "a default entrypoint"
        );
        let mut ep = EntryPoint::default();
        ep.http.redirections = Some(serde_json::json!({"entryPoint": {"to": "websecure"}}));
        config.entry_points.insert("web".into(), ep);
        config
            .providers
            .others
            .insert("consul".into(), serde_json::json!({}));
        config.providers.docker = Some(Default::default());
        let warnings = unsupported_in_use(&config);
        assert!(warnings.iter().any(
            |w| w.starts_with("entryPoints.web.http.redirections is accepted but not applied")
        ));
        assert!(warnings.iter().any(|w| w.starts_with("providers.consul")));
        assert!(!warnings.iter().any(|w| w.starts_with("providers.docker")));
    }
}
