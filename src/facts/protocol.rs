//! The protocols of a Qlik identity provider. Their names are data
//! (`rules/protocols.json`): no match arm spells `OIDC`, `jwtAuth` or `SAML`.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::facts;

/// A protocol of a Qlik identity provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Protocol {
    /// OpenID Connect (`OIDC`).
    Oidc,
    /// Signed JSON web tokens (`jwtAuth`).
    JwtAuth,
    /// SAML 2.0 (`SAML`).
    Saml,
}

/// `rules/protocols.json`: each protocol's name.
#[derive(Deserialize)]
pub struct ProtocolNames {
    qlik: BTreeMap<Protocol, String>,
}

impl Protocol {
    /// Every protocol.
    pub const ALL: [Protocol; 3] = [Protocol::Oidc, Protocol::JwtAuth, Protocol::Saml];

    /// The name the API spells the protocol with.
    pub fn name(self) -> &'static str {
        // Rules ask for names many times per document: they are looked up
        // in the table once.
        static NAMES: LazyLock<[&'static str; 3]> = LazyLock::new(|| {
            Protocol::ALL.map(|p| {
                // Every protocol is in the table: a test holds it, so a gap is a build defect.
                facts()
                    .protocols
                    .qlik
                    .get(&p)
                    .map(String::as_str)
                    .unwrap_or_else(|| panic!("rules/protocols.json names no {p:?}"))
            })
        });
        NAMES[self as usize]
    }

    /// The protocol the API calls `name` (case matters, as for the API).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl std::fmt::Display for Protocol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every protocol has a name, and every table keyed by protocol name
    /// uses those names.
    #[test]
    fn every_protocol_is_named_and_the_tables_use_the_names() {
        let names: Vec<&str> = Protocol::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(facts().protocols.qlik.len(), Protocol::ALL.len());
        for p in Protocol::ALL {
            assert_eq!(Protocol::from_name(p.name()), Some(p));
        }
        let qlik = &facts().qlik;
        let keyed = qlik
            .protocols
            .keys()
            .chain(qlik.protocol_only_members.keys())
            .chain(qlik.tolerated_extras.keys())
            .chain(facts().patch.ops.keys());
        for key in keyed {
            assert!(names.contains(&key.as_str()), "{key} is no protocol name");
        }
        for entry in &facts().patch.paths {
            for p in &entry.protocols {
                assert!(names.contains(&p.as_str()), "{}: {p}", entry.path);
            }
        }
    }
}
