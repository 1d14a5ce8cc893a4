//! Turns the Go expression tree into the rule AST the way vulcand/predicate (as set up
//! by Traefik's `rules.NewParser`) evaluates it, with the same error texts and order.

use crate::ast::{Expr, MatcherCall, MatcherName};
use crate::lexer::TokenKind;
use crate::literal::{parse_go_float, parse_go_int, unquote};
use crate::syntax::SyntaxExpr;

/// What evaluating a Go expression can produce.
enum Value {
    Rule(Expr),
    Text(String),
    Int,
    Float,
}

impl Value {
    /// The Go type name reflect reports for this value.
    fn go_type(&self) -> &'static str {
        match self {
            Value::Rule(_) => "rules.TreeBuilder",
            Value::Text(_) => "string",
            Value::Int => "int",
            Value::Float => "float64",
        }
    }
}

/// Why the evaluated expression is not a rule.
pub(crate) enum EvalError {
    /// Traefik wraps this as `parsing rule …: <message>`.
    Parse(String),
    /// The whole expression is a plain value (e.g. `"abc"`): `obtaining build tree`.
    NotARule,
}

/// Evaluates a parsed expression into a rule.
pub(crate) fn evaluate(expr: &SyntaxExpr<'_>) -> Result<Expr, EvalError> {
    match evaluate_node(expr).map_err(EvalError::Parse)? {
        Value::Rule(rule) => Ok(rule),
        _ => Err(EvalError::NotARule),
    }
}

/// predicate's `parse`: operators and parentheses, then leaves.
fn evaluate_node(expr: &SyntaxExpr<'_>) -> Result<Value, String> {
    match expr {
        SyntaxExpr::Binary(op, left, right) => {
            let left = evaluate_node(left)?;
            let right = evaluate_node(right)?;
            join(op, left, right)
        }
        SyntaxExpr::Paren(inner) => evaluate_node(inner),
        SyntaxExpr::Unary(op, operand) => negate(op, operand),
        leaf => evaluate_leaf(leaf),
    }
}

fn join(op: &str, left: Value, right: Value) -> Result<Value, String> {
    let combine: fn(Box<Expr>, Box<Expr>) -> Expr = match op {
        "&&" => Expr::And,
        "||" => Expr::Or,
        _ => return Err(format!("{op} is not supported")),
    };
    let left = expect_rule(left)?;
    let right = expect_rule(right)?;
    Ok(Value::Rule(combine(Box::new(left), Box::new(right))))
}

fn negate(op: &str, operand: &SyntaxExpr<'_>) -> Result<Value, String> {
    // The operator is checked before its operand is evaluated.
    if op != "!" {
        return Err(format!("{op} is not supported"));
    }
    let inner = expect_rule(evaluate_node(operand)?)?;
    Ok(Value::Rule(Expr::Not(Box::new(inner))))
}

/// Operator functions take rule builders; reflect rejects anything else.
fn expect_rule(value: Value) -> Result<Expr, String> {
    match value {
        Value::Rule(rule) => Ok(rule),
        other => Err(format!(
            "reflect: Call using {} as type rules.TreeBuilder",
            other.go_type()
        )),
    }
}

/// predicate's `evaluateExpr`: literals, identifiers and calls.
fn evaluate_leaf(expr: &SyntaxExpr<'_>) -> Result<Value, String> {
    match expr {
        SyntaxExpr::Literal(token) => literal_value(token.kind, token.text),
        SyntaxExpr::Index(_) => Err("properties are not supported".to_owned()),
        SyntaxExpr::Selector(..) => Err(format!("{} is not defined", selector_path(expr)?)),
        SyntaxExpr::Ident(name) => Err(format!("{name} is not defined")),
        SyntaxExpr::Call(function, args) => call(function, args),
        other => Err(format!("{} is not supported", other.go_type_name())),
    }
}

fn literal_value(kind: TokenKind, text: &str) -> Result<Value, String> {
    let failed = |e: String| format!("failed to parse argument: {text}, error: {e}");
    match kind {
        TokenKind::String => unquote(text).map(Value::Text).map_err(failed),
        TokenKind::Int => parse_go_int(text).map(|_| Value::Int).map_err(failed),
        TokenKind::Float => parse_go_float(text).map(|_| Value::Float).map_err(failed),
        TokenKind::Char => Err("unsupported function argument type: 'CHAR'".to_owned()),
        _ => Err("unsupported function argument type: 'IMAG'".to_owned()),
    }
}

/// `a.b.c` as the dotted path predicate resolves identifiers with.
fn selector_path(expr: &SyntaxExpr<'_>) -> Result<String, String> {
    match expr {
        SyntaxExpr::Ident(name) => Ok((*name).to_owned()),
        SyntaxExpr::Selector(target, field) => Ok(format!("{}.{field}", selector_path(target)?)),
        other => Err(format!(
            "unsupported selector type: {}",
            other.go_type_name()
        )),
    }
}

fn call(function: &SyntaxExpr<'_>, args: &[SyntaxExpr<'_>]) -> Result<Value, String> {
    let written = function_name(function)?;
    let name =
        MatcherName::lookup(&written).ok_or_else(|| format!("unsupported function: {written}"))?;
    let values = args
        .iter()
        .map(evaluate_leaf)
        .collect::<Result<Vec<_>, _>>()?;
    let args = values
        .into_iter()
        .map(expect_text)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Value::Rule(Expr::Matcher(MatcherCall { name, args })))
}

/// Matcher functions are variadic over strings; reflect rejects anything else.
fn expect_text(value: Value) -> Result<String, String> {
    match value {
        Value::Text(text) => Ok(text),
        other => Err(format!(
            "reflect: cannot use {} as type string in Call",
            other.go_type()
        )),
    }
}

/// predicate's `getIdentifier`: `Name` or `pkg.Name`.
fn function_name(function: &SyntaxExpr<'_>) -> Result<String, String> {
    match function {
        SyntaxExpr::Ident(name) => Ok((*name).to_owned()),
        SyntaxExpr::Selector(target, field) => match target.as_ref() {
            SyntaxExpr::Ident(package) => Ok(format!("{package}.{field}")),
            other => Err(format!(
                "expected selector identifier, got: {}",
                other.go_type_name()
            )),
        },
        other => Err(format!(
            "expected identifier, got: {}",
            other.go_type_name()
        )),
    }
}
