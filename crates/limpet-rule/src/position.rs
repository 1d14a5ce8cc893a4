//! Line:column positions in rule text, printed the way Go's `go/token` prints them.

use std::fmt;

/// A 1-based line and byte column, as Go reports positions in parse errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    line: usize,
    column: usize,
}

impl Pos {
    /// The position of byte `offset` in `src` (offsets past the end clamp to the end).
    pub fn of(src: &str, offset: usize) -> Pos {
        let before = src.get(..offset).unwrap_or(src);
        let line = 1 + before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        Pos {
            line,
            column: before.len() - line_start + 1,
        }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}
