//! Go regexp character classes and escapes, rewritten for Rust's `regex` with Go's
//! meaning (ASCII-only Perl classes, literal `[`, `&`, `~` in classes) and error texts.

use crate::go_regex::{error, GoRegexError, Translator};

const POSIX_CLASSES: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// Translates the class starting at `t.pos` (a `[`) and moves past it.
pub(crate) fn translate_class(t: &mut Translator<'_>) -> Result<(), GoRegexError> {
    let start = t.pos;
    let mut i = start + 1;
    let mut out = String::from("[");
    if t.chars.get(i) == Some(&'^') {
        out.push('^');
        i += 1;
    }
    let mut first = true;
    loop {
        match t.chars.get(i) {
            None => return Err(error("missing closing ]", t.text(start, t.chars.len()))),
            Some(']') if !first => break,
            _ => first = false,
        }
        i = class_item(t, i, &mut out)?;
    }
    out.push(']');
    t.out.push_str(&out);
    t.pos = i + 1;
    Ok(())
}

/// One class item at `i` (POSIX class, Perl/Unicode class, char or range); returns the
/// index after it.
fn class_item(t: &Translator<'_>, i: usize, out: &mut String) -> Result<usize, GoRegexError> {
    if let Some(next) = posix_class(t, i, out)? {
        return Ok(next);
    }
    if t.chars.get(i) == Some(&'\\') && t.chars.get(i + 1).is_some_and(|c| "dDsSwWpP".contains(*c))
    {
        let (translated, len) = translate_escape(t, i, true)?;
        out.push_str(&translated);
        return Ok(i + len);
    }
    let (low, low_len) = class_char(t, i)?;
    let mut next = i + low_len;
    let is_range =
        t.chars.get(next) == Some(&'-') && t.chars.get(next + 1).is_some_and(|c| *c != ']');
    if !is_range {
        out.push_str(&class_literal(low));
        return Ok(next);
    }
    let (high, high_len) = class_char(t, next + 1)?;
    next += 1 + high_len;
    if high < low {
        return Err(error("invalid character class range", t.text(i, next)));
    }
    out.push_str(&format!("{}-{}", class_literal(low), class_literal(high)));
    Ok(next)
}

/// `[:name:]` inside a class; `None` when the text is not one (then `[` is literal).
fn posix_class(
    t: &Translator<'_>,
    i: usize,
    out: &mut String,
) -> Result<Option<usize>, GoRegexError> {
    if t.chars.get(i) != Some(&'[') || t.chars.get(i + 1) != Some(&':') || t.chars.len() <= i + 2 {
        return Ok(None);
    }
    let rest = t.text(i + 2, t.chars.len());
    let Some(end) = rest.find(":]") else {
        return Ok(None);
    };
    let name = &rest[..end];
    let whole = format!("[:{name}:]");
    if !POSIX_CLASSES.contains(&name.trim_start_matches('^')) {
        return Err(error("invalid character class range", whole));
    }
    out.push_str(&whole);
    Ok(Some(i + whole.chars().count()))
}

/// A single (possibly escaped) character inside a class and how many chars it took.
fn class_char(t: &Translator<'_>, i: usize) -> Result<(char, usize), GoRegexError> {
    match t.chars.get(i) {
        Some('\\') => escaped_char(t, i),
        Some(c) => Ok((*c, 1)),
        None => Err(error("missing closing ]", t.text(t.pos, t.chars.len()))),
    }
}

/// A character written literally inside a Rust class.
fn class_literal(c: char) -> String {
    if "[]\\-^&~".contains(c) {
        format!("\\{c}")
    } else if c.is_control() || c.is_whitespace() {
        format!("\\x{{{:X}}}", u32::from(c))
    } else {
        c.to_string()
    }
}

/// Translates the escape at `start` (a backslash) to Rust; returns text and length.
pub(crate) fn translate_escape(
    t: &Translator<'_>,
    start: usize,
    in_class: bool,
) -> Result<(String, usize), GoRegexError> {
    let Some(c) = t.chars.get(start + 1).copied() else {
        return Err(error("trailing backslash at end of expression", ""));
    };
    if let Some(class) = perl_class(c, in_class) {
        return Ok((class.to_owned(), 2));
    }
    if c == 'p' || c == 'P' {
        return unicode_class(t, start);
    }
    let (value, len) = escaped_char(t, start)?;
    Ok((format!("\\x{{{:X}}}", u32::from(value)), len))
}

/// Go's Perl classes are ASCII-only; Rust's are Unicode, so spell them out.
fn perl_class(c: char, in_class: bool) -> Option<&'static str> {
    Some(match (c, in_class) {
        ('d', false) => "[0-9]",
        ('d', true) => "0-9",
        ('w', false) => "[0-9A-Za-z_]",
        ('w', true) => "0-9A-Za-z_",
        ('s', false) => "[\\t\\n\\x0C\\r ]",
        ('s', true) => "\\t\\n\\x0C\\r ",
        ('D', _) => "[^0-9]",
        ('W', _) => "[^0-9A-Za-z_]",
        ('S', _) => "[^\\t\\n\\x0C\\r ]",
        _ => return None,
    })
}

/// `\pL`, `\p{Greek}`, `\PL`, `\P{Greek}`: same spelling in Rust.
fn unicode_class(t: &Translator<'_>, start: usize) -> Result<(String, usize), GoRegexError> {
    let len = match t.chars.get(start + 2) {
        Some('{') => match t
            .chars
            .get(start..)
            .unwrap_or_default()
            .iter()
            .position(|c| *c == '}')
        {
            Some(close) => close + 1,
            None => {
                return Err(error(
                    "invalid character class range",
                    t.text(start, t.chars.len()),
                ))
            }
        },
        Some(_) => 3,
        None => {
            return Err(error(
                "invalid character class range",
                t.text(start, start + 2),
            ))
        }
    };
    let class = t.text(start, start + len);
    // Go and Rust share property names; reject unknown ones with Go's wording.
    if regex::Regex::new(&class).is_err() {
        return Err(error("invalid character class range", class));
    }
    Ok((class, len))
}

/// Go's `parseEscape`: the character an escape stands for and its length.
fn escaped_char(t: &Translator<'_>, start: usize) -> Result<(char, usize), GoRegexError> {
    let at = |k: usize| t.chars.get(start + k).copied();
    let invalid = |len: usize| error("invalid escape sequence", t.text(start, start + len));
    let Some(c) = at(1) else {
        return Err(error("trailing backslash at end of expression", ""));
    };
    match c {
        '1'..='7' if !at(2).is_some_and(is_octal) => Err(invalid(2)),
        '0'..='7' => Ok(octal_escape(t, start)),
        'x' => hex_escape(t, start).map_err(invalid),
        'a' => Ok(('\x07', 2)),
        'f' => Ok(('\x0C', 2)),
        'n' => Ok(('\n', 2)),
        'r' => Ok(('\r', 2)),
        't' => Ok(('\t', 2)),
        'v' => Ok(('\x0B', 2)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c, 2)),
        _ => Err(invalid(2)),
    }
}

fn is_octal(c: char) -> bool {
    ('0'..='7').contains(&c)
}

/// Up to three octal digits after the backslash.
fn octal_escape(t: &Translator<'_>, start: usize) -> (char, usize) {
    let mut value = 0u32;
    let mut len = 1;
    while len < 4 {
        match t.chars.get(start + len).filter(|c| is_octal(**c)) {
            Some(digit) => value = value * 8 + digit.to_digit(8).unwrap_or(0),
            None => break,
        }
        len += 1;
    }
    (char::from_u32(value).unwrap_or('\0'), len)
}

/// `\xHH` or `\x{H...}`; on failure, how many chars Go consumed (for its error text).
fn hex_escape(t: &Translator<'_>, start: usize) -> Result<(char, usize), usize> {
    let at = |k: usize| t.chars.get(start + k).copied();
    if at(2) == Some('{') {
        let mut value: u32 = 0;
        let mut k = 3;
        while let Some(c) = at(k) {
            if c == '}' {
                return char::from_u32(value)
                    .filter(|_| k > 3)
                    .map(|v| (v, k + 1))
                    .ok_or(k + 1);
            }
            value = value * 16 + c.to_digit(16).ok_or(k + 1)?;
            if value > 0x10FFFF {
                return Err(k + 1);
            }
            k += 1;
        }
        return Err(k);
    }
    let high = at(2).and_then(|c| c.to_digit(16));
    let low = at(3).and_then(|c| c.to_digit(16));
    match (high, low) {
        (Some(high), Some(low)) => char::from_u32(high * 16 + low).map(|c| (c, 4)).ok_or(4),
        _ => Err((start + 4).min(t.chars.len()) - start),
    }
}
