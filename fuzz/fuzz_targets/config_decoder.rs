//! Arbitrary bytes as a dynamic YAML or TOML file: decode, merge and validate never panic.
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use limpet_config::static_config::EntryPointSet;

fuzz_target!(|data: &[u8]| {
    for name in ["f.yml", "f.toml"] {
        if let Ok(config) = limpet_config::decode::decode_file(Path::new(name), data) {
            let merged =
                limpet_config::merge::merge(&BTreeMap::from([("file".to_owned(), config)]));
            let eps = EntryPointSet {
                all: vec!["web".into()],
                defaults: vec!["web".into()],
            };
            let _ = limpet_config::validate::validate(&merged, &eps);
        }
    }
});
