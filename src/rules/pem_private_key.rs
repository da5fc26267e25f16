//! IDP303 pem-private-key.

use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::Finding;

declare_rule! {
    /// a private key where a certificate or public key belongs
    ///
    /// ## Why
    /// The JWT tutorial creates a key pair and tells you to keep the private key "someplace safe
    /// and don't share it"; the file next to it is the certificate. Pasting the wrong one of the
    /// two sends the private key to the vendor and, worse, puts it in the repository: anyone who
    /// reads it can sign tokens as you. Caught are PEM blocks labelled `PRIVATE KEY`,
    /// `RSA PRIVATE KEY`, `EC PRIVATE KEY`, `ENCRYPTED PRIVATE KEY` (any label naming a private
    /// key), and bare base64 whose DER is a private key (PKCS#8, PKCS#1, SEC 1).
    ///
    /// The key is never shown: not in the message, and not in the source excerpt of any output
    /// format. A private key is reported by this rule alone.
    ///
    /// ## Fix
    /// Replace the value with the certificate (or public key, `openssl pkey -in key.pem -pubout`).
    /// Treat the key as leaked: generate a new key pair and remove the old key from the
    /// repository's history.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference ("Pem-encoded public key"); that a private key
    ///   is refused is idplint's inference from it:
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - qlik.dev, "Create Signed Tokens for JWT Authorization" (keep the private key "someplace
    ///   safe and don't share it"):
    ///   <https://qlik.dev/authenticate/jwt/create-signed-tokens-for-jwt-authorization/>
    /// - RFC 7468 (PEM labels), RFC 5208 (PKCS#8)
    pub PemPrivateKey {
        code: "IDP303",
        name: "pem-private-key",
        severity: Error,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQAB-----END PUBLIC KEY-----"}]}}"#],
        fail: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN PRIVATE KEY-----MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg6aMC6Lrr/oXzpi82zlLUGN0tx3EoGesjeM4uyM2SHEOhRANCAAQz9rVwDmMBz8evU4Xjg5k2la8AvC9wEsE84Lgj/8k1PpZalo/KFV+d0OitrgnxxtB8rOt5tFFOqa9AXas2DGDE-----END PRIVATE KEY-----"}]}}"#],
    }
}

impl Rule for PemPrivateKey {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for m in cx.materials() {
            let Some(what) = &m.private_key else {
                continue;
            };
            out.push(
                Finding::new(
                    Self::META,
                    format!(
                        "`{}` holds a private key ({what}) where {} belongs",
                        m.name(),
                        m.expected()
                    ),
                    m.field.anchor(),
                )
                .label("private key (not shown)")
                .help(format!(
                    "replace it with {}, and treat the private key as leaked: generate a new key pair",
                    m.expected()
                )),
            );
        }
    }
}
