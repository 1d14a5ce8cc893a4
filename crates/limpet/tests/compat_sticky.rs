//! Sticky cookies exactly as Traefik 3.7 writes and reads them (docs/traefik.md#1-sticky-cookies).
#![allow(clippy::unwrap_used)]

mod support;

use support::{dead_address, origin, HttpClient, Limpet};

fn sticky_service(name: &str, cookie: &str, servers: &[String]) -> String {
    let servers: String = servers
        .iter()
        .map(|url| format!("          - url: \"{url}\"\n"))
        .collect();
    format!(
        "http:\n  routers:\n    r-{name}:\n      rule: \"Host(`{name}.local`)\"\n      service: {name}\n  services:\n    {name}:\n      loadBalancer:\n        sticky:\n          cookie: {cookie}\n        servers:\n{servers}"
    )
}

async fn two_origins() -> Vec<String> {
    vec![
        format!("http://{}", origin("one").await),
        format!("http://{}", origin("two").await),
    ]
}

#[tokio::test]
async fn first_request_is_pinned_then_fifty_stay_without_set_cookie() {
    let limpet = Limpet::start(&sticky_service("svc-sticky", "{}", &two_origins().await)).await;
    let client = HttpClient::default();
    let first = client.get(&limpet.url("/"), "svc-sticky.local", None).await;
    assert_eq!(first.status, 200);
    let pair = first
        .cookie_pair()
        .expect("a Set-Cookie on the first answer");
    assert!(
        pair.starts_with("_161c8="),
        "default name of svc-sticky@file is _161c8, got {pair}"
    );
    for _ in 0..50 {
        let next = client
            .get(&limpet.url("/"), "svc-sticky.local", Some(&pair))
            .await;
        assert_eq!(next.server(), first.server());
        assert!(
            next.set_cookies().is_empty(),
            "a valid pin gets no Set-Cookie"
        );
    }
}

#[tokio::test]
async fn unknown_cookie_gets_a_new_pick_and_cookie() {
    let limpet = Limpet::start(&sticky_service("s", "{name: sid}", &two_origins().await)).await;
    let reply = HttpClient::default()
        .get(&limpet.url("/"), "s.local", Some("sid=0123456789abcdef"))
        .await;
    assert_eq!(reply.status, 200);
    assert!(reply.cookie_pair().unwrap().starts_with("sid="));
    assert_ne!(reply.cookie_pair().unwrap(), "sid=0123456789abcdef");
}

#[tokio::test]
async fn raw_url_and_fnv_cookies_are_honoured_and_rewritten() {
    let servers = two_origins().await;
    let limpet = Limpet::start(&sticky_service("s", "{name: sid}", &servers)).await;
    let client = HttpClient::default();
    let expected = format!(
        "sid={}; Path=/",
        limpet::data::service::sticky::cookie_value(&servers[1])
    );
    let fnv = limpet::data::service::sticky::fnv1_hex(&servers[1]);
    let double_fnv = limpet::data::service::sticky::fnv1_hex(&fnv);
    for value in [servers[1].clone(), fnv, double_fnv] {
        let reply = client
            .get(&limpet.url("/"), "s.local", Some(&format!("sid={value}")))
            .await;
        assert_eq!(
            reply.served_by(),
            "two",
            "compat value {value} routes to its server"
        );
        assert_eq!(
            reply.set_cookies(),
            vec![expected.clone()],
            "compat value {value} is rewritten"
        );
    }
}

#[tokio::test]
async fn duplicate_cookies_first_wins_and_quotes_are_accepted() {
    let servers = two_origins().await;
    let limpet = Limpet::start(&sticky_service("s", "{name: sid}", &servers)).await;
    let client = HttpClient::default();
    let value = limpet::data::service::sticky::cookie_value(&servers[0]);
    let quoted = client
        .get(
            &limpet.url("/"),
            "s.local",
            Some(&format!("sid=\"{value}\"")),
        )
        .await;
    assert_eq!(quoted.served_by(), "one");
    assert!(quoted.set_cookies().is_empty());
    let duplicate = client
        .get(
            &limpet.url("/"),
            "s.local",
            Some(&format!("sid=zzz; sid={value}")),
        )
        .await;
    assert_eq!(
        duplicate.set_cookies().len(),
        1,
        "the first (unknown) value wins, so a new pin is set"
    );
}

/// docs/traefik.md#observed-set-cookie-headers, byte for byte (servers need not be up: the cookie
/// is written before the request is forwarded, so a 502 carries it too).
#[tokio::test]
async fn set_cookie_headers_match_traefik_byte_for_byte() {
    let cases = [
        ("{}", "http://127.0.0.1:9001", "svc-sticky", "_161c8=b52e7b55edbbb02e; Path=/"),
        (
            "{name: \"my/Sticky Cookie\", secure: true, httpOnly: true, sameSite: lax, maxAge: 3600, domain: example.com, path: /app}",
            "http://127.0.0.1:9001",
            "named",
            "my_Sticky_Cookie=b52e7b55edbbb02e; Path=/app; Domain=example.com; Max-Age=3600; HttpOnly; Secure; SameSite=Lax",
        ),
        (
            "{name: \"my/Sticky Cookie\", secure: true, httpOnly: true, sameSite: lax, maxAge: 3600, domain: example.com, path: /app}",
            "http://127.0.0.1:9002/",
            "slash",
            "my_Sticky_Cookie=ee9d32b70410e7e7; Path=/app; Domain=example.com; Max-Age=3600; HttpOnly; Secure; SameSite=Lax",
        ),
        ("{name: c1, maxAge: -1, sameSite: none, path: \"\"}", "http://127.0.0.1:9001", "c1", "c1=b52e7b55edbbb02e; Max-Age=0; SameSite=None"),
        ("{name: c2, sameSite: bogus, secure: true}", "http://127.0.0.1:9001", "c2", "c2=b52e7b55edbbb02e; Path=/; Secure"),
        ("{name: \"c3;x=y\", sameSite: Strict, domain: .Example.COM}", "http://127.0.0.1:9001", "c3", "c3_x_y=b52e7b55edbbb02e; Path=/; Domain=Example.COM; SameSite=Strict"),
    ];
    for (cookie, server, name, expected) in cases {
        let limpet = Limpet::start(&sticky_service(name, cookie, &[server.to_owned()])).await;
        let reply = HttpClient::default()
            .get(&limpet.url("/"), &format!("{name}.local"), None)
            .await;
        assert_eq!(
            reply.set_cookies(),
            vec![expected.to_owned()],
            "cookie {cookie}"
        );
        limpet.app.stop().await;
    }
}

#[tokio::test]
async fn set_cookie_on_502_and_no_set_cookie_on_503() {
    let dead = format!("http://{}", dead_address().await);
    let limpet = Limpet::start(&sticky_service("s", "{name: sid}", &[dead])).await;
    let reply = HttpClient::default()
        .get(&limpet.url("/"), "s.local", None)
        .await;
    assert_eq!(reply.status, 502);
    assert_eq!(reply.body, "Bad Gateway");
    assert!(reply.headers.get("content-type").is_none());
    assert_eq!(reply.set_cookies().len(), 1);

    let empty = "http:\n  routers:\n    r:\n      rule: \"Host(`e.local`)\"\n      service: e\n  services:\n    e:\n      loadBalancer:\n        sticky:\n          cookie: {}\n        servers: []\n";
    let limpet = Limpet::start(empty).await;
    let reply = HttpClient::default()
        .get(&limpet.url("/"), "e.local", None)
        .await;
    assert_eq!(reply.status, 503);
    assert_eq!(reply.body, "no available server\n");
    assert_eq!(reply.headers["content-type"], "text/plain; charset=utf-8");
    assert!(reply.set_cookies().is_empty());
}

#[tokio::test]
async fn wrr_three_to_one_over_400_cookieless_requests() {
    let (a, b) = (origin("heavy").await, origin("light").await);
    let yaml = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`w.local`)\"\n      service: w\n  services:\n    w:\n      loadBalancer:\n        servers:\n          - url: http://{a}\n            weight: 3\n          - url: http://{b}\n            weight: 1\n"
    );
    let limpet = Limpet::start(&yaml).await;
    let client = HttpClient::default();
    let mut heavy = 0;
    for _ in 0..400 {
        if client
            .get(&limpet.url("/"), "w.local", None)
            .await
            .served_by()
            == "heavy"
        {
            heavy += 1;
        }
    }
    assert!(
        (285..=315).contains(&heavy),
        "3:1 within ±5%: heavy got {heavy} of 400"
    );
}

/// Deliberate difference (docs/compat.md): Traefik makes a weight-0 server unreachable and
/// breaks its sessions (its issue #8157); limpet drains it — pinned sessions stay, new ones
/// never land there.
#[tokio::test]
async fn weight_zero_server_drains_instead_of_dropping_sessions() {
    let (a, b) = (origin("live").await, origin("zero").await);
    let yaml = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`z.local`)\"\n      service: z\n  services:\n    z:\n      loadBalancer:\n        sticky:\n          cookie: {{name: sid}}\n        servers:\n          - url: http://{a}\n          - url: http://{b}\n            weight: 0\n"
    );
    let limpet = Limpet::start(&yaml).await;
    let client = HttpClient::default();
    let zero_pin = format!(
        "sid={}",
        limpet::data::service::sticky::cookie_value(&format!("http://{b}"))
    );
    for _ in 0..10 {
        let pinned = client
            .get(&limpet.url("/"), "z.local", Some(&zero_pin))
            .await;
        assert_eq!(pinned.served_by(), "zero");
        assert!(pinned.set_cookies().is_empty());
        assert_eq!(
            client
                .get(&limpet.url("/"), "z.local", None)
                .await
                .served_by(),
            "live"
        );
    }
}

#[tokio::test]
async fn weighted_service_sets_parent_cookie_then_child_cookie() {
    let servers = two_origins().await;
    let yaml = format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`m.local`)\"\n      service: wrr1\n  services:\n    wrr1:\n      weighted:\n        sticky: {{cookie: {{name: lvl1}}}}\n        services: [{{name: whoami1, weight: 1}}]\n    whoami1:\n      loadBalancer:\n        sticky: {{cookie: {{name: lvl2}}}}\n        servers: [{{url: \"{}\"}}]\n",
        servers[1]
    );
    let limpet = Limpet::start(&yaml).await;
    let reply = HttpClient::default()
        .get(&limpet.url("/"), "m.local", None)
        .await;
    let lvl2 = format!(
        "lvl2={}; Path=/",
        limpet::data::service::sticky::cookie_value(&servers[1])
    );
    assert_eq!(
        reply.set_cookies(),
        vec!["lvl1=8dfb3926c09f6a70; Path=/".to_owned(), lvl2]
    );
}
