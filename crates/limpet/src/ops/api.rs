//! The API (`api@internal`): Traefik's endpoints with Traefik's JSON, plus limpet's own
//! under `/api/limpet/` (sticky outcomes, pinned sessions, drain state, findings).
//!
//! Every answer is built from one snapshot. Traefik's endpoints are GET-only (anything else
//! is `405`); the one write, changing a server's drain state, needs `api.allowWrites` and a
//! request that arrived on the API's own entrypoint.

pub mod extras;
mod listing;
mod overview;
pub mod views;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use hyper::body::Incoming;
use limpet_config::static_config::INTERNAL_ENTRY_POINT;
use serde::Serialize;

use crate::data::proxy::ConnInfo;
use crate::data::responses::{self, ProxyBody};
use crate::data::snapshot::RuntimeSnapshot;
use crate::ops::internal::View;
use listing::Query;
use views::Source;

const JSON: HeaderValue = HeaderValue::from_static("application/json");

/// Answers one API request.
pub async fn handle(
    shared: &View<'_>,
    conn: &ConnInfo,
    req: Request<Incoming>,
) -> Response<ProxyBody> {
    let Some(path) = api_path(shared, req.uri().path()) else {
        return responses::not_found();
    };
    let segments: Vec<String> = path.split('/').map(unescape).collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    if req.method() == Method::PUT {
        return extras::write(shared, conn, &segments, req).await;
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return empty(StatusCode::METHOD_NOT_ALLOWED);
    }
    let snapshot = shared.snapshot.load_full();
    let query = Query::parse(req.uri().query());
    let ctx = Ctx {
        shared,
        snapshot: &snapshot,
        query: &query,
    };
    ctx.get(&segments)
}

/// Whether writes are allowed for a request on `conn`: `api.allowWrites` and the request
/// came in on the API's own entrypoint (never through a user router on a public one).
pub fn writes_allowed(shared: &View<'_>, conn: &ConnInfo) -> bool {
    let allowed = shared
        .internals
        .api
        .as_ref()
        .is_some_and(|api| api.allow_writes);
    allowed && &*conn.entry_point == INTERNAL_ENTRY_POINT
}

/// The path after `{basePath}/api/`, if the request is for the API.
fn api_path<'p>(shared: &View<'_>, path: &'p str) -> Option<&'p str> {
    let base = shared
        .internals
        .api
        .as_ref()
        .map_or("/", |api| api.base_path.as_str());
    let rest = path.strip_prefix(base.trim_end_matches('/'))?;
    rest.strip_prefix("/api/")
}

fn unescape(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

struct Ctx<'a> {
    shared: &'a View<'a>,
    snapshot: &'a RuntimeSnapshot,
    query: &'a Query,
}

impl Ctx<'_> {
    fn source(&self) -> Source<'_> {
        Source {
            snapshot: self.snapshot,
            entry_points: &self.shared.internals.entry_point_set,
            servers: &self.shared.servers,
        }
    }

    fn get(&self, segments: &[&str]) -> Response<ProxyBody> {
        match segments {
            ["rawdata"] => json(&overview::rawdata(&self.source())),
            ["overview"] => json(&overview::overview(self.shared, &self.source())),
            ["version"] => overview::version(self.shared.internals),
            ["http", _, ""] | ["entrypoints", ""] => responses::not_found(),
            ["entrypoints"] => self.list(overview::entry_points(self.shared.internals)),
            ["entrypoints", name] => overview::entry_point(self.shared.internals, name)
                .map_or_else(|| not_found("entry point", name), |ep| json(&ep)),
            ["http", "routers"] => self.list(listing::routers(self.query, self.source().routers())),
            ["http", "routers", name] => self.one("router", name, self.source().routers()),
            ["http", "services"] => {
                self.list(listing::services(self.query, self.source().services()))
            }
            ["http", "services", name] => self.one("service", name, self.source().services()),
            ["http", "middlewares"] => self.list(listing::middlewares(
                self.query,
                self.source().middlewares(),
            )),
            ["http", "middlewares", name] => {
                self.one("middleware", name, self.source().middlewares())
            }
            ["tcp", "routers" | "services" | "middlewares"] | ["udp", "routers" | "services"] => {
                self.list(Vec::<()>::new())
            }
            ["limpet", rest @ ..] => extras::get(self.shared, self.snapshot, rest),
            _ => responses::not_found(),
        }
    }

    /// One page of `items` with `X-Next-Page`, or Traefik's 400.
    fn list<T: Serialize>(&self, items: Vec<T>) -> Response<ProxyBody> {
        match listing::page(self.query, items.len()) {
            Ok(page) => {
                let mut response = json(&items[page.start..page.end]);
                let next = HeaderValue::from(page.next);
                response.headers_mut().insert("x-next-page", next);
                response
            }
            Err(message) => error(StatusCode::BAD_REQUEST, &message.to_string()),
        }
    }

    /// The element named `name`, or `{"message":"<kind> not found: <name>"}`.
    fn one<T: Serialize + Named>(
        &self,
        kind: &str,
        name: &str,
        items: Vec<T>,
    ) -> Response<ProxyBody> {
        match items.into_iter().find(|item| item.name() == name) {
            Some(item) => json(&item),
            None => not_found(kind, name),
        }
    }
}

/// Elements that answer to a qualified name.
trait Named {
    fn name(&self) -> &str;
}

impl Named for views::RouterView {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for views::ServiceView {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for views::MiddlewareView {
    fn name(&self) -> &str {
        &self.name
    }
}

fn not_found(kind: &str, name: &str) -> Response<ProxyBody> {
    error(StatusCode::NOT_FOUND, &format!("{kind} not found: {name}"))
}

/// Traefik writes API errors with Go's `http.Error`: JSON text, but `text/plain`.
pub fn error(status: StatusCode, message: &str) -> Response<ProxyBody> {
    let body = serde_json::json!({ "message": message });
    let text = format!("{}\n", go_json(&body));
    let mut response = responses::go_http_error(status, "");
    *response.body_mut() =
        http_body_util::Either::Right(http_body_util::Full::new(Bytes::from(text)));
    response
}

/// `value` as Go's `json.Encoder` writes it (HTML-escaped, newline-terminated).
pub fn json<T: Serialize + ?Sized>(value: &T) -> Response<ProxyBody> {
    let text = format!("{}\n", go_json(value));
    let mut response = responses::plain(StatusCode::OK, Bytes::from(text));
    response.headers_mut().insert(CONTENT_TYPE, JSON);
    response
}

/// Serialises like Go's `encoding/json`: `<`, `>`, `&`, U+2028 and U+2029 are escaped.
/// They can only occur inside strings, so replacing them in the output is exact.
pub fn go_json<T: Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "null".to_owned());
    if !text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return text;
    }
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A status with no body and no headers (Traefik's 405).
pub fn empty(status: StatusCode) -> Response<ProxyBody> {
    responses::plain(status, Bytes::new())
}
