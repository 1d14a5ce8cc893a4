//! The affinity layer of a load balancer: what the request carries (cookie or header, plain
//! Traefik value or signed token) and what to send back when a session is (re)assigned.

use std::collections::HashMap;
use std::time::Duration;

use tokio::time::Instant;

use http::header::{CACHE_CONTROL, SET_COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue};
use limpet_config::model::{OnFailure, StickyModel};

use super::sticky::{cookie_attributes, request_cookie, Pin, Sticky};
use super::strategy::hash_bytes;
use super::token::{server_ref, unix_now, Rejection, Signer, Token};
use super::{AffinityHeaders, RequestHead, Server, StickyOutcome};

/// What the request's affinity value says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// No affinity value.
    Absent,
    /// A value naming no server, now or recently.
    Unknown,
    /// A token that does not verify.
    BadSignature,
    /// A token past a lifetime (`ExpiredIdle` / `ExpiredAbsolute`).
    Expired(StickyOutcome),
    /// A value of a server removed by a recent reload; `waiting` while its `restartGrace` runs.
    Removed {
        key: u64,
        token: Option<Token>,
        waiting: bool,
    },
    /// A value of server `index`.
    /// `key` is `None` for plain values until needed ([`Affinity::session_key`]), so a plain
    /// hit hashes nothing.
    Pinned {
        index: usize,
        key: Option<u64>,
        token: Option<Token>,
        renew: Renew,
    },
}

/// Whether an honoured value must be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Renew {
    No,
    /// A Traefik compatibility value: rewrite to the current value.
    CompatRewrite,
    /// A token signed by a rotated-out key or with a stale last-seen: re-sign.
    Reissue,
}

#[derive(Debug)]
enum Codec {
    Plain(Sticky),
    Signed {
        signer: Signer,
        refs: HashMap<u64, usize>,
    },
}

/// Affinity of one load balancer, built per configuration.
#[derive(Debug)]
pub struct Affinity {
    cookie_name: Option<Box<str>>,
    cookie_attributes: Box<str>,
    header: Option<HeaderName>,
    codec: Codec,
    /// Values of servers removed by recent reloads, with when they were removed.
    removed: HashMap<Box<str>, Instant>,
    /// `sticky.restartGrace`: how long a removed server's sessions wait for it.
    restart_grace: Option<Duration>,
    pub strict: bool,
    debug_header: Option<HeaderName>,
    pub strip_cookie: Option<Box<str>>,
    no_cache: bool,
}

impl Affinity {
    /// The affinity of servers `servers` (their order is the index space).
    pub fn new(
        model: &StickyModel,
        servers: &[Server],
        removed: Vec<(String, Instant)>,
    ) -> Affinity {
        let cookie_name = model
            .cookie_enabled
            .then(|| model.cookie.name.as_str().into());
        Affinity {
            strip_cookie: cookie_name.clone().filter(|_| model.strip_from_upstream),
            cookie_name,
            cookie_attributes: cookie_attributes(&model.cookie).into(),
            header: model
                .header
                .as_deref()
                .and_then(|h| HeaderName::from_bytes(h.as_bytes()).ok()),
            codec: codec(model, servers),
            removed: removed
                .into_iter()
                .map(|(value, at)| (value.into_boxed_str(), at))
                .collect(),
            restart_grace: model.restart_grace,
            strict: model.on_failure == OnFailure::Strict,
            debug_header: model
                .debug_header
                .as_deref()
                .and_then(|h| HeaderName::from_bytes(h.as_bytes()).ok()),
            no_cache: model.no_cache,
        }
    }

    /// Whether sessions of a server removed at `removed_at` still wait for it.
    fn waits_for(&self, removed_at: Instant) -> bool {
        self.restart_grace
            .is_some_and(|grace| removed_at.elapsed() < grace)
    }

    /// Reads and classifies the request's affinity value.
    pub fn read(&self, head: &RequestHead<'_>) -> Claim {
        let Some(value) = self.carried(head.headers) else {
            return Claim::Absent;
        };
        match &self.codec {
            Codec::Plain(sticky) => self.read_plain(sticky, value, head),
            Codec::Signed { signer, refs } => self.read_token(signer, refs, value),
        }
    }

    /// The cookie's value (first valid), else the header's.
    fn carried<'h>(&self, headers: &'h HeaderMap) -> Option<&'h str> {
        let from_cookie = self
            .cookie_name
            .as_deref()
            .and_then(|name| request_cookie(headers, name));
        from_cookie.or_else(|| {
            headers
                .get(self.header.as_ref()?)?
                .to_str()
                .ok()
                .map(str::trim)
        })
    }

    fn read_plain(&self, sticky: &Sticky, value: &str, head: &RequestHead<'_>) -> Claim {
        match sticky.pin_value(value) {
            Some(Pin::Current(index)) => Claim::Pinned {
                index,
                key: None,
                token: None,
                renew: Renew::No,
            },
            Some(Pin::Compat(index)) => Claim::Pinned {
                index,
                key: None,
                token: None,
                renew: Renew::CompatRewrite,
            },
            None => match self.removed.get(value) {
                Some(at) => Claim::Removed {
                    key: plain_session_key(value, head),
                    token: None,
                    waiting: self.waits_for(*at),
                },
                None => Claim::Unknown,
            },
        }
    }

    fn read_token(&self, signer: &Signer, refs: &HashMap<u64, usize>, value: &str) -> Claim {
        let verified = match signer.verify(value, unix_now()) {
            Ok(verified) => verified,
            Err(Rejection::BadSignature) => return Claim::BadSignature,
            Err(Rejection::ExpiredIdle) => return Claim::Expired(StickyOutcome::ExpiredIdle),
            Err(Rejection::ExpiredAbsolute) => {
                return Claim::Expired(StickyOutcome::ExpiredAbsolute)
            }
        };
        let token = verified.token;
        let key = token.session as u64;
        let renew = if verified.reissue {
            Renew::Reissue
        } else {
            Renew::No
        };
        match refs.get(&token.server_ref) {
            Some(&index) => Claim::Pinned {
                index,
                key: Some(key),
                token: Some(token),
                renew,
            },
            None => match self
                .removed
                .get(format!("{:016x}", token.server_ref).as_str())
            {
                Some(at) => Claim::Removed {
                    key,
                    token: Some(token),
                    waiting: self.waits_for(*at),
                },
                None => Claim::Unknown,
            },
        }
    }

    /// The session key of a pinned request: the token's session id, or for a plain value
    /// (shared by every session of a server) the value and the client address.
    pub fn session_key(&self, claimed: Option<u64>, head: &RequestHead<'_>) -> u64 {
        claimed.unwrap_or_else(|| {
            plain_session_key(self.carried(head.headers).unwrap_or_default(), head)
        })
    }

    /// Pins the client to `server` (index `index`): cookie, header, cache directive.
    pub fn assign(
        &self,
        index: usize,
        server: &Server,
        session: Option<Token>,
        out: &mut AffinityHeaders,
    ) {
        let value = match &self.codec {
            Codec::Plain(sticky) => {
                if let Some(cookie) = sticky
                    .set_cookie(index)
                    .filter(|_| self.cookie_name.is_some())
                {
                    out.push((SET_COOKIE, cookie.clone()));
                }
                HeaderValue::from_str(&server.value).ok()
            }
            Codec::Signed { signer, .. } => self.assign_token(signer, server, session, out),
        };
        if let (Some(header), Some(value)) = (&self.header, value) {
            out.push((header.clone(), value));
        }
        if self.no_cache {
            out.push((CACHE_CONTROL, HeaderValue::from_static("private")));
        }
    }

    /// Signs a token for `server` (keeping the session's id and issue time) and sets it.
    fn assign_token(
        &self,
        signer: &Signer,
        server: &Server,
        session: Option<Token>,
        out: &mut AffinityHeaders,
    ) -> Option<HeaderValue> {
        let now = unix_now();
        let token = Token {
            session: session.map_or_else(rand::random, |t| t.session),
            server_ref: server_ref(&server.value),
            issued_at: session.map_or(now, |t| t.issued_at),
            last_seen: now,
        };
        let text = signer.sign(&token);
        if let Some(name) = &self.cookie_name {
            let cookie = format!("{name}={text}{}", self.cookie_attributes);
            out.extend(HeaderValue::from_str(&cookie).ok().map(|v| (SET_COOKIE, v)));
        }
        HeaderValue::from_str(&text).ok()
    }

    /// The opt-in header naming the server that answered (its `id`, else its opaque value).
    pub fn debug(&self, server: &Server, out: &mut AffinityHeaders) {
        if let Some(header) = &self.debug_header {
            out.extend(
                HeaderValue::from_str(&server.debug_name)
                    .ok()
                    .map(|v| (header.clone(), v)),
            );
        }
    }
}

fn codec(model: &StickyModel, servers: &[Server]) -> Codec {
    let signer = model.signing.as_ref().and_then(Signer::new);
    match signer {
        Some(signer) => {
            let refs = servers
                .iter()
                .enumerate()
                .map(|(i, s)| (server_ref(&s.value), i))
                .collect();
            Codec::Signed { signer, refs }
        }
        None => {
            let targets = servers
                .iter()
                .map(|s| (&*s.identity, (*s.identity != *s.url).then_some(&*s.url)));
            Codec::Plain(Sticky::with_aliases(&model.cookie, targets))
        }
    }
}

/// Session key of a plain value: the value and the client address.
fn plain_session_key(value: &str, head: &RequestHead<'_>) -> u64 {
    let ip = match head.client_ip.to_canonical() {
        std::net::IpAddr::V4(ip) => hash_bytes(&ip.octets()),
        std::net::IpAddr::V6(ip) => hash_bytes(&ip.octets()),
    };
    hash_bytes(value.as_bytes()) ^ ip.rotate_left(17)
}
