//! TLS: certificates (a file path or the PEM text itself, as Traefik's `FileOrContent`), the
//! default store's default certificate, and TLS options. A broken element is reported and
//! left out; the others are used. Only the `default` store exists, as in Traefik v3.

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::tls_options;
use crate::dynamic::{CertAndStores, Certificate, Store};
use crate::merge::tls::{MergedTls, DEFAULT};
use crate::merge::Element;
use crate::model::tls::{CertificateModel, PrivateKey, TlsModel, TlsOptionsModel, TlsProblem};

/// Validates the merged `tls` sections.
pub(super) fn check_tls(merged: &MergedTls) -> TlsModel {
    let mut model = TlsModel::default();
    for conflict in &merged.conflicts {
        model.problems.push(problem("tls", conflict.clone(), true));
    }
    for element in &merged.certificates {
        if let Some(certificate) = certificate_in_default_store(element, &mut model.problems) {
            model.certificates.push(certificate);
        }
    }
    for (name, element) in &merged.stores {
        store(name, element, &mut model);
    }
    options(merged, &mut model);
    model
}

fn problem(element: &str, message: String, critical: bool) -> TlsProblem {
    TlsProblem {
        element: element.to_owned(),
        message,
        critical,
    }
}

fn certificate_in_default_store(
    element: &Element<CertAndStores>,
    problems: &mut Vec<TlsProblem>,
) -> Option<CertificateModel> {
    let config = &element.config;
    let others: Vec<&String> = config.stores.iter().filter(|s| *s != DEFAULT).collect();
    let in_default = config.stores.is_empty() || others.len() < config.stores.len();
    if !others.is_empty() {
        let what = if in_default {
            "ignored"
        } else {
            "ignored, so this certificate is not served"
        };
        let message = format!("TLS stores {others:?} {what}: only the default store is used");
        problems.push(problem(&element.name, message, !in_default));
    }
    if !in_default {
        return None;
    }
    let pair = Certificate {
        cert_file: config.cert_file.clone(),
        key_file: config.key_file.clone(),
    };
    decode(&element.name, &pair)
        .map_err(|message| problems.push(problem(&element.name, message, true)))
        .ok()
}

fn store(name: &str, element: &Element<Store>, model: &mut TlsModel) {
    let at = format!("tls.stores.{name}");
    if name != DEFAULT {
        let message = "only the default store is used (as in Traefik v3); this one is ignored";
        model.problems.push(problem(&at, message.to_owned(), true));
        return;
    }
    if element.config.default_generated_cert.is_some() {
        let message = "defaultGeneratedCert needs ACME, which limpet does not support yet: the default certificate is used instead";
        model.problems.push(problem(&at, message.to_owned(), false));
    }
    let Some(pair) = &element.config.default_certificate else {
        return;
    };
    let at = format!("{at}.defaultCertificate");
    match decode(&at, pair) {
        Ok(certificate) => model.default_certificate = Some(certificate),
        Err(message) => {
            let message = format!("{message}; limpet's generated certificate is used instead");
            model.problems.push(problem(&at, message, true));
        }
    }
}

fn options(merged: &MergedTls, model: &mut TlsModel) {
    let conflict = !merged.options.contains_key(DEFAULT)
        && merged.conflicts.iter().any(|c| c.contains("Options"));
    if conflict {
        let unknown = format!("unknown TLS options: {DEFAULT}");
        model.broken_options.insert(DEFAULT.to_owned(), unknown);
    } else if !merged.options.contains_key(DEFAULT) {
        model
            .options
            .insert(DEFAULT.to_owned(), TlsOptionsModel::default());
    }
    for (name, element) in &merged.options {
        let at = match name.as_str() {
            DEFAULT => format!("tls.options.{DEFAULT}@{}", element.provider),
            _ => format!("tls.options.{name}"),
        };
        let resolved = tls_options::resolve(&element.config);
        for warning in resolved.warnings {
            model.problems.push(problem(&at, warning, false));
        }
        match resolved.model {
            Ok(options) => {
                model.options.insert(name.clone(), options);
            }
            Err(error) => {
                model.problems.push(problem(&at, error.clone(), true));
                model.broken_options.insert(name.clone(), error);
            }
        }
    }
}

/// Reads and decodes a certificate chain and its key.
pub(super) fn decode(element: &str, pair: &Certificate) -> Result<CertificateModel, String> {
    let chain = certificates(&file_or_content("certFile", &pair.cert_file)?)
        .map_err(|e| format!("certFile: {e}"))?;
    let key = private_key(&file_or_content("keyFile", &pair.key_file)?)?;
    Ok(CertificateModel {
        element: element.to_owned(),
        chain,
        key,
    })
}

/// Traefik's `FileOrContent`: PEM text as written, else the file it names.
pub(super) fn file_or_content(key: &str, value: &str) -> Result<Vec<u8>, String> {
    if value.trim().is_empty() {
        return Err(format!("{key} is empty"));
    }
    if value.contains("-----BEGIN") {
        return Ok(value.as_bytes().to_vec());
    }
    std::fs::read(value).map_err(|e| format!("{key}: open {value}: {e}"))
}

/// Every certificate of a PEM text (Go's texts when there is none).
pub(super) fn certificates(pem: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut chain = Vec::new();
    for certificate in CertificateDer::pem_slice_iter(pem) {
        let certificate = certificate.map_err(|e| format!("tls: {e}"))?;
        chain.push(certificate.as_ref().to_vec());
    }
    if chain.is_empty() {
        return Err("tls: failed to find any PEM data in certificate input".to_owned());
    }
    Ok(chain)
}

fn private_key(pem: &[u8]) -> Result<PrivateKey, String> {
    let key = PrivateKeyDer::from_pem_slice(pem).map_err(|e| match e {
        rustls_pki_types::pem::Error::NoItemsFound => {
            "keyFile: tls: failed to find any PEM data in key input".to_owned()
        }
        other => format!("keyFile: tls: {other}"),
    })?;
    Ok(match key {
        PrivateKeyDer::Pkcs1(der) => PrivateKey::Pkcs1(der.secret_pkcs1_der().to_vec()),
        PrivateKeyDer::Sec1(der) => PrivateKey::Sec1(der.secret_sec1_der().to_vec()),
        PrivateKeyDer::Pkcs8(der) => PrivateKey::Pkcs8(der.secret_pkcs8_der().to_vec()),
        _ => return Err("keyFile: tls: unsupported private key type".to_owned()),
    })
}
