//! Entrypoint models (`http.models`): the internal provider writes one per entrypoint with
//! `http.tls`, and every router on that entrypoint gets those TLS settings. As in Traefik's
//! `applyModel`, a router on several entrypoints is split: `<entrypoint>-<name>` for each
//! entrypoint with a model (that entrypoint only), `<name>` for the others.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Element;
use crate::dynamic::{Configuration, Router, RouterTls};

/// Entrypoint name → the TLS settings of its model, from `<entrypoint>@internal` models.
pub(super) fn entry_point_models(
    providers: &BTreeMap<String, Configuration>,
) -> BTreeMap<String, RouterTls> {
    let Some(http) = providers.get("internal").and_then(|c| c.http.as_ref()) else {
        return BTreeMap::new();
    };
    http.models
        .iter()
        .filter_map(|(name, model)| Some((name.clone(), model_tls(model)?)))
        .collect()
}

fn model_tls(model: &Value) -> Option<RouterTls> {
    serde_json::from_value(model.get("tls")?.clone()).ok()
}

/// Applies `models` to `routers`; routers without `entryPoints` are on `defaults`.
pub(super) fn apply_models(
    routers: BTreeMap<String, Element<Router>>,
    models: &BTreeMap<String, RouterTls>,
    defaults: &[String],
) -> BTreeMap<String, Element<Router>> {
    if models.is_empty() {
        return routers;
    }
    let mut out = BTreeMap::new();
    for (name, element) in routers {
        let eps = match element.config.entry_points.is_empty() {
            true => defaults.to_vec(),
            false => element.config.entry_points.clone(),
        };
        if !eps.iter().any(|ep| models.contains_key(ep)) {
            out.insert(name, element);
            continue;
        }
        split(&mut out, element, &eps, models);
    }
    out
}

fn split(
    out: &mut BTreeMap<String, Element<Router>>,
    element: Element<Router>,
    eps: &[String],
    models: &BTreeMap<String, RouterTls>,
) {
    let mut rest = Vec::new();
    for ep in eps {
        let Some(tls) = models.get(ep) else {
            rest.push(ep.clone());
            continue;
        };
        let mut copy = element.clone();
        copy.config.entry_points = vec![ep.clone()];
        copy.config.tls = copy.config.tls.or_else(|| Some(tls.clone()));
        if eps.len() > 1 {
            copy.name = format!("{ep}-{}", element.name);
        }
        out.insert(copy.name.clone(), copy);
    }
    if !rest.is_empty() {
        let mut original = element;
        original.config.entry_points = rest;
        out.insert(original.name.clone(), original);
    }
}
