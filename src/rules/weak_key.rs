//! IDP307 weak-key.

use std::sync::LazyLock;

use x509_parser::oid_registry::Oid;

use super::support::key_material::Key;
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::facts::facts;

/// The signature algorithms of `certificates.weak_signature_algorithms`, by
/// OID, with their names: a certificate's algorithm is compared as DER.
static WEAK_SIGNATURES: LazyLock<Vec<(Oid<'static>, &'static str)>> = LazyLock::new(|| {
    facts()
        .certificates
        .weak_signature_algorithms
        .iter()
        .filter_map(|(oid, name)| Some((oid.parse().ok()?, name.as_str())))
        .collect()
});

declare_rule! {
    /// the key is too short, signed with SHA-1 or MD5, or of an undocumented algorithm
    ///
    /// ## Why
    /// - An RSA modulus under 2048 bits is below every current recommendation (NIST disallowed
    ///   1024-bit RSA signatures after 2013); Qlik's own private-key JWT reference requires "at
    ///   least 2048 bits" and its JWT tutorial generates 4096. A 1024-bit key is the classic copy
    ///   from an old tutorial.
    /// - SHA-1 and MD5 signatures can be forged with chosen-prefix collisions, and many
    ///   verifiers refuse certificates signed with them.
    /// - Qlik documents RSA keys (RS256) for JWT IdPs; an EC key is not documented there and may
    ///   fail at the first login.
    ///
    /// Each weakness is its own finding; all are warnings, since the API may accept the key.
    ///
    /// ## Fix
    /// Generate a new RSA key of at least 2048 bits and a certificate signed with SHA-256:
    /// `openssl req -new -x509 -newkey rsa:4096 -sha256 -nodes -keyout key.pem -out cert.pem -days 1825`.
    ///
    /// ## References
    /// - qlik.dev, "Create Signed Tokens for JWT Authorization" (RSA, `openssl genrsa` 4096):
    ///   <https://qlik.dev/authenticate/jwt/create-signed-tokens-for-jwt-authorization/>
    /// - Qlik community, "Qlik Cloud: Example of JWT token format" (`"alg": "RS256"`):
    ///   <https://community.qlik.com/t5/Official-Support-Articles/Qlik-Cloud-Example-of-JWT-token-format/tac-p/2437450>
    /// - IONOS documents no key requirement for `x509Certificate`: the limits are current practice
    /// - qlik.dev OAuth private-key JWT reference: "RSA keys must be at least 2048 bits"
    /// - NIST SP 800-131A (RSA key lengths, SHA-1)
    pub WeakKey {
        code: "IDP307",
        name: "weak-key",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN PUBLIC KEY-----MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAoe/w2TmGKhz3B+5rD1fsUWSYTYah/B9LrmcCTsdiM4dGohRJvNGtvheTfpD1z59+p+vFQ6Ja3uxo0NkImnSfFW6UNfV7AjlLeES8BnxfIYtpwFiOm9YtsPde60PVTmt3UoPCMGXLObvUj88sd01RJ4brYCrRezsrvq5b77tr39qRWCh7ibzG5PByngpcIpV9G0qaje2/YHsP3Bqt83WvO3ku1yxp/+sp8biDwJuZP2tARbH9VoNggT6/eTw1MrG+24cYfxg7LNtpimL+OczgP8HjqjBQp1SgQm8T786V/m3Bp49YyGryPsDtqBT6ERGeOs60P9QV+tzAlTerq16d6qgmHhE0wARI8WZcCRiWNEBYvl/ZcJmH9dEQECm38iG4jN+f5HJ1hR28mSU3xpJsdCByD0MzHXT9mdb2XE4ay86WrIzhWhdjsokFCTdPuPKGNfk/M39RQN1n9PuvrnVxM6uR4l0j0Xe9XvaanMJTMAAxOAe0ULRMJMB3jJiMzGwHSUG1xH+w9pLVHrXJ8VcHqsQPi4Kmd9ISpOzQD8kZMcW5hOh3wwWHkSEM/LaGP8GQY/HD3JywieQ2fYx+KciNSfSbz4xFUFxgAstnH2Cvgb8euX1ABWBRVnWusQVlaERYmLum9tgjy8iCwLf2BlQTlYE/pqWJIcBCpkq5lMX7xFUCAwEAAQ==-----END PUBLIC KEY-----"}]}}"#],
        fail: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN CERTIFICATE-----MIIB+zCCAWSgAwIBAgIUEbQZRaDXFeK4W76rU+BkerEc+acwDQYJKoZIhvcNAQELBQAwOjELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRUwEwYDVQQDDAxyc2ExMDI0LXdlYWswHhcNMjYwMTAxMDAwMDAwWhcNMzUxMjMwMDAwMDAwWjA6MQswCQYDVQQGEwJHQjEUMBIGA1UECgwLRXhhbXBsZSBPcmcxFTATBgNVBAMMDHJzYTEwMjQtd2VhazCBnzANBgkqhkiG9w0BAQEFAAOBjQAwgYkCgYEAzRU9suVM1DLuZOy5IZ+gETYPzyryN95X3VqZiYSGEM226lD8OjCSTsafGZ/D8CVxKvZYBLgy6MaVlYDJHhjfEw8fJsj4Ht5/EwZ3dVbnSXjVd4D+FDHwCLTf01nNpTQG6Ta9fqS/4mvPYQC5Ma6s5M0Q4P+W4kXcseFSYuLL5jMCAwEAATANBgkqhkiG9w0BAQsFAAOBgQBw8P28IUw42kHRcBab2O9QmquWSvG0FdpjNJipmYM5puDo6HuZJuv5NOgzrZ5GeCZiT0b/0OSZx0PgH0dR4Uh63slnBxmwmAJYNQyM+YWC/K+hJoXw/YjkhRxXmXLHFpObMuEfif7GWJ59bzfq+7NM1hBUieWS23efxTv2/F9zNA==-----END CERTIFICATE-----"}]}}"#, r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN PUBLIC KEY-----MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE/oSVZmBhNePKjw0kqtE8fwX2+FXl+aeMi72AHwP4L7mFFHWxtij9r/3xtpDQxkfWwKnZpk7deaaCr+JcsA8EZg==-----END PUBLIC KEY-----"}]}}"#],
    }
}

impl Rule for WeakKey {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let table = &cx.facts.certificates;
        for m in cx.materials() {
            let Some(Ok(decoded)) = &m.decoded else {
                continue;
            };
            let name = m.name();
            let key = decoded.key();
            // Named only in a finding: the subject is written out then.
            let held = || match decoded {
                Key::Certificate(c) => {
                    format!("the certificate in `{name}` (subject `{}`)", c.subject)
                }
                Key::PublicKey(_) => format!("`{name}`"),
            };
            if key.algorithm == "RSA" && key.bits > 0 && key.bits < table.min_rsa_bits {
                out.push(
                    Finding::new(
                        Self::META,
                        format!(
                            "{} has a {}-bit RSA key; at least {} bits are expected",
                            held(),
                            key.bits,
                            table.min_rsa_bits
                        ),
                        m.field.anchor(),
                    )
                    .label(format!("RSA {} bits", key.bits))
                    .help(format!(
                        "generate a new key pair of at least {} bits (`openssl genrsa 4096`) and replace this one",
                        table.min_rsa_bits
                    )),
                );
            }
            if let Key::Certificate(c) = decoded {
                if let Some((_, algorithm)) = WEAK_SIGNATURES
                    .iter()
                    .find(|(oid, _)| *oid == c.signature_oid)
                {
                    out.push(
                        Finding::new(
                            Self::META,
                            format!("{} is signed with {algorithm}", held()),
                            m.field.anchor(),
                        )
                        .label("weak signature digest")
                        .help("issue the certificate again with SHA-256 (`openssl req -x509 -sha256 …`)"),
                    );
                }
            }
            let documented = &m.spec.key_algorithms;
            if !documented.is_empty() && !documented.contains(&key.algorithm) {
                out.push(
                    Finding::new(
                        Self::META,
                        format!(
                            "{} has an {}, which is not documented for {}",
                            held(),
                            key.describe(),
                            m.spec.key_algorithms_context
                        ),
                        m.field.anchor(),
                    )
                    .label(format!("{} key", key.algorithm))
                    .help(format!(
                        "use an {} key (Qlik's JWT examples sign with RS256)",
                        documented.join(" or ")
                    )),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_weak_signature_algorithm_is_an_oid() {
        let listed = &facts().certificates.weak_signature_algorithms;
        assert!(!listed.is_empty());
        assert_eq!(WEAK_SIGNATURES.len(), listed.len());
        for (oid, name) in WEAK_SIGNATURES.iter() {
            assert_eq!(
                listed.get(&oid.to_id_string()).map(String::as_str),
                Some(*name)
            );
        }
    }
}
