//! Signed affinity tokens (limpet extension).
//!
//! `l1.<key id>.<payload>.<mac>`, URL-safe base64 without padding. The payload carries a
//! random session id (128 bits), an opaque server reference (the first 8 bytes of
//! `sha256(server identity)`, never the address), the issue time and the last-seen time
//! (Unix seconds). The MAC is HMAC-SHA256 over everything before the last dot, truncated to
//! 128 bits and checked in constant time. The first key of the ring signs; all verify.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use limpet_config::model::SigningModel;
use sha2::Sha256;

const PREFIX: &str = "l1";
const PAYLOAD_LEN: usize = 16 + 8 + 8 + 8;
const MAC_LEN: usize = 16;

/// The content of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub session: u128,
    pub server_ref: u64,
    pub issued_at: u64,
    pub last_seen: u64,
}

/// Why a token is not honoured as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Malformed, unknown key, or a MAC that does not verify.
    BadSignature,
    /// Not used within the idle timeout (the session is over).
    ExpiredIdle,
    /// Older than the absolute lifetime.
    ExpiredAbsolute,
}

/// A verified token and whether it must be re-issued (rotated key or stale last-seen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub token: Token,
    pub reissue: bool,
}

/// Signs and verifies tokens with a key ring.
#[derive(Clone)]
pub struct Signer {
    keys: Vec<(Box<str>, Hmac<Sha256>)>,
    idle: Option<Duration>,
    absolute: Option<Duration>,
    refresh: Duration,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids: Vec<&str> = self.keys.iter().map(|(id, _)| &**id).collect();
        f.debug_struct("Signer").field("keys", &ids).finish()
    }
}

impl Signer {
    /// `None` when the ring is empty or a key cannot be used by HMAC.
    pub fn new(model: &SigningModel) -> Option<Signer> {
        let keys = model
            .keys
            .iter()
            .map(|k| {
                Some((
                    k.id.as_str().into(),
                    Hmac::<Sha256>::new_from_slice(&k.secret).ok()?,
                ))
            })
            .collect::<Option<Vec<_>>>()?;
        (!keys.is_empty()).then_some(Signer {
            keys,
            idle: model.idle_timeout,
            absolute: model.absolute_timeout,
            refresh: model.refresh_interval,
        })
    }

    /// Renders `token`, signed with the first key.
    pub fn sign(&self, token: &Token) -> String {
        let (id, mac) = &self.keys[0];
        let mut text = format!("{PREFIX}.{id}.");
        URL_SAFE_NO_PAD.encode_string(encode_payload(token), &mut text);
        let tag = mac_of(mac, text.as_bytes());
        text.push('.');
        URL_SAFE_NO_PAD.encode_string(&tag[..MAC_LEN], &mut text);
        text
    }

    /// Verifies `text` at time `now` (Unix seconds).
    pub fn verify(&self, text: &str, now: u64) -> Result<Verified, Rejection> {
        let (signed, tag) = text.rsplit_once('.').ok_or(Rejection::BadSignature)?;
        let mut parts = signed.splitn(3, '.');
        let (Some(PREFIX), Some(id), Some(payload)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(Rejection::BadSignature);
        };
        let position = self
            .keys
            .iter()
            .position(|(k, _)| &**k == id)
            .ok_or(Rejection::BadSignature)?;
        check_tag(&self.keys[position].1, signed.as_bytes(), tag)?;
        let token = decode_payload(payload).ok_or(Rejection::BadSignature)?;
        self.check_times(&token, now)?;
        let stale = now.saturating_sub(token.last_seen) >= self.refresh.as_secs();
        Ok(Verified {
            token,
            reissue: position != 0 || stale,
        })
    }

    fn check_times(&self, token: &Token, now: u64) -> Result<(), Rejection> {
        if self
            .absolute
            .is_some_and(|limit| now.saturating_sub(token.issued_at) > limit.as_secs())
        {
            return Err(Rejection::ExpiredAbsolute);
        }
        if self
            .idle
            .is_some_and(|limit| now.saturating_sub(token.last_seen) > limit.as_secs())
        {
            return Err(Rejection::ExpiredIdle);
        }
        Ok(())
    }
}

fn mac_of(key: &Hmac<Sha256>, data: &[u8]) -> [u8; 32] {
    let mut mac = key.clone();
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Constant-time comparison of the truncated MAC.
fn check_tag(key: &Hmac<Sha256>, signed: &[u8], tag: &str) -> Result<(), Rejection> {
    let mut expected = [0u8; MAC_LEN];
    let decoded = URL_SAFE_NO_PAD.decode_slice(tag, &mut expected);
    if decoded != Ok(MAC_LEN) {
        return Err(Rejection::BadSignature);
    }
    let mut mac = key.clone();
    mac.update(signed);
    mac.verify_truncated_left(&expected)
        .map_err(|_| Rejection::BadSignature)
}

fn encode_payload(token: &Token) -> [u8; PAYLOAD_LEN] {
    let mut out = [0u8; PAYLOAD_LEN];
    out[..16].copy_from_slice(&token.session.to_be_bytes());
    out[16..24].copy_from_slice(&token.server_ref.to_be_bytes());
    out[24..32].copy_from_slice(&token.issued_at.to_be_bytes());
    out[32..40].copy_from_slice(&token.last_seen.to_be_bytes());
    out
}

fn decode_payload(text: &str) -> Option<Token> {
    let mut raw = [0u8; PAYLOAD_LEN + 3];
    let len = URL_SAFE_NO_PAD.decode_slice(text, &mut raw).ok()?;
    if len != PAYLOAD_LEN {
        return None;
    }
    let u64_at = |at: usize| raw.get(at..at + 8)?.try_into().ok().map(u64::from_be_bytes);
    Some(Token {
        session: u128::from_be_bytes(raw.get(..16)?.try_into().ok()?),
        server_ref: u64_at(16)?,
        issued_at: u64_at(24)?,
        last_seen: u64_at(32)?,
    })
}

/// The server reference of a server value (`hex(sha256(identity))[..16]`).
pub fn server_ref(value: &str) -> u64 {
    u64::from_str_radix(value, 16).unwrap_or(0)
}

/// Unix seconds now.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use limpet_config::model::SigningKey;

    fn signer(ids: &[&str]) -> Signer {
        let keys = ids
            .iter()
            .map(|id| SigningKey {
                id: (*id).into(),
                secret: format!("secret-of-{id}-0123456789").into_bytes(),
            })
            .collect();
        let model = SigningModel {
            keys,
            idle_timeout: Some(Duration::from_secs(600)),
            absolute_timeout: Some(Duration::from_secs(3600)),
            refresh_interval: Duration::from_secs(60),
        };
        Signer::new(&model).unwrap()
    }

    fn token(now: u64) -> Token {
        Token {
            session: 42,
            server_ref: 0x1122334455667788,
            issued_at: now,
            last_seen: now,
        }
    }

    #[test]
    fn round_trip_without_reissue_inside_refresh_interval() {
        let s = signer(&["k1"]);
        let text = s.sign(&token(1000));
        assert!(text.starts_with("l1.k1."));
        assert_eq!(
            s.verify(&text, 1030),
            Ok(Verified {
                token: token(1000),
                reissue: false
            })
        );
        assert!(
            s.verify(&text, 1061).unwrap().reissue,
            "stale last-seen is refreshed"
        );
    }

    #[test]
    fn tampering_truncation_and_wrong_keys_are_rejected() {
        let s = signer(&["k1"]);
        let text = s.sign(&token(1000));
        let mut tampered = text.clone().into_bytes();
        let middle = tampered.len() / 2;
        tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(s.verify(&tampered, 1000), Err(Rejection::BadSignature));
        assert_eq!(
            s.verify(&text[..text.len() - 3], 1000),
            Err(Rejection::BadSignature)
        );
        assert_eq!(
            signer(&["k2"]).verify(&text, 1000),
            Err(Rejection::BadSignature)
        );
        assert_eq!(s.verify("garbage", 1000), Err(Rejection::BadSignature));
    }

    #[test]
    fn expiry_idle_and_absolute() {
        let s = signer(&["k1"]);
        let mut t = token(1000);
        assert_eq!(
            s.verify(&s.sign(&t), 1000 + 601),
            Err(Rejection::ExpiredIdle)
        );
        t.last_seen = 1000 + 3600;
        assert_eq!(
            s.verify(&s.sign(&t), 1000 + 3601),
            Err(Rejection::ExpiredAbsolute)
        );
    }

    #[test]
    fn rotated_out_key_still_verifies_and_asks_for_reissue() {
        let old = signer(&["old"]);
        let rotated = signer(&["new", "old"]);
        let verified = rotated.verify(&old.sign(&token(1000)), 1000).unwrap();
        assert!(verified.reissue);
        assert!(rotated.sign(&verified.token).starts_with("l1.new."));
    }
}
