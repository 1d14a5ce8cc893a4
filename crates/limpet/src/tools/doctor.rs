//! `limpet doctor URL`: the runbook's "Prevention" test, automated. Visits the URL like a
//! browser would (cookie jar that refuses what browsers refuse, redirects followed), then
//! `-n` more times with the jar, reads which backend answered (`--served-by` header, else
//! a body hash), optionally compares with limpet reached directly (`--compare`), and gives
//! one verdict per root cause with the evidence behind it.
//!
//! Plain HTTP only: the workspace has no TLS client yet.

mod client;
mod cookie;
mod verdicts;

use std::fmt::Write as _;

use serde::Serialize;

use client::{Browser, Exchange};
use verdicts::Observed;

/// What to diagnose.
#[derive(Debug, Clone)]
pub struct DoctorOptions {
    pub url: String,
    /// `Host` header (and cookie host) to use instead of the URL's.
    pub host: Option<String>,
    /// Requests in total (at least 2).
    pub requests: usize,
    /// Header naming the backend that answered.
    pub served_by: String,
    /// The same path reached directly on limpet, to compare cookies with.
    pub compare: Option<String>,
    /// Extra PEM certificates to trust for `https://` URLs (`--cacert`).
    pub ca_file: Option<std::path::PathBuf>,
}

impl Default for DoctorOptions {
    fn default() -> Self {
        DoctorOptions {
            url: String::new(),
            host: None,
            requests: 5,
            served_by: "X-Served-By".to_owned(),
            compare: None,
            ca_file: None,
        }
    }
}

/// Why the doctor could not run.
#[derive(Debug, thiserror::Error)]
pub enum DoctorError {
    #[error("{0:?} is not a valid URL")]
    Url(String),
    #[error("{0}: only http:// and https:// URLs are supported")]
    Scheme(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("cannot build the request: {0}")]
    Request(String),
    #[error("{0}: {1}")]
    Connect(String, String),
}

/// A verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Verdict {
    Pass,
    /// Not applicable (e.g. no cookie to judge); does not change the exit code.
    Skip,
    Warn,
    Fail,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Skip => "SKIP",
            Verdict::Warn => "WARN",
            Verdict::Fail => "FAIL",
        }
    }

    fn colour(self) -> &'static str {
        match self {
            Verdict::Pass => "\x1b[32m",
            Verdict::Skip => "\x1b[2m",
            Verdict::Warn => "\x1b[33m",
            Verdict::Fail => "\x1b[31m",
        }
    }
}

/// The verdict on one root cause.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub id: &'static str,
    /// The runbook's root cause(s), numbered as in the runbook.
    pub cause: &'static str,
    pub verdict: Verdict,
    pub evidence: Vec<String>,
}

/// Every verdict for one URL.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub url: String,
    pub findings: Vec<Finding>,
}

impl Report {
    /// 2 when anything fails, 1 when something warns, else 0.
    pub fn exit_code(&self) -> u8 {
        match self.findings.iter().map(|f| f.verdict).max() {
            Some(Verdict::Fail) => 2,
            Some(Verdict::Warn) => 1,
            _ => 0,
        }
    }

    pub fn verdict(&self, id: &str) -> Option<Verdict> {
        self.findings.iter().find(|f| f.id == id).map(|f| f.verdict)
    }
}

/// Runs the visits and judges them.
pub async fn diagnose(options: &DoctorOptions) -> Result<Report, DoctorError> {
    let mut browser = Browser::new(
        options.host.clone(),
        options.served_by.clone(),
        options.ca_file.as_deref(),
    )?;
    let first = browser.visit(&options.url).await?;
    let mut later = Vec::new();
    for _ in 1..options.requests.max(2) {
        let hops = browser.visit(&options.url).await?;
        later.extend(hops.last().cloned());
    }
    let direct_names = match &options.compare {
        Some(url) => Some(cookie_names(
            &Browser::new(
                options.host.clone(),
                options.served_by.clone(),
                options.ca_file.as_deref(),
            )?
            .visit(url)
            .await?,
        )),
        None => None,
    };
    let uri: http::Uri = options
        .url
        .parse()
        .map_err(|_| DoctorError::Url(options.url.clone()))?;
    let host = browser.host_of(&uri);
    let cookie = affinity_cookie(&first, direct_names.as_deref());
    let seen = Observed {
        first: &first,
        later: &later,
        direct_names,
        cookie,
        host: &host,
        path: uri.path(),
    };
    let findings = vec![
        verdicts::cookie_set(&seen),
        verdicts::cookie_accepted(&seen, uri.scheme_str().unwrap_or("http")),
        verdicts::affinity(&seen, &options.served_by),
        verdicts::foreign_cookies(&seen),
        verdicts::redirects(&seen),
        verdicts::scope(&seen),
    ];
    Ok(Report {
        url: options.url.clone(),
        findings,
    })
}

fn cookie_names(hops: &[Exchange]) -> Vec<String> {
    hops.iter()
        .flat_map(|e| &e.set_cookies)
        .filter(|c| !verdicts::is_foreign(&c.name))
        .map(|c| c.name.clone())
        .collect()
}

/// Our cookie: one limpet sets directly (with `--compare`), else the first that is not a
/// known load-balancer cookie.
fn affinity_cookie<'e>(
    hops: &'e [Exchange],
    direct: Option<&[String]>,
) -> Option<&'e cookie::SetCookie> {
    let mut candidates = hops
        .iter()
        .flat_map(|e| &e.set_cookies)
        .filter(|c| !verdicts::is_foreign(&c.name));
    match direct {
        Some(names) if !names.is_empty() => candidates.find(|c| names.contains(&c.name)),
        _ => candidates.next(),
    }
}

/// Text for people; `colour` adds ANSI colours (terminals only).
pub fn render_text(report: &Report, colour: bool) -> String {
    let mut out = format!("limpet doctor {}\n", report.url);
    for finding in &report.findings {
        let verdict = finding.verdict.as_str();
        let verdict = if colour {
            format!("{}{verdict}\x1b[0m", finding.verdict.colour())
        } else {
            verdict.to_owned()
        };
        let _ = writeln!(out, "{verdict} {:<16} cause {}", finding.id, finding.cause);
        for line in &finding.evidence {
            let _ = writeln!(out, "     {line}");
        }
    }
    out
}

pub fn render_json(report: &Report) -> String {
    let value = serde_json::json!({ "url": report.url, "findings": report.findings, "exitCode": report.exit_code() });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}
