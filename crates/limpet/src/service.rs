//! Services: how a request picks the server it is forwarded to.
//!
//! Picking is synchronous and allocation-free on a sticky hit: a service returns the
//! chosen server and appends any `Set-Cookie` it must send (parent level first).

pub mod loadbalancer;
pub mod outcome;
pub mod server;
pub mod sticky;
pub mod weighted;
pub mod wrr;

use std::net::IpAddr;

use http::{HeaderMap, HeaderName, HeaderValue};

pub use loadbalancer::LoadBalancer;
pub use outcome::StickyOutcome;
pub use server::{Server, ServerRegistry, ServerState};
pub use weighted::Weighted;

/// The parts of a request a service looks at to pick a server.
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    pub headers: &'a HeaderMap,
    pub client_ip: IpAddr,
}

/// Headers the affinity layer adds to the response, in order (`Set-Cookie` values go before
/// the server's own `Set-Cookie` headers).
pub type AffinityHeaders = Vec<(HeaderName, HeaderValue)>;

/// The outcome of a pick.
#[derive(Debug, Clone, Copy)]
pub struct Selected<'a> {
    pub server: &'a Server,
    pub pass_host_header: bool,
    /// Affinity cookie the server must not see (`stripFromUpstream`), if any.
    pub strip_cookie: Option<&'a str>,
    /// What the (innermost) sticky layer decided.
    pub outcome: StickyOutcome,
}

/// A built service of one configuration generation.
#[derive(Debug)]
pub enum Service {
    LoadBalancer(LoadBalancer),
    Weighted(Weighted),
}

impl Service {
    /// Picks the server for this request, or `None` when nothing is available (503).
    pub fn select<'s>(
        &'s self,
        head: &RequestHead<'_>,
        out: &mut AffinityHeaders,
    ) -> Option<Selected<'s>> {
        match self {
            Service::LoadBalancer(lb) => lb.select(head, out),
            Service::Weighted(weighted) => weighted.select(head, out),
        }
    }
}
