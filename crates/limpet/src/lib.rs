//! limpet: a Traefik-compatible edge router whose sticky sessions never fail silently.
//!
//! ```text
//! provider::{file, memory} ─▶ app (aggregate, merge, validate) ─▶ snapshot::build ─▶ ArcSwap
//! entrypoint (listener, hyper conn) ─▶ router (host index, rules) ─▶ service (sticky, wrr)
//!                                   ─▶ proxy (rewrite, upstream pool, upgrades) ─▶ response
//! ```
//! See `docs/architecture.md` for the full picture.
#![forbid(unsafe_code)]

pub mod accesslog;
pub mod api;
pub mod app;
pub mod check;
pub mod dashboard;
pub mod demo;
pub mod doctor;
pub mod entrypoint;
pub mod healthcheck;
pub mod internal;
pub mod logging;
pub mod metrics;
pub mod observe;
pub mod ping;
pub mod provider;
pub mod proxy;
pub mod responses;
pub mod router;
pub mod sanitize;
pub mod service;
pub mod snapshot;
pub mod whoami;
