//! Access log lines byte for byte as Traefik writes them: Common Log Format with Traefik's
//! tail (`common`), its first ten fields (`genericCLF`), or logrus-style JSON with sorted keys
//! (`json`), plus limpet's `StickyOutcome` and `StickyServer`.

use std::collections::BTreeMap;
use std::time::SystemTime;

use http::HeaderMap;
use serde_json::Value;

use super::clf::{self, TimeCache};
use super::settings::{Format, Mode, Settings};
use super::{rfc3339_nanos, rfc3339_seconds};
use crate::data::service::StickyOutcome;
use crate::ops::observe::Exchange;

/// Appends the line (newline-terminated) of `exchange`, the `count`-th request.
pub fn write_line(
    out: &mut String,
    settings: &Settings,
    exchange: &Exchange,
    count: u64,
    times: &mut TimeCache,
) {
    match settings.format {
        Format::Common => clf::write(out, settings, exchange, count, true, times),
        Format::GenericClf => clf::write(out, settings, exchange, count, false, times),
        Format::Json => out.push_str(&json(
            Fields::collect(settings, exchange, count),
            exchange.start,
        )),
    }
}

/// The log fields of one exchange by Traefik name, after keep/drop/redact.
struct Fields(BTreeMap<String, Value>);

impl Fields {
    fn collect(settings: &Settings, ex: &Exchange, count: u64) -> Fields {
        let mut fields = Fields(BTreeMap::new());
        let mut core = |name: &str, value: Value| match settings.field(name) {
            Mode::Keep => fields.put(name, value),
            Mode::Redact => fields.put(name, Value::from("REDACTED")),
            Mode::Drop => {}
        };
        for (name, value) in core_fields(settings, ex, count) {
            core(name, value);
        }
        if let Some(headers) = &ex.request_headers {
            fields.headers(settings, "request_", headers);
        }
        if let Some(headers) = &ex.response_headers {
            if ex.facts.server.is_some() {
                fields.headers(settings, "origin_", headers);
            }
            fields.headers(settings, "downstream_", headers);
        }
        fields
    }

    fn put(&mut self, name: &str, value: Value) {
        self.0.insert(name.to_owned(), value);
    }

    fn headers(&mut self, settings: &Settings, prefix: &str, headers: &HeaderMap) {
        for name in headers.keys() {
            let value = match settings.header(name.as_str()) {
                Mode::Drop => continue,
                Mode::Redact => "REDACTED".to_owned(),
                Mode::Keep => joined(headers, name),
            };
            self.put(
                &format!("{prefix}{}", canonical(name.as_str())),
                Value::from(value),
            );
        }
    }
}

fn core_fields(settings: &Settings, ex: &Exchange, count: u64) -> Vec<(&'static str, Value)> {
    let facts = &ex.facts;
    let nanos =
        |d: std::time::Duration| Value::from(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    let (host, port) = split_host(ex);
    let origin = facts.origin_duration.unwrap_or_default();
    let mut fields = vec![
        ("ClientAddr", Value::from(ex.peer.to_string())),
        ("ClientHost", Value::from(ex.client_host().to_string())),
        ("ClientPort", Value::from(ex.peer.port().to_string())),
        ("ClientUsername", Value::from("-")),
        ("DownstreamContentSize", Value::from(ex.bytes)),
        ("DownstreamStatus", Value::from(ex.status)),
        ("Duration", nanos(ex.duration)),
        ("OriginDuration", nanos(origin)),
        ("Overhead", nanos(ex.duration.saturating_sub(origin))),
        ("RequestAddr", Value::from(request_addr(ex))),
        ("RequestContentSize", Value::from(ex.request_length)),
        ("RequestCount", Value::from(count)),
        ("RequestHost", Value::from(host)),
        ("RequestMethod", Value::from(ex.method.as_str())),
        ("RequestPath", Value::from(request_path(settings, ex))),
        ("RequestPort", Value::from(port)),
        ("RequestProtocol", Value::from(format!("{:?}", ex.version))),
        (
            "RequestScheme",
            Value::from(if ex.tls { "https" } else { "http" }),
        ),
        ("RetryAttempts", Value::from(0)),
        ("StartLocal", Value::from(rfc3339_nanos(ex.start))),
        ("StartUTC", Value::from(rfc3339_nanos(ex.start))),
        ("entryPointName", Value::from(&*ex.entry_point)),
    ];
    if let Some(router) = &facts.router {
        fields.push(("RouterName", Value::from(&**router)));
    }
    match &facts.server {
        Some(server) => fields.extend([
            ("OriginContentSize", Value::from(ex.bytes)),
            ("OriginStatus", Value::from(ex.status)),
            ("ServiceAddr", Value::from(&*server.addr)),
            ("ServiceName", Value::from(&*server.service.name)),
            ("ServiceURL", Value::from(&*server.url)),
        ]),
        None => fields.extend([
            ("GzipRatio", Value::from(0)),
            ("OriginContentSize", Value::from(0)),
            ("OriginStatus", Value::from(0)),
        ]),
    }
    if facts.outcome != StickyOutcome::NotSticky {
        fields.push(("StickyOutcome", Value::from(facts.outcome.as_str())));
        if let Some(server) = &facts.server {
            fields.push(("StickyServer", Value::from(&*server.url)));
        }
    }
    fields
}

/// `Host` header (or URI authority), as the client sent it.
fn request_addr(ex: &Exchange) -> String {
    match &ex.host {
        Some(host) => String::from_utf8_lossy(host.as_bytes()).into_owned(),
        None => ex
            .uri
            .authority()
            .map(|a| a.to_string())
            .unwrap_or_default(),
    }
}

/// `RequestHost` and `RequestPort` (`-` without an explicit port).
fn split_host(ex: &Exchange) -> (String, String) {
    let addr = request_addr(ex);
    let (host, port) = match addr.rsplit_once(':') {
        Some((host, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => {
            (host.to_owned(), port.to_owned())
        }
        _ => (addr, "-".to_owned()),
    };
    (
        host.trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned(),
        port,
    )
}

fn request_path(settings: &Settings, ex: &Exchange) -> String {
    match (settings.drop_query, ex.uri.path_and_query()) {
        (false, Some(pq)) => pq.as_str().to_owned(),
        _ => ex.uri.path().to_owned(),
    }
}

/// All values of a header joined with `,`, as Traefik logs them.
fn joined(headers: &HeaderMap, name: &http::HeaderName) -> String {
    let values: Vec<String> = headers
        .get_all(name)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    values.join(",")
}

/// Go's canonical header form: `x-real-ip` → `X-Real-Ip`.
pub fn canonical(name: &str) -> String {
    let mut upper = true;
    name.chars()
        .map(|c| {
            let out = if upper {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            };
            upper = c == '-';
            out
        })
        .collect()
}

/// `json`: every field, keys sorted, with logrus' `level`, `msg` and `time`.
fn json(mut fields: Fields, start: SystemTime) -> String {
    let time = rfc3339_seconds(start);
    fields.put("level", Value::from("info"));
    fields.put("msg", Value::from(""));
    fields.put("time", Value::from(time));
    let mut line = crate::ops::api::go_json(&fields.0);
    line.push('\n');
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_in_go_form() {
        assert_eq!(canonical("x-real-ip"), "X-Real-Ip");
        assert_eq!(canonical("user-agent"), "User-Agent");
        assert_eq!(canonical("set-cookie"), "Set-Cookie");
    }
}
