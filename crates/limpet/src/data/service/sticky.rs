//! Traefik's affinity cookies: the pin read, `Set-Cookie` written (docs/traefik.md#1-sticky-cookies).
//!
//! A target's value is `hex(sha256(key))[..16]` where the key is the server URL (or weighted
//! child name) exactly as written. Compatibility values — the raw key, `fnv1_64(key)` and
//! `fnv1_64(fnv1_64(key))` in unpadded hex — are honoured and rewritten. Set-Cookie headers
//! are rendered once per configuration, so a pick costs a reference-count increment.

use std::collections::HashMap;

use http::header::COOKIE;
use http::{HeaderMap, HeaderValue};
use limpet_config::model::{CookieModel, SameSite};
use sha2::{Digest, Sha256};

/// Where an affinity cookie points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    /// The current value of target `index`.
    Current(usize),
    /// A compatibility value of target `index`: honoured, then rewritten.
    Compat(usize),
}

impl Pin {
    pub fn index(self) -> usize {
        match self {
            Pin::Current(i) | Pin::Compat(i) => i,
        }
    }
}

/// The affinity cookie of one service, with its targets' values precomputed.
#[derive(Debug)]
pub struct Sticky {
    name: Box<str>,
    current: HashMap<Box<str>, usize>,
    compat: HashMap<Box<str>, usize>,
    set_cookie: Vec<HeaderValue>,
}

impl Sticky {
    /// A cookie over targets identified by `keys` (server URLs or child names as written).
    pub fn new<'a>(cookie: &CookieModel, keys: impl IntoIterator<Item = &'a str>) -> Sticky {
        Sticky::with_aliases(cookie, keys.into_iter().map(|key| (key, None)))
    }

    /// Like [`Sticky::new`], where a target may also answer to an alias key (a server with a
    /// stable `id` keeps accepting the values derived from its URL).
    pub fn with_aliases<'a>(
        cookie: &CookieModel,
        targets: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    ) -> Sticky {
        let mut sticky = Sticky {
            name: cookie.name.as_str().into(),
            current: HashMap::new(),
            compat: HashMap::new(),
            set_cookie: Vec::new(),
        };
        for (index, (key, alias)) in targets.into_iter().enumerate() {
            sticky.add_target(cookie, index, key, alias);
        }
        sticky
    }

    fn add_target(&mut self, cookie: &CookieModel, index: usize, key: &str, alias: Option<&str>) {
        let value = cookie_value(key);
        self.add_compat(index, key);
        if let Some(alias) = alias {
            self.compat
                .entry(cookie_value(alias).into())
                .or_insert(index);
            self.add_compat(index, alias);
        }
        self.set_cookie.push(render_set_cookie(cookie, &value));
        self.current.entry(value.into()).or_insert(index);
    }

    fn add_compat(&mut self, index: usize, key: &str) {
        for compat in [key.to_owned(), fnv1_hex(key), fnv1_hex(&fnv1_hex(key))] {
            self.compat.entry(compat.into()).or_insert(index);
        }
    }

    /// Looks a carried value up: current value, compatibility value, or unknown.
    pub fn pin_value(&self, value: &str) -> Option<Pin> {
        if let Some(&index) = self.current.get(value) {
            return Some(Pin::Current(index));
        }
        self.compat.get(value).map(|&index| Pin::Compat(index))
    }

    /// The cookie's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pin carried by the request, if its cookie names a known target.
    pub fn pin(&self, headers: &HeaderMap) -> Option<Pin> {
        self.pin_value(request_cookie(headers, &self.name)?)
    }

    /// The `Set-Cookie` header pinning a client to target `index`.
    pub fn set_cookie(&self, index: usize) -> Option<&HeaderValue> {
        self.set_cookie.get(index)
    }
}

/// `hex(sha256(key))[..16]`, Traefik's cookie value for a target.
pub fn cookie_value(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    hex::encode(&digest[..8])
}

/// FNV-1 (not 1a) 64-bit in lowercase hex without padding, as Go's `strconv.FormatUint(h, 16)`.
pub fn fnv1_hex(input: &str) -> String {
    let hash = input.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        hash.wrapping_mul(0x0000_0100_0000_01b3) ^ u64::from(byte)
    });
    format!("{hash:x}")
}

/// The value of the first valid cookie named `name`, as Go's `Request.Cookie`: pairs split on
/// `;`, trimmed; one pair of surrounding double quotes stripped; invalid values skipped.
pub fn request_cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|line| line.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(key, _)| *key == name)
        .find_map(|(_, value)| cookie_value_of(value))
}

fn cookie_value_of(raw: &str) -> Option<&str> {
    let value = raw
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(raw);
    value.bytes().all(valid_cookie_value_byte).then_some(value)
}

fn valid_cookie_value_byte(b: u8) -> bool {
    (0x20..0x7f).contains(&b) && b != b'"' && b != b';' && b != b'\\'
}

/// `name=value; Path=…; Domain=…; Max-Age=…; HttpOnly; Secure; SameSite=…` in Go's order.
pub fn render_set_cookie(cookie: &CookieModel, value: &str) -> HeaderValue {
    let out = format!("{}={}{}", cookie.name, value, cookie_attributes(cookie));
    HeaderValue::from_str(&out)
        .unwrap_or_else(|_| HeaderValue::from_static("invalid-cookie=; Max-Age=0"))
}

/// Everything after `name=value`: `; Path=…; Domain=…; Max-Age=…; HttpOnly; Secure; SameSite=…`.
pub fn cookie_attributes(cookie: &CookieModel) -> String {
    let mut out = String::new();
    if let Some(path) = cookie.path.as_deref().filter(|p| !p.is_empty()) {
        out.push_str("; Path=");
        out.extend(path.chars().filter(|&c| c != ';' && !c.is_control()));
    }
    if let Some(domain) = cookie.domain.as_deref().filter(|d| !d.is_empty()) {
        out.push_str("; Domain=");
        out.push_str(domain.strip_prefix('.').unwrap_or(domain));
    }
    push_max_age(&mut out, cookie.max_age);
    push_flags(&mut out, cookie);
    out
}

fn push_max_age(out: &mut String, max_age: i64) {
    match max_age {
        0 => {}
        n if n < 0 => out.push_str("; Max-Age=0"),
        n => out.push_str(&format!("; Max-Age={n}")),
    }
}

fn push_flags(out: &mut String, cookie: &CookieModel) {
    if cookie.http_only {
        out.push_str("; HttpOnly");
    }
    if cookie.secure {
        out.push_str("; Secure");
    }
    match cookie.same_site {
        Some(SameSite::None) => out.push_str("; SameSite=None"),
        Some(SameSite::Lax) => out.push_str("; SameSite=Lax"),
        Some(SameSite::Strict) => out.push_str("; SameSite=Strict"),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cookie(name: &str) -> CookieModel {
        CookieModel {
            name: name.into(),
            secure: false,
            http_only: false,
            same_site: None,
            max_age: 0,
            path: Some("/".into()),
            domain: None,
        }
    }

    fn headers(cookie_lines: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for line in cookie_lines {
            h.append(COOKIE, HeaderValue::from_static(line));
        }
        h
    }

    #[test]
    fn values_match_traefik() {
        assert_eq!(cookie_value("http://127.0.0.1:9001"), "b52e7b55edbbb02e");
        assert_eq!(cookie_value("http://127.0.0.1:9002/"), "ee9d32b70410e7e7");
        assert_eq!(cookie_value("whoami1"), "8dfb3926c09f6a70");
        assert_eq!(fnv1_hex("http://127.0.0.1:9002"), "6332e82f448a3f0d");
        assert_eq!(
            fnv1_hex(&fnv1_hex("http://127.0.0.1:9002")),
            "ad31e66993bac776"
        );
    }

    #[test]
    fn pins_current_and_compat_values() {
        let sticky = Sticky::new(
            &cookie("c"),
            ["http://127.0.0.1:9001", "http://127.0.0.1:9002"],
        );
        assert_eq!(
            sticky.pin(&headers(&["c=11d6e234bea9522d"])),
            Some(Pin::Current(1))
        );
        assert_eq!(
            sticky.pin(&headers(&["c=http://127.0.0.1:9002"])),
            Some(Pin::Compat(1))
        );
        assert_eq!(
            sticky.pin(&headers(&["c=6332e82f448a3f0d"])),
            Some(Pin::Compat(1))
        );
        assert_eq!(
            sticky.pin(&headers(&["c=ad31e66993bac776"])),
            Some(Pin::Compat(1))
        );
        assert_eq!(sticky.pin(&headers(&["c=739222d51d0eb200"])), None);
    }

    #[test]
    fn first_cookie_wins_and_quotes_are_stripped() {
        let h = headers(&["x=1; c=zzz; c=11d6e234bea9522d"]);
        assert_eq!(request_cookie(&h, "c"), Some("zzz"));
        let h = headers(&["c=\"11d6e234bea9522d\""]);
        assert_eq!(request_cookie(&h, "c"), Some("11d6e234bea9522d"));
        let h = headers(&["c=a\\b", "c=ok"]);
        assert_eq!(request_cookie(&h, "c"), Some("ok"));
    }

    #[test]
    fn set_cookie_attributes_in_go_order() {
        let mut c = cookie("my_Sticky_Cookie");
        c.path = Some("/app".into());
        c.domain = Some("example.com".into());
        c.max_age = 3600;
        c.http_only = true;
        c.secure = true;
        c.same_site = Some(SameSite::Lax);
        assert_eq!(
            render_set_cookie(&c, "b52e7b55edbbb02e"),
            "my_Sticky_Cookie=b52e7b55edbbb02e; Path=/app; Domain=example.com; Max-Age=3600; HttpOnly; Secure; SameSite=Lax"
        );
        let mut c = cookie("c1");
        c.path = None;
        c.max_age = -1;
        c.same_site = Some(SameSite::None);
        assert_eq!(
            render_set_cookie(&c, "b52e7b55edbbb02e"),
            "c1=b52e7b55edbbb02e; Max-Age=0; SameSite=None"
        );
    }
}
