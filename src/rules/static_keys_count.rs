//! IDP308 static-keys-count.

use serde_json::Value;

use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding, Severity};
use crate::facts::Protocol;

declare_rule! {
    /// a JWT IdP needs exactly one static key, and a clean `kid` and `issuer`
    ///
    /// ## Why
    /// Qlik's `options.staticKeys` holds the key that verifies the JWTs, "Limited to 1 key per
    /// identity provider": an empty array, or a second key for a rotation, is refused. The
    /// key's `kid` must equal the `kid` header of every JWT, and `issuer` their `iss` claim,
    /// character for character: an empty value can never match, and a space at either end
    /// (pasted from a spreadsheet) is invisible in the file and fails every login (a warning).
    ///
    /// A missing `staticKeys` or `issuer` is IDP105's; a missing `kid` or `pem` IDP004's.
    ///
    /// ## Severity
    /// - error: not exactly one static key, or an empty `kid` or `issuer`
    /// - warning: `kid` or `issuer` with surrounding whitespace
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Keep exactly one `{"kid": …, "pem": …}`. To rotate a key, create a new JWT IdP (the key of
    /// an existing one cannot be patched). Trim `kid` and `issuer`.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), for a `kid` or `issuer` with whitespace at its ends: trimmed,
    /// it most likely equals the JWTs' value, but Qlik compares it exactly, so check it against
    /// a real token. A wrong number of keys has no fix.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference (CreateJWTAuthPayload: staticKeys "Limited to 1
    ///   key per identity provider"; `options.required`, `staticKeys` items `required`):
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - qlik.dev, Login API reference, `POST /login/jwt-session` (the JWT's `iss` and `kid` must
    ///   match the IdP's issuer and key id): <https://qlik.dev/apis/rest/login>
    pub StaticKeysCount {
        code: "IDP308",
        name: "static-keys-count",
        severity: Error,
        kinds: [QlikCreate],
        pass: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQAB-----END PUBLIC KEY-----"}]}}"#],
        fail: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2025", "pem": "-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAprTVwDIk1fa6CB4x5vmb5Gc0mE9UBj9Q+N3txV6/YERAHxzzqU+dUjiENPfAMK5MBGqGGv+ZXUl1PKMcE7ATSftXpsBt/Uq2QQCSz85KVyZKl5N6Kb1WSknWpxlzUhwfJOx5surBTYDHHLVZeeZwBJgIMhEt4rHbiMX7ZTBgu3uGxv1rylvjn2nzOAlsKdUJzux/CD9464DtviD8oBhmR3s5ICcSP4Y77Y7WjQ3pCTDm1jPI7J/VFZTub32SFyr4MNUBJzh93UvYnXCUswRryxDcMhweSC6G4fMu3lcpL5WnvAUHDCPHyTV3OXr9pi8USogHaz1eS/sHBCtBwMAKNwIDAQAB-----END PUBLIC KEY-----"}, {"kid": "acme-2026", "pem": "-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQAB-----END PUBLIC KEY-----"}]}}"#, r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026 ", "pem": "-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQAB-----END PUBLIC KEY-----"}]}}"#],
    }
}

impl Rule for StaticKeysCount {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.qlik_protocol() != Some(Protocol::JwtAuth) {
            return;
        }
        if let Some(keys) = cx.get("/options/staticKeys").and_then(Value::as_array) {
            let want = cx.facts.qlik.bounds.static_keys_count;
            if keys.len() != want {
                let message = if keys.is_empty() {
                    format!("`staticKeys` is empty; the API takes exactly {want} `{{kid, pem}}`")
                } else {
                    format!(
                        "`staticKeys` holds {} keys; the API takes exactly {want} (\"Limited to 1 key per identity provider\")",
                        keys.len()
                    )
                };
                let mut finding =
                    Finding::new(Self::META, message, Anchor::key("/options/staticKeys"))
                        .label(format!("{} keys", keys.len()))
                        .help(if keys.is_empty() {
                            "add the `kid` and `pem` of the key that signs the JWTs"
                        } else {
                            "keep one key; to rotate keys, create a new JWT IdP"
                        });
                for i in want..keys.len() {
                    finding = finding.related(
                        Anchor::value(format!("/options/staticKeys/{i}")),
                        "extra key",
                    );
                }
                out.push(finding);
            }
            for i in 0..keys.len() {
                identifier(
                    cx,
                    &format!("/options/staticKeys/{i}/kid"),
                    "`kid` header",
                    out,
                );
            }
        }
        identifier(cx, "/options/issuer", "`iss` claim", out);
    }
}

/// `kid` and `issuer` must be matched exactly by the JWTs.
fn identifier(cx: &Context<'_>, pointer: &str, matched: &str, out: &mut Vec<Finding>) {
    let Some(value) = cx.get(pointer) else {
        return;
    };
    let Some(text) = value.as_str().filter(|s| cx.is_checkable(s)) else {
        return;
    };
    let name = crate::source::last_token(pointer);
    if text.trim().is_empty() {
        out.push(
            Finding::new(
                StaticKeysCount::META,
                format!("`{name}` is empty; it must equal the {matched} of the JWTs"),
                Anchor::value(pointer),
            )
            .label("empty")
            .help(format!("set `{name}` to the {matched} your JWTs carry")),
        );
    } else if text.trim() != text {
        out.push(
            Finding::new(
                StaticKeysCount::META,
                format!(
                    "`{name}` `{value}` has whitespace at its ends; it must equal the {matched} of the JWTs exactly"
                ),
                Anchor::value(pointer),
            )
            .severity(Severity::Warning)
            .label("surrounding whitespace")
            .help(format!("trim it: `{}`", text.trim()))
            .fix_string(Applicability::Unsafe, pointer, text.trim()),
        );
    }
}
