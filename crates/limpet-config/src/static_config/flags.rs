//! Traefik-style command-line flags: `--entryPoints.web.address=:80`,
//! `--entrypoints.web.address :80`, bare `--providers.file.watch` (= true),
//! `--configFile=F`. Keys are case-insensitive (normalised with the file's schema later).

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::StaticError;

/// Flags as a tree of string values, keyed as written (`{"entryPoints": {"web": {…}}}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagTree(pub Value);

impl Default for FlagTree {
    fn default() -> Self {
        FlagTree(Value::Object(Map::new()))
    }
}

impl FlagTree {
    pub fn is_empty(&self) -> bool {
        self.0.as_object().is_none_or(Map::is_empty)
    }
}

/// Parses flags into the `--configFile` path (if given) and the tree of the others.
pub fn from_flags(args: &[String]) -> Result<(Option<PathBuf>, FlagTree), StaticError> {
    let mut config_file = None;
    let mut tree = Node::Branch(BTreeMap::new());
    let mut index = 0;
    while index < args.len() {
        let (key, value, consumed) = split_flag(args, index)?;
        index += consumed;
        if key.eq_ignore_ascii_case("configfile") {
            config_file = Some(PathBuf::from(value));
        } else {
            tree.insert(&key.split('.').collect::<Vec<_>>(), value);
        }
    }
    Ok((config_file, FlagTree(tree.into_value())))
}

/// The key, value and number of arguments used by the flag at `index`.
fn split_flag(args: &[String], index: usize) -> Result<(String, String, usize), StaticError> {
    let arg = &args[index];
    let Some(body) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else {
        return Err(flag_error(
            arg,
            "expected a flag starting with --".to_owned(),
        ));
    };
    if let Some((key, value)) = body.split_once('=') {
        return Ok((checked_key(arg, key)?, value.to_owned(), 1));
    }
    let key = checked_key(arg, body)?;
    match args.get(index + 1) {
        Some(next) if !next.starts_with('-') => Ok((key, next.clone(), 2)),
        _ => Ok((key, "true".to_owned(), 1)),
    }
}

fn checked_key(arg: &str, key: &str) -> Result<String, StaticError> {
    if key.is_empty() || key.split('.').any(str::is_empty) {
        return Err(flag_error(arg, "empty key segment".to_owned()));
    }
    Ok(key.to_owned())
}

fn flag_error(flag: &str, reason: String) -> StaticError {
    StaticError::Flag {
        flag: flag.to_owned(),
        reason,
    }
}

/// A flag tree being built: a scalar met on the way (`--api` then `--api.insecure`) becomes
/// a branch, since enabling a section and setting one of its keys agree.
enum Node {
    Leaf(String),
    Branch(BTreeMap<String, Node>),
}

impl Node {
    fn insert(&mut self, segments: &[&str], value: String) {
        let Some((first, rest)) = segments.split_first() else {
            return;
        };
        if let Node::Leaf(_) = self {
            *self = Node::Branch(BTreeMap::new());
        }
        let Node::Branch(children) = self else { return };
        if !rest.is_empty() {
            let child = children
                .entry((*first).to_owned())
                .or_insert_with(|| Node::Branch(BTreeMap::new()));
            return child.insert(rest, value);
        }
        let keeps_branch = matches!(children.get(*first), Some(Node::Branch(_)))
            && value.eq_ignore_ascii_case("true");
        if !keeps_branch {
            children.insert((*first).to_owned(), Node::Leaf(value));
        }
    }

    fn into_value(self) -> Value {
        match self {
            Node::Leaf(text) => Value::String(text),
            Node::Branch(children) => Value::Object(
                children
                    .into_iter()
                    .map(|(key, node)| (key, node.into_value()))
                    .collect(),
            ),
        }
    }
}
