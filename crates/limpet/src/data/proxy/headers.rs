//! Header rewriting, both ways: hop-by-hop, `X-Forwarded-*` (docs/traefik.md#request-rewriting).

use http::header::{CONNECTION, COOKIE, TE, TRAILER, TRANSFER_ENCODING, UPGRADE};
use http::{HeaderMap, HeaderName, HeaderValue};

use super::ConnInfo;

const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
const X_FORWARDED_HOST: HeaderName = HeaderName::from_static("x-forwarded-host");
const X_FORWARDED_PORT: HeaderName = HeaderName::from_static("x-forwarded-port");
const X_FORWARDED_PROTO: HeaderName = HeaderName::from_static("x-forwarded-proto");
const X_FORWARDED_SERVER: HeaderName = HeaderName::from_static("x-forwarded-server");
const X_REAL_IP: HeaderName = HeaderName::from_static("x-real-ip");
const KEEP_ALIVE: HeaderName = HeaderName::from_static("keep-alive");
const PROXY_CONNECTION: HeaderName = HeaderName::from_static("proxy-connection");
const PROXY_AUTHENTICATE: HeaderName = HeaderName::from_static("proxy-authenticate");
const PROXY_AUTHORIZATION: HeaderName = HeaderName::from_static("proxy-authorization");

/// Whether the request asks to switch protocols (`Connection: upgrade` + `Upgrade`).
pub fn is_upgrade(headers: &HeaderMap) -> bool {
    headers.contains_key(UPGRADE) && connection_lists(headers, "upgrade")
}

fn connection_lists(headers: &HeaderMap, token: &str) -> bool {
    connection_tokens(headers).any(|t| t.eq_ignore_ascii_case(token))
}

fn connection_tokens(headers: &HeaderMap) -> impl Iterator<Item = &str> {
    headers
        .get_all(CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

/// Removes hop-by-hop headers; an upgrade keeps `Connection: Upgrade` and `Upgrade`.
pub fn remove_hop_by_hop(headers: &mut HeaderMap) {
    let upgrade = is_upgrade(headers)
        .then(|| headers.get(UPGRADE).cloned())
        .flatten();
    if headers.contains_key(CONNECTION) {
        remove_connection_listed(headers);
    }
    for name in [
        KEEP_ALIVE,
        PROXY_CONNECTION,
        PROXY_AUTHENTICATE,
        PROXY_AUTHORIZATION,
        TRAILER,
        TRANSFER_ENCODING,
    ] {
        headers.remove(name);
    }
    keep_te_trailers(headers);
    headers.remove(UPGRADE);
    if let Some(upgrade) = upgrade {
        headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
        headers.insert(UPGRADE, upgrade);
    }
}

/// Drops `Connection` and every header it names (RFC 9110 §7.6.1).
fn remove_connection_listed(headers: &mut HeaderMap) {
    let listed: Vec<HeaderName> = connection_tokens(headers)
        .filter_map(|t| HeaderName::from_bytes(t.as_bytes()).ok())
        .collect();
    headers.remove(CONNECTION);
    for name in listed {
        headers.remove(name);
    }
}

/// `TE` is hop-by-hop, but `TE: trailers` is forwarded as Go does.
fn keep_te_trailers(headers: &mut HeaderMap) {
    let trailers = headers
        .get_all(TE)
        .iter()
        .any(|v| v.as_bytes().eq_ignore_ascii_case(b"trailers"));
    headers.remove(TE);
    if trailers {
        headers.insert(TE, HeaderValue::from_static("trailers"));
    }
}

/// Sets `X-Forwarded-*` and `X-Real-Ip`. An untrusted peer's values are replaced; a trusted
/// peer's are kept (the client address is appended to `X-Forwarded-For`).
pub fn set_forwarded(
    headers: &mut HeaderMap,
    host: Option<&HeaderValue>,
    conn: &ConnInfo,
    server_name: &HeaderValue,
) {
    let client_ip = ip_value(conn);
    headers.insert(X_REAL_IP, client_ip.clone());
    headers.insert(X_FORWARDED_SERVER, server_name.clone());
    if conn.trusted {
        append_forwarded_for(headers, &client_ip, conn.append_forwarded_for);
        keep_or_set_forwarded(headers, host, conn.tls);
        return;
    }
    headers.insert(X_FORWARDED_FOR, client_ip);
    match host {
        Some(host) => headers.insert(X_FORWARDED_HOST, host.clone()),
        None => headers.remove(X_FORWARDED_HOST),
    };
    headers.insert(X_FORWARDED_PORT, forwarded_port(host, conn.tls));
    headers.insert(X_FORWARDED_PROTO, forwarded_proto(headers, conn.tls));
}

/// A trusted peer's `X-Forwarded-Host/Port/Proto` stand; missing ones are set.
fn keep_or_set_forwarded(headers: &mut HeaderMap, host: Option<&HeaderValue>, tls: bool) {
    if let Some(host) = host.filter(|_| !headers.contains_key(X_FORWARDED_HOST)) {
        headers.insert(X_FORWARDED_HOST, host.clone());
    }
    if !headers.contains_key(X_FORWARDED_PORT) {
        headers.insert(X_FORWARDED_PORT, forwarded_port(host, tls));
    }
    if !headers.contains_key(X_FORWARDED_PROTO) {
        headers.insert(X_FORWARDED_PROTO, forwarded_proto(headers, tls));
    }
}

/// `X-Forwarded-For: <what the trusted peer sent>, <client>` (one header, as Go joins them).
fn append_forwarded_for(headers: &mut HeaderMap, client_ip: &HeaderValue, append: bool) {
    let sent: Vec<&str> = headers
        .get_all(X_FORWARDED_FOR)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let joined = match (sent.is_empty(), append) {
        (true, _) => Some(client_ip.clone()),
        (false, true) => HeaderValue::from_str(&format!(
            "{}, {}",
            sent.join(", "),
            client_ip.to_str().unwrap_or("-")
        ))
        .ok(),
        (false, false) => HeaderValue::from_str(&sent.join(", ")).ok(),
    };
    if let Some(value) = joined {
        headers.insert(X_FORWARDED_FOR, value);
    }
}

fn ip_value(conn: &ConnInfo) -> HeaderValue {
    let ip = conn.peer.ip().to_canonical();
    HeaderValue::from_str(&ip.to_string()).unwrap_or(HeaderValue::from_static("-"))
}

/// The port of the `Host` header, else the scheme's default.
fn forwarded_port(host: Option<&HeaderValue>, tls: bool) -> HeaderValue {
    let explicit = host
        .and_then(|h| h.to_str().ok())
        .and_then(|h| h.rsplit_once(':'))
        .filter(|(_, port)| !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|(_, port)| HeaderValue::from_str(port).ok());
    explicit.unwrap_or(HeaderValue::from_static(if tls { "443" } else { "80" }))
}

/// `http`/`https`, or `ws`/`wss` for WebSocket upgrades, as Traefik sends.
fn forwarded_proto(headers: &HeaderMap, tls: bool) -> HeaderValue {
    let websocket = headers
        .get(UPGRADE)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"websocket"));
    HeaderValue::from_static(match (websocket, tls) {
        (true, true) => "wss",
        (true, false) => "ws",
        (false, true) => "https",
        (false, false) => "http",
    })
}

/// Removes the cookie named `name` from every `Cookie` header (others are kept in order).
pub fn strip_cookie(headers: &mut HeaderMap, name: &str) {
    let kept: Vec<String> = headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty() && pair.split('=').next() != Some(name))
        .map(str::to_owned)
        .collect();
    headers.remove(COOKIE);
    if let Ok(value) = HeaderValue::from_str(&kept.join("; ")) {
        if !kept.is_empty() {
            headers.insert(COOKIE, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (k, v) in pairs {
            headers.append(*k, HeaderValue::from_static(v));
        }
        headers
    }

    #[test]
    fn hop_by_hop_and_connection_listed_headers_are_removed() {
        let mut h = map(&[
            ("connection", "close, x-private"),
            ("x-private", "1"),
            ("keep-alive", "5"),
            ("te", "gzip"),
            ("x-keep", "y"),
        ]);
        remove_hop_by_hop(&mut h);
        assert_eq!(h.len(), 1);
        assert!(h.contains_key("x-keep"));
    }

    #[test]
    fn upgrade_headers_survive_for_upgrades() {
        let mut h = map(&[
            ("connection", "keep-alive, Upgrade"),
            ("upgrade", "websocket"),
        ]);
        remove_hop_by_hop(&mut h);
        assert_eq!(h.get(CONNECTION).unwrap(), "Upgrade");
        assert_eq!(h.get(UPGRADE).unwrap(), "websocket");
    }

    #[test]
    fn te_trailers_is_kept() {
        let mut h = map(&[("te", "trailers")]);
        remove_hop_by_hop(&mut h);
        assert_eq!(h.get(TE).unwrap(), "trailers");
    }

    #[test]
    fn port_comes_from_host_header() {
        assert_eq!(
            forwarded_port(Some(&HeaderValue::from_static("a.local:8080")), false),
            "8080"
        );
        assert_eq!(
            forwarded_port(Some(&HeaderValue::from_static("a.local")), false),
            "80"
        );
        assert_eq!(
            forwarded_port(Some(&HeaderValue::from_static("[::1]")), true),
            "443"
        );
    }

    #[test]
    fn strip_cookie_keeps_the_others() {
        let mut h = map(&[("cookie", "a=1; sticky=x"), ("cookie", "b=2")]);
        strip_cookie(&mut h, "sticky");
        assert_eq!(h.get(COOKIE).unwrap(), "a=1; b=2");
    }
}
