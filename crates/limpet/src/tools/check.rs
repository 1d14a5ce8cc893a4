//! `limpet check`: lint a configuration without binding any port.
//!
//! Reads the static configuration (given, or found like the proxy finds it), the file
//! provider's dynamic configuration it names, an optional extra dynamic file, and an
//! optional Compose file whose labels become the `docker` provider (Docker naming
//! applied); then merge → validate → lint, and prints the findings as text or JSON.
//! Exit code: 0 clean, 1 warnings only, 2 errors (infos do not count).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use limpet_config::compose::ComposeError;
use limpet_config::decode::{read_file, DecodeError, FileSource, FileSourceError};
use limpet_config::dynamic::Configuration;
use limpet_config::labels::docker::{DockerOptions, OptionsError};
use limpet_config::lint::{self, Finding, LintContext};
use limpet_config::static_config::{self, EntryPointSet, StaticConfig, StaticError};

/// Output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// What to check.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// `--configFile`; when absent, looked up from `cwd` like the proxy does.
    pub config_file: Option<PathBuf>,
    /// `--file`: a dynamic configuration file, as `providers.file.filename`.
    pub dynamic_file: Option<PathBuf>,
    /// `--compose`: a Compose file whose labels are checked as the `docker` provider.
    pub compose: Option<PathBuf>,
    pub cwd: PathBuf,
}

/// Why nothing could be checked.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Static(#[from] StaticError),
    #[error(transparent)]
    Dynamic(#[from] DecodeError),
    /// `providers.file` names both a file and a directory (the proxy refuses to start).
    #[error("error using file configuration provider: {0}")]
    FileProvider(#[from] FileSourceError),
    /// `providers.docker.defaultRule` or `constraints` cannot be used.
    #[error("error using docker configuration provider: {0}")]
    DockerOptions(#[from] OptionsError),
    #[error("{}: {reason}", path.display())]
    Compose {
        path: PathBuf,
        reason: ComposeFailure,
    },
}

/// Why a Compose file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ComposeFailure {
    #[error(transparent)]
    Read(#[from] std::io::Error),
    #[error(transparent)]
    Invalid(#[from] ComposeError),
}

/// The findings, and notes on how the check was done.
#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub findings: Vec<Finding>,
    pub notes: Vec<String>,
}

impl CheckReport {
    /// 0 clean, 1 warnings only, 2 errors.
    pub fn exit_code(&self) -> u8 {
        lint::exit_code(&self.findings)
    }
}

/// Runs the check.
pub fn check(options: &CheckOptions) -> Result<CheckReport, CheckError> {
    let mut report = CheckReport::default();
    let static_config = load_static(options, &mut report)?;
    let mut providers = BTreeMap::new();
    if let Some(config) = &static_config {
        add_file_provider(config, &mut providers)?;
    }
    if let Some(path) = &options.dynamic_file {
        providers.insert("file".to_owned(), read_file(path)?);
    }
    if let Some(path) = &options.compose {
        let (docker, findings) = read_compose(path, docker_options(static_config.as_ref())?)?;
        providers.insert("docker".to_owned(), docker);
        report.findings.extend(findings);
    }
    let ctx = match &static_config {
        Some(config) => LintContext::from_static(config),
        None => LintContext::assumed(),
    };
    report.findings.extend(lint_providers(&providers, &ctx));
    lint::sort(&mut report.findings);
    Ok(report)
}

fn load_static(
    options: &CheckOptions,
    report: &mut CheckReport,
) -> Result<Option<StaticConfig>, CheckError> {
    let file = options
        .config_file
        .clone()
        .or_else(|| static_config::find_config_file(&options.cwd));
    let Some(file) = file else {
        report.notes.push(
            "no static configuration: entrypoints named by routers are assumed to exist and serve plain HTTP"
                .to_owned(),
        );
        return Ok(None);
    };
    let (config, warnings) = static_config::load_static(&file)?;
    report
        .notes
        .push(format!("static configuration: {}", file.display()));
    report.notes.extend(warnings);
    Ok(Some(config))
}

/// The dynamic configuration `providers.file` names, read as the proxy reads it (a
/// section naming neither a file nor a directory is skipped).
fn add_file_provider(
    config: &StaticConfig,
    providers: &mut BTreeMap<String, Configuration>,
) -> Result<(), CheckError> {
    let Some(file) = &config.providers.file else {
        return Ok(());
    };
    let source = match FileSource::of(file) {
        Err(FileSourceError::Neither) => return Ok(()),
        source => source?,
    };
    providers.insert("file".to_owned(), source.read()?.0);
    Ok(())
}

/// The static `providers.docker` options (defaults without them), as the proxy reads them.
fn docker_options(config: Option<&StaticConfig>) -> Result<DockerOptions, CheckError> {
    match config.and_then(|c| c.providers.docker.as_ref()) {
        Some(docker) => Ok(DockerOptions::from_static(docker)?),
        None => Ok(DockerOptions::default()),
    }
}

/// The Compose file as the `docker` provider (the live provider's decoder and options), and
/// its label problems as findings.
fn read_compose(
    path: &Path,
    options: DockerOptions,
) -> Result<(Configuration, Vec<Finding>), CheckError> {
    let failed = |reason: ComposeFailure| CheckError::Compose {
        path: path.to_owned(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| failed(e.into()))?;
    let project = project_of(path);
    let outcome = limpet_config::compose::docker_provider_with(&text, &project, &options)
        .map_err(|e| failed(e.into()))?;
    let findings = lint::label_findings(&outcome.problems, "docker");
    Ok((outcome.configuration, findings))
}

/// Compose's default project name: the file's directory name.
fn project_of(path: &Path) -> String {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
    absolute
        .parent()
        .and_then(Path::file_name)
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// merge → validate → lint.
pub fn lint_providers(
    providers: &BTreeMap<String, Configuration>,
    ctx: &LintContext,
) -> Vec<Finding> {
    let merged = limpet_config::merge::merge(providers);
    let model = limpet_config::validate::validate(&merged, &entry_point_set(ctx, &merged));
    lint::lint(&merged, &model, ctx)
}

/// The entrypoints validation may use: the static ones, or (assumed) every one named.
fn entry_point_set(ctx: &LintContext, merged: &limpet_config::merge::Merged) -> EntryPointSet {
    let mut all: Vec<String> = ctx.entry_points.keys().cloned().collect();
    if ctx.assumed {
        let named = merged
            .routers
            .values()
            .flat_map(|r| r.config.entry_points.iter());
        all.extend(named.cloned());
        all.extend(ctx.defaults.iter().cloned());
    }
    all.sort();
    all.dedup();
    EntryPointSet {
        all,
        defaults: ctx.defaults.clone(),
    }
}

/// The report in `format`.
pub fn render(report: &CheckReport, format: Format) -> String {
    match format {
        Format::Text => {
            let notes: String = report
                .notes
                .iter()
                .map(|n| format!("note: {n}\n"))
                .collect();
            format!("{notes}{}", lint::render_text(&report.findings))
        }
        Format::Json => {
            let value = serde_json::json!({
                "findings": report.findings,
                "notes": report.notes,
                "exitCode": report.exit_code(),
            });
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
    }
}
