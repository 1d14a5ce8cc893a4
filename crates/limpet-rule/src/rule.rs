//! `Rule`: parse (syntax → evaluation → compilation) with Traefik's error wrapping, and
//! the cheap-to-clone compiled result.

use std::fmt;
use std::sync::Arc;

use crate::ast::Expr;
use crate::eval::{evaluate, EvalError};
use crate::matcher::Node;
use crate::{compile, host, syntax, HostConstraint, Request};

/// A parsed and compiled rule. Cloning shares the compiled form.
#[derive(Clone)]
pub struct Rule {
    inner: Arc<Compiled>,
}

struct Compiled {
    text: String,
    ast: Expr,
    root: Node,
    host_constraint: HostConstraint,
}

/// A rule that does not parse; Display is the text Traefik puts in the router's `error`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct RuleError(pub String);

impl Rule {
    /// Parses and compiles `text` (Traefik v3 syntax).
    pub fn parse(text: &str) -> Result<Rule, RuleError> {
        let ast = parse_ast(text)?;
        let root =
            compile::compile(&ast).map_err(|e| wrap(text, &format!("adding rule {text}: {e}")))?;
        let host_constraint = host::constraint_of(&root);
        Ok(Rule {
            inner: Arc::new(Compiled {
                text: text.to_owned(),
                ast,
                root,
                host_constraint,
            }),
        })
    }

    /// Whether the request matches.
    pub fn matches(&self, req: &Request<'_>) -> bool {
        self.inner.root.matches(req)
    }

    /// The hosts a matching request can have (for indexing routers by host).
    pub fn host_constraint(&self) -> HostConstraint {
        self.inner.host_constraint.clone()
    }

    /// The rule as written.
    pub fn text(&self) -> &str {
        &self.inner.text
    }

    /// The rule's syntax tree; its Display prints a rule that parses back to it.
    pub fn ast(&self) -> &Expr {
        &self.inner.ast
    }
}

impl fmt::Debug for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rule")
            .field("text", &self.inner.text)
            .finish_non_exhaustive()
    }
}

/// Syntax and evaluation: everything Traefik reports as `parsing rule …`.
fn parse_ast(text: &str) -> Result<Expr, RuleError> {
    let syntax = syntax::parse_expression(text)
        .map_err(|e| wrap(text, &format!("parsing rule {text}: {e}")))?;
    evaluate(&syntax).map_err(|e| match e {
        EvalError::Parse(message) => wrap(text, &format!("parsing rule {text}: {message}")),
        EvalError::NotARule => wrap(text, "obtaining build tree"),
    })
}

fn wrap(text: &str, detail: &str) -> RuleError {
    RuleError(format!("error while parsing rule {text}: {detail}"))
}
