//! `limpet check` as a user runs it: the tutorial's Compose file, exit codes, JSON, and no
//! port bound.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LIMPET: &str = env!("CARGO_BIN_EXE_limpet");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../limpet-config/tests/fixtures")
        .join(name)
}

/// Runs `limpet check ARGS` in `cwd` (a directory without limpet.yml/traefik.yml).
fn check_in(cwd: &Path, args: &[&str]) -> (u8, String) {
    let Output { status, stdout, .. } = Command::new(LIMPET)
        .arg("check")
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    let code = u8::try_from(status.code().unwrap()).unwrap();
    (code, String::from_utf8(stdout).unwrap())
}

/// A temp project directory holding copies of the given fixtures.
fn project(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in files {
        std::fs::copy(fixture(name), dir.path().join(name)).unwrap();
    }
    dir
}

#[test]
fn tutorial_compose_file_exits_2_with_sticky_middleware_and_shadowed_router() {
    let dir = project(&["tutorial-compose.yml"]);
    let (code, out) = check_in(dir.path(), &["--compose", "tutorial-compose.yml"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("LMP001 error http.middlewares.sticky-sessions@docker.sticky"),
        "{out}"
    );
    assert!(
        out.contains("LMP002 warning http.routers.whoami@docker"),
        "{out}"
    );
    assert!(
        out.contains("traefik.http.services.whoami.loadbalancer.sticky.cookie.name=my_app_session"),
        "{out}"
    );
    assert!(out.contains("note: no static configuration"), "{out}");
}

#[test]
fn tutorial_with_its_traefik_yml_and_the_corrected_file() {
    let dir = project(&[
        "tutorial-compose.yml",
        "tutorial-traefik.yml",
        "tutorial-compose-fixed.yml",
    ]);
    let args = [
        "--configFile",
        "tutorial-traefik.yml",
        "--compose",
        "tutorial-compose.yml",
    ];
    let (code, out) = check_in(dir.path(), &args);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("LMP001") && out.contains("LMP002"), "{out}");
    let args = [
        "--configFile",
        "tutorial-traefik.yml",
        "--compose",
        "tutorial-compose-fixed.yml",
    ];
    let (code, out) = check_in(dir.path(), &args);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("0 error(s), 0 warning(s), 0 info"), "{out}");
}

const TWINS: &str = "http:\n  routers:\n    a: {rule: \"Host(`x`)\", service: s}\n    b: {rule: \"Host(`x`)\", service: s}\n  services:\n    s: {loadBalancer: {servers: [{url: \"http://s:80\"}]}}\n";

#[test]
fn warnings_only_exit_1_and_json_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("dyn.yml"), TWINS).unwrap();
    let (code, out) = check_in(dir.path(), &["--file", "dyn.yml", "--format", "json"]);
    assert_eq!(code, 1, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["exitCode"], 1);
    let finding = &json["findings"][0];
    assert_eq!(finding["code"], "LMP002");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["element"], "http.routers.b@file");
    assert!(finding["fix"]
        .as_str()
        .unwrap()
        .contains("# remove http.routers.b"));
}

#[test]
fn clean_configuration_exits_0_and_unreadable_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let clean = TWINS.replacen("Host(`x`)", "Host(`y`)", 1);
    std::fs::write(dir.path().join("dyn.yml"), clean).unwrap();
    let (code, out) = check_in(dir.path(), &["--file", "dyn.yml"]);
    assert_eq!(code, 0, "{out}");
    let (code, _) = check_in(dir.path(), &["--file", "missing.yml"]);
    assert_eq!(code, 2);
}

#[test]
fn static_configuration_and_its_file_provider_without_binding_ports() {
    // The entrypoint's port is taken: `check` must not try to bind it.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let dynamic = dir.path().join("dynamic.yml");
    std::fs::write(
        &dynamic,
        TWINS.replace("service: s}", "service: s, entryPoints: [nope]}"),
    )
    .unwrap();
    let static_yaml = format!(
        "entryPoints:\n  web:\n    address: \"{}\"\nproviders:\n  file:\n    filename: {}\n",
        taken.local_addr().unwrap(),
        dynamic.display()
    );
    std::fs::write(dir.path().join("limpet.yml"), static_yaml).unwrap();
    let (code, out) = check_in(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("LMP015 error http.routers.a@file.entryPoints"),
        "{out}"
    );
    assert!(
        out.contains("entryPoint \"nope\" doesn't exist, no valid entryPoint for this router"),
        "{out}"
    );
}
