//! Access log lines (Traefik's `common` byte for byte, `json` field names, filters, header
//! redaction), Prometheus metrics after a known number of requests (Traefik's names and
//! labels, sticky outcomes), and `/ping` while serving and while terminating.
#![allow(clippy::unwrap_used)]

#[path = "support/observed.rs"]
mod observed;
mod support;

use std::collections::BTreeSet;
use std::time::Duration;

use observed::Observed;
use serde_json::Value;
use support::{dead_address, origin, HttpClient};

async fn dynamic() -> (String, String) {
    let live = origin("a").await;
    let dead = dead_address().await;
    let yaml = format!(
        r#"http:
  routers:
    r-sticky:
      rule: "Host(`sticky.local`)"
      service: svc-sticky
    r-dead:
      rule: "Host(`dead.local`)"
      service: svc-dead
    r-empty:
      rule: "Host(`empty.local`)"
      service: svc-empty
    r-hc:
      rule: "Host(`hc.local`)"
      service: svc-hc
  services:
    svc-sticky:
      loadBalancer:
        sticky:
          cookie: {{}}
        servers:
          - url: http://{live}
    svc-dead:
      loadBalancer:
        servers:
          - url: http://{dead}
    svc-hc:
      loadBalancer:
        servers:
          - url: http://{dead}/
        healthCheck:
          path: /health
          interval: 50ms
    svc-empty:
      loadBalancer:
        servers: []
"#
    );
    (yaml, format!("http://{live}"))
}

/// Waits for `n` lines in `path`.
async fn lines(path: &std::path::Path, n: usize) -> Vec<String> {
    for _ in 0..100 {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        if lines.len() >= n {
            return lines;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("fewer than {n} lines in {}", path.display());
}

/// Time and duration normalised: `[T]` and `Nms`.
fn normalise(line: &str) -> String {
    let (head, rest) = line.split_once('[').unwrap();
    let (_, tail) = rest.split_once(']').unwrap();
    let tail = tail.rsplit_once(' ').map_or(tail, |(t, _)| t);
    format!("{head}[T]{tail} Nms")
}

#[tokio::test]
async fn common_lines_equal_traefik_format() {
    let (yaml, live) = dynamic().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("access.log");
    let extra = format!("accessLog:\n  filePath: {}\n", log.display());
    let limpet = Observed::start(&yaml, &extra).await;
    let client = HttpClient::default();
    let ok = client
        .get(&limpet.web_url("/?a=1"), "sticky.local", None)
        .await;
    client.get(&limpet.web_url("/"), "dead.local", None).await;
    client.get(&limpet.web_url("/"), "empty.local", None).await;
    client
        .get(&limpet.web_url("/x"), "nothing.local", None)
        .await;
    let got: Vec<String> = lines(&log, 4).await.iter().map(|l| normalise(l)).collect();
    let size = ok.body.len();
    let dead = limpet.app.shared.snapshot.load().model.services["svc-dead@file"]
        .name
        .clone();
    assert_eq!(dead, "svc-dead@file");
    let dead_url = yaml
        .lines()
        .find(|l| l.contains("url: http") && !l.contains(&live[7..]) && !l.ends_with('/'))
        .unwrap();
    let dead_url = dead_url.trim().trim_start_matches("- url: ");
    assert_eq!(
        got,
        [
            format!("127.0.0.1 - - [T] \"GET /?a=1 HTTP/1.1\" 200 {size} \"-\" \"-\" 1 \"r-sticky@file\" \"{live}\" Nms"),
            format!("127.0.0.1 - - [T] \"GET / HTTP/1.1\" 502 11 \"-\" \"-\" 2 \"r-dead@file\" \"{dead_url}\" Nms"),
            "127.0.0.1 - - [T] \"GET / HTTP/1.1\" 503 20 \"-\" \"-\" 3 \"r-empty@file\" \"-\" Nms".to_owned(),
            "127.0.0.1 - - [T] \"GET /x HTTP/1.1\" 404 19 \"-\" \"-\" 4 \"-\" \"-\" Nms".to_owned(),
        ]
    );
    let raw = std::fs::read_to_string(&log).unwrap();
    let first = raw.lines().next().unwrap();
    let time = &first[first.find('[').unwrap() + 1..first.find(']').unwrap()];
    assert!(time.ends_with(" +0000") && time.len() == 26, "{time}");
    assert!(first.ends_with("ms"));
}

#[tokio::test]
async fn json_fields_headers_and_filters() {
    let (yaml, _) = dynamic().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("access.json");
    let extra = format!(
        "accessLog:\n  filePath: {}\n  format: json\n  filters:\n    statusCodes: [\"200\", \"500-504\"]\n  fields:\n    headers:\n      defaultMode: keep\n      names:\n        Cookie: redact\n        User-Agent: drop\n",
        log.display()
    );
    let limpet = Observed::start(&yaml, &extra).await;
    let client = HttpClient::default();
    client
        .get(&limpet.web_url("/x?y=1"), "sticky.local", Some("a=b"))
        .await;
    client
        .get(&limpet.web_url("/"), "nothing.local", None)
        .await;
    client.get(&limpet.web_url("/"), "empty.local", None).await;
    let got = lines(&log, 2).await;
    assert_eq!(got.len(), 2, "the 404 is filtered out: {got:?}");
    let ok: Value = serde_json::from_str(&got[0]).unwrap();
    let keys: BTreeSet<&str> = ok.as_object().unwrap().keys().map(String::as_str).collect();
    let traefik = [
        "ClientAddr",
        "ClientHost",
        "ClientPort",
        "ClientUsername",
        "DownstreamContentSize",
        "DownstreamStatus",
        "Duration",
        "OriginContentSize",
        "OriginDuration",
        "OriginStatus",
        "Overhead",
        "RequestAddr",
        "RequestContentSize",
        "RequestCount",
        "RequestHost",
        "RequestMethod",
        "RequestPath",
        "RequestPort",
        "RequestProtocol",
        "RequestScheme",
        "RetryAttempts",
        "RouterName",
        "ServiceAddr",
        "ServiceName",
        "ServiceURL",
        "StartLocal",
        "StartUTC",
        "entryPointName",
        "level",
        "msg",
        "time",
    ];
    for key in traefik
        .iter()
        .chain(&["StickyOutcome", "StickyServer", "request_Cookie"])
    {
        assert!(keys.contains(key), "{key} missing from {ok}");
    }
    assert_eq!(ok["request_Cookie"], "REDACTED");
    assert!(!keys.contains("request_User-Agent"));
    assert_eq!(ok["RequestPath"], "/x?y=1");
    assert_eq!(ok["ServiceName"], "svc-sticky@file");
    assert_eq!(ok["StickyOutcome"], "new");
    assert_eq!(ok["DownstreamStatus"], 200);
    assert!(ok["downstream_Set-Cookie"]
        .as_str()
        .unwrap()
        .starts_with("_"));
    let unavailable: Value = serde_json::from_str(&got[1]).unwrap();
    assert_eq!(unavailable["DownstreamStatus"], 503);
    assert_eq!(unavailable["OriginStatus"], 0);
    assert_eq!(unavailable["GzipRatio"], 0);
    assert!(unavailable.get("ServiceURL").is_none());
}

/// The `/metrics` exposition, polled (at most 2 s) until `ready` holds for it.
async fn metrics_once(limpet: &Observed, ready: impl Fn(&str) -> bool) -> String {
    let client = HttpClient::default();
    let start = std::time::Instant::now();
    loop {
        let reply = client
            .get(&limpet.api_url("/metrics"), "localhost", None)
            .await;
        if ready(&reply.body) {
            return reply.body;
        }
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "metrics never ready:\n{}",
            reply.body
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The value of the sample `name{labels}` in an exposition.
fn sample(text: &str, name_and_labels: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name_and_labels)?.trim().parse().ok())
}

#[tokio::test]
async fn metrics_after_known_requests() {
    let (yaml, live) = dynamic().await;
    let extra = "metrics:\n  prometheus:\n    buckets: [0.1, 0.5]\n";
    let limpet = Observed::start(&yaml, extra).await;
    let client = HttpClient::default();
    let first = client.get(&limpet.web_url("/"), "sticky.local", None).await;
    let cookie = first.cookie_pair().unwrap();
    for _ in 0..4 {
        client
            .get(&limpet.web_url("/"), "sticky.local", Some(&cookie))
            .await;
    }
    client
        .get(&limpet.web_url("/"), "nothing.local", None)
        .await;
    // A request is counted once its body has been sent: wait for all six.
    let counted = |code: &str| {
        format!("traefik_entrypoint_requests_total{{code=\"{code}\",entrypoint=\"web\",method=\"GET\",protocol=\"http\"}}")
    };
    let text = metrics_once(&limpet, |text| {
        sample(text, &counted("200")) == Some(5.0) && sample(text, &counted("404")) == Some(1.0)
    })
    .await;
    let expect = [
        ("traefik_entrypoint_requests_total{code=\"200\",entrypoint=\"web\",method=\"GET\",protocol=\"http\"}", 5.0),
        ("traefik_entrypoint_requests_total{code=\"404\",entrypoint=\"web\",method=\"GET\",protocol=\"http\"}", 1.0),
        ("traefik_entrypoint_request_duration_seconds_count{code=\"200\",entrypoint=\"web\",method=\"GET\",protocol=\"http\"}", 5.0),
        ("traefik_entrypoint_responses_bytes_total{code=\"404\",entrypoint=\"web\",method=\"GET\",protocol=\"http\"}", 19.0),
        ("traefik_service_requests_total{code=\"200\",method=\"GET\",protocol=\"http\",service=\"svc-sticky@file\"}", 5.0),
        ("limpet_sticky_decisions_total{outcome=\"new\",service=\"svc-sticky@file\"}", 1.0),
        ("limpet_sticky_decisions_total{outcome=\"hit\",service=\"svc-sticky@file\"}", 4.0),
        ("traefik_service_server_up{service=\"svc-hc@file\",url=", 0.0),
        (&format!("limpet_sticky_pinned_sessions{{service=\"svc-sticky@file\",server=\"{live}\"}}"), 1.0),
        (&format!("limpet_server_draining{{service=\"svc-sticky@file\",server=\"{live}\"}}"), 0.0),
        ("traefik_config_reloads_total", 1.0),
    ];
    for (series, value) in expect {
        let found = if series.ends_with("url=") {
            text.lines()
                .find(|l| l.starts_with(series))
                .and_then(|l| l.rsplit(' ').next()?.parse().ok())
        } else {
            sample(&text, series)
        };
        assert_eq!(found, Some(value), "{series}\n{text}");
    }
    // Label order does not matter to Prometheus; the encoder puts `le` first.
    let bucket = "traefik_entrypoint_request_duration_seconds_bucket{le=\"0.5\",code=\"200\",entrypoint=\"web\",method=\"GET\",protocol=\"http\"}";
    assert_eq!(sample(&text, bucket), Some(5.0), "buckets option\n{text}");
    assert!(text.contains("traefik_open_connections{entrypoint=\"web\",protocol=\"TCP\"}"));
    assert!(text.contains("traefik_config_last_reload_success "));
    assert!(
        !text.contains("entrypoint=\"traefik\",method"),
        "internal requests are not counted"
    );
    assert!(
        !text.contains("traefik_service_server_up{service=\"svc-sticky"),
        "only health-checked"
    );
}

#[tokio::test]
async fn ping_ok_then_terminating_status() {
    let (yaml, _) = dynamic().await;
    let extra = "ping:\n  terminatingStatusCode: 204\n";
    let grace = "    transport:\n      lifeCycle:\n        requestAcceptGraceTimeout: 2s\n";
    let limpet = Observed::start_with_entry_points(&yaml, extra, grace).await;
    let client = HttpClient::default();
    let ping = limpet.api_url("/ping");
    let reply = client.get(&ping, "localhost", None).await;
    assert_eq!((reply.status.as_u16(), reply.body.as_str()), (200, "OK"));
    assert!(reply.headers.get("content-type").is_none());
    let on_web = client
        .get(&limpet.web_url("/ping"), "localhost", None)
        .await;
    assert_eq!(
        on_web.status.as_u16(),
        404,
        "ping lives on its entrypoint only"
    );
    let stopping = tokio::spawn(limpet.app.stop());
    // Within the 2 s requestAcceptGraceTimeout, ping turns to the terminating status.
    let start = std::time::Instant::now();
    while client.get(&ping, "localhost", None).await.status != 204 {
        assert!(
            start.elapsed() < Duration::from_secs(1),
            "ping never said 204"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stopping.await.unwrap();
}
