//! The architecture as a test: which area of `src/` may name which (see
//! `docs/architecture.md`). The areas form one chain, so no import circle can span two of
//! them: tools → control → ops → data (with `state`, the shared run-time state, part of the
//! data plane).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The areas a file of `area` may name with a `crate::` path.
fn allowed(area: &str) -> &'static [&'static str] {
    match area {
        "data" | "state" => &["data", "state"],
        "ops" => &["ops", "data", "state"],
        "control" => &["control", "ops", "data", "state"],
        _ => &["tools", "control", "ops", "data", "state"],
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `data`, `ops`… for `src/data/x.rs` and `src/data.rs`; `root` for lib.rs, main.rs, cli.rs.
fn area_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str();
    let first = first.to_string_lossy();
    let stem = first.trim_end_matches(".rs");
    match stem {
        "data" | "ops" | "control" | "tools" | "state" => stem.to_owned(),
        _ => "root".to_owned(),
    }
}

/// The areas named by `crate::<area>` outside comments.
fn named_areas(source: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or("");
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            named.insert(name);
        }
    }
    named
}

#[test]
fn areas_only_name_the_areas_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut violations = Vec::new();
    for file in &files {
        let area = area_of(&src, file);
        let source = std::fs::read_to_string(file).unwrap();
        for named in named_areas(&source) {
            if !allowed(&area).contains(&named.as_str()) {
                violations.push(format!("{}: {area} names crate::{named}", file.display()));
            }
        }
    }
    assert!(files.len() > 50, "found only {} files", files.len());
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn the_checker_sees_a_violation() {
    let named = named_areas("use crate::ops::metrics::Metrics; // crate::tools in a comment");
    assert_eq!(named, BTreeSet::from(["ops".to_owned()]));
    assert!(!allowed("data").contains(&"ops"));
}
