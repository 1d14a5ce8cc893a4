//! A client socket that enforces its connection's deadlines ([`ConnClock`]) on every read and
//! write, the way Go's server sets deadlines on its `net.Conn`.
//!
//! A read that is still pending when its deadline passes fails: `readTimeout` with
//! `TimedOut` (hyper then drops the connection, or the body read fails and the request is
//! answered 504, as Traefik answers), `idleTimeout` with an end of stream (hyper closes the
//! idle connection quietly). As Go, a client cut in the middle of its request line gets a
//! `400 Bad Request` first. A write after `writeTimeout` fails. Each cut is counted once.
//! Under TLS (`encrypted`) the deadlines are the same, but the bytes are not read: no 400.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;

use super::clock::{ConnClock, Deadline};
use crate::data::observer::{ClientTimeout, ExchangeSink};
use crate::data::ticks;

/// What Go writes when a request line is cut short by its read deadline.
const CUT_REQUEST_LINE: &[u8] = b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request";

/// Where a cut is reported.
pub struct Reporter {
    pub sink: Arc<dyn ExchangeSink>,
    pub entry_point: Arc<str>,
    pub peer: std::net::SocketAddr,
}

/// The client socket of one connection, with its deadlines.
pub struct TimedStream {
    inner: TcpStream,
    clock: Arc<ConnClock>,
    timer: Pin<Box<Sleep>>,
    /// The tick the timer is set for (0 = not set).
    armed: u64,
    /// Bytes of a request line arrived without its end.
    line_open: bool,
    /// The head of the current request has shown its first line end.
    line_seen: bool,
    expired: Option<ClientTimeout>,
    reporter: Reporter,
    /// TLS records flow here: request lines cannot be seen.
    encrypted: bool,
}

impl TimedStream {
    pub fn new(inner: TcpStream, clock: Arc<ConnClock>, reporter: Reporter) -> TimedStream {
        TimedStream {
            inner,
            clock,
            timer: Box::pin(tokio::time::sleep_until(ticks::instant_of(0))),
            armed: 0,
            line_open: false,
            line_seen: false,
            expired: None,
            reporter,
            encrypted: false,
        }
    }

    /// The same stream carrying TLS: deadlines only.
    pub fn encrypted(mut self) -> TimedStream {
        self.encrypted = true;
        self
    }

    /// New request bytes: track the request line (only until its end is seen).
    fn on_bytes(&mut self, bytes: &[u8]) {
        if self.clock.bytes_arrived() {
            self.line_seen = false;
        }
        if !self.encrypted && !self.line_seen && self.clock.in_head() {
            self.line_seen = bytes.contains(&b'\n');
            self.line_open = !self.line_seen;
        }
    }

    /// Whether `deadline` has passed; otherwise the timer is set to wake this task for it.
    fn passed(&mut self, deadline: Deadline, cx: &mut Context<'_>) -> bool {
        if ticks::now_ms() >= deadline.at {
            return true;
        }
        if self.armed != deadline.at {
            self.armed = deadline.at;
            self.timer.as_mut().reset(ticks::instant_of(deadline.at));
        }
        self.timer.as_mut().poll(cx).is_ready() && ticks::now_ms() >= deadline.at
    }

    /// Records a cut once: logged at DEBUG and counted.
    fn expire(&mut self, kind: ClientTimeout) {
        if self.expired.is_some() {
            return;
        }
        self.expired = Some(kind);
        if kind == ClientTimeout::Read && self.clock.in_head() && self.line_open {
            let _ = self.inner.try_write(CUT_REQUEST_LINE);
        }
        let Reporter {
            sink,
            entry_point,
            peer,
        } = &self.reporter;
        tracing::debug!(entryPoint = %entry_point, %peer, timeout = kind.as_str(), "client connection timed out");
        sink.timed_out(entry_point, kind);
    }

    /// The result a read gets once the connection was cut.
    fn cut_read(kind: ClientTimeout) -> Poll<io::Result<()>> {
        match kind {
            ClientTimeout::Idle => Poll::Ready(Ok(())),
            _ => Poll::Ready(Err(timed_out())),
        }
    }

    /// A pending write: fails once the write deadline has passed.
    fn write_pending<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        match self.clock.write_deadline() {
            Some(deadline) if self.passed(deadline, cx) => {
                self.expire(ClientTimeout::Write);
                Poll::Ready(Err(timed_out()))
            }
            _ => Poll::Pending,
        }
    }

    fn write_expired(&mut self) -> bool {
        if self.expired == Some(ClientTimeout::Write) {
            return true;
        }
        let late = self
            .clock
            .write_deadline()
            .is_some_and(|d| ticks::now_ms() >= d.at);
        if late {
            self.expire(ClientTimeout::Write);
        }
        late
    }
}

fn timed_out() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "client connection timed out")
}

impl AsyncRead for TimedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if let Some(kind) = this.expired {
            return Self::cut_read(kind);
        }
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    this.on_bytes(&buf.filled()[before..]);
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(error)),
            Poll::Pending => match this.clock.read_deadline() {
                Some(deadline) if this.passed(deadline, cx) => {
                    this.expire(deadline.kind);
                    Self::cut_read(deadline.kind)
                }
                _ => Poll::Pending,
            },
        }
    }
}

impl AsyncWrite for TimedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.write_expired() {
            return Poll::Ready(Err(timed_out()));
        }
        match Pin::new(&mut this.inner).poll_write(cx, buf) {
            Poll::Pending => this.write_pending(cx),
            ready => ready,
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_flush(cx) {
            Poll::Pending => this.write_pending(cx),
            ready => ready,
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
