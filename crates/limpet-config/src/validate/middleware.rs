//! Middlewares: the runtime implements no middleware type yet, so every middleware is
//! disabled with a message saying so, and anything using one is disabled too — a router
//! must never serve while silently skipping a middleware it names.

use super::Validator;
use crate::diagnostics::{Cause, ElementError, ElementKind};
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
    pub(super) fn middleware_use_error(&self, qualified: &str) -> Option<ElementError> {
        let Some(element) = self.merged.middlewares.get(qualified) else {
            let message = format!("middleware {qualified:?} does not exist");
            return Some(ElementError::new(Cause::MissingMiddleware, message));
        };
        let state = self.diagnostics.middlewares.get(qualified)?;
        if state.is_usable() {
            return None;
        }
        let kind = element.config.single().map(|(kind, _)| kind);
        Some(ElementError::unusable_middleware(
            qualified,
            kind,
            &state.errors,
        ))
    }
}

/// The dashboard's redirect and strip-prefix middlewares of the `internal` provider: the
/// dashboard service performs both itself, so they are shown (as Traefik does) and usable.
fn is_internal_builtin(provider: &str, middleware: &Middleware) -> bool {
    let kind = middleware.single().map(|(kind, _)| kind);
    provider == "internal" && matches!(kind, Some("redirectRegex" | "stripPrefix"))
}

fn middleware_errors(name: &str, middleware: &Middleware) -> Vec<ElementError> {
    let types: Vec<&str> = middleware.types().collect();
    match types.as_slice() {
        [] => vec![ElementError::new(
            Cause::InvalidMiddleware,
            format!("invalid middleware {name:?} configuration: invalid middleware type or middleware does not exist"),
        )],
        [kind] => single_type_error(kind).into_iter().collect(),
        _ => vec![ElementError::invalid(MULTI_TYPE)],
    }
}

fn single_type_error(kind: &str) -> Option<ElementError> {
    if SUPPORTED_TYPES.contains(&kind) {
        return None;
    }
    if kind.eq_ignore_ascii_case("sticky") {
        let message =
            "\"sticky\" is not a middleware type: sticky sessions are configured on the service, \
             under loadBalancer.sticky.cookie (or weighted.sticky.cookie)";
        return Some(ElementError::new(Cause::StickyMiddleware, message));
    }
    Some(if is_traefik_type(kind) {
        ElementError::unsupported(format!("middleware type {kind:?} is not supported yet"))
    } else {
        let message = format!("unknown middleware type {kind:?}");
        ElementError::new(Cause::UnknownMiddlewareType, message)
    })
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
