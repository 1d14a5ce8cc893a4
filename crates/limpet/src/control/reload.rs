//! Applying configurations: latest per provider → merge → validate → build → swap.
//!
//! Updates are applied at most once per `providersThrottleDuration` (the latest wins), as in
//! Traefik. A provider that reports an error keeps its previous configuration in service.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use limpet_config::diagnostics::Status;
use limpet_config::dynamic::Configuration;
use limpet_config::labels::LabelProblem;
use limpet_config::lint::{self, LintContext, Severity};
use limpet_config::model::Model;
use limpet_config::static_config::{entry_point_set, EntryPointSet, StaticConfig};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::control::healthcheck::HealthChecker;
use crate::control::provider::ProviderMessage;
use crate::data::snapshot::{self, BuildContext};
use crate::ops::observe::Observer;
use crate::state::Shared;

/// Owns the latest configuration of every provider and turns it into snapshots.
pub struct Reloader {
    latest: BTreeMap<String, Configuration>,
    /// What each provider left out of its latest configuration (Docker labels…).
    label_problems: BTreeMap<String, Vec<LabelProblem>>,
    entry_point_set: EntryPointSet,
    lint_context: LintContext,
    entry_point_order: Vec<String>,
    shared: Arc<Shared>,
    /// Metrics count reloads.
    observer: Observer,
    generation: watch::Sender<u64>,
    health: HealthChecker,
}

impl Reloader {
    pub fn new(
        config: &StaticConfig,
        entry_point_order: Vec<String>,
        shared: Arc<Shared>,
        observer: Observer,
        generation: watch::Sender<u64>,
    ) -> Reloader {
        Reloader {
            latest: BTreeMap::from([(
                "internal".to_owned(),
                crate::control::provider::internal::configuration(config),
            )]),
            label_problems: BTreeMap::new(),
            entry_point_set: entry_point_set(config),
            lint_context: LintContext::from_static(config),
            entry_point_order,
            shared,
            observer,
            generation,
            health: HealthChecker::default(),
        }
    }

    /// Applies updates until every provider is gone.
    pub async fn run(mut self, mut updates: mpsc::Receiver<ProviderMessage>, throttle: Duration) {
        let mut last_applied: Option<Instant> = None;
        while let Some(message) = updates.recv().await {
            let mut changed = self.record(message);
            if let Some(at) = last_applied {
                changed |= self.collect_until(&mut updates, at + throttle).await;
            }
            if changed {
                self = match self.apply_off_the_workers().await {
                    Some(reloader) => reloader,
                    None => return,
                };
                last_applied = Some(Instant::now());
            }
        }
    }

    /// Applies on a blocking thread, so that serving, health checks and signals carry on
    /// while a large configuration is built; `None` if the apply panicked (a bug: the
    /// configuration in service stays, and it is logged).
    async fn apply_off_the_workers(mut self) -> Option<Reloader> {
        let applied = tokio::task::spawn_blocking(move || {
            self.apply();
            self
        })
        .await;
        match applied {
            Ok(reloader) => Some(reloader),
            Err(error) => {
                tracing::error!(%error, "applying a configuration failed; the previous one stays in service and no further configuration will be applied");
                None
            }
        }
    }

    /// Records updates arriving before `deadline`; true if any changed a configuration.
    async fn collect_until(
        &mut self,
        updates: &mut mpsc::Receiver<ProviderMessage>,
        deadline: Instant,
    ) -> bool {
        let mut changed = false;
        while let Ok(Some(message)) = tokio::time::timeout_at(deadline, updates.recv()).await {
            changed |= self.record(message);
        }
        changed
    }

    /// Keeps a provider's new configuration; an error keeps the previous one.
    fn record(&mut self, message: ProviderMessage) -> bool {
        match message.update {
            Ok(config) => {
                let problems = message.label_problems;
                self.label_problems
                    .insert(message.provider.clone(), problems);
                self.latest.insert(message.provider, config);
                true
            }
            Err(error) => {
                let kept = if self.latest.contains_key(&message.provider) {
                    "keeping its previous configuration"
                } else {
                    "no configuration from this provider until it is fixed"
                };
                tracing::error!(providerName = %message.provider, "{error}; {kept}");
                false
            }
        }
    }

    /// The providers' left-out parts as findings (LMP016), as `limpet check --compose` shows.
    fn label_findings(&self) -> Vec<lint::Finding> {
        let per_provider = self.label_problems.iter();
        per_provider
            .flat_map(|(provider, problems)| lint::label_findings(problems, provider))
            .collect()
    }

    /// Builds and swaps in a new snapshot from the latest configurations.
    pub fn apply(&mut self) {
        // merge → validate → lint → pure build → state reconcile → swap → health tasks.
        let defaults = &self.entry_point_set.defaults;
        let merged = limpet_config::merge::merge_for(&self.latest, defaults);
        let mut model = limpet_config::validate::validate(&merged, &self.entry_point_set);
        let generation = *self.generation.borrow() + 1;
        log_model(&model, generation);
        let left_out = self.label_findings();
        lint_and_log(
            &merged,
            &mut model,
            &self.lint_context,
            generation,
            left_out,
        );
        let model = Arc::new(model);
        let ctx = BuildContext {
            generation,
            entry_points: &self.entry_point_order,
            servers: &self.shared.servers,
            shuffle_seed: rand::random(),
            config: Arc::new(merged),
        };
        let snapshot = snapshot::build(model, &ctx);
        log_tls(&snapshot, generation);
        self.shared.servers.reconcile(&snapshot);
        self.shared.recorder.on_reload(&snapshot);
        self.observer.on_reload();
        let snapshot = Arc::new(snapshot);
        self.shared.snapshot.store(snapshot.clone());
        self.health.reconcile(&snapshot);
        self.shared.servers.prune();
        self.generation.send_replace(generation);
    }
}

/// One INFO line per generation, one ERROR/WARN line per element with problems.
fn log_model(model: &Model, generation: u64) {
    for (kind, name, state) in model.diagnostics.problems() {
        let kind = kind.as_str();
        let errors = state.messages().join("; ");
        match state.status {
            Status::Disabled => tracing::error!(generation, "{kind} {name} disabled: {errors}"),
            _ => tracing::warn!(generation, "{kind} {name}: {errors}"),
        }
    }
    tracing::info!(
        generation,
        routers = user_elements(model.routers.keys()),
        services = user_elements(model.services.keys()),
        disabled = model
            .diagnostics
            .problems()
            .filter(|(_, _, s)| s.status == Status::Disabled)
            .count(),
        "configuration applied"
    );
}

/// One ERROR (element not used) or WARN line per TLS problem: the model's and the build's.
fn log_tls(snapshot: &snapshot::RuntimeSnapshot, generation: u64) {
    let problems = snapshot.model.tls.problems.iter();
    for problem in problems.chain(&snapshot.tls.problems) {
        let (element, message) = (&problem.element, &problem.message);
        match problem.critical {
            true => tracing::error!(generation, "{element}: {message}"),
            false => tracing::warn!(generation, "{element}: {message}"),
        }
    }
}

/// Elements of the configuration providers, without limpet's own `@internal` ones.
fn user_elements<'a>(names: impl Iterator<Item = &'a String>) -> usize {
    names.filter(|name| !name.ends_with("@internal")).count()
}
/// Findings of one code beyond this many are logged as one line with a count and examples
/// (the API and `limpet check` still list every element).
const LOG_EACH_UP_TO: usize = 20;

/// How many elements the summary line of a frequent code names.
const EXAMPLES: usize = 3;

/// Lints a configuration being applied: each finding is logged for this generation
/// (ERROR/WARN/INFO with its code) — one summary line per code that fires more than
/// [`LOG_EACH_UP_TO`] times — and recorded in the model, so the API shows it.
fn lint_and_log(
    merged: &limpet_config::merge::Merged,
    model: &mut limpet_config::model::Model,
    ctx: &LintContext,
    generation: u64,
    left_out: Vec<lint::Finding>,
) {
    let mut findings = lint::lint(merged, model, ctx);
    findings.extend(left_out);
    let mut by_code: BTreeMap<lint::Code, Vec<&lint::Finding>> = BTreeMap::new();
    for finding in &findings {
        by_code.entry(finding.code).or_default().push(finding);
    }
    for (code, group) in by_code {
        if group.len() > LOG_EACH_UP_TO {
            log_summary(code, &group, generation);
        } else {
            group
                .iter()
                .for_each(|finding| log_finding(finding, generation));
        }
    }
    lint::record(&mut model.diagnostics, findings);
}

fn log_finding(finding: &lint::Finding, generation: u64) {
    let (code, element, message) = (finding.code.as_str(), &finding.element, &finding.message);
    match finding.severity {
        Severity::Error => tracing::error!(generation, code, element = %element, "{message}"),
        Severity::Warning => tracing::warn!(generation, code, element = %element, "{message}"),
        Severity::Info => tracing::info!(generation, code, element = %element, "{message}"),
    }
}

fn log_summary(code: lint::Code, group: &[&lint::Finding], generation: u64) {
    let count = group.len();
    let examples: Vec<&str> = group
        .iter()
        .take(EXAMPLES)
        .map(|f| f.name.as_str())
        .collect();
    let examples = examples.join(", ");
    let (code, what) = (code.as_str(), code.description());
    let severity = group
        .iter()
        .map(|f| f.severity)
        .min()
        .unwrap_or(Severity::Info);
    let text = format!("{count} elements: {what} (e.g. {examples}); every one is listed by /api/limpet/findings and limpet check");
    match severity {
        Severity::Error => tracing::error!(generation, code, count, "{text}"),
        Severity::Warning => tracing::warn!(generation, code, count, "{text}"),
        Severity::Info => tracing::info!(generation, code, count, "{text}"),
    }
}
