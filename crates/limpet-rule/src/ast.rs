//! The rule AST (matcher calls joined by `&&`, `||`, `!`) and its printer, whose
//! output parses back to the same tree.

use std::fmt;

/// A parsed rule: what was written, without parentheses, with canonical matcher names.
/// Hashable, so routers can be grouped by rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Expr {
    Matcher(MatcherCall),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// One matcher with its (unquoted) arguments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MatcherCall {
    pub name: MatcherName,
    pub args: Vec<String>,
}

/// The v3 matchers (`httpFuncs` in Traefik).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MatcherName {
    ClientIP,
    Method,
    Host,
    HostRegexp,
    Path,
    PathRegexp,
    PathPrefix,
    Header,
    HeaderRegexp,
    Query,
    QueryRegexp,
}

impl MatcherName {
    pub const ALL: [MatcherName; 11] = [
        MatcherName::ClientIP,
        MatcherName::Method,
        MatcherName::Host,
        MatcherName::HostRegexp,
        MatcherName::Path,
        MatcherName::PathRegexp,
        MatcherName::PathPrefix,
        MatcherName::Header,
        MatcherName::HeaderRegexp,
        MatcherName::Query,
        MatcherName::QueryRegexp,
    ];

    /// The name as Traefik declares it.
    pub fn as_str(self) -> &'static str {
        match self {
            MatcherName::ClientIP => "ClientIP",
            MatcherName::Method => "Method",
            MatcherName::Host => "Host",
            MatcherName::HostRegexp => "HostRegexp",
            MatcherName::Path => "Path",
            MatcherName::PathRegexp => "PathRegexp",
            MatcherName::PathPrefix => "PathPrefix",
            MatcherName::Header => "Header",
            MatcherName::HeaderRegexp => "HeaderRegexp",
            MatcherName::Query => "Query",
            MatcherName::QueryRegexp => "QueryRegexp",
        }
    }

    /// The matcher a function name refers to. Traefik registers each name as written,
    /// lowercase, UPPERCASE and Title-case-of-lowercase (`Pathprefix`), nothing else.
    pub fn lookup(written: &str) -> Option<MatcherName> {
        MatcherName::ALL
            .into_iter()
            .find(|name| name.accepts(written))
    }

    fn accepts(self, written: &str) -> bool {
        let canonical = self.as_str();
        if written == canonical {
            return true;
        }
        if !written.eq_ignore_ascii_case(canonical) {
            return false;
        }
        let lower = canonical.to_ascii_lowercase();
        written == lower
            || written == canonical.to_ascii_uppercase()
            || written == title_case(&lower)
    }

    /// How many arguments Traefik's `expectNParameters` allows.
    pub fn allowed_arities(self) -> &'static [usize] {
        match self {
            MatcherName::Header | MatcherName::HeaderRegexp => &[2],
            MatcherName::Query | MatcherName::QueryRegexp => &[1, 2],
            _ => &[1],
        }
    }
}

fn title_case(lower: &str) -> String {
    let mut chars = lower.chars();
    chars
        .next()
        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

impl fmt::Display for MatcherName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Binding strength, loosest first: `||`, `&&`, then `!` and matchers.
fn binding(expr: &Expr) -> u8 {
    match expr {
        Expr::Or(..) => 1,
        Expr::And(..) => 2,
        Expr::Not(_) | Expr::Matcher(_) => 3,
    }
}

impl Expr {
    /// Writes `child` in parentheses when it binds looser than its position requires.
    fn write_operand(f: &mut fmt::Formatter<'_>, child: &Expr, min_binding: u8) -> fmt::Result {
        if binding(child) < min_binding {
            write!(f, "({child})")
        } else {
            write!(f, "{child}")
        }
    }

    fn write_binary(
        f: &mut fmt::Formatter<'_>,
        op: &str,
        left: &Expr,
        right: &Expr,
        own: u8,
    ) -> fmt::Result {
        // Operators are left-associative, so a right operand of the same kind needs parentheses.
        Self::write_operand(f, left, own)?;
        write!(f, " {op} ")?;
        Self::write_operand(f, right, own + 1)
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Matcher(call) => write!(f, "{call}"),
            Expr::Not(inner) => {
                f.write_str("!")?;
                Self::write_operand(f, inner, 3)
            }
            Expr::And(left, right) => Self::write_binary(f, "&&", left, right, 2),
            Expr::Or(left, right) => Self::write_binary(f, "||", left, right, 1),
        }
    }
}

impl fmt::Display for MatcherCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write_go_string(f, arg)?;
        }
        f.write_str(")")
    }
}

/// A Go string literal for `value`: backquoted when possible, else double-quoted.
fn write_go_string(f: &mut fmt::Formatter<'_>, value: &str) -> fmt::Result {
    // Raw strings cannot hold a backquote, and Go drops carriage returns from them.
    if !value.contains(['`', '\r']) {
        return write!(f, "`{value}`");
    }
    f.write_str("\"")?;
    for c in value.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if c.is_control() => write!(f, "\\u{:04x}", u32::from(c))?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}
