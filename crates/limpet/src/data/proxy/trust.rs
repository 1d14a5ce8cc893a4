//! Which peers may send `X-Forwarded-*` headers (`entryPoints.<name>.forwardedHeaders`).
//!
//! As in Traefik: headers from an untrusted peer are replaced; a trusted peer's
//! (`insecure: true`, or an address in `trustedIPs`) are kept and the client address is
//! appended to `X-Forwarded-For` (unless `notAppendXForwardedFor`).

use std::net::IpAddr;

use ipnet::IpNet;
use limpet_config::static_config::ForwardedHeaders;

/// The trust settings of one entrypoint.
#[derive(Debug, Clone, Default)]
pub struct ForwardedTrust {
    insecure: bool,
    networks: Vec<IpNet>,
    /// Append the client address to a trusted `X-Forwarded-For` (default true).
    pub append_forwarded_for: bool,
}

impl ForwardedTrust {
    /// From the entrypoint's `forwardedHeaders` and `global.notAppendXForwardedFor`;
    /// unusable `trustedIPs` entries are returned so they can be reported.
    pub fn new(
        config: &ForwardedHeaders,
        global_not_append: bool,
    ) -> (ForwardedTrust, Vec<String>) {
        let mut invalid = Vec::new();
        let networks = config
            .trusted_ips
            .iter()
            .filter_map(|entry| {
                parse_network(entry).or_else(|| {
                    invalid.push(entry.clone());
                    None
                })
            })
            .collect();
        let trust = ForwardedTrust {
            insecure: config.insecure,
            networks,
            append_forwarded_for: !(config.not_append_x_forwarded_for || global_not_append),
        };
        (trust, invalid)
    }

    /// Whether `peer` may set `X-Forwarded-*`.
    pub fn trusts(&self, peer: IpAddr) -> bool {
        let peer = peer.to_canonical();
        self.insecure || self.networks.iter().any(|net| net.contains(&peer))
    }
}

/// `10.0.0.0/8` or a bare address.
fn parse_network(entry: &str) -> Option<IpNet> {
    let entry = entry.trim();
    entry
        .parse::<IpNet>()
        .ok()
        .or_else(|| entry.parse::<IpAddr>().ok().map(IpNet::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trust(insecure: bool, ips: &[&str]) -> (ForwardedTrust, Vec<String>) {
        let config = ForwardedHeaders {
            insecure,
            trusted_ips: ips.iter().map(|s| (*s).to_owned()).collect(),
            ..ForwardedHeaders::default()
        };
        ForwardedTrust::new(&config, false)
    }

    #[test]
    fn networks_addresses_and_insecure() {
        let (t, invalid) = trust(false, &["10.0.0.0/8", "192.168.1.7", "nope"]);
        assert_eq!(invalid, ["nope"]);
        assert!(t.trusts("10.1.2.3".parse().unwrap()));
        assert!(t.trusts("192.168.1.7".parse().unwrap()));
        assert!(
            t.trusts("::ffff:10.0.0.1".parse().unwrap()),
            "IPv4-mapped peers"
        );
        assert!(!t.trusts("127.0.0.1".parse().unwrap()));
        assert!(trust(true, &[]).0.trusts("8.8.8.8".parse().unwrap()));
        assert!(!ForwardedTrust::default().trusts("10.0.0.1".parse().unwrap()));
    }
}
