//! Services: how a request picks the server it is forwarded to.
//!
//! Picking is synchronous and allocation-free on a sticky hit: a service returns the
//! chosen server and appends any `Set-Cookie` it must send (parent level first).

pub mod loadbalancer;
pub mod server;
pub mod sticky;
pub mod weighted;
pub mod wrr;

use std::net::IpAddr;

use http::{HeaderMap, HeaderValue};

pub use loadbalancer::LoadBalancer;
pub use server::{Server, ServerRegistry, ServerState};
pub use weighted::Weighted;

/// The parts of a request a service looks at to pick a server.
#[derive(Debug, Clone, Copy)]
pub struct RequestHead<'a> {
    pub headers: &'a HeaderMap,
    pub client_ip: IpAddr,
}

/// Affinity cookies to add to the response, in order.
pub type SetCookies = Vec<HeaderValue>;

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
    LoadBalancer(LoadBalancer),
    Weighted(Weighted),
}

impl Service {
    /// Picks the server for this request, or `None` when nothing is available (503).
    pub fn select<'s>(
        &'s self,
        head: &RequestHead<'_>,
        cookies: &mut SetCookies,
    ) -> Option<Selected<'s>> {
        match self {
            Service::LoadBalancer(lb) => lb.select(head, cookies),
            Service::Weighted(weighted) => weighted.select(head, cookies),
        }
    }
}
