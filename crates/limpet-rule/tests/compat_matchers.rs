//! One table per matcher, with the vectors of Traefik's `pkg/muxer/http/matcher_test.go`
//! (200 → matches, 404 → does not), plus limpet's own edge cases.

mod common;

use common::{assert_rejected, assert_table, assert_urls, TestRequest};

#[test]
fn client_ip_matcher() {
    for invalid in [
        "ClientIP(`1`)",
        "ClientIP()",
        "ClientIP(``)",
        "ClientIP(`127.0.0.1`, `192.168.1.0/24`)",
    ] {
        assert_rejected(invalid);
    }
    let from = |ip: &str| TestRequest::get("https://example.com").client_ip(ip);
    assert_table(
        "ClientIP(`127.0.0.1`)",
        &[(from("127.0.0.1"), true), (from("192.168.1.1"), false)],
    );
    // An unparsable remote address never matches.
    assert_table("ClientIP(`127.0.0.1`)", &[(from("1"), false)]);
    assert_table(
        "ClientIP(`192.168.1.0/24`)",
        &[
            (from("192.168.1.1"), true),
            (from("192.168.1.100"), true),
            (from("192.168.2.1"), false),
        ],
    );
}

#[test]
fn client_ip_v6_and_mapped() {
    let from = |ip: &str| TestRequest::get("https://example.com").client_ip(ip);
    assert_table(
        "ClientIP(`2001:db8::/32`)",
        &[
            (from("2001:db8::1"), true),
            (from("2001:db9::1"), false),
            (from("10.0.0.1"), false),
        ],
    );
    assert_table(
        "ClientIP(`::1`)",
        &[(from("::1"), true), (from("127.0.0.1"), false)],
    );
    // An IPv4-mapped IPv6 peer is the IPv4 address it carries (Go's net package).
    assert_table(
        "ClientIP(`10.0.0.0/8`)",
        &[
            (from("::ffff:10.1.2.3"), true),
            (from("::ffff:11.1.2.3"), false),
        ],
    );
    assert_table("ClientIP(`10.1.2.3`)", &[(from("::ffff:10.1.2.3"), true)]);
    assert_table(
        "ClientIP(`::ffff:10.1.2.0/120`)",
        &[(from("10.1.2.200"), true), (from("10.1.3.1"), false)],
    );
    // No peer address: no match.
    assert_table(
        "ClientIP(`0.0.0.0/0`)",
        &[(TestRequest::get("https://example.com"), false)],
    );
}

#[test]
fn method_matcher() {
    for invalid in ["Method()", "Method(``)", "Method(`GET`, `POST`)"] {
        assert_rejected(invalid);
    }
    let with = |method: &str| TestRequest::get("https://example.com").method(method);
    for rule in ["Method(`GET`)", "Method(`get`)"] {
        // The configured value is uppercased; the request method is compared as sent.
        assert_table(
            rule,
            &[
                (with("GET"), true),
                (with("POST"), false),
                (with("get"), false),
            ],
        );
    }
}

#[test]
fn host_matcher() {
    for invalid in [
        "Host()",
        "Host(``)",
        "Host(`🦭.com`)",
        "Host(`example.com`, `example.org`)",
    ] {
        assert_rejected(invalid);
    }
    assert_urls(
        "Host(`example.com`)",
        &[
            ("https://example.com", true),
            ("https://example.com:8080", true),
            ("https://example.com/path", true),
            ("https://EXAMPLE.COM/path", true),
            ("https://example.org", false),
            ("https://example.org/path", false),
            ("https://example.com.", true),
            ("https://example.com./path", true),
            ("https://example.org.", false),
        ],
    );
    assert_urls(
        "Host(`example.com.`)",
        &[
            ("https://example.com", true),
            ("https://example.org", false),
            ("https://example.com.", true),
            ("https://example.com./path", true),
            ("https://example.org./path", false),
        ],
    );
    assert_urls(
        "Host(`EXAMPLE.COM`)",
        &[
            ("https://example.com", true),
            ("https://example.org", false),
        ],
    );
    assert_urls(
        "Host(`xn--9t9h.com`)",
        &[
            ("https://xn--9t9h.com/path", true),
            ("https://example.com", false),
            ("https://🦭.com", false),
        ],
    );
}

#[test]
fn host_wildcard_and_star() {
    assert_urls(
        "Host(`*.example.com`)",
        &[
            ("https://test.example.com", true),
            ("https://other.example.com", true),
            ("https://Other.Example.com:443", true),
            // Exactly one label: neither the apex nor two labels.
            ("https://example.com", false),
            ("https://a.b.example.com", false),
            ("https://test.otherexample.com", false),
        ],
    );
    assert_urls(
        "Host(`*`)",
        &[
            ("https://test.example.com", true),
            ("https://example.com", true),
            ("https://localhost", true),
            ("http://", true),
        ],
    );
    // Every other Host matcher needs a host.
    assert_urls("Host(`example.com`)", &[("http://", false)]);
}

#[test]
fn host_ip_literals() {
    assert_urls(
        "Host(`127.0.0.1`)",
        &[
            ("http://127.0.0.1/foo", true),
            ("http://127.0.0.1:80/foo", true),
        ],
    );
    assert_urls(
        "Host(`10::10`)",
        &[
            ("http://[10::10]/foo", true),
            ("http://[10::10]:8080/foo", true),
        ],
    );
}

#[test]
fn host_regexp_matcher() {
    for invalid in [
        "HostRegexp()",
        "HostRegexp(``)",
        "HostRegexp(`🦭.com`)",
        "HostRegexp(`(example.com`)",
        "HostRegexp(`example.com`, `example.org`)",
    ] {
        assert_rejected(invalid);
    }
    assert_urls(
        "HostRegexp(`^[a-zA-Z-]+\\.com$`)",
        &[
            ("https://example.com", true),
            ("https://example.com:8080", true),
            ("https://example.com/path", true),
            ("https://example.org", false),
        ],
    );
    // Matched against the lowercased host, so uppercase classes never match.
    assert_urls(
        "HostRegexp(`^[A-Z]+\\.com$`)",
        &[
            ("https://example.com", false),
            ("https://EXAMPLE.com", false),
        ],
    );
    // v2 syntax compiles as a Go regexp where `{` is a literal: it matches nothing here.
    assert_urls(
        "HostRegexp(`{domain:[a-zA-Z-]+\\.com}`)",
        &[("https://example.com", false)],
    );
    // Not anchored.
    assert_urls(
        "HostRegexp(`example`)",
        &[
            ("https://www.example.org", true),
            ("https://other.org", false),
        ],
    );
}

#[test]
fn path_matcher() {
    for invalid in ["Path()", "Path(``)", "Path(`css`)", "Path(`/css`, `/js`)"] {
        assert_rejected(invalid);
    }
    assert_urls(
        "Path(`/css`)",
        &[
            ("https://example.com", false),
            ("https://example.com/html", false),
            ("https://example.org/css", true),
            ("https://example.com/css", true),
            ("https://example.com/css/", false),
            ("https://example.com/css/main.css", false),
        ],
    );
}

#[test]
fn path_regexp_matcher() {
    for invalid in [
        "PathRegexp()",
        "PathRegexp(``)",
        "PathRegexp(`/(css`)",
        "PathRegexp(`/css`, `/js`)",
    ] {
        assert_rejected(invalid);
    }
    assert_urls(
        "PathRegexp(`^/(css|js)`)",
        &[
            ("https://example.com", false),
            ("https://example.com/html", false),
            ("https://example.org/css", true),
            ("https://example.com/CSS", false),
            ("https://example.com/css/main.css", true),
            ("https://example.com/js/", true),
        ],
    );
    assert_urls(
        "PathRegexp(\"/{path:(css|js)}\")",
        &[
            ("https://example.com", false),
            ("https://example.org/css", false),
            ("https://example.com/{path:css}", true),
            ("https://example.com/{path:css}/", true),
            ("https://example.com/%7Bpath:css%7D", true),
            ("https://example.com/%7Bpath:js%7D/", true),
            ("https://example.com/{path:js}", true),
        ],
    );
}

#[test]
fn path_prefix_matcher() {
    for invalid in [
        "PathPrefix()",
        "PathPrefix(``)",
        "PathPrefix(`css`)",
        "PathPrefix(`/css`, `/js`)",
    ] {
        assert_rejected(invalid);
    }
    assert_urls(
        "PathPrefix(\"/css\")",
        &[
            ("https://example.com", false),
            ("https://example.com/html", false),
            ("https://example.org/css", true),
            ("https://example.com/css/", true),
            ("https://example.com/css/main.css", true),
        ],
    );
    // A byte prefix, not a segment prefix.
    assert_urls(
        "PathPrefix(`/api`)",
        &[
            ("https://example.com/apiv2", true),
            ("https://example.com/ap", false),
        ],
    );
}

#[test]
fn path_matchers_use_the_routing_path() {
    // Unreserved escapes are decoded before matching...
    assert_urls(
        "Path(`/foo bar`)",
        &[("https://example.com/foo%20bar", true)],
    );
    assert_urls(
        "PathPrefix(`/café`)",
        &[("https://example.com/caf%C3%A9/menu", true)],
    );
    // ...reserved ones stay encoded, in either hex case.
    assert_urls(
        "PathPrefix(`/a%2Fb`)",
        &[
            ("https://example.com/a%2Fb/c", true),
            ("https://example.com/a/b/c", false),
        ],
    );
    assert_urls(
        "Path(`/a/b`)",
        &[
            ("https://example.com/a%2Fb", false),
            ("https://example.com/a%2fb", false),
        ],
    );
}

fn with_header(name: &str, values: &[&str]) -> TestRequest {
    values
        .iter()
        .fold(TestRequest::get("https://example.com"), |r, v| {
            r.header(name, v)
        })
}

#[test]
fn header_matcher() {
    for invalid in [
        "Header()",
        "Header(`X-Forwarded-Host`)",
        "Header(`X-Forwarded-Host`, ``)",
        "Header(``, `example.com`)",
        "Header(`X-Forwarded-Host`, `example.com`, `example.org`)",
    ] {
        assert_rejected(invalid);
    }
    for rule in [
        "Header(`X-Forwarded-Proto`, `https`)",
        "Header(`x-forwarded-proto`, `https`)",
    ] {
        assert_table(
            rule,
            &[
                (with_header("X-Forwarded-Proto", &["https"]), true),
                (with_header("X-Forwarded-Proto", &["http", "https"]), true),
                (with_header("X-Forwarded-Proto", &["https", "http"]), true),
                (with_header("X-Forwarded-Proto", &["HTTPS"]), false),
                (with_header("X-Forwarded-Host", &["example.com"]), false),
            ],
        );
    }
    // A name that cannot be a header never matches.
    assert_table(
        "Header(`Bad Name`, `x`)",
        &[(with_header("X", &["x"]), false)],
    );
    // Go's server moves Host and Transfer-Encoding out of the header map.
    assert_table(
        "Header(`Host`, `a`)",
        &[(with_header("Host", &["a"]), false)],
    );
    assert_table(
        "HeaderRegexp(`transfer-encoding`, `.`)",
        &[(with_header("Transfer-Encoding", &["chunked"]), false)],
    );
}

#[test]
fn header_regexp_matcher() {
    for invalid in [
        "HeaderRegexp()",
        "HeaderRegexp(`X-Forwarded-Host`)",
        "HeaderRegexp(`X-Forwarded-Host`, ``)",
        "HeaderRegexp(``, `example.com`)",
        "HeaderRegexp(`X-Forwarded-Host`,`(example.com`)",
        "HeaderRegexp(`X-Forwarded-Host`, `example.com`, `example.org`)",
    ] {
        assert_rejected(invalid);
    }
    for rule in [
        "HeaderRegexp(`X-Forwarded-Proto`, `^https?$`)",
        "HeaderRegexp(`x-forwarded-proto`, `^https?$`)",
    ] {
        assert_table(
            rule,
            &[
                (with_header("X-Forwarded-Proto", &["http"]), true),
                (with_header("X-Forwarded-Proto", &["https"]), true),
                (with_header("X-Forwarded-Proto", &["HTTPS"]), false),
                (with_header("X-Forwarded-Proto", &["ws", "https"]), true),
                (with_header("X-Forwarded-Host", &["example.com"]), false),
            ],
        );
    }
    assert_table(
        "HeaderRegexp(`X-Forwarded-Proto`, `http{secure:s?}`)",
        &[
            (with_header("X-Forwarded-Proto", &["http"]), false),
            (with_header("X-Forwarded-Proto", &["https"]), false),
            (with_header("X-Forwarded-Proto", &["http{secure:}"]), true),
            (with_header("X-Forwarded-Proto", &["HTTP{secure:}"]), false),
            (with_header("X-Forwarded-Proto", &["http{secure:s}"]), true),
            (with_header("X-Forwarded-Proto", &["http{secure:S}"]), false),
            (
                with_header("X-Forwarded-Proto", &["ws", "http{secure:s}"]),
                true,
            ),
        ],
    );
}

#[test]
fn query_matcher() {
    for invalid in [
        "Query()",
        "Query(``)",
        "Query(``, `traefik`)",
        "Query(`q`, ``)",
        "Query(`q`, `traefik`, `proxy`)",
    ] {
        assert_rejected(invalid);
    }
    assert_urls(
        "Query(`q`, `traefik`)",
        &[
            ("https://example.com", false),
            ("https://example.com?q=traefik", true),
            ("https://example.com?rel=ddg&q=traefik", true),
            ("https://example.com?q=traefik&q=proxy", true),
            ("https://example.com?q=awesome&q=traefik", true),
            ("https://example.com?q=nginx", false),
            ("https://example.com?rel=ddg", false),
            ("https://example.com?q=TRAEFIK", false),
            ("https://example.com?Q=traefik", false),
            ("https://example.com?rel=traefik", false),
        ],
    );
    // Without a value: the key must be present with an empty value.
    assert_urls(
        "Query(`mobile`)",
        &[
            ("https://example.com", false),
            ("https://example.com?mobile", true),
            ("https://example.com?mobile=", true),
            ("https://example.com?mobile=true", false),
        ],
    );
}

#[test]
fn query_decoding_follows_go() {
    assert_urls(
        "Query(`a b`, `c+d`)",
        &[
            ("https://x?a+b=c%2Bd", true),
            ("https://x?a%20b=c%2bd", true),
            ("https://x?a+b=c+d", false),
            // Go skips pairs holding a semicolon or a malformed escape.
            ("https://x?a+b=c%2Bd;x=y", false),
            ("https://x?a+b=c%2Bd%zz", false),
        ],
    );
}

#[test]
fn query_regexp_matcher() {
    for invalid in [
        "QueryRegexp()",
        "QueryRegexp(``)",
        "QueryRegexp(`q`, `(traefik`)",
        "QueryRegexp(`q`, `traefik`, `proxy`)",
    ] {
        assert_rejected(invalid);
    }
    assert_urls(
        "QueryRegexp(`q`, `^(traefik|nginx)$`)",
        &[
            ("https://example.com", false),
            ("https://example.com?q=traefik", true),
            ("https://example.com?rel=ddg&q=traefik", true),
            ("https://example.com?q=traefik&q=proxy", true),
            ("https://example.com?q=TRAEFIK", false),
            ("https://example.com?Q=traefik", false),
            ("https://example.com?q=nginx", true),
            ("https://example.com?q=awesome&q=nginx", true),
            ("https://example.com?q=haproxy", false),
            ("https://example.com?rel=ddg", false),
        ],
    );
    assert_urls(
        "QueryRegexp(`q`, `^.*$`)",
        &[
            ("https://example.com", false),
            ("https://example.com?q=TRAEFIK", true),
            ("https://example.com?Q=nginx", false),
        ],
    );
    assert_urls(
        "QueryRegexp(`q`, `{value:(traefik|nginx)}`)",
        &[
            ("https://example.com?q=traefik", false),
            ("https://example.com?q={value:traefik}", true),
        ],
    );
    // One argument behaves as Query(k).
    assert_urls(
        "QueryRegexp(`q`)",
        &[("https://x?q", true), ("https://x?q=1", false)],
    );
}

#[test]
fn go_regexp_semantics() {
    // Perl classes are ASCII-only in Go.
    assert_urls(
        "PathRegexp(`^/\\d+$`)",
        &[("https://x/123", true), ("https://x/%D9%A3", false)],
    );
    assert_urls(
        "PathRegexp(`^/\\w+$`)",
        &[("https://x/abc_1", true), ("https://x/caf%C3%A9", false)],
    );
    // `[` inside a class and `&&` are literals in Go.
    assert_urls(
        "PathRegexp(`^/[[a]+$`)",
        &[("https://x/a%5Ba", false), ("https://x/[a", true)],
    );
    assert_urls(
        "PathRegexp(`^/[a&&b]$`)",
        &[
            ("https://x/%26", false),
            ("https://x/&", true),
            ("https://x/a", true),
        ],
    );
    // Escaped punctuation is literal (`\<` is not a word boundary).
    assert_urls(
        "PathRegexp(`^/\\<x`)",
        &[("https://x/<x", true), ("https://x/x", false)],
    );
    assert_urls(
        "PathRegexp(`^/\\Qa.b\\E$`)",
        &[("https://x/a.b", true), ("https://x/axb", false)],
    );
}
