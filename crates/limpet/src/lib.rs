//! limpet: a Traefik-compatible edge router whose sticky sessions never fail silently.
//!
//! ```text
//! control: provider::{file, memory, internal} ─▶ reload (merge, validate, lint)
//!          ─▶ data::snapshot::build (pure) ─▶ ServerRegistry::reconcile ─▶ ArcSwap
//! data:    entrypoint (listener, hyper conn) ─▶ router (host index, rules)
//!          ─▶ service (sticky, wrr) ─▶ proxy (rewrite, upstream pool, upgrades) ─▶ response
//!          reports through observer::{ExchangeSink, InternalServices}, implemented by ops
//! tools:   check, doctor, whoami, demo
//! ```
//! See `docs/architecture.md` for the full picture.
#![forbid(unsafe_code)]

pub mod control;
pub mod data;
pub mod ops;
pub mod state;
pub mod tools;
