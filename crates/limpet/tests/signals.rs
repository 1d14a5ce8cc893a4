//! The `limpet` binary stopped by signals, with requests in flight: SIGTERM lets every open
//! request finish within `graceTimeOut` and exits 0; a second signal exits at once (status 1).
//! Counts and states: answers, refused connections, exit statuses.
#![allow(clippy::unwrap_used)]

mod support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::killable::Killable;
use support::HttpClient;

const LIMPET: &str = env!("CARGO_BIN_EXE_limpet");
const HANG: Duration = Duration::from_secs(20);

/// Kills the child when the test ends, even on failure.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Running {
    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.0.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// Waits for the exit (at most [`HANG`]).
    async fn exit_status(&mut self) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.0.try_wait().unwrap() {
                return status;
            }
            assert!(start.elapsed() < HANG, "limpet did not exit");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// The binary on a free port with `graceTimeOut: grace`, routing `Host(sig.local)` to
/// `backend` (and `Host(ready.local)` to a quick origin); returns once it serves.
async fn start(dir: &std::path::Path, backend: &Killable, grace: &str) -> (Running, u16) {
    let dynamic = dir.join("dynamic.yml");
    let ready = support::origin("ready").await;
    let yaml = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`sig.local`)\"\n      service: s\n    ready:\n      rule: \"Host(`ready.local`)\"\n      service: ready\n  services:\n    s:\n      loadBalancer:\n        servers: [{{url: \"http://{}\"}}]\n    ready:\n      loadBalancer:\n        servers: [{{url: \"http://{ready}\"}}]\n",
        backend.addr
    );
    std::fs::write(&dynamic, yaml).unwrap();
    let port = support::dead_address().await.port();
    let child = Command::new(LIMPET)
        .current_dir(dir)
        .arg(format!("--entryPoints.web.address=127.0.0.1:{port}"))
        .arg(format!(
            "--entryPoints.web.transport.lifeCycle.graceTimeOut={grace}"
        ))
        .arg(format!("--providers.file.filename={}", dynamic.display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let running = Running(child);
    let url = format!("http://127.0.0.1:{port}/");
    let start = Instant::now();
    while HttpClient::default()
        .try_get(&url, "ready.local")
        .await
        .is_none_or(|r| r.status != 200)
    {
        assert!(start.elapsed() < HANG, "limpet never served");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    (running, port)
}

/// Sends `n` requests, each on its own connection; returns once the backend has them all.
async fn in_flight(
    port: u16,
    backend: &Killable,
    n: usize,
) -> Vec<tokio::task::JoinHandle<Option<u16>>> {
    let before = backend.served();
    let requests: Vec<_> = (0..n)
        .map(|_| {
            let url = format!("http://127.0.0.1:{port}/");
            tokio::spawn(async move {
                let reply = HttpClient::default().try_get(&url, "sig.local").await;
                reply.map(|r| r.status.as_u16())
            })
        })
        .collect();
    let start = Instant::now();
    while backend.served() < before + n {
        assert!(start.elapsed() < HANG, "requests never reached the backend");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    requests
}

async fn refuses_connections(port: u16) -> bool {
    let start = Instant::now();
    while start.elapsed() < HANG {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    false
}

#[tokio::test]
async fn sigterm_with_requests_in_flight_drops_none_and_exits_zero() {
    let backend = Killable::start_slow("slow", Duration::from_millis(800)).await;
    let dir = tempfile::tempdir().unwrap();
    let (mut limpet, port) = start(dir.path(), &backend, "10s").await;
    let requests = in_flight(port, &backend, 20).await;
    limpet.signal("TERM");
    assert!(refuses_connections(port).await, "stops accepting");
    let mut answers = Vec::new();
    for request in requests {
        answers.push(request.await.unwrap());
    }
    let failed = answers.iter().filter(|a| **a != Some(200)).count();
    assert_eq!(failed, 0, "{answers:?}");
    let status = limpet.exit_status().await;
    assert!(status.success(), "{status:?}");
}

#[tokio::test]
async fn a_second_signal_exits_without_waiting() {
    let backend = Killable::start_slow("slower", Duration::from_secs(8)).await;
    let dir = tempfile::tempdir().unwrap();
    let (mut limpet, port) = start(dir.path(), &backend, "30s").await;
    let requests = in_flight(port, &backend, 3).await;
    limpet.signal("TERM");
    assert!(refuses_connections(port).await, "the shutdown has begun");
    limpet.signal("INT");
    let status = limpet.exit_status().await;
    assert_eq!(status.code(), Some(1), "a forced exit is not a clean one");
    for request in requests {
        assert_eq!(request.await.unwrap(), None, "cut, not waited for");
    }
}
