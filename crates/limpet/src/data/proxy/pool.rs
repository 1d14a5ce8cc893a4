//! Keep-alive connections to one server address, reused across requests and reloads.
//!
//! A connection is taken from the pool for one exchange and put back when the response body
//! has been read to the end, so a pooled connection is always idle. No lock is held across an
//! `.await`; new connections are dialled with Traefik's 30 s timeout and `TCP_NODELAY`, then,
//! for `https://` servers, a TLS handshake within the same timeout.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::uri::Authority;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use super::RequestBody;
use crate::data::tls::upstream::UpstreamTls;

/// Traefik's `forwardingTimeouts.dialTimeout` default.
const DIAL_TIMEOUT: Duration = Duration::from_secs(30);
/// Largest response head accepted from a server (bytes); a larger one is answered 502.
pub const MAX_RESPONSE_HEAD: usize = 400 * 1024;
/// Idle connections kept per server address.
const MAX_IDLE: usize = 256;

type Sender = SendRequest<RequestBody>;

/// What a pool is shared by: its address and, for TLS, a fingerprint of its TLS settings.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PoolKey {
    pub authority: Authority,
    pub tls: Option<u64>,
}

/// Idle connections to one address.
#[derive(Debug)]
pub struct ConnectionPool {
    key: PoolKey,
    tls: Option<UpstreamTls>,
    idle: Mutex<Vec<Sender>>,
}

/// Why no connection could be had.
#[derive(Debug, thiserror::Error)]
pub enum DialError {
    #[error("dial tcp {0}: i/o timeout")]
    Timeout(Authority),
    #[error("dial tcp {0}: {1}")]
    Connect(Authority, io::Error),
    #[error("http handshake with {0}: {1}")]
    Handshake(Authority, hyper::Error),
    #[error("tls handshake with {0}: {1}")]
    Tls(Authority, io::Error),
}

impl DialError {
    pub fn is_timeout(&self) -> bool {
        matches!(self, DialError::Timeout(_))
    }

    /// A TLS failure other than the server going away (a certificate that does not verify,
    /// a server that does not speak TLS): Traefik answers 500 for those, not 502.
    pub fn is_tls_failure(&self) -> bool {
        matches!(self, DialError::Tls(_, e) if e.kind() == io::ErrorKind::InvalidData)
    }
}

impl ConnectionPool {
    /// A pool of plain-HTTP connections to `authority`.
    pub fn new(authority: Authority) -> ConnectionPool {
        let key = PoolKey {
            authority,
            tls: None,
        };
        ConnectionPool {
            key,
            tls: None,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// A pool of TLS connections; `fingerprint` identifies the TLS settings.
    pub fn with_tls(authority: Authority, tls: UpstreamTls, fingerprint: u64) -> ConnectionPool {
        let key = PoolKey {
            authority,
            tls: Some(fingerprint),
        };
        ConnectionPool {
            key,
            tls: Some(tls),
            idle: Mutex::new(Vec::new()),
        }
    }

    pub fn key(&self) -> &PoolKey {
        &self.key
    }

    /// How its connections are secured, for `https://` servers.
    pub fn tls(&self) -> Option<&UpstreamTls> {
        self.tls.as_ref()
    }

    /// An idle connection ready for a request, or a new one.
    pub async fn acquire(&self) -> Result<Sender, DialError> {
        while let Some(mut sender) = self.pop() {
            if !sender.is_closed() && sender.ready().await.is_ok() {
                return Ok(sender);
            }
        }
        self.dial().await
    }

    /// Idle connections still open (the server has not closed them, as far as limpet knows).
    pub fn open_idle(&self) -> usize {
        self.lock()
            .iter()
            .filter(|sender| !sender.is_closed())
            .count()
    }

    /// Puts back a connection whose exchange is complete.
    pub fn release(&self, sender: Sender) {
        if sender.is_closed() {
            return;
        }
        let mut idle = self.lock();
        if idle.len() < MAX_IDLE {
            idle.push(sender);
        }
    }

    fn pop(&self) -> Option<Sender> {
        self.lock().pop()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Sender>> {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn dial(&self) -> Result<Sender, DialError> {
        let authority = &self.key.authority;
        let default_port = if self.tls.is_some() { 443 } else { 80 };
        let address = (
            authority.host().trim_matches(|c| c == '[' || c == ']'),
            authority.port_u16().unwrap_or(default_port),
        );
        let stream = match tokio::time::timeout(DIAL_TIMEOUT, TcpStream::connect(address)).await {
            Err(_) => return Err(DialError::Timeout(authority.clone())),
            Ok(result) => result.map_err(|e| DialError::Connect(authority.clone(), e))?,
        };
        let _ = stream.set_nodelay(true);
        let Some(tls) = &self.tls else {
            return self.handshake(stream).await;
        };
        let secured = tls.connector.connect(tls.server_name.clone(), stream);
        match tokio::time::timeout(DIAL_TIMEOUT, secured).await {
            Err(_) => Err(DialError::Timeout(authority.clone())),
            Ok(Err(e)) => Err(DialError::Tls(authority.clone(), e)),
            Ok(Ok(stream)) => self.handshake(stream).await,
        }
    }

    async fn handshake<I>(&self, io: I) -> Result<Sender, DialError>
    where
        I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    {
        let (sender, connection) = http1::Builder::new()
            .max_buf_size(MAX_RESPONSE_HEAD)
            .title_case_headers(true)
            .writev(false)
            .handshake(TokioIo::new(io))
            .await
            .map_err(|e| DialError::Handshake(self.key.authority.clone(), e))?;
        tokio::spawn(async move {
            if let Err(error) = connection.with_upgrades().await {
                tracing::debug!(%error, "upstream connection ended with an error");
            }
        });
        Ok(sender)
    }
}

/// A response body from a server; gives its connection back to the pool once read to the end.
#[derive(Debug)]
pub struct UpstreamBody {
    inner: Incoming,
    lease: Option<(Sender, Arc<ConnectionPool>)>,
}

impl UpstreamBody {
    pub fn new(inner: Incoming, sender: Sender, pool: Arc<ConnectionPool>) -> UpstreamBody {
        UpstreamBody {
            inner,
            lease: Some((sender, pool)),
        }
    }

    /// A body whose connection is not returned (upgrades: the connection is taken over).
    pub fn detached(inner: Incoming) -> UpstreamBody {
        UpstreamBody { inner, lease: None }
    }

    fn give_back(&mut self) {
        if let Some((sender, pool)) = self.lease.take() {
            pool.release(sender);
        }
    }
}

impl Body for UpstreamBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(None) => self.give_back(),
            Poll::Ready(Some(Err(_))) => self.lease = None,
            _ => {}
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for UpstreamBody {
    fn drop(&mut self) {
        // A body dropped before its end leaves the connection mid-response: not reusable.
        if self.inner.is_end_stream() {
            self.give_back();
        }
    }
}
