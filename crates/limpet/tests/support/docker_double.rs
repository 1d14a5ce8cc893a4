//! A Docker Engine API test double: a hyper server on a unix socket in a temporary
//! directory, answering with JSON shaped as the Engine API's specification (v1.45):
//! `HEAD|GET /_ping` (with `Api-Version`), `/vX/version`, `/vX/containers/json`,
//! `/vX/containers/{id}/json`, and a chunked `/vX/events` stream of one JSON object a line.
//! Tests change containers through [`DockerDouble`] methods, which emit the events Docker
//! emits; [`DockerDouble::stop`] and [`DockerDouble::restart`] drop and restart the daemon.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::UnixListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;

pub const API_VERSION: &str = "1.45";

/// One container as the double knows it.
#[derive(Debug, Clone)]
pub struct FakeContainer {
    pub id: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// `running`, `exited`, `paused`, `created`.
    pub status: String,
    /// `starting`, `healthy`, `unhealthy`; `None`: no health check.
    pub health: Option<String>,
    /// network name → IPv4 address.
    pub networks: BTreeMap<String, String>,
    /// `"8080/tcp"`.
    pub ports: Vec<String>,
}

impl FakeContainer {
    pub fn new(name: &str, ip: &str, port: u16, labels: &[(&str, &str)]) -> FakeContainer {
        FakeContainer {
            id: format!("{:0>64}", hex_of(name)),
            name: name.to_owned(),
            labels: labels
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            status: "running".to_owned(),
            health: None,
            networks: BTreeMap::from([("bridge".to_owned(), ip.to_owned())]),
            ports: vec![format!("{port}/tcp")],
        }
    }
}

fn hex_of(name: &str) -> String {
    name.bytes().map(|b| format!("{b:02x}")).collect::<String>()
}

#[derive(Default)]
struct Daemon {
    containers: BTreeMap<String, FakeContainer>,
    subscribers: Vec<mpsc::UnboundedSender<Bytes>>,
    /// `METHOD path?query` of every request, in order.
    log: Vec<String>,
}

/// The double: its socket and its state.
pub struct DockerDouble {
    pub dir: tempfile::TempDir,
    pub socket: PathBuf,
    daemon: Arc<Mutex<Daemon>>,
    requests: watch::Sender<usize>,
    server: Option<JoinSet<()>>,
}

impl DockerDouble {
    pub async fn start() -> DockerDouble {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("docker.sock");
        let mut double = DockerDouble {
            dir,
            socket,
            daemon: Arc::default(),
            requests: watch::channel(0).0,
            server: None,
        };
        double.restart();
        double
    }

    /// `unix://…` for `providers.docker.endpoint`.
    pub fn endpoint(&self) -> String {
        format!("unix://{}", self.socket.display())
    }

    /// The daemon goes away: connections cut, event streams closed, socket removed.
    pub fn stop(&mut self) {
        if let Some(mut server) = self.server.take() {
            server.abort_all();
        }
        self.daemon.lock().unwrap().subscribers.clear();
        let _ = std::fs::remove_file(&self.socket);
    }

    /// The daemon comes (back) on the same socket with the same containers.
    pub fn restart(&mut self) {
        self.stop();
        let listener = UnixListener::bind(&self.socket).unwrap();
        let mut server = JoinSet::new();
        let (daemon, requests) = (self.daemon.clone(), self.requests.clone());
        server.spawn(accept(listener, daemon, requests));
        self.server = Some(server);
    }

    /// Every request so far (`GET /v1.45/containers/json?all=true`).
    pub fn log(&self) -> Vec<String> {
        self.daemon.lock().unwrap().log.clone()
    }

    /// Waits until more than `n` requests were received.
    pub async fn wait_for_requests(&self, n: usize) {
        let mut rx = self.requests.subscribe();
        let _ = rx.wait_for(|count| *count > n).await;
    }

    /// Adds a running container and emits `create` then `start`.
    pub fn run(&self, container: FakeContainer) {
        let id = container.id.clone();
        self.daemon
            .lock()
            .unwrap()
            .containers
            .insert(id.clone(), container);
        self.emit(&id, "create");
        self.emit(&id, "start");
    }

    /// Changes a container, then emits `actions` in order.
    pub fn change(&self, name: &str, actions: &[&str], edit: impl FnOnce(&mut FakeContainer)) {
        let id = {
            let mut daemon = self.daemon.lock().unwrap();
            let container = daemon
                .containers
                .values_mut()
                .find(|c| c.name == name)
                .unwrap();
            edit(container);
            container.id.clone()
        };
        for action in actions {
            self.emit(&id, action);
        }
    }

    /// `docker stop`: exited, events `kill`, `die`, `stop`.
    pub fn stop_container(&self, name: &str) {
        self.change(name, &["kill", "die", "stop"], |c| {
            c.status = "exited".into()
        });
    }

    /// `docker rm -f`: events `kill`, `die`, `destroy`.
    pub fn remove(&self, name: &str) {
        let id = self.id_of(name);
        self.emit(&id, "kill");
        self.emit(&id, "die");
        self.daemon.lock().unwrap().containers.remove(&id);
        self.emit(&id, "destroy");
    }

    /// A health transition: `health_status: <status>`.
    pub fn set_health(&self, name: &str, status: &str) {
        let action = format!("health_status: {status}");
        self.change(name, &[action.as_str()], |c| c.health = Some(status.into()));
    }

    pub fn id_of(&self, name: &str) -> String {
        let daemon = self.daemon.lock().unwrap();
        let found = daemon.containers.values().find(|c| c.name == name);
        found.map(|c| c.id.clone()).unwrap_or_default()
    }

    fn emit(&self, id: &str, action: &str) {
        let mut daemon = self.daemon.lock().unwrap();
        let container = daemon.containers.get(id).cloned();
        let line = Bytes::from(event_json(id, action, container.as_ref()).to_string() + "\n");
        daemon
            .subscribers
            .retain(|subscriber| subscriber.send(line.clone()).is_ok());
    }
}

impl Drop for DockerDouble {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn accept(
    listener: UnixListener,
    daemon: Arc<Mutex<Daemon>>,
    requests: watch::Sender<usize>,
) {
    let mut connections = JoinSet::new();
    while let Ok((stream, _)) = listener.accept().await {
        let (daemon, requests) = (daemon.clone(), requests.clone());
        let service = hyper::service::service_fn(move |request| {
            let (daemon, requests) = (daemon.clone(), requests.clone());
            async move { Ok::<_, Infallible>(answer(request, &daemon, &requests)) }
        });
        connections.spawn(async move {
            let connection = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            let _ = connection.await;
        });
    }
}

type Body = BoxBody<Bytes, Infallible>;

/// Logs the request, answers it, then counts it (so that a test waiting for the events
/// request finds its subscriber registered).
fn answer(
    request: Request<Incoming>,
    daemon: &Mutex<Daemon>,
    requests: &watch::Sender<usize>,
) -> Response<Body> {
    let response = route(request, daemon);
    requests.send_modify(|count| *count += 1);
    response
}

fn route(request: Request<Incoming>, daemon: &Mutex<Daemon>) -> Response<Body> {
    let target = request
        .uri()
        .path_and_query()
        .map(|pq| pq.as_str().to_owned())
        .unwrap_or_default();
    daemon
        .lock()
        .unwrap()
        .log
        .push(format!("{} {target}", request.method()));
    let path = request.uri().path().to_owned();
    if path == "/_ping" {
        return ping(request.method());
    }
    let Some(rest) = path.strip_prefix(&format!("/v{API_VERSION}")) else {
        return not_found(&format!("unversioned or unknown version: {path}"));
    };
    match rest.split('/').collect::<Vec<_>>().as_slice() {
        ["", "version"] => ok_json(&version_json()),
        ["", "containers", "json"] => {
            let daemon = daemon.lock().unwrap();
            ok_json(&Value::Array(
                daemon.containers.values().map(summary_json).collect(),
            ))
        }
        ["", "containers", id, "json"] => match daemon.lock().unwrap().containers.get(*id) {
            Some(container) => ok_json(&inspect_json(container)),
            None => not_found(&format!("No such container: {id}")),
        },
        ["", "events"] => events(daemon),
        _ => not_found("page not found"),
    }
}

fn ping(method: &Method) -> Response<Body> {
    let body = if method == Method::HEAD { "" } else { "OK" };
    Response::builder()
        .header("Api-Version", API_VERSION)
        .header("Docker-Experimental", "false")
        .header("Ostype", "linux")
        .header("Content-Type", "text/plain; charset=utf-8")
        .body(full(body.to_owned()))
        .unwrap()
}

fn events(daemon: &Mutex<Daemon>) -> Response<Body> {
    let (tx, rx) = mpsc::unbounded_channel::<Bytes>();
    daemon.lock().unwrap().subscribers.push(tx);
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        let line = rx.recv().await?;
        Some((Ok::<_, Infallible>(Frame::data(line)), rx))
    });
    Response::builder()
        .header("Content-Type", "application/json")
        .header("Api-Version", API_VERSION)
        .body(BodyExt::boxed(StreamBody::new(stream)))
        .unwrap()
}

fn full(text: String) -> Body {
    BodyExt::boxed(Full::new(Bytes::from(text)))
}

fn ok_json(value: &Value) -> Response<Body> {
    Response::builder()
        .header("Content-Type", "application/json")
        .header("Api-Version", API_VERSION)
        .body(full(value.to_string()))
        .unwrap()
}

fn not_found(message: &str) -> Response<Body> {
    Response::builder()
        .status(StatusCode::NOT_FOUND)
        .header("Content-Type", "application/json")
        .body(full(json!({ "message": message }).to_string()))
        .unwrap()
}

fn version_json() -> Value {
    json!({
        "Platform": {"Name": "Docker Engine - Community"},
        "Version": "26.1.4", "ApiVersion": API_VERSION, "MinAPIVersion": "1.24",
        "GitCommit": "de5c9cf", "GoVersion": "go1.21.11", "Os": "linux", "Arch": "amd64",
        "KernelVersion": "6.8.0", "BuildTime": "2024-06-05T11:32:04.000000000+00:00"
    })
}

fn networks_json(c: &FakeContainer) -> Value {
    let networks: serde_json::Map<String, Value> = c
        .networks
        .iter()
        .map(|(name, ip)| {
            let endpoint = json!({
                "IPAMConfig": null, "Links": null, "Aliases": null, "MacAddress": "02:42:ac:11:00:02",
                "NetworkID": format!("{:0>64}", hex_of(name)), "EndpointID": format!("{:0>64}", hex_of(ip)),
                "Gateway": "", "IPAddress": ip, "IPPrefixLen": 16, "IPv6Gateway": "",
                "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "DriverOpts": null, "DNSNames": null
            });
            (name.clone(), endpoint)
        })
        .collect();
    Value::Object(networks)
}

fn summary_json(c: &FakeContainer) -> Value {
    let ports: Vec<Value> = c
        .ports
        .iter()
        .map(|p| {
            let (port, protocol) = p.split_once('/').unwrap_or((p, "tcp"));
            json!({"PrivatePort": port.parse::<u16>().unwrap_or(0), "Type": protocol})
        })
        .collect();
    json!({
        "Id": c.id, "Names": [format!("/{}", c.name)], "Image": "traefik/whoami",
        "ImageID": "sha256:0f6f4f1c4a3b", "Command": "/whoami", "Created": 1718000000,
        "Ports": ports, "Labels": c.labels, "State": c.status, "Status": status_text(c),
        "HostConfig": {"NetworkMode": "bridge"},
        "NetworkSettings": {"Networks": networks_json(c)}, "Mounts": []
    })
}

fn status_text(c: &FakeContainer) -> String {
    match (c.status.as_str(), c.health.as_deref()) {
        ("running", Some(health)) => format!("Up 5 seconds ({health})"),
        ("running", None) => "Up 5 seconds".to_owned(),
        ("paused", _) => "Up 5 seconds (Paused)".to_owned(),
        _ => "Exited (0) 2 seconds ago".to_owned(),
    }
}

fn inspect_json(c: &FakeContainer) -> Value {
    let mut state = json!({
        "Status": c.status, "Running": c.status == "running" || c.status == "paused",
        "Paused": c.status == "paused", "Restarting": false, "OOMKilled": false, "Dead": false,
        "Pid": 4242, "ExitCode": 0, "Error": "",
        "StartedAt": "2024-06-10T08:00:00.000000000Z", "FinishedAt": "0001-01-01T00:00:00Z"
    });
    if let Some(health) = &c.health {
        state["Health"] = json!({"Status": health, "FailingStreak": 0, "Log": []});
    }
    let ports: serde_json::Map<String, Value> =
        c.ports.iter().map(|p| (p.clone(), Value::Null)).collect();
    let exposed: serde_json::Map<String, Value> =
        c.ports.iter().map(|p| (p.clone(), json!({}))).collect();
    json!({
        "Id": c.id, "Created": "2024-06-10T08:00:00.000000000Z", "Path": "/whoami", "Args": [],
        "State": state, "Image": "sha256:0f6f4f1c4a3b", "Name": format!("/{}", c.name),
        "RestartCount": 0, "Driver": "overlay2", "Platform": "linux",
        "HostConfig": {"NetworkMode": "bridge"},
        "Config": {"Hostname": &c.id[..12], "Image": "traefik/whoami", "Labels": c.labels,
                   "ExposedPorts": exposed, "Env": [], "Cmd": null},
        "NetworkSettings": {"Bridge": "", "SandboxID": "", "Ports": ports, "Networks": networks_json(c)}
    })
}

fn event_json(id: &str, action: &str, container: Option<&FakeContainer>) -> Value {
    let mut attributes: BTreeMap<String, String> =
        container.map(|c| c.labels.clone()).unwrap_or_default();
    if let Some(c) = container {
        attributes.insert("name".into(), c.name.clone());
    }
    attributes.insert("image".into(), "traefik/whoami".into());
    json!({
        "status": action, "id": id, "from": "traefik/whoami",
        "Type": "container", "Action": action,
        "Actor": {"ID": id, "Attributes": attributes},
        "scope": "local", "time": 1718000000, "timeNano": 1718000000000000000_i64
    })
}
