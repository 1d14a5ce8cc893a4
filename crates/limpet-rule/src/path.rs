//! The routing path (Traefik's `withRoutingPath`): the escaped request path with
//! unreserved `%XX` escapes decoded and reserved ones kept, so `/a%2Fb` never becomes `/a/b`.

use std::borrow::Cow;

/// Escapes that change a URL's meaning when decoded (RFC 3986 §2.2, plus `%` itself).
const RESERVED: &[u8] = b":/?#[]@!$&'()*+,;=%";

/// Escaped path with unreserved `%XX` decoded, reserved ones kept encoded (either hex
/// case). Malformed escapes are kept as written, and so is a run of escapes that does
/// not decode to UTF-8. Borrows when nothing changes.
pub fn routing_path(raw_path: &str) -> Cow<'_, str> {
    if !raw_path
        .bytes()
        .enumerate()
        .any(|(i, b)| b == b'%' && decodable_at(raw_path, i).is_some())
    {
        return Cow::Borrowed(raw_path);
    }
    let mut out = String::with_capacity(raw_path.len());
    let mut rest = raw_path;
    while let Some(percent) = rest.find('%') {
        out.push_str(&rest[..percent]);
        rest = &rest[percent..];
        let run_len = decodable_run_len(rest);
        if run_len == 0 {
            out.push('%');
            rest = &rest[1..];
            continue;
        }
        push_decoded_run(&mut out, &rest[..run_len]);
        rest = &rest[run_len..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The byte an escape at `index` decodes to, if it is well-formed and unreserved.
fn decodable_at(path: &str, index: usize) -> Option<u8> {
    let hex = path.get(index + 1..index + 3)?;
    let byte = u8::from_str_radix(hex, 16).ok()?;
    // from_str_radix accepts a sign; an escape must be two hex digits.
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) || RESERVED.contains(&byte) {
        return None;
    }
    Some(byte)
}

/// Length of the run of decodable escapes at the start of `s`.
fn decodable_run_len(s: &str) -> usize {
    let mut len = 0;
    while s.as_bytes().get(len) == Some(&b'%') && decodable_at(s, len).is_some() {
        len += 3;
    }
    len
}

fn push_decoded_run(out: &mut String, run: &str) {
    let bytes: Vec<u8> = (0..run.len())
        .step_by(3)
        .filter_map(|i| decodable_at(run, i))
        .collect();
    match String::from_utf8(bytes) {
        Ok(decoded) => out.push_str(&decoded),
        Err(_) => out.push_str(run),
    }
}
