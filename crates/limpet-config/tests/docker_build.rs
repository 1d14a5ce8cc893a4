//! The shared Docker decoder (`labels::docker::build`) against Traefik 3.7's observed
//! behaviour (docs/traefik.md#docker-naming-and-defaults): names, ports, state and health,
//! `traefik.enable`, networks, constraints, default rules, merges; and limpet's additions
//! (stable server ids, limpet-only sticky keys as labels).
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use limpet_config::dynamic::{HttpConfiguration, LoadBalancer};
use limpet_config::labels::docker::{
    build, Constraint, Container, DockerOptions, ExposedPort, PortBinding, Template,
};
use limpet_config::static_config::EntryPointSet;

fn container(name: &str, ip: &str, ports: &[u16], labels: &[(&str, &str)]) -> Container {
    Container {
        id: name.to_owned(),
        name: name.to_owned(),
        labels: labels
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        status: "running".to_owned(),
        networks: BTreeMap::from([("bridge".to_owned(), ip.to_owned())]),
        ports: ports.iter().copied().map(ExposedPort::tcp).collect(),
        ..Container::default()
    }
}

fn compose(service: &str, project: &str, n: u32, ip: &str, extra: &[(&str, &str)]) -> Container {
    let number = n.to_string();
    let mut labels = vec![
        ("com.docker.compose.service", service),
        ("com.docker.compose.project", project),
        ("com.docker.compose.container-number", number.as_str()),
    ];
    labels.extend_from_slice(extra);
    container(&format!("{project}-{service}-{n}"), ip, &[8080], &labels)
}

fn http(containers: &[Container], options: &DockerOptions) -> HttpConfiguration {
    build(containers, options)
        .configuration
        .http
        .unwrap_or_default()
}

fn lb<'a>(http: &'a HttpConfiguration, service: &str) -> &'a LoadBalancer {
    http.services[service].load_balancer.as_ref().unwrap()
}

fn urls(http: &HttpConfiguration, service: &str) -> Vec<String> {
    lb(http, service)
        .servers
        .iter()
        .map(|s| s.url.clone())
        .collect()
}

fn names<T>(map: &BTreeMap<String, T>) -> Vec<&str> {
    map.keys().map(String::as_str).collect()
}

#[test]
fn names_compose_service_project_and_container_names() {
    let defaults = DockerOptions::default();
    let h = http(
        &[compose("my-app", "webstack", 1, "10.0.0.2", &[])],
        &defaults,
    );
    assert_eq!(names(&h.routers), ["my-app-webstack"]);
    assert_eq!(h.routers["my-app-webstack"].rule, "Host(`my-app-webstack`)");
    assert_eq!(h.routers["my-app-webstack"].service, "my-app-webstack");
    let h = http(
        &[compose("api.v1", "My Proj", 1, "10.0.0.2", &[])],
        &defaults,
    );
    assert_eq!(names(&h.services), ["api-v1-My-Proj"]);
    let h = http(
        &[container("/legacy_app.v2", "10.0.0.3", &[80], &[])],
        &defaults,
    );
    assert_eq!(names(&h.services), ["legacy-app-v2"]);
    let labelled = [("traefik.http.services.shop.loadbalancer.server.port", "80")];
    let h = http(
        &[container("legacy_app.v2", "10.0.0.3", &[80], &labelled)],
        &defaults,
    );
    assert_eq!(names(&h.services), ["shop"]);
    assert_eq!(h.routers["legacy-app-v2"].service, "shop");
}

#[test]
fn port_label_else_lowest_exposed_port_else_dropped() {
    let defaults = DockerOptions::default();
    let h = http(
        &[container("a", "10.0.0.2", &[9090, 8080, 8443], &[])],
        &defaults,
    );
    assert_eq!(urls(&h, "a"), ["http://10.0.0.2:8080"]);
    let label = [
        ("traefik.http.services.a.loadbalancer.server.port", "9090"),
        ("traefik.http.services.a.loadbalancer.server.scheme", "h2c"),
    ];
    let h = http(
        &[container("a", "10.0.0.2", &[8080, 9090], &label)],
        &defaults,
    );
    assert_eq!(urls(&h, "a"), ["h2c://10.0.0.2:9090"]);
    let url = [(
        "traefik.http.services.a.loadbalancer.server.url",
        "http://elsewhere:1",
    )];
    let h = http(&[container("a", "10.0.0.2", &[], &url)], &defaults);
    assert_eq!(urls(&h, "a"), ["http://elsewhere:1"]);
    let outcome = build(&[container("a", "10.0.0.2", &[], &[])], &defaults);
    assert!(outcome.configuration.http.is_none());
    assert!(outcome.problems[0].message.contains("port is missing"));
}

#[test]
fn only_running_containers_count_and_allownonrunning_gives_an_empty_service() {
    let defaults = DockerOptions::default();
    for status in ["paused", "created", "exited", "restarting"] {
        let mut c = container("a", "10.0.0.2", &[80], &[]);
        c.status = status.to_owned();
        assert!(
            build(&[c], &defaults).configuration.http.is_none(),
            "{status}"
        );
    }
    let mut c = container(
        "a",
        "10.0.0.2",
        &[80],
        &[("traefik.docker.allownonrunning", "true")],
    );
    c.status = "exited".to_owned();
    let h = http(&[c], &defaults);
    assert!(lb(&h, "a").servers.is_empty());
    assert_eq!(names(&h.routers), ["a"]);
}

#[test]
fn unhealthy_and_starting_are_left_out_unless_allow_empty_services() {
    let port_label = [("traefik.http.services.a.loadbalancer.server.port", "80")];
    for health in ["unhealthy", "starting"] {
        let mut c = container("a", "10.0.0.2", &[80], &port_label);
        c.health = Some(health.to_owned());
        let defaults = DockerOptions::default();
        assert!(build(&[c.clone()], &defaults).configuration.http.is_none());
        let allow = DockerOptions {
            allow_empty_services: true,
            ..DockerOptions::default()
        };
        let h = http(&[c], &allow);
        // Not Traefik's bug: no server with an empty URL for the port label.
        assert!(lb(&h, "a").servers.is_empty(), "{health}: {h:?}");
        assert_eq!(names(&h.routers), ["a"]);
    }
    let mut healthy = container("a", "10.0.0.2", &[80], &[]);
    healthy.health = Some("healthy".to_owned());
    assert_eq!(
        urls(&http(&[healthy], &DockerOptions::default()), "a").len(),
        1
    );
}

#[test]
fn traefik_enable_takes_go_booleans_and_anything_else_skips_the_container() {
    let hidden = DockerOptions {
        exposed_by_default: false,
        ..DockerOptions::default()
    };
    for value in ["1", "TRUE", "true", "t", "True"] {
        let c = container("a", "10.0.0.2", &[80], &[("traefik.enable", value)]);
        assert_eq!(names(&http(&[c], &hidden).routers), ["a"], "{value}");
    }
    for value in ["yes", "", "on"] {
        let c = container("a", "10.0.0.2", &[80], &[("traefik.enable", value)]);
        let outcome = build(&[c], &DockerOptions::default());
        assert!(outcome.configuration.http.is_none(), "{value}");
        assert!(outcome.problems[0].message.contains("invalid boolean"));
    }
    assert!(build(&[container("a", "10.0.0.2", &[80], &[])], &hidden)
        .configuration
        .http
        .is_none());
    let off = container("a", "10.0.0.2", &[80], &[("traefik.enable", "0")]);
    assert!(build(&[off], &DockerOptions::default())
        .configuration
        .http
        .is_none());
}

#[test]
fn network_label_then_provider_network_then_the_only_or_first_network() {
    let mut c = container("a", "10.0.0.2", &[80], &[]);
    c.networks.insert("front".to_owned(), "10.1.0.2".to_owned());
    let defaults = DockerOptions::default();
    assert_eq!(
        urls(&http(&[c.clone()], &defaults), "a"),
        ["http://10.0.0.2:80"]
    );
    let static_network = DockerOptions {
        network: "front".to_owned(),
        ..DockerOptions::default()
    };
    assert_eq!(
        urls(&http(&[c.clone()], &static_network), "a"),
        ["http://10.1.0.2:80"]
    );
    let mut labelled = c.clone();
    labelled
        .labels
        .insert("traefik.docker.network".to_owned(), "bridge".to_owned());
    assert_eq!(
        urls(&http(&[labelled], &static_network), "a"),
        ["http://10.0.0.2:80"]
    );
    let mut single = container(
        "a",
        "10.0.0.9",
        &[80],
        &[("traefik.docker.network", "webstack_front")],
    );
    single.networks = BTreeMap::from([("front".to_owned(), "10.0.0.9".to_owned())]);
    let outcome = build(&[single], &defaults);
    let h = outcome.configuration.http.unwrap();
    assert_eq!(urls(&h, "a"), ["http://10.0.0.9:80"]);
    assert!(outcome.problems[0]
        .message
        .contains("could not find network"));
}

#[test]
fn use_bind_port_ip_takes_the_host_binding_when_it_names_an_address() {
    let mut c = container("a", "10.0.0.2", &[], &[]);
    let binding = |ip: &str| PortBinding {
        host_ip: ip.to_owned(),
        host_port: "32768".to_owned(),
    };
    c.ports = vec![ExposedPort {
        port: 80,
        protocol: "tcp".to_owned(),
        bindings: vec![binding("192.168.1.10")],
    }];
    let options = DockerOptions {
        use_bind_port_ip: true,
        ..DockerOptions::default()
    };
    assert_eq!(
        urls(&http(&[c.clone()], &options), "a"),
        ["http://192.168.1.10:32768"]
    );
    c.ports[0].bindings = vec![binding("0.0.0.0")];
    assert_eq!(urls(&http(&[c], &options), "a"), ["http://10.0.0.2:80"]);
}

#[test]
fn constraints_and_default_rule_templates() {
    let options = DockerOptions {
        constraints: Constraint::parse("Label(`tier`, `front`) && !LabelRegex(`env`, `^dev`)")
            .unwrap(),
        default_rule: Template::parse(
            "Host(`{{ index .Labels \"tier\" }}.{{ normalize .Name }}.example`)",
        )
        .unwrap(),
        ..DockerOptions::default()
    };
    let kept = container("a_1", "10.0.0.2", &[80], &[("tier", "front")]);
    let dev = container(
        "b",
        "10.0.0.3",
        &[80],
        &[("tier", "front"), ("env", "dev1")],
    );
    let other = container("c", "10.0.0.4", &[80], &[("tier", "back")]);
    let h = http(&[kept, dev, other], &options);
    assert_eq!(names(&h.routers), ["a-1"]);
    assert_eq!(h.routers["a-1"].rule, "Host(`front.a-1.example`)");
}

#[test]
fn replicas_pool_with_stable_ids_and_different_cookie_names_drop_the_service() {
    let sticky = |name: &'static str| {
        [
            ("traefik.http.routers.my-app.rule", "Host(`app.example`)"),
            (
                "traefik.http.services.my-app.loadbalancer.sticky.cookie.name",
                name,
            ),
        ]
    };
    let one = compose(
        "my-app",
        "webstack",
        1,
        "10.0.0.2",
        &sticky("STICKY_SESSION"),
    );
    let two = compose(
        "my-app",
        "webstack",
        2,
        "10.0.0.3",
        &sticky("STICKY_SESSION"),
    );
    let h = http(&[one.clone(), two], &DockerOptions::default());
    let ids: Vec<_> = lb(&h, "my-app")
        .servers
        .iter()
        .map(|s| s.id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["webstack-my-app-1", "webstack-my-app-2"]);
    let other = compose("my-app", "webstack", 2, "10.0.0.3", &sticky("OTHER"));
    let outcome = build(&[one, other], &DockerOptions::default());
    let h = outcome.configuration.http.clone().unwrap();
    assert!(h.services.is_empty());
    let providers = BTreeMap::from([("docker".to_owned(), outcome.configuration)]);
    let merged = limpet_config::merge::merge(&providers);
    let eps = EntryPointSet {
        all: vec!["web".into()],
        defaults: vec!["web".into()],
    };
    let model = limpet_config::validate::validate(&merged, &eps);
    let router = &model.diagnostics.routers["my-app@docker"];
    let errors: Vec<String> = router.errors.iter().map(|e| e.to_string()).collect();
    assert!(
        errors
            .iter()
            .any(|e| e == "the service \"my-app@docker\" does not exist"),
        "{errors:?}"
    );
}

#[test]
fn runbook_cause_2_router_auto_binds_or_is_dropped() {
    // Router labels alone: the router is bound to Docker's generated service.
    let router = [(
        "traefik.http.routers.my-app-secure.rule",
        "Host(`app.example`)",
    )];
    let h = http(
        &[compose("my-app", "webstack", 1, "10.0.0.2", &router)],
        &DockerOptions::default(),
    );
    assert_eq!(h.routers["my-app-secure"].service, "my-app-webstack");
    assert!(lb(&h, "my-app-webstack").sticky.is_none());
    // Two services on one container and no service on the router: the router is dropped.
    let two = [
        (
            "traefik.http.routers.my-app-secure.rule",
            "Host(`app.example`)",
        ),
        (
            "traefik.http.services.my-app.loadbalancer.sticky.cookie.name",
            "STICKY_SESSION",
        ),
        (
            "traefik.http.services.my-app-webstack.loadbalancer.server.port",
            "8080",
        ),
    ];
    let outcome = build(
        &[compose("my-app", "webstack", 1, "10.0.0.2", &two)],
        &DockerOptions::default(),
    );
    let h = outcome.configuration.http.unwrap();
    assert!(h.routers.is_empty(), "{h:?}");
    assert!(outcome
        .problems
        .iter()
        .any(|p| p.message.contains("cannot be linked automatically")));
}

#[test]
fn limpet_sticky_keys_work_as_labels() {
    let labels = [
        (
            "traefik.http.services.a.loadbalancer.sticky.cookie.name",
            "sid",
        ),
        (
            "traefik.http.services.a.loadbalancer.sticky.onfailure",
            "strict",
        ),
        (
            "traefik.http.services.a.loadbalancer.sticky.debugheader",
            "true",
        ),
        (
            "traefik.http.services.a.loadbalancer.sticky.cookie.stripfromupstream",
            "true",
        ),
        ("traefik.http.services.a.loadbalancer.server.id", "cart-1"),
        ("traefik.http.services.a.loadbalancer.server.port", "80"),
    ];
    let outcome = build(
        &[container("a", "10.0.0.2", &[80], &labels)],
        &DockerOptions::default(),
    );
    assert!(outcome.problems.is_empty(), "{:?}", outcome.problems);
    let h = outcome.configuration.http.unwrap();
    let lb = lb(&h, "a");
    let sticky = lb.sticky.as_ref().unwrap();
    assert_eq!(sticky.on_failure.as_deref(), Some("strict"));
    assert!(sticky.debug_header.is_some());
    assert!(sticky.cookie.as_ref().unwrap().strip_from_upstream);
    assert_eq!(lb.servers[0].id.as_deref(), Some("cart-1"));
}
