//! `ClientIP` addresses and networks (Traefik's `ip.Checker`): IPv4 and IPv6, with an
//! IPv4-mapped IPv6 peer treated as the IPv4 address it carries, as Go's `net` does.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// One address or network to match the peer address against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum IpChecker {
    Address(IpAddr),
    Network(IpNet),
}

impl IpChecker {
    /// Parses an address or CIDR; the error is Traefik's text after the matcher name.
    pub(crate) fn parse(text: &str) -> Result<IpChecker, String> {
        if let Ok(address) = text.parse::<IpAddr>() {
            return Ok(IpChecker::Address(address.to_canonical()));
        }
        parse_cidr(text).map(IpChecker::Network).ok_or_else(|| {
            format!(
                "initializing IP checker for ClientIP matcher: \
                 parsing CIDR trusted IPs <nil>: invalid CIDR address: {text}"
            )
        })
    }

    pub fn contains(&self, peer: IpAddr) -> bool {
        let peer = peer.to_canonical();
        match self {
            IpChecker::Address(address) => *address == peer,
            IpChecker::Network(network) => network.contains(&peer),
        }
    }
}

/// `addr/prefix` with a decimal prefix in range; an IPv4-mapped IPv6 network becomes
/// the IPv4 network it covers, as Go's `IPNet.Contains` treats it.
fn parse_cidr(text: &str) -> Option<IpNet> {
    let (address, prefix) = text.split_once('/')?;
    if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let prefix: u8 = prefix.parse().ok()?;
    match address.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => Ipv4Net::new(v4, prefix).ok().map(|n| IpNet::V4(n.trunc())),
        IpAddr::V6(v6) => {
            let network = Ipv6Net::new(v6, prefix).ok()?.trunc();
            Some(ipv4_equivalent(&network).unwrap_or(IpNet::V6(network)))
        }
    }
}

fn ipv4_equivalent(network: &Ipv6Net) -> Option<IpNet> {
    let v4 = network.network().to_ipv4_mapped()?;
    let prefix = network.prefix_len().checked_sub(96)?;
    Ipv4Net::new(v4, prefix).ok().map(IpNet::V4)
}
