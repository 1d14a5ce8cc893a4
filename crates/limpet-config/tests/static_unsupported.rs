//! The start-up warning for static options limpet reads but does not apply: every such
//! option in use is named, and options limpet applies are not.

use limpet_config::static_config::{load_static, StaticConfig};

/// Loads `yaml` as a static file; returns the configuration and its warnings.
fn load_yaml(name: &str, yaml: &str) -> (StaticConfig, Vec<String>) {
    let dir = std::env::temp_dir().join(format!(
        "limpet-config-unsupported-{}-{name}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("limpet.yml");
    std::fs::write(&path, yaml).unwrap_or_else(|e| panic!("{e}"));
    let loaded = load_static(&path).unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(&dir);
    loaded
}

/// Asserts that each of `keys` is named by exactly one "not applied" warning, and that no
/// other warning is there.
fn assert_named(warnings: &[String], keys: &[&str]) {
    for key in keys {
        let prefix = format!("{key} is accepted but not applied: ");
        let hits = warnings.iter().filter(|w| w.starts_with(&prefix)).count();
        assert_eq!(hits, 1, "{key}: {warnings:#?}");
    }
    assert_eq!(warnings.len(), keys.len(), "{warnings:#?}");
}

const ENTRY_POINT_OPTIONS: &str = r#"
entryPoints:
  web:
    address: ":8000"
    allowACMEByPass: true
    reusePort: true
    transport:
      respondingTimeouts: {readTimeout: 5s, writeTimeout: 5s, idleTimeout: 30s}
      keepAliveMaxRequests: 100
      keepAliveMaxTime: 1m
    proxyProtocol: {insecure: true}
    forwardedHeaders:
      connection: [X-Keep]
      addXForwardedSchemeHeaders: true
    http:
      redirections: {entryPoint: {to: websecure}}
      middlewares: [auth@file]
      tls: {certResolver: le}
      encodedCharacters: {allowEncodedSlash: true}
      encodeQuerySemicolons: true
      maxHeaderBytes: 8192
      underscoreHeadersStrategy: reject
    http2: {maxConcurrentStreams: 10, maxDecoderHeaderTableSize: 1, maxEncoderHeaderTableSize: 1}
    http3: {advertisedPort: 443}
    observability: {accessLogs: false}
  dns:
    address: ":53/udp"
    udp: {timeout: 10s}
"#;

#[test]
fn every_unapplied_entry_point_option_is_named() {
    let (_, warnings) = load_yaml("entry-points", ENTRY_POINT_OPTIONS);
    let web = [
        "allowACMEByPass",
        "reusePort",
        "transport.keepAliveMaxRequests",
        "transport.keepAliveMaxTime",
        "proxyProtocol",
        "forwardedHeaders.connection",
        "forwardedHeaders.addXForwardedSchemeHeaders",
        "http.redirections",
        "http.middlewares",
        "http.tls.certResolver",
        "http.encodedCharacters",
        "http.encodeQuerySemicolons",
        "http.underscoreHeadersStrategy",
        "http2.maxDecoderHeaderTableSize",
        "http2.maxEncoderHeaderTableSize",
        "http3",
        "observability",
    ]
    .map(|key| format!("entryPoints.web.{key}"));
    let mut keys: Vec<&str> = web.iter().map(String::as_str).collect();
    keys.extend(["entryPoints.dns.address", "entryPoints.dns.udp.timeout"]);
    assert_named(&warnings, &keys);
}

const TOP_LEVEL_OPTIONS: &str = r#"
global: {checkNewVersion: true, sendAnonymousUsage: true}
serversTransport: {insecureSkipVerify: true, maxIdleConnsPerHost: 5, forwardingTimeouts: {dialTimeout: 5s}, spiffe: {ids: [x]}}
tcpServersTransport: {dialTimeout: 5s}
providers:
  precedence: [file, docker]
  file: {filename: dyn.yml, debugLogGeneratedTemplate: true}
  docker: {}
  consul: {}
api: {debug: true, dashboardName: edge}
metrics:
  prometheus: {addRoutersLabels: true, headerLabels: {tenant: X-Tenant}}
  datadog: {}
log: {maxSize: 10, maxAge: 7, maxBackups: 3, compress: true, otlp: {}}
accessLog: {dualOutput: true, otlp: {}}
tracing: {}
hostResolver: {cnameFlattening: true}
certificatesResolvers: {le: {acme: {email: a@example.com}}}
experimental: {plugins: {}}
core: {defaultRuleSyntax: v2}
spiffe: {workloadAPIAddr: unix:///run/spire.sock}
ocsp: {}
"#;

#[test]
fn every_unapplied_top_level_option_is_named() {
    let (_, warnings) = load_yaml("top-level", TOP_LEVEL_OPTIONS);
    assert_named(
        &warnings,
        &[
            "global.checkNewVersion",
            "global.sendAnonymousUsage",
            "serversTransport.maxIdleConnsPerHost",
            "serversTransport.forwardingTimeouts",
            "serversTransport.spiffe",
            "tcpServersTransport",
            "providers.precedence",
            "providers.file.debugLogGeneratedTemplate",
            "providers.consul",
            "api.debug",
            "api.dashboardName",
            "metrics.prometheus.addRoutersLabels",
            "metrics.prometheus.headerLabels",
            "metrics (other than prometheus)",
            "log.maxSize",
            "log.maxAge",
            "log.maxBackups",
            "log.compress",
            "log.otlp",
            "accessLog.dualOutput",
            "accessLog.otlp",
            "tracing",
            "hostResolver",
            "certificatesResolvers",
            "experimental",
            "core.defaultRuleSyntax",
            "spiffe",
            "ocsp",
        ],
    );
}

/// Options the runtime applies, and unapplied ones written with the value limpet has anyway.
const APPLIED_OPTIONS: &str = r#"
entryPoints:
  web:
    address: ":8000"
    asDefault: true
    transport:
      lifeCycle: {requestAcceptGraceTimeout: 1s, graceTimeOut: 3s}
      respondingTimeouts: {readTimeout: 5s, writeTimeout: 10s, idleTimeout: 30s}
    forwardedHeaders: {trustedIPs: [10.0.0.0/8], notAppendXForwardedFor: true}
    http:
      sanitizePath: false
      maxHeaderBytes: 8192
      underscoreHeadersStrategy: keep
      tls: {options: modern, domains: [{main: example.com, sans: [www.example.com]}]}
    http2: {maxConcurrentStreams: 16}
    udp: {timeout: 3s}
  traefik:
    address: ":8080"
global: {notAppendXForwardedFor: true}
providers:
  providersThrottleDuration: 1s
  file: {directory: conf, watch: false}
api: {insecure: true, dashboard: true, basePath: /, disableDashboardAd: true}
ping: {entryPoint: traefik, terminatingStatusCode: 204}
metrics:
  addInternals: true
  prometheus: {buckets: [0.1, 1], addEntryPointsLabels: true, addServicesLabels: true, manualRouting: true}
log: {level: INFO, format: json, noColor: true, filePath: /tmp/limpet.log}
accessLog:
  filePath: /tmp/access.log
  format: json
  bufferingSize: 10
  addInternals: true
  filters: {statusCodes: ["500-599"], retryAttempts: true, minDuration: 10ms}
  fields: {defaultMode: keep, headers: {defaultMode: drop}}
core: {defaultRuleSyntax: v3}
"#;

#[test]
fn applied_options_are_not_warned_about() {
    let (config, warnings) = load_yaml("applied", APPLIED_OPTIONS);
    assert!(warnings.is_empty(), "{warnings:#?}");
    let life_cycle = &config.entry_points["web"].transport.life_cycle;
    assert_eq!(life_cycle.grace_time_out.to_std().as_secs(), 3);
}
