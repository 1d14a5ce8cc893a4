//! `Set-Cookie` parsing and a browser-like cookie jar: it refuses what browsers refuse
//! (SameSite=None without Secure, Secure over http://, a Domain that does not cover the
//! host) and sends a cookie only where browsers would (Secure, Path, Domain).

/// One `Set-Cookie` header, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetCookie {
    pub name: String,
    pub value: String,
    pub path: Option<String>,
    pub domain: Option<String>,
    pub secure: bool,
    pub same_site: Option<String>,
    pub max_age: Option<i64>,
    /// The header as received.
    pub raw: String,
}

impl SetCookie {
    pub fn parse(raw: &str) -> Option<SetCookie> {
        let mut parts = raw.split(';');
        let (name, value) = parts.next()?.split_once('=')?;
        let mut cookie = SetCookie {
            name: name.trim().to_owned(),
            value: value.trim().to_owned(),
            path: None,
            domain: None,
            secure: false,
            same_site: None,
            max_age: None,
            raw: raw.to_owned(),
        };
        for attribute in parts {
            cookie.attribute(attribute.trim());
        }
        (!cookie.name.is_empty()).then_some(cookie)
    }

    fn attribute(&mut self, attribute: &str) {
        let (key, value) = attribute.split_once('=').unwrap_or((attribute, ""));
        let value = value.trim().to_owned();
        match key.trim().to_ascii_lowercase().as_str() {
            "path" => self.path = Some(value),
            "domain" => self.domain = Some(value.trim_start_matches('.').to_ascii_lowercase()),
            "secure" => self.secure = true,
            "samesite" => self.same_site = Some(value),
            "max-age" => self.max_age = value.parse().ok(),
            _ => {}
        }
    }

    pub fn same_site_none(&self) -> bool {
        self.same_site
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("none"))
    }

    /// Why a browser would refuse this cookie from `scheme://host/…`, if it would.
    pub fn rejection(&self, scheme: &str, host: &str) -> Option<String> {
        if self.same_site_none() && !self.secure {
            return Some("SameSite=None without Secure".to_owned());
        }
        if self.secure && scheme != "https" {
            return Some("Secure cookie set over plain http://".to_owned());
        }
        match &self.domain {
            Some(domain) if !domain_matches(host, domain) => {
                Some(format!("Domain={domain} does not cover host {host}"))
            }
            _ => None,
        }
    }
}

/// A stored cookie with its effective scope.
#[derive(Debug, Clone)]
struct Stored {
    cookie: SetCookie,
    path: String,
    /// The host that set it (host-only cookies are sent there only).
    origin_host: String,
}

/// The cookies a browser would keep.
#[derive(Debug, Default)]
pub struct Jar {
    cookies: Vec<Stored>,
}

impl Jar {
    /// Stores `cookie` received from `scheme://host/path` unless a browser would refuse it.
    pub fn store(&mut self, cookie: &SetCookie, scheme: &str, host: &str, path: &str) {
        if cookie.rejection(scheme, host).is_some() {
            return;
        }
        self.cookies.retain(|c| c.cookie.name != cookie.name);
        if cookie.max_age.is_some_and(|age| age <= 0) {
            return;
        }
        let path = match cookie.path.as_deref() {
            Some(p) if p.starts_with('/') => p.to_owned(),
            _ => default_path(path),
        };
        self.cookies.push(Stored {
            cookie: cookie.clone(),
            path,
            origin_host: host.to_ascii_lowercase(),
        });
    }

    /// The `Cookie` header for a request to `scheme://host/path`, if any cookie applies.
    pub fn header_for(&self, scheme: &str, host: &str, path: &str) -> Option<String> {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .filter(|c| sends(c, scheme, host, path))
            .map(|c| format!("{}={}", c.cookie.name, c.cookie.value))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }
}

fn sends(stored: &Stored, scheme: &str, host: &str, path: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let domain_ok = match &stored.cookie.domain {
        Some(domain) => domain_matches(&host, domain),
        None => host == stored.origin_host,
    };
    domain_ok && path_matches(path, &stored.path) && (!stored.cookie.secure || scheme == "https")
}

/// RFC 6265 default-path: the request path up to its last `/`, or `/`.
fn default_path(path: &str) -> String {
    match path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(index) => path[..index].to_owned(),
    }
}

/// RFC 6265 path-match.
pub fn path_matches(path: &str, cookie_path: &str) -> bool {
    path == cookie_path
        || path
            .strip_prefix(cookie_path)
            .is_some_and(|rest| cookie_path.ends_with('/') || rest.starts_with('/'))
}

/// RFC 6265 domain-match (`domain` lowercase, without leading dot).
pub fn domain_matches(host: &str, domain: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == domain || host.ends_with(&format!(".{domain}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_attributes_and_scopes_like_a_browser() {
        let cookie = SetCookie::parse("s=abc; Path=/api; Domain=.Example.com; HttpOnly").unwrap();
        assert_eq!(cookie.path.as_deref(), Some("/api"));
        assert_eq!(cookie.domain.as_deref(), Some("example.com"));
        let mut jar = Jar::default();
        jar.store(&cookie, "http", "app.example.com", "/api/x");
        assert_eq!(
            jar.header_for("http", "api.example.com", "/api/y")
                .as_deref(),
            Some("s=abc")
        );
        assert_eq!(jar.header_for("http", "app.example.com", "/"), None);
        let rejected = SetCookie::parse("t=1; SameSite=None").unwrap();
        jar.store(&rejected, "https", "app.example.com", "/");
        assert_eq!(
            jar.header_for("https", "app.example.com", "/api"),
            Some("s=abc".into())
        );
    }
}
