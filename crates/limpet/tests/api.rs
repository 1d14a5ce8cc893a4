//! The API against Traefik 3.7.15's own answers (`tests/fixtures/api`, see its README): a
//! sticky service, a health-checked one with a dead server, a weighted one, routers to a
//! missing service and a missing middleware, a bad rule, internal routers and services;
//! then pagination, filters, sorting, 404/400/405 bodies and limpet's drain endpoint.
#![allow(clippy::unwrap_used)]

#[path = "support/observed.rs"]
mod observed;
mod support;

use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::Full;
use observed::Observed;
use serde_json::Value;
use support::{dead_address, origin, HttpClient, Reply};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/api");

/// Origins standing in for the fixtures' 9001/9002 (live) and 9003/9009 (dead).
struct Addresses {
    pairs: Vec<(String, String)>,
}

impl Addresses {
    async fn new() -> Addresses {
        let live_a = origin("a").await.to_string();
        let live_b = origin("b").await.to_string();
        let dead_c = dead_address().await.to_string();
        let dead_d = dead_address().await.to_string();
        let pairs = [
            ("9001", live_a),
            ("9002", live_b),
            ("9003", dead_c),
            ("9009", dead_d),
        ]
        .into_iter()
        .map(|(port, addr)| (format!("127.0.0.1:{port}"), addr))
        .collect();
        Addresses { pairs }
    }

    fn apply(&self, text: &str) -> String {
        let mut text = text.replace("127.0.0.1:18080", "127.0.0.1:0");
        text = text.replace("127.0.0.1:18081", "127.0.0.1:0");
        for (from, to) in &self.pairs {
            text = text.replace(from, to);
        }
        text
    }

    fn fixture(&self, name: &str) -> Value {
        let text = std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap();
        serde_json::from_str(&self.apply(&text)).unwrap()
    }
}

const STATIC: &str = "api:\n  insecure: true\nping: {}\nmetrics:\n  prometheus: {}\naccessLog:\n  filePath: /dev/null\n";

async fn start() -> (Observed, Addresses) {
    let addresses = Addresses::new().await;
    let dynamic = std::fs::read_to_string(format!("{FIXTURES}/dynamic.yml")).unwrap();
    let limpet = Observed::start(&addresses.apply(&dynamic), STATIC).await;
    (limpet, addresses)
}

async fn get(limpet: &Observed, path: &str) -> Reply {
    HttpClient::default()
        .get(&limpet.api_url(path), "localhost", None)
        .await
}

async fn get_json(limpet: &Observed, path: &str) -> Value {
    let reply = get(limpet, path).await;
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.body);
    assert_eq!(reply.headers["content-type"], "application/json", "{path}");
    serde_json::from_str(&reply.body).unwrap()
}

/// Waits until the health check has marked the dead server of `svc-hc` down.
async fn wait_for_health(limpet: &Observed) {
    for _ in 0..50 {
        let svc = get_json(limpet, "/api/http/services/svc-hc@file").await;
        if svc["serverStatus"]
            .as_object()
            .unwrap()
            .values()
            .any(|s| s == "DOWN")
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("svc-hc never showed a DOWN server");
}

fn names(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn lists_equal_traefik_field_for_field() {
    let (limpet, addresses) = start().await;
    wait_for_health(&limpet).await;
    for (path, fixture) in [
        ("/api/http/routers", "routers.json"),
        ("/api/http/services", "services.json"),
        ("/api/http/middlewares", "middlewares.json"),
        ("/api/overview", "overview.json"),
        ("/api/rawdata", "rawdata.json"),
        ("/api/entrypoints", "entrypoints.json"),
    ] {
        let ours = get_json(&limpet, path).await;
        let theirs = addresses.fixture(fixture);
        assert_eq!(ours, theirs, "{path}\nours:   {ours}\ntheirs: {theirs}");
    }
}

#[tokio::test]
async fn single_elements_and_byte_exact_router() {
    let (limpet, addresses) = start().await;
    let routers = addresses.fixture("routers.json");
    for router in routers.as_array().unwrap() {
        let name = router["name"].as_str().unwrap();
        let ours = get_json(&limpet, &format!("/api/http/routers/{name}")).await;
        assert_eq!(&ours, router, "{name}");
    }
    let reply = get(&limpet, "/api/http/routers/r-missing-mw@file").await;
    let expected = r#"{"entryPoints":["web"],"middlewares":["sticky@file"],"service":"svc-sticky","rule":"Host(`mw.local`)","priority":16,"observability":{"accessLogs":true,"metrics":true,"tracing":true,"traceVerbosity":"minimal"},"error":["middleware \"sticky@file\" does not exist"],"status":"disabled","using":["web"],"name":"r-missing-mw@file","provider":"file","priorityStr":"16"}"#;
    assert_eq!(reply.body, format!("{expected}\n"));
    let escaped = get(&limpet, "/api/http/routers/api%40internal").await;
    assert_eq!(escaped.status, StatusCode::OK);
    let weighted = get_json(&limpet, "/api/http/services/wrr1@file").await;
    assert_eq!(weighted["type"], "weighted");
    assert_eq!(weighted["weighted"]["sticky"]["cookie"]["name"], "lvl1");
}

#[tokio::test]
async fn not_found_and_bad_request_bodies() {
    let (limpet, _) = start().await;
    for (path, status, body) in [
        (
            "/api/http/routers/nope@file",
            404,
            "{\"message\":\"router not found: nope@file\"}\n",
        ),
        (
            "/api/http/services/nope",
            404,
            "{\"message\":\"service not found: nope\"}\n",
        ),
        (
            "/api/http/middlewares/x@file",
            404,
            "{\"message\":\"middleware not found: x@file\"}\n",
        ),
        (
            "/api/entrypoints/nope",
            404,
            "{\"message\":\"entry point not found: nope\"}\n",
        ),
        (
            "/api/http/routers?page=x",
            400,
            "{\"message\":\"invalid request: page: 0\"}\n",
        ),
        (
            "/api/http/routers?per_page=0",
            400,
            "{\"message\":\"invalid request: per_page: 0\"}\n",
        ),
        (
            "/api/http/routers?page=100",
            400,
            "{\"message\":\"invalid request: page: 100, per_page: 100\"}\n",
        ),
        ("/api/nope", 404, "404 page not found\n"),
        ("/api/http/routers/", 404, "404 page not found\n"),
    ] {
        let reply = get(&limpet, path).await;
        assert_eq!(reply.status.as_u16(), status, "{path}");
        assert_eq!(reply.body, body, "{path}");
        assert_eq!(
            reply.headers["content-type"], "text/plain; charset=utf-8",
            "{path}"
        );
    }
}

#[tokio::test]
async fn pagination_filters_and_sorting() {
    let (limpet, _) = start().await;
    let page = get(&limpet, "/api/http/routers?per_page=2&page=2").await;
    assert_eq!(page.headers["x-next-page"], "3");
    let page: Value = serde_json::from_str(&page.body).unwrap();
    assert_eq!(names(&page), ["ping@internal", "prometheus@internal"]);
    let last = get(&limpet, "/api/http/routers?per_page=5&page=3").await;
    assert_eq!(last.headers["x-next-page"], "1");
    let cases: [(&str, &[&str]); 7] = [
        (
            "/api/http/routers?status=disabled&search=MISS",
            &["r-missing-mw@file", "r-missing-svc@file"],
        ),
        (
            "/api/http/routers?serviceName=svc-sticky@file",
            &["r-badrule@file", "r-missing-mw@file", "r-sticky@file"],
        ),
        (
            "/api/http/routers?middlewareName=sticky@file",
            &["r-missing-mw@file"],
        ),
        (
            "/api/http/routers?sortBy=priority&per_page=3",
            &["r-badrule@file", "r-hc@file", "r-missing-mw@file"],
        ),
        (
            "/api/http/routers?direction=desc&per_page=2",
            &["r-wrr@file", "r-sticky@file"],
        ),
        (
            "/api/http/services?status=enabled&sortBy=status&direction=desc&per_page=3",
            &["wrr1@file", "whoami2@file", "whoami1@file"],
        ),
        ("/api/http/routers?status=bogus", &[]),
    ];
    for (path, expected) in cases {
        let list = get_json(&limpet, path).await;
        assert_eq!(names(&list), expected, "{path}");
    }
}

#[tokio::test]
async fn only_get_and_drain_needs_allow_writes() {
    let (limpet, _) = start().await;
    let client = HttpClient::default();
    let put = |path: &str, body: &str| {
        Request::put(limpet.api_url(path))
            .header("host", "localhost")
            .body(Full::new(Bytes::from(body.to_owned())))
            .unwrap()
    };
    let reply = client.send(put("/api/http/routers", "")).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(reply.body, "");
    let drain = r#"{"server":"x","draining":true}"#;
    let reply = client
        .send(put("/api/limpet/services/svc-sticky@file/drain", drain))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::METHOD_NOT_ALLOWED,
        "allowWrites is off"
    );
}

#[tokio::test]
async fn drain_through_the_api() {
    let addresses = Addresses::new().await;
    let dynamic = std::fs::read_to_string(format!("{FIXTURES}/dynamic.yml")).unwrap();
    let extra = "api:\n  insecure: true\n  allowWrites: true\n";
    // A user router may expose the API on a public entrypoint (read-only there).
    let public =
        "    api-public:\n      rule: \"Host(`api.local`)\"\n      service: api@internal\n";
    let dynamic = dynamic.replacen("  routers:\n", &format!("  routers:\n{public}"), 1);
    let limpet = Observed::start(&addresses.apply(&dynamic), extra).await;
    let through_router = HttpClient::default()
        .get(
            &limpet.web_url("/api/http/routers/api-public@file"),
            "api.local",
            None,
        )
        .await;
    assert_eq!(
        through_router.status,
        StatusCode::OK,
        "{}",
        through_router.body
    );
    assert!(through_router.body.contains("\"service\":\"api@internal\""));
    let server = addresses.apply("http://127.0.0.1:9002");
    let body = format!(r#"{{"server":"{server}","draining":true}}"#);
    let req = Request::put(limpet.api_url("/api/limpet/services/svc-sticky@file/drain"))
        .header("host", "localhost")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let reply = HttpClient::default().send(req).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let view: Value = serde_json::from_str(&reply.body).unwrap();
    let drained = &view["servers"].as_array().unwrap()[1];
    assert_eq!(drained["url"], server.as_str());
    assert_eq!(drained["draining"], true);
    assert_eq!(drained["sessionsSeen"], 0);
    // Only the API's own entrypoint may write, even with allowWrites.
    let on_web = Request::put(limpet.web_url("/api/limpet/services/svc-sticky@file/drain"))
        .header("host", "api.local")
        .body(Full::new(Bytes::new()))
        .unwrap();
    let reply = HttpClient::default().send(on_web).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn limpet_extras_show_sticky_outcomes_and_findings() {
    let (limpet, _) = start().await;
    let client = HttpClient::default();
    let first = client.get(&limpet.web_url("/"), "sticky.local", None).await;
    let cookie = first.cookie_pair().unwrap();
    for _ in 0..3 {
        client
            .get(&limpet.web_url("/"), "sticky.local", Some(&cookie))
            .await;
    }
    let services = get_json(&limpet, "/api/limpet/services/svc-sticky@file").await;
    assert_eq!(services["stickyCookie"], "_161c8");
    assert_eq!(services["outcomes"]["new"], 1);
    assert_eq!(services["outcomes"]["hit"], 3);
    let pinned: u64 = services["servers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["pinnedSessions"].as_u64().unwrap())
        .sum();
    assert_eq!(pinned, 1);
    let decisions = get_json(&limpet, "/api/limpet/decisions").await;
    assert_eq!(decisions[0]["outcome"], "new");
    let findings = get_json(&limpet, "/api/limpet/findings").await;
    let missing = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "r-missing-mw@file")
        .unwrap();
    assert!(!missing["fix"].as_str().unwrap().is_empty(), "{missing}");
}
