//! `tls.options.<name>` → [`TlsOptionsModel`]: Go's version, cipher-suite and curve names
//! mapped to what limpet (rustls) serves. A name limpet cannot honour is a warning naming it
//! and is left out; options that cannot be honoured at all (no version left, client
//! verification without CAs) are an error, and routers using them are disabled.

use super::tls::{certificates, file_or_content};
use crate::dynamic::{ClientAuth, TlsOptions};
use crate::model::tls::{
    CipherSuite, ClientAuthMode, Curve, TlsOptionsModel, TlsVersion, DEFAULT_ALPN,
};

/// The resolved options, or why they cannot be used; and what was left out.
pub(super) struct Resolved {
    pub model: Result<TlsOptionsModel, String>,
    pub warnings: Vec<String>,
}

pub(super) fn resolve(options: &TlsOptions) -> Resolved {
    let mut warnings = Vec::new();
    let model = build(options, &mut warnings);
    Resolved { model, warnings }
}

fn build(options: &TlsOptions, warnings: &mut Vec<String>) -> Result<TlsOptionsModel, String> {
    let mut model = TlsOptionsModel {
        min_version: min_version(&options.min_version, warnings),
        max_version: max_version(&options.max_version)?,
        cipher_suites: cipher_suites(&options.cipher_suites, warnings),
        curve_preferences: curves(&options.curve_preferences, warnings),
        sni_strict: options.sni_strict,
        alpn_protocols: alpn(&options.alpn_protocols),
        resumption: !options.disable_session_tickets,
        ..TlsOptionsModel::default()
    };
    if model.min_version > model.max_version {
        return Err("minVersion is above maxVersion: no TLS version is left".to_owned());
    }
    if model.cipher_suites.as_ref().is_some_and(Vec::is_empty) {
        if model.max_version == TlsVersion::Tls12 {
            return Err("cipherSuites: no TLS 1.2 cipher suite limpet supports is left, and maxVersion excludes TLS 1.3".to_owned());
        }
        warnings.push(
            "cipherSuites: no TLS 1.2 cipher suite limpet supports is left: only TLS 1.3 is served"
                .to_owned(),
        );
        model.min_version = TlsVersion::Tls13;
        model.cipher_suites = None;
    }
    if let Some(client_auth) = &options.client_auth {
        (model.client_auth, model.client_cas) = client_auth_of(client_auth)?;
    }
    Ok(model)
}

fn min_version(name: &str, warnings: &mut Vec<String>) -> TlsVersion {
    match name {
        "" | "VersionTLS12" => TlsVersion::Tls12,
        "VersionTLS13" => TlsVersion::Tls13,
        "VersionTLS10" | "VersionTLS11" => {
            warnings.push(format!(
                "minVersion {name}: limpet serves TLS 1.2 and 1.3 only, so TLS 1.2 is the minimum"
            ));
            TlsVersion::Tls12
        }
        other => {
            warnings.push(format!(
                "minVersion {other:?} is not a TLS version (VersionTLS12, VersionTLS13): TLS 1.2 is the minimum"
            ));
            TlsVersion::Tls12
        }
    }
}

fn max_version(name: &str) -> Result<TlsVersion, String> {
    match name {
        "" | "VersionTLS13" => Ok(TlsVersion::Tls13),
        "VersionTLS12" => Ok(TlsVersion::Tls12),
        "VersionTLS10" | "VersionTLS11" => Err(format!(
            "maxVersion {name}: limpet serves TLS 1.2 and 1.3 only"
        )),
        other => Err(format!(
            "maxVersion {other:?} is not a TLS version (VersionTLS12, VersionTLS13)"
        )),
    }
}

/// Go's TLS 1.3 suite names: accepted, without effect (TLS 1.3 suites are not configurable).
const TLS13_SUITES: [&str; 3] = [
    "TLS_AES_128_GCM_SHA256",
    "TLS_AES_256_GCM_SHA384",
    "TLS_CHACHA20_POLY1305_SHA256",
];

/// Go's other suite names, which rustls does not implement (CBC, RC4, 3DES, RSA key exchange).
const UNSUPPORTED_SUITES: [&str; 19] = [
    "TLS_RSA_WITH_RC4_128_SHA",
    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA",
    "TLS_RSA_WITH_AES_256_CBC_SHA",
    "TLS_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_RC4_128_SHA",
    "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
    "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
    "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
    "TLS_FALLBACK_SCSV",
    "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256",
    "TLS_RSA_WITH_NULL_SHA",
];

fn suite(name: &str) -> Option<CipherSuite> {
    Some(match name {
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256" => CipherSuite::EcdheEcdsaAes128GcmSha256,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256" => CipherSuite::EcdheRsaAes128GcmSha256,
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384" => CipherSuite::EcdheEcdsaAes256GcmSha384,
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" => CipherSuite::EcdheRsaAes256GcmSha384,
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"
        | "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256" => {
            CipherSuite::EcdheEcdsaChacha20Poly1305
        }
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305" | "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256" => {
            CipherSuite::EcdheRsaChacha20Poly1305
        }
        _ => return None,
    })
}

/// The TLS 1.2 suites named, in order; `None` when no suite is configured.
fn cipher_suites(names: &[String], warnings: &mut Vec<String>) -> Option<Vec<CipherSuite>> {
    if names.is_empty() {
        return None;
    }
    let mut suites = Vec::new();
    for name in names {
        match suite(name) {
            Some(suite) if !suites.contains(&suite) => suites.push(suite),
            Some(_) => {}
            None if TLS13_SUITES.contains(&name.as_str()) => {}
            None if UNSUPPORTED_SUITES.contains(&name.as_str()) => warnings.push(format!(
                "cipherSuites: {name} is not supported by limpet (no CBC, RC4, 3DES or RSA key exchange): left out"
            )),
            None => warnings.push(format!("cipherSuites: unknown cipher suite {name}: left out")),
        }
    }
    Some(suites)
}

fn curves(names: &[String], warnings: &mut Vec<String>) -> Option<Vec<Curve>> {
    if names.is_empty() {
        return None;
    }
    let mut curves = Vec::new();
    for name in names {
        let curve = match name.as_str() {
            "X25519" => Curve::X25519,
            "CurveP256" | "secp256r1" => Curve::P256,
            "CurveP384" | "secp384r1" => Curve::P384,
            "CurveP521" | "secp521r1" | "X25519MLKEM768" => {
                warnings.push(format!(
                    "curvePreferences: {name} is not supported by limpet: left out"
                ));
                continue;
            }
            _ => {
                warnings.push(format!("curvePreferences: unknown curve {name}: left out"));
                continue;
            }
        };
        if !curves.contains(&curve) {
            curves.push(curve);
        }
    }
    if curves.is_empty() {
        warnings.push("curvePreferences: no curve limpet supports is left: the defaults (X25519, CurveP256, CurveP384) are used".to_owned());
        return None;
    }
    Some(curves)
}

/// The configured ALPN protocols (`acme-tls/1` left out: no ACME), or the defaults.
fn alpn(names: &[String]) -> Vec<String> {
    let names: Vec<String> = names
        .iter()
        .filter(|p| p.as_str() != "acme-tls/1")
        .cloned()
        .collect();
    if names.is_empty() {
        return DEFAULT_ALPN.iter().map(|p| (*p).to_owned()).collect();
    }
    names
}

fn client_auth_of(config: &ClientAuth) -> Result<(ClientAuthMode, Vec<Vec<u8>>), String> {
    let mode = match config.client_auth_type.as_str() {
        "" | "NoClientCert" => ClientAuthMode::NoClientCert,
        "RequestClientCert" => ClientAuthMode::RequestClientCert,
        "RequireAnyClientCert" => ClientAuthMode::RequireAnyClientCert,
        "VerifyClientCertIfGiven" => ClientAuthMode::VerifyClientCertIfGiven,
        "RequireAndVerifyClientCert" => ClientAuthMode::RequireAndVerifyClientCert,
        other => return Err(format!("unknown client auth type {other:?}")),
    };
    let mut cas = Vec::new();
    for (index, ca) in config.ca_files.iter().enumerate() {
        let key = format!("clientAuth.caFiles[{index}]");
        let pem = file_or_content(&key, ca)?;
        cas.extend(certificates(&pem).map_err(|e| format!("{key}: {e}"))?);
    }
    let verifies = matches!(
        mode,
        ClientAuthMode::VerifyClientCertIfGiven | ClientAuthMode::RequireAndVerifyClientCert
    );
    if verifies && cas.is_empty() {
        return Err(format!(
            "invalid clientAuthType: {}, CAFiles is required",
            config.client_auth_type
        ));
    }
    Ok((mode, cas))
}
