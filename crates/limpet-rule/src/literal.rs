//! Values of Go literals in rule text: string unquoting (`strconv.Unquote`) and the
//! integer/float conversions Traefik's evaluator applies before rejecting them.

/// The value of a string literal the lexer has already validated.
pub(crate) fn unquote(literal: &str) -> Result<String, String> {
    if let Some(raw) = literal.strip_prefix('`').and_then(|s| s.strip_suffix('`')) {
        // strconv.Unquote drops carriage returns from raw strings.
        return Ok(raw.replace('\r', ""));
    }
    let body = literal
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or_else(|| "invalid syntax".to_owned())?;
    if !body.contains('\\') {
        return Ok(body.to_owned());
    }
    let bytes = unescape(body)?;
    // Go strings may hold any bytes; limpet matches on UTF-8 text and cannot.
    String::from_utf8(bytes)
        .map_err(|_| "invalid UTF-8 in string literal (not supported by limpet)".to_owned())
}

fn unescape(body: &str) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        unescape_one(&mut chars, &mut out)?;
    }
    Ok(out)
}

fn unescape_one(chars: &mut std::str::Chars<'_>, out: &mut Vec<u8>) -> Result<(), String> {
    let simple = |b: u8| Ok(vec![b]);
    let bytes: Result<Vec<u8>, String> = match chars.next() {
        Some('a') => simple(0x07),
        Some('b') => simple(0x08),
        Some('f') => simple(0x0c),
        Some('n') => simple(b'\n'),
        Some('r') => simple(b'\r'),
        Some('t') => simple(b'\t'),
        Some('v') => simple(0x0b),
        Some('\\') => simple(b'\\'),
        Some('"') => simple(b'"'),
        Some(d @ '0'..='7') => octal_byte(d, chars).map(|b| vec![b]),
        Some('x') => hex_value(chars, 2).and_then(byte_of).map(|b| vec![b]),
        Some('u') => hex_value(chars, 4).and_then(char_bytes),
        Some('U') => hex_value(chars, 8).and_then(char_bytes),
        _ => Err("invalid syntax".to_owned()),
    };
    out.extend(bytes?);
    Ok(())
}

fn octal_byte(first: char, chars: &mut std::str::Chars<'_>) -> Result<u8, String> {
    let mut value = first.to_digit(8).unwrap_or(0);
    for _ in 0..2 {
        let digit = chars
            .next()
            .and_then(|c| c.to_digit(8))
            .ok_or("invalid syntax")?;
        value = value * 8 + digit;
    }
    byte_of(value)
}

fn hex_value(chars: &mut std::str::Chars<'_>, digits: usize) -> Result<u32, String> {
    let mut value: u32 = 0;
    for _ in 0..digits {
        let digit = chars
            .next()
            .and_then(|c| c.to_digit(16))
            .ok_or("invalid syntax")?;
        value = value.saturating_mul(16).saturating_add(digit);
    }
    Ok(value)
}

fn byte_of(value: u32) -> Result<u8, String> {
    u8::try_from(value).map_err(|_| "invalid syntax".to_owned())
}

fn char_bytes(value: u32) -> Result<Vec<u8>, String> {
    let c = char::from_u32(value).ok_or("invalid syntax")?;
    Ok(c.to_string().into_bytes())
}

/// `strconv.Atoi` on an integer literal: only plain decimal fits.
pub(crate) fn parse_go_int(literal: &str) -> Result<i64, String> {
    let syntax_error = || format!("strconv.Atoi: parsing {literal:?}: invalid syntax");
    if literal.is_empty() || !literal.bytes().all(|b| b.is_ascii_digit()) {
        return Err(syntax_error());
    }
    literal
        .parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {literal:?}: value out of range"))
}

/// `strconv.ParseFloat` on a float literal (decimal forms; others are reported invalid).
pub(crate) fn parse_go_float(literal: &str) -> Result<f64, String> {
    literal
        .replace('_', "")
        .parse::<f64>()
        .map_err(|_| format!("strconv.ParseFloat: parsing {literal:?}: invalid syntax"))
}
