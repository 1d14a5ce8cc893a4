//! Traefik's configuration, read and checked without any I/O beyond reading files.
//!
//! ```text
//! static file / flags ─▶ static_config::StaticConfig
//! dynamic file bytes ─▶ decode ─▶ dynamic::Configuration (per provider)
//!        per-provider configs ─▶ merge (name@provider) ─▶ validate ─▶ (Model, Diagnostics)
//! ```
#![forbid(unsafe_code)]

pub mod compose;
pub mod cookie;
pub mod decode;
pub mod diagnostics;
pub mod duration;
pub mod dynamic;
pub mod keys;
pub mod labels;
pub mod lint;
pub mod merge;
pub mod model;
pub mod static_config;
pub mod validate;
