//! IDP304 pem-wrong-label.

use super::support::key_material::{Material, Shape};
use super::support::shorten;
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Applicability, Finding, Severity};
use crate::facts::{facts, KeyEncoding};

declare_rule! {
    /// the PEM is not one `CERTIFICATE` or `PUBLIC KEY` block
    ///
    /// ## Why
    /// Qlik's `staticKeys[].pem` is a "Pem-encoded public key": one PEM block, either an X.509
    /// `CERTIFICATE` (as in Qlik's example and tutorial) or a SubjectPublicKeyInfo `PUBLIC KEY`
    /// (as in Qlik's and the community's code). A SAML `certificates[].certificate` is a
    /// certificate. What goes wrong instead:
    ///
    /// - another block: a `CERTIFICATE REQUEST`, a `PGP PUBLIC KEY BLOCK`, a `-----BEGIN`
    ///   line whose `-----END` line names a different label;
    /// - `RSA PUBLIC KEY` (PKCS#1, what `openssl rsa -RSAPublicKey_out` writes): not documented,
    ///   a warning;
    /// - more than one block (a whole certificate chain), or text around the block (the
    ///   `openssl x509 -text` dump above it), or a block without its `-----END` line;
    /// - a JWK (JSON Web Key), or bare base64 with no armour where PEM is required.
    ///
    /// A private key is IDP303's; key material that does not decode is IDP302's.
    ///
    /// ## Severity
    /// - error: the PEM block is neither `CERTIFICATE` nor `PUBLIC KEY`, there is more than one, or the value is no PEM
    /// - warning: an `RSA PUBLIC KEY` block (PKCS #1)
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Paste exactly one `-----BEGIN CERTIFICATE-----…-----END CERTIFICATE-----` (or
    /// `PUBLIC KEY`) block. `openssl x509 -in chain.pem` prints the first certificate of a chain;
    /// `openssl rsa -RSAPublicKey_in -in key.pem -pubout` turns a PKCS#1 key into `PUBLIC KEY`.
    ///
    /// ## Autofix
    /// safe (`--fix`), for bare base64 that decodes as the expected DER: it is wrapped in the
    /// armour of what it decodes as. Also safe, for a block whose END line is missing while its
    /// base64 decodes: the END line is added. A wrong label, a chain or a private key has no
    /// fix: which block to send is a decision.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference ("Pem-encoded public key for verifying the
    ///   JWTs"): <https://qlik.dev/apis/rest/identity-providers/>
    /// - qlik.dev, "Create identity providers" (the JWT example's `CERTIFICATE`):
    ///   <https://qlik.dev/manage/automate/identity-provider-create/>
    /// - qlik.dev, "Create Signed Tokens for JWT Authorization" (a certificate, `publickey.cer`):
    ///   <https://qlik.dev/authenticate/jwt/create-signed-tokens-for-jwt-authorization/>
    /// - community code with a `PUBLIC KEY` (`public.key`):
    ///   <https://github.com/QHose/qlik-cloud-jwt-lambda-example>
    /// - Qlik's OpenAPI document (SAML `certificates`):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    /// - RFC 7468, Textual Encodings of PKIX, PKCS, and CMS Structures
    pub PemWrongLabel {
        code: "IDP304",
        name: "pem-wrong-label",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQAB-----END PUBLIC KEY-----"}]}}"#, r#"{"protocol": "SAML", "provider": "generic", "interactive": true, "options": {"entityId": "https://sso.acme-corp.io/saml", "signOnUrl": "https://sso.acme-corp.io/saml/sso", "certificates": [{"certificate": "MIIDAjCCAeqgAwIBAgIUBUAHiCbzem1OJXJ1DdyUbdmLbs0wDQYJKoZIhvcNAQELBQAwOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMB4XDTI2MDEwMTAwMDAwMFoXDTM1MTIzMDAwMDAwMFowOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQAdK4ubIZZrhNY4IGx0dGXXBh/mpfEOz/e19oPUQoe+ofktLcjsGndD3fB4BA/RAZ8GKHAtnS2IgODAHRlM5NOVHSrGf/UQ0y9ozOGMppwTo+vnh4PMsnX7zMUV+sM/UUY2UilWwY4wJKfup6fjC2/4/d9jMuVFVw23geuvS2OFVuGpkKY8H4rUDBfKzcQzSrlrMosAcydcFZS5OswvETBM4ECe42A1RgaH30+9kgsXz+EDQ2WO6oQT1XR2StXXpTkjC+kmeifPZKZj6w8S7aq3jcxEj11KxftrFB33SeovjuZGIpHhYfR5xYG2Qg2V8/RBV+JjU4n5C9zpgvyUqpaf", "name": "signing"}], "claimsMapping": {"sub": ["nameid"], "name": ["displayName"], "email": ["mail"], "picture": ["picture"], "groups": ["groups"]}}}"#],
        fail: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQAB"}]}}"#, r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "{\"kty\": \"RSA\", \"kid\": \"acme-2026\", \"use\": \"sig\", \"alg\": \"RS256\", \"e\": \"AQAB\", \"n\": \"nZziI85JaZKd3uqHtykyCcK7tOFx_QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9Ow\"}"}]}}"#, r#"{"protocol": "SAML", "provider": "generic", "interactive": true, "options": {"entityId": "https://sso.acme-corp.io/saml", "signOnUrl": "https://sso.acme-corp.io/saml/sso", "certificates": [{"certificate": "-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQAB-----END PUBLIC KEY-----", "name": "signing"}], "claimsMapping": {"sub": ["nameid"], "name": ["displayName"], "email": ["mail"], "picture": ["picture"], "groups": ["groups"]}}}"#],
    }
}

impl Rule for PemWrongLabel {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for m in cx.materials() {
            if m.spec.encoding == KeyEncoding::Base64Der || m.private_key.is_some() {
                continue;
            }
            if let Some(finding) = problem(m) {
                out.push(finding);
            }
        }
    }
}

/// The first thing wrong with the armour, if anything is.
fn problem(m: &Material<'_>) -> Option<Finding> {
    let name = m.name();
    let accepted = m.accepted_labels();
    let at = m.field.anchor();
    let finding = |message: String| Finding::new(PemWrongLabel::META, message, at.clone());
    let pem_required = m.spec.encoding == KeyEncoding::Pem;
    match &m.shape {
        Shape::Jwk => Some(
            finding(format!("`{name}` holds a JSON object (a JWK?), not PEM"))
                .label("JSON, not PEM")
                .help(format!(
                    "convert the key to PEM and paste the {accepted} block"
                )),
        ),
        Shape::Bare if pem_required => {
            let label = m.armour_label();
            let mut f = finding(format!(
                "`{name}` is bare base64 without PEM armour; the field takes a {accepted} block"
            ))
            .label("no `-----BEGIN …-----` line")
            .help(format!(
                "wrap it: `-----BEGIN {label}-----` + the base64 + `-----END {label}-----`, on one line"
            ));
            let text = m.field.value.as_str().unwrap_or_default();
            if matches!(m.decoded, Some(Ok(_))) && !text.contains('\\') {
                let bare: String = text.chars().filter(|c| !c.is_whitespace()).collect();
                f = f.fix_string(
                    Applicability::Safe,
                    m.field.pointer.clone(),
                    &format!("-----BEGIN {label}-----{bare}-----END {label}-----"),
                );
            }
            Some(f)
        }
        Shape::Other if pem_required => Some(
            finding(format!(
                "`{name}` is not PEM: it has no `-----BEGIN …-----` line"
            ))
            .label("not PEM")
            .help(format!("paste a {accepted} block")),
        ),
        Shape::Pem { blocks, stray_text } => {
            let first = blocks.first()?;
            let label = shorten(&first.label, 40);
            if blocks.len() > 1 {
                let labels: Vec<String> = blocks
                    .iter()
                    .map(|b| format!("`{}`", shorten(&b.label, 40)))
                    .collect();
                return Some(
                    finding(format!(
                        "`{name}` holds {} PEM blocks ({}); the field takes exactly one",
                        blocks.len(),
                        labels.join(", ")
                    ))
                    .label(format!("{} PEM blocks", blocks.len()))
                    .help("keep one block: the signing certificate (the first of a chain) or its public key"),
                );
            }
            let labels = &facts().certificates.pem_labels;
            match labels.get(&first.label) {
                Some(s) if m.spec.accepts.contains(s) => {}
                Some(s) if m.spec.tolerates.contains(s) => {
                    return Some(
                        finding(format!(
                            "`{name}` is an `{label}` block; Qlik documents {accepted}"
                        ))
                        .severity(Severity::Warning)
                        .label(format!("`{label}`"))
                        .help("convert it: `openssl rsa -RSAPublicKey_in -in key.pem -pubout` writes a `PUBLIC KEY` block"),
                    )
                }
                _ => {
                    return Some(
                        finding(format!(
                            "`{name}` is a `{label}` PEM block; the field takes {accepted}"
                        ))
                        .label(format!("`{label}`"))
                        .help(format!("paste a {accepted} block")),
                    )
                }
            }
            match &first.end_label {
                Some(end) if *end != first.label => Some(
                    finding(format!(
                        "`{name}` begins with `-----BEGIN {label}-----` but ends with `-----END {}-----`",
                        shorten(end, 40)
                    ))
                    .label("BEGIN and END labels differ")
                    .help(format!("end the block with `-----END {label}-----`")),
                ),
                None if matches!(m.decoded, Some(Ok(_))) => Some(
                    finding(format!(
                        "`{name}` has no `-----END {label}-----` line"
                    ))
                    .label("PEM block not closed")
                    .help(format!("append `-----END {label}-----`"))
                    .fix_string(
                        Applicability::Safe,
                        m.field.pointer.clone(),
                        &format!(
                            "{}-----END {label}-----",
                            m.field.value.as_str().unwrap_or_default().trim_end()
                        ),
                    ),
                ),
                _ if *stray_text => Some(
                    finding(format!(
                        "`{name}` has text outside its `{label}` PEM block"
                    ))
                    .label("text around the PEM block")
                    .help("remove everything before `-----BEGIN` and after the closing `-----`"),
                ),
                _ => None,
            }
        }
        _ => None,
    }
}
