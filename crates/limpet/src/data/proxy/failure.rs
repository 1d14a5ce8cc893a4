//! Why a request got no answer from its server, and the answer limpet gives instead:
//! Traefik's `502`/`504` (`500` when a server's certificate does not verify), or, when the client's own body failed, `400` (broken or cut short)
//! and `504` (too slow), marked as the client's fault.

use http::{HeaderValue, Response};

use super::pool::{self, DialError};
use super::Destination;
use crate::data::observer::Rejection;
use crate::data::responses::{self, ProxyBody};

/// Why an exchange produced no response.
pub(super) enum Failure {
    Dial(DialError),
    Exchange(hyper::Error),
}

/// A response caused by the client, not the server (its extensions carry it): the passive
/// health check ignores it, and a rejection is counted by the entrypoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientFault {
    /// The request body was malformed or cut short.
    Rejected(Rejection),
    /// The request body did not arrive within the entrypoint's `readTimeout`.
    TimedOut,
}

impl Failure {
    /// Traefik answers 504 on timeouts, 500 when a TLS handshake with the server failed
    /// other than by the server going away (a certificate that does not verify, no TLS),
    /// and 502 otherwise; a request body the client broke is
    /// answered 400, one it sent too slowly 504 (as Traefik does).
    pub(super) fn response(&self, dest: &Destination) -> Response<ProxyBody> {
        let error = match self {
            Failure::Dial(error) => {
                tracing::debug!(server = %dest.authority, %error, "cannot reach server");
                if error.is_tls_failure() {
                    return responses::internal_server_error();
                }
                return match error.is_timeout() {
                    true => responses::gateway_timeout(),
                    false => responses::bad_gateway(),
                };
            }
            Failure::Exchange(error) => error,
        };
        if let Some(fault) = client_fault(error) {
            return client_fault_response(fault);
        }
        if error.is_parse_too_large() {
            tracing::warn!(server = %dest.authority, limit = pool::MAX_RESPONSE_HEAD, "the server's response head is larger than the limit (bytes); answered 502");
        } else {
            tracing::debug!(server = %dest.authority, %error, "upstream exchange failed");
        }
        if error.is_timeout() || is_timeout(error) {
            responses::gateway_timeout()
        } else {
            responses::bad_gateway()
        }
    }
}

/// Whether the request body, read from the client, is what failed.
fn client_fault(error: &hyper::Error) -> Option<ClientFault> {
    if !error.is_user() {
        return None;
    }
    let io = io_cause(error)?;
    Some(match io.kind() {
        std::io::ErrorKind::TimedOut => ClientFault::TimedOut,
        std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput => {
            ClientFault::Rejected(Rejection::BadFraming)
        }
        _ => ClientFault::Rejected(Rejection::IncompleteBody),
    })
}

fn client_fault_response(fault: ClientFault) -> Response<ProxyBody> {
    let mut response = match fault {
        ClientFault::TimedOut => responses::gateway_timeout(),
        ClientFault::Rejected(_) => responses::bad_request(),
    };
    response
        .headers_mut()
        .insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    response.extensions_mut().insert(fault);
    response
}

/// The first I/O error in the error's chain.
fn io_cause<'e>(error: &'e (dyn std::error::Error + 'static)) -> Option<&'e std::io::Error> {
    let mut source = Some(error);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        source = err.source();
    }
    None
}

/// Whether an I/O timeout is somewhere in the error's chain.
fn is_timeout(error: &(dyn std::error::Error + 'static)) -> bool {
    io_cause(error).is_some_and(|io| io.kind() == std::io::ErrorKind::TimedOut)
}
