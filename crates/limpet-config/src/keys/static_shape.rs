//! The key structure of Traefik's static configuration, mirroring
//! [`crate::static_config::StaticConfig`]. Sections limpet keeps opaque are `Opaque`.

use super::{Field, Shape};

const STRS: Shape = Shape::List(&Shape::Str);
const STR_MAP: Shape = Shape::Map(&Shape::Str);

/// The root of a static configuration file or flag set.
pub static STATIC: Shape = Shape::Struct(&[
    Field::new("global", &GLOBAL),
    Field::new("serversTransport", &SERVERS_TRANSPORT),
    Field::new("tcpServersTransport", &Shape::Opaque),
    Field::new("entryPoints", &Shape::Map(&ENTRY_POINT)),
    Field::new("providers", &PROVIDERS),
    Field::empty_ok("api", &API),
    Field::new("metrics", &METRICS),
    Field::empty_ok("ping", &PING),
    Field::empty_ok("log", &LOG),
    Field::empty_ok("accessLog", &ACCESS_LOG),
    Field::empty_ok("tracing", &Shape::Opaque),
    Field::empty_ok("hostResolver", &Shape::Opaque),
    Field::new("certificatesResolvers", &Shape::Map(&Shape::Opaque)),
    Field::new("experimental", &Shape::Opaque),
    Field::new(
        "core",
        &Shape::Struct(&[Field::new("defaultRuleSyntax", &Shape::Str)]),
    ),
    Field::new("spiffe", &Shape::Opaque),
    Field::empty_ok("ocsp", &Shape::Opaque),
]);

static GLOBAL: Shape = Shape::Struct(&[
    Field::new("checkNewVersion", &Shape::Bool),
    Field::new("sendAnonymousUsage", &Shape::Bool),
    Field::new("notAppendXForwardedFor", &Shape::Bool),
]);

static SERVERS_TRANSPORT: Shape = Shape::Struct(&[
    Field::new("insecureSkipVerify", &Shape::Bool),
    Field::new("rootCAs", &STRS),
    Field::new("maxIdleConnsPerHost", &Shape::Int),
    Field::new(
        "forwardingTimeouts",
        &Shape::Struct(&[
            Field::new("dialTimeout", &Shape::Duration),
            Field::new("responseHeaderTimeout", &Shape::Duration),
            Field::new("idleConnTimeout", &Shape::Duration),
        ]),
    ),
    Field::empty_ok("spiffe", &Shape::Opaque),
]);

static ENTRY_POINT: Shape = Shape::Struct(&[
    Field::new("address", &Shape::Str),
    Field::new("allowACMEByPass", &Shape::Bool),
    Field::new("reusePort", &Shape::Bool),
    Field::new("asDefault", &Shape::Bool),
    Field::new("transport", &TRANSPORT),
    Field::empty_ok("proxyProtocol", &TRUSTED),
    Field::new("forwardedHeaders", &FORWARDED_HEADERS),
    Field::new("http", &ENTRY_POINT_HTTP),
    Field::new("http2", &HTTP2),
    Field::empty_ok("http3", &Shape::Opaque),
    Field::new(
        "udp",
        &Shape::Struct(&[Field::new("timeout", &Shape::Duration)]),
    ),
    Field::new("observability", &Shape::Opaque),
]);

static TRANSPORT: Shape = Shape::Struct(&[
    Field::new(
        "lifeCycle",
        &Shape::Struct(&[
            Field::new("requestAcceptGraceTimeout", &Shape::Duration),
            Field::new("graceTimeOut", &Shape::Duration),
        ]),
    ),
    Field::new(
        "respondingTimeouts",
        &Shape::Struct(&[
            Field::new("readTimeout", &Shape::Duration),
            Field::new("writeTimeout", &Shape::Duration),
            Field::new("idleTimeout", &Shape::Duration),
        ]),
    ),
    Field::new("keepAliveMaxTime", &Shape::Duration),
    Field::new("keepAliveMaxRequests", &Shape::Int),
]);

static TRUSTED: Shape = Shape::Struct(&[
    Field::new("insecure", &Shape::Bool),
    Field::new("trustedIPs", &STRS),
]);

static FORWARDED_HEADERS: Shape = Shape::Struct(&[
    Field::new("insecure", &Shape::Bool),
    Field::new("trustedIPs", &STRS),
    Field::new("connection", &STRS),
    Field::new("notAppendXForwardedFor", &Shape::Bool),
    Field::new("addXForwardedSchemeHeaders", &Shape::Bool),
]);

static ENTRY_POINT_HTTP: Shape = Shape::Struct(&[
    Field::new("redirections", &Shape::Opaque),
    Field::new("middlewares", &STRS),
    Field::empty_ok("tls", &super::dynamic_shape::ROUTER_TLS),
    Field::new("encodedCharacters", &Shape::Opaque),
    Field::new("encodeQuerySemicolons", &Shape::Bool),
    Field::new("sanitizePath", &Shape::Bool),
    Field::new("maxHeaderBytes", &Shape::Int),
    Field::new("underscoreHeadersStrategy", &Shape::Str),
]);

static HTTP2: Shape = Shape::Struct(&[
    Field::new("maxConcurrentStreams", &Shape::Int),
    Field::new("maxDecoderHeaderTableSize", &Shape::Int),
    Field::new("maxEncoderHeaderTableSize", &Shape::Int),
]);

static PROVIDERS: Shape = Shape::Struct(&[
    Field::new("providersThrottleDuration", &Shape::Duration),
    Field::new("precedence", &STRS),
    Field::new(
        "file",
        &Shape::Struct(&[
            Field::new("filename", &Shape::Str),
            Field::new("directory", &Shape::Str),
            Field::new("watch", &Shape::Bool),
            Field::new("debugLogGeneratedTemplate", &Shape::Bool),
        ]),
    ),
    Field::empty_ok("docker", &DOCKER),
    Field::empty_ok("swarm", &Shape::Opaque),
    Field::empty_ok("kubernetesIngress", &Shape::Opaque),
    Field::empty_ok("kubernetesIngressNGINX", &Shape::Opaque),
    Field::empty_ok("kubernetesCRD", &Shape::Opaque),
    Field::empty_ok("kubernetesGateway", &Shape::Opaque),
    Field::empty_ok("knative", &Shape::Opaque),
    Field::empty_ok("rest", &Shape::Opaque),
    Field::empty_ok("consulCatalog", &Shape::Opaque),
    Field::empty_ok("nomad", &Shape::Opaque),
    Field::empty_ok("ecs", &Shape::Opaque),
    Field::empty_ok("consul", &Shape::Opaque),
    Field::empty_ok("etcd", &Shape::Opaque),
    Field::empty_ok("zooKeeper", &Shape::Opaque),
    Field::empty_ok("redis", &Shape::Opaque),
    Field::empty_ok("http", &Shape::Opaque),
    Field::new("plugin", &Shape::Map(&Shape::Opaque)),
]);

static DOCKER: Shape = Shape::Struct(&[
    Field::new("endpoint", &Shape::Str),
    Field::new("exposedByDefault", &Shape::Bool),
    Field::new("network", &Shape::Str),
    Field::new("useBindPortIP", &Shape::Bool),
    Field::new("defaultRule", &Shape::Str),
    Field::new("constraints", &Shape::Str),
    Field::new("watch", &Shape::Bool),
    Field::new("httpClientTimeout", &Shape::Duration),
    Field::new("allowEmptyServices", &Shape::Bool),
    Field::new("username", &Shape::Str),
    Field::new("password", &Shape::Str),
    Field::empty_ok(
        "tls",
        &Shape::Struct(&[
            Field::new("ca", &Shape::Str),
            Field::new("cert", &Shape::Str),
            Field::new("key", &Shape::Str),
            Field::new("insecureSkipVerify", &Shape::Bool),
        ]),
    ),
]);

static API: Shape = Shape::Struct(&[
    Field::new("basePath", &Shape::Str),
    Field::new("insecure", &Shape::Bool),
    Field::new("dashboard", &Shape::Bool),
    Field::new("debug", &Shape::Bool),
    Field::new("disableDashboardAd", &Shape::Bool),
    Field::new("dashboardName", &Shape::Str),
    Field::new("allowWrites", &Shape::Bool),
]);

static PING: Shape = Shape::Struct(&[
    Field::new("entryPoint", &Shape::Str),
    Field::new("manualRouting", &Shape::Bool),
    Field::new("terminatingStatusCode", &Shape::Int),
]);

static LOG: Shape = Shape::Struct(&[
    Field::new("level", &Shape::Str),
    Field::new("format", &Shape::Str),
    Field::new("noColor", &Shape::Bool),
    Field::new("filePath", &Shape::Str),
    Field::new("maxSize", &Shape::Int),
    Field::new("maxAge", &Shape::Int),
    Field::new("maxBackups", &Shape::Int),
    Field::new("compress", &Shape::Bool),
    Field::empty_ok("otlp", &Shape::Opaque),
]);

static ACCESS_LOG: Shape = Shape::Struct(&[
    Field::new("filePath", &Shape::Str),
    Field::new("format", &Shape::Str),
    Field::new(
        "filters",
        &Shape::Struct(&[
            Field::new("statusCodes", &STRS),
            Field::new("retryAttempts", &Shape::Bool),
            Field::new("minDuration", &Shape::Duration),
        ]),
    ),
    Field::new("fields", &ACCESS_LOG_FIELDS),
    Field::new("bufferingSize", &Shape::Int),
    Field::new("addInternals", &Shape::Bool),
    Field::new("dualOutput", &Shape::Bool),
    Field::empty_ok("otlp", &Shape::Opaque),
]);

static ACCESS_LOG_FIELDS: Shape = Shape::Struct(&[
    Field::new("defaultMode", &Shape::Str),
    Field::new("names", &STR_MAP),
    Field::new(
        "headers",
        &Shape::Struct(&[
            Field::new("defaultMode", &Shape::Str),
            Field::new("names", &STR_MAP),
        ]),
    ),
    Field::new(
        "queryParameters",
        &Shape::Struct(&[Field::new("defaultMode", &Shape::Str)]),
    ),
]);

static METRICS: Shape = Shape::Struct(&[
    Field::new("addInternals", &Shape::Bool),
    Field::empty_ok("prometheus", &PROMETHEUS),
    Field::empty_ok("datadog", &Shape::Opaque),
    Field::empty_ok("statsD", &Shape::Opaque),
    Field::empty_ok("influxDB2", &Shape::Opaque),
    Field::empty_ok("otlp", &Shape::Opaque),
]);

static PROMETHEUS: Shape = Shape::Struct(&[
    Field::new("buckets", &Shape::List(&Shape::Float)),
    Field::new("addEntryPointsLabels", &Shape::Bool),
    Field::new("addRoutersLabels", &Shape::Bool),
    Field::new("addServicesLabels", &Shape::Bool),
    Field::new("entryPoint", &Shape::Str),
    Field::new("manualRouting", &Shape::Bool),
    Field::new("headerLabels", &STR_MAP),
]);
