//! Sending a rewritten request on a connection, and telling whether it reached the server.
//!
//! hyper hands a request back when its connection died before the request was written (a
//! pooled connection the server had closed): it is sent once more on a fresh connection,
//! and if that cannot be had either, handed back to the caller as never sent.

use http::{Request, Response};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;

use super::failure::Failure;
use super::{Destination, RequestBody};

pub(super) type Sender = SendRequest<RequestBody>;

/// Why no response came back.
pub(super) enum SendError {
    /// The request never reached the server; here it is.
    Unsent(Box<Request<RequestBody>>, Failure),
    /// The request was (maybe partly) written: it cannot be sent elsewhere.
    Sent(Failure),
}

/// Sends `req` on `sender`, or on a fresh connection if `sender` died before writing it.
pub(super) async fn send(
    req: Request<RequestBody>,
    mut sender: Sender,
    dest: &Destination,
) -> Result<(Response<Incoming>, Sender), SendError> {
    let req = match sender.try_send_request(req).await {
        Ok(response) => return Ok((response, sender)),
        Err(mut error) => match error.take_message() {
            Some(req) => req,
            None => return Err(SendError::Sent(Failure::Exchange(error.into_error()))),
        },
    };
    let mut fresh = match dest.pool.acquire().await {
        Ok(fresh) => fresh,
        Err(error) => return Err(SendError::Unsent(Box::new(req), Failure::Dial(error))),
    };
    match fresh.try_send_request(req).await {
        Ok(response) => Ok((response, fresh)),
        Err(mut error) => match error.take_message() {
            Some(req) => Err(SendError::Unsent(
                Box::new(req),
                Failure::Exchange(error.into_error()),
            )),
            None => Err(SendError::Sent(Failure::Exchange(error.into_error()))),
        },
    }
}
