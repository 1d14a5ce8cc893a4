//! Decoding dynamic configuration files: formats, case-insensitive keys, errors, directory mode.

use std::path::{Path, PathBuf};

use limpet_config::decode::{decode_file, merge_files, DecodeError};
use limpet_config::duration::GoDuration;
use limpet_config::dynamic::Configuration;

fn decode(name: &str, text: &str) -> Result<Configuration, DecodeError> {
    decode_file(Path::new(name), text.as_bytes())
}

fn decoded(name: &str, text: &str) -> Configuration {
    match decode(name, text) {
        Ok(config) => config,
        Err(error) => panic!("{error}"),
    }
}

fn error_text(name: &str, text: &str) -> String {
    match decode(name, text) {
        Ok(config) => panic!("expected an error, got {config:?}"),
        Err(error) => error.to_string(),
    }
}

const YAML: &str = r#"
http:
  routers:
    r1:
      rule: "Host(`a.local`)"
      entryPoints: [web]
      service: svc
  services:
    svc:
      loadBalancer:
        sticky:
          cookie:
            name: c
            httpOnly: true
        servers:
          - url: "http://127.0.0.1:9001"
            weight: 2
          - url: "http://127.0.0.1:9002"
        responseForwarding:
          flushInterval: 1s
"#;

const TOML: &str = r#"
[http.routers.r1]
rule = "Host(`a.local`)"
entryPoints = ["web"]
service = "svc"

[http.services.svc.loadBalancer.sticky.cookie]
name = "c"
httpOnly = true

[[http.services.svc.loadBalancer.servers]]
url = "http://127.0.0.1:9001"
weight = 2

[[http.services.svc.loadBalancer.servers]]
url = "http://127.0.0.1:9002"

[http.services.svc.loadBalancer.responseForwarding]
flushInterval = "1s"
"#;

#[test]
fn yaml_and_toml_decode_the_same() {
    let yaml = decoded("a.yml", YAML);
    let toml = decoded("a.toml", TOML);
    assert_eq!(yaml, toml);
    let http = yaml.http();
    let lb = http.services["svc"]
        .load_balancer
        .clone()
        .unwrap_or_default();
    assert_eq!(lb.servers.len(), 2);
    assert_eq!(lb.servers[0].weight, Some(2));
    let flush = lb.response_forwarding.and_then(|r| r.flush_interval);
    assert_eq!(flush, Some(GoDuration::from_secs(1)));
    assert_eq!(http.routers["r1"].entry_points, ["web"]);
}

#[test]
fn extension_is_case_insensitive_and_checked() {
    assert!(decode("A.YML", YAML).is_ok());
    assert!(decode("A.Yaml", YAML).is_ok());
    assert!(decode("A.TOML", TOML).is_ok());
    let error = error_text("conf.json", "{}");
    assert!(error.starts_with("conf.json: "), "{error}");
}

#[test]
fn keys_are_case_insensitive_names_keep_case() {
    let text = r#"
HTTP:
  Routers:
    MyRouter:
      RULE: "Host(`x`)"
      entrypoints: [Web]
      service: MySvc
  services:
    MySvc:
      loadbalancer:
        passhostheader: false
        servers:
          - URL: "http://127.0.0.1:1"
        healthcheck:
          path: /h
          headers:
            X-Custom-Header: v
"#;
    let http = decoded("x.yaml", text).http();
    let router = &http.routers["MyRouter"];
    assert_eq!(router.rule, "Host(`x`)");
    assert_eq!(router.entry_points, ["Web"]);
    let lb = http.services["MySvc"]
        .load_balancer
        .clone()
        .unwrap_or_default();
    assert_eq!(lb.pass_host_header, Some(false));
    assert_eq!(lb.servers[0].url, "http://127.0.0.1:1");
    let headers = lb.health_check.map(|h| h.headers).unwrap_or_default();
    assert_eq!(
        headers.get("X-Custom-Header").map(String::as_str),
        Some("v")
    );
}

#[test]
fn empty_files_are_empty_configurations() {
    for (name, text) in [
        ("e.yml", ""),
        ("e.yaml", "# nothing\n"),
        ("e.toml", ""),
        ("e.yml", "http:\n"),
    ] {
        assert!(
            decoded(name, text).http().routers.is_empty(),
            "{name} {text:?}"
        );
    }
}

#[test]
fn yaml_syntax_error_names_file_and_line() {
    let error = error_text("/etc/dyn.yml", "http:\n  routers:\n    r1: [unclosed\n");
    assert!(error.starts_with("/etc/dyn.yml: line "), "{error}");
}

#[test]
fn toml_syntax_error_names_file_and_line() {
    let error = error_text("dyn.toml", "[http.routers.r1]\nrule = \"x\"\nservice = \n");
    assert!(error.starts_with("dyn.toml: line 3, column "), "{error}");
}

#[test]
fn unknown_field_is_an_error_naming_its_path() {
    let text =
        "http:\n  services:\n    app:\n      loadBalancer:\n        stiky:\n          cookie: {}\n";
    let error = error_text("d.yml", text);
    assert_eq!(
        error,
        "d.yml: http.services.app.loadBalancer.stiky: field not found, node: stiky"
    );
}

#[test]
fn type_errors_name_the_element_path() {
    let text = "http:\n  services:\n    app:\n      loadBalancer:\n        servers:\n          - url: http://a\n            weight: heavy\n";
    let error = error_text("d.yml", text);
    assert!(
        error.starts_with("d.yml: http.services.app.loadBalancer.servers[0].weight: invalid type"),
        "{error}"
    );
}

#[test]
fn unknown_middleware_types_decode() {
    let text = "http:\n  middlewares:\n    sticky:\n      sticky:\n        cookie: {}\n    strip:\n      stripprefix:\n        prefixes: [/a]\n";
    let http = decoded("m.yml", text).http();
    assert_eq!(
        http.middlewares["sticky"].types().collect::<Vec<_>>(),
        ["sticky"]
    );
    assert_eq!(
        http.middlewares["strip"].types().collect::<Vec<_>>(),
        ["stripPrefix"]
    );
}

#[test]
fn allow_empty_sections() {
    let text = "http:\n  services:\n    s:\n      loadBalancer:\n        sticky:\n          cookie:\n        servers: []\n";
    let lb = decoded("s.yml", text).http().services["s"]
        .load_balancer
        .clone()
        .unwrap_or_default();
    assert!(lb.sticky.and_then(|s| s.cookie).is_some());
}

#[test]
fn serializes_with_traefik_omitempty() {
    let text = "http:\n  services:\n    s:\n      loadBalancer:\n        sticky:\n          cookie: {}\n        servers:\n          - url: http://127.0.0.1:9001\n";
    let mut config = decoded("s.yml", text);
    let raw = serde_json::to_string(&config.http().services["s"]).unwrap_or_default();
    assert_eq!(
        raw,
        r#"{"loadBalancer":{"sticky":{"cookie":{}},"servers":[{"url":"http://127.0.0.1:9001"}],"passHostHeader":null}}"#
    );
    config.apply_defaults();
    let with_defaults = serde_json::to_string(&config.http().services["s"]).unwrap_or_default();
    assert_eq!(
        with_defaults,
        r#"{"loadBalancer":{"sticky":{"cookie":{"path":"/"}},"servers":[{"url":"http://127.0.0.1:9001"}],"strategy":"wrr","passHostHeader":true,"responseForwarding":{"flushInterval":"100ms"}}}"#
    );
}

#[test]
fn yaml_merge_keys_are_applied() {
    let text = "x-lb: &lb\n  servers:\n    - url: http://a\n";
    // A top-level key outside the schema is rejected even when only used as an anchor.
    assert!(decode("a.yml", text).is_err());
    let text = "http:\n  services:\n    a:\n      loadBalancer: &lb\n        servers:\n          - url: http://a\n    b:\n      loadBalancer:\n        <<: *lb\n        passHostHeader: false\n";
    let http = decoded("a.yml", text).http();
    let b = http.services["b"].load_balancer.clone().unwrap_or_default();
    assert_eq!(b.servers.len(), 1);
    assert_eq!(b.pass_host_header, Some(false));
}

#[test]
fn directory_merge_first_definition_wins() {
    let first = decoded(
        "a.yml",
        "http:\n  routers:\n    r:\n      rule: first\n      service: s\n",
    );
    let second = decoded("b.yml", "http:\n  routers:\n    r:\n      rule: second\n      service: s\n    other:\n      rule: o\n      service: s\n");
    let (merged, warnings) = merge_files(vec![
        (PathBuf::from("a.yml"), first),
        (PathBuf::from("b.yml"), second),
    ]);
    let http = merged.http();
    assert_eq!(http.routers["r"].rule, "first");
    assert!(http.routers.contains_key("other"));
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("\"r\"")
            && warnings[0].contains("a.yml")
            && warnings[0].contains("b.yml"),
        "{}",
        warnings[0]
    );
}

#[test]
fn durations_accept_go_strings_and_seconds() {
    let text = "http:\n  services:\n    s:\n      loadBalancer:\n        healthCheck:\n          interval: 1m30s\n          timeout: 3\n";
    let lb = decoded("d.yml", text).http().services["s"]
        .load_balancer
        .clone()
        .unwrap_or_default();
    let check = lb.health_check.unwrap_or_default();
    assert_eq!(check.interval, Some(GoDuration::from_secs(90)));
    assert_eq!(check.timeout, Some(GoDuration::from_secs(3)));
    assert_eq!(
        check.interval.map(|d| d.to_string()).as_deref(),
        Some("1m30s")
    );
}

#[test]
fn limpet_extension_keys_decode() {
    let text = r#"
http:
  services:
    s:
      loadBalancer:
        drainIdle: 30s
        drainTimeout: 5m
        servers:
          - url: http://a
            id: web-1
            draining: true
        sticky:
          onFailure: strict
          debugHeader: X-Limpet-Server
          header:
            name: X-Session
          cookie:
            secret: s3cret
            keys:
              - id: k1
                secretFile: /run/k1
            idleTimeout: 30m
            absoluteTimeout: 24h
            refreshInterval: 1m
            stripFromUpstream: true
            noCache: true
"#;
    let lb = decoded("x.yml", text).http().services["s"]
        .load_balancer
        .clone()
        .unwrap_or_default();
    assert_eq!(lb.servers[0].id.as_deref(), Some("web-1"));
    assert!(lb.servers[0].draining);
    let sticky = lb.sticky.clone().unwrap_or_default();
    assert_eq!(sticky.on_failure.as_deref(), Some("strict"));
    let cookie = sticky.cookie.unwrap_or_default();
    assert_eq!(cookie.secret.as_deref(), Some("s3cret"));
    assert_eq!(cookie.keys[0].secret_file.as_deref(), Some("/run/k1"));
    // Secrets are never serialized back out.
    let json = serde_json::to_string(&lb).unwrap_or_default();
    assert!(!json.contains("s3cret"), "{json}");
}

#[test]
fn read_directory_recurses_in_name_order() {
    let dir = std::env::temp_dir().join(format!("limpet-config-dir-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let sub = dir.join("b-sub");
    std::fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
    let write =
        |path: PathBuf, text: &str| std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
    write(
        dir.join("a.yml"),
        "http:\n  routers:\n    r:\n      rule: from-a\n",
    );
    write(
        sub.join("x.toml"),
        "[http.routers.r]\nrule = \"from-sub\"\n[http.routers.s]\nrule = \"s\"\n",
    );
    write(dir.join("notes.txt"), "ignored");
    let (config, warnings) =
        limpet_config::decode::read_directory(&dir).unwrap_or_else(|e| panic!("{e}"));
    let http = config.http();
    assert_eq!(http.routers["r"].rule, "from-a");
    assert_eq!(http.routers["s"].rule, "s");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    write(sub.join("broken.yml"), "http: [");
    let error = limpet_config::decode::read_directory(&dir)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("broken.yml: line"), "{error}");
}

#[test]
fn file_source_reads_what_providers_file_names() {
    use limpet_config::decode::{FileSource, FileSourceError};
    use limpet_config::static_config::FileProvider;
    let dir = std::env::temp_dir().join(format!("limpet-config-src-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("dynamic.yml");
    std::fs::write(&file, "http:\n  routers:\n    r:\n      rule: x\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let named = |filename: &str, directory: &str| FileProvider {
        filename: filename.to_owned(),
        directory: directory.to_owned(),
        ..FileProvider::default()
    };
    let path = file.display().to_string();
    let source = FileSource::of(&named(&path, "")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(source, FileSource::File(file.clone()));
    let (config, warnings) = source.read().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.http().routers["r"].rule, "x");
    assert!(warnings.is_empty());
    let directory = named("", &dir.display().to_string());
    let source = FileSource::of(&directory).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(source, FileSource::Directory(dir.clone()));
    let (config, _) = source.read().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.http().routers["r"].rule, "x");
    assert_eq!(FileSource::of(&named("a", "b")), Err(FileSourceError::Both));
    assert_eq!(
        FileSource::of(&named("", "")).map_err(|e| e.to_string()),
        Err("neither filename nor directory is defined".to_owned())
    );
    let missing = FileSource::File(dir.join("missing.yml")).read();
    let text = missing.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        text.starts_with(&format!("{}: ", dir.join("missing.yml").display())),
        "{text}"
    );
}
