//! The validated TLS configuration: certificates read and decoded from PEM, TLS options
//! resolved to what the runtime can apply, and the problems found on the way.

use std::collections::BTreeMap;

/// Everything the runtime needs to terminate TLS for one configuration.
#[derive(Debug, Clone, Default)]
pub struct TlsModel {
    /// Certificates of the `default` store, in merge order.
    pub certificates: Vec<CertificateModel>,
    /// `tls.stores.default.defaultCertificate`; `None`: limpet's generated certificate.
    pub default_certificate: Option<CertificateModel>,
    /// Usable TLS options by name (`default`, `name@provider`); `default` is always there
    /// unless several providers define it.
    pub options: BTreeMap<String, TlsOptionsModel>,
    /// TLS options that cannot be used, with the error a router using them reports.
    pub broken_options: BTreeMap<String, String>,
    /// Problems of certificates, stores and options (logged, shown by the API).
    pub problems: Vec<TlsProblem>,
}

/// One problem of a TLS element (`tls.certificates[0]@file`, `tls.options.modern@file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsProblem {
    pub element: String,
    pub message: String,
    /// The element is not used at all (else it is used without the faulty part).
    pub critical: bool,
}

/// A certificate chain and its private key, decoded from PEM.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CertificateModel {
    /// Where it was configured (`tls.certificates[0]@file`).
    pub element: String,
    /// DER certificates, the leaf first.
    pub chain: Vec<Vec<u8>>,
    /// The private key, DER.
    pub key: PrivateKey,
}

impl std::fmt::Debug for CertificateModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateModel")
            .field("element", &self.element)
            .field("chain", &self.chain.len())
            .field("key", &"<redacted>")
            .finish()
    }
}

/// A private key in one of the PEM forms Go accepts.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum PrivateKey {
    /// `RSA PRIVATE KEY`
    Pkcs1(Vec<u8>),
    /// `EC PRIVATE KEY`
    Sec1(Vec<u8>),
    /// `PRIVATE KEY`
    Pkcs8(Vec<u8>),
}

/// A TLS protocol version limpet serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TlsVersion {
    Tls12,
    Tls13,
}

/// A TLS 1.2 cipher suite limpet serves (TLS 1.3 suites are not configurable, as in Go).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CipherSuite {
    EcdheEcdsaAes128GcmSha256,
    EcdheRsaAes128GcmSha256,
    EcdheEcdsaAes256GcmSha384,
    EcdheRsaAes256GcmSha384,
    EcdheEcdsaChacha20Poly1305,
    EcdheRsaChacha20Poly1305,
}

/// A key-exchange group limpet offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    X25519,
    P256,
    P384,
}

/// `clientAuth.clientAuthType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClientAuthMode {
    #[default]
    NoClientCert,
    /// A certificate is asked for, not required, not verified.
    RequestClientCert,
    /// A certificate is required, not verified.
    RequireAnyClientCert,
    /// A certificate is verified against the CAs when one is sent.
    VerifyClientCertIfGiven,
    /// A certificate is required and verified against the CAs.
    RequireAndVerifyClientCert,
}

/// `tls.options.<name>`, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsOptionsModel {
    pub min_version: TlsVersion,
    pub max_version: TlsVersion,
    /// TLS 1.2 suites in the configured order; `None`: limpet's defaults.
    pub cipher_suites: Option<Vec<CipherSuite>>,
    /// Key-exchange groups in order of preference; `None`: limpet's defaults.
    pub curve_preferences: Option<Vec<Curve>>,
    /// No default certificate: a handshake whose SNI matches no certificate fails.
    pub sni_strict: bool,
    /// ALPN protocols offered, in order.
    pub alpn_protocols: Vec<String>,
    pub client_auth: ClientAuthMode,
    /// DER certificates of the CAs client certificates must chain to.
    pub client_cas: Vec<Vec<u8>>,
    /// Session resumption (false: `disableSessionTickets`).
    pub resumption: bool,
}

/// The ALPN protocols of Traefik's default options, without `acme-tls/1` (no ACME).
pub const DEFAULT_ALPN: [&str; 2] = ["h2", "http/1.1"];

impl Default for TlsOptionsModel {
    /// Traefik's default options: TLS 1.2 and 1.3, `h2` and `http/1.1`.
    fn default() -> Self {
        TlsOptionsModel {
            min_version: TlsVersion::Tls12,
            max_version: TlsVersion::Tls13,
            cipher_suites: None,
            curve_preferences: None,
            sni_strict: false,
            alpn_protocols: DEFAULT_ALPN.iter().map(|p| (*p).to_owned()).collect(),
            client_auth: ClientAuthMode::NoClientCert,
            client_cas: Vec::new(),
            resumption: true,
        }
    }
}

/// A router's TLS, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterTlsModel {
    /// The TLS options: `default` or `name@provider`.
    pub options: String,
    /// `tls.domains` (main and alternative names), lowercased.
    pub domains: Vec<String>,
}

/// A servers transport, resolved: how limpet connects to `https://` servers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct TransportModel {
    /// Qualified name (`default@internal`, `name@provider`).
    pub name: String,
    /// SNI and the name the certificate must carry; `None`: the server URL's host.
    pub server_name: Option<String>,
    pub insecure_skip_verify: bool,
    /// DER CA certificates; empty: the public roots.
    pub root_cas: Vec<Vec<u8>>,
    /// The client certificate presented to servers.
    pub client_certificate: Option<CertificateModel>,
}

/// The transport of load balancers that name none.
pub const DEFAULT_TRANSPORT: &str = "default@internal";
