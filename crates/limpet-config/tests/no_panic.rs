//! Bad input never crashes the decoders: arbitrary bytes as a YAML or TOML file, and
//! arbitrary Docker labels, give a configuration or an error — never a panic. (The same
//! inputs are fuzz targets under `fuzz/`.)

use std::collections::BTreeMap;
use std::path::Path;

use limpet_config::decode::decode_file;
use limpet_config::labels::decode_labels;
use proptest::prelude::*;

/// YAML-ish text built from the characters that matter to the parsers.
fn yamlish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("http:\n".to_owned()),
            Just("  routers:\n".to_owned()),
            Just("  services:\n".to_owned()),
            Just("    a:\n".to_owned()),
            Just("      loadBalancer:\n".to_owned()),
            Just("        servers: [{url: http://x}]\n".to_owned()),
            Just("        sticky: {cookie: {}}\n".to_owned()),
            "[ -~\n\t]{0,12}",
        ],
        0..24,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #[test]
    fn arbitrary_yaml_never_panics(text in yamlish()) {
        let _ = decode_file(Path::new("f.yml"), text.as_bytes());
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = decode_file(Path::new("f.yml"), &bytes);
        let _ = decode_file(Path::new("f.toml"), &bytes);
    }

    #[test]
    fn arbitrary_labels_never_panic(
        labels in proptest::collection::btree_map(
            "traefik\\.(http|tcp|enable)(\\.[a-zA-Z0-9\\[\\]_-]{0,12}){0,6}",
            "[ -~]{0,16}",
            0..12,
        )
    ) {
        let labels: BTreeMap<String, String> = labels;
        let _ = decode_labels(&labels);
    }
}
