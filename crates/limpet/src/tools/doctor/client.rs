//! The doctor's HTTP client: HTTP/1.1 over plain TCP or TLS (public roots, plus `--cacert`)
//! with a browser-like cookie jar, following redirects by hand so every hop (and what it did
//! to the cookies) is seen.

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use http::{Request, Uri};
use http_body_util::{BodyExt, Empty};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use sha2::{Digest, Sha256};

use super::cookie::{Jar, SetCookie};
use super::DoctorError;

const MAX_REDIRECTS: usize = 5;

/// One request and its response.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub url: String,
    /// The `Cookie` header sent, if any.
    pub sent_cookie: Option<String>,
    pub status: u16,
    pub set_cookies: Vec<SetCookie>,
    pub location: Option<String>,
    /// The `--served-by` header's value.
    pub served_by: Option<String>,
    /// sha256 of the body, 16 hex digits (identity when there is no served-by header).
    pub body_hash: String,
}

/// A client bound to one `Host` override and served-by header.
pub struct Browser {
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    host: Option<String>,
    served_by: String,
    pub jar: Jar,
}

impl Browser {
    /// `ca_file`: extra PEM certificates to trust for `https://` (like curl's `--cacert`).
    pub fn new(
        host: Option<String>,
        served_by: String,
        ca_file: Option<&Path>,
    ) -> Result<Browser, DoctorError> {
        Ok(Browser {
            client: Client::builder(TokioExecutor::new()).build(connector(ca_file)?),
            host,
            served_by,
            jar: Jar::default(),
        })
    }

    /// GETs `url`, following redirects; one exchange per hop.
    pub async fn visit(&mut self, url: &str) -> Result<Vec<Exchange>, DoctorError> {
        let mut hops = Vec::new();
        let mut next = url.to_owned();
        for _ in 0..=MAX_REDIRECTS {
            let exchange = self.get(&next).await?;
            let location = exchange.location.clone();
            hops.push(exchange);
            match location.filter(|_| is_redirect(hops.last())) {
                Some(location) => next = resolve(&next, &location),
                None => break,
            }
        }
        Ok(hops)
    }

    async fn get(&mut self, url: &str) -> Result<Exchange, DoctorError> {
        let uri: Uri = url.parse().map_err(|_| DoctorError::Url(url.to_owned()))?;
        let scheme = match uri.scheme_str() {
            Some("http") => "http",
            Some("https") => "https",
            _ => return Err(DoctorError::Scheme(url.to_owned())),
        };
        let (host, path) = (self.host_of(&uri), uri.path().to_owned());
        let sent_cookie = self.jar.header_for(scheme, &host, &path);
        let request = self.request(&uri, sent_cookie.as_deref())?;
        let connect_error = |e: &(dyn std::error::Error + 'static)| {
            DoctorError::Connect(url.to_owned(), with_causes(e))
        };
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| connect_error(&e))?;
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|e| connect_error(&e))?
            .to_bytes();
        let set_cookies = set_cookies(&parts.headers);
        for cookie in &set_cookies {
            self.jar.store(cookie, scheme, &host, &path);
        }
        Ok(Exchange {
            url: url.to_owned(),
            sent_cookie,
            status: parts.status.as_u16(),
            location: header(&parts.headers, "location"),
            served_by: header(&parts.headers, &self.served_by),
            body_hash: hex::encode(Sha256::digest(&body))[..16].to_owned(),
            set_cookies,
        })
    }

    /// GET with the `Host` a browser would send (or `--host`) and the jar's cookies.
    fn request(
        &self,
        uri: &Uri,
        cookie: Option<&str>,
    ) -> Result<Request<Empty<Bytes>>, DoctorError> {
        let host = match (&self.host, uri.authority()) {
            (Some(host), _) => host.clone(),
            (_, authority) => authority.map(ToString::to_string).unwrap_or_default(),
        };
        let mut request = Request::get(uri.clone()).header("host", host);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request
            .body(Empty::new())
            .map_err(|e| DoctorError::Request(e.to_string()))
    }

    /// The host cookies are scoped to: `--host`, else the URL's host.
    pub fn host_of(&self, uri: &Uri) -> String {
        let host = self.host.clone().or_else(|| uri.host().map(str::to_owned));
        let host = host.unwrap_or_default();
        host.split(':')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase()
    }
}

/// HTTP and HTTPS: Mozilla's roots (bundled, so it works offline) and `ca_file`'s.
fn connector(ca_file: Option<&Path>) -> Result<HttpsConnector<HttpConnector>, DoctorError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = ca_file {
        let tls_error = |e: &dyn std::fmt::Display| {
            DoctorError::Tls(format!("--cacert {}: {e}", path.display()))
        };
        for cert in CertificateDer::pem_file_iter(path).map_err(|e| tls_error(&e))? {
            roots
                .add(cert.map_err(|e| tls_error(&e))?)
                .map_err(|e| tls_error(&e))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| DoctorError::Tls(e.to_string()))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .build())
}

/// The error and its causes: hyper's "client error (Connect)" alone does not say that the
/// certificate was refused, or why.
fn with_causes(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text = format!("{text}: {inner_text}");
        }
        cause = inner.source();
    }
    text
}

fn header(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn set_cookies(headers: &http::HeaderMap) -> Vec<SetCookie> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(SetCookie::parse)
        .collect()
}

fn is_redirect(exchange: Option<&Exchange>) -> bool {
    exchange.is_some_and(|e| (300..400).contains(&e.status))
}

/// A `Location` resolved against the URL it came from (absolute or absolute-path).
pub fn resolve(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_owned();
    }
    let Ok(uri) = base.parse::<Uri>() else {
        return location.to_owned();
    };
    let authority = uri.authority().map(|a| a.as_str()).unwrap_or_default();
    let scheme = uri.scheme_str().unwrap_or("http");
    format!("{scheme}://{authority}{location}")
}
