//! `weighted`: round robin of child services, own cookie (docs/traefik.md#multi-level-stickiness).

use std::sync::Arc;

use http::header::SET_COOKIE;
use limpet_config::model::{WeightedChild, WeightedModel};

use super::sticky::{Pin, Sticky};
use super::wrr::Wrr;
use super::{Decision, RequestHead, Service};

/// A built `weighted` service: children picked by WRR, optionally sticky by child name.
#[derive(Debug)]
pub struct Weighted {
    children: Vec<Arc<Service>>,
    wrr: Wrr,
    sticky: Option<Sticky>,
    /// `healthCheck: {}`: skip children that have no available server.
    health_check: bool,
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
            .filter(|s| s.cookie_enabled)
            .map(|sticky| Sticky::new(&sticky.cookie, names));
        Weighted {
            wrr: Wrr::new(&weights),
            children: reachable.into_iter().map(|(_, service)| service).collect(),
            sticky,
            health_check: model.health_check,
        }
    }

    /// Picks a child (pinned or by WRR) and writes this level's cookie first.
    pub fn pick(&self, head: &RequestHead<'_>, decision: &mut Decision) -> Option<&Arc<Service>> {
        let usable = |i: usize| {
            !self.health_check || self.children.get(i).is_some_and(|c| c.has_available())
        };
        let index = match self.sticky.as_ref().and_then(|s| s.pin(head.headers)) {
            Some(Pin::Current(index)) if usable(index) => index,
            Some(Pin::Compat(index)) if usable(index) => self.assign(index, decision),
            _ => {
                let index = self.wrr.next(usable)?;
                self.assign(index, decision)
            }
        };
        self.children.get(index)
    }

    fn assign(&self, index: usize, decision: &mut Decision) -> usize {
        if let Some(cookie) = self.sticky.as_ref().and_then(|s| s.set_cookie(index)) {
            decision.headers.push((SET_COOKIE, cookie.clone()));
        }
        index
    }

    /// Whether any child can serve.
    pub fn has_available(&self) -> bool {
        self.children.iter().any(|child| child.has_available())
    }
}
