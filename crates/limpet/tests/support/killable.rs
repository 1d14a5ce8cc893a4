//! Test support: an origin that can be killed like a SIGKILLed process — its listener is
//! dropped (new connections refused) and every open connection closed at once.
#![allow(dead_code, clippy::unwrap_used)]

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
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinSet;

/// A running origin answering `200` with `X-Served-By: <name>`.
pub struct Killable {
    pub addr: SocketAddr,
    /// Requests received.
    pub served: Arc<AtomicUsize>,
    kill: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl Killable {
    pub async fn start(name: &'static str) -> Killable {
        Killable::start_slow(name, std::time::Duration::ZERO).await
    }

    /// An origin that answers each request `delay` after it arrived (counted on arrival).
    pub async fn start_slow(name: &'static str, delay: std::time::Duration) -> Killable {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let served = Arc::new(AtomicUsize::new(0));
        let (kill, killed) = oneshot::channel();
        let task = tokio::spawn(accept(listener, (name, delay), served.clone(), killed));
        Killable {
            addr,
            served,
            kill: Some(kill),
            task,
        }
    }

    /// Drops the listener and closes every connection; returns once they are closed.
    pub async fn kill(&mut self) {
        if let Some(kill) = self.kill.take() {
            let _ = kill.send(());
        }
        let _ = (&mut self.task).await;
    }

    pub fn served(&self) -> usize {
        self.served.load(Ordering::SeqCst)
    }
}

async fn accept(
    listener: TcpListener,
    (name, delay): (&'static str, std::time::Duration),
    served: Arc<AtomicUsize>,
    mut killed: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let served = served.clone();
                let service = service_fn(move |req| answer((name, delay), served.clone(), req));
                connections.spawn(async move {
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
            _ = &mut killed => break,
        }
    }
    drop(listener);
    connections.shutdown().await;
}

async fn answer(
    (name, delay): (&'static str, std::time::Duration),
    served: Arc<AtomicUsize>,
    _req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    served.fetch_add(1, Ordering::SeqCst);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let mut response = Response::new(Full::new(Bytes::from_static(name.as_bytes())));
    response
        .headers_mut()
        .insert("x-served-by", http::HeaderValue::from_static(name));
    Ok(response)
}
