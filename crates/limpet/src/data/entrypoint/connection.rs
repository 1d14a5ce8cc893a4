//! One accepted connection: plain or TLS (its first byte), then HTTP/1.1 or HTTP/2 — ALPN
//! over TLS, the prior-knowledge preface (`PRI`) in plain text (`Upgrade: h2c` is ignored,
//! as in Traefik) — served until it closes or the entrypoint shuts down.
//!
//! HTTP/1.1 runs over `TimedStream` (the responding timeouts), under TLS too: the handshake
//! counts against `readTimeout`, as in Go. A plain connection costs TLS one `peek` (three
//! bytes after a `P`). HTTP/2 connections do not apply the responding timeouts yet.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;

use hyper::server::conn::{http1, http2};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::time::timeout;

use super::clock::{ConnClock, Timeouts};
use super::timed_stream::{Reporter, TimedStream};
use crate::data::proxy::ConnInfo;
use crate::data::ticks;
use crate::data::tls::{self, FirstBytes, HANDSHAKE_TIMEOUT};
use crate::state::Shared;

/// What serving one connection needs.
pub(super) struct Conn {
    pub shared: Arc<Shared>,
    pub index: usize,
    /// The connection's facts; `tls` and `server_name` are filled in after a handshake.
    pub info: ConnInfo,
    /// The largest request head (`maxHeaderBytes` and Go's slack).
    pub head_limit: usize,
    /// `http2.maxConcurrentStreams`.
    pub max_concurrent_streams: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Protocol {
    Http1,
    Http2,
}

/// Serves `stream` until it closes, or until `shutdown` (then gracefully).
pub(super) async fn serve(stream: TcpStream, mut conn: Conn, shutdown: watch::Receiver<bool>) {
    let Some(first) = first_bytes(&stream, &conn).await else {
        return;
    };
    match first {
        FirstBytes::Http1 => {
            let stream = timed(stream, &conn);
            serve_http(stream, Protocol::Http1, conn, shutdown).await;
        }
        FirstBytes::Http2 => {
            conn.info.clock = Arc::new(ConnClock::new(Timeouts::default()));
            serve_http(stream, Protocol::Http2, conn, shutdown).await;
        }
        FirstBytes::Tls => serve_tls(timed(stream, &conn).encrypted(), conn, shutdown).await,
    }
}

/// What the first bytes say, within the connection's read deadline (a silent client is cut
/// and counted as `TimedStream` cuts it), else [`HANDSHAKE_TIMEOUT`].
async fn first_bytes(stream: &TcpStream, conn: &Conn) -> Option<FirstBytes> {
    let deadline = conn.info.clock.read_deadline();
    let by = match deadline {
        Some(deadline) => ticks::instant_of(deadline.at),
        None => tokio::time::Instant::now() + HANDSHAKE_TIMEOUT,
    };
    // A little later than `by`: a lone `P` is handed on at `by` (then cut with a 400).
    let margin = std::time::Duration::from_millis(50);
    match tokio::time::timeout_at(by + margin, tls::sniff(stream, by)).await {
        Ok(sniffed) => sniffed.ok().flatten(),
        Err(_) => {
            if let Some(deadline) = deadline {
                let (sink, entry_point, peer) =
                    (&conn.shared.sink, &conn.info.entry_point, conn.info.peer);
                tracing::debug!(entryPoint = %entry_point, %peer, timeout = deadline.kind.as_str(), "client connection timed out");
                sink.timed_out(entry_point, deadline.kind);
            }
            None
        }
    }
}

async fn serve_tls(stream: TimedStream, mut conn: Conn, shutdown: watch::Receiver<bool>) {
    let peer = conn.info.peer;
    let tls = conn.shared.snapshot.load().tls.clone();
    let handshake = tls::handshake(stream, &tls, conn.index);
    let (stream, negotiated) = match timeout(HANDSHAKE_TIMEOUT, handshake).await {
        Ok(Ok(done)) => done,
        Ok(Err(error)) => {
            tracing::debug!(%peer, %error, "TLS handshake failed");
            return;
        }
        Err(_) => return,
    };
    conn.info.tls = true;
    conn.info.server_name = negotiated.server_name;
    if !negotiated.h2 {
        return serve_http(stream, Protocol::Http1, conn, shutdown).await;
    }
    // The socket's deadlines follow one request at a time: HTTP/2 multiplexes, so none.
    conn.info.clock.upgraded();
    conn.info.clock = Arc::new(ConnClock::new(Timeouts::default()));
    serve_http(stream, Protocol::Http2, conn, shutdown).await;
}

/// The socket with the entrypoint's responding timeouts on the connection's clock.
fn timed(stream: TcpStream, conn: &Conn) -> TimedStream {
    let reporter = Reporter {
        sink: conn.shared.sink.clone(),
        entry_point: conn.info.entry_point.clone(),
        peer: conn.info.peer,
    };
    TimedStream::new(stream, conn.info.clock.clone(), reporter)
}

async fn serve_http<I>(io: I, protocol: Protocol, conn: Conn, shutdown: watch::Receiver<bool>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let Conn {
        shared,
        index,
        info,
        head_limit,
        max_concurrent_streams,
        ..
    } = conn;
    let (sink, entry_point, peer) = (shared.sink.clone(), info.entry_point.clone(), info.peer);
    let service = service_fn(move |req| {
        let (shared, info) = (shared.clone(), info.clone());
        // Boxed: the request's future (routing, forwarding, upgrades) is several KiB, and
        // inline it would be part of every idle keep-alive connection's task.
        Box::pin(
            async move { Ok::<_, Infallible>(super::handle(&shared, index, &info, req).await) },
        )
    });
    let io = TokioIo::new(io);
    let result = match protocol {
        Protocol::Http1 => {
            let conn = http1_builder(head_limit)
                .serve_connection(io, service)
                .with_upgrades();
            drive(conn, |c| c.graceful_shutdown(), shutdown).await
        }
        Protocol::Http2 => {
            let conn = http2_builder(max_concurrent_streams).serve_connection(io, service);
            drive(conn, |c| c.graceful_shutdown(), shutdown).await
        }
    };
    if let Err(error) = result {
        tracing::debug!(%peer, %error, "client connection ended with an error");
        if let Some(rejection) = super::head_rejection(&error) {
            super::report(&sink, &entry_point, peer, rejection);
        }
    }
}

/// Runs `conn` to its end; on shutdown, asks it to finish gracefully and waits for that.
async fn drive<C>(
    conn: C,
    graceful: impl FnOnce(Pin<&mut C>),
    mut shutdown: watch::Receiver<bool>,
) -> Result<(), hyper::Error>
where
    C: std::future::Future<Output = Result<(), hyper::Error>>,
{
    let mut conn = std::pin::pin!(conn);
    tokio::select! {
        result = conn.as_mut() => result,
        () = super::stopped(&mut shutdown) => {
            graceful(conn.as_mut());
            conn.await
        }
    }
}

/// hyper's HTTP/1 server as the entrypoint wants it: its own timeouts (`TimedStream`) instead
/// of hyper's header timeout, the head bounded by `maxHeaderBytes`.
fn http1_builder(head_limit: usize) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(None)
        .max_buf_size(head_limit.max(8192))
        .max_header_size(head_limit)
        .title_case_headers(true)
        .writev(false);
    builder
}

fn http2_builder(max_concurrent_streams: u32) -> http2::Builder<TokioExecutor> {
    let mut builder = http2::Builder::new(TokioExecutor::new());
    builder
        .timer(TokioTimer::new())
        .max_concurrent_streams(max_concurrent_streams);
    builder
}
