//! Findings as text for people (`limpet check`, logs) and the exit code scripts rely on.

use std::fmt::Write as _;

use super::{Finding, Severity};

/// One block per finding: `CODE severity element`, the message, the fix indented.
pub fn render_text(findings: &[Finding]) -> String {
    let mut out = String::new();
    for finding in findings {
        let _ = writeln!(
            out,
            "{} {} {}",
            finding.code,
            finding.severity.as_str(),
            finding.element
        );
        let _ = writeln!(out, "  {}", finding.message);
        let fix = finding.fix.render();
        if !fix.is_empty() {
            let _ = writeln!(out, "  fix:");
            for line in fix.lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
        out.push('\n');
    }
    let count = |severity| findings.iter().filter(|f| f.severity == severity).count();
    let _ = writeln!(
        out,
        "{} error(s), {} warning(s), {} info",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info)
    );
    out
}

/// 2 when any error, 1 when warnings only, 0 otherwise (infos do not count).
pub fn exit_code(findings: &[Finding]) -> u8 {
    if findings.iter().any(|f| f.severity == Severity::Error) {
        2
    } else if findings.iter().any(|f| f.severity == Severity::Warning) {
        1
    } else {
        0
    }
}
