//! The names a certificate answers for, as Traefik reads them: the subject's common name and
//! the DNS subject alternative names, lowercased.

use rustls_pki_types::CertificateDer;

/// The names of the leaf certificate `der`, or why it cannot be read.
pub fn certificate_names(der: &CertificateDer<'_>) -> Result<Vec<String>, String> {
    let cert = webpki::EndEntityCert::try_from(der)
        .map_err(|e| format!("tls: failed to parse certificate: {e}"))?;
    let mut names: Vec<String> = common_name(cert.subject())
        .into_iter()
        .chain(cert.valid_dns_names())
        .map(|name| name.trim_end_matches('.').to_ascii_lowercase())
        .filter(|name| !name.is_empty())
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// OID 2.5.4.3 (commonName), DER-encoded.
const COMMON_NAME: [u8; 3] = [0x55, 0x04, 0x03];
const OID: u8 = 0x06;

/// The first common name of a DER `Name` (its content, without the outer SEQUENCE).
fn common_name(mut rdns: &[u8]) -> Option<&str> {
    while !rdns.is_empty() {
        let (_, mut set, rest) = tlv(rdns)?;
        rdns = rest;
        while !set.is_empty() {
            let (_, attribute, rest) = tlv(set)?;
            set = rest;
            let (tag, oid, value) = tlv(attribute)?;
            if tag == OID && oid == COMMON_NAME {
                let (_, text, _) = tlv(value)?;
                return std::str::from_utf8(text).ok();
            }
        }
    }
    None
}

/// One DER item: (tag, content, what follows). Lengths up to 2 bytes, as names need.
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = match first {
        0..=0x7f => (usize::from(first), rest),
        0x81 => (usize::from(*rest.first()?), rest.get(1..)?),
        0x82 => {
            let bytes = rest.get(..2)?;
            (
                usize::from(bytes[0]) << 8 | usize::from(bytes[1]),
                rest.get(2..)?,
            )
        }
        _ => return None,
    };
    Some((tag, rest.get(..len)?, rest.get(len..)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_name_and_sans() {
        let mut params = rcgen::CertificateParams::new(vec!["B.example.com".to_owned()]).unwrap();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Main.Example.COM");
        let cert = params
            .self_signed(&rcgen::KeyPair::generate().unwrap())
            .unwrap();
        assert_eq!(
            certificate_names(cert.der()).unwrap(),
            ["b.example.com", "main.example.com"]
        );
    }

    #[test]
    fn truncated_der_is_no_name() {
        assert_eq!(common_name(&[0x31, 0x05, 0x30]), None);
        assert_eq!(tlv(&[0x30, 0x83, 1, 2, 3]), None);
    }
}
