//! `mirroring`, `failover` → models, child services resolved (docs/traefik.md#composite-services).

use super::Validator;
use crate::diagnostics::ElementError;
use crate::dynamic::{Failover, Mirroring};
use crate::merge::qualify;
use crate::model::{FailoverModel, MirrorModel, MirroringModel};

impl Validator<'_> {
    /// Resolves `written` (relative to `provider`) as a child of the service being built.
    fn child(
        &mut self,
        field: &str,
        written: &str,
        provider: &str,
        stack: &mut Vec<String>,
        errors: &mut Vec<ElementError>,
    ) -> String {
        if written.is_empty() {
            let message = format!("{field} is required: name the service to use");
            errors.push(ElementError::invalid(message));
            return String::new();
        }
        let qualified = qualify(written, provider);
        if let Err(error) = self.service(&qualified, stack) {
            errors.push(error.prefixed(&format!("building HTTP service {written:?}: ")));
        }
        qualified
    }

    pub(super) fn build_mirroring(
        &mut self,
        provider: &str,
        config: &Mirroring,
        stack: &mut Vec<String>,
    ) -> Result<MirroringModel, Vec<ElementError>> {
        let mut errors = Vec::new();
        let service = self.child(
            "mirroring.service",
            &config.service,
            provider,
            stack,
            &mut errors,
        );
        let mut mirrors = Vec::with_capacity(config.mirrors.len());
        for mirror in &config.mirrors {
            let percent = u32::try_from(mirror.percent).ok().filter(|p| *p <= 100);
            let Some(percent) = percent else {
                errors.push(ElementError::invalid(format!(
                    "mirror {:?}: percent {} must be between 0 and 100",
                    mirror.name, mirror.percent
                )));
                continue;
            };
            let service = self.child("mirrors[].name", &mirror.name, provider, stack, &mut errors);
            mirrors.push(MirrorModel { service, percent });
        }
        let model = MirroringModel {
            service,
            mirror_body: config.mirror_body.unwrap_or(true),
            max_body_size: limit(config.max_body_size),
            mirrors,
        };
        if errors.is_empty() {
            Ok(model)
        } else {
            Err(errors)
        }
    }

    pub(super) fn build_failover(
        &mut self,
        provider: &str,
        config: &Failover,
        stack: &mut Vec<String>,
    ) -> Result<FailoverModel, Vec<ElementError>> {
        let mut errors = Vec::new();
        let service = self.child(
            "failover.service",
            &config.service,
            provider,
            stack,
            &mut errors,
        );
        let fallback = self.child(
            "failover.fallback",
            &config.fallback,
            provider,
            stack,
            &mut errors,
        );
        let statuses = config
            .errors
            .as_ref()
            .map(|e| e.status.as_slice())
            .unwrap_or_default();
        let error_status = statuses
            .iter()
            .filter_map(|range| status_range(range).map_err(|e| errors.push(e)).ok())
            .collect();
        let max = config
            .errors
            .as_ref()
            .and_then(|e| e.max_request_body_bytes);
        let model = FailoverModel {
            service,
            fallback,
            error_status,
            max_request_body_bytes: limit(max),
        };
        if errors.is_empty() {
            Ok(model)
        } else {
            Err(errors)
        }
    }
}

/// Traefik's `-1` (or any negative) = unlimited.
fn limit(configured: Option<i64>) -> Option<u64> {
    configured.and_then(|n| u64::try_from(n).ok())
}

/// `"500"` or `"500-504"` → inclusive range.
fn status_range(text: &str) -> Result<(u16, u16), ElementError> {
    let invalid = || {
        ElementError::invalid(format!(
            "failover errors.status {text:?} is not a status code or range like \"500-504\""
        ))
    };
    let (low, high) = text.split_once('-').unwrap_or((text, text));
    let low: u16 = low.trim().parse().map_err(|_| invalid())?;
    let high: u16 = high.trim().parse().map_err(|_| invalid())?;
    if (100..=599).contains(&low) && (low..=599).contains(&high) {
        Ok((low, high))
    } else {
        Err(invalid())
    }
}
