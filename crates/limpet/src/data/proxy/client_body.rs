//! The request body as read from the client, streamed to the server: when it ends, the
//! connection's clock stops counting `readTimeout` (waiting for the server is not reading).

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, Incoming, SizeHint};

use crate::data::entrypoint::ConnClock;

/// A client's request body.
#[derive(Debug)]
pub struct ClientBody {
    inner: Incoming,
    clock: Option<Arc<ConnClock>>,
}

impl ClientBody {
    pub fn new(inner: Incoming, clock: Option<Arc<ConnClock>>) -> ClientBody {
        ClientBody { inner, clock }
    }

    fn ended(&mut self) {
        if let Some(clock) = self.clock.take() {
            clock.body_read();
        }
    }
}

impl Body for ClientBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None)) || self.inner.is_end_stream() {
            self.ended();
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
