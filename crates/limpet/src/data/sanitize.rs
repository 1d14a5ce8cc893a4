//! `entryPoints.<name>.http.sanitizePath` (default true): `.`/`..` segments and duplicate
//! slashes are resolved before routing and forwarding (RFC 3986 §6.2.2.3), as Traefik does
//! with Go's `URL.JoinPath()` — so `/api/../admin` is routed, and forwarded, as `/admin`.

use std::borrow::Cow;

use http::uri::{PathAndQuery, Uri};

/// The cleaned request URI, or `None` when the path is already clean (the common case).
pub fn sanitized_uri(uri: &Uri) -> Option<Uri> {
    let Cow::Owned(path) = clean_path(uri.path()) else {
        return None;
    };
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(path_and_query).ok()?);
    Uri::from_parts(parts).ok()
}

/// Go's `path.Clean`, keeping a trailing slash; borrows when nothing changes.
pub fn clean_path(path: &str) -> Cow<'_, str> {
    if !needs_cleaning(path) {
        return Cow::Borrowed(path);
    }
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    let mut cleaned = format!("/{}", segments.join("/"));
    if path.ends_with('/') && cleaned != "/" {
        cleaned.push('/');
    }
    Cow::Owned(cleaned)
}

/// Whether `path` has an empty, `.` or `..` segment (other than a trailing slash).
fn needs_cleaning(path: &str) -> bool {
    if !path.starts_with('/') {
        return true;
    }
    let inner = path.strip_suffix('/').unwrap_or(path);
    !inner.is_empty()
        && inner
            .split('/')
            .skip(1)
            .any(|segment| matches!(segment, "" | "." | ".."))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_like_go_join_path() {
        let cases = [
            ("/", "/"),
            ("/a/b", "/a/b"),
            ("/a/b/", "/a/b/"),
            ("/api/../admin", "/admin"),
            ("/a//b", "/a/b"),
            ("/a/./b/", "/a/b/"),
            ("/../../etc/passwd", "/etc/passwd"),
            ("/a/b/..", "/a"),
            ("/a/b/../", "/a/"),
            ("//", "/"),
            ("/a%2F..%2Fb", "/a%2F..%2Fb"),
        ];
        for (path, expected) in cases {
            assert_eq!(clean_path(path), expected, "{path}");
        }
        assert!(matches!(clean_path("/a/b/"), Cow::Borrowed(_)));
    }

    #[test]
    fn keeps_the_query() {
        let uri: Uri = "/api/../admin?x=/../y".parse().unwrap();
        assert_eq!(sanitized_uri(&uri).unwrap(), "/admin?x=/../y");
        assert_eq!(sanitized_uri(&"/fine?a=1".parse().unwrap()), None);
    }
}
