//! `providers.docker.defaultRule`: the subset of Go's `text/template` (with Traefik's
//! `normalize` and a few sprig functions) that default rules use.
//!
//! Data: `.Name` (the service name), `.ContainerName` (without `/`), `.Labels` (a map:
//! `index .Labels "key"`, `.Labels.key`). Functions: `normalize`, `index`, `lower`,
//! `upper`, `trim`, `trimPrefix`, `trimSuffix`, `replace`, `default`. Pipelines (`a | f`),
//! parentheses, string literals (`"…"` and `` `…` ``) and `{{-`/`-}}` trimming. Anything
//! else is refused when the provider starts, with the construct named.

use std::collections::BTreeMap;

use super::normalize;

/// A default rule that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("providers.docker.defaultRule {template:?}: {reason}")]
pub struct TemplateError {
    pub template: String,
    pub reason: String,
}

/// What a template sees of a container.
#[derive(Debug, Clone, Copy)]
pub struct TemplateData<'a> {
    pub name: &'a str,
    pub container_name: &'a str,
    pub labels: &'a BTreeMap<String, String>,
}

/// A parsed default rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Action(Pipeline),
}

type Pipeline = Vec<Command>;

/// A function call or a single operand; a pipeline's previous value is the last argument.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Command {
    function: Option<Function>,
    args: Vec<Operand>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Operand {
    Field(Vec<String>),
    Literal(String),
    Nested(Pipeline),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Function {
    Normalize,
    Index,
    Lower,
    Upper,
    Trim,
    TrimPrefix,
    TrimSuffix,
    Replace,
    Default,
}

const FUNCTIONS: &[(&str, Function)] = &[
    ("normalize", Function::Normalize),
    ("index", Function::Index),
    ("lower", Function::Lower),
    ("upper", Function::Upper),
    ("trim", Function::Trim),
    ("trimPrefix", Function::TrimPrefix),
    ("trimSuffix", Function::TrimSuffix),
    ("replace", Function::Replace),
    ("default", Function::Default),
];

/// A value during evaluation.
enum Value<'a> {
    Text(String),
    Labels(&'a BTreeMap<String, String>),
}

impl Value<'_> {
    fn into_text(self) -> String {
        match self {
            Value::Text(text) => text,
            Value::Labels(labels) => {
                let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}:{v}")).collect();
                format!("map[{}]", pairs.join(" "))
            }
        }
    }
}

impl Template {
    /// Parses `text`; an unsupported construct is an error naming it.
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let error = |reason: String| TemplateError {
            template: text.to_owned(),
            reason,
        };
        parse_parts(text)
            .map(|parts| Template { parts })
            .map_err(error)
    }

    /// Traefik's default, ``Host(`{{ normalize .Name }}`)``.
    pub fn traefik_default() -> Template {
        let normalize_name = Command {
            function: Some(Function::Normalize),
            args: vec![Operand::Field(vec!["Name".to_owned()])],
        };
        Template {
            parts: vec![
                Part::Text("Host(`".to_owned()),
                Part::Action(vec![normalize_name]),
                Part::Text("`)".to_owned()),
            ],
        }
    }

    /// The rule for one container.
    pub fn render(&self, data: &TemplateData<'_>) -> String {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Text(text) => text.clone(),
                Part::Action(pipeline) => eval_pipeline(pipeline, data).into_text(),
            })
            .collect()
    }
}

fn parse_parts(text: &str) -> Result<Vec<Part>, String> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let mut literal = rest[..start].to_owned();
        let after = &rest[start + 2..];
        let end = after.find("}}").ok_or("unclosed action: missing \"}}\"")?;
        let mut inner = &after[..end];
        rest = &after[end + 2..];
        if let Some(trimmed) = inner.strip_prefix("- ") {
            literal = literal.trim_end().to_owned();
            inner = trimmed;
        }
        if let Some(trimmed) = inner.strip_suffix(" -") {
            rest = rest.trim_start();
            inner = trimmed;
        }
        parts.push(Part::Text(literal));
        parts.push(Part::Action(parse_action(inner)?));
    }
    parts.push(Part::Text(rest.to_owned()));
    parts.retain(|part| *part != Part::Text(String::new()));
    Ok(parts)
}

fn parse_action(inner: &str) -> Result<Pipeline, String> {
    let tokens = tokenize(inner)?;
    let mut position = 0;
    let pipeline = parse_pipeline(&tokens, &mut position)?;
    match tokens.get(position) {
        None => Ok(pipeline),
        Some(token) => Err(format!("unexpected {token:?} in {inner:?}")),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Literal(String),
    Pipe,
    Open,
    Close,
}

fn tokenize(inner: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = inner.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                chars.next();
            }
            '|' | '(' | ')' => {
                chars.next();
                tokens.push(match c {
                    '|' => Token::Pipe,
                    '(' => Token::Open,
                    _ => Token::Close,
                });
            }
            '"' | '`' => tokens.push(Token::Literal(string_literal(&mut chars)?)),
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || "|()\"`".contains(c) {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

fn string_literal(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<String, String> {
    let quote = chars.next().unwrap_or('"');
    let mut value = String::new();
    while let Some(c) = chars.next() {
        match c {
            _ if c == quote => return Ok(value),
            '\\' if quote == '"' => match chars.next() {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some(other) => value.push(other),
                None => break,
            },
            _ => value.push(c),
        }
    }
    Err("unterminated string literal".to_owned())
}

fn parse_pipeline(tokens: &[Token], position: &mut usize) -> Result<Pipeline, String> {
    let mut pipeline = vec![parse_command(tokens, position)?];
    while tokens.get(*position) == Some(&Token::Pipe) {
        *position += 1;
        pipeline.push(parse_command(tokens, position)?);
    }
    Ok(pipeline)
}

fn parse_command(tokens: &[Token], position: &mut usize) -> Result<Command, String> {
    let mut command = Command {
        function: None,
        args: Vec::new(),
    };
    if let Some(Token::Word(word)) = tokens.get(*position) {
        if !word.starts_with('.') {
            command.function = Some(function(word)?);
            *position += 1;
        }
    }
    while let Some(token) = tokens.get(*position) {
        let operand = match token {
            Token::Pipe | Token::Close => break,
            Token::Literal(text) => Operand::Literal(text.clone()),
            Token::Word(word) => Operand::Field(field(word)?),
            Token::Open => {
                *position += 1;
                let nested = parse_pipeline(tokens, position)?;
                if tokens.get(*position) != Some(&Token::Close) {
                    return Err("missing \")\"".to_owned());
                }
                Operand::Nested(nested)
            }
        };
        command.args.push(operand);
        *position += 1;
    }
    if command.function.is_none() && command.args.len() != 1 {
        return Err("an action must be one value or a function call".to_owned());
    }
    Ok(command)
}

fn function(word: &str) -> Result<Function, String> {
    FUNCTIONS
        .iter()
        .find(|(name, _)| *name == word)
        .map(|(_, f)| *f)
        .ok_or_else(|| {
            let known: Vec<&str> = FUNCTIONS.iter().map(|(name, _)| *name).collect();
            format!(
                "function {word:?} is not supported (supported: {})",
                known.join(", ")
            )
        })
}

fn field(word: &str) -> Result<Vec<String>, String> {
    let path: Vec<String> = word
        .trim_start_matches('.')
        .split('.')
        .map(str::to_owned)
        .collect();
    match path.first().map(String::as_str) {
        Some("Name" | "ContainerName") if path.len() == 1 => Ok(path),
        Some("Labels") if path.len() <= 2 => Ok(path),
        _ => Err(format!(
            "{word:?} is not supported (use .Name, .ContainerName or .Labels)"
        )),
    }
}

fn eval_pipeline<'a>(pipeline: &Pipeline, data: &TemplateData<'a>) -> Value<'a> {
    let mut previous = None;
    for command in pipeline {
        previous = Some(eval_command(command, data, previous));
    }
    previous.unwrap_or(Value::Text(String::new()))
}

fn eval_command<'a>(
    command: &Command,
    data: &TemplateData<'a>,
    previous: Option<Value<'a>>,
) -> Value<'a> {
    let mut args: Vec<Value<'a>> = command.args.iter().map(|a| eval_operand(a, data)).collect();
    args.extend(previous);
    match command.function {
        None => args.pop().unwrap_or(Value::Text(String::new())),
        Some(function) => Value::Text(call(function, args)),
    }
}

fn eval_operand<'a>(operand: &Operand, data: &TemplateData<'a>) -> Value<'a> {
    match operand {
        Operand::Literal(text) => Value::Text(text.clone()),
        Operand::Nested(pipeline) => eval_pipeline(pipeline, data),
        Operand::Field(path) => match path.as_slice() {
            [name] if name == "Name" => Value::Text(data.name.to_owned()),
            [name] if name == "ContainerName" => Value::Text(data.container_name.to_owned()),
            [_, key] => Value::Text(data.labels.get(key).cloned().unwrap_or_default()),
            _ => Value::Labels(data.labels),
        },
    }
}

/// Calls `function`; arguments of the wrong kind or number give an empty string.
fn call(function: Function, args: Vec<Value<'_>>) -> String {
    if function == Function::Index {
        return match args.as_slice() {
            [Value::Labels(labels), Value::Text(key)] => {
                labels.get(key).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
    }
    let texts: Vec<String> = args.into_iter().map(Value::into_text).collect();
    match (function, texts.as_slice()) {
        (Function::Normalize, [s]) => normalize(s),
        (Function::Lower, [s]) => s.to_lowercase(),
        (Function::Upper, [s]) => s.to_uppercase(),
        (Function::Trim, [s]) => s.trim().to_owned(),
        (Function::TrimPrefix, [p, s]) => s.strip_prefix(p.as_str()).unwrap_or(s).to_owned(),
        (Function::TrimSuffix, [p, s]) => s.strip_suffix(p.as_str()).unwrap_or(s).to_owned(),
        (Function::Replace, [old, new, s]) => s.replace(old.as_str(), new),
        (Function::Default, [fallback, s]) if s.is_empty() => fallback.clone(),
        (Function::Default, [_, s]) => s.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str) -> String {
        let labels = BTreeMap::from([("app.host".to_owned(), "shop.example".to_owned())]);
        let data = TemplateData {
            name: "my-app-webstack",
            container_name: "webstack-my_app-1",
            labels: &labels,
        };
        Template::parse(template).unwrap().render(&data)
    }

    #[test]
    fn traefik_default_and_common_forms() {
        assert_eq!(
            render("Host(`{{ normalize .Name }}`)"),
            "Host(`my-app-webstack`)"
        );
        assert_eq!(
            render("Host(`{{ index .Labels \"app.host\" }}`)"),
            "Host(`shop.example`)"
        );
        assert_eq!(
            render("Host(`{{ .ContainerName | normalize }}.local`)"),
            "Host(`webstack-my-app-1.local`)"
        );
        assert_eq!(
            render("Host(`{{ (index .Labels \"missing\") | default \"x\" }}`)"),
            "Host(`x`)"
        );
        assert_eq!(render("{{- .Name -}}  "), "my-app-webstack");
    }

    #[test]
    fn traefik_default_is_the_parsed_default_rule() {
        let parsed = Template::parse(crate::static_config::DEFAULT_RULE).unwrap();
        assert_eq!(parsed, Template::traefik_default());
    }

    #[test]
    fn unsupported_constructs_are_named() {
        let error = Template::parse("Host(`{{ printf \"%s\" .Name }}`)").unwrap_err();
        assert!(
            error.reason.contains("\"printf\" is not supported"),
            "{error}"
        );
        let error = Template::parse("{{ .Image }}").unwrap_err();
        assert!(error.reason.contains("\".Image\""), "{error}");
        assert!(Template::parse("{{ .Name").is_err());
    }
}
