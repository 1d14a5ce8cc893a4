//! Metrics read at scrape time from the current snapshot and the per-server records:
//! `traefik_service_server_up` (services with a health check, as Traefik),
//! `limpet_sticky_decisions_total`, `limpet_sticky_pinned_sessions`,
//! `limpet_server_draining` and `limpet_accesslog_dropped_total`.

use limpet_config::model::ServiceKind;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::MetricType;

use crate::ops::api::extras::{server_states, ServerStateView};
use crate::ops::internal::View;

/// Values of one scrape.
#[derive(Debug, Default)]
pub struct StateMetrics {
    server_up: Vec<(String, String, i64)>,
    decisions: Vec<(String, &'static str, u64)>,
    pinned: Vec<(String, String, i64)>,
    draining: Vec<(String, String, i64)>,
    dropped: Option<u64>,
}

/// Reads the state metrics now.
pub fn collect(shared: &View<'_>) -> StateMetrics {
    let snapshot = shared.snapshot.load_full();
    let mut state = StateMetrics {
        dropped: shared.observer.access_log.as_ref().map(|log| log.dropped()),
        ..StateMetrics::default()
    };
    for view in server_states(shared, &snapshot) {
        let sticky = view.sticky_cookie.is_some();
        if sticky {
            let outcomes = view
                .outcomes
                .iter()
                .map(|(o, n)| (view.name.clone(), *o, *n));
            state.decisions.extend(outcomes);
        }
        let health_checked = matches!(
            snapshot.model.services.get(&view.name).map(|s| &s.kind),
            Some(ServiceKind::LoadBalancer(lb)) if lb_has_health_check(shared, &view.name, lb)
        );
        for server in &view.servers {
            add_server(&mut state, &view.name, server, sticky, health_checked);
        }
    }
    state
}

fn add_server(
    state: &mut StateMetrics,
    service: &str,
    server: &ServerStateView,
    sticky: bool,
    health_checked: bool,
) {
    let key = || (service.to_owned(), server.url.clone());
    if health_checked {
        let (s, u) = key();
        state
            .server_up
            .push((s, u, i64::from(server.status == "UP")));
    }
    if sticky {
        let (s, u) = key();
        state.pinned.push((s, u, server.pinned_sessions as i64));
    }
    let (s, u) = key();
    state.draining.push((s, u, i64::from(server.draining)));
}

/// Traefik exposes `server_up` only for services with an active health check.
fn lb_has_health_check(
    shared: &View<'_>,
    name: &str,
    _lb: &limpet_config::model::LoadBalancerModel,
) -> bool {
    let snapshot = shared.snapshot.load();
    snapshot
        .config
        .services
        .get(name)
        .and_then(|s| s.config.load_balancer.as_ref())
        .is_some_and(|lb| lb.health_check.is_some())
}

impl Collector for StateMetrics {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        gauges(
            &mut encoder,
            "traefik_service_server_up",
            "service server is up, described by gauge value of 0 or 1.",
            ("service", "url"),
            &self.server_up,
        )?;
        let mut family = encoder.encode_descriptor(
            "limpet_sticky_decisions",
            "Sticky decisions by service and outcome (hit, new, repinned_down…).",
            None,
            MetricType::Counter,
        )?;
        for (service, outcome, count) in &self.decisions {
            let labels = [("outcome", *outcome), ("service", service.as_str())];
            ConstCounter::new(*count).encode(family.encode_family(&labels)?)?;
        }
        gauges(
            &mut encoder,
            "limpet_sticky_pinned_sessions",
            "Estimated distinct clients pinned to a server, seen in the last 5 to 10 minutes.",
            ("service", "server"),
            &self.pinned,
        )?;
        gauges(
            &mut encoder,
            "limpet_server_draining",
            "Whether a server is draining (keeps its sessions, takes no new ones): 0 or 1.",
            ("service", "server"),
            &self.draining,
        )?;
        if let Some(dropped) = self.dropped {
            let counter = ConstCounter::new(dropped);
            let family = encoder.encode_descriptor(
                "limpet_accesslog_dropped",
                "Access log lines dropped because the writer could not keep up.",
                None,
                counter.metric_type(),
            )?;
            counter.encode(family)?;
        }
        Ok(())
    }
}

fn gauges(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    (first, second): (&'static str, &'static str),
    values: &[(String, String, i64)],
) -> Result<(), std::fmt::Error> {
    let mut family = encoder.encode_descriptor(name, help, None, MetricType::Gauge)?;
    for (a, b, value) in values {
        let labels = [(first, a.as_str()), (second, b.as_str())];
        ConstGauge::new(*value).encode(family.encode_family(&labels)?)?;
    }
    Ok(())
}
