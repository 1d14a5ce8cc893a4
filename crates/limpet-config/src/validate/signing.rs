//! Signed-token settings of a sticky cookie (limpet extension): keys from `secret`,
//! `secretFile` or `keys`, and the idle/absolute/refresh durations.

use crate::diagnostics::ElementError;
use crate::dynamic::{Cookie, CookieKey};
use crate::model::{SigningKey, SigningModel, DEFAULT_REFRESH_INTERVAL};

/// Shortest secret accepted, in bytes.
const MIN_SECRET_BYTES: usize = 16;
/// Key id of a lone `secret`/`secretFile`.
pub const DEFAULT_KEY_ID: &str = "default";

/// `None` when the cookie is not signed; the reasons when the settings are unusable.
pub(super) fn signing(cookie: &Cookie) -> Result<Option<SigningModel>, Vec<ElementError>> {
    let lone = cookie.secret.is_some() || cookie.secret_file.is_some();
    let keys = match (lone, cookie.keys.is_empty()) {
        (false, true) => return Ok(None),
        (true, false) => {
            let message = "sticky.cookie: use either secret/secretFile or keys, not both";
            return Err(vec![ElementError::invalid(message)]);
        }
        (true, true) => vec![lone_key(cookie)?],
        (false, false) => keyring(&cookie.keys)?,
    };
    Ok(Some(SigningModel {
        keys,
        idle_timeout: cookie
            .idle_timeout
            .filter(|d| d.nanos() > 0)
            .map(|d| d.to_std()),
        absolute_timeout: cookie
            .absolute_timeout
            .filter(|d| d.nanos() > 0)
            .map(|d| d.to_std()),
        refresh_interval: cookie
            .refresh_interval
            .filter(|d| d.nanos() > 0)
            .map_or(DEFAULT_REFRESH_INTERVAL, |d| d.to_std()),
    }))
}

fn lone_key(cookie: &Cookie) -> Result<SigningKey, Vec<ElementError>> {
    let secret = secret_bytes(
        "sticky.cookie",
        cookie.secret.as_deref(),
        cookie.secret_file.as_deref(),
    )?;
    Ok(SigningKey {
        id: DEFAULT_KEY_ID.to_owned(),
        secret,
    })
}

fn keyring(keys: &[CookieKey]) -> Result<Vec<SigningKey>, Vec<ElementError>> {
    let mut errors = Vec::new();
    let mut ring: Vec<SigningKey> = Vec::new();
    for (index, key) in keys.iter().enumerate() {
        match key_of(index, key) {
            Ok(key) if ring.iter().any(|k| k.id == key.id) => errors.push(ElementError::invalid(
                format!("sticky.cookie.keys[{index}]: id {:?} is used twice", key.id),
            )),
            Ok(key) => ring.push(key),
            Err(mut key_errors) => errors.append(&mut key_errors),
        }
    }
    if errors.is_empty() {
        Ok(ring)
    } else {
        Err(errors)
    }
}

fn key_of(index: usize, key: &CookieKey) -> Result<SigningKey, Vec<ElementError>> {
    let element = format!("sticky.cookie.keys[{index}]");
    let valid_id = !key.id.is_empty()
        && key
            .id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !valid_id {
        return Err(vec![ElementError::invalid(format!(
            "{element}: id {:?} must be non-empty and use only A-Z a-z 0-9 _ -",
            key.id
        ))]);
    }
    let secret = secret_bytes(&element, key.secret.as_deref(), key.secret_file.as_deref())?;
    Ok(SigningKey {
        id: key.id.clone(),
        secret,
    })
}

fn secret_bytes(
    element: &str,
    inline: Option<&str>,
    file: Option<&str>,
) -> Result<Vec<u8>, Vec<ElementError>> {
    let secret = match (inline, file) {
        (Some(_), Some(_)) => {
            return Err(vec![ElementError::invalid(format!(
                "{element}: set secret or secretFile, not both"
            ))])
        }
        (Some(secret), None) => secret.as_bytes().to_vec(),
        (None, Some(path)) => read_secret_file(element, path)?,
        (None, None) => {
            return Err(vec![ElementError::invalid(format!(
                "{element}: a key needs a secret or a secretFile"
            ))])
        }
    };
    if secret.len() < MIN_SECRET_BYTES {
        return Err(vec![ElementError::invalid(format!(
            "{element}: the secret must be at least {MIN_SECRET_BYTES} bytes long"
        ))]);
    }
    Ok(secret)
}

/// The file's bytes without a trailing newline (files written by `echo` keep working).
fn read_secret_file(element: &str, path: &str) -> Result<Vec<u8>, Vec<ElementError>> {
    let mut bytes = std::fs::read(path).map_err(|e| {
        let message = format!("{element}: cannot read secretFile {path:?}: {e}");
        vec![ElementError::invalid(message)]
    })?;
    while bytes.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        bytes.pop();
    }
    Ok(bytes)
}
