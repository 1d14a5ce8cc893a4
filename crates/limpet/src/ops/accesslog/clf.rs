//! `common` and `genericCLF` lines written straight from the exchange into the writer's
//! buffer (no intermediate map): the format the access log is mostly used with, so the
//! one kept cheap.

use std::fmt::Write as _;
use std::time::{SystemTime, UNIX_EPOCH};

use http::HeaderMap;

use super::clf_time;
use super::settings::{Mode, Settings};
use crate::ops::observe::Exchange;

/// The CLF timestamp of the last second seen (it changes once a second).
#[derive(Default)]
pub struct TimeCache {
    second: u64,
    text: String,
}

impl TimeCache {
    fn get(&mut self, at: SystemTime) -> &str {
        let second = at.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        if second != self.second || self.text.is_empty() {
            self.second = second;
            self.text = clf_time(at);
        }
        &self.text
    }
}

/// Appends the line of `ex` (`with_tail`: Traefik's count, router, server URL and duration).
pub fn write(
    out: &mut String,
    settings: &Settings,
    ex: &Exchange,
    count: u64,
    with_tail: bool,
    times: &mut TimeCache,
) {
    let facts = &ex.facts;
    let field = |name: &str, value: &dyn std::fmt::Display| -> String {
        match settings.field(name) {
            Mode::Keep => value.to_string(),
            Mode::Drop => "-".to_owned(),
            Mode::Redact => "REDACTED".to_owned(),
        }
    };
    let path = match (settings.drop_query, ex.uri.path_and_query()) {
        (false, Some(pq)) => pq.as_str(),
        _ => ex.uri.path(),
    };
    let _ = write!(
        out,
        "{} - {} [{}] \"{} {} {:?}\" {} {} \"{}\" \"{}\"",
        field("ClientHost", &ex.client_host()),
        field("ClientUsername", &"-"),
        times.get(ex.start),
        field("RequestMethod", &ex.method),
        escaped(&field("RequestPath", &path)),
        ex.version,
        field("DownstreamStatus", &ex.status),
        field("DownstreamContentSize", &ex.bytes),
        escaped(&header(settings, ex.request_headers.as_ref(), "referer")),
        escaped(&header(settings, ex.request_headers.as_ref(), "user-agent")),
    );
    if with_tail {
        let router = facts.router.as_deref().unwrap_or("-");
        let server = facts.server.as_ref().map_or("-", |s| &*s.url);
        let _ = write!(
            out,
            " {} \"{}\" \"{}\" {}ms",
            field("RequestCount", &count),
            escaped(&field("RouterName", &router)),
            escaped(&field("ServiceURL", &server)),
            ex.duration.as_millis(),
        );
    }
    out.push('\n');
}

/// A request header as CLF shows it (`-` unless kept or redacted).
fn header(settings: &Settings, headers: Option<&HeaderMap>, name: &str) -> String {
    let value = headers
        .and_then(|h| h.get(name))
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    match (settings.header(name), value) {
        (Mode::Drop, _) | (_, None) => "-".to_owned(),
        (Mode::Redact, Some(_)) => "REDACTED".to_owned(),
        (Mode::Keep, Some(value)) => value,
    }
}

/// Quotes inside a quoted CLF value are escaped, as Traefik does.
fn escaped(value: &str) -> std::borrow::Cow<'_, str> {
    if value.contains(['"', '\\']) {
        value.replace('\\', "\\\\").replace('"', "\\\"").into()
    } else {
        value.into()
    }
}
