//! Configuration changes at runtime: hot reload, bad files, disabled elements.
#![allow(clippy::unwrap_used)]

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use limpet_config::diagnostics::{Cause, Status};
use support::{origin, HttpClient, Limpet};

fn one_router(name: &str, host: &str, service: &str, backend: &str) -> String {
    format!("    {name}:\n      rule: \"Host(`{host}`)\"\n      service: {service}\n")
        .replace("BACKEND", backend)
}

fn config(routers: &[String], backend: &str) -> String {
    format!(
        "http:\n  routers:\n{}  services:\n    app:\n      loadBalancer:\n        servers:\n          - url: \"http://{backend}\"\n",
        routers.concat()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn added_router_answers_within_a_second_and_no_request_fails() {
    let backend = origin("o").await.to_string();
    let first = config(&[one_router("a", "a.local", "app", &backend)], &backend);
    let limpet = Limpet::start(&first).await;
    let (stop, failures, sent) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let loop_url = limpet.url("/");
    let load = tokio::spawn({
        let (stop, failures, sent) = (stop.clone(), failures.clone(), sent.clone());
        async move {
            let client = HttpClient::default();
            while !stop.load(Ordering::Relaxed) {
                if client.get(&loop_url, "a.local", None).await.status != 200 {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
                sent.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    until_more_than(&sent, 10).await;
    let both = config(
        &[
            one_router("a", "a.local", "app", &backend),
            one_router("b", "b.local", "app", &backend),
        ],
        &backend,
    );
    std::fs::write(&limpet.dynamic, both).unwrap();
    let written = Instant::now();
    let client = HttpClient::default();
    while client.get(&limpet.url("/"), "b.local", None).await.status != 200 {
        assert!(
            written.elapsed() < Duration::from_secs(1),
            "new router not answering after 1 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    until_more_than(&sent, sent.load(Ordering::Relaxed) + 10).await;
    stop.store(true, Ordering::Relaxed);
    load.await.unwrap();
    assert_eq!(failures.load(Ordering::Relaxed), 0);
    assert!(limpet.app.generation() >= 2);
}

/// Waits (at most 5 s) until the load loop has sent more than `n` requests.
async fn until_more_than(sent: &AtomicUsize, n: usize) {
    let start = Instant::now();
    while sent.load(Ordering::Relaxed) <= n {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "load loop stalled"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn yaml_syntax_error_keeps_the_previous_configuration() {
    support::logs::capture();
    let backend = origin("o").await.to_string();
    let a_only = config(&[one_router("a", "a.local", "app", &backend)], &backend);
    let mut limpet = Limpet::start(&a_only).await;
    let client = HttpClient::default();
    // The watch works: a change is applied (generation 2) before the file is broken.
    let both = config(
        &[
            one_router("a", "a.local", "app", &backend),
            one_router("b", "b.local", "app", &backend),
        ],
        &backend,
    );
    limpet.rewrite(&both).await;
    assert_eq!(
        client.get(&limpet.url("/"), "b.local", None).await.status,
        200
    );

    let before = limpet.app.generation();
    std::fs::write(&limpet.dynamic, "http:\n  routers: [unclosed\n").unwrap();
    let path = limpet.dynamic.display().to_string();
    let line = support::logs::wait_for_line(
        &[&path, "keeping its previous configuration"],
        Duration::from_secs(5),
    )
    .await;
    assert!(
        line.contains(&format!("{path}: line ")),
        "the error names the file and line: {line}"
    );
    for host in ["a.local", "b.local"] {
        let reply = client.get(&limpet.url("/"), host, None).await;
        assert_eq!(
            reply.server(),
            "o",
            "{host} still served after the bad write"
        );
    }
    assert_eq!(
        limpet.app.generation(),
        before,
        "the rejected file produced no generation"
    );

    limpet.rewrite(&a_only).await;
    assert_eq!(
        client.get(&limpet.url("/"), "b.local", None).await.status,
        404
    );
}

#[tokio::test]
async fn router_to_missing_service_is_disabled_while_others_serve() {
    let backend = origin("o").await.to_string();
    let routers = [
        one_router("good", "good.local", "app", &backend),
        one_router("bad", "bad.local", "does-not-exist", &backend),
    ];
    let limpet = Limpet::start(&config(&routers, &backend)).await;
    let client = HttpClient::default();
    assert_eq!(
        client
            .get(&limpet.url("/"), "good.local", None)
            .await
            .status,
        200
    );
    assert_eq!(
        client.get(&limpet.url("/"), "bad.local", None).await.status,
        404
    );
    let snapshot = limpet.app.shared.snapshot.load();
    let state = &snapshot.model.diagnostics.routers["bad@file"];
    assert_eq!(state.status, Status::Disabled);
    assert_eq!(
        state.messages(),
        ["the service \"does-not-exist@file\" does not exist"]
    );
    assert_eq!(state.errors[0].cause, Cause::MissingService);
}

#[tokio::test]
async fn router_naming_a_middleware_is_disabled_not_ignored() {
    let backend = origin("o").await.to_string();
    let yaml = format!(
        "{}  middlewares:\n    strip:\n      stripPrefix:\n        prefixes: [/api]\n",
        config(&["    m:\n      rule: \"Host(`m.local`)\"\n      service: app\n      middlewares: [strip]\n".to_owned()], &backend)
    );
    let limpet = Limpet::start(&yaml).await;
    assert_eq!(
        HttpClient::default()
            .get(&limpet.url("/"), "m.local", None)
            .await
            .status,
        404
    );
    let snapshot = limpet.app.shared.snapshot.load();
    let state = &snapshot.model.diagnostics.routers["m@file"];
    assert_eq!(state.status, Status::Disabled);
    assert!(
        state
            .errors
            .iter()
            .any(|e| e.message.contains("stripPrefix") && e.message.contains("not supported")),
        "{:?}",
        state.errors
    );
}
