//! The snapshot build is pure: it reads the state registry and writes nothing; the reconcile
//! step after it adopts new server states and pools and starts drains.
#![allow(clippy::unwrap_used)]

mod support;

use limpet::data::service::{ServerRegistry, Service};
use support::model::{build_only, servers_yaml};

fn yaml() -> String {
    format!(
        "http:\n  services:\n    app:\n      loadBalancer:\n        servers:\n{}          - url: http://10.0.0.9:80\n            draining: true\n",
        servers_yaml(2)
    )
}

#[test]
fn build_writes_nothing_and_reconcile_adopts() {
    let registry = ServerRegistry::default();
    let snapshot = build_only(&yaml(), &registry, 1);
    assert!(
        registry.all().is_empty(),
        "the build created registry state"
    );
    let Service::LoadBalancer(lb) = &*snapshot.services["app@file"] else {
        panic!("not a load balancer");
    };
    let draining = lb.servers().iter().find(|s| s.is_draining()).unwrap();
    assert!(
        !draining.state.drain.is_active(),
        "the build started a drain"
    );

    registry.reconcile(&snapshot);
    assert_eq!(registry.all().len(), 3);
    assert!(
        draining.state.drain.is_active(),
        "reconcile starts the drain"
    );
    let kept = registry.get("app@file", "http://10.0.0.1:80").unwrap();
    let again = build_only(&yaml(), &registry, 2);
    let Service::LoadBalancer(lb) = &*again.services["app@file"] else {
        panic!("not a load balancer");
    };
    let same = lb
        .servers()
        .iter()
        .find(|s| &*s.url == "http://10.0.0.1:80");
    assert!(
        std::sync::Arc::ptr_eq(&same.unwrap().state, &kept),
        "state survives a rebuild"
    );
}
