//! `limpet doctor` against in-process scenario servers: a healthy sticky limpet, and one
//! server per way sticky sessions break; each must give the right FAIL and exit code.
#![allow(clippy::unwrap_used)]

mod support;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use limpet::tools::doctor::{diagnose, DoctorOptions, Report, Verdict};
use support::{origin, Limpet};
use tokio::net::TcpListener;

/// What a scenario answers to the n-th request (0-based) for `path` on `host`.
type Scenario = fn(n: usize, path: &str, host: &str) -> Response<Full<Bytes>>;

async fn scenario_server(scenario: Scenario) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let count = count.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let n = count.fetch_add(1, Ordering::SeqCst);
                    let path = req.uri().path().to_owned();
                    let host = req
                        .headers()
                        .get("host")
                        .unwrap()
                        .to_str()
                        .unwrap()
                        .to_owned();
                    async move { Ok::<_, Infallible>(scenario(n, &path, &host)) }
                });
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    addr
}

/// Alternates between backends a and b, with the given Set-Cookie (if any).
fn rotating(n: usize, set_cookie: Option<&str>) -> Response<Full<Bytes>> {
    let mut response =
        Response::builder().header("x-served-by", if n.is_multiple_of(2) { "a" } else { "b" });
    if let Some(cookie) = set_cookie {
        response = response.header("set-cookie", cookie);
    }
    response.body(Full::new(Bytes::from_static(b"ok"))).unwrap()
}

fn no_cookie(n: usize, _: &str, _: &str) -> Response<Full<Bytes>> {
    rotating(n, None)
}

fn same_site_none_without_secure(n: usize, _: &str, _: &str) -> Response<Full<Bytes>> {
    rotating(n, Some("sticky=a; Path=/; SameSite=None"))
}

fn aws_alb(n: usize, _: &str, _: &str) -> Response<Full<Bytes>> {
    rotating(n, Some("AWSALB=abc123XYZdef456; Path=/; SameSite=None"))
}

fn redirect_to_http(_: usize, path: &str, host: &str) -> Response<Full<Bytes>> {
    if path == "/next" {
        return rotating(0, None);
    }
    Response::builder()
        .status(302)
        .header("location", format!("http://{host}/next"))
        .header("set-cookie", "sticky=a; Path=/; HttpOnly; Secure")
        .body(Full::new(Bytes::new()))
        .unwrap()
}

fn narrow_path(n: usize, _: &str, _: &str) -> Response<Full<Bytes>> {
    rotating(n, Some("sticky=a; Path=/api"))
}

async fn doctor(url: String, compare: Option<String>) -> Report {
    let options = DoctorOptions {
        url,
        compare,
        requests: 4,
        ..DoctorOptions::default()
    };
    diagnose(&options).await.unwrap()
}

async fn doctor_scenario(scenario: Scenario) -> Report {
    let addr = scenario_server(scenario).await;
    doctor(format!("http://{addr}/"), None).await
}

fn assert_fails(report: &Report, id: &str) {
    assert_eq!(report.verdict(id), Some(Verdict::Fail), "{report:#?}");
    assert_eq!(report.exit_code(), 2);
}

const STICKY: &str = r#"
http:
  routers:
    app: {rule: "Host(`app.localhost`)", service: app}
  services:
    app:
      loadBalancer:
        sticky: {cookie: {httpOnly: true}}
        servers: [{url: "http://ORIGIN_A"}, {url: "http://ORIGIN_B"}]
"#;

async fn healthy_limpet() -> Limpet {
    let (a, b) = (origin("a").await, origin("b").await);
    let yaml = STICKY
        .replace("ORIGIN_A", &a.to_string())
        .replace("ORIGIN_B", &b.to_string());
    Limpet::start(&yaml).await
}

#[tokio::test]
async fn healthy_sticky_limpet_passes_everything() {
    let limpet = healthy_limpet().await;
    let options = DoctorOptions {
        url: limpet.url("/"),
        host: Some("app.localhost".to_owned()),
        requests: 6,
        ..DoctorOptions::default()
    };
    let report = diagnose(&options).await.unwrap();
    for finding in &report.findings {
        assert_eq!(finding.verdict, Verdict::Pass, "{report:#?}");
    }
    assert_eq!(report.exit_code(), 0);
}

#[tokio::test]
async fn a_server_that_never_sets_the_cookie() {
    let report = doctor_scenario(no_cookie).await;
    assert_fails(&report, "cookie-set");
    assert_fails(&report, "affinity");
}

#[tokio::test]
async fn a_cookie_with_same_site_none_and_no_secure() {
    let report = doctor_scenario(same_site_none_without_secure).await;
    assert_fails(&report, "cookie-accepted");
    let evidence = &report
        .findings
        .iter()
        .find(|f| f.id == "cookie-accepted")
        .unwrap()
        .evidence;
    assert!(
        evidence[0].contains("SameSite=None without Secure"),
        "{evidence:?}"
    );
}

#[tokio::test]
async fn an_upstream_load_balancer_replacing_our_cookie_with_awsalb() {
    let limpet = healthy_limpet().await;
    let upstream = scenario_server(aws_alb).await;
    let options = DoctorOptions {
        url: format!("http://{upstream}/"),
        compare: Some(limpet.url("/")),
        host: Some("app.localhost".to_owned()),
        requests: 3,
        ..DoctorOptions::default()
    };
    let report = diagnose(&options).await.unwrap();
    assert_fails(&report, "foreign-cookies");
    let evidence = &report
        .findings
        .iter()
        .find(|f| f.id == "foreign-cookies")
        .unwrap()
        .evidence;
    assert!(
        evidence.iter().any(|e| e.contains("AWSALB")),
        "{evidence:?}"
    );
    assert!(
        evidence
            .iter()
            .any(|e| e.contains("set by limpet directly but not through this URL")),
        "{evidence:?}"
    );
}

#[tokio::test]
async fn a_redirect_to_http_with_a_secure_cookie() {
    let report = doctor_scenario(redirect_to_http).await;
    assert_fails(&report, "redirect");
}

#[tokio::test]
async fn a_cookie_path_narrower_than_the_url() {
    let report = doctor_scenario(narrow_path).await;
    assert_fails(&report, "scope");
    assert_fails(&report, "affinity"); // the browser does not send it back on `/`
}

/// The binary: exit codes and output formats.
#[tokio::test]
async fn binary_exit_codes_and_formats() {
    let limpet = healthy_limpet().await;
    let healthy = limpet.url("/");
    let broken = format!("http://{}/", scenario_server(no_cookie).await);
    let (code, out) = tokio::task::spawn_blocking(move || {
        run(&[
            "doctor",
            &healthy,
            "--host",
            "app.localhost",
            "-n",
            "3",
            "--format",
            "json",
        ])
    })
    .await
    .unwrap();
    assert_eq!(code, 0, "{out}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["findings"][0]["verdict"], "PASS");
    let (code, out) = tokio::task::spawn_blocking(move || run(&["doctor", &broken]))
        .await
        .unwrap();
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("FAIL cookie-set"), "{out}");
    assert!(
        !out.contains('\x1b'),
        "no colours when not on a terminal: {out}"
    );
}

fn run(args: &[&str]) -> (u8, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_limpet"))
        .args(args)
        .output()
        .unwrap();
    let code = u8::try_from(output.status.code().unwrap()).unwrap();
    (code, String::from_utf8(output.stdout).unwrap())
}
