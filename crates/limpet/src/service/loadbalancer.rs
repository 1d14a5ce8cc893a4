//! `loadBalancer`: servers picked by weighted round robin, with optional cookie affinity.

use http::header::SET_COOKIE;
use limpet_config::model::LoadBalancerModel;

use super::sticky::{Pin, Sticky};
use super::wrr::Wrr;
use super::{AffinityHeaders, RequestHead, Selected, Server, StickyOutcome};

/// A built `loadBalancer` service.
#[derive(Debug)]
pub struct LoadBalancer {
    servers: Vec<Server>,
    wrr: Wrr,
    sticky: Option<Sticky>,
    pass_host_header: bool,
}

impl LoadBalancer {
    /// `servers` in their (shuffled) order with their weights; only weight > 0 are reachable,
    /// as in Traefik.
    pub fn new(model: &LoadBalancerModel, servers: Vec<(Server, i64)>) -> LoadBalancer {
        let (servers, weights): (Vec<Server>, Vec<i64>) = servers
            .into_iter()
            .filter(|(_, weight)| *weight > 0)
            .unzip();
        let sticky = model
            .sticky
            .as_ref()
            .map(|sticky| Sticky::new(&sticky.cookie, servers.iter().map(|s| &*s.url)));
        LoadBalancer {
            wrr: Wrr::new(&weights),
            servers,
            sticky,
            pass_host_header: model.pass_host_header,
        }
    }

    /// Honours a valid pin to an available server; otherwise picks by WRR and pins.
    pub fn select<'s>(
        &'s self,
        head: &RequestHead<'_>,
        cookies: &mut AffinityHeaders,
    ) -> Option<Selected<'s>> {
        let pinned = self.pinned(head);
        let index = match pinned {
            Some(Pin::Current(index)) => index,
            Some(Pin::Compat(index)) => self.assign(index, cookies),
            None => {
                let index = self.wrr.next(|i| self.servers[i].is_available())?;
                self.assign(index, cookies)
            }
        };
        Some(self.selected(index))
    }

    /// The request's pin, if it names a server that is available.
    fn pinned(&self, head: &RequestHead<'_>) -> Option<Pin> {
        let pin = self.sticky.as_ref()?.pin(head.headers)?;
        self.servers.get(pin.index())?.is_available().then_some(pin)
    }

    /// Pins the client to `index` (when sticky) and returns it.
    fn assign(&self, index: usize, cookies: &mut AffinityHeaders) -> usize {
        if let Some(cookie) = self.sticky.as_ref().and_then(|s| s.set_cookie(index)) {
            cookies.push((SET_COOKIE, cookie.clone()));
        }
        index
    }

    fn selected(&self, index: usize) -> Selected<'_> {
        Selected {
            server: &self.servers[index],
            pass_host_header: self.pass_host_header,
            strip_cookie: None,
            outcome: StickyOutcome::NotSticky,
        }
    }

    /// The servers that can receive traffic, in build order.
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }
}
