//! limpet: a Traefik-compatible edge router whose sticky sessions never fail silently.
//!
//! ```text
//! provider::{file, memory} ─▶ app (aggregate, merge, validate) ─▶ snapshot::build ─▶ ArcSwap
//! entrypoint (listener, hyper conn) ─▶ router (host index, rules) ─▶ service (sticky, wrr)
//!                                   ─▶ proxy (rewrite, upstream pool, upgrades) ─▶ response
//! ```
//! See `docs/architecture.md` for the full picture.
#![forbid(unsafe_code)]

pub mod control;
pub mod data;
pub mod ops;
pub mod state;
pub mod tools;
