//! Sticky cookie names, as Traefik derives them (`pkg/server/cookie/cookie.go`).

use sha1::{Digest, Sha1};

/// Length of a generated name: `_` plus five hex digits.
const GENERATED_NAME_LENGTH: usize = 6;

/// The cookie name for a service: the configured name sanitised, or, when empty,
/// `"_" + hex(sha1("_TRAEFIK_BACKEND_" + qualified_service))[..5]`.
///
/// `qualified_service` must be the qualified name (`svc@file`): Traefik hashes that, so the
/// same service from another provider gets another cookie.
pub fn cookie_name(configured: &str, qualified_service: &str) -> String {
    if configured.is_empty() {
        generated_name(qualified_service)
    } else {
        sanitize_name(configured)
    }
}

fn generated_name(qualified_service: &str) -> String {
    let digest = Sha1::digest(format!("_TRAEFIK_BACKEND_{qualified_service}").as_bytes());
    let mut name = format!("_{}", hex::encode(digest));
    name.truncate(GENERATED_NAME_LENGTH);
    name
}

/// Every character that is not a cookie-name token character becomes `_` (one per char,
/// not per byte, as Go iterates runes).
fn sanitize_name(name: &str) -> String {
    name.chars()
        .map(|c| if is_token_char(c) { c } else { '_' })
        .collect()
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^`|~".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traefik_vectors() {
        let cases = [
            ("", "svc-sticky@file", "_161c8"),
            ("", "wrr2@file", "_b3d1f"),
            ("", "wrr-missing@file", "_7b400"),
            ("", "wrr1@file", "_c3771"),
            ("", "backend", "_76eb3"),
            ("", "/my/BACKEND-v1.0~rc1", "_5f7bc"),
            ("my/Sticky Cookie", "x@file", "my_Sticky_Cookie"),
            ("c3;x=y", "x@file", "c3_x_y"),
            (
                "!#$%&'()*+-./:<=>?@[]^_`{|}~",
                "x@file",
                "!#$%&'__*+-._________^_`_|_~",
            ),
            ("é-ü", "x@file", "_-_"),
            ("STICKY_SESSION", "app@file", "STICKY_SESSION"),
        ];
        for (configured, service, expected) in cases {
            assert_eq!(
                cookie_name(configured, service),
                expected,
                "{configured:?} {service:?}"
            );
        }
    }
}
