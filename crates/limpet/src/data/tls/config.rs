//! TLS options → a rustls `ServerConfig`: versions, TLS 1.2 cipher suites, key-exchange
//! groups, ALPN, client authentication, resumption, and the store's resolver.

use std::sync::Arc;

use limpet_config::model::tls::{CipherSuite, ClientAuthMode, Curve, TlsOptionsModel, TlsVersion};
use rustls::crypto::{ring, CryptoProvider, SupportedKxGroup};
use rustls::server::{NoServerSessionStorage, WebPkiClientVerifier};
use rustls::{RootCertStore, ServerConfig, SupportedCipherSuite, SupportedProtocolVersion};
use rustls_pki_types::CertificateDer;

use super::client_auth::AnyClientCert;
use super::store::{CertificateStore, StoreResolver};

/// The server configuration of `options` over `store`.
pub fn server_config(
    options: &TlsOptionsModel,
    store: &Arc<CertificateStore>,
) -> Result<Arc<ServerConfig>, String> {
    let provider = Arc::new(provider(options));
    let versions = versions(options);
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| e.to_string())?;
    let builder = match client_verifier(options, &provider)? {
        Some(verifier) => builder.with_client_cert_verifier(verifier),
        None => builder.with_no_client_auth(),
    };
    let mut config = builder.with_cert_resolver(Arc::new(StoreResolver {
        store: store.clone(),
        sni_strict: options.sni_strict,
    }));
    config.alpn_protocols = options
        .alpn_protocols
        .iter()
        .map(|p| p.as_bytes().to_vec())
        .collect();
    if !options.resumption {
        config.session_storage = Arc::new(NoServerSessionStorage {});
        config.send_tls13_tickets = 0;
    }
    Ok(Arc::new(config))
}

/// ring with the configured TLS 1.2 suites (TLS 1.3 suites always) and groups.
pub fn provider(options: &TlsOptionsModel) -> CryptoProvider {
    let mut provider = ring::default_provider();
    if let Some(suites) = &options.cipher_suites {
        let mut chosen: Vec<SupportedCipherSuite> = provider
            .cipher_suites
            .iter()
            .filter(|s| s.version() == &rustls::version::TLS13)
            .copied()
            .collect();
        chosen.extend(suites.iter().map(|s| tls12_suite(*s)));
        provider.cipher_suites = chosen;
    }
    if let Some(curves) = &options.curve_preferences {
        provider.kx_groups = curves.iter().map(|c| group(*c)).collect();
    }
    provider
}

fn versions(options: &TlsOptionsModel) -> Vec<&'static SupportedProtocolVersion> {
    let mut versions = Vec::new();
    if options.max_version >= TlsVersion::Tls13 {
        versions.push(&rustls::version::TLS13);
    }
    if options.min_version <= TlsVersion::Tls12 {
        versions.push(&rustls::version::TLS12);
    }
    versions
}

fn tls12_suite(suite: CipherSuite) -> SupportedCipherSuite {
    use ring::cipher_suite as rs;
    match suite {
        CipherSuite::EcdheEcdsaAes128GcmSha256 => rs::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::EcdheRsaAes128GcmSha256 => rs::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite::EcdheEcdsaAes256GcmSha384 => rs::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::EcdheRsaAes256GcmSha384 => rs::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite::EcdheEcdsaChacha20Poly1305 => {
            rs::TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256
        }
        CipherSuite::EcdheRsaChacha20Poly1305 => rs::TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    }
}

fn group(curve: Curve) -> &'static dyn SupportedKxGroup {
    match curve {
        Curve::X25519 => ring::kx_group::X25519,
        Curve::P256 => ring::kx_group::SECP256R1,
        Curve::P384 => ring::kx_group::SECP384R1,
    }
}

type Verifier = Arc<dyn rustls::server::danger::ClientCertVerifier>;

fn client_verifier(
    options: &TlsOptionsModel,
    provider: &Arc<CryptoProvider>,
) -> Result<Option<Verifier>, String> {
    let verifying = |optional: bool| -> Result<Option<Verifier>, String> {
        let mut roots = RootCertStore::empty();
        for ca in &options.client_cas {
            roots
                .add(CertificateDer::from(ca.clone()))
                .map_err(|e| format!("clientAuth.caFiles: {e}"))?;
        }
        let builder =
            WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone());
        let builder = if optional {
            builder.allow_unauthenticated()
        } else {
            builder
        };
        builder.build().map(Some).map_err(|e| e.to_string())
    };
    let any = |mandatory: bool| -> Verifier {
        Arc::new(AnyClientCert {
            mandatory,
            provider: provider.clone(),
        })
    };
    match options.client_auth {
        ClientAuthMode::NoClientCert => Ok(None),
        ClientAuthMode::RequestClientCert => Ok(Some(any(false))),
        ClientAuthMode::RequireAnyClientCert => Ok(Some(any(true))),
        ClientAuthMode::VerifyClientCertIfGiven => verifying(true),
        ClientAuthMode::RequireAndVerifyClientCert => verifying(false),
    }
}
