//! `http.middlewares.<name>`: kept generic on purpose — one key naming the type, an opaque
//! value. Unknown types are not rejected at decode time (Traefik rejects the whole file);
//! validation disables the middleware with a clear error instead.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A middleware: `{ <type>: <options> }`, normally exactly one entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Middleware(pub BTreeMap<String, Value>);

impl Middleware {
    /// The type names written (more than one is a configuration error).
    pub fn types(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }

    /// The single type and its options, if there is exactly one.
    pub fn single(&self) -> Option<(&str, &Value)> {
        let mut entries = self.0.iter();
        match (entries.next(), entries.next()) {
            (Some((kind, options)), None) => Some((kind.as_str(), options)),
            _ => None,
        }
    }
}
