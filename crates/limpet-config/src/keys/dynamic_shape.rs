//! The key structure of Traefik's dynamic configuration (plus limpet's extension keys),
//! mirroring the serde schema in [`crate::dynamic`].

use super::{Field, Shape};

const STRS: Shape = Shape::List(&Shape::Str);
const EMPTY: Shape = Shape::Struct(&[]);

/// The root of a dynamic configuration file.
pub static CONFIGURATION: Shape = Shape::Struct(&[
    Field::new("http", &HTTP),
    Field::new("tcp", &Shape::Opaque),
    Field::new("udp", &Shape::Opaque),
    Field::new("tls", &TLS),
]);

static HTTP: Shape = Shape::Struct(&[
    Field::new("routers", &Shape::Map(&ROUTER)),
    Field::new("services", &Shape::Map(&SERVICE)),
    Field::new("middlewares", &Shape::Map(&MIDDLEWARE)),
    Field::new("models", &Shape::Map(&Shape::Opaque)),
    Field::new("serversTransports", &Shape::Map(&SERVERS_TRANSPORT)),
]);

static ROUTER: Shape = Shape::Struct(&[
    Field::new("entryPoints", &STRS),
    Field::new("middlewares", &STRS),
    Field::new("service", &Shape::Str),
    Field::new("rule", &Shape::Str),
    Field::new("parentRefs", &STRS),
    Field::new("ruleSyntax", &Shape::Str),
    Field::new("priority", &Shape::Int),
    Field::empty_ok("tls", &ROUTER_TLS),
    Field::new("observability", &Shape::Opaque),
]);

/// A router's `tls` (also an entrypoint's `http.tls`).
pub static ROUTER_TLS: Shape = Shape::Struct(&[
    Field::new("options", &Shape::Str),
    Field::new("certResolver", &Shape::Str),
    Field::new("domains", &Shape::List(&DOMAIN)),
]);

static DOMAIN: Shape = Shape::Struct(&[Field::new("main", &Shape::Str), Field::new("sans", &STRS)]);

static TLS: Shape = Shape::Struct(&[
    Field::new("certificates", &Shape::List(&CERT_AND_STORES)),
    Field::new("options", &Shape::Map(&TLS_OPTIONS)),
    Field::new("stores", &Shape::Map(&TLS_STORE)),
]);

static CERT_AND_STORES: Shape = Shape::Struct(&[
    Field::new("certFile", &Shape::Str),
    Field::new("keyFile", &Shape::Str),
    Field::new("stores", &STRS),
]);

static CERTIFICATE: Shape = Shape::Struct(&[
    Field::new("certFile", &Shape::Str),
    Field::new("keyFile", &Shape::Str),
]);

static TLS_STORE: Shape = Shape::Struct(&[
    Field::new("defaultCertificate", &CERTIFICATE),
    Field::new("defaultGeneratedCert", &Shape::Opaque),
]);

static TLS_OPTIONS: Shape = Shape::Struct(&[
    Field::new("minVersion", &Shape::Str),
    Field::new("maxVersion", &Shape::Str),
    Field::new("cipherSuites", &STRS),
    Field::new("curvePreferences", &STRS),
    Field::new("clientAuth", &CLIENT_AUTH),
    Field::new("sniStrict", &Shape::Bool),
    Field::new("alpnProtocols", &STRS),
    Field::new("preferServerCipherSuites", &Shape::Bool),
    Field::new("disableSessionTickets", &Shape::Bool),
]);

static SERVERS_TRANSPORT: Shape = Shape::Struct(&[
    Field::new("serverName", &Shape::Str),
    Field::new("insecureSkipVerify", &Shape::Bool),
    Field::new("rootCAs", &STRS),
    Field::new("certificates", &Shape::List(&CERTIFICATE)),
    Field::new("maxIdleConnsPerHost", &Shape::Int),
    Field::new("forwardingTimeouts", &Shape::Opaque),
    Field::new("disableHTTP2", &Shape::Bool),
    Field::new("peerCertURI", &Shape::Str),
    Field::new("spiffe", &Shape::Opaque),
]);

static CLIENT_AUTH: Shape = Shape::Struct(&[
    Field::new("caFiles", &STRS),
    Field::new("clientAuthType", &Shape::Str),
]);

/// Middleware types Traefik v3.7 knows, so `stripprefix:` is spelled `stripPrefix`; other
/// keys are kept as written and reported by validation.
static MIDDLEWARE: Shape = Shape::OpenStruct(&[
    Field::new("addPrefix", &Shape::Opaque),
    Field::new("stripPrefix", &Shape::Opaque),
    Field::new("stripPrefixRegex", &Shape::Opaque),
    Field::new("replacePath", &Shape::Opaque),
    Field::new("replacePathRegex", &Shape::Opaque),
    Field::new("chain", &Shape::Opaque),
    Field::new("ipWhiteList", &Shape::Opaque),
    Field::new("ipAllowList", &Shape::Opaque),
    Field::new("headers", &Shape::Opaque),
    Field::new("encodedCharacters", &Shape::Opaque),
    Field::new("errors", &Shape::Opaque),
    Field::new("rateLimit", &Shape::Opaque),
    Field::new("redirectRegex", &Shape::Opaque),
    Field::new("redirectScheme", &Shape::Opaque),
    Field::new("basicAuth", &Shape::Opaque),
    Field::new("digestAuth", &Shape::Opaque),
    Field::new("forwardAuth", &Shape::Opaque),
    Field::new("inFlightReq", &Shape::Opaque),
    Field::new("buffering", &Shape::Opaque),
    Field::new("circuitBreaker", &Shape::Opaque),
    Field::empty_ok("compress", &Shape::Opaque),
    Field::new("passTLSClientCert", &Shape::Opaque),
    Field::empty_ok("retry", &Shape::Opaque),
    Field::empty_ok("contentType", &Shape::Opaque),
    Field::empty_ok("grpcWeb", &Shape::Opaque),
    Field::new("plugin", &Shape::Opaque),
]);

static SERVICE: Shape = Shape::Struct(&[
    Field::new("middlewares", &STRS),
    Field::new("loadBalancer", &LOAD_BALANCER),
    Field::new("highestRandomWeight", &HIGHEST_RANDOM_WEIGHT),
    Field::new("weighted", &WEIGHTED),
    Field::new("mirroring", &MIRRORING),
    Field::new("failover", &FAILOVER),
]);

static LOAD_BALANCER: Shape = Shape::Struct(&[
    Field::empty_ok("sticky", &STICKY),
    Field::new("servers", &Shape::List(&SERVER)),
    Field::new("strategy", &Shape::Str),
    Field::empty_ok("healthCheck", &SERVER_HEALTH_CHECK),
    Field::empty_ok("passiveHealthCheck", &PASSIVE_HEALTH_CHECK),
    Field::new("passHostHeader", &Shape::Bool),
    Field::new("responseForwarding", &RESPONSE_FORWARDING),
    Field::new("serversTransport", &Shape::Str),
    Field::new("drainIdle", &Shape::Duration),
    Field::new("drainTimeout", &Shape::Duration),
]);

static SERVER: Shape = Shape::Struct(&[
    Field::new("url", &Shape::Str),
    Field::new("weight", &Shape::Int),
    Field::new("preservePath", &Shape::Bool),
    Field::new("id", &Shape::Str),
    Field::new("draining", &Shape::Bool),
]);

static STICKY: Shape = Shape::Struct(&[
    Field::empty_ok("cookie", &COOKIE),
    Field::new("header", &STICKY_HEADER),
    Field::new("onFailure", &Shape::Str),
    Field::new("debugHeader", &Shape::Opaque),
    Field::new("restartGrace", &Shape::Duration),
]);

static STICKY_HEADER: Shape = Shape::Struct(&[Field::new("name", &Shape::Str)]);

static COOKIE: Shape = Shape::Struct(&[
    Field::new("name", &Shape::Str),
    Field::new("secure", &Shape::Bool),
    Field::new("httpOnly", &Shape::Bool),
    Field::new("sameSite", &Shape::Str),
    Field::new("maxAge", &Shape::Int),
    Field::new("path", &Shape::Str),
    Field::new("domain", &Shape::Str),
    Field::new("secret", &Shape::Str),
    Field::new("secretFile", &Shape::Str),
    Field::new("keys", &Shape::List(&COOKIE_KEY)),
    Field::new("idleTimeout", &Shape::Duration),
    Field::new("absoluteTimeout", &Shape::Duration),
    Field::new("refreshInterval", &Shape::Duration),
    Field::new("stripFromUpstream", &Shape::Bool),
    Field::new("noCache", &Shape::Bool),
]);

static COOKIE_KEY: Shape = Shape::Struct(&[
    Field::new("id", &Shape::Str),
    Field::new("secret", &Shape::Str),
    Field::new("secretFile", &Shape::Str),
]);

static SERVER_HEALTH_CHECK: Shape = Shape::Struct(&[
    Field::new("scheme", &Shape::Str),
    Field::new("mode", &Shape::Str),
    Field::new("path", &Shape::Str),
    Field::new("method", &Shape::Str),
    Field::new("status", &Shape::Int),
    Field::new("port", &Shape::Int),
    Field::new("interval", &Shape::Duration),
    Field::new("unhealthyInterval", &Shape::Duration),
    Field::new("timeout", &Shape::Duration),
    Field::new("hostname", &Shape::Str),
    Field::new("followRedirects", &Shape::Bool),
    Field::new("headers", &Shape::Map(&Shape::Str)),
]);

static PASSIVE_HEALTH_CHECK: Shape = Shape::Struct(&[
    Field::new("failureWindow", &Shape::Duration),
    Field::new("maxFailedAttempts", &Shape::Int),
]);

static RESPONSE_FORWARDING: Shape = Shape::Struct(&[Field::new("flushInterval", &Shape::Duration)]);

static NAMED_WEIGHT: Shape = Shape::Struct(&[
    Field::new("name", &Shape::Str),
    Field::new("weight", &Shape::Int),
]);

static WEIGHTED: Shape = Shape::Struct(&[
    Field::new("services", &Shape::List(&NAMED_WEIGHT)),
    Field::empty_ok("sticky", &STICKY),
    Field::empty_ok("healthCheck", &EMPTY),
]);

static HIGHEST_RANDOM_WEIGHT: Shape = Shape::Struct(&[
    Field::new("services", &Shape::List(&NAMED_WEIGHT)),
    Field::empty_ok("healthCheck", &EMPTY),
]);

static MIRRORING: Shape = Shape::Struct(&[
    Field::new("service", &Shape::Str),
    Field::new("mirrorBody", &Shape::Bool),
    Field::new("maxBodySize", &Shape::Int),
    Field::new("mirrors", &Shape::List(&MIRROR)),
    Field::empty_ok("healthCheck", &EMPTY),
]);

static MIRROR: Shape = Shape::Struct(&[
    Field::new("name", &Shape::Str),
    Field::new("percent", &Shape::Int),
]);

static FAILOVER: Shape = Shape::Struct(&[
    Field::new("service", &Shape::Str),
    Field::new("fallback", &Shape::Str),
    Field::empty_ok("healthCheck", &EMPTY),
    Field::new("errors", &FAILOVER_ERRORS),
]);

static FAILOVER_ERRORS: Shape = Shape::Struct(&[
    Field::new("status", &STRS),
    Field::new("maxRequestBodyBytes", &Shape::Int),
]);
