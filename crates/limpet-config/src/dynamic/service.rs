//! `http.services.<name>`: the service types and the service-level middleware list.

use serde::{Deserialize, Serialize};

use super::omit::is_zero;
use super::{LoadBalancer, Sticky};

/// A service; exactly one type should be set (validation reports otherwise).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Service {
    // The rarely used kinds are boxed: a `Service` is kept per element in two copies of the
    // configuration (provider's and merged), so its inline size counts at 10,000 services.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub middlewares: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer: Option<LoadBalancer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub highest_random_weight: Option<Box<HighestRandomWeight>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighted: Option<Box<WeightedRoundRobin>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirroring: Option<Box<Mirroring>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failover: Option<Box<Failover>>,
}

impl Service {
    /// The Traefik key of every type set, in Traefik's field order.
    pub fn type_names(&self) -> Vec<&'static str> {
        let present = [
            ("loadBalancer", self.load_balancer.is_some()),
            ("highestRandomWeight", self.highest_random_weight.is_some()),
            ("weighted", self.weighted.is_some()),
            ("mirroring", self.mirroring.is_some()),
            ("failover", self.failover.is_some()),
        ];
        present
            .into_iter()
            .filter(|(_, set)| *set)
            .map(|(name, _)| name)
            .collect()
    }

    /// The API's `type`: the lowercased name of the first type set.
    pub fn api_type(&self) -> Option<String> {
        self.type_names()
            .first()
            .map(|name| name.to_ascii_lowercase())
    }

    pub(super) fn apply_defaults(&mut self) {
        if let Some(lb) = self.load_balancer.as_mut() {
            lb.apply_defaults();
        }
        if let Some(weighted) = self.weighted.as_mut() {
            weighted.apply_defaults();
        }
        if let Some(hrw) = self.highest_random_weight.as_mut() {
            hrw.services
                .iter_mut()
                .for_each(WeightedChild::apply_defaults);
        }
        if let Some(mirroring) = self.mirroring.as_mut() {
            mirroring.mirror_body.get_or_insert(true);
            mirroring.max_body_size.get_or_insert(-1);
        }
        if let Some(errors) = self.failover.as_mut().and_then(|f| f.errors.as_mut()) {
            errors.max_request_body_bytes.get_or_insert(-1);
        }
    }
}

/// `healthCheck: {}` of weighted/mirroring/failover/hrw: turns on status propagation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceHealthCheck {}

/// `weighted`: weighted round robin between services.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct WeightedRoundRobin {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<WeightedChild>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sticky: Option<Sticky>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check: Option<ServiceHealthCheck>,
}

impl WeightedRoundRobin {
    fn apply_defaults(&mut self) {
        self.services
            .iter_mut()
            .for_each(WeightedChild::apply_defaults);
        if let Some(sticky) = self.sticky.as_mut() {
            sticky.apply_defaults();
        }
    }
}

/// A child of `weighted` or `highestRandomWeight` (`weight` defaults to 1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct WeightedChild {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<i64>,
}

impl WeightedChild {
    fn apply_defaults(&mut self) {
        self.weight.get_or_insert(1);
    }
}

/// `highestRandomWeight`: rendezvous hashing on the client IP between services.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct HighestRandomWeight {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<WeightedChild>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check: Option<ServiceHealthCheck>,
}

/// `mirroring`: send to `service`, copy to `mirrors`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Mirroring {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service: String,
    /// Default true.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mirror_body: Option<bool>,
    /// Default -1 (unlimited).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_body_size: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mirrors: Vec<Mirror>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check: Option<ServiceHealthCheck>,
}

/// One mirror target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mirror {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub percent: i64,
}

/// `failover`: `service`, or `fallback` when it is down (or answers `errors.status`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Failover {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub fallback: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_check: Option<ServiceHealthCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<FailoverErrors>,
}

/// `failover.errors`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct FailoverErrors {
    /// Default -1 (unlimited).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_request_body_bytes: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub status: Vec<String>,
}
