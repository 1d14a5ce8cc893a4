//! Key normalisation: Traefik (paerser) matches option keys case-insensitively, while element
//! names, header names and other map keys keep their case.
//!
//! A [`Shape`] describes the schema's key structure; [`normalize`] walks a generic value
//! against it, rewrites every known key to its canonical spelling, coerces string scalars to
//! the leaf's type (flags and paerser deliver everything as strings), and reports unknown
//! keys with their full path — as errors (dynamic config) or warnings (static config).

pub mod dynamic_shape;
pub mod static_shape;

use serde_json::{Map, Value};

/// The expected structure of a value.
#[derive(Debug)]
pub enum Shape {
    Str,
    Bool,
    Int,
    Float,
    /// A `GoDuration`: left as written, the duration deserializer accepts strings and ints.
    Duration,
    /// A list; a string is split on commas (flag and label syntax).
    List(&'static Shape),
    /// User-chosen keys (names, header names) kept as written.
    Map(&'static Shape),
    /// Known keys only.
    Struct(&'static [Field]),
    /// Known keys are normalised, unknown keys are kept as written (middleware types).
    OpenStruct(&'static [Field]),
    /// Anything, kept as written.
    Opaque,
}

/// One known key of a struct.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub shape: &'static Shape,
    /// paerser's `allowEmpty`: `null`/`true`/`{}` all mean "present with defaults".
    pub allow_empty: bool,
}

impl Field {
    pub const fn new(name: &'static str, shape: &'static Shape) -> Field {
        Field {
            name,
            shape,
            allow_empty: false,
        }
    }

    pub const fn empty_ok(name: &'static str, shape: &'static Shape) -> Field {
        Field {
            name,
            shape,
            allow_empty: true,
        }
    }
}

/// What to do with a key the schema does not know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownKeys {
    Reject,
    Warn,
}

/// A key problem, with the dotted path of the offending node.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {reason}")]
pub struct KeyError {
    pub path: String,
    pub reason: String,
}

/// Walks `value` against `shape`; see the module doc.
pub struct Normalizer {
    unknown: UnknownKeys,
    pub warnings: Vec<String>,
}

impl Normalizer {
    pub fn new(unknown: UnknownKeys) -> Self {
        Normalizer {
            unknown,
            warnings: Vec::new(),
        }
    }

    /// Normalises `value` found at `path` (empty for the root).
    pub fn normalize(
        &mut self,
        value: Value,
        shape: &Shape,
        path: &str,
    ) -> Result<Value, KeyError> {
        match shape {
            Shape::Struct(fields) => self.object(value, fields, false, path),
            Shape::OpenStruct(fields) => self.object(value, fields, true, path),
            Shape::Map(inner) => self.map(value, inner, path),
            Shape::List(inner) => self.list(value, inner, path),
            Shape::Str => Ok(coerce_str(value)),
            Shape::Bool => Ok(coerce_bool(value)),
            Shape::Int => Ok(coerce_number(value, |s| {
                s.parse::<i64>().ok().map(Value::from)
            })),
            Shape::Float => Ok(coerce_number(value, |s| {
                s.parse::<f64>().ok().map(Value::from)
            })),
            Shape::Duration | Shape::Opaque => Ok(value),
        }
    }

    fn object(
        &mut self,
        value: Value,
        fields: &[Field],
        open: bool,
        path: &str,
    ) -> Result<Value, KeyError> {
        let Value::Object(entries) = value else {
            return Ok(value); // the typed decoder reports the type mismatch with its path
        };
        let mut out = Map::new();
        for (key, child) in entries {
            let child_path = join(path, &key);
            match fields.iter().find(|f| f.name.eq_ignore_ascii_case(&key)) {
                Some(field) => self.known_field(&mut out, field, child, &child_path)?,
                None if open => {
                    out.insert(key, child);
                }
                None => self.unknown_field(&key, &child_path)?,
            }
        }
        Ok(Value::Object(out))
    }

    fn known_field(
        &mut self,
        out: &mut Map<String, Value>,
        field: &Field,
        child: Value,
        path: &str,
    ) -> Result<(), KeyError> {
        let Some(child) = present_value(child, field.allow_empty) else {
            return Ok(());
        };
        let normalized = self.normalize(child, field.shape, path)?;
        // The same key written twice with different case (`loadBalancer` and
        // `loadbalancer`, or two flags) names one node, as in paerser: merge them.
        match out.get_mut(field.name) {
            Some(existing) => overlay(existing, normalized),
            None => {
                out.insert(field.name.to_owned(), normalized);
            }
        }
        Ok(())
    }

    fn unknown_field(&mut self, key: &str, path: &str) -> Result<(), KeyError> {
        let reason = format!("field not found, node: {key}");
        match self.unknown {
            UnknownKeys::Reject => Err(KeyError {
                path: path.to_owned(),
                reason,
            }),
            UnknownKeys::Warn => {
                self.warnings
                    .push(format!("unknown key {path} ignored ({reason})"));
                Ok(())
            }
        }
    }

    fn map(&mut self, value: Value, inner: &Shape, path: &str) -> Result<Value, KeyError> {
        let Value::Object(entries) = value else {
            return Ok(value);
        };
        let mut out = Map::new();
        for (key, child) in entries {
            let child_path = join(path, &key);
            // `web:` with nothing under it names an element with every default.
            let child = match (child, inner) {
                (Value::Null, Shape::Struct(_) | Shape::OpenStruct(_)) => Value::Object(Map::new()),
                (child, _) => self.normalize(child, inner, &child_path)?,
            };
            out.insert(key, child);
        }
        Ok(Value::Object(out))
    }

    fn list(&mut self, value: Value, inner: &Shape, path: &str) -> Result<Value, KeyError> {
        let items = match value {
            Value::Array(items) => items,
            Value::String(text) => split_list(&text),
            Value::Null => Vec::new(),
            scalar @ (Value::Bool(_) | Value::Number(_)) => vec![scalar],
            other => return Ok(other),
        };
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            out.push(self.normalize(item, inner, &format!("{path}[{index}]"))?);
        }
        Ok(Value::Array(out))
    }
}

/// `None` when the key should be treated as absent; allow-empty keys turn into `{}`.
fn present_value(value: Value, allow_empty: bool) -> Option<Value> {
    match value {
        Value::Null if allow_empty => Some(Value::Object(Map::new())),
        Value::Null => None,
        Value::Bool(true) if allow_empty => Some(Value::Object(Map::new())),
        Value::Bool(false) if allow_empty => None,
        Value::String(ref s) if allow_empty && s.eq_ignore_ascii_case("true") => {
            Some(Value::Object(Map::new()))
        }
        Value::String(ref s) if allow_empty && s.eq_ignore_ascii_case("false") => None,
        other => Some(other),
    }
}

fn split_list(text: &str) -> Vec<Value> {
    if text.trim().is_empty() {
        return Vec::new();
    }
    text.split(',')
        .map(|part| Value::String(part.trim().to_owned()))
        .collect()
}

fn coerce_str(value: Value) -> Value {
    match value {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        other => other,
    }
}

fn coerce_bool(value: Value) -> Value {
    match value {
        Value::String(ref s) if s.eq_ignore_ascii_case("true") => Value::Bool(true),
        Value::String(ref s) if s.eq_ignore_ascii_case("false") => Value::Bool(false),
        other => other,
    }
}

fn coerce_number(value: Value, parse: impl Fn(&str) -> Option<Value>) -> Value {
    match value {
        Value::String(ref s) => parse(s.trim()).unwrap_or(value),
        other => other,
    }
}

/// Deep merge: objects merge key by key, anything else in `top` replaces `base`.
pub fn overlay(base: &mut Value, top: Value) {
    match (base, top) {
        (Value::Object(base), Value::Object(top)) => {
            for (key, value) in top {
                match base.get_mut(&key) {
                    Some(existing) => overlay(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, top) => *base = top,
    }
}

/// `parent.child`, or `child` at the root.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static INNER: Shape = Shape::Struct(&[Field::new("maxAge", &Shape::Int)]);
    static ROOT: Shape = Shape::Struct(&[
        Field::new("loadBalancer", &INNER),
        Field::empty_ok("cookie", &INNER),
        Field::new("names", &Shape::Map(&Shape::Str)),
        Field::new("list", &Shape::List(&Shape::Str)),
    ]);

    #[test]
    fn canonicalises_keys_and_keeps_map_keys() {
        let input = json!({"LOADBALANCER": {"maxage": "5"}, "names": {"X-Foo": 1}, "list": "a, b"});
        let out = Normalizer::new(UnknownKeys::Reject).normalize(input, &ROOT, "");
        let expected =
            json!({"loadBalancer": {"maxAge": 5}, "names": {"X-Foo": "1"}, "list": ["a", "b"]});
        assert_eq!(out, Ok(expected));
    }

    #[test]
    fn allow_empty_accepts_null_and_true() {
        let mut normalizer = Normalizer::new(UnknownKeys::Reject);
        for input in [
            json!({"cookie": null}),
            json!({"cookie": true}),
            json!({"cookie": "true"}),
        ] {
            assert_eq!(
                normalizer.normalize(input, &ROOT, ""),
                Ok(json!({"cookie": {}}))
            );
        }
    }

    #[test]
    fn unknown_keys_rejected_or_warned() {
        let input = json!({"loadBalancer": {"bogus": 1}});
        let err = Normalizer::new(UnknownKeys::Reject).normalize(input.clone(), &ROOT, "http");
        assert_eq!(
            err.err().map(|e| e.to_string()).as_deref(),
            Some("http.loadBalancer.bogus: field not found, node: bogus")
        );
        let mut warn = Normalizer::new(UnknownKeys::Warn);
        assert_eq!(
            warn.normalize(input, &ROOT, ""),
            Ok(json!({"loadBalancer": {}}))
        );
        assert_eq!(warn.warnings.len(), 1);
    }

    #[test]
    fn keys_differing_in_case_are_merged() {
        let input = json!({"loadBalancer": {}, "loadbalancer": {"maxage": 1}});
        let out = Normalizer::new(UnknownKeys::Reject).normalize(input, &ROOT, "");
        assert_eq!(out, Ok(json!({"loadBalancer": {"maxAge": 1}})));
    }
}
