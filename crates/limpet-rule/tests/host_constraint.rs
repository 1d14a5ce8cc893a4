//! `Rule::host_constraint`: the host index key, and its soundness (a matching request's
//! host always satisfies the constraint).

mod common;

use common::{rule, TestRequest};
use limpet_rule::{HostConstraint, HostPattern};

fn exact(host: &str) -> HostPattern {
    HostPattern::Exact(host.to_owned())
}

fn wildcard(parent: &str) -> HostPattern {
    HostPattern::Wildcard(parent.to_owned())
}

#[test]
fn constraints() {
    use HostConstraint::{Any, OneOf};
    let cases = [
        ("Host(`a.example.com`)", OneOf(vec![exact("a.example.com")])),
        (
            "Host(`A.Example.COM.`) && Path(`/`)",
            OneOf(vec![exact("a.example.com")]),
        ),
        ("Path(`/`) && Host(`a`)", OneOf(vec![exact("a")])),
        (
            "(Host(`a`) || Host(`b`)) && Path(`/x`)",
            OneOf(vec![exact("a"), exact("b")]),
        ),
        (
            "Host(`a`) || Host(`b`) || Host(`a`)",
            OneOf(vec![exact("a"), exact("b")]),
        ),
        ("Host(`a`) || Path(`/x`)", Any),
        ("!Host(`a`)", Any),
        ("!(Host(`a`) || Host(`b`)) && Path(`/`)", Any),
        ("!!Host(`a`)", OneOf(vec![exact("a")])),
        ("!(!Host(`a`) || Path(`/`))", OneOf(vec![exact("a")])),
        ("HostRegexp(`^a$`)", Any),
        ("Host(`*`)", Any),
        ("Host(`*`) && Path(`/`)", Any),
        (
            "Host(`*.example.com`)",
            OneOf(vec![wildcard("example.com")]),
        ),
        (
            "Host(`*.Example.com.`) || Host(`x.org`)",
            OneOf(vec![wildcard("example.com"), exact("x.org")]),
        ),
        ("Host(`*.`)", Any),
        ("Path(`/`)", Any),
        ("ClientIP(`10.0.0.0/8`)", Any),
    ];
    for (text, expected) in cases {
        assert_eq!(rule(text).host_constraint(), expected, "{text}");
    }
}

fn satisfies(constraint: &HostConstraint, host: &str) -> bool {
    match constraint {
        HostConstraint::Any => true,
        HostConstraint::OneOf(patterns) => patterns.iter().any(|p| match p {
            HostPattern::Exact(h) => h == host,
            HostPattern::Wildcard(parent) => {
                host.split_once('.').is_some_and(|(_, rest)| rest == parent)
            }
        }),
    }
}

#[test]
fn matching_requests_satisfy_the_constraint() {
    let rules = [
        "Host(`a.example.com`) && Path(`/`)",
        "(Host(`a.example.com`) || Host(`*.example.com`)) && PathPrefix(`/`)",
        "Host(`example.com.`)",
        "!(!Host(`b.example.com`) || Method(`POST`))",
        "Host(`*.example.com.`)",
    ];
    let hosts = [
        "a.example.com",
        "b.example.com",
        "example.com",
        "x.y.example.com",
        "A.EXAMPLE.COM:80",
        "example.com.",
        "other.org",
    ];
    for text in rules {
        let rule = rule(text);
        let constraint = rule.host_constraint();
        for host in hosts {
            let request = TestRequest::get(&format!("http://{host}/"));
            if rule.matches(&request.view()) {
                assert!(
                    satisfies(&constraint, &request.host),
                    "{text} matched {host} outside {constraint:?}"
                );
            }
        }
    }
}
