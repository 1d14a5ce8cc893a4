//! Test support: raw HTTP/1 over TCP, for requests no client library sends (malformed heads,
//! slow senders) and servers no library writes (oversized response heads, counting origins).
#![allow(dead_code, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What came back on a raw connection, read until the response ended or the peer closed.
#[derive(Debug, Default)]
pub struct RawReply {
    /// `HTTP/1.1 400 Bad Request`, empty when nothing came back.
    pub status_line: String,
    pub head: String,
    pub body: Vec<u8>,
    /// The peer closed the connection (EOF or reset) after the response, or instead of one.
    pub closed: bool,
}

impl RawReply {
    /// The status code, 0 when no response came back.
    pub fn status(&self) -> u16 {
        self.status_line
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or(0)
    }

    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| value.trim().to_owned())
        })
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends `bytes` on a new connection and reads one response (at most `limit` of waiting).
pub async fn exchange(addr: SocketAddr, bytes: &[u8], limit: Duration) -> RawReply {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    read_reply(&mut stream, limit).await
}

/// [`exchange`], then waits (at most `limit`) for the peer to close: `closed` tells.
pub async fn exchange_until_close(addr: SocketAddr, bytes: &[u8], limit: Duration) -> RawReply {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut reply = read_reply(&mut stream, limit).await;
    reply.closed = reply.closed || closes_within(&mut stream, limit).await;
    reply
}

/// Reads one response from `stream`: its head, then `Content-Length` bytes of body (or up to
/// the close), waiting at most `limit` in all.
pub async fn read_reply(stream: &mut TcpStream, limit: Duration) -> RawReply {
    let mut reply = RawReply::default();
    let mut buffer = Vec::new();
    let _ = tokio::time::timeout(limit, async {
        let mut chunk = [0u8; 16 * 1024];
        loop {
            if response_complete(&buffer) {
                return;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => {
                    reply.closed = true;
                    return;
                }
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    split(&buffer, &mut reply);
    reply
}

/// Whether the peer closes `stream` (EOF or reset) within `limit`, discarding what it sends.
pub async fn closes_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut chunk = [0u8; 4096];
    tokio::time::timeout(limit, async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

fn response_complete(buffer: &[u8]) -> bool {
    let Some(end) = find(buffer, b"\r\n\r\n") else {
        return false;
    };
    let head = String::from_utf8_lossy(&buffer[..end]);
    let length = head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse::<usize>().ok())?
    });
    length.is_some_and(|length| buffer.len() >= end + 4 + length)
}

fn split(buffer: &[u8], reply: &mut RawReply) {
    let end = find(buffer, b"\r\n\r\n").unwrap_or(buffer.len());
    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
    let (status_line, rest) = head.split_once("\r\n").unwrap_or((&head, ""));
    reply.status_line = status_line.to_owned();
    reply.head = rest.to_owned();
    reply.body = buffer.get(end + 4..).unwrap_or_default().to_vec();
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// An origin that answers every request with a fixed raw response, and counts the requests
/// whose head it received in full.
pub struct RawOrigin {
    pub addr: SocketAddr,
    pub heads: Arc<AtomicUsize>,
}

impl RawOrigin {
    pub async fn start(response: Vec<u8>) -> RawOrigin {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let heads = Arc::new(AtomicUsize::new(0));
        let (response, counted) = (Arc::new(response), heads.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (response, counted) = (response.clone(), counted.clone());
                tokio::spawn(async move {
                    let mut seen = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while find(&seen, b"\r\n\r\n").is_none() {
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => seen.extend_from_slice(&chunk[..n]),
                        }
                    }
                    counted.fetch_add(1, Ordering::SeqCst);
                    let _ = stream.write_all(&response).await;
                });
            }
        });
        RawOrigin { addr, heads }
    }

    pub fn heads(&self) -> usize {
        self.heads.load(Ordering::SeqCst)
    }
}
