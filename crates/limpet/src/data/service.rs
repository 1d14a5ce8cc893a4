//! Services: how a request picks the server it is forwarded to.
//!
//! Picking is synchronous and allocation-free on a sticky hit: a load balancer returns the
//! chosen server and appends any affinity headers it must send (parent level first).
//! [`serve`] runs the asynchronous part: forwarding, mirroring, failover, passive health.

pub mod affinity;
pub mod composite;
pub mod loadbalancer;
pub mod outcome;
pub mod serve;
pub mod server;
pub mod sticky;
pub mod strategy;
pub mod token;
pub mod weighted;
pub mod wrr;

use std::net::IpAddr;
use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};

pub use composite::{Failover, Mirroring};
pub use loadbalancer::LoadBalancer;
pub use outcome::StickyOutcome;
pub use serve::{serve, Exchange};
pub use server::{Server, ServerRegistry, ServerState};
pub use weighted::Weighted;

/// The parts of a request a service looks at to pick a server.
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    pub headers: &'a HeaderMap,
    pub client_ip: IpAddr,
    /// Identities of servers already tried for this request (a retry goes elsewhere).
    pub tried: &'a [&'a str],
}

impl RequestHead<'_> {
    /// Whether `server` was already tried for this request.
    pub fn excludes(&self, server: &Server) -> bool {
        !self.tried.is_empty() && self.tried.contains(&&*server.identity)
    }
}

/// Headers the affinity layer adds to the response, in order (`Set-Cookie` values go before
/// the server's own `Set-Cookie` headers; others replace the server's).
pub type AffinityHeaders = Vec<(HeaderName, HeaderValue)>;

/// What the service layer decided for one request, for the response and the logs.
#[derive(Debug, Default)]
pub struct Decision {
    pub headers: AffinityHeaders,
    /// The innermost sticky decision.
    pub outcome: StickyOutcome,
    /// URL (as written) of the server that was sent the request.
    pub server_url: Option<Arc<str>>,
}

/// The outcome of a pick.
#[derive(Debug, Clone, Copy)]
pub struct Selected<'a> {
    pub server: &'a Server,
    pub pass_host_header: bool,
    /// Affinity cookie the server must not see (`stripFromUpstream`), if any.
    pub strip_cookie: Option<&'a str>,
}

/// A built service of one configuration generation.
#[derive(Debug)]
pub enum Service {
    LoadBalancer(Box<LoadBalancer>),
    Weighted(Weighted),
    Mirroring(Mirroring),
    Failover(Failover),
    /// Answered by limpet itself (API, dashboard, ping, metrics); never forwarded.
    Internal(limpet_config::model::InternalService),
}

impl Service {
    /// Whether it can serve at all (health propagation to parent services).
    pub fn has_available(&self) -> bool {
        match self {
            Service::LoadBalancer(lb) => lb.has_available(),
            Service::Weighted(weighted) => weighted.has_available(),
            Service::Mirroring(mirroring) => mirroring.main.has_available(),
            Service::Failover(failover) => {
                failover.main.has_available() || failover.fallback.has_available()
            }
            Service::Internal(_) => true,
        }
    }
}
