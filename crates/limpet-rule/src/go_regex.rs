//! Go `regexp` patterns on Rust's `regex`: a translator that keeps Go's meaning where
//! the two differ (`{` as a literal, ASCII-only `\d \w \s \b`, `[` and `&&` inside classes,
//! escaped punctuation) and reports Go's error texts for the common mistakes.

use std::fmt;

use regex::Regex;

use crate::go_regex_class::translate_class;

/// Go's repeat limit (`{n,m}` with n or m above it is an error).
const MAX_REPEAT: i64 = 1000;

/// A Go-style regexp syntax error: `error parsing regexp: <code>: `<expr>``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GoRegexError {
    pub code: &'static str,
    pub expr: String,
}

impl fmt::Display for GoRegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error parsing regexp: {}: `{}`", self.code, self.expr)
    }
}

pub(crate) fn error(code: &'static str, expr: impl Into<String>) -> GoRegexError {
    GoRegexError {
        code,
        expr: expr.into(),
    }
}

/// Compiles a Go regexp; the error text is Go's where the translator knows it.
pub(crate) fn compile(pattern: &str) -> Result<Regex, String> {
    let translated = translate(pattern).map_err(|e| e.to_string())?;
    Regex::new(&translated).map_err(|e| {
        let reason = e.to_string();
        let reason = reason
            .lines()
            .last()
            .unwrap_or("invalid regexp")
            .trim_start_matches("error: ");
        format!("error parsing regexp: {reason}: `{pattern}`")
    })
}

/// What precedes the current position, for Go's repetition checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Previous {
    /// Start of the pattern, `(` or `|`: nothing to repeat.
    Nothing,
    Atom,
    /// A repetition operator that started at this char index.
    Repeat(usize),
}

pub(crate) struct Translator<'p> {
    pub chars: Vec<char>,
    pub pos: usize,
    pub out: String,
    pattern: &'p str,
    open_groups: usize,
    previous: Previous,
}

/// Rewrites a Go pattern into an equivalent Rust pattern.
pub(crate) fn translate(pattern: &str) -> Result<String, GoRegexError> {
    let mut t = Translator {
        chars: pattern.chars().collect(),
        pos: 0,
        out: String::with_capacity(pattern.len() + 8),
        pattern,
        open_groups: 0,
        previous: Previous::Nothing,
    };
    while let Some(c) = t.peek(0) {
        t.step(c)?;
    }
    if t.open_groups > 0 {
        return Err(error("missing closing )", pattern));
    }
    Ok(t.out)
}

impl Translator<'_> {
    pub fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.pos + ahead).copied()
    }

    pub fn text(&self, from: usize, to: usize) -> String {
        self.chars
            .get(from..to.min(self.chars.len()))
            .unwrap_or_default()
            .iter()
            .collect()
    }

    fn step(&mut self, c: char) -> Result<(), GoRegexError> {
        match c {
            '(' => self.open_group(),
            ')' => self.close_group(),
            '|' => self.emit_and_set("|", Previous::Nothing),
            '*' | '+' | '?' => self.repeat(1),
            '{' => self.brace(),
            '}' => self.emit_and_set("\\}", Previous::Atom),
            '[' => {
                translate_class(self)?;
                self.previous = Previous::Atom;
                Ok(())
            }
            '\\' => self.escape(),
            other => {
                self.pos += 1;
                self.out.push(other);
                self.previous = Previous::Atom;
                Ok(())
            }
        }
    }

    fn emit_and_set(&mut self, text: &str, previous: Previous) -> Result<(), GoRegexError> {
        self.pos += 1;
        self.out.push_str(text);
        self.previous = previous;
        Ok(())
    }

    /// A repetition operator of `len` chars at `pos`, plus an optional lazy `?`.
    fn repeat(&mut self, len: usize) -> Result<(), GoRegexError> {
        let start = self.pos;
        let mut end = start + len;
        if self.chars.get(end) == Some(&'?') {
            end += 1;
        }
        match self.previous {
            Previous::Repeat(earlier) => {
                return Err(error(
                    "invalid nested repetition operator",
                    self.text(earlier, end),
                ))
            }
            Previous::Nothing => {
                return Err(error(
                    "missing argument to repetition operator",
                    self.text(start, end),
                ))
            }
            Previous::Atom => {}
        }
        self.out.push_str(&self.text(start, end));
        self.pos = end;
        self.previous = Previous::Repeat(start);
        Ok(())
    }

    /// `{n}`, `{n,}` or `{n,m}` is a repeat; any other `{` is a literal in Go.
    fn brace(&mut self) -> Result<(), GoRegexError> {
        let Some((min, max, len)) = parse_repeat(self.chars.get(self.pos..).unwrap_or_default())
        else {
            return self.emit_and_set("\\{", Previous::Atom);
        };
        let invalid =
            !(0..=MAX_REPEAT).contains(&min) || max > MAX_REPEAT || (max >= 0 && min > max);
        if invalid {
            return Err(error(
                "invalid repeat count",
                self.text(self.pos, self.pos + len),
            ));
        }
        self.repeat(len)
    }

    fn open_group(&mut self) -> Result<(), GoRegexError> {
        if self.peek(1) == Some('?') {
            return self.perl_group();
        }
        self.open_groups += 1;
        self.emit_and_set("(", Previous::Nothing)
    }

    fn close_group(&mut self) -> Result<(), GoRegexError> {
        if self.open_groups == 0 {
            return Err(error("unexpected )", self.pattern));
        }
        self.open_groups -= 1;
        self.emit_and_set(")", Previous::Atom)
    }

    /// `(?P<name>`, `(?<name>`, `(?flags)` and `(?flags:`, with Go's accepted flags only.
    fn perl_group(&mut self) -> Result<(), GoRegexError> {
        let start = self.pos;
        let named_from = match (self.peek(2), self.peek(3)) {
            (Some('P'), Some('<')) => Some(start + 4),
            (Some('<'), _) => Some(start + 3),
            _ => None,
        };
        match named_from {
            Some(name_start) => self.named_group(start, name_start),
            None => self.flag_group(start),
        }
    }

    fn named_group(&mut self, start: usize, name_start: usize) -> Result<(), GoRegexError> {
        let rest = self.chars.get(start..).unwrap_or_default();
        let Some(close) = rest.iter().position(|c| *c == '>').map(|i| start + i) else {
            return Err(error(
                "invalid named capture",
                self.text(start, self.chars.len()),
            ));
        };
        let name = self.text(name_start, close);
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(error("invalid named capture", self.text(start, close + 1)));
        }
        self.out.push_str(&format!("(?P<{name}>"));
        self.pos = close + 1;
        self.open_groups += 1;
        self.previous = Previous::Nothing;
        Ok(())
    }

    fn flag_group(&mut self, start: usize) -> Result<(), GoRegexError> {
        let mut i = start + 2;
        let (mut negated, mut saw_flag) = (false, false);
        while let Some(c) = self.chars.get(i).copied() {
            i += 1;
            match c {
                'i' | 'm' | 's' | 'U' => saw_flag = true,
                '-' if !negated => (negated, saw_flag) = (true, false),
                ':' | ')' if !negated || saw_flag => {
                    self.finish_flag_group(start, i, c);
                    return Ok(());
                }
                _ => break,
            }
        }
        Err(error(
            "invalid or unsupported Perl syntax",
            self.text(start, i),
        ))
    }

    fn finish_flag_group(&mut self, start: usize, end: usize, terminator: char) {
        self.out.push_str(&self.text(start, end));
        self.pos = end;
        if terminator == ':' {
            self.open_groups += 1;
            self.previous = Previous::Nothing;
        }
    }

    fn escape(&mut self) -> Result<(), GoRegexError> {
        let start = self.pos;
        let Some(c) = self.peek(1) else {
            return Err(error("trailing backslash at end of expression", ""));
        };
        let translated = match c {
            'A' | 'z' => format!("\\{c}"),
            'b' | 'B' => format!("(?-u:\\{c})"),
            'Q' => return self.quoted_literal(),
            _ => return self.escaped_atom(start),
        };
        self.pos += 2;
        self.out.push_str(&translated);
        // Assertions repeat fine in Go; treat them as atoms.
        self.previous = Previous::Atom;
        Ok(())
    }

    /// An escape that stands for one character or a class, shared with class parsing.
    fn escaped_atom(&mut self, start: usize) -> Result<(), GoRegexError> {
        let (translated, len) = crate::go_regex_class::translate_escape(self, start, false)?;
        self.pos = start + len;
        self.out.push_str(&translated);
        self.previous = Previous::Atom;
        Ok(())
    }

    /// `\Q...\E`: everything in between is literal.
    fn quoted_literal(&mut self) -> Result<(), GoRegexError> {
        let body_start = self.pos + 2;
        let rest = self.text(body_start, self.chars.len());
        let (literal, consumed) = match rest.find("\\E") {
            Some(end) => (&rest[..end], rest[..end].chars().count() + 2),
            None => (rest.as_str(), rest.chars().count()),
        };
        if !literal.is_empty() {
            self.out
                .push_str(&format!("(?:{})", regex::escape(literal)));
            self.previous = Previous::Atom;
        }
        self.pos = body_start + consumed;
        Ok(())
    }
}

/// Go's `parseRepeat`: `(min, max, length)` with max -1 for "no upper bound" and
/// `i64::MAX` for a number too large; `None` when the text is not a repeat at all.
fn parse_repeat(chars: &[char]) -> Option<(i64, i64, usize)> {
    let mut i = 1;
    let min = parse_repeat_int(chars, &mut i)?;
    let max = match chars.get(i)? {
        ',' if chars.get(i + 1) == Some(&'}') => {
            i += 1;
            -1
        }
        ',' => {
            i += 1;
            parse_repeat_int(chars, &mut i)?
        }
        _ => min,
    };
    (chars.get(i)? == &'}').then_some((min, max, i + 1))
}

/// Decimal digits without a leading zero; `i64::MAX` when longer than 8 digits.
fn parse_repeat_int(chars: &[char], i: &mut usize) -> Option<i64> {
    let start = *i;
    while chars.get(*i).is_some_and(char::is_ascii_digit) {
        *i += 1;
    }
    let digits: String = chars.get(start..*i)?.iter().collect();
    if digits.is_empty() || (digits.len() > 1 && digits.starts_with('0')) {
        return None;
    }
    Some(if digits.len() > 8 {
        i64::MAX
    } else {
        digits.parse().ok()?
    })
}
