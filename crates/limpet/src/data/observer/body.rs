//! The response body as sent to the client: passed through untouched, or counted and, when
//! it ends (or the client goes away), the recorded exchange is completed.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};

use std::sync::Arc;

use super::Completion;
use crate::data::entrypoint::ConnClock;
use crate::data::responses::ProxyBody;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Body of every response limpet sends to a client.
pub struct ObservedBody {
    inner: ProxyBody,
    watch: Option<Watch>,
    /// Told when the response has been sent (or abandoned).
    clock: Option<Arc<ConnClock>>,
}

/// The exchange being counted.
struct Watch {
    completion: Box<dyn Completion>,
    bytes: u64,
}

impl ObservedBody {
    /// Nothing records this response.
    pub fn plain(inner: ProxyBody) -> ObservedBody {
        ObservedBody {
            inner,
            watch: None,
            clock: None,
        }
    }

    /// Tells `clock` when this response has been sent.
    pub fn on_end(&mut self, clock: Arc<ConnClock>) {
        self.clock = Some(clock);
    }

    pub(super) fn observed(inner: ProxyBody, completion: Box<dyn Completion>) -> ObservedBody {
        ObservedBody {
            inner,
            watch: Some(Watch {
                completion,
                bytes: 0,
            }),
            clock: None,
        }
    }

    fn complete(&mut self) {
        if let Some(watch) = self.watch.take() {
            watch.completion.complete(watch.bytes);
        }
        if let Some(clock) = self.clock.take() {
            clock.response_done();
        }
    }
}

impl Body for ObservedBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(cx);
        match &polled {
            Poll::Ready(Some(Ok(frame))) => {
                let len = frame.data_ref().map_or(0, |data| data.len() as u64);
                if let Some(watch) = self.watch.as_mut() {
                    watch.bytes += len;
                }
            }
            Poll::Ready(None) | Poll::Ready(Some(Err(_))) => self.complete(),
            Poll::Pending => {}
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

impl Drop for ObservedBody {
    fn drop(&mut self) {
        self.complete();
    }
}
