//! How limpet reaches the Docker daemon: `unix://` sockets, `tcp://` / `http://` plain, and
//! TLS (`tcp://` with `tls`, or `https://`). bollard builds the requests and reads the
//! answers; this transport carries them, one HTTP/1.1 connection per request (the events
//! stream keeps its own). It also answers the version negotiation as Docker's Go client
//! does, which Traefik uses: `HEAD /_ping` unversioned, the `Api-Version` header capped at
//! bollard's own version (no header: 1.24).

use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine;
use bollard::{ClientVersion, Docker, API_DEFAULT_VERSION};
use http::{HeaderValue, Method, Request, Response, Uri};
use http_body_util::Empty;
use hyper::body::{Body, Bytes, Incoming};
use hyper_util::rt::TokioIo;
use limpet_config::static_config::DockerProvider;
use rustls::ClientConfig;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpStream, UnixStream};

use super::DockerError;

/// The API version assumed when `/_ping` has no `Api-Version` header (Docker's client).
const FALLBACK_VERSION: ClientVersion = ClientVersion {
    major_version: 1,
    minor_version: 24,
};

/// Host header for unix sockets, as Docker's client sends.
const UNIX_HOST: &str = "api.moby.localhost";

/// Where the daemon is.
#[derive(Clone)]
enum Endpoint {
    Unix(PathBuf),
    Tcp(String),
    Tls {
        authority: String,
        server_name: String,
        config: Arc<ClientConfig>,
    },
}

/// One daemon endpoint, with optional basic authentication.
#[derive(Clone)]
pub struct Transport {
    endpoint: Endpoint,
    authorization: Option<HeaderValue>,
    /// `httpClientTimeout` in whole seconds (0: none), for bollard.
    timeout_secs: u64,
}

trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

impl Transport {
    /// The transport `providers.docker` describes.
    pub fn new(config: &DockerProvider) -> Result<Transport, DockerError> {
        let endpoint = endpoint(config)?;
        let authorization = (!config.username.is_empty() || !config.password.is_empty())
            .then(|| basic(&config.username, &config.password))
            .flatten();
        let timeout = config.http_client_timeout.to_std().as_secs();
        Ok(Transport {
            endpoint,
            authorization,
            timeout_secs: if timeout == 0 { u64::MAX / 4 } else { timeout },
        })
    }

    /// `HEAD /_ping`, then a bollard client speaking the negotiated version.
    pub async fn client(&self) -> Result<(Docker, ClientVersion), DockerError> {
        let version = self.negotiate().await?;
        let transport = self.clone();
        let prefix = format!("/v{}.{}", version.major_version, version.minor_version);
        let send = move |mut request: Request<_>| {
            let transport = transport.clone();
            let versioned = versioned(request.uri(), &prefix);
            async move {
                *request.uri_mut() = versioned?;
                transport
                    .send(request)
                    .await
                    .map_err(|e| bollard::errors::Error::IOError {
                        err: std::io::Error::other(e.to_string()),
                    })
            }
        };
        let docker = Docker::connect_with_custom_transport(
            send,
            Some("http://docker"),
            self.timeout_secs,
            &version,
        )
        .map_err(DockerError::from)?;
        Ok((docker, version))
    }

    async fn negotiate(&self) -> Result<ClientVersion, DockerError> {
        let request = Request::builder()
            .method(Method::HEAD)
            .uri("/_ping")
            .body(Empty::<Bytes>::new())
            .map_err(|e| DockerError::Request(e.to_string()))?;
        let response = self.send(request).await?;
        if !response.status().is_success() {
            return Err(DockerError::Ping(response.status().as_u16()));
        }
        let header = response.headers().get("api-version");
        let server = header
            .and_then(|v| v.to_str().ok())
            .and_then(parse_version)
            .unwrap_or(FALLBACK_VERSION);
        Ok(if server < *API_DEFAULT_VERSION {
            server
        } else {
            ClientVersion {
                major_version: API_DEFAULT_VERSION.major_version,
                minor_version: API_DEFAULT_VERSION.minor_version,
            }
        })
    }

    /// Sends one request on a new connection (origin-form target, Host and authorization).
    pub async fn send<B>(&self, mut request: Request<B>) -> Result<Response<Incoming>, DockerError>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let target = request
            .uri()
            .path_and_query()
            .map_or("/", |pq| pq.as_str())
            .to_owned();
        *request.uri_mut() = target
            .parse::<Uri>()
            .map_err(|e| DockerError::Request(e.to_string()))?;
        let headers = request.headers_mut();
        if let Ok(host) = HeaderValue::from_str(self.host()) {
            headers.insert(http::header::HOST, host);
        }
        if let Some(authorization) = &self.authorization {
            headers.insert(http::header::AUTHORIZATION, authorization.clone());
        }
        let io = TokioIo::new(self.connect().await?);
        let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
            .await
            .map_err(DockerError::Http)?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        sender
            .send_request(request)
            .await
            .map_err(DockerError::Http)
    }

    fn host(&self) -> &str {
        match &self.endpoint {
            Endpoint::Unix(_) => UNIX_HOST,
            Endpoint::Tcp(authority) | Endpoint::Tls { authority, .. } => authority,
        }
    }

    async fn connect(&self) -> Result<Box<dyn Io>, DockerError> {
        let connect_error = |e: std::io::Error| DockerError::Connect(self.describe(), e);
        match &self.endpoint {
            Endpoint::Unix(path) => Ok(Box::new(
                UnixStream::connect(path).await.map_err(connect_error)?,
            )),
            Endpoint::Tcp(authority) => Ok(Box::new(
                TcpStream::connect(authority.as_str())
                    .await
                    .map_err(connect_error)?,
            )),
            Endpoint::Tls {
                authority,
                server_name,
                config,
            } => {
                let tcp = TcpStream::connect(authority.as_str())
                    .await
                    .map_err(connect_error)?;
                let name = rustls::pki_types::ServerName::try_from(server_name.clone())
                    .map_err(|e| DockerError::Tls(e.to_string()))?;
                let tls = tokio_rustls::TlsConnector::from(config.clone())
                    .connect(name, tcp)
                    .await
                    .map_err(connect_error)?;
                Ok(Box::new(tls))
            }
        }
    }

    /// The endpoint as written in logs.
    pub fn describe(&self) -> String {
        match &self.endpoint {
            Endpoint::Unix(path) => format!("unix://{}", path.display()),
            Endpoint::Tcp(authority) => format!("tcp://{authority}"),
            Endpoint::Tls { authority, .. } => format!("tcp://{authority} (TLS)"),
        }
    }
}

fn endpoint(config: &DockerProvider) -> Result<Endpoint, DockerError> {
    let written = config.endpoint.trim();
    let unsupported = || DockerError::Endpoint(written.to_owned());
    let (scheme, rest) = written.split_once("://").ok_or_else(unsupported)?;
    let authority = rest.trim_end_matches('/');
    match scheme {
        "unix" if !rest.is_empty() => Ok(Endpoint::Unix(PathBuf::from(rest))),
        "tcp" | "http" if config.tls.is_none() && !authority.is_empty() => {
            Ok(Endpoint::Tcp(authority.to_owned()))
        }
        "tcp" | "https" if !authority.is_empty() => {
            let tls = config.tls.clone().unwrap_or_default();
            let server_name = authority
                .rsplit_once(':')
                .map_or(authority, |(host, _)| host)
                .trim_matches(|c| c == '[' || c == ']')
                .to_owned();
            Ok(Endpoint::Tls {
                authority: authority.to_owned(),
                server_name,
                config: super::tls::client_config(&tls)?,
            })
        }
        _ => Err(unsupported()),
    }
}

fn basic(username: &str, password: &str) -> Option<HeaderValue> {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
    HeaderValue::from_str(&format!("Basic {token}")).ok()
}

/// `uri` under `/v1.NN` (bollard 0.21 joins its paths so that the version is lost).
fn versioned(uri: &Uri, prefix: &str) -> Result<Uri, bollard::errors::Error> {
    let target = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let target = if target.starts_with("/v1.") || target.starts_with("/_ping") {
        target.to_owned()
    } else {
        format!("{prefix}{target}")
    };
    target
        .parse()
        .map_err(|e: http::uri::InvalidUri| bollard::errors::Error::IOError {
            err: std::io::Error::other(e.to_string()),
        })
}

/// `"1.45"` → 1.45.
fn parse_version(text: &str) -> Option<ClientVersion> {
    let (major, minor) = text.trim().split_once('.')?;
    Some(ClientVersion {
        major_version: major.parse().ok()?,
        minor_version: minor.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(endpoint: &str, tls: bool) -> Result<String, DockerError> {
        let config = DockerProvider {
            endpoint: endpoint.to_owned(),
            tls: tls.then(|| limpet_config::static_config::DockerTls {
                insecure_skip_verify: true,
                ..Default::default()
            }),
            ..DockerProvider::default()
        };
        Transport::new(&config).map(|t| t.describe())
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            parse("unix:///var/run/docker.sock", false).ok().as_deref(),
            Some("unix:///var/run/docker.sock")
        );
        assert_eq!(
            parse("tcp://10.0.0.2:2375", false).ok().as_deref(),
            Some("tcp://10.0.0.2:2375")
        );
        assert_eq!(
            parse("tcp://docker:2376", true).ok().as_deref(),
            Some("tcp://docker:2376 (TLS)")
        );
        assert!(parse("ssh://docker", false).is_err());
        assert!(parse("/var/run/docker.sock", false).is_err());
        assert_eq!(parse_version("1.45").map(|v| v.minor_version), Some(45));
    }
}
