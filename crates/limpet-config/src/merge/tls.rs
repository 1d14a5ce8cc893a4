//! Every provider's `tls` section in one namespace, as Traefik's aggregator builds it: all
//! certificates; options and stores named `default` are shared and may come from one provider
//! only, any other name is qualified `name@provider`.

use std::collections::BTreeMap;

use super::Element;
use crate::dynamic::{CertAndStores, Configuration, Store, TlsOptions};

/// The name of the options (and store) used when none is named.
pub const DEFAULT: &str = "default";

/// The merged `tls` sections.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MergedTls {
    /// Every provider's certificates in provider order, named `tls.certificates[i]@provider`.
    pub certificates: Vec<Element<CertAndStores>>,
    /// TLS options: `default`, else `name@provider`.
    pub options: BTreeMap<String, Element<TlsOptions>>,
    /// Stores: `default`, else `name@provider`.
    pub stores: BTreeMap<String, Element<Store>>,
    /// `default` options or store defined by several providers: Traefik logs an error and
    /// drops the definition (routers using the default options then fail).
    pub conflicts: Vec<String>,
}

/// Merges the `tls` sections of `providers`.
pub(super) fn merge_tls(providers: &BTreeMap<String, Configuration>) -> MergedTls {
    let mut merged = MergedTls::default();
    let (mut default_options, mut default_store) = (Vec::new(), Vec::new());
    for (provider, config) in providers {
        let Some(tls) = config.tls.as_ref() else {
            continue;
        };
        for (index, certificate) in tls.certificates.iter().enumerate() {
            let name = format!("tls.certificates[{index}]@{provider}");
            merged
                .certificates
                .push(element(&name, provider, certificate));
        }
        for (name, options) in &tls.options {
            let name = shared_or_qualified(name, provider, &mut default_options);
            merged
                .options
                .insert(name.clone(), element(&name, provider, options));
        }
        for (name, store) in &tls.stores {
            let name = shared_or_qualified(name, provider, &mut default_store);
            merged
                .stores
                .insert(name.clone(), element(&name, provider, store));
        }
    }
    if default_options.len() > 1 {
        merged.options.remove(DEFAULT);
        merged.conflicts.push(format!(
            "Default TLS Options defined in multiple providers: {default_options:?}"
        ));
    }
    if default_store.len() > 1 {
        merged.stores.remove(DEFAULT);
        merged.conflicts.push(format!(
            "Default TLS Store defined in multiple providers: {default_store:?}"
        ));
    }
    merged
}

fn shared_or_qualified(name: &str, provider: &str, defaults: &mut Vec<String>) -> String {
    if name == DEFAULT {
        defaults.push(provider.to_owned());
        return DEFAULT.to_owned();
    }
    format!("{name}@{provider}")
}

fn element<T: Clone>(name: &str, provider: &str, config: &T) -> Element<T> {
    Element {
        name: name.to_owned(),
        provider: provider.to_owned(),
        config: config.clone(),
    }
}

/// How a router's `tls.options` resolves: empty or `default` → `default`, else qualified in
/// the router's provider.
pub fn options_name(written: &str, provider: &str) -> String {
    if written.is_empty() || written == DEFAULT {
        DEFAULT.to_owned()
    } else {
        super::qualify(written, provider)
    }
}
