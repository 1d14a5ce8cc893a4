//! A request that never reached its server goes to another one at once, its session re-pinned
//! there (`repinned_down`), unless `onFailure: strict`; the dead server is marked down at
//! once so the next requests do not try it. Counts and states, no timings.
#![allow(clippy::unwrap_used)]

mod support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_free::join_all;
use limpet::data::service::StickyOutcome;
use support::killable::Killable;
use support::{HttpClient, Limpet, Reply};

const HANG: Duration = Duration::from_secs(10);

fn dynamic(servers: &[SocketAddr], sticky: &str) -> String {
    let servers: String = servers
        .iter()
        .map(|addr| format!("          - url: \"http://{addr}\"\n"))
        .collect();
    format!(
        "http:\n  routers:\n    r:\n      rule: \"Host(`d.local`)\"\n      service: app\n  services:\n    app:\n      loadBalancer:\n{sticky}        servers:\n{servers}"
    )
}

const STICKY: &str = "        sticky: {cookie: {name: S}}\n";
const STRICT: &str = "        sticky: {cookie: {name: S}, onFailure: strict}\n";

/// Whether the server at `addr` is up, as the balancer sees it.
fn is_up(limpet: &Limpet, addr: SocketAddr) -> bool {
    let snapshot = limpet.app.shared.snapshot.load();
    let lb = support::model::load_balancer(&snapshot, "app");
    let url = format!("http://{addr}");
    lb.servers()
        .iter()
        .find(|s| *s.url == *url)
        .unwrap()
        .is_available()
}

/// Waits until limpet holds no open idle connection to `addr` (it has seen them close).
async fn wait_pool_drained(limpet: &Limpet, addr: SocketAddr) {
    let start = Instant::now();
    loop {
        let open = {
            let snapshot = limpet.app.shared.snapshot.load();
            let lb = support::model::load_balancer(&snapshot, "app");
            let url = format!("http://{addr}");
            let server = lb.servers().iter().find(|s| *s.url == *url).unwrap();
            server.dest.pool.open_idle()
        };
        if open == 0 {
            return;
        }
        assert!(start.elapsed() < HANG, "{open} connections still open");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// One client with its own connections and its session cookie.
struct Session {
    client: HttpClient,
    cookie: String,
}

impl Session {
    /// A session pinned to the server named `name`.
    async fn pinned_to(limpet: &Limpet, name: &str) -> Session {
        let client = HttpClient::default();
        for _ in 0..50 {
            let reply = client.get(&limpet.url("/"), "d.local", None).await;
            if reply.server() == name {
                let cookie = reply.cookie_pair().unwrap();
                return Session { client, cookie };
            }
        }
        panic!("no session landed on {name}");
    }

    async fn request(&mut self, limpet: &Limpet) -> Reply {
        let reply = self
            .client
            .get(&limpet.url("/"), "d.local", Some(&self.cookie))
            .await;
        if let Some(cookie) = reply.cookie_pair() {
            self.cookie = cookie;
        }
        reply
    }
}

/// Every session sends one request, all at once; returns (status, served by) per session.
async fn round(limpet: &Limpet, sessions: &mut [Session]) -> Vec<(u16, String)> {
    let replies = join_all(sessions.iter_mut().map(|s| s.request(limpet))).await;
    replies
        .into_iter()
        .map(|r| (r.status.as_u16(), r.served_by()))
        .collect()
}

#[tokio::test]
async fn a_server_killed_under_load_with_pinned_sessions_costs_no_request() {
    let (mut a, b) = (Killable::start("a").await, Killable::start("b").await);
    let limpet = Limpet::start(&dynamic(&[a.addr, b.addr], STICKY)).await;
    let mut sessions = Vec::new();
    for _ in 0..16 {
        sessions.push(Session::pinned_to(&limpet, "a").await);
    }
    let mut answers = Vec::new();
    for _ in 0..4 {
        answers.extend(round(&limpet, &mut sessions).await);
    }
    assert!(answers.iter().all(|(_, by)| by == "a"), "{answers:?}");
    a.kill().await;
    wait_pool_drained(&limpet, a.addr).await;
    let served_by_a = a.served();
    let mut after = Vec::new();
    for _ in 0..6 {
        after.extend(round(&limpet, &mut sessions).await);
    }
    let failed: Vec<_> = after.iter().filter(|(status, _)| *status != 200).collect();
    assert!(
        failed.is_empty(),
        "{} of {} failed: {failed:?}",
        failed.len(),
        after.len()
    );
    assert!(after.iter().all(|(_, by)| by == "b"), "{after:?}");
    assert_eq!(a.served(), served_by_a);
    assert!(
        !is_up(&limpet, a.addr),
        "marked down by the refused connection"
    );
    let repinned = limpet
        .app
        .shared
        .recorder
        .recent_decisions()
        .into_iter()
        .filter(|e| e.outcome == StickyOutcome::RepinnedDown)
        .filter(|e| *e.server == *format!("http://{}", b.addr))
        .count();
    assert_eq!(
        repinned,
        sessions.len(),
        "each session re-pinned once, then a hit"
    );
}

#[tokio::test]
async fn a_refused_connection_marks_the_server_down_for_new_picks() {
    let (dead, b) = (support::dead_address().await, Killable::start("b").await);
    let limpet = Limpet::start(&dynamic(&[dead, b.addr], "")).await;
    assert!(is_up(&limpet, dead));
    let client = HttpClient::default();
    for _ in 0..20 {
        let reply = client.get(&limpet.url("/"), "d.local", None).await;
        assert_eq!(reply.server(), "b");
    }
    assert!(!is_up(&limpet, dead));
    assert_eq!(b.served(), 20);
}

#[tokio::test]
async fn strict_sessions_stay_with_their_server() {
    let (mut a, b) = (Killable::start("a").await, Killable::start("b").await);
    let limpet = Limpet::start(&dynamic(&[a.addr, b.addr], STRICT)).await;
    let mut session = Session::pinned_to(&limpet, "a").await;
    let (pinned, served_by_b) = (session.cookie.clone(), b.served());
    a.kill().await;
    wait_pool_drained(&limpet, a.addr).await;
    let first = session.request(&limpet).await;
    assert_eq!(first.status, 502, "the failure itself: {first:?}");
    assert!(first.set_cookies().is_empty(), "the session is not moved");
    let next = session.request(&limpet).await;
    assert_eq!(next.status, 503, "the server is down: strict_reject");
    assert_eq!(session.cookie, pinned);
    assert_eq!(b.served(), served_by_b, "nothing sent elsewhere");
}

#[tokio::test]
async fn with_every_server_dead_the_answer_is_502_then_503() {
    let dead = [support::dead_address().await, support::dead_address().await];
    let limpet = Limpet::start(&dynamic(&dead, "")).await;
    let client = HttpClient::default();
    let first = client.get(&limpet.url("/"), "d.local", None).await;
    assert_eq!(first.status, 502, "both tried, both refused");
    assert!(dead.iter().all(|addr| !is_up(&limpet, *addr)));
    let next = client.get(&limpet.url("/"), "d.local", None).await;
    assert_eq!(next.status, 503);
    assert_eq!(next.body, "no available server\n");
}

/// `join_all` without a futures dependency: spawns nothing, polls in order.
mod futures_free {
    use std::future::Future;

    pub async fn join_all<F: Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
        let mut pinned: Vec<_> = futures.into_iter().map(Box::pin).collect();
        let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
        std::future::poll_fn(|cx| {
            let mut pending = false;
            for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
                if output.is_none() {
                    match future.as_mut().poll(cx) {
                        std::task::Poll::Ready(value) => *output = Some(value),
                        std::task::Poll::Pending => pending = true,
                    }
                }
            }
            if pending {
                std::task::Poll::Pending
            } else {
                std::task::Poll::Ready(())
            }
        })
        .await;
        outputs.into_iter().flatten().collect()
    }
}
