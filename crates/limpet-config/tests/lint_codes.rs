//! One configuration that triggers each lint code (code, element path, fix that is valid
//! config and clears it) and one near miss that does not.
#![allow(clippy::unwrap_used)]

mod lint_common;

use limpet_config::diagnostics::{Cause, Remedy};
use limpet_config::lint::{Code, Severity};
use lint_common::{context, does_not_trigger, file_provider, run, triggers};

/// A sticky service that is fine: two servers by name, Secure cookie, HTTPS only,
/// passive health check.
fn sticky_app(cookie: &str, lb_extra: &str, rule: &str, entry_points: &str) -> String {
    format!(
        r#"
http:
  routers:
    app:
      rule: "{rule}"
      entryPoints: [{entry_points}]
      service: app
  services:
    app:
      loadBalancer:
        sticky:
          cookie: {{{cookie}}}
        servers:
          - url: "http://app-1:8080"
          - url: "http://app-2:8080"
{lb_extra}
"#
    )
}

const HOST: &str = "Host(`app.example.com`)";
const PASSIVE: &str = "        passiveHealthCheck: {}";
const SECURE: &str = "name: s, secure: true, httpOnly: true";

fn good(cookie: &str) -> String {
    sticky_app(cookie, PASSIVE, HOST, "websecure")
}

#[test]
fn the_good_sticky_service_has_no_findings() {
    let (model, findings) = run(&file_provider(&good(SECURE)), &context());
    assert!(findings.is_empty(), "{findings:#?}");
    assert!(model.diagnostics.findings.is_empty());
}

#[test]
fn lmp001_sticky_middleware() {
    let yaml = r#"
http:
  routers:
    app: {rule: "Host(`app.example.com`)", entryPoints: [websecure], service: app, middlewares: [sticky-sessions]}
  middlewares:
    sticky-sessions:
      sticky: {cookie: {name: s, secure: "true", httponly: "true", maxage: "3600"}}
  services:
    app:
      loadBalancer:
        servers: [{url: "http://app-1:8080"}, {url: "http://app-2:8080"}]
        passiveHealthCheck: {}
"#;
    let finding = triggers(
        yaml,
        Code::Lmp001,
        "http.middlewares.sticky-sessions@file.sticky",
    );
    assert_eq!(finding.severity, Severity::Error);
    assert!(
        finding.fix.render().contains("maxAge: 3600"),
        "{}",
        finding.fix
    );
    assert!(finding
        .fix
        .render()
        .contains("# remove http.middlewares.sticky-sessions"));
    does_not_trigger(
        &yaml.replace("sticky: {cookie", "headers: {customRequestHeaders"),
        Code::Lmp001,
    );
}

#[test]
fn lmp001_disables_the_middleware_in_the_model() {
    let yaml = "http:\n  middlewares:\n    st:\n      sticky: {cookie: {}}\n";
    let (model, _) = run(&file_provider(yaml), &context());
    let state = &model.diagnostics.middlewares["st@file"];
    assert_eq!(state.status.as_str(), "disabled");
    let lint = state
        .errors
        .iter()
        .find(|e| e.cause == Cause::Lint(Code::Lmp001))
        .unwrap_or_else(|| panic!("{state:?}"));
    assert!(lint
        .to_string()
        .starts_with("LMP001: \"sticky\" is not a middleware"));
    let validation = &state.errors[0];
    assert_eq!(validation.cause, Cause::StickyMiddleware);
    assert_eq!(validation.cause.remedy(), Some(Remedy::MoveStickyToService));
}

const TWINS: &str = r#"
http:
  routers:
    whoami: {rule: "Host(`whoami.localhost`)", entryPoints: [web], service: whoami}
    whoami-replica: {rule: "Host(`whoami.localhost`)", entryPoints: [web], service: whoami-replica}
  services:
    whoami: {loadBalancer: {servers: [{url: "http://whoami-1:80"}]}}
    whoami-replica: {loadBalancer: {servers: [{url: "http://whoami-2:80"}]}}
"#;

#[test]
fn lmp002_shadowed_router() {
    // Same priority and provider: the name decides, as in the runtime's route order
    // (`whoami-replica@file` sorts before `whoami@file`).
    let finding = triggers(TWINS, Code::Lmp002, "http.routers.whoami@file");
    assert_eq!(finding.severity, Severity::Warning);
    assert!(
        finding.message.contains("router whoami-replica@file"),
        "{}",
        finding.message
    );
    assert!(
        finding.fix.render().contains("http://whoami-1:80"),
        "{}",
        finding.fix
    );
    let (model, _) = run(&file_provider(TWINS), &context());
    assert_eq!(
        model.diagnostics.routers["whoami@file"].status.as_str(),
        "warning"
    );
    does_not_trigger(
        &TWINS.replacen("whoami.localhost", "other.localhost", 1),
        Code::Lmp002,
    );
    does_not_trigger(&TWINS.replacen("[web]", "[websecure]", 1), Code::Lmp002);
}

#[test]
fn lmp003_sticky_service_no_router_reaches() {
    let yaml = good(SECURE).replace("service: app", "service: app-webstack")
        + "    app-webstack: {loadBalancer: {servers: [{url: \"http://app-1:8080\"}]}}\n";
    let finding = triggers(
        &yaml,
        Code::Lmp003,
        "http.services.app@file.loadBalancer.sticky",
    );
    assert!(
        finding.message.contains("app-webstack@file"),
        "{}",
        finding.message
    );
    does_not_trigger(&good(SECURE), Code::Lmp003);
}

#[test]
fn lmp003_without_a_near_miss_adds_a_router() {
    let yaml = good(SECURE).replace("service: app", "service: other")
        + "    other: {loadBalancer: {servers: [{url: \"http://o:8080\"}]}}\n";
    triggers(
        &yaml,
        Code::Lmp003,
        "http.services.app@file.loadBalancer.sticky",
    );
}

#[test]
fn lmp004_single_server() {
    let yaml = good(SECURE).replace("          - url: \"http://app-2:8080\"\n", "");
    let finding = triggers(
        &yaml,
        Code::Lmp004,
        "http.services.app@file.loadBalancer.servers",
    );
    assert_eq!(finding.severity, Severity::Info);
    does_not_trigger(&good(SECURE), Code::Lmp004);
}

#[test]
fn lmp005_strategy_ignores_sticky() {
    let yaml = sticky_app(
        SECURE,
        &format!("{PASSIVE}\n        strategy: hrw"),
        HOST,
        "websecure",
    );
    triggers(
        &yaml,
        Code::Lmp005,
        "http.services.app@file.loadBalancer.strategy",
    );
    let near = sticky_app(
        SECURE,
        &format!("{PASSIVE}\n        strategy: p2c"),
        HOST,
        "websecure",
    );
    does_not_trigger(&near, Code::Lmp005);
}

#[test]
fn lmp006_same_site_none_without_secure() {
    let finding = triggers(
        &good("name: s, sameSite: none"),
        Code::Lmp006,
        "http.services.app@file.loadBalancer.sticky.cookie.sameSite",
    );
    assert!(
        finding.fix.render().contains("secure: true"),
        "{}",
        finding.fix
    );
    let plain = sticky_app("name: s, sameSite: None", PASSIVE, HOST, "web");
    let finding = triggers(
        &plain,
        Code::Lmp006,
        "http.services.app@file.loadBalancer.sticky.cookie.sameSite",
    );
    assert!(
        finding.fix.render().contains("sameSite: lax"),
        "{}",
        finding.fix
    );
    does_not_trigger(&good("name: s, sameSite: none, secure: true"), Code::Lmp006);
}

#[test]
fn lmp007_secure_cookie_over_plain_http() {
    let element = "http.services.app@file.loadBalancer.sticky.cookie.secure";
    let only_http = sticky_app(SECURE, PASSIVE, HOST, "web");
    let finding = triggers(&only_http, Code::Lmp007, element);
    assert!(finding.message.contains("app@file"));
    let both = sticky_app(SECURE, PASSIVE, HOST, "web, websecure");
    let finding = triggers(&both, Code::Lmp007, element);
    assert!(
        finding.fix.render().contains("redirectScheme"),
        "{}",
        finding.fix
    );
    does_not_trigger(&good(SECURE), Code::Lmp007);
}

#[test]
fn lmp007_not_reported_when_the_entrypoint_redirects() {
    let mut ctx = context();
    ctx.entry_points.get_mut("web").unwrap().redirects_to_https = true;
    let (_, findings) = run(
        &file_provider(&sticky_app(SECURE, PASSIVE, HOST, "web")),
        &ctx,
    );
    assert!(
        !findings.iter().any(|f| f.code == Code::Lmp007),
        "{findings:#?}"
    );
}

#[test]
fn lmp008_cookie_path_does_not_cover_the_route() {
    let rule = "Host(`app.example.com`) && PathPrefix(`/app`)";
    let element = "http.services.app@file.loadBalancer.sticky.cookie.path";
    let yaml = sticky_app(
        "name: s, secure: true, path: /api",
        PASSIVE,
        rule,
        "websecure",
    );
    let finding = triggers(&yaml, Code::Lmp008, element);
    assert!(finding.message.contains("/app"), "{}", finding.message);
    let empty = sticky_app(
        "name: s, secure: true, path: \"\"",
        PASSIVE,
        rule,
        "websecure",
    );
    triggers(&empty, Code::Lmp008, element);
    let near = sticky_app(
        "name: s, secure: true, path: /app",
        PASSIVE,
        &rule.replace("/app", "/app/x"),
        "websecure",
    );
    does_not_trigger(&near, Code::Lmp008);
}

#[test]
fn lmp009_cookie_domain_does_not_cover_the_host() {
    let yaml = good("name: s, secure: true, domain: other.com");
    triggers(
        &yaml,
        Code::Lmp009,
        "http.services.app@file.loadBalancer.sticky.cookie.domain",
    );
    does_not_trigger(
        &good("name: s, secure: true, domain: .Example.com"),
        Code::Lmp009,
    );
}

#[test]
fn lmp010_servers_by_ip_without_id() {
    let yaml = good(SECURE)
        .replace("app-1:8080", "10.0.0.1:8080")
        .replace("app-2:8080", "[fd00::2]:8080");
    let finding = triggers(
        &yaml,
        Code::Lmp010,
        "http.services.app@file.loadBalancer.servers[0]",
    );
    assert!(
        finding.fix.render().contains("id: app-1"),
        "{}",
        finding.fix
    );
    let near = yaml
        .replace("10.0.0.1:8080\"", "10.0.0.1:8080\"\n            id: a")
        .replace("[fd00::2]:8080\"", "[fd00::2]:8080\"\n            id: b");
    does_not_trigger(&near, Code::Lmp010);
}

#[test]
fn lmp011_no_health_check() {
    let yaml = sticky_app(SECURE, "", HOST, "websecure");
    triggers(
        &yaml,
        Code::Lmp011,
        "http.services.app@file.loadBalancer.healthCheck",
    );
    let near = sticky_app(
        SECURE,
        "        healthCheck: {path: /health}",
        HOST,
        "websecure",
    );
    does_not_trigger(&near, Code::Lmp011);
}

fn two_apps(second_host: &str) -> String {
    format!(
        r#"
http:
  routers:
    app: {{rule: "Host(`app.example.com`) && PathPrefix(`/app`)", entryPoints: [websecure], service: app}}
    api: {{rule: "Host(`{second_host}`) && PathPrefix(`/api`)", entryPoints: [websecure], service: api}}
  services:
    app:
      loadBalancer:
        sticky: {{cookie: {{name: session, secure: true}}}}
        servers: [{{url: "http://app-1:80"}}, {{url: "http://app-2:80"}}]
        passiveHealthCheck: {{}}
    api:
      loadBalancer:
        sticky: {{cookie: {{name: session, secure: true}}}}
        servers: [{{url: "http://api-1:80"}}, {{url: "http://api-2:80"}}]
        passiveHealthCheck: {{}}
"#
    )
}

#[test]
fn lmp012_shared_cookie_name() {
    let finding = triggers(
        &two_apps("app.example.com"),
        Code::Lmp012,
        "http.services.app@file.loadBalancer.sticky.cookie.name",
    );
    assert!(finding.message.contains("api@file"), "{}", finding.message);
    does_not_trigger(&two_apps("api.example.com"), Code::Lmp012);
}

const REFERENCES: &str = r#"
http:
  routers:
    app: {rule: "Host(`app.example.com`)", entryPoints: [web], service: app}
  services:
    app: {loadBalancer: {servers: [{url: "http://app:80"}]}}
  middlewares:
    auth: {basicAuth: {users: ["u:p"]}}
"#;

#[test]
fn lmp013_missing_service() {
    let missing = REFERENCES.replace("service: app}", "service: nope}");
    let finding = triggers(&missing, Code::Lmp013, "http.routers.app@file.service");
    assert_eq!(finding.message, "the service \"nope@file\" does not exist");
    let near = REFERENCES.replace("service: app}", "service: app-webstack}");
    let finding = triggers(&near, Code::Lmp013, "http.routers.app@file.service");
    assert!(
        finding.fix.render().contains("did you mean app@file"),
        "{}",
        finding.fix
    );
    does_not_trigger(REFERENCES, Code::Lmp013);
}

#[test]
fn lmp014_missing_middleware() {
    let yaml = REFERENCES.replace("service: app}", "service: app, middlewares: [auth, nope]}");
    let finding = triggers(&yaml, Code::Lmp014, "http.routers.app@file.middlewares[1]");
    assert_eq!(finding.message, "middleware \"nope@file\" does not exist");
    does_not_trigger(
        &REFERENCES.replace("service: app}", "service: app, middlewares: [auth]}"),
        Code::Lmp014,
    );
}

#[test]
fn lmp015_missing_entry_point() {
    let only = REFERENCES.replace("[web]", "[nope]");
    let finding = triggers(&only, Code::Lmp015, "http.routers.app@file.entryPoints");
    assert_eq!(
        finding.message,
        "entryPoint \"nope\" doesn't exist, no valid entryPoint for this router"
    );
    assert_eq!(finding.severity, Severity::Error);
    let one_left = triggers(
        &REFERENCES.replace("[web]", "[web, nope]"),
        Code::Lmp015,
        "http.routers.app@file.entryPoints",
    );
    assert_eq!(one_left.severity, Severity::Warning);
    does_not_trigger(REFERENCES, Code::Lmp015);
}
