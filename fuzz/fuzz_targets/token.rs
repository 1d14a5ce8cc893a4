//! Arbitrary affinity tokens: verification never panics.
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use limpet::data::service::token::Signer;
use limpet_config::model::{SigningKey, SigningModel};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let keys = vec![SigningKey {
        id: "k1".into(),
        secret: b"0123456789abcdef-secret".to_vec(),
    }];
    let model = SigningModel {
        keys,
        idle_timeout: None,
        absolute_timeout: None,
        refresh_interval: Duration::from_secs(60),
    };
    if let Some(signer) = Signer::new(&model) {
        let _ = signer.verify(text, 1_000);
    }
});
