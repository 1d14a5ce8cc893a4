//! `dashboard@internal`: a small single-page dashboard embedded in the binary (no CDN, works
//! offline). `/` redirects to `/dashboard/` and the `/dashboard` prefix is stripped, as
//! Traefik's `dashboard_redirect` and `dashboard_stripprefix` middlewares do.

use bytes::Bytes;
use http::header::{HeaderValue, CACHE_CONTROL, CONTENT_TYPE, HOST, LOCATION};
use http::{Request, Response, StatusCode};

use crate::data::responses::{self, ProxyBody};
use crate::ops::internal::Internals;

const INDEX: &str = include_str!("dashboard/index.html");
const SCRIPT: &str = include_str!("dashboard/app.js");
const STYLE: &str = include_str!("dashboard/app.css");
const ICON: &str = include_str!("dashboard/icon.svg");

/// Answers a request routed to the dashboard.
pub fn handle<B>(internals: &Internals, req: &Request<B>) -> Response<ProxyBody> {
    let base = internals
        .api
        .as_ref()
        .map_or("", |api| api.base_path.trim_end_matches('/'));
    let Some(path) = req.uri().path().strip_prefix(base) else {
        return responses::not_found();
    };
    if path.is_empty() || path == "/" {
        return redirect(req, &format!("{base}/dashboard/"));
    }
    let asset = path
        .strip_prefix("/dashboard/")
        .or_else(|| path.strip_prefix("/dashboard"));
    match asset {
        Some("" | "index.html") => asset_response(INDEX, "text/html; charset=utf-8"),
        Some("app.js") => asset_response(SCRIPT, "text/javascript; charset=utf-8"),
        Some("app.css") => asset_response(STYLE, "text/css; charset=utf-8"),
        Some("icon.svg" | "favicon.ico") => asset_response(ICON, "image/svg+xml"),
        _ => responses::not_found(),
    }
}

/// `301` to `location` on the same host, as the redirect middleware answers.
fn redirect<B>(req: &Request<B>, location: &str) -> Response<ProxyBody> {
    let host = req
        .headers()
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let target = format!("http://{host}{location}");
    let mut response = responses::plain(
        StatusCode::MOVED_PERMANENTLY,
        Bytes::from_static(b"Moved Permanently"),
    );
    if let Ok(value) = HeaderValue::from_str(&target) {
        response.headers_mut().insert(LOCATION, value);
    }
    response
}

fn asset_response(body: &'static str, content_type: &'static str) -> Response<ProxyBody> {
    let mut response = responses::plain(StatusCode::OK, Bytes::from_static(body.as_bytes()));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}
