//! Tokens are network input: arbitrary strings never panic the verifier, and no mutation of
//! a valid token verifies.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use limpet::data::service::token::{Signer, Token};
use limpet_config::model::{SigningKey, SigningModel};
use proptest::prelude::*;

fn signer() -> Signer {
    let keys = vec![SigningKey {
        id: "k1".into(),
        secret: b"0123456789abcdef-secret".to_vec(),
    }];
    Signer::new(&SigningModel {
        keys,
        idle_timeout: None,
        absolute_timeout: None,
        refresh_interval: Duration::from_secs(60),
    })
    .unwrap()
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "[ -~]{0,120}") {
        let _ = signer().verify(&text, 1_000);
    }

    #[test]
    fn a_changed_character_never_verifies(position in 0usize..80, replacement in "[A-Za-z0-9_.-]") {
        let signer = signer();
        let token = signer.sign(&Token { session: 7, server_ref: 9, issued_at: 1_000, last_seen: 1_000 });
        let position = position % token.len();
        let mut changed = token.clone();
        changed.replace_range(position..position + 1, &replacement);
        prop_assume!(changed != token);
        prop_assert!(signer.verify(&changed, 1_000).is_err());
    }
}
