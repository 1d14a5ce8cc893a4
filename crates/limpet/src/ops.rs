//! The operations surface: what operators read and scrape. The API, the dashboard, Prometheus
//! metrics, the access log, ping, the process log, and the observer that feeds them from the
//! data plane's reports.

pub mod accesslog;
pub mod api;
pub mod dashboard;
pub mod internal;
pub mod logging;
pub mod metrics;
pub mod observe;
pub mod ping;
