//! Parser from tokens to a Go expression tree: the part of `go/parser.ParseExpr` that
//! rule text can reach, reporting the first error with Go's position and wording.

use crate::lexer::{Lexer, ScanError, Token, TokenKind};

/// Deepest nesting of parentheses, unary operators, calls and indexes accepted. Go allows
/// far more; the limits keep every later recursive pass well inside a thread's stack.
pub(crate) const MAX_NESTING: usize = 100;

/// Most binary operators and selectors in one rule (each deepens a left-leaning tree).
pub(crate) const MAX_OPERATORS: usize = 1000;

/// A Go expression, as far as Traefik's evaluator distinguishes them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum SyntaxExpr<'a> {
    Ident(&'a str),
    Literal(Token<'a>),
    Selector(Box<SyntaxExpr<'a>>, &'a str),
    Index(Box<SyntaxExpr<'a>>),
    Call(Box<SyntaxExpr<'a>>, Vec<SyntaxExpr<'a>>),
    Paren(Box<SyntaxExpr<'a>>),
    Unary(&'a str, Box<SyntaxExpr<'a>>),
    Star(Box<SyntaxExpr<'a>>),
    Binary(&'a str, Box<SyntaxExpr<'a>>, Box<SyntaxExpr<'a>>),
}

impl SyntaxExpr<'_> {
    /// Go's AST type name, used in Traefik's "%T is not supported" errors.
    pub fn go_type_name(&self) -> &'static str {
        match self {
            SyntaxExpr::Ident(_) => "*ast.Ident",
            SyntaxExpr::Literal(_) => "*ast.BasicLit",
            SyntaxExpr::Selector(..) => "*ast.SelectorExpr",
            SyntaxExpr::Index(_) => "*ast.IndexExpr",
            SyntaxExpr::Call(..) => "*ast.CallExpr",
            SyntaxExpr::Paren(_) => "*ast.ParenExpr",
            SyntaxExpr::Unary(..) => "*ast.UnaryExpr",
            SyntaxExpr::Star(_) => "*ast.StarExpr",
            SyntaxExpr::Binary(..) => "*ast.BinaryExpr",
        }
    }
}

/// Parses a whole rule as one Go expression; the error is Go's `line:col: message`.
pub(crate) fn parse_expression(src: &str) -> Result<SyntaxExpr<'_>, String> {
    let mut parser = Parser::new(src).map_err(|e| describe_scan_error(src, &e))?;
    parser.parse_all().map_err(|e| match e {
        Failure::Scan(e) => describe_scan_error(src, &e),
        Failure::Syntax { offset, message } => {
            format!("{}: {message}", parser.lexer.position(offset))
        }
    })
}

fn describe_scan_error(src: &str, e: &ScanError) -> String {
    format!("{}: {}", Lexer::new(src).position(e.offset), e.message)
}

enum Failure {
    Scan(ScanError),
    Syntax { offset: usize, message: String },
}

impl From<ScanError> for Failure {
    fn from(e: ScanError) -> Self {
        Failure::Scan(e)
    }
}

type Parsed<'a> = Result<SyntaxExpr<'a>, Failure>;

struct Parser<'a> {
    lexer: Lexer<'a>,
    token: Token<'a>,
    nesting: usize,
    operators: usize,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Result<Self, ScanError> {
        let mut lexer = Lexer::new(src);
        let token = lexer.next_token()?;
        Ok(Parser {
            lexer,
            token,
            nesting: 0,
            operators: 0,
        })
    }

    fn advance(&mut self) -> Result<(), Failure> {
        self.token = self.lexer.next_token()?;
        Ok(())
    }

    /// `ParseExpr`: one expression, an optional inserted semicolon, then the end.
    fn parse_all(&mut self) -> Parsed<'a> {
        let expr = self.parse_binary(1)?;
        if self.token.kind == TokenKind::AutoSemicolon {
            self.advance()?;
        }
        self.expect_kind(TokenKind::Eof, "'EOF'")?;
        Ok(expr)
    }

    fn parse_binary(&mut self, min_precedence: u8) -> Parsed<'a> {
        let mut left = self.parse_unary()?;
        while let Some(precedence) = self.binary_precedence().filter(|p| *p >= min_precedence) {
            let operator = self.token.text;
            self.count_operator()?;
            self.advance()?;
            let right = self.parse_binary(precedence + 1)?;
            left = SyntaxExpr::Binary(operator, Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn binary_precedence(&self) -> Option<u8> {
        if self.token.kind != TokenKind::Op {
            return None;
        }
        match self.token.text {
            "||" => Some(1),
            "&&" => Some(2),
            "==" | "!=" | "<" | "<=" | ">" | ">=" => Some(3),
            "+" | "-" | "|" | "^" => Some(4),
            "*" | "/" | "%" | "<<" | ">>" | "&" | "&^" => Some(5),
            _ => None,
        }
    }

    fn parse_unary(&mut self) -> Parsed<'a> {
        if self.token.kind != TokenKind::Op {
            return self.parse_primary();
        }
        let operator = self.token.text;
        if !matches!(operator, "!" | "+" | "-" | "^" | "&" | "~" | "<-" | "*") {
            return self.parse_primary();
        }
        self.enter()?;
        self.advance()?;
        let operand = self.parse_unary()?;
        self.leave();
        Ok(match operator {
            "*" => SyntaxExpr::Star(Box::new(operand)),
            _ => SyntaxExpr::Unary(operator, Box::new(operand)),
        })
    }

    fn parse_primary(&mut self) -> Parsed<'a> {
        let mut expr = self.parse_operand()?;
        loop {
            expr = match self.token.text {
                "." if self.token.kind == TokenKind::Op => self.parse_selector(expr)?,
                "(" if self.token.kind == TokenKind::Op => self.parse_call(expr)?,
                "[" if self.token.kind == TokenKind::Op => self.parse_index(expr)?,
                _ => return Ok(expr),
            };
        }
    }

    fn parse_operand(&mut self) -> Parsed<'a> {
        let token = self.token;
        match token.kind {
            TokenKind::Ident => {
                self.advance()?;
                Ok(SyntaxExpr::Ident(token.text))
            }
            TokenKind::Int
            | TokenKind::Float
            | TokenKind::Imag
            | TokenKind::Char
            | TokenKind::String => {
                self.advance()?;
                Ok(SyntaxExpr::Literal(token))
            }
            TokenKind::Op if token.text == "(" => self.parse_parenthesized(),
            _ => Err(self.expected("operand")),
        }
    }

    fn parse_parenthesized(&mut self) -> Parsed<'a> {
        self.enter()?;
        self.advance()?;
        let inner = self.parse_binary(1)?;
        self.expect_op(")")?;
        self.leave();
        Ok(SyntaxExpr::Paren(Box::new(inner)))
    }

    fn parse_selector(&mut self, target: SyntaxExpr<'a>) -> Parsed<'a> {
        self.advance()?;
        if self.token.kind != TokenKind::Ident {
            return Err(self.expected("selector or type assertion"));
        }
        let name = self.token.text;
        self.advance()?;
        self.count_operator()?;
        Ok(SyntaxExpr::Selector(Box::new(target), name))
    }

    fn parse_index(&mut self, target: SyntaxExpr<'a>) -> Parsed<'a> {
        self.enter()?;
        self.advance()?;
        if self.token.is_op("]") {
            return Err(self.expected("operand"));
        }
        self.parse_binary(1)?;
        self.expect_op("]")?;
        self.leave();
        Ok(SyntaxExpr::Index(Box::new(target)))
    }

    /// Go's argument list, including its "missing ','" diagnostics.
    fn parse_call(&mut self, function: SyntaxExpr<'a>) -> Parsed<'a> {
        self.enter()?;
        self.advance()?;
        let mut arguments = Vec::new();
        while !self.token.is_op(")") && self.token.kind != TokenKind::Eof {
            arguments.push(self.parse_binary(1)?);
            if !self.at_comma()? {
                break;
            }
            self.advance()?;
        }
        if self.token.kind == TokenKind::AutoSemicolon {
            return Err(self.error_here("missing ',' before newline in argument list"));
        }
        self.expect_op(")")?;
        self.leave();
        Ok(SyntaxExpr::Call(Box::new(function), arguments))
    }

    fn at_comma(&self) -> Result<bool, Failure> {
        if self.token.is_op(",") {
            return Ok(true);
        }
        if self.token.is_op(")") {
            return Ok(false);
        }
        let before_newline = if self.token.kind == TokenKind::AutoSemicolon {
            " before newline"
        } else {
            ""
        };
        Err(self.error_here(&format!("missing ','{before_newline} in argument list")))
    }

    fn expect_op(&mut self, op: &str) -> Result<(), Failure> {
        if !self.token.is_op(op) {
            return Err(self.expected(&format!("'{op}'")));
        }
        self.advance()
    }

    fn expect_kind(&mut self, kind: TokenKind, name: &str) -> Result<(), Failure> {
        if self.token.kind != kind {
            return Err(self.expected(name));
        }
        Ok(())
    }

    fn expected(&self, what: &str) -> Failure {
        self.error_here(&format!("expected {what}, found {}", self.token.describe()))
    }

    fn error_here(&self, message: &str) -> Failure {
        Failure::Syntax {
            offset: self.token.offset,
            message: message.to_owned(),
        }
    }

    fn enter(&mut self) -> Result<(), Failure> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(self.error_here(&format!(
                "rule too deeply nested (more than {MAX_NESTING} levels of parentheses, `!` or calls)"
            )));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.nesting = self.nesting.saturating_sub(1);
    }

    fn count_operator(&mut self) -> Result<(), Failure> {
        self.operators += 1;
        if self.operators > MAX_OPERATORS {
            return Err(self.error_here(&format!(
                "rule too long (more than {MAX_OPERATORS} operators)"
            )));
        }
        Ok(())
    }
}
