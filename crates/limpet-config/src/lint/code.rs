//! The stable codes of lint findings (`LMP001`…), each with its one-line description, in
//! the order of `docs/diagnostics.md`.

use std::fmt;

use serde::{Serialize, Serializer};

/// A lint code. Serialized (and displayed) as its text, `LMP001`….
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    Lmp001,
    Lmp002,
    Lmp003,
    Lmp004,
    Lmp005,
    Lmp006,
    Lmp007,
    Lmp008,
    Lmp009,
    Lmp010,
    Lmp011,
    Lmp012,
    Lmp013,
    Lmp014,
    Lmp015,
    Lmp016,
}

impl Code {
    /// Every code, in order.
    pub const ALL: [Code; 16] = [
        Code::Lmp001,
        Code::Lmp002,
        Code::Lmp003,
        Code::Lmp004,
        Code::Lmp005,
        Code::Lmp006,
        Code::Lmp007,
        Code::Lmp008,
        Code::Lmp009,
        Code::Lmp010,
        Code::Lmp011,
        Code::Lmp012,
        Code::Lmp013,
        Code::Lmp014,
        Code::Lmp015,
        Code::Lmp016,
    ];

    /// `LMP001`….
    pub fn as_str(self) -> &'static str {
        self.entry().0
    }

    /// What the code means, in one line.
    pub fn description(self) -> &'static str {
        self.entry().1
    }

    fn entry(self) -> (&'static str, &'static str) {
        match self {
            Code::Lmp001 => ("LMP001", "sticky declared as a middleware"),
            Code::Lmp002 => (
                "LMP002",
                "router shadowed by a router with the same rule on the same entrypoints",
            ),
            Code::Lmp003 => ("LMP003", "sticky service that no router reaches"),
            Code::Lmp004 => ("LMP004", "sticky service with a single server"),
            Code::Lmp005 => (
                "LMP005",
                "sticky service under hrw, whose cookie Traefik would ignore",
            ),
            Code::Lmp006 => ("LMP006", "sticky cookie with SameSite=None but not Secure"),
            Code::Lmp007 => (
                "LMP007",
                "Secure sticky cookie served over plain HTTP without a redirect to HTTPS",
            ),
            Code::Lmp008 => (
                "LMP008",
                "sticky cookie Path that does not cover the router's paths",
            ),
            Code::Lmp009 => (
                "LMP009",
                "sticky cookie Domain that does not cover the router's hosts",
            ),
            Code::Lmp010 => (
                "LMP010",
                "sticky server given by IP address without a stable id",
            ),
            Code::Lmp011 => ("LMP011", "sticky service without any health check"),
            Code::Lmp012 => (
                "LMP012",
                "two sticky services on overlapping hosts and paths share one cookie name",
            ),
            Code::Lmp013 => ("LMP013", "router pointing at a service that does not exist"),
            Code::Lmp014 => (
                "LMP014",
                "router pointing at a middleware that does not exist",
            ),
            Code::Lmp015 => ("LMP015", "router naming an entrypoint that does not exist"),
            Code::Lmp016 => ("LMP016", "Docker label or container that cannot be used"),
        }
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_numbered_in_order_and_serialize_as_text() {
        for (index, code) in Code::ALL.iter().enumerate() {
            assert_eq!(code.as_str(), format!("LMP{:03}", index + 1));
            assert!(!code.description().is_empty());
        }
        let json = serde_json::to_string(&Code::Lmp007).unwrap_or_default();
        assert_eq!(json, "\"LMP007\"");
    }
}
