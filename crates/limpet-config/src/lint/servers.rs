//! Servers of sticky load balancers:
//! LMP010 a server given by IP address without a stable `id` (cause 3: the cookie value
//! is derived from the URL, so a restart on a new IP strands every pinned session);
//! LMP011 no health check at all (a dead pinned server keeps getting its sessions, which
//! fail until the server is removed from the configuration).

use std::net::IpAddr;

use super::context::{Input, StickyService};
use super::finding::Draft;
use super::patch::base;
use super::{Code, Finding, Severity};
use crate::diagnostics::ElementKind;
use crate::dynamic::LoadBalancer;

pub(super) fn check(input: &Input<'_>) -> Vec<Finding> {
    input.sticky.iter().filter_map(ip_servers).collect()
}

fn ip_servers(sticky: &StickyService<'_>) -> Option<Finding> {
    let lb = sticky.element.config.load_balancer.as_ref()?;
    let bare: Vec<usize> = lb
        .servers
        .iter()
        .enumerate()
        .filter(|(_, s)| s.id.as_deref().is_none_or(str::is_empty) && host_is_ip(&s.url))
        .map(|(index, _)| index)
        .collect();
    let first = *bare.first()?;
    let urls: Vec<&str> = bare.iter().map(|i| lb.servers[*i].url.as_str()).collect();
    let mut fixed = lb.clone();
    for index in &bare {
        fixed.servers[*index].id = Some(format!("{}-{}", token(base(sticky.name)), index + 1));
    }
    let finding = Draft::new(
        Code::Lmp010,
        Severity::Warning,
        ElementKind::Service,
        sticky.name,
    )
    .at(&format!("loadBalancer.servers[{first}]"))
    .message(format!(
        "sticky service {} addresses servers by IP ({}) without an id: the cookie value is \
             derived from the URL, so when a server comes back on another IP its sessions are lost",
        sticky.name,
        urls.join(", ")
    ))
    .patch(
        sticky.with_lb(fixed),
        "give each server a stable id (a limpet extension; the cookie then follows the id),\n\
             or address servers by a DNS name that survives restarts",
    );
    Some(finding)
}

fn host_is_ip(url: &str) -> bool {
    let Ok(uri) = url.parse::<http::Uri>() else {
        return false;
    };
    let host = uri.host().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.parse::<IpAddr>().is_ok()
}

pub(super) fn check_health(input: &Input<'_>) -> Vec<Finding> {
    input.sticky.iter().filter_map(no_health_check).collect()
}

fn no_health_check(sticky: &StickyService<'_>) -> Option<Finding> {
    let lb = sticky.element.config.load_balancer.as_ref()?;
    if lb.health_check.is_some() || lb.passive_health_check.is_some() {
        return None;
    }
    let fixed = LoadBalancer {
        passive_health_check: Some(Box::default()),
        ..lb.clone()
    };
    let finding = Draft::new(
        Code::Lmp011,
        Severity::Warning,
        ElementKind::Service,
        sticky.name,
    )
    .at("loadBalancer.healthCheck")
    .message(format!(
        "sticky service {} has no health check: when a server dies, the sessions pinned to it \
             keep being sent there and fail (502) until it is removed from the configuration",
        sticky.name
    ))
    .patch(
        sticky.with_lb(fixed),
        "a passive health check needs nothing from the application; an active one\n\
             (healthCheck: {path: /health, interval: 10s}) also notices idle dead servers",
    );
    Some(finding)
}

/// `name` reduced to cookie-name and id-safe characters.
pub(super) fn token(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
