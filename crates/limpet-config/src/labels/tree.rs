//! Raw per-element trees built from label paths, before key normalisation.
//!
//! `sticky.cookie=true` and `sticky.cookie.name=x` name the same node: a node with children
//! wins over a scalar, as in paerser, so `=true` only matters when nothing is below it.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diagnostics::ElementKind;

/// One raw tree per (kind, name), option segments kept as written.
#[derive(Debug, Default)]
pub(super) struct ElementTrees(BTreeMap<(ElementKind, String), Value>);

impl ElementTrees {
    /// Adds `path = value` under element (`kind`, `name`).
    pub(super) fn insert(&mut self, kind: ElementKind, name: &str, path: &[&str], value: &str) {
        let root = self
            .0
            .entry((kind, name.to_owned()))
            .or_insert_with(|| Value::Object(Map::new()));
        insert_at(root, path, value);
    }

    pub(super) fn into_iter(self) -> impl Iterator<Item = ((ElementKind, String), Value)> {
        self.0.into_iter()
    }
}

fn insert_at(node: &mut Value, path: &[&str], value: &str) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if !node.is_object() {
        *node = Value::Object(Map::new()); // children win over a scalar (`cookie=true`)
    }
    let Value::Object(children) = node else {
        return;
    };
    if rest.is_empty() {
        let has_children = children.get(*first).is_some_and(Value::is_object);
        if !has_children {
            children.insert((*first).to_owned(), Value::String(value.to_owned()));
        }
        return;
    }
    let child = children
        .entry((*first).to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    insert_at(child, rest, value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn children_win_over_allow_empty_scalar() {
        let mut trees = ElementTrees::default();
        trees.insert(ElementKind::Service, "s", &["sticky", "cookie"], "true");
        trees.insert(
            ElementKind::Service,
            "s",
            &["sticky", "cookie", "name"],
            "n",
        );
        trees.insert(ElementKind::Service, "s", &["sticky", "cookie"], "true");
        let (_, tree) = trees.into_iter().next().unwrap();
        assert_eq!(tree, json!({"sticky": {"cookie": {"name": "n"}}}));
    }
}
