//! `tls` (certificates, options, stores) and a router's `tls`, with Traefik's key names.
//!
//! Certificate and key values are Traefik's `FileOrContent`: a path, or the PEM text itself.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::omit::is_false;

/// The `tls` section of a dynamic configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct TlsConfiguration {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub certificates: Vec<CertAndStores>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, TlsOptions>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub stores: BTreeMap<String, Store>,
}

impl TlsConfiguration {
    pub fn is_empty(&self) -> bool {
        self == &TlsConfiguration::default()
    }
}

/// `tls.certificates[]`: a certificate and the stores it goes to (default: `default`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct CertAndStores {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cert_file: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key_file: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stores: Vec<String>,
}

/// A certificate without stores (`defaultCertificate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Certificate {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cert_file: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key_file: String,
}

/// `tls.stores.<name>`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Store {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_certificate: Option<Certificate>,
    /// ACME-generated default certificate; accepted, not supported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_generated_cert: Option<Value>,
}

/// `tls.options.<name>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct TlsOptions {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub min_version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub max_version: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cipher_suites: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub curve_preferences: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_auth: Option<ClientAuth>,
    #[serde(skip_serializing_if = "is_false")]
    pub sni_strict: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub alpn_protocols: Vec<String>,
    /// Deprecated in Traefik, without effect since Go 1.17.
    #[serde(skip_serializing_if = "is_false")]
    pub prefer_server_cipher_suites: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub disable_session_tickets: bool,
}

/// `clientAuth` of TLS options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct ClientAuth {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ca_files: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub client_auth_type: String,
}

/// A router's (or an entrypoint's `http.tls`) TLS settings; `tls: {}` enables TLS.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct RouterTls {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub options: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub cert_resolver: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
}

/// `tls.domains[]`: a main name and its alternative names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct Domain {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub main: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sans: Vec<String>,
}
