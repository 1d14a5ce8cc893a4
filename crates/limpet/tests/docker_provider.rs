//! The live Docker provider against the Engine API double (tests/support/docker_double.rs):
//! Traefik's calls, the seeds' Compose stacks served through limpet to in-process origins,
//! events applied within a second, sessions that survive a new IP, and a daemon restart
//! that loses no route.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use limpet::control::app::RunningApp;
use support::docker_double::{DockerDouble, FakeContainer};
use support::docker_stack::{common_port, compose_stack, origin_at, start_limpet, within};
use support::HttpClient;

const TUTORIAL: &str = include_str!("../../limpet-config/tests/fixtures/tutorial-compose.yml");
const TUTORIAL_FIXED: &str =
    include_str!("../../limpet-config/tests/fixtures/tutorial-compose-fixed.yml");
const RUNBOOK: &str = include_str!("../../limpet-config/tests/fixtures/runbook-compose.yml");

const SECOND: Duration = Duration::from_secs(1);

fn url(app: &RunningApp) -> String {
    format!("http://{}/", app.address("web").unwrap())
}

/// Waits (at most a second) for the generation after `before`.
async fn next_generation(app: &mut RunningApp, before: u64) {
    within(SECOND, app.wait_for_generation(before + 1)).await;
}

fn findings(app: &RunningApp) -> Vec<(String, String)> {
    let snapshot = app.shared.snapshot.load();
    let findings = &snapshot.model.diagnostics.findings;
    findings
        .iter()
        .map(|f| (f.code.as_str().to_owned(), f.element.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_in_traefiks_order_and_a_container_is_served() {
    let double = DockerDouble::start().await;
    let port = origin_at("127.0.0.2", 0, "web-1").await;
    double.run(FakeContainer::new("web-1", "127.0.0.2", port, &[]));
    let app = start_limpet(&double, "").await;
    within(SECOND, double.wait_for_requests(4)).await;
    let log = double.log();
    let id = double.id_of("web-1");
    assert_eq!(log[0], "HEAD /_ping", "{log:#?}");
    assert_eq!(log[1], "GET /v1.45/version", "{log:#?}");
    assert!(
        log[2].starts_with("GET /v1.45/containers/json?all=true"),
        "{log:#?}"
    );
    assert_eq!(
        log[3],
        format!("GET /v1.45/containers/{id}/json"),
        "{log:#?}"
    );
    assert!(log[4].starts_with("GET /v1.45/events?filters="), "{log:#?}");
    assert!(log[4].contains("container"), "{log:#?}");
    let reply = HttpClient::default().get(&url(&app), "web-1", None).await;
    assert_eq!(reply.server(), "web-1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tutorial_as_published_reports_lmp001_and_lmp002() {
    let double = DockerDouble::start().await;
    let port = common_port(&["127.0.0.2", "127.0.0.3", "127.0.0.4"]).await;
    for container in compose_stack(TUTORIAL, "tutorial", port).await {
        double.run(container);
    }
    let app = start_limpet(&double, "").await;
    let found = findings(&app);
    let has = |code: &str, element: &str| {
        found
            .iter()
            .any(|(c, e)| c == code && e.starts_with(element))
    };
    assert!(
        has("LMP001", "http.middlewares.sticky-sessions@docker"),
        "{found:#?}"
    );
    assert!(has("LMP002", "http.routers.whoami"), "{found:#?}");
    // The routers naming the sticky middleware are disabled (Traefik skips both
    // containers); the Compose file's `traefik` container is served.
    assert_eq!(status(&app, "whoami.localhost").await, 404);
    assert_eq!(status(&app, "traefik-tutorial").await, 200);
}

/// A session pinned by `cookie_name`: the cookie of a first answer, then `n` answers
/// carrying it all from the same origin; returns (cookie pair, origin).
async fn pinned(app: &RunningApp, host: &str, cookie_name: &str, n: usize) -> (String, String) {
    let client = HttpClient::default();
    let first = client.get(&url(app), host, None).await;
    let cookie = first.cookie_pair().unwrap_or_default();
    assert!(cookie.starts_with(&format!("{cookie_name}=")), "{first:?}");
    let server = first.server();
    for _ in 0..n {
        let again = client.get(&url(app), host, Some(&cookie)).await;
        assert_eq!(again.server(), server, "session moved");
        assert!(again.set_cookies().is_empty(), "{again:?}");
    }
    (cookie, server)
}

/// New sessions reach every one of `expected` servers.
async fn spread(app: &RunningApp, host: &str, expected: usize) {
    let client = HttpClient::default();
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..(4 * expected) {
        seen.insert(client.get(&url(app), host, None).await.server());
    }
    assert_eq!(seen.len(), expected, "{seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fixed_tutorial_serves_sticky_sessions() {
    let double = DockerDouble::start().await;
    let port = common_port(&["127.0.0.2", "127.0.0.3", "127.0.0.4"]).await;
    for container in compose_stack(TUTORIAL_FIXED, "tutorial", port).await {
        double.run(container);
    }
    let app = start_limpet(&double, "").await;
    spread(&app, "whoami.localhost", 2).await;
    pinned(&app, "whoami.localhost", "my_app_session", 10).await;
    let found = findings(&app);
    assert!(
        !found.iter().any(|(c, _)| c == "LMP001" || c == "LMP002"),
        "{found:#?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runbook_labels_serve_sticky_session() {
    let double = DockerDouble::start().await;
    let port = common_port(&["127.0.0.2", "127.0.0.3"]).await;
    for container in compose_stack(RUNBOOK, "webstack", port).await {
        double.run(container);
    }
    let app = start_limpet(&double, "").await;
    spread(&app, "app.solvethenetwork.com", 2).await;
    let (cookie, _) = pinned(&app, "app.solvethenetwork.com", "STICKY_SESSION", 10).await;
    // The value follows the stable id, not the address (never the URL the runbook shows).
    assert!(!cookie.contains("127.0.0"), "{cookie}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn container_restarted_with_a_new_ip_keeps_its_sessions() {
    let double = DockerDouble::start().await;
    let port = common_port(&["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]).await;
    for container in compose_stack(TUTORIAL_FIXED, "tutorial", port).await {
        double.run(container);
    }
    let mut app = start_limpet(&double, "").await;
    let (cookie, server) = pinned(&app, "whoami.localhost", "my_app_session", 3).await;
    let generation = app.generation();
    double.stop_container(&server);
    next_generation(&mut app, generation).await;
    origin_at("127.0.0.5", port, &server).await;
    let generation = app.generation();
    double.change(&server, &["start"], |c| {
        c.status = "running".into();
        c.networks
            .values_mut()
            .for_each(|ip| *ip = "127.0.0.5".into());
    });
    next_generation(&mut app, generation).await;
    let reply = HttpClient::default()
        .get(&url(&app), "whoami.localhost", Some(&cookie))
        .await;
    assert_eq!(reply.server(), server);
    assert!(
        reply.set_cookies().is_empty(),
        "session re-pinned: {reply:?}"
    );
    assert!(reply.body.contains("127.0.0.5"), "{}", reply.body);
}

/// A running container with one router for `host` and an origin-less server at ip:port.
fn routed(name: &str, host: &str, ip: &str, port: u16) -> FakeContainer {
    let mut container = FakeContainer::new(name, ip, port, &[]);
    container.labels.insert(
        format!("traefik.http.routers.{name}.rule"),
        format!("Host(`{host}`)"),
    );
    container
}

async fn status(app: &RunningApp, host: &str) -> u16 {
    HttpClient::default()
        .get(&url(app), host, None)
        .await
        .status
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_applied_within_a_second() {
    let double = DockerDouble::start().await;
    let port_a = origin_at("127.0.0.2", 0, "a").await;
    double.run(routed("a", "a.local", "127.0.0.2", port_a));
    let mut app = start_limpet(&double, "").await;
    let port_b = origin_at("127.0.0.3", 0, "b").await;
    for (step, expect) in [
        ("start", 200),
        ("unhealthy", 404),
        ("healthy", 200),
        ("pause", 404),
        ("unpause", 200),
        ("stop", 404),
    ] {
        let generation = app.generation();
        match step {
            "start" => double.run(routed("b", "b.local", "127.0.0.3", port_b)),
            "unhealthy" | "healthy" => double.set_health("b", step),
            "pause" => double.change("b", &["pause"], |c| c.status = "paused".into()),
            "unpause" => double.change("b", &["unpause"], |c| c.status = "running".into()),
            _ => double.stop_container("b"),
        }
        next_generation(&mut app, generation).await;
        assert_eq!(status(&app, "b.local").await, expect, "after {step}");
        assert_eq!(status(&app, "a.local").await, 200, "after {step}");
    }
    let generation = app.generation();
    double.remove("a");
    next_generation(&mut app, generation).await;
    assert_eq!(status(&app, "a.local").await, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_allow_empty_services_an_unhealthy_container_answers_503() {
    let double = DockerDouble::start().await;
    let port = origin_at("127.0.0.2", 0, "a").await;
    let mut container = routed("a", "a.local", "127.0.0.2", port);
    container.health = Some("starting".into());
    double.run(container);
    let mut app = start_limpet(&double, "    allowEmptyServices: true\n").await;
    assert_eq!(status(&app, "a.local").await, 503);
    let generation = app.generation();
    double.set_health("a", "healthy");
    next_generation(&mut app, generation).await;
    assert_eq!(status(&app, "a.local").await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daemon_restart_loses_no_route_and_resyncs() {
    let mut double = DockerDouble::start().await;
    let port = origin_at("127.0.0.2", 0, "a").await;
    double.run(routed("a", "a.local", "127.0.0.2", port));
    let mut app = start_limpet(&double, "").await;
    within(SECOND, double.wait_for_requests(4)).await;
    let (stop, failures, sent) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let load = tokio::spawn({
        let (stop, failures, sent, url) = (stop.clone(), failures.clone(), sent.clone(), url(&app));
        async move {
            let client = HttpClient::default();
            while !stop.load(Ordering::Relaxed) {
                if client.get(&url, "a.local", None).await.status != 200 {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
                sent.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    let generation = app.generation();
    double.stop();
    let before = double.log().len();
    let at_stop = sent.load(Ordering::Relaxed);
    until(&sent, at_stop + 50).await; // served while the daemon is gone
    double.restart();
    // Reconnected: ping, version, a full resync and the events stream again.
    within(Duration::from_secs(3), double.wait_for_requests(before + 4)).await;
    let again = double.log()[before..].to_vec();
    assert_eq!(again[0], "HEAD /_ping", "{again:#?}");
    assert!(
        again.iter().any(|r| r.contains("/containers/json")),
        "{again:#?}"
    );
    assert_eq!(
        app.generation(),
        generation,
        "the same containers: nothing re-applied"
    );
    // A change after the restart arrives through the new events stream.
    let port_b = origin_at("127.0.0.3", 0, "b").await;
    let generation = app.generation();
    double.run(routed("b", "b.local", "127.0.0.3", port_b));
    next_generation(&mut app, generation).await;
    assert_eq!(status(&app, "b.local").await, 200);
    stop.store(true, Ordering::Relaxed);
    load.await.unwrap();
    assert_eq!(failures.load(Ordering::Relaxed), 0);
}

/// Waits (at most 5 s) until `sent` exceeds `n`.
async fn until(sent: &AtomicUsize, n: usize) {
    within(Duration::from_secs(5), async {
        while sent.load(Ordering::Relaxed) <= n {
            tokio::task::yield_now().await;
        }
    })
    .await;
}

/// The live provider and `limpet check --compose` decode with one function: the same
/// routers and services, rules, cookies and server ids (only the addresses differ, IPs
/// against DNS names).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_provider_and_check_compose_agree() {
    for (text, project) in [
        (TUTORIAL, "tutorial"),
        (TUTORIAL_FIXED, "tutorial"),
        (RUNBOOK, "webstack"),
    ] {
        let double = DockerDouble::start().await;
        let port = common_port(&["127.0.0.2", "127.0.0.3", "127.0.0.4"]).await;
        for container in compose_stack(text, project, port).await {
            double.run(container);
        }
        let app = start_limpet(&double, "").await;
        let live = app.shared.snapshot.load().config.clone();
        let rewritten = text
            .replace("server.port=8080", &format!("server.port={port}"))
            .replace("server.port=80\"", &format!("server.port={port}\""));
        let checked = limpet_config::compose::docker_provider(&rewritten, project).unwrap();
        let http = checked.configuration.http.unwrap();
        let docker = |name: &String| format!("{name}@docker");
        let live_routers: Vec<_> = live
            .routers
            .iter()
            .filter(|(_, r)| r.provider == "docker")
            .map(|(n, r)| (n.clone(), r.config.rule.clone(), r.config.service.clone()))
            .collect();
        let mut check_routers: Vec<_> = http
            .routers
            .iter()
            .map(|(n, r)| (docker(n), r.rule.clone(), r.service.clone()))
            .collect();
        check_routers.sort();
        assert_eq!(live_routers, check_routers);
        let ids = |lb: &limpet_config::dynamic::LoadBalancer| {
            (
                lb.sticky.clone(),
                lb.servers.iter().map(|s| s.id.clone()).collect::<Vec<_>>(),
            )
        };
        let live_services: Vec<_> = live
            .services
            .iter()
            .filter(|(_, s)| s.provider == "docker")
            .map(|(n, s)| (n.clone(), s.config.load_balancer.as_ref().map(ids)))
            .collect();
        let mut check_services: Vec<_> = http
            .services
            .iter()
            .map(|(n, s)| (docker(n), s.load_balancer.as_ref().map(ids)))
            .collect();
        check_services.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(live_services, check_services);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_label_that_does_not_decode_is_a_finding_and_the_rest_serves() {
    let double = DockerDouble::start().await;
    let port = origin_at("127.0.0.2", 0, "web-1").await;
    let mut container = routed("web-1", "web.local", "127.0.0.2", port);
    container.labels.insert(
        "traefik.http.services.web-1.loadbalancer.server.weight".into(),
        "heavy".into(),
    );
    double.run(container);
    let app = start_limpet(&double, "").await;
    let coded = findings(&app);
    assert!(
        coded.iter().any(|(code, _)| code == "LMP016"),
        "the label problem reaches the model and the API: {coded:?}"
    );
    assert_eq!(status(&app, "web.local").await, 200);
}
