//! RFC 9112 checks hyper leaves to the application, answered as Go's `net/http` server (so
//! Traefik) answers them: HTTP/1.1 needs exactly one `Host` made of host characters, `chunked`
//! is the only transfer coding, and an absolute-form target (`GET http://h/x`) is routed by its
//! authority, which becomes the `Host`. Reading a valid head allocates nothing.

use http::header::{CONNECTION, CONTENT_TYPE, HOST, TRANSFER_ENCODING};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Version};
use hyper::ext::ReasonPhrase;

use crate::data::observer::Rejection;
use crate::data::responses::{self, ProxyBody};

/// Checks the head of `req`, rewriting `Host` for an absolute-form target. An HTTP/2
/// request's host is its `:authority`, which becomes its `Host` first (as Go's `req.Host`).
pub fn check<B>(req: &mut Request<B>) -> Result<(), Rejection> {
    if req.version() == Version::HTTP_2 {
        adopt_target_authority(req);
    }
    check_host(req)?;
    check_transfer_encoding(req.version(), req.headers())?;
    adopt_target_authority(req);
    Ok(())
}

fn check_host<B>(req: &Request<B>) -> Result<(), Rejection> {
    let mut hosts = req.headers().get_all(HOST).iter();
    match (hosts.next(), hosts.next()) {
        (None, _) if req.version() >= Version::HTTP_11 && req.method() != Method::CONNECT => {
            Err(Rejection::MissingHost)
        }
        (Some(_), Some(_)) => Err(Rejection::DuplicateHost),
        (Some(host), None) if !valid_host(host.as_bytes()) => Err(Rejection::MalformedHost),
        _ => Ok(()),
    }
}

/// Go's `httpguts.ValidHostHeader`: letters, digits and the characters of IP literals,
/// ports and sub-delimiters.
fn valid_host(host: &[u8]) -> bool {
    host.iter().all(|&b| {
        b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b'-'
                    | b'.'
                    | b':'
                    | b';'
                    | b'='
                    | b'['
                    | b']'
                    | b'_'
                    | b'~'
            )
    })
}

/// HTTP/1.1 allows one `Transfer-Encoding`, `chunked` (any other coding would reach the
/// server unlabelled, since `Transfer-Encoding` is hop-by-hop). HTTP/1.0 ignores it, as Go.
fn check_transfer_encoding(version: Version, headers: &HeaderMap) -> Result<(), Rejection> {
    if version < Version::HTTP_11 {
        return Ok(());
    }
    let mut codings = headers.get_all(TRANSFER_ENCODING).iter();
    match (codings.next(), codings.next()) {
        (None, _) => Ok(()),
        (Some(coding), None) if coding.as_bytes().eq_ignore_ascii_case(b"chunked") => Ok(()),
        _ => Err(Rejection::UnsupportedTransferEncoding),
    }
}

/// An absolute-form target names the host: it is what routing sees and what is forwarded.
fn adopt_target_authority<B>(req: &mut Request<B>) {
    let Some(authority) = req.uri().authority() else {
        return;
    };
    let host = authority
        .as_str()
        .rsplit_once('@')
        .map_or(authority.as_str(), |(_, host)| host);
    if let Ok(host) = HeaderValue::from_str(host) {
        req.headers_mut().insert(HOST, host);
    }
}

/// Go's answer to `rejection` (its status line, headers and body), closing the connection.
pub fn answer(rejection: Rejection) -> Response<ProxyBody> {
    let (status, reason, body): (StatusCode, &'static [u8], &'static str) = match rejection {
        Rejection::MissingHost => (
            StatusCode::BAD_REQUEST,
            b"Bad Request: missing required Host header",
            "400 Bad Request: missing required Host header",
        ),
        Rejection::MalformedHost => (
            StatusCode::BAD_REQUEST,
            b"Bad Request: malformed Host header",
            "400 Bad Request: malformed Host header",
        ),
        Rejection::UnsupportedTransferEncoding => (
            StatusCode::NOT_IMPLEMENTED,
            b"Not Implemented",
            "Unsupported transfer encoding",
        ),
        _ => (StatusCode::BAD_REQUEST, b"Bad Request", "400 Bad Request"),
    };
    let mut response = responses::plain(status, bytes::Bytes::from_static(body.as_bytes()));
    response
        .extensions_mut()
        .insert(ReasonPhrase::from_static(reason));
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(CONNECTION, HeaderValue::from_static("close"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(head: &[(&str, &str)], version: Version, uri: &str) -> Request<()> {
        let mut builder = Request::get(uri).version(version);
        for (name, value) in head {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap_or_default()
    }

    #[test]
    fn host_rules_follow_go() {
        let check_of = |head: &[(&str, &str)], version| check(&mut request(head, version, "/"));
        assert_eq!(check_of(&[], Version::HTTP_11), Err(Rejection::MissingHost));
        assert_eq!(check_of(&[], Version::HTTP_10), Ok(()));
        let two = [("host", "a"), ("host", "a")];
        assert_eq!(
            check_of(&two, Version::HTTP_11),
            Err(Rejection::DuplicateHost)
        );
        assert_eq!(
            check_of(&two, Version::HTTP_10),
            Err(Rejection::DuplicateHost)
        );
        let bad = [("host", "a b")];
        assert_eq!(
            check_of(&bad, Version::HTTP_11),
            Err(Rejection::MalformedHost)
        );
        for good in ["", "a.local", "[::1]:80", "x_y.example:8080"] {
            assert_eq!(
                check_of(&[("host", good)], Version::HTTP_11),
                Ok(()),
                "{good}"
            );
        }
    }

    #[test]
    fn only_chunked_is_a_transfer_coding() {
        let check_of = |te: &str| {
            check(&mut request(
                &[("host", "a"), ("transfer-encoding", te)],
                Version::HTTP_11,
                "/",
            ))
        };
        assert_eq!(check_of("chunked"), Ok(()));
        assert_eq!(check_of("Chunked"), Ok(()));
        for bad in ["gzip, chunked", "identity", "chunked, chunked"] {
            assert_eq!(
                check_of(bad),
                Err(Rejection::UnsupportedTransferEncoding),
                "{bad}"
            );
        }
    }

    #[test]
    fn absolute_form_authority_becomes_the_host() {
        let mut req = request(
            &[("host", "a.local")],
            Version::HTTP_11,
            "http://user@other.example:8080/x",
        );
        assert_eq!(check(&mut req), Ok(()));
        assert_eq!(req.headers()[HOST], "other.example:8080");
        let mut origin_form = request(&[("host", "a.local")], Version::HTTP_11, "/x");
        assert_eq!(check(&mut origin_form), Ok(()));
        assert_eq!(origin_form.headers()[HOST], "a.local");
    }
}
