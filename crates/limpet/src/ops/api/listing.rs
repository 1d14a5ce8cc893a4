//! List endpoints: Traefik's search criterion, sorting and pagination (`criterion.go`,
//! `sort.go`): `search`, `status`, `serviceName`, `middlewareName`, `sortBy`, `direction`,
//! `page`, `per_page`, and the `X-Next-Page` header.

use std::collections::HashMap;

use super::views::{MiddlewareView, RouterView, ServiceView};

const DEFAULT_PER_PAGE: usize = 100;

/// The query parameters of a list request (the first value of a repeated key, as Go's
/// `url.Values.Get`).
#[derive(Debug, Default)]
pub struct Query(HashMap<String, String>);

impl Query {
    pub fn parse(query: Option<&str>) -> Query {
        let mut values = HashMap::new();
        for (key, value) in form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
            values.entry(key.into_owned()).or_insert(value.into_owned());
        }
        Query(values)
    }

    fn get(&self, key: &str) -> &str {
        self.0.get(key).map_or("", String::as_str)
    }

    fn matches_status(&self, status: &str) -> bool {
        let wanted = self.get("status");
        wanted.is_empty() || wanted.eq_ignore_ascii_case(status)
    }

    fn matches_search(&self, values: &[&str]) -> bool {
        let search = self.get("search").to_lowercase();
        search.is_empty() || values.iter().any(|v| v.to_lowercase().contains(&search))
    }

    /// `serviceName`: compared whole when the router's service is qualified, else by the
    /// part before `@`.
    fn matches_service(&self, service: &str) -> bool {
        let wanted = self.get("serviceName");
        if wanted.is_empty() {
            return true;
        }
        if service.contains('@') {
            return wanted == service;
        }
        wanted.split('@').next() == Some(service)
    }

    fn matches_middleware(&self, middlewares: &[String]) -> bool {
        let wanted = self.get("middlewareName");
        wanted.is_empty() || middlewares.iter().any(|m| m == wanted)
    }

    /// Anything but `asc` (the default) sorts descending, as in Traefik.
    fn ascending(&self) -> bool {
        matches!(self.get("direction"), "" | "asc")
    }
}

/// Routers kept by the criterion, sorted.
pub fn routers(query: &Query, mut routers: Vec<RouterView>) -> Vec<RouterView> {
    routers.retain(|r| {
        let config = &r.info.config;
        query.matches_status(r.info.status)
            && query.matches_search(&[&config.rule, &r.name])
            && query.matches_service(&config.service)
            && query.matches_middleware(&config.middlewares)
    });
    let key = |r: &RouterView| -> SortKey {
        let config = &r.info.config;
        match query.get("sortBy") {
            "provider" => SortKey::Text(r.provider.clone()),
            "priority" => SortKey::Number(config.priority),
            "status" => SortKey::Text(r.info.status.to_owned()),
            "rule" => SortKey::Text(config.rule.clone()),
            "service" => SortKey::Text(config.service.clone()),
            "entryPoints" => SortKey::Number(config.entry_points.len() as i64),
            _ => SortKey::Name,
        }
    };
    sort(&mut routers, query.ascending(), key, |r| &r.name);
    routers
}

/// Services kept by the criterion (status and search on the name), sorted.
pub fn services(query: &Query, mut services: Vec<ServiceView>) -> Vec<ServiceView> {
    services.retain(|s| query.matches_status(s.info.status) && query.matches_search(&[&s.name]));
    let key = |s: &ServiceView| -> SortKey {
        match query.get("sortBy") {
            "type" => SortKey::Text(s.kind.clone()),
            "servers" => SortKey::Number(server_count(s)),
            "provider" => SortKey::Text(s.provider.clone()),
            "status" => SortKey::Text(s.info.status.to_owned()),
            _ => SortKey::Name,
        }
    };
    sort(&mut services, query.ascending(), key, |s| &s.name);
    services
}

fn server_count(service: &ServiceView) -> i64 {
    let servers = service.info.config.load_balancer.as_ref();
    servers.map_or(0, |lb| lb.servers.len() as i64)
}

/// Middlewares kept by the criterion (status and search on the name), sorted.
pub fn middlewares(query: &Query, mut middlewares: Vec<MiddlewareView>) -> Vec<MiddlewareView> {
    middlewares.retain(|m| query.matches_status(m.info.status) && query.matches_search(&[&m.name]));
    let key = |m: &MiddlewareView| -> SortKey {
        match query.get("sortBy") {
            "type" => SortKey::Text(m.kind.clone()),
            "provider" => SortKey::Text(m.provider.clone()),
            "status" => SortKey::Text(m.info.status.to_owned()),
            _ => SortKey::Name,
        }
    };
    sort(&mut middlewares, query.ascending(), key, |m| &m.name);
    middlewares
}

/// What a list is sorted by; ties are broken by name in the same direction.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Name,
    Text(String),
    Number(i64),
}

fn sort<T>(
    items: &mut [T],
    ascending: bool,
    key: impl Fn(&T) -> SortKey,
    name: impl Fn(&T) -> &str,
) {
    items.sort_by(|a, b| {
        let order = key(a).cmp(&key(b)).then_with(|| name(a).cmp(name(b)));
        if ascending {
            order
        } else {
            order.reverse()
        }
    });
}

/// One page of a list and the `X-Next-Page` value.
#[derive(Debug, PartialEq, Eq)]
pub struct Page {
    pub start: usize,
    pub end: usize,
    pub next: usize,
}

/// A page that cannot be served; Display is Traefik's 400 message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// `page` or `per_page` is not a positive integer (Traefik shows a bad value as 0).
    #[error("invalid request: {key}: {value}")]
    Param { key: &'static str, value: i64 },
    /// The page starts after the last item.
    #[error("invalid request: page: {page}, per_page: {per_page}")]
    Beyond { page: usize, per_page: usize },
}

/// The page asked for among `total` items, or why it cannot be served.
pub fn page(query: &Query, total: usize) -> Result<Page, PageError> {
    let per_page = int_param(query, "per_page", DEFAULT_PER_PAGE)?;
    let page = int_param(query, "page", 1)?;
    let start = (page - 1).saturating_mul(per_page);
    if start != 0 && start >= total {
        return Err(PageError::Beyond { page, per_page });
    }
    let next = if page.saturating_mul(per_page) < total {
        page + 1
    } else {
        1
    };
    Ok(Page {
        start,
        end: start.saturating_add(per_page).min(total),
        next,
    })
}

/// A positive integer parameter; Traefik reports a bad value as 0 (Go's failed `Atoi`).
fn int_param(query: &Query, key: &'static str, default: usize) -> Result<usize, PageError> {
    let raw = query.get(key);
    if raw.is_empty() {
        return Ok(default);
    }
    match raw.parse::<i64>() {
        Ok(value) if value > 0 => usize::try_from(value).map_err(|_| invalid(key, value)),
        Ok(value) => Err(invalid(key, value)),
        Err(_) => Err(invalid(key, 0)),
    }
}

fn invalid(key: &'static str, value: i64) -> PageError {
    PageError::Param { key, value }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_like_traefik() {
        let q = Query::parse(Some("per_page=2&page=2"));
        assert_eq!(
            page(&q, 12),
            Ok(Page {
                start: 2,
                end: 4,
                next: 3
            })
        );
        let last = Query::parse(Some("per_page=5&page=3"));
        assert_eq!(
            page(&last, 12),
            Ok(Page {
                start: 10,
                end: 12,
                next: 1
            })
        );
        let bad = Query::parse(Some("page=x"));
        let text = |q: &Query| page(q, 12).map_err(|e| e.to_string());
        assert_eq!(text(&bad), Err("invalid request: page: 0".to_owned()));
        let zero = Query::parse(Some("per_page=0"));
        assert_eq!(text(&zero), Err("invalid request: per_page: 0".to_owned()));
        let beyond = Query::parse(Some("page=100"));
        assert_eq!(
            page(&beyond, 12),
            Err(PageError::Beyond {
                page: 100,
                per_page: 100
            })
        );
        assert_eq!(
            text(&beyond),
            Err("invalid request: page: 100, per_page: 100".to_owned())
        );
        assert_eq!(
            page(&Query::default(), 0),
            Ok(Page {
                start: 0,
                end: 0,
                next: 1
            })
        );
    }
}
