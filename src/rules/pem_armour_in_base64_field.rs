//! IDP305 pem-armour-in-base64-field.

use serde_json::Value;

use super::support::key_material::{plural, Shape};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Applicability, Finding, Repair, Severity};
use crate::facts::KeyEncoding;

declare_rule! {
    /// a bare-base64 certificate field carries PEM armour or line breaks
    ///
    /// ## Why
    /// IONOS's `configuration.saml.x509Certificate` takes the base64 of the certificate's DER
    /// and nothing else: every example is a bare `MII…` string, without
    /// `-----BEGIN CERTIFICATE-----`/`-----END CERTIFICATE-----` and without line breaks, which
    /// is also how the Keycloak backend stores SAML signing certificates. Whether IONOS strips
    /// armour on its side is not documented, so armour is an error. Line breaks or spaces
    /// inside the base64 alone are a warning: base64 readers often skip them, but not all.
    ///
    /// ## Severity
    /// - error: the value carries PEM armour
    /// - warning: the base64 has line breaks or spaces inside
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Keep only the base64 between the BEGIN and END lines, on one line
    /// (`openssl x509 -in cert.pem -outform der | base64 -w0`).
    ///
    /// ## Autofix
    /// safe (`--fix`): the armour and the line breaks are removed, leaving the base64 of the
    /// same certificate, which is what the field takes.
    ///
    /// ## References
    /// - IONOS Cloud, "Create Identity Provider": the SAML example's `x509Certificate` is bare
    ///   base64:
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    /// - IONOS Cloud, "Ensure Identity Provider": the same in its SAML example:
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/ensure-identity-provider>
    /// - derived: that armour is refused is idplint's inference from these examples; IONOS does not
    ///   document it
    pub PemArmourInBase64Field {
        code: "IDP305",
        name: "pem-armour-in-base64-field",
        severity: Error,
        kinds: [IonosCreate, IonosEnsure],
        pass: [r#"{"metadata": {}, "properties": {"type": "saml", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"saml": {"metadataDescriptor": "https://sso.acme-corp.io/saml/metadata", "x509Certificate": "MIIDAjCCAeqgAwIBAgIUBUAHiCbzem1OJXJ1DdyUbdmLbs0wDQYJKoZIhvcNAQELBQAwOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMB4XDTI2MDEwMTAwMDAwMFoXDTM1MTIzMDAwMDAwMFowOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQAdK4ubIZZrhNY4IGx0dGXXBh/mpfEOz/e19oPUQoe+ofktLcjsGndD3fB4BA/RAZ8GKHAtnS2IgODAHRlM5NOVHSrGf/UQ0y9ozOGMppwTo+vnh4PMsnX7zMUV+sM/UUY2UilWwY4wJKfup6fjC2/4/d9jMuVFVw23geuvS2OFVuGpkKY8H4rUDBfKzcQzSrlrMosAcydcFZS5OswvETBM4ECe42A1RgaH30+9kgsXz+EDQ2WO6oQT1XR2StXXpTkjC+kmeifPZKZj6w8S7aq3jcxEj11KxftrFB33SeovjuZGIpHhYfR5xYG2Qg2V8/RBV+JjU4n5C9zpgvyUqpaf"}}}}"#],
        fail: [r#"{"metadata": {}, "properties": {"type": "saml", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"saml": {"metadataDescriptor": "https://sso.acme-corp.io/saml/metadata", "x509Certificate": "-----BEGIN CERTIFICATE-----MIIDAjCCAeqgAwIBAgIUBUAHiCbzem1OJXJ1DdyUbdmLbs0wDQYJKoZIhvcNAQELBQAwOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMB4XDTI2MDEwMTAwMDAwMFoXDTM1MTIzMDAwMDAwMFowOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQAdK4ubIZZrhNY4IGx0dGXXBh/mpfEOz/e19oPUQoe+ofktLcjsGndD3fB4BA/RAZ8GKHAtnS2IgODAHRlM5NOVHSrGf/UQ0y9ozOGMppwTo+vnh4PMsnX7zMUV+sM/UUY2UilWwY4wJKfup6fjC2/4/d9jMuVFVw23geuvS2OFVuGpkKY8H4rUDBfKzcQzSrlrMosAcydcFZS5OswvETBM4ECe42A1RgaH30+9kgsXz+EDQ2WO6oQT1XR2StXXpTkjC+kmeifPZKZj6w8S7aq3jcxEj11KxftrFB33SeovjuZGIpHhYfR5xYG2Qg2V8/RBV+JjU4n5C9zpgvyUqpaf-----END CERTIFICATE-----"}}}}"#],
    }
}

impl Rule for PemArmourInBase64Field {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for m in cx.materials() {
            if m.spec.encoding != KeyEncoding::Base64Der || m.private_key.is_some() {
                continue;
            }
            let name = m.name();
            let b = m.breaks;
            let bare = bare_base64(m.field.value.as_str().unwrap_or(""));
            let fixed = |finding: Finding, title: &str, bare: Option<String>| match bare {
                Some(bare) => finding.fix(
                    Applicability::Safe,
                    title,
                    vec![Repair::Value {
                        pointer: m.field.pointer.clone(),
                        json: Value::from(bare).to_string(),
                    }],
                ),
                None => finding,
            };
            if let Shape::Pem { blocks, .. } = &m.shape {
                let label = blocks.first().map_or("CERTIFICATE", |b| b.label.as_str());
                let finding =
                    Finding::new(
                        Self::META,
                        format!(
                            "`{name}` carries PEM armour (`-----BEGIN {label}-----`); the field takes the bare base64 of the certificate"
                        ),
                        m.field.anchor(),
                    )
                    .label("PEM armour")
                    .help("keep only the base64 between the BEGIN and END lines, on one line");
                let single_block = blocks.len() == 1;
                out.push(fixed(
                    finding,
                    "keep only the base64, on one line",
                    bare.filter(|_| single_block),
                ));
            } else if b.line_breaks() + b.blanks > 0 && m.is_key_material() {
                let what = if b.line_breaks() > 0 {
                    plural(b.line_breaks(), "line break")
                } else {
                    plural(b.blanks, "space")
                };
                let finding = Finding::new(
                    Self::META,
                    format!("`{name}` has {what} inside the base64"),
                    m.field.anchor(),
                )
                .severity(Severity::Warning)
                .label("whitespace inside the base64")
                .help("remove the whitespace: the field takes the base64 on one line");
                out.push(fixed(finding, "remove the whitespace", bare));
            }
        }
    }
}

/// The base64 of a certificate written with PEM armour or broken over
/// lines: the characters between the BEGIN and END lines (or all of them),
/// without whitespace or escaped line breaks; `None` when anything else is
/// left.
fn bare_base64(text: &str) -> Option<String> {
    let body = match text.find("-----BEGIN") {
        Some(begin) => {
            let after = begin + text[begin + 10..].find("-----")? + 15;
            let end = after + text[after..].find("-----END")?;
            &text[after..end]
        }
        None => text,
    };
    let bare: String = body
        .replace("\\r", "")
        .replace("\\n", "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=');
    (!bare.is_empty() && bare.chars().all(base64)).then_some(bare)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_bare_base64_is_what_the_armour_and_breaks_wrap() {
        let bare = super::bare_base64;
        assert_eq!(
            bare("-----BEGIN CERTIFICATE-----\nMIIB\nAQAB\n-----END CERTIFICATE-----\n").as_deref(),
            Some("MIIBAQAB")
        );
        assert_eq!(bare("MIIB AQ\\nAB").as_deref(), Some("MIIBAQAB"));
        assert_eq!(
            bare("-----BEGIN CERTIFICATE-----MII*B-----END CERTIFICATE-----"),
            None
        );
    }
}
