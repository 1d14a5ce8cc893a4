//! `weighted`: round robin between child services, with its own affinity cookie (§1.7).

use std::sync::Arc;

use http::header::SET_COOKIE;
use limpet_config::model::{WeightedChild, WeightedModel};

use super::sticky::{Pin, Sticky};
use super::wrr::Wrr;
use super::{AffinityHeaders, RequestHead, Selected, Service};

/// A built `weighted` service: children picked by WRR, optionally sticky by child name.
#[derive(Debug)]
pub struct Weighted {
    children: Vec<Arc<Service>>,
    wrr: Wrr,
    sticky: Option<Sticky>,
}

impl Weighted {
    /// `children[i]` is the built service of `model.services[i]`; weight ≤ 0 children are
    /// unreachable, as in Traefik.
    pub fn new(model: &WeightedModel, children: Vec<Arc<Service>>) -> Weighted {
        let reachable: Vec<(&WeightedChild, Arc<Service>)> = model
            .services
            .iter()
            .zip(children)
            .filter(|(child, _)| child.weight > 0)
            .collect();
        let weights: Vec<i64> = reachable.iter().map(|(child, _)| child.weight).collect();
        let names = reachable
            .iter()
            .map(|(child, _)| child.written_name.as_str());
        let sticky = model
            .sticky
            .as_ref()
            .map(|sticky| Sticky::new(&sticky.cookie, names));
        Weighted {
            wrr: Wrr::new(&weights),
            children: reachable.into_iter().map(|(_, service)| service).collect(),
            sticky,
        }
    }

    /// Picks a child (pinned or by WRR), writes this level's cookie, then lets the child pick.
    pub fn select<'s>(
        &'s self,
        head: &RequestHead<'_>,
        cookies: &mut AffinityHeaders,
    ) -> Option<Selected<'s>> {
        let index = match self.sticky.as_ref().and_then(|s| s.pin(head.headers)) {
            Some(Pin::Current(index)) if index < self.children.len() => index,
            Some(Pin::Compat(index)) if index < self.children.len() => self.assign(index, cookies),
            _ => {
                let index = self.wrr.next(|_| true)?;
                self.assign(index, cookies)
            }
        };
        self.children.get(index)?.select(head, cookies)
    }

    fn assign(&self, index: usize, cookies: &mut AffinityHeaders) -> usize {
        if let Some(cookie) = self.sticky.as_ref().and_then(|s| s.set_cookie(index)) {
            cookies.push((SET_COOKIE, cookie.clone()));
        }
        index
    }
}
