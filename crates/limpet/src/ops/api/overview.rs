//! `/api/overview`, `/api/rawdata`, `/api/entrypoints[/{name}]` and `/api/version`.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::header::{HeaderValue, CONTENT_TYPE};
use http::{Response, StatusCode};
use limpet_config::static_config::EntryPoint;
use serde::Serialize;

use super::views::{MiddlewareInfo, RouterInfo, ServiceInfo, Source};
use crate::data::responses::{self, ProxyBody};
use crate::ops::internal::Internals;
use crate::ops::internal::View;

/// `/api/rawdata`: every element by name, without the representation's extra fields.
#[derive(Serialize)]
pub struct RawData {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    routers: BTreeMap<String, RouterInfo>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    middlewares: BTreeMap<String, MiddlewareInfo>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    services: BTreeMap<String, RawService>,
}

/// A service in rawdata: `ServiceInfo` with its `serverStatus`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RawService {
    #[serde(flatten)]
    info: ServiceInfo,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    server_status: BTreeMap<String, &'static str>,
}

pub fn rawdata(source: &Source<'_>) -> RawData {
    RawData {
        routers: source
            .routers()
            .into_iter()
            .map(|r| (r.name, r.info))
            .collect(),
        middlewares: source
            .middlewares()
            .into_iter()
            .map(|m| (m.name, m.info))
            .collect(),
        services: source
            .services()
            .into_iter()
            .map(|s| {
                let server_status = s.info.server_status.clone();
                (
                    s.name,
                    RawService {
                        info: s.info,
                        server_status,
                    },
                )
            })
            .collect(),
    }
}

/// Totals of one element kind: errors are `disabled`, warnings `warning`.
#[derive(Serialize, Default, Clone, Copy)]
pub struct Counts {
    total: usize,
    warnings: usize,
    errors: usize,
}

fn counts<'s>(statuses: impl Iterator<Item = &'s str>) -> Counts {
    statuses.fold(Counts::default(), |mut c, status| {
        c.total += 1;
        c.warnings += usize::from(status == "warning");
        c.errors += usize::from(status == "disabled");
        c
    })
}

#[derive(Serialize)]
struct HttpCounts {
    routers: Counts,
    services: Counts,
    middlewares: Counts,
}

#[derive(Serialize)]
struct UdpCounts {
    routers: Counts,
    services: Counts,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Features {
    tracing: &'static str,
    metrics: &'static str,
    access_log: bool,
}

/// `/api/overview`.
#[derive(Serialize)]
pub struct Overview {
    http: HttpCounts,
    tcp: HttpCounts,
    udp: UdpCounts,
    certificates: Counts,
    features: Features,
    providers: Vec<String>,
}

pub fn overview(shared: &View<'_>, source: &Source<'_>) -> Overview {
    let internals = &shared.internals;
    let empty = Counts::default();
    Overview {
        http: HttpCounts {
            routers: counts(source.routers().iter().map(|r| r.info.status)),
            services: counts(source.services().iter().map(|s| s.info.status)),
            middlewares: counts(source.middlewares().iter().map(|m| m.info.status)),
        },
        tcp: HttpCounts {
            routers: empty,
            services: empty,
            middlewares: empty,
        },
        udp: UdpCounts {
            routers: empty,
            services: empty,
        },
        certificates: empty,
        features: Features {
            tracing: "",
            metrics: if shared.observer.metrics.is_some() {
                "Prometheus"
            } else {
                ""
            },
            access_log: internals.access_log_enabled,
        },
        providers: internals.providers.clone(),
    }
}

/// An entrypoint as configured (defaults filled in) with its name.
#[derive(Serialize)]
pub struct EntryPointView {
    #[serde(flatten)]
    config: EntryPoint,
    name: String,
}

/// Every entrypoint, by name.
pub fn entry_points(internals: &Internals) -> Vec<EntryPointView> {
    internals
        .entry_points
        .iter()
        .map(|(name, config)| EntryPointView {
            config: config.clone(),
            name: name.clone(),
        })
        .collect()
}

pub fn entry_point(internals: &Internals, name: &str) -> Option<EntryPointView> {
    entry_points(internals)
        .into_iter()
        .find(|ep| ep.name == name)
}

#[derive(Serialize)]
struct Version {
    #[serde(rename = "Version")]
    version: &'static str,
    #[serde(rename = "Codename")]
    codename: &'static str,
    #[serde(rename = "startDate")]
    start_date: String,
}

/// `/api/version`: limpet's version in Traefik's shape (Traefik writes it without the
/// trailing newline and with `charset=UTF-8`).
pub fn version(internals: &Internals) -> Response<ProxyBody> {
    let version = Version {
        version: env!("CARGO_PKG_VERSION"),
        codename: "limpet",
        start_date: crate::ops::accesslog::rfc3339_nanos(internals.started),
    };
    let text = super::go_json(&version);
    let mut response = responses::plain(StatusCode::OK, Bytes::from(text));
    let json = HeaderValue::from_static("application/json; charset=UTF-8");
    response.headers_mut().insert(CONTENT_TYPE, json);
    response
}
