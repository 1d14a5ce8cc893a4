//! Test helpers: build a request view from a URL the way limpet's entrypoint does.
#![allow(dead_code)]

use std::net::IpAddr;

use http::{HeaderMap, HeaderName, HeaderValue, Method};
use limpet_rule::{canonical_host, routing_path, Request, Rule};

/// An owned request; `view()` gives the borrowed form rules match against.
pub struct TestRequest {
    pub host: String,
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub client_ip: Option<IpAddr>,
}

impl TestRequest {
    /// `scheme://authority/path?query` (path and query optional).
    pub fn get(url: &str) -> TestRequest {
        let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
        let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, target) = rest.split_at(authority_end);
        let (raw_path, query) = match target.split_once('?') {
            Some((path, query)) => (path, Some(query.to_owned())),
            None => (target, None),
        };
        let raw_path = if raw_path.is_empty() { "/" } else { raw_path };
        TestRequest {
            host: canonical_host(authority).into_owned(),
            method: Method::GET,
            path: routing_path(raw_path).into_owned(),
            query,
            headers: HeaderMap::new(),
            client_ip: None,
        }
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = Method::from_bytes(method.as_bytes()).expect("valid method");
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).expect("valid header name");
        self.headers.append(
            name,
            HeaderValue::from_str(value).expect("valid header value"),
        );
        self
    }

    pub fn client_ip(mut self, ip: &str) -> Self {
        self.client_ip = ip.parse().ok();
        self
    }

    pub fn view(&self) -> Request<'_> {
        Request {
            host: &self.host,
            method: &self.method,
            path: &self.path,
            query: self.query.as_deref(),
            headers: &self.headers,
            client_ip: self.client_ip,
        }
    }
}

pub fn rule(text: &str) -> Rule {
    Rule::parse(text).unwrap_or_else(|e| panic!("rule {text:?} should parse: {e}"))
}

/// Asserts each `(request, expected)` of a table for one rule.
pub fn assert_table(rule_text: &str, cases: &[(TestRequest, bool)]) {
    let rule = rule(rule_text);
    for (request, expected) in cases {
        assert_eq!(
            rule.matches(&request.view()),
            *expected,
            "rule {rule_text} on host={:?} path={:?} query={:?} method={} headers={:?} ip={:?}",
            request.host,
            request.path,
            request.query,
            request.method,
            request.headers,
            request.client_ip
        );
    }
}

/// Asserts `(url, expected)` pairs for one rule with GET requests.
pub fn assert_urls(rule_text: &str, cases: &[(&str, bool)]) {
    let table: Vec<(TestRequest, bool)> = cases
        .iter()
        .map(|(url, ok)| (TestRequest::get(url), *ok))
        .collect();
    assert_table(rule_text, &table);
}

pub fn assert_rejected(rule_text: &str) {
    assert!(
        Rule::parse(rule_text).is_err(),
        "rule {rule_text:?} should be rejected"
    );
}
