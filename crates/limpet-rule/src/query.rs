//! Query-string lookup with Go's `url.ParseQuery` rules: `&` separates pairs, pairs
//! holding `;` or a malformed escape are skipped, `+` is a space. Decodes lazily and only
//! allocates for components that contain escapes.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

/// Whether some `key=value` pair in `query` has this key and a value that `accept`s.
/// A pair without `=` has the empty value.
pub(crate) fn query_has_value(
    query: Option<&str>,
    key: &str,
    accept: impl Fn(&str) -> bool,
) -> bool {
    let Some(query) = query else {
        return false;
    };
    query
        .split('&')
        .any(|pair| pair_matches(pair, key, &accept))
}

fn pair_matches(pair: &str, key: &str, accept: &impl Fn(&str) -> bool) -> bool {
    let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
    // Cheap rejection first: most pairs carry another, unescaped key.
    if raw_key != key && !needs_decoding(raw_key) {
        return false;
    }
    if pair.bytes().any(|b| b == b';') || decode_component(raw_key).as_deref() != Some(key) {
        return false;
    }
    decode_component(raw_value).is_some_and(|value| accept(&value))
}

/// Go's `QueryUnescape`; `None` when an escape is malformed (Go drops the pair).
fn decode_component(raw: &str) -> Option<Cow<'_, str>> {
    if !needs_decoding(raw) {
        return Some(Cow::Borrowed(raw));
    }
    if !escapes_are_well_formed(raw) {
        return None;
    }
    let spaced = raw.replace('+', " ");
    let decoded = percent_decode_str(&spaced).decode_utf8_lossy().into_owned();
    Some(Cow::Owned(decoded))
}

fn needs_decoding(raw: &str) -> bool {
    raw.bytes().any(|b| b == b'%' || b == b'+')
}

fn escapes_are_well_formed(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'%')
        .all(|(i, _)| {
            let hex = |offset: usize| bytes.get(i + offset).is_some_and(|b| b.is_ascii_hexdigit());
            hex(1) && hex(2)
        })
}
