//! Tokenizer for rule text: the subset of Go's scanner (`go/scanner`) that Traefik's
//! rule parser relies on, including automatic semicolon insertion and Go's error texts.

use crate::position::Pos;

/// What kind of token the scanner produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenKind {
    Ident,
    Int,
    Float,
    Imag,
    Char,
    /// A string literal, backquoted or double-quoted; the text keeps its quotes.
    String,
    /// Punctuation or operator; the text says which.
    Op,
    /// A `;` written in the rule.
    Semicolon,
    /// A `;` inserted by the scanner at a newline or at the end (Go's semicolon rule).
    AutoSemicolon,
    Eof,
}

/// One token with its source text and byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    pub kind: TokenKind,
    pub text: &'a str,
    pub offset: usize,
}

impl Token<'_> {
    /// How Go's parser names this token in "expected X, found Y".
    pub fn describe(&self) -> String {
        match self.kind {
            TokenKind::AutoSemicolon => "newline".to_owned(),
            TokenKind::Eof => "'EOF'".to_owned(),
            TokenKind::Semicolon => "';'".to_owned(),
            TokenKind::Op => format!("'{}'", self.text),
            _ => self.text.to_owned(),
        }
    }

    pub fn is_op(&self, op: &str) -> bool {
        self.kind == TokenKind::Op && self.text == op
    }
}

/// A scanner error: Go's message and where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScanError {
    pub offset: usize,
    pub message: String,
}

/// Go operators, longest first so that maximal munch picks `&&` before `&`.
const OPERATORS: &[&str] = &[
    "...", "<<=", ">>=", "&^=", "&&", "||", "&^", "<<", ">>", "==", "!=", "<=", ">=", "<-", ":=",
    "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "+", "-", "*", "/", "%", "&", "|",
    "^", "<", ">", "=", "!", "(", ")", "[", "]", "{", "}", ",", ".", ":", "~",
];

/// Pull-based scanner; errors surface when the faulty token is reached, as in Go.
pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    insert_semicolon: bool,
}

impl<'a> Lexer<'a> {
    pub fn new(src: &'a str) -> Self {
        Lexer {
            src,
            pos: 0,
            insert_semicolon: false,
        }
    }

    pub fn position(&self, offset: usize) -> Pos {
        Pos::of(self.src, offset)
    }

    /// The next token, or the scanner error Go would report for it.
    pub fn next_token(&mut self) -> Result<Token<'a>, ScanError> {
        if let Some(newline) = self.skip_blanks_and_comments()? {
            return Ok(newline);
        }
        let start = self.pos;
        let Some(first) = self.peek_char() else {
            return Ok(self.end_of_input());
        };
        let kind = self.scan_token(first, start)?;
        self.insert_semicolon = inserts_semicolon(kind, &self.src[start..self.pos]);
        Ok(Token {
            kind,
            text: &self.src[start..self.pos],
            offset: start,
        })
    }

    fn end_of_input(&mut self) -> Token<'a> {
        let kind = if std::mem::take(&mut self.insert_semicolon) {
            TokenKind::AutoSemicolon
        } else {
            TokenKind::Eof
        };
        Token {
            kind,
            text: "",
            offset: self.src.len(),
        }
    }

    fn scan_token(&mut self, first: char, start: usize) -> Result<TokenKind, ScanError> {
        if is_letter(first) {
            self.eat_while(|c| is_letter(c) || c.is_numeric());
            return Ok(TokenKind::Ident);
        }
        if first.is_ascii_digit()
            || (first == '.' && self.char_at(start + 1).is_some_and(|c| c.is_ascii_digit()))
        {
            return Ok(self.scan_number());
        }
        match first {
            '`' => self.scan_raw_string(start),
            '"' => self.scan_interpreted_string(start),
            '\'' => self.scan_rune(start),
            ';' => {
                self.pos += 1;
                Ok(TokenKind::Semicolon)
            }
            _ => self.scan_operator(first, start),
        }
    }

    /// Skips spaces and comments; returns the auto-semicolon a newline stands for, if any.
    fn skip_blanks_and_comments(&mut self) -> Result<Option<Token<'a>>, ScanError> {
        loop {
            let rest = &self.src[self.pos..];
            let Some(c) = rest.chars().next() else {
                return Ok(None);
            };
            if c == '\n' && self.insert_semicolon {
                return Ok(Some(self.auto_semicolon_at(self.pos, 1)));
            }
            if matches!(c, ' ' | '\t' | '\r' | '\n') {
                self.pos += 1;
            } else if rest.starts_with("//") {
                if let Some(token) = self.skip_line_comment() {
                    return Ok(Some(token));
                }
            } else if rest.starts_with("/*") {
                if let Some(token) = self.skip_block_comment()? {
                    return Ok(Some(token));
                }
            } else {
                return Ok(None);
            }
        }
    }

    fn auto_semicolon_at(&mut self, offset: usize, consumed: usize) -> Token<'a> {
        self.pos = offset + consumed;
        self.insert_semicolon = false;
        Token {
            kind: TokenKind::AutoSemicolon,
            text: "\n",
            offset,
        }
    }

    /// A line comment acts like the newline that ends it.
    fn skip_line_comment(&mut self) -> Option<Token<'a>> {
        let start = self.pos;
        let end = self.src[start..]
            .find('\n')
            .map_or(self.src.len(), |i| start + i);
        if self.insert_semicolon {
            return Some(self.auto_semicolon_at(start, end - start));
        }
        self.pos = end;
        None
    }

    /// A block comment spanning lines acts like a newline.
    fn skip_block_comment(&mut self) -> Result<Option<Token<'a>>, ScanError> {
        let start = self.pos;
        let Some(len) = self.src[start + 2..].find("*/") else {
            return Err(scan_error(start, "comment not terminated"));
        };
        let end = start + 2 + len + 2;
        if self.insert_semicolon && self.src[start..end].contains('\n') {
            return Ok(Some(self.auto_semicolon_at(start, end - start)));
        }
        self.pos = end;
        Ok(None)
    }

    fn scan_number(&mut self) -> TokenKind {
        let start = self.pos;
        let mut previous = '\0';
        self.eat_while(|c| {
            let exponent_sign = matches!(c, '+' | '-') && matches!(previous, 'e' | 'E' | 'p' | 'P');
            previous = c;
            c.is_ascii_alphanumeric() || c == '_' || c == '.' || exponent_sign
        });
        classify_number(&self.src[start..self.pos])
    }

    fn scan_raw_string(&mut self, start: usize) -> Result<TokenKind, ScanError> {
        match self.src[start + 1..].find('`') {
            Some(len) => {
                self.pos = start + 1 + len + 1;
                Ok(TokenKind::String)
            }
            None => Err(scan_error(start, "raw string literal not terminated")),
        }
    }

    fn scan_interpreted_string(&mut self, start: usize) -> Result<TokenKind, ScanError> {
        self.pos = start + 1;
        loop {
            match self.peek_char() {
                None | Some('\n') => {
                    return Err(scan_error(start, "string literal not terminated"))
                }
                Some('"') => {
                    self.pos += 1;
                    return Ok(TokenKind::String);
                }
                Some('\\') => {
                    self.pos += 1;
                    self.scan_escape('"')?;
                }
                Some(c) => self.pos += c.len_utf8(),
            }
        }
    }

    fn scan_rune(&mut self, start: usize) -> Result<TokenKind, ScanError> {
        self.pos = start + 1;
        let mut chars = 0;
        loop {
            match self.peek_char() {
                None | Some('\n') => return Err(scan_error(start, "rune literal not terminated")),
                Some('\'') => break,
                Some('\\') => {
                    self.pos += 1;
                    self.scan_escape('\'')?;
                }
                Some(c) => self.pos += c.len_utf8(),
            }
            chars += 1;
        }
        self.pos += 1;
        if chars != 1 {
            return Err(scan_error(start, "illegal rune literal"));
        }
        Ok(TokenKind::Char)
    }

    /// Validates one escape after a backslash, with Go's messages and positions.
    fn scan_escape(&mut self, quote: char) -> Result<(), ScanError> {
        let at = self.pos;
        let (digits, base, max) = match self.peek_char() {
            Some(c) if "abfnrtv\\".contains(c) || c == quote => {
                self.pos += 1;
                return Ok(());
            }
            Some('0'..='7') => (3, 8, 255),
            Some('x') => (2, 16, 255),
            Some('u') => (4, 16, 0x10FFFF),
            Some('U') => (8, 16, 0x10FFFF),
            Some(_) => return Err(scan_error(at, "unknown escape sequence")),
            None => return Err(scan_error(at, "escape sequence not terminated")),
        };
        if base == 16 {
            self.pos += 1;
        }
        let value = self.scan_escape_digits(digits, base)?;
        if value > max || (0xD800..0xE000).contains(&value) {
            return Err(scan_error(
                at,
                "escape sequence is invalid Unicode code point",
            ));
        }
        Ok(())
    }

    fn scan_escape_digits(&mut self, digits: u32, base: u32) -> Result<u32, ScanError> {
        let mut value: u32 = 0;
        for _ in 0..digits {
            let c = self.peek_char();
            let Some(digit) = c.and_then(|c| c.to_digit(base)) else {
                let message = match c {
                    Some(c) => format!("illegal character {} in escape sequence", go_rune_name(c)),
                    None => "escape sequence not terminated".to_owned(),
                };
                return Err(scan_error(self.pos, &message));
            };
            value = value.saturating_mul(base).saturating_add(digit);
            self.pos += 1;
        }
        Ok(value)
    }

    fn scan_operator(&mut self, first: char, start: usize) -> Result<TokenKind, ScanError> {
        let rest = &self.src[start..];
        match OPERATORS.iter().find(|op| rest.starts_with(**op)) {
            Some(op) => {
                self.pos += op.len();
                Ok(TokenKind::Op)
            }
            None => Err(scan_error(
                start,
                &format!("illegal character {}", go_rune_name(first)),
            )),
        }
    }

    fn peek_char(&self) -> Option<char> {
        self.char_at(self.pos)
    }

    fn char_at(&self, offset: usize) -> Option<char> {
        self.src.get(offset..).and_then(|rest| rest.chars().next())
    }

    fn eat_while(&mut self, mut keep: impl FnMut(char) -> bool) {
        while let Some(c) = self.peek_char().filter(|c| keep(*c)) {
            self.pos += c.len_utf8();
        }
    }
}

fn scan_error(offset: usize, message: &str) -> ScanError {
    ScanError {
        offset,
        message: message.to_owned(),
    }
}

/// Go's letters: Unicode letters and the underscore.
fn is_letter(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

/// Go inserts a semicolon at a newline after these tokens.
fn inserts_semicolon(kind: TokenKind, text: &str) -> bool {
    match kind {
        TokenKind::Ident | TokenKind::Int | TokenKind::Float | TokenKind::Imag => true,
        TokenKind::Char | TokenKind::String => true,
        TokenKind::Op => matches!(text, ")" | "]" | "}" | "++" | "--"),
        _ => false,
    }
}

fn classify_number(text: &str) -> TokenKind {
    let lower = text.to_ascii_lowercase();
    let hex = lower.starts_with("0x");
    if lower.ends_with('i') {
        TokenKind::Imag
    } else if lower.contains('.') || (hex && lower.contains('p')) || (!hex && lower.contains('e')) {
        TokenKind::Float
    } else {
        TokenKind::Int
    }
}

/// Go's `%#U` rendering of a character: `U+0040 '@'`.
pub(crate) fn go_rune_name(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("U+{:04X} '{c}'", u32::from(c))
    }
}
