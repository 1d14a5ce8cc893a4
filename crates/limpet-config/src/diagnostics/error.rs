//! One error of an element as data: Traefik's text (what the API and logs show) and its
//! [`Cause`], from which the fix shown next to it ([`Remedy`]) and the lint code restating
//! it are derived — nothing reads the text back.

use std::fmt;

use crate::lint::Code;

/// An error recorded on a router, service or middleware.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementError {
    /// What is wrong, as data.
    pub cause: Cause,
    /// Traefik's text where Traefik has the case (the API's `error` list); for a lint
    /// finding, its message (Display adds the code).
    pub message: String,
}

impl ElementError {
    pub fn new(cause: Cause, message: impl Into<String>) -> ElementError {
        ElementError {
            cause,
            message: message.into(),
        }
    }

    /// A setting that is wrong in a way no specific fix covers.
    pub fn invalid(message: impl Into<String>) -> ElementError {
        ElementError::new(Cause::Invalid, message)
    }

    /// A Traefik feature limpet does not implement yet.
    pub fn unsupported(message: impl Into<String>) -> ElementError {
        ElementError::new(Cause::Unsupported, message)
    }

    /// Whether both read the same in the API and logs (errors are deduplicated by text).
    pub fn reads_as(&self, other: &ElementError) -> bool {
        let code = |error: &ElementError| match error.cause {
            Cause::Lint(code) => Some(code),
            _ => None,
        };
        self.message == other.message && code(self) == code(other)
    }

    /// Several errors reported as one (joined with `", "`), with the cause of the first
    /// that has the most specific fix.
    pub fn joined(errors: &[ElementError]) -> ElementError {
        let remedy = Remedy::most_specific(errors);
        let cause = errors
            .iter()
            .find(|e| e.cause.remedy() == remedy)
            .map_or(Cause::Invalid, |e| e.cause);
        ElementError::new(cause, joined(errors))
    }

    /// What an element using a service reports when that service is unusable: the
    /// service's errors joined with `", "` (as Traefik reports a disabled dependency), with
    /// the most specific of their fixes.
    pub fn unusable_service(errors: &[ElementError]) -> ElementError {
        let cause = Cause::UnusableService {
            remedy: Remedy::most_specific(errors),
        };
        ElementError::new(cause, joined(errors))
    }

    /// What an element using middleware `name` (of type `kind`, when it has one) reports
    /// when that middleware is unusable.
    pub fn unusable_middleware(
        name: &str,
        kind: Option<&str>,
        errors: &[ElementError],
    ) -> ElementError {
        let sticky = errors.iter().any(|e| e.cause == Cause::StickyMiddleware);
        let message = match kind {
            Some(kind) => format!(
                "middleware {name:?} of type {kind:?} cannot be used: {}",
                joined(errors)
            ),
            None => format!("middleware {name:?} cannot be used: {}", joined(errors)),
        };
        ElementError::new(Cause::UnusableMiddleware { sticky }, message)
    }

    /// The same error, its message after `prefix` (`building HTTP service "x": …`).
    pub fn prefixed(&self, prefix: &str) -> ElementError {
        ElementError::new(self.cause, format!("{prefix}{}", self.message))
    }
}

/// The messages of `errors`, joined with `", "`.
fn joined(errors: &[ElementError]) -> String {
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    messages.join(", ")
}

impl fmt::Display for ElementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cause {
            Cause::Lint(code) => write!(f, "{code}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

/// Why an element has an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cause {
    /// `sticky` declared as a middleware (it belongs to the service's load balancer).
    StickyMiddleware,
    /// A middleware without any type.
    InvalidMiddleware,
    /// A middleware type neither Traefik nor limpet has.
    UnknownMiddlewareType,
    /// A reference to a middleware that does not exist.
    MissingMiddleware,
    /// A middleware it uses is unusable; `sticky` when that middleware is a `sticky` one.
    UnusableMiddleware { sticky: bool },
    /// A reference to a service that does not exist.
    MissingService,
    /// The service it uses (or a child service) is unusable; the fix is that service's.
    UnusableService { remedy: Option<Remedy> },
    /// A router rule that does not parse.
    BadRule,
    /// An entrypoint that does not exist.
    UnknownEntryPoint,
    /// No entrypoint left for a router.
    NoEntryPoint,
    /// A Traefik feature limpet does not implement yet.
    Unsupported,
    /// Any other invalid setting (the message says what to change).
    Invalid,
    /// A lint finding recorded on its element (the finding is in `Diagnostics::findings`).
    Lint(Code),
}

impl Cause {
    /// What to do about an error with this cause, when there is a general answer.
    pub fn remedy(self) -> Option<Remedy> {
        match self {
            Cause::StickyMiddleware | Cause::UnusableMiddleware { sticky: true } => {
                Some(Remedy::MoveStickyToService)
            }
            Cause::InvalidMiddleware
            | Cause::MissingMiddleware
            | Cause::UnusableMiddleware { sticky: false } => Some(Remedy::DefineMiddleware),
            Cause::MissingService => Some(Remedy::DefineService),
            Cause::UnusableService { remedy } => remedy,
            Cause::BadRule => Some(Remedy::FixRule),
            Cause::UnknownEntryPoint => Some(Remedy::UseEntryPoint),
            Cause::Unsupported => Some(Remedy::RemoveUnsupported),
            Cause::UnknownMiddlewareType | Cause::NoEntryPoint | Cause::Invalid => None,
            Cause::Lint(_) => None,
        }
    }

    /// The lint code whose findings say the same as errors with this cause.
    pub fn restated_by(self) -> Option<Code> {
        match self {
            Cause::MissingService => Some(Code::Lmp013),
            Cause::MissingMiddleware => Some(Code::Lmp014),
            Cause::UnknownEntryPoint | Cause::NoEntryPoint => Some(Code::Lmp015),
            _ => None,
        }
    }
}

/// A general fix for a validation error, most specific first (that order decides which
/// fix a joined error shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Remedy {
    MoveStickyToService,
    DefineMiddleware,
    DefineService,
    FixRule,
    UseEntryPoint,
    RemoveUnsupported,
}

impl Remedy {
    /// The most specific fix of any of `errors`.
    pub fn most_specific(errors: &[ElementError]) -> Option<Remedy> {
        errors.iter().filter_map(|e| e.cause.remedy()).min()
    }

    /// The fix as shown next to the error.
    pub fn text(self) -> &'static str {
        match self {
            Remedy::MoveStickyToService => "Remove the middleware; configure stickiness under the service's loadBalancer.sticky.cookie.",
            Remedy::DefineMiddleware => "Define this middleware under http.middlewares, or remove it from the list.",
            Remedy::DefineService => "Define the missing service under http.services, or point to an existing one.",
            Remedy::FixRule => "Fix the rule: v3 matchers are Host, HostRegexp, Path, PathPrefix, PathRegexp, Method, Header, HeaderRegexp, Query, QueryRegexp, ClientIP.",
            Remedy::UseEntryPoint => "Use one of the entrypoints of the static configuration, or define this one.",
            Remedy::RemoveUnsupported => "Use a supported type, or remove it: limpet never serves while skipping a configured part.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_reports_the_most_specific_fix_of_its_dependency() {
        let errors = [
            ElementError::unsupported("a"),
            ElementError::invalid("b"),
            ElementError::new(Cause::MissingMiddleware, "c"),
        ];
        let seen = ElementError::unusable_service(&errors);
        assert_eq!(seen.message, "a, b, c");
        assert_eq!(seen.cause.remedy(), Some(Remedy::DefineMiddleware));
        assert_eq!(errors[2].cause.restated_by(), Some(Code::Lmp014));
        assert_eq!(
            seen.cause.restated_by(),
            None,
            "not the user's own reference"
        );
        let invalid = ElementError::unusable_service(&[ElementError::invalid("x")]);
        assert_eq!(invalid.cause.remedy(), None);
    }

    #[test]
    fn an_unusable_sticky_middleware_points_at_the_load_balancer() {
        let sticky = [ElementError::new(Cause::StickyMiddleware, "not a type")];
        let error = ElementError::unusable_middleware("s@file", Some("sticky"), &sticky);
        assert_eq!(
            error.message,
            "middleware \"s@file\" of type \"sticky\" cannot be used: not a type"
        );
        assert_eq!(error.cause.remedy(), Some(Remedy::MoveStickyToService));
        let other =
            ElementError::unusable_middleware("h@file", None, &[ElementError::unsupported("no")]);
        assert_eq!(other.cause.remedy(), Some(Remedy::DefineMiddleware));
    }

    #[test]
    fn lint_errors_show_their_code() {
        let error = ElementError::new(Cause::Lint(Code::Lmp011), "no health check");
        assert_eq!(error.to_string(), "LMP011: no health check");
        assert_eq!(ElementError::invalid("x").to_string(), "x");
    }
}
