//! The data plane: everything a request touches between the client socket and the server.
//!
//! Listeners and connections (`entrypoint`), the immutable per-configuration snapshot and its
//! pure build (`snapshot`), the route table (`router`), services and balancers with affinity
//! (`service`), the upstream transport (`proxy`), TLS termination (`tls`), and the canned
//! responses. It reports what
//! happened through the narrow interface of `observer` and imports nothing from the operations
//! surface or the control plane (`tests/layers.rs` keeps it so).

pub mod entrypoint;
pub mod observer;
pub mod proxy;
pub mod record;
pub mod responses;
pub mod router;
pub mod sanitize;
pub mod service;
pub mod snapshot;
pub mod ticks;
pub mod tls;
