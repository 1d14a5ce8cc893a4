//! Boolean operators, negation, matcher-name casing and the routing path, with the
//! vectors of Traefik's `pkg/muxer/http/mux_test.go` (`TestMuxer`, `TestRoutingPath`).

mod common;

use std::borrow::Cow;

use common::{assert_rejected, assert_urls};
use limpet_rule::{canonical_host, routing_path};

#[test]
fn rules_without_a_matcher_are_rejected() {
    for invalid in ["", "rulewithnotmatcher", "Host(example.com)"] {
        assert_rejected(invalid);
    }
}

#[test]
fn and_or_and_precedence() {
    assert_urls(
        "Host(`localhost`) && PathPrefix(`/css`)",
        &[
            ("https://localhost/css", true),
            ("https://localhost/js", false),
        ],
    );
    assert_urls(
        "Host(`example.com`) || Host(`example.org`)",
        &[
            ("https://example.com/css", true),
            ("https://example.org/js", true),
            ("https://example.eu/html", false),
        ],
    );
    let host_or_host_and_path = [
        ("https://example.com/css", true),
        ("https://example.com/js", true),
        ("https://example.org/css", true),
        ("https://example.org/js", false),
        ("https://example.eu/css", false),
    ];
    assert_urls(
        r#"Host("example.com") || (Host("example.org") && Path("/css"))"#,
        &host_or_host_and_path,
    );
    // `&&` binds tighter than `||`.
    assert_urls(
        r#"Host("example.com") || Host("example.org") && Path("/css")"#,
        &host_or_host_and_path,
    );
    assert_urls(
        r#"(Host("example.com") || Host("example.org")) && Path("/css")"#,
        &[
            ("https://example.com/css", true),
            ("https://example.com/js", false),
            ("https://example.org/css", true),
            ("https://example.org/js", false),
            ("https://example.eu/css", false),
        ],
    );
    assert_urls(
        r#"(Host("example.com") && Path("/js")) || ((Host("example.org")) && Path("/css"))"#,
        &[
            ("https://example.com/css", false),
            ("https://example.com/js", true),
            ("https://example.org/css", true),
            ("https://example.org/js", false),
            ("https://example.eu/css", false),
        ],
    );
}

#[test]
fn matcher_name_casing() {
    for accepted in [
        r#"PATHPREFIX("/css")"#,
        r#"pathprefix("/css")"#,
        r#"PathPrefix("/css")"#,
        r#"Pathprefix("/css")"#,
    ] {
        assert_urls(
            accepted,
            &[
                ("https://example.com/css", true),
                ("https://example.com/js", false),
            ],
        );
    }
    for accepted in [
        "Clientip(`1.2.3.4`)",
        "CLIENTIP(`1.2.3.4`)",
        "hostregexp(`a`)",
        "Headerregexp(`a`, `b`)",
    ] {
        assert!(limpet_rule::Rule::parse(accepted).is_ok(), "{accepted}");
    }
    for rejected in [
        r#"pathPrefix("/css")"#,
        r#"PATHprefix("/css")"#,
        "HoSt(`a`)",
        "ClientIp(`1.2.3.4`)",
        "Hostregexp2(`a`)",
    ] {
        assert_rejected(rejected);
    }
}

#[test]
fn negation() {
    assert_urls(
        r#"!Host("example.com")"#,
        &[
            ("https://example.org", true),
            ("https://example.com", false),
        ],
    );
    assert_urls(
        r#"!(Host("example.com") || Host("example.org"))"#,
        &[
            ("https://example.eu/js", true),
            ("https://example.com/css", false),
            ("https://example.org/js", false),
        ],
    );
    assert_urls(
        r#"!(Host("example.com") && Path("/css"))"#,
        &[
            ("https://example.com/js", true),
            ("https://example.eu/css", true),
            ("https://example.com/css", false),
        ],
    );
    assert_urls(
        r#"!(Host("example.com") && !Path("/css"))"#,
        &[
            ("https://example.com/css", true),
            ("https://example.org/css", true),
            ("https://example.com/js", false),
        ],
    );
    assert_urls(
        r#"!Host("example.com") || !Path("/css")"#,
        &[
            ("https://example.com/js", true),
            ("https://example.org/css", true),
            ("https://example.com/css", false),
        ],
    );
    assert_urls(
        r#"!(!(Host("example.com") && Pathprefix("/css")))"#,
        &[
            ("https://example.com/css", true),
            ("https://example.com/js", false),
            ("https://example.org/css", false),
        ],
    );
    assert_urls(
        r#"!Host("example.com") && Pathprefix("/css")"#,
        &[
            ("https://example.org/css", true),
            ("https://example.org/js", false),
            ("https://example.com/css", false),
            ("https://example.com/js", false),
        ],
    );
    assert_urls(
        r#"!(Host("example.com") && Path("/js"))"#,
        &[
            ("https://example.com/js", false),
            ("https://example.com/html", true),
            ("https://example.org/js", true),
            ("https://example.eu/images", true),
        ],
    );
}

#[test]
fn complex_rule_observed_on_traefik() {
    let rule = "Host(`q.local`) && (Query(`a`, `1`) || QueryRegexp(`b`, `^x+$`)) && !Method(`POST`) \
                && HeaderRegexp(`X-T`, `^ab`) && PathRegexp(`^/v[0-9]+/`) && ClientIP(`127.0.0.0/8`)";
    let request = |url: &str, method: &str, header: &str| {
        common::TestRequest::get(url)
            .method(method)
            .header("X-T", header)
            .client_ip("127.0.0.1")
    };
    common::assert_table(
        rule,
        &[
            (request("http://q.local/v1/x?a=1", "GET", "abc"), true),
            (request("http://q.local/v1/x?b=xxx", "GET", "abc"), true),
            (request("http://q.local/v1/x?b=xy", "GET", "abc"), false),
            (request("http://q.local/v1/x?a=1", "POST", "abc"), false),
            (request("http://q.local/v1/x?a=1", "GET", "cab"), false),
            (request("http://q.local/x?a=1", "GET", "abc"), false),
            (
                request("http://q.local/v1/x?a=1", "GET", "abc").client_ip("10.0.0.1"),
                false,
            ),
        ],
    );
}

#[test]
fn literals_and_layout() {
    // Double-quoted strings take Go escapes; comments and newlines after operators are fine.
    assert_urls("Path(\"/a\\tb\")", &[("https://x/a%09b", true)]);
    assert_urls("Path(\"/\\u00e9\")", &[("https://x/%C3%A9", true)]);
    assert_urls(
        "Host(`a`) &&\n  Path(`/`) /* why */",
        &[("https://a/", true)],
    );
    assert_urls("Host(`a`, ) && Path(`/`)", &[("https://a/", true)]);
    // A newline right after `)` ends the expression in Go, so this is an error.
    assert_rejected("Host(`a`)\n&& Path(`/`)");
}

#[test]
fn routing_path_vectors() {
    let cases = [
        ("/foo%20bar", "/foo bar"),
        ("/foo%2Fbar", "/foo%2Fbar"),
        ("/foo%20bar%2Fbaz%23qux", "/foo bar%2Fbaz%23qux"),
        ("/foo%20bar%2Fbaz", "/foo bar%2Fbaz"),
        ("/a%2fb%3a%3A", "/a%2fb%3a%3A"),
        ("/%7Ea%7e", "/~a~"),
        ("/%25%32%30", "/%2520"),
        ("/caf%C3%A9", "/café"),
        // Not UTF-8 once decoded, or malformed: kept as written.
        ("/%FF%41", "/%FF%41"),
        ("/%zz/%4", "/%zz/%4"),
        ("/100%", "/100%"),
    ];
    for (raw, expected) in cases {
        assert_eq!(routing_path(raw), expected, "routing_path({raw:?})");
    }
    assert!(matches!(routing_path("/plain/%2F"), Cow::Borrowed(_)));
}

#[test]
fn canonical_host_vectors() {
    let cases = [
        ("Example.COM", "example.com"),
        ("example.com:8080", "example.com"),
        ("example.com.", "example.com"),
        ("example.com.:80", "example.com"),
        ("[::1]:8080", "::1"),
        ("[::1]", "::1"),
        ("[FE80::1]", "fe80::1"),
        ("10::10", "10::10"),
        ("", ""),
        (" a.b ", "a.b"),
    ];
    for (raw, expected) in cases {
        assert_eq!(canonical_host(raw), expected, "canonical_host({raw:?})");
    }
    assert!(matches!(
        canonical_host("example.com:443"),
        Cow::Borrowed("example.com")
    ));
}
