//! The first steps of an accepted connection: its first byte tells a TLS handshake (a
//! handshake record starts with 0x16) from plain HTTP, with one `peek` per connection (and
//! `PRI` HTTP/2's prior knowledge from HTTP/1.1); a TLS handshake then takes the
//! configuration of the snapshot in service, chosen by SNI.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use rustls::server::Acceptor;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_rustls::server::TlsStream;
use tokio_rustls::LazyConfigAcceptor;

use super::store::canonical;
use super::TlsSnapshot;

/// How long a client may take to send its first byte and complete a TLS handshake
/// (Traefik's default `readTimeout` covers the handshake too).
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);

/// What the first bytes say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstBytes {
    Tls,
    /// `PRI`: HTTP/2's prior-knowledge preface (`PRI * HTTP/2.0`).
    Http2,
    Http1,
}

/// How long to wait between peeks when a `P` came alone.
const SHORT_PEEK_PAUSE: Duration = Duration::from_millis(5);

/// Peeks the first byte — and, after a `P`, the first three — without consuming them;
/// `None` when the client closed first. One `peek` for every connection not starting
/// with `P`. A `P` still alone at `decide_by` is taken for HTTP/1.1 (its reader then cuts
/// it as any slow request line).
pub async fn sniff(stream: &TcpStream, decide_by: Instant) -> io::Result<Option<FirstBytes>> {
    let mut first = [0u8; 3];
    let mut seen = stream.peek(&mut first).await?;
    match first[0] {
        _ if seen == 0 => return Ok(None),
        0x16 => return Ok(Some(FirstBytes::Tls)),
        b'P' => {}
        _ => return Ok(Some(FirstBytes::Http1)),
    }
    while seen < 3 && Instant::now() < decide_by {
        // The socket stays readable with fewer bytes than asked for: wait a little.
        tokio::time::sleep(SHORT_PEEK_PAUSE).await;
        seen = stream.peek(&mut first).await?;
    }
    Ok(Some(match &first {
        b"PRI" => FirstBytes::Http2,
        _ => FirstBytes::Http1,
    }))
}

/// What a completed handshake negotiated.
#[derive(Debug, Clone, Default)]
pub struct Negotiated {
    /// The SNI, lowercase without a trailing dot.
    pub server_name: Option<Arc<str>>,
    /// ALPN chose `h2`.
    pub h2: bool,
}

/// Completes a TLS handshake with the configuration `tls` has for `entry_point` and the
/// client's SNI.
pub async fn handshake<I>(
    io: I,
    tls: &TlsSnapshot,
    entry_point: usize,
) -> io::Result<(TlsStream<I>, Negotiated)>
where
    I: AsyncRead + AsyncWrite + Unpin,
{
    let start = LazyConfigAcceptor::new(Acceptor::default(), io).await?;
    let server_name = start.client_hello().server_name().map(canonical);
    let config = tls
        .config_for(entry_point, server_name.as_deref())
        .ok_or_else(|| io::Error::other("no TLS configuration in service yet"))?;
    let stream = start.into_stream(config).await?;
    let h2 = stream.get_ref().1.alpn_protocol() == Some(b"h2");
    let negotiated = Negotiated {
        server_name: server_name.map(Into::into),
        h2,
    };
    Ok((stream, negotiated))
}
