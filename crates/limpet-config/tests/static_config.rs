//! Static configuration: file loading, unknown-key warnings, flags, lookup, entrypoints.

use std::path::{Path, PathBuf};

use limpet_config::duration::GoDuration;
use limpet_config::static_config::{
    entry_point_set, find_config_file_in, from_flags, load, load_static, StaticConfig, StaticError,
};

/// A fresh directory under the system temp dir for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("limpet-config-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    dir
}

fn write(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{e}"));
    }
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
}

fn load_text(
    name: &str,
    file: &str,
    text: &str,
) -> Result<(StaticConfig, Vec<String>), StaticError> {
    let path = scratch(name).join(file);
    write(&path, text);
    load_static(&path)
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

const STATIC_YAML: &str = r#"
entryPoints:
  web:
    address: ":8000"
    asDefault: true
    forwardedHeaders:
      trustedIPs: ["10.0.0.0/8"]
  Admin:
    address: ":9000"
providers:
  file:
    filename: dyn.yml
log:
  level: DEBUG
api: {}
accessLog:
"#;

#[test]
fn loads_yaml_with_defaults() {
    let (config, warnings) =
        load_text("yaml", "traefik.yml", STATIC_YAML).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    let web = &config.entry_points["web"];
    assert_eq!(web.address, ":8000");
    assert_eq!(web.forwarded_headers.trusted_ips, ["10.0.0.0/8"]);
    assert_eq!(
        web.transport.responding_timeouts.read_timeout,
        GoDuration::from_secs(60)
    );
    assert!(config.entry_points.contains_key("Admin"));
    let file = config.providers.file.clone().unwrap_or_default();
    assert_eq!(file.filename, "dyn.yml");
    assert!(file.watch);
    assert_eq!(
        config.providers.providers_throttle_duration,
        GoDuration::from_secs(2)
    );
    assert_eq!(config.log.level, "DEBUG");
    let api = config
        .api
        .clone()
        .unwrap_or_else(|| panic!("api not enabled"));
    assert!(api.dashboard && !api.insecure);
    assert_eq!(
        config.access_log.as_ref().map(|a| a.format.as_str()),
        Some("common")
    );
    assert!(config.ping.is_none());
    let set = entry_point_set(&config);
    assert_eq!(set.all, ["Admin", "web"]);
    assert_eq!(set.defaults, ["web"]);
}

#[test]
fn toml_equivalent() {
    let text = "[entryPoints.web]\naddress = \":8000\"\n[providers.file]\nfilename = \"dyn.toml\"\nwatch = false\n[api]\n";
    let (config, warnings) =
        load_text("toml", "traefik.toml", text).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(config.entry_points["web"].address, ":8000");
    assert_eq!(config.providers.file.map(|f| f.watch), Some(false));
    assert!(config.api.is_some());
}

#[test]
fn defaults_without_configuration() {
    let (config, _) = load(None, &Default::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.log.level, "ERROR");
    let set = entry_point_set(&config);
    assert_eq!(set.all, ["http"]);
    assert_eq!(set.defaults, ["http"]);
    let effective = limpet_config::static_config::effective_entry_points(&config);
    assert_eq!(effective["http"].address, ":80");
}

#[test]
fn insecure_api_adds_traefik_entry_point_not_in_defaults() {
    let (config, _) = load_text("insecure", "t.yml", "api:\n  insecure: true\nping: {}\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let set = entry_point_set(&config);
    assert_eq!(set.all, ["http", "traefik"]);
    assert_eq!(set.defaults, ["http"]);
}

#[test]
fn unknown_keys_are_warnings_with_full_path() {
    let text = "entryPoints:\n  web:\n    address: \":80\"\n    adress: \":81\"\nbogus: 1\n";
    let (config, warnings) = load_text("unknown", "t.yml", text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.entry_points["web"].address, ":80");
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("entryPoints.web.adress")),
        "{warnings:?}"
    );
    assert!(warnings.iter().any(|w| w.contains("bogus")), "{warnings:?}");
}

#[test]
fn keys_are_case_insensitive() {
    let text =
        "ENTRYPOINTS:\n  Web:\n    Address: \":80\"\nProviders:\n  FILE:\n    FileName: x.yml\n";
    let (config, warnings) = load_text("case", "t.yaml", text).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(config.entry_points["Web"].address, ":80");
    assert_eq!(
        config.providers.file.map(|f| f.filename).as_deref(),
        Some("x.yml")
    );
}

#[test]
fn malformed_file_is_an_error_with_file_and_line() {
    let error = load_text("bad", "t.yml", "entryPoints:\n  web:\n    address: [\n")
        .err()
        .map(|e| e.to_string());
    let error = error.unwrap_or_default();
    assert!(error.contains("t.yml: line "), "{error}");
    let error = load_text("badtoml", "t.toml", "[entryPoints.web\n")
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(error.contains("t.toml: line 1"), "{error}");
}

#[test]
fn flags_parse_all_forms() {
    let (file, flags) = from_flags(&args(&[
        "--entryPoints.web.address=:80",
        "--entrypoints.websecure.address",
        ":443",
        "--providers.file.watch",
        "--api",
        "--api.insecure=true",
        "--configfile=/etc/t.yml",
        "--log.level",
        "DEBUG",
        "--entrypoints.web.forwardedheaders.trustedips=10.0.0.1,10.0.0.2",
    ]))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(file.as_deref(), Some(Path::new("/etc/t.yml")));
    let (config, warnings) = load(None, &flags).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(config.entry_points["web"].address, ":80");
    assert_eq!(config.entry_points["websecure"].address, ":443");
    assert_eq!(
        config.entry_points["web"].forwarded_headers.trusted_ips,
        ["10.0.0.1", "10.0.0.2"]
    );
    assert!(config.providers.file.map(|f| f.watch).unwrap_or(false));
    assert!(config.api.map(|a| a.insecure).unwrap_or(false));
    assert_eq!(config.log.level, "DEBUG");
}

#[test]
fn flag_config_file_forms() {
    for form in [
        &["--configFile=a.yml"][..],
        &["--configfile", "a.yml"][..],
        &["--CONFIGFILE=a.yml"][..],
    ] {
        let (file, flags) = from_flags(&args(form)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(file.as_deref(), Some(Path::new("a.yml")), "{form:?}");
        assert!(flags.is_empty());
    }
    assert!(from_flags(&args(&["positional"])).is_err());
    assert!(from_flags(&args(&["--a..b=1"])).is_err());
}

#[test]
fn flags_override_file_keys() {
    let dir = scratch("override");
    let path = dir.join("traefik.yml");
    write(&path, "entryPoints:\n  web:\n    address: \":8000\"\n  other:\n    address: \":7000\"\nlog:\n  level: INFO\n");
    let (_, flags) = from_flags(&args(&[
        "--entrypoints.web.address=:9999",
        "--api.dashboard=false",
    ]))
    .unwrap_or_else(|e| panic!("{e}"));
    let (config, _) = load(Some(&path), &flags).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.entry_points["web"].address, ":9999");
    assert_eq!(config.entry_points["other"].address, ":7000");
    assert_eq!(config.log.level, "INFO");
    assert_eq!(config.api.map(|a| a.dashboard), Some(false));
}

#[test]
fn unknown_flags_are_warnings() {
    let (_, flags) =
        from_flags(&args(&["--entrypoints.web.adress=:80"])).unwrap_or_else(|e| panic!("{e}"));
    let (_, warnings) = load(None, &flags).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("entrypoints.web.adress"),
        "{warnings:?}"
    );
}

#[test]
fn config_file_lookup_order() {
    let dir = scratch("lookup");
    let cwd = dir.join("cwd");
    let etc = dir.join("etc");
    std::fs::create_dir_all(&cwd).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(find_config_file_in(&cwd, &etc), None);
    let steps = [
        etc.join("traefik/traefik.toml"),
        etc.join("limpet/limpet.yaml"),
        cwd.join("traefik.toml"),
        cwd.join("traefik.yml"),
        cwd.join("limpet.toml"),
        cwd.join("limpet.yaml"),
        cwd.join("limpet.yml"),
    ];
    for step in steps {
        write(&step, "");
        assert_eq!(find_config_file_in(&cwd, &etc), Some(step.clone()));
    }
}

#[test]
fn entry_point_without_options_gets_defaults() {
    let (config, _) =
        load_text("bare", "t.yml", "entryPoints:\n  web:\n").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(config.entry_points["web"].http2.max_concurrent_streams, 250);
    assert!(config.entry_points["web"].http.sanitize_path);
}
