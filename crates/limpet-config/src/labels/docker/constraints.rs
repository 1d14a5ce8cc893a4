//! `providers.docker.constraints`: Traefik's label-constraint expressions,
//! ``Label(`key`, `value`)``, ``LabelRegex(`key`, `regexp`)``, `!`, `&&`, `||` and
//! parentheses. A container is kept when the expression holds for its labels; a missing
//! label reads as the empty string, and `LabelRegex` is unanchored (Go's `MatchString`).

use std::collections::BTreeMap;

use regex::Regex;

/// A constraint expression that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("providers.docker.constraints {expression:?}: {reason}")]
pub struct ConstraintError {
    pub expression: String,
    pub reason: String,
}

/// A parsed constraint expression.
#[derive(Debug, Clone)]
pub enum Constraint {
    Label(String, String),
    LabelRegex(String, Regex),
    Not(Box<Constraint>),
    And(Box<Constraint>, Box<Constraint>),
    Or(Box<Constraint>, Box<Constraint>),
}

impl Constraint {
    /// Parses `text`; an empty text is `None` (every container is kept).
    pub fn parse(text: &str) -> Result<Option<Constraint>, ConstraintError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        let error = |reason: String| ConstraintError {
            expression: text.to_owned(),
            reason,
        };
        let tokens = tokenize(text).map_err(error)?;
        let mut parser = Parser { tokens, at: 0 };
        let constraint = parser.or().map_err(error)?;
        match parser.tokens.get(parser.at) {
            None => Ok(Some(constraint)),
            Some(token) => Err(error(format!("unexpected {token:?}"))),
        }
    }

    /// Whether `labels` satisfy the constraint.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = |key: &str| labels.get(key).map_or("", String::as_str);
        match self {
            Constraint::Label(key, expected) => value(key) == expected,
            Constraint::LabelRegex(key, regex) => regex.is_match(value(key)),
            Constraint::Not(inner) => !inner.matches(labels),
            Constraint::And(a, b) => a.matches(labels) && b.matches(labels),
            Constraint::Or(a, b) => a.matches(labels) || b.matches(labels),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    Text(String),
    Not,
    And,
    Or,
    Open,
    Close,
    Comma,
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let token = match c {
            _ if c.is_whitespace() => continue,
            '!' => Token::Not,
            '(' => Token::Open,
            ')' => Token::Close,
            ',' => Token::Comma,
            '&' | '|' if chars.peek() == Some(&c) => {
                chars.next();
                if c == '&' {
                    Token::And
                } else {
                    Token::Or
                }
            }
            '`' | '"' => Token::Text(quoted(c, &mut chars)?),
            _ if c.is_ascii_alphabetic() => {
                let mut ident = c.to_string();
                while let Some(&next) = chars.peek().filter(|n| n.is_ascii_alphanumeric()) {
                    ident.push(next);
                    chars.next();
                }
                Token::Ident(ident)
            }
            _ => return Err(format!("unexpected character {c:?}")),
        };
        tokens.push(token);
    }
    Ok(tokens)
}

fn quoted(quote: char, chars: &mut impl Iterator<Item = char>) -> Result<String, String> {
    let mut value = String::new();
    while let Some(c) = chars.next() {
        match c {
            _ if c == quote => return Ok(value),
            '\\' if quote == '"' => value.extend(chars.next()),
            _ => value.push(c),
        }
    }
    Err("unterminated string".to_owned())
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn eat(&mut self, token: &Token) -> bool {
        let found = self.tokens.get(self.at) == Some(token);
        if found {
            self.at += 1;
        }
        found
    }

    fn or(&mut self) -> Result<Constraint, String> {
        let mut left = self.and()?;
        while self.eat(&Token::Or) {
            left = Constraint::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Constraint, String> {
        let mut left = self.unary()?;
        while self.eat(&Token::And) {
            left = Constraint::And(Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Constraint, String> {
        match self.next() {
            Some(Token::Not) => Ok(Constraint::Not(Box::new(self.unary()?))),
            Some(Token::Open) => {
                let inner = self.or()?;
                self.expect(&Token::Close)?;
                Ok(inner)
            }
            Some(Token::Ident(name)) => self.call(&name),
            Some(token) => Err(format!("unexpected {token:?}")),
            None => Err("unexpected end of expression".to_owned()),
        }
    }

    fn call(&mut self, name: &str) -> Result<Constraint, String> {
        self.expect(&Token::Open)?;
        let key = self.text()?;
        self.expect(&Token::Comma)?;
        let value = self.text()?;
        self.expect(&Token::Close)?;
        match name {
            "Label" => Ok(Constraint::Label(key, value)),
            "LabelRegex" => Regex::new(&value)
                .map(|regex| Constraint::LabelRegex(key, regex))
                .map_err(|e| format!("LabelRegex {value:?}: {e}")),
            other => Err(format!(
                "unsupported constraint {other:?} (use Label or LabelRegex)"
            )),
        }
    }

    fn text(&mut self) -> Result<String, String> {
        match self.next() {
            Some(Token::Text(text)) => Ok(text),
            other => Err(format!("expected a quoted string, found {other:?}")),
        }
    }

    fn expect(&mut self, token: &Token) -> Result<(), String> {
        match self.next() {
            Some(found) if found == *token => Ok(()),
            other => Err(format!("expected {token:?}, found {other:?}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn label_regex_not_and_or() {
        let c =
            Constraint::parse("Label(`a`, `1`) && !LabelRegex(`b`, `^x`) || Label(\"c\", \"yes\")")
                .unwrap()
                .unwrap();
        assert!(c.matches(&labels(&[("a", "1")])));
        assert!(!c.matches(&labels(&[("a", "1"), ("b", "xy")])));
        assert!(c.matches(&labels(&[("b", "xy"), ("c", "yes")])));
        assert!(!c.matches(&labels(&[])));
        let grouped = Constraint::parse("!(Label(`a`,`1`) || Label(`a`,`2`))")
            .unwrap()
            .unwrap();
        assert!(grouped.matches(&labels(&[("a", "3")])));
        assert!(!grouped.matches(&labels(&[("a", "2")])));
        assert!(Constraint::parse("  ").unwrap().is_none());
    }

    #[test]
    fn bad_expressions_are_errors() {
        for bad in [
            "Label(`a`)",
            "Host(`a`, `b`)",
            "Label(`a`, `b`) &&",
            "LabelRegex(`a`, `(`)",
            "Label(`a`, `b",
        ] {
            assert!(Constraint::parse(bad).is_err(), "{bad}");
        }
    }
}
