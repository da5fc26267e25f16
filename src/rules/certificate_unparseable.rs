//! IDP302 certificate-unparseable.

use super::support::key_material::{Failure, Material};
use super::support::shorten;
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::Finding;
use crate::facts::{facts, KeySyntax};

declare_rule! {
    /// the certificate or key does not decode
    ///
    /// ## Why
    /// A certificate that was cut off when it was pasted, or copied from a documentation
    /// example that was shortened on purpose, saves without complaint in a text field but
    /// cannot verify a single signature. idplint decodes every certificate-bearing field the way
    /// the server must — Qlik `options.staticKeys[].pem` (PEM), Qlik SAML
    /// `certificates[].certificate`, IONOS `configuration.saml.x509Certificate` (bare base64 of
    /// the DER) — and says which step fails:
    ///
    /// 1. base64: a character outside the standard alphabet (base64url's `-` and `_` included);
    /// 2. DER: the bytes are not a SEQUENCE, or fewer (truncated) or more bytes are present than
    ///    the DER header announces — the message gives both numbers;
    /// 3. X.509: the DER is not a certificate or SubjectPublicKeyInfo (or is the other one of
    ///    the two where only one belongs).
    ///
    /// Qlik's API reference gives the SAML `certificate` as a plain string without an example,
    /// so both PEM and bare base64 are accepted there.
    ///
    /// Template variables (`${CERT}`) are not decoded (IDP010). A base64 value ending in `...`
    /// is decoded anyway: it is a shortened documentation example, and the message says so.
    ///
    /// ## Fix
    /// Paste the whole certificate again, from the file rather than from a web page.
    ///
    /// ## References
    /// - qlik.dev, "Create identity providers": the JWT example's `pem` "has been shortened":
    ///   <https://qlik.dev/manage/automate/identity-provider-create/>
    /// - IONOS Cloud, "Create Identity Provider" and "Ensure Identity Provider": `x509Certificate`
    ///   is base64 of the DER; both documentation samples are truncated placeholders:
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/ensure-identity-provider>
    /// - RFC 5280 (X.509), ITU-T X.690 (DER), RFC 4648 (base64)
    pub CertificateUnparseable {
        code: "IDP302",
        name: "certificate-unparseable",
        severity: Error,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN CERTIFICATE-----MIIDAjCCAeqgAwIBAgIUBUAHiCbzem1OJXJ1DdyUbdmLbs0wDQYJKoZIhvcNAQELBQAwOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMB4XDTI2MDEwMTAwMDAwMFoXDTM1MTIzMDAwMDAwMFowOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQAdK4ubIZZrhNY4IGx0dGXXBh/mpfEOz/e19oPUQoe+ofktLcjsGndD3fB4BA/RAZ8GKHAtnS2IgODAHRlM5NOVHSrGf/UQ0y9ozOGMppwTo+vnh4PMsnX7zMUV+sM/UUY2UilWwY4wJKfup6fjC2/4/d9jMuVFVw23geuvS2OFVuGpkKY8H4rUDBfKzcQzSrlrMosAcydcFZS5OswvETBM4ECe42A1RgaH30+9kgsXz+EDQ2WO6oQT1XR2StXXpTkjC+kmeifPZKZj6w8S7aq3jcxEj11KxftrFB33SeovjuZGIpHhYfR5xYG2Qg2V8/RBV+JjU4n5C9zpgvyUqpaf-----END CERTIFICATE-----"}]}}"#],
        fail: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "myorganization.com", "staticKeys": [{"kid": "myorganization20240205", "pem": "-----BEGIN CERTIFICATE-----MIIFwzCCA6ugAwIBAgIUY2166Gzw/yzoXgTTXogqjWeWsCUwDQYJKoZIhvcNAQELBQAwcTELMAkGA1UEBhMCR0IxDzANBgNVBAgMBkxvbmRvbjEPMA0GA1UEBwwGTG9uZG9uMQ0wCwYDVQQKDARRbGlrMQ0wCwYDVQQLDARRbGlrMQ0wCwYDVQQDDARRbGlrMRMwEQYJKoZIhvcNAQkBFgRRbGlrMB4XDTIyMDUxODEzMzMx-----END CERTIFICATE-----"}]}}"#, r#"{"metadata": {}, "properties": {"type": "saml", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"saml": {"metadataDescriptor": "https://sso.acme-corp.io/saml/metadata", "x509Certificate": "MIICyzCCAbSgAwIBAgIJAMyYqQJkmRIOMA0GCSqGSIb3DQEB..."}}}}"#],
    }
}

impl Rule for CertificateUnparseable {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for m in cx.materials() {
            let Some(Err(failure)) = &m.decoded else {
                continue;
            };
            if m.private_key.is_some() {
                continue;
            }
            let mut message = format!("`{}` {}", m.name(), failure.describe());
            if let Some(label) = m.unclosed_block() {
                message.push_str(&format!(
                    ", and the `-----END {}-----` line is missing",
                    shorten(label, 40)
                ));
            }
            if let Some(ellipsis) = m.shortened {
                message.push_str(&format!(
                    "; it looks like a shortened documentation example (it ends in `{ellipsis}`)"
                ));
            }
            out.push(
                Finding::new(Self::META, message, m.field.anchor())
                    .label(failure.label())
                    .help(help(m, failure)),
            );
        }
    }
}

fn help(m: &Material<'_>, failure: &Failure) -> String {
    match failure {
        Failure::Truncated {
            announced: Some(n), ..
        } => format!(
            "paste the whole certificate: {n} bytes of DER are {} base64 characters",
            n.div_ceil(3).saturating_mul(4)
        ),
        Failure::Truncated { .. } | Failure::Empty => {
            "paste the whole certificate, from the file rather than from a web page".to_string()
        }
        Failure::Base64 { .. } | Failure::Jwk => {
            "paste the certificate as standard base64 (`base64 -w0 cert.der`)".to_string()
        }
        Failure::NotSequence { .. } | Failure::BadLength | Failure::Trailing { .. } => {
            "export the certificate again in DER and encode that as base64".to_string()
        }
        Failure::NotExpected {
            actually: Some(actually),
            ..
        } if m.spec.accepts.contains(actually) => match label_for(*actually) {
            Some(label) => format!("label the block for what it holds: `-----BEGIN {label}-----`"),
            None => format!("put {} here", m.expected()),
        },
        Failure::NotExpected { .. } => format!("put {} here", m.expected()),
    }
}

/// The PEM label of a DER syntax.
fn label_for(syntax: KeySyntax) -> Option<&'static str> {
    facts()
        .certificates
        .pem_labels
        .iter()
        .find(|(_, s)| **s == syntax)
        .map(|(label, _)| label.as_str())
}
