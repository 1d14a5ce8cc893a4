//! `loadBalancer`: servers picked by a strategy, with optional affinity that survives
//! restarts, drains, failures and reloads.

use limpet_config::model::LoadBalancerModel;
use tokio::time::Instant;

use super::affinity::{Affinity, Claim, Renew};
use super::strategy::{rendezvous, Strategy};
use super::token::Token;
use super::{Decision, RequestHead, Selected, Server, StickyOutcome};

/// A built `loadBalancer` service.
#[derive(Debug)]
pub struct LoadBalancer {
    servers: Vec<Server>,
    strategy: Strategy,
    affinity: Option<Affinity>,
    pass_host_header: bool,
}

impl LoadBalancer {
    /// `servers` in their (shuffled) order; `removed` are the values of servers this service
    /// lost in recent reloads.
    pub fn new(
        model: &LoadBalancerModel,
        servers: Vec<Server>,
        removed: Vec<(String, Instant)>,
    ) -> LoadBalancer {
        let weights: Vec<i64> = servers.iter().map(|s| s.weight).collect();
        let affinity = model
            .sticky
            .as_ref()
            .map(|sticky| Affinity::new(sticky, &servers, removed));
        LoadBalancer {
            strategy: Strategy::new(model.strategy, &weights),
            servers,
            affinity,
            pass_host_header: model.pass_host_header,
        }
    }

    /// Picks the server for this request; `None` answers 503 (nothing available, or
    /// `onFailure: strict` with the pinned server unavailable).
    pub fn select(&self, head: &RequestHead<'_>, decision: &mut Decision) -> Option<Selected<'_>> {
        let Some(affinity) = &self.affinity else {
            decision.outcome = StickyOutcome::NotSticky;
            return self.pick_new(head).map(|i| self.selected(i));
        };
        let index = match affinity.read(head) {
            Claim::Pinned {
                index,
                key,
                token,
                renew,
            } => self.pinned(affinity, (index, key, token, renew), head, decision),
            Claim::Removed { waiting: true, .. } => {
                decision.outcome = StickyOutcome::RestartWait;
                return None;
            }
            Claim::Removed { key, token, .. } => self.repin(
                affinity,
                key,
                token,
                StickyOutcome::RepinnedRemoved,
                head,
                decision,
            ),
            Claim::Expired(outcome) => self.assign_new(affinity, outcome, head, decision),
            Claim::BadSignature => {
                self.assign_new(affinity, StickyOutcome::BadSignature, head, decision)
            }
            Claim::Unknown => self.assign_new(affinity, StickyOutcome::Unknown, head, decision),
            Claim::Absent => self.assign_new(affinity, StickyOutcome::New, head, decision),
        }?;
        affinity.debug(&self.servers[index], &mut decision.headers);
        Some(self.selected(index))
    }

    /// Honours a pin to a usable server, otherwise moves the session.
    fn pinned(
        &self,
        affinity: &Affinity,
        (index, key, token, renew): (usize, Option<u64>, Option<Token>, Renew),
        head: &RequestHead<'_>,
        decision: &mut Decision,
    ) -> Option<usize> {
        let server = self.servers.get(index)?;
        let failure = if !server.is_available() || head.excludes(server) {
            Some(StickyOutcome::RepinnedDown)
        } else if server.is_draining() && server.state.drain.is_drained() {
            Some(StickyOutcome::RepinnedDrained)
        } else {
            None
        };
        if let Some(outcome) = failure {
            let key = affinity.session_key(key, head);
            return self.repin(affinity, key, token, outcome, head, decision);
        }
        if server.is_draining() {
            server
                .state
                .drain
                .saw_session(affinity.session_key(key, head));
        }
        decision.outcome = if renew == Renew::CompatRewrite {
            StickyOutcome::CompatRewrite
        } else {
            StickyOutcome::Hit
        };
        if renew != Renew::No {
            affinity.assign(index, server, token, &mut decision.headers);
        }
        Some(index)
    }

    /// Moves a session whose server is unusable: deterministically (rendezvous on the session
    /// key), or not at all under `onFailure: strict`.
    fn repin(
        &self,
        affinity: &Affinity,
        key: u64,
        token: Option<Token>,
        outcome: StickyOutcome,
        head: &RequestHead<'_>,
        decision: &mut Decision,
    ) -> Option<usize> {
        if affinity.strict {
            decision.outcome = StickyOutcome::StrictReject;
            return None;
        }
        let index = rendezvous(&self.servers, key, &|i| self.takes_new(i, head))?;
        decision.outcome = outcome;
        affinity.assign(index, &self.servers[index], token, &mut decision.headers);
        Some(index)
    }

    /// A new session: the strategy picks, the client is pinned.
    fn assign_new(
        &self,
        affinity: &Affinity,
        outcome: StickyOutcome,
        head: &RequestHead<'_>,
        decision: &mut Decision,
    ) -> Option<usize> {
        let index = self.pick_new(head)?;
        decision.outcome = outcome;
        affinity.assign(index, &self.servers[index], None, &mut decision.headers);
        Some(index)
    }

    fn pick_new(&self, head: &RequestHead<'_>) -> Option<usize> {
        self.strategy
            .pick(&self.servers, head, &|i| self.takes_new(i, head))
    }

    fn takes_new(&self, index: usize, head: &RequestHead<'_>) -> bool {
        let server = &self.servers[index];
        server.takes_new_sessions() && !head.excludes(server)
    }

    fn selected(&self, index: usize) -> Selected<'_> {
        Selected {
            server: &self.servers[index],
            pass_host_header: self.pass_host_header,
            strip_cookie: self
                .affinity
                .as_ref()
                .and_then(|a| a.strip_cookie.as_deref()),
        }
    }

    /// Every server of this generation, in build order.
    pub fn servers(&self) -> &[Server] {
        &self.servers
    }

    /// Whether any server can take traffic (health propagation to parent services).
    pub fn has_available(&self) -> bool {
        self.servers.iter().any(Server::is_available)
    }
}
