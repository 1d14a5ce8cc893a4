//! Middlewares: the runtime implements no middleware type yet, so every middleware is
//! disabled with a message saying so, and anything using one is disabled too — a router
//! must never serve while silently skipping a middleware it names.

use super::Validator;
use crate::diagnostics::ElementKind;
use crate::dynamic::Middleware;

/// Middleware types the runtime implements (none yet).
const SUPPORTED_TYPES: &[&str] = &[];

const MULTI_TYPE: &str = "cannot create middleware: multi-types middleware not supported, consider declaring two different pieces of middleware instead";

impl Validator<'_> {
    pub(super) fn check_middlewares(&mut self) {
        for (name, element) in &self.merged.middlewares {
            let errors = if is_internal_builtin(&element.provider, &element.config) {
                Vec::new()
            } else {
                middleware_errors(name, &element.config)
            };
            self.diagnostics.element(ElementKind::Middleware, name);
            self.report(ElementKind::Middleware, name, &errors, true);
        }
    }

    /// Why a router or service naming `qualified` cannot be built, if it cannot.
    pub(super) fn middleware_use_error(&self, qualified: &str) -> Option<String> {
        let Some(element) = self.merged.middlewares.get(qualified) else {
            return Some(format!("middleware {qualified:?} does not exist"));
        };
        let state = self.diagnostics.middlewares.get(qualified)?;
        if state.is_usable() {
            return None;
        }
        let kind = element.config.single().map(|(kind, _)| kind);
        Some(match kind {
            Some(kind) => format!(
                "middleware {qualified:?} of type {kind:?} cannot be used: {}",
                state.errors.join(", ")
            ),
            None => format!(
                "middleware {qualified:?} cannot be used: {}",
                state.errors.join(", ")
            ),
        })
    }
}

/// The dashboard's redirect and strip-prefix middlewares of the `internal` provider: the
/// dashboard service performs both itself, so they are shown (as Traefik does) and usable.
fn is_internal_builtin(provider: &str, middleware: &Middleware) -> bool {
    let kind = middleware.single().map(|(kind, _)| kind);
    provider == "internal" && matches!(kind, Some("redirectRegex" | "stripPrefix"))
}

fn middleware_errors(name: &str, middleware: &Middleware) -> Vec<String> {
    let types: Vec<&str> = middleware.types().collect();
    match types.as_slice() {
        [] => vec![format!(
            "invalid middleware {name:?} configuration: invalid middleware type or middleware does not exist"
        )],
        [kind] => single_type_error(kind).into_iter().collect(),
        _ => vec![MULTI_TYPE.to_owned()],
    }
}

fn single_type_error(kind: &str) -> Option<String> {
    if SUPPORTED_TYPES.contains(&kind) {
        return None;
    }
    if kind.eq_ignore_ascii_case("sticky") {
        return Some(
            "\"sticky\" is not a middleware type: sticky sessions are configured on the service, \
             under loadBalancer.sticky.cookie (or weighted.sticky.cookie)"
                .to_owned(),
        );
    }
    if is_traefik_type(kind) {
        Some(format!("middleware type {kind:?} is not supported yet"))
    } else {
        Some(format!("unknown middleware type {kind:?}"))
    }
}

/// Whether `kind` is one of Traefik v3.7's middleware keys (already canonicalised by decode).
fn is_traefik_type(kind: &str) -> bool {
    const TRAEFIK_TYPES: &[&str] = &[
        "addPrefix",
        "stripPrefix",
        "stripPrefixRegex",
        "replacePath",
        "replacePathRegex",
        "chain",
        "ipWhiteList",
        "ipAllowList",
        "headers",
        "encodedCharacters",
        "errors",
        "rateLimit",
        "redirectRegex",
        "redirectScheme",
        "basicAuth",
        "digestAuth",
        "forwardAuth",
        "inFlightReq",
        "buffering",
        "circuitBreaker",
        "compress",
        "passTLSClientCert",
        "retry",
        "contentType",
        "grpcWeb",
        "plugin",
    ];
    TRAEFIK_TYPES.contains(&kind)
}
