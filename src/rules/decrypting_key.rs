//! IDP112: the key Qlik generates to decrypt encrypted ID tokens.

use serde_json::Value;

use super::support::read_only::DECRYPTING_KEYS;
use super::support::{child_pointer, create_pointer, display_pointer};
use super::support::{Context, Field, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding, Repair, Severity};
use crate::facts::Protocol;
use crate::source::Members;

declare_rule! {
    /// `decryptingKey` lacks `keyType` or `keySize`, or carries server members
    ///
    /// ## Why
    /// With token decryption, Qlik generates a key pair and publishes the public key for the
    /// IdP to encrypt ID tokens with. A request says which key to generate: `keyType` and an
    /// integer `keySize` are both required, and the admin console offers RSA 2048 and
    /// RSA 4096 (other sizes: warning; a template variable in quotes stays a string once
    /// filled in: warning). `keyId`, `createdAt`, `createdBy`, `publicKey`,
    /// `certificate` and `jwks` describe the generated key: the server sets them, and a body
    /// that sends them was copied from a response (warning).
    ///
    /// ## Severity
    /// - error: `keyType` or `keySize` missing, or `keySize` not an integer
    /// - warning: a `keySize` Qlik does not offer, a `keySize` that is a quoted template variable, or a member the server sets
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Send `{"keyType": "RSA", "keySize": 4096}` (or 2048) and nothing else.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), for a read-only member of `decryptingKey` (`keyId`, `createdAt`,
    /// `publicKey`, …): the server generates those, so removing them keeps the request's
    /// meaning, but a body that carries them was probably copied from a response; look at the
    /// rest.
    ///
    /// ## References
    /// - Qlik's OpenAPI document, `decryptingKey`:
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    /// - Qlik help, "Token decryption" (mc-idp-token-decryption): RSA 2048 or RSA 4096
    pub DecryptingKey {
        code: "IDP112",
        name: "decrypting-key",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/pendingOptions/decryptingKey", "value": {"keyType": "RSA", "keySize": 4096}}]"#],
        fail: [
            r#"[{"op": "replace", "path": "/pendingOptions/decryptingKey", "value": {"keyType": "RSA", "keySize": "4096"}}]"#,
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8x2kq9vZbQJxk4357", "clientSecret": "${OKTA_CLIENT_SECRET}", "decryptingKey": {"keySize": 2048}, "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#,
            r#"[{"op": "replace", "path": "/pendingOptions/decryptingKey", "value": {"keyType": "RSA", "keySize": 2048, "keyId": "b1f0c6e2-5d7a-4c3e-9f21-8a6d4e2b7c90"}}]"#,
            r#"[{"op": "replace", "path": "/pendingOptions/decryptingKey", "value": {"keyType": "RSA", "keySize": 3072}}]"#,
        ],
    }
}

impl Rule for DecryptingKey {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if matches!(cx.qlik_protocol(), Some(Protocol::JwtAuth | Protocol::Saml)) {
            return;
        }
        let facts = &cx.facts.qlik.decrypting_key;
        for field in cx.fields_any(&DECRYPTING_KEYS) {
            let Value::Object(key) = field.value else {
                continue;
            };
            let name = display_name(cx, &field);
            for member in &facts.required {
                if !key.has(member) {
                    out.push(
                        Finding::new(
                            Self::META,
                            format!("`{name}` lacks `{member}`"),
                            Anchor::missing(format!("{}/{member}", field.pointer)),
                        )
                        .label(format!("`{member}` missing here"))
                        .help(format!(
                            "add `{member}`, e.g. `{{\"keyType\": \"RSA\", \"keySize\": 4096}}`"
                        )),
                    );
                }
            }
            if let Some(size) = key.member("keySize") {
                if let Some(f) = key_size(cx, &name, &field.pointer, size) {
                    out.push(f);
                }
            }
            for member in facts.read_only.iter().filter(|m| key.contains_key(*m)) {
                out.push(
                    Finding::new(
                        Self::META,
                        format!("`{name}.{member}` is set by the server when it generates the key"),
                        Anchor::key(format!("{}/{member}", field.pointer)),
                    )
                    .severity(Severity::Warning)
                    .label("read-only member")
                    .help(format!("remove `{member}`"))
                    .fix(
                        Applicability::Unsafe,
                        format!("remove `{member}`"),
                        vec![Repair::Remove {
                            pointer: format!("{}/{member}", field.pointer),
                        }],
                    ),
                );
            }
        }
    }
}

fn key_size<'a>(cx: &Context<'a>, name: &str, block: &str, size: &'a Value) -> Option<Finding> {
    let offered = &cx.facts.qlik.decrypting_key.offered_key_sizes;
    let pointer = child_pointer(block, "keySize");
    let sizes = offered
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(" or ");
    let bits = match size {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0)
                .map(|f| f as u64)
        }),
        // A template variable in quotes is still a string once filled in.
        Value::String(s) if cx.is_template(s) => {
            return Some(
                Finding::new(
                    DecryptingKey::META,
                    format!("`{name}.keySize` is a template variable in quotes: it stays a string once filled in"),
                    Anchor::value(pointer),
                )
                .severity(Severity::Warning)
                .label("quoted template variable")
                .help("have the template produce a bare number, e.g. `\"keySize\": ${KEY_SIZE}` in the template source"),
            );
        }
        // A documentation placeholder is IDP009's.
        Value::String(s) if !cx.is_checkable(s) => return None,
        _ => None,
    };
    let Some(bits) = bits else {
        let finding = Finding::new(
            DecryptingKey::META,
            format!(
                "`{name}.keySize` must be an integer number of bits, found {}",
                super::support::json_type_name(size)
            ),
            Anchor::value(pointer),
        )
        .label("not an integer");
        let help = match size
            .as_str()
            .map(str::trim)
            .and_then(|s| s.parse::<u64>().ok())
        {
            Some(n) => format!("write {n} without quotes"),
            None => format!("use {sizes}"),
        };
        return Some(finding.help(help));
    };
    (!offered.contains(&bits)).then(|| {
        Finding::new(
            DecryptingKey::META,
            format!("`{name}.keySize` is {bits}, but the keys Qlik offers have {sizes} bits"),
            Anchor::value(pointer),
        )
        .severity(Severity::Warning)
        .label("size not offered")
        .help(format!("use {sizes}"))
    })
}

fn display_name(cx: &Context<'_>, field: &Field<'_>) -> String {
    display_pointer(
        &create_pointer(cx.kind, cx.root, &field.pointer).unwrap_or_else(|| field.pointer.clone()),
    )
}
