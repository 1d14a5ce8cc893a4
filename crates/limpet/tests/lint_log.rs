//! The reload's lint log: a finding code that fires a few times gets one line per element; one
//! that fires on more than twenty elements gets one summary line with the count and examples.
#![allow(clippy::unwrap_used)]

mod support;

use std::fmt::Write as _;

use support::Limpet;

/// `n` sticky services whose cookie is SameSite=None without Secure (LMP006), each reached by its own router.
fn single_server_services(n: usize, prefix: &str) -> String {
    let mut yaml = String::from("http:\n  routers:\n");
    for i in 0..n {
        let _ = writeln!(
            yaml,
            "    {prefix}r{i}: {{rule: \"Host(`{prefix}{i}.local`)\", service: {prefix}s{i}}}"
        );
    }
    yaml.push_str("  services:\n");
    for i in 0..n {
        let _ = writeln!(
            yaml,
            "    {prefix}s{i}:\n      loadBalancer:\n        sticky: {{cookie: {{name: sid, sameSite: none, secure: false}}}}\n        servers:\n          - url: http://127.0.0.1:9/"
        );
    }
    yaml
}

#[tokio::test]
async fn frequent_codes_are_summarised_rare_ones_listed() {
    support::logs::capture();
    let few = Limpet::start(&single_server_services(3, "few")).await;
    let each = support::logs::lines_with(&["LMP006", "fews"]);
    assert_eq!(each.len(), 3, "one line per element: {each:?}");
    drop(few);

    let _many = Limpet::start(&single_server_services(25, "many")).await;
    let lines = support::logs::lines_with(&["LMP006", "many"]);
    assert_eq!(lines.len(), 1, "one summary line: {lines:?}");
    assert!(lines[0].contains("25 elements"), "{}", lines[0]);
    assert!(
        lines[0].contains("manys0@file"),
        "names examples: {}",
        lines[0]
    );
}
