//! `GET /api/limpet/tls`: the certificates in service (with the names they answer for), the
//! TLS options in use, and every TLS problem (a bad certificate, an option left out).

use serde::Serialize;

use crate::data::snapshot::RuntimeSnapshot;

/// The TLS state of one snapshot.
#[derive(Debug, Serialize)]
pub struct TlsView {
    pub certificates: Vec<CertificateView>,
    /// Names of the usable TLS options.
    pub options: Vec<String>,
    pub problems: Vec<ProblemView>,
}

#[derive(Debug, Serialize)]
pub struct CertificateView {
    pub element: String,
    pub names: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct ProblemView {
    pub element: String,
    pub message: String,
    /// `error` (the element is not used) or `warning`.
    pub severity: &'static str,
}

pub fn tls(snapshot: &RuntimeSnapshot) -> TlsView {
    let problems = snapshot.model.tls.problems.iter();
    let problems = problems.chain(&snapshot.tls.problems).map(|p| ProblemView {
        element: p.element.clone(),
        message: p.message.clone(),
        severity: if p.critical { "error" } else { "warning" },
    });
    TlsView {
        certificates: snapshot
            .tls
            .certificates
            .iter()
            .map(|c| CertificateView {
                element: c.element.clone(),
                names: c.names.clone(),
            })
            .collect(),
        options: snapshot.model.tls.options.keys().cloned().collect(),
        problems: problems.collect(),
    }
}
