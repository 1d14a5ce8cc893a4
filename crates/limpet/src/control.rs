//! The control plane: starting and stopping (`app`), the providers that produce dynamic
//! configurations (`provider`), the reload pipeline that turns them into snapshots (`reload`),
//! and the health-check tasks (`healthcheck`).

pub mod app;
pub mod healthcheck;
pub mod provider;
pub mod reload;
