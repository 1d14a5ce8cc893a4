//! The file provider's directory mode (`providers.file.directory`), end to end: the files of
//! a directory tree merged into one configuration, files added, changed and removed while
//! limpet runs, and a file that does not parse keeping the last good configuration.
#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use limpet::control::app::{self, RunningApp};
use support::{origin, HttpClient};

/// limpet reading the directory `conf` of a temporary directory.
struct DirLimpet {
    app: RunningApp,
    _dir: tempfile::TempDir,
    conf: PathBuf,
    addr: SocketAddr,
}

impl DirLimpet {
    /// Writes `files` (path relative to the directory, content) and starts limpet on them.
    async fn start(files: &[(&str, &str)]) -> DirLimpet {
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("conf");
        for (name, content) in files {
            write(&conf, name, content);
        }
        let static_path = dir.path().join("limpet.yml");
        let static_yaml = format!(
            "entryPoints:\n  web:\n    address: \"127.0.0.1:0\"\nproviders:\n  providersThrottleDuration: 50ms\n  file:\n    directory: {}\n",
            conf.display()
        );
        std::fs::write(&static_path, static_yaml).unwrap();
        let (config, warnings) = limpet_config::static_config::load_static(&static_path).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let mut app = app::start(&config, Vec::new()).await.unwrap();
        within(app.wait_for_generation(1)).await;
        let addr = app.address("web").unwrap();
        DirLimpet {
            app,
            _dir: dir,
            conf,
            addr,
        }
    }

    /// Runs `change` on the directory and waits for the generation it causes.
    async fn change(&mut self, change: impl FnOnce(&Path)) {
        let next = self.app.generation() + 1;
        change(&self.conf);
        within(self.app.wait_for_generation(next)).await;
    }

    /// The status and origin name of a request for `host`.
    async fn get(&self, host: &str) -> (u16, String) {
        let reply = HttpClient::default()
            .get(&format!("http://{}/", self.addr), host, None)
            .await;
        (reply.status.as_u16(), reply.served_by())
    }
}

fn write(conf: &Path, name: &str, content: &str) {
    let path = conf.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

async fn within<F: std::future::Future>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(5), future)
        .await
        .expect("no new generation within 5 s")
}

/// A router for `host` to `service` (YAML, `http:` section included).
fn router(name: &str, host: &str, service: &str) -> String {
    format!("http:\n  routers:\n    {name}:\n      rule: \"Host(`{host}`)\"\n      service: {service}\n")
}

/// A load balancer `name` with one server (YAML, `http:` section included).
fn service(name: &str, backend: SocketAddr) -> String {
    format!("http:\n  services:\n    {name}:\n      loadBalancer:\n        servers:\n          - url: \"http://{backend}\"\n")
}

#[tokio::test]
async fn the_files_of_a_directory_tree_are_merged() {
    let (one, two) = (origin("one").await, origin("two").await);
    let toml = format!(
        "[http.routers.c]\nrule = \"Host(`c.local`)\"\nservice = \"svc-two\"\n\n[http.services.svc-two.loadBalancer]\n[[http.services.svc-two.loadBalancer.servers]]\nurl = \"http://{two}\"\n"
    );
    let limpet = DirLimpet::start(&[
        ("a.yml", &router("a", "a.local", "svc-one")),
        ("services.yaml", &service("svc-one", one)),
        ("nested/deeper/c.toml", &toml),
        ("README.txt", "not: [a configuration"),
    ])
    .await;
    assert_eq!(
        limpet.get("a.local").await,
        (200, "one".into()),
        "a.yml → services.yaml"
    );
    assert_eq!(
        limpet.get("c.local").await,
        (200, "two".into()),
        "a TOML file two levels down"
    );
    let model = &limpet.app.shared.snapshot.load().model;
    let routers: Vec<&String> = model
        .routers
        .keys()
        .filter(|r| r.ends_with("@file"))
        .collect();
    assert_eq!(routers, ["a@file", "c@file"]);
}

#[tokio::test]
async fn files_added_changed_and_removed_are_applied() {
    let (one, two) = (origin("one").await, origin("two").await);
    let mut limpet = DirLimpet::start(&[
        ("a.yml", &router("a", "a.local", "svc-one")),
        ("services.yml", &service("svc-one", one)),
    ])
    .await;
    assert_eq!(limpet.get("b.local").await.0, 404);

    let added = format!(
        "{}{}",
        router("b", "b.local", "svc-two"),
        &service("svc-two", two)[6..]
    );
    limpet.change(|conf| write(conf, "sub/b.yml", &added)).await;
    assert_eq!(
        limpet.get("b.local").await,
        (200, "two".into()),
        "added file"
    );

    let changed = added.replace("b.local", "b2.local");
    limpet
        .change(|conf| write(conf, "sub/b.yml", &changed))
        .await;
    assert_eq!(
        limpet.get("b2.local").await,
        (200, "two".into()),
        "changed file"
    );
    assert_eq!(limpet.get("b.local").await.0, 404, "the old rule is gone");

    let removed = |conf: &Path| std::fs::remove_file(conf.join("sub/b.yml")).unwrap();
    limpet.change(removed).await;
    assert_eq!(limpet.get("b2.local").await.0, 404, "removed file");
    assert_eq!(
        limpet.get("a.local").await,
        (200, "one".into()),
        "the rest serves"
    );
}

#[tokio::test]
async fn a_file_that_does_not_parse_keeps_the_last_good_configuration() {
    support::logs::capture();
    let (one, two) = (origin("one").await, origin("two").await);
    let b = format!(
        "{}{}",
        router("b", "b.local", "svc-two"),
        &service("svc-two", two)[6..]
    );
    let mut limpet = DirLimpet::start(&[
        ("a.yml", &router("a", "a.local", "svc-one")),
        ("services.yml", &service("svc-one", one)),
        ("b.yml", &b),
    ])
    .await;
    let before = limpet.app.generation();
    let broken = limpet.conf.join("b.yml");
    std::fs::write(&broken, "http:\n  routers: [unclosed\n").unwrap();
    let reason = format!("{}: line ", broken.display());
    support::logs::wait_for_line(
        &[&reason, "keeping its previous configuration"],
        Duration::from_secs(5),
    )
    .await;
    assert_eq!(
        limpet.app.generation(),
        before,
        "nothing applied from the broken tree"
    );
    assert_eq!(limpet.get("a.local").await, (200, "one".into()));
    assert_eq!(
        limpet.get("b.local").await,
        (200, "two".into()),
        "b's last good version"
    );

    let fixed = b.replace("b.local", "fixed.local");
    limpet.change(|conf| write(conf, "b.yml", &fixed)).await;
    assert_eq!(limpet.get("fixed.local").await, (200, "two".into()));
    assert_eq!(limpet.get("b.local").await.0, 404);
    assert_eq!(limpet.get("a.local").await, (200, "one".into()));
}
