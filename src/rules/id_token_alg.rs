//! IDP111: the algorithm Qlik expects ID tokens to be signed with.

use super::support::{create_pointer, display_pointer};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Applicability, Finding};
use crate::facts::Protocol;

declare_rule! {
    /// `idTokenSignatureAlg` is not an algorithm Qlik accepts
    ///
    /// ## Why
    /// Qlik verifies OIDC ID tokens signed with `RS256` (the default) or `RS512`, and the API
    /// accepts no other value. A symmetric (`HS256`) or elliptic-curve (`ES256`) algorithm, or a
    /// different spelling (`rs256`), is refused. Set it to what the IdP actually signs with: a
    /// mismatch fails every login.
    ///
    /// ## Fix
    /// Use `RS256` or `RS512`, or remove the member to use the default `RS256`.
    ///
    /// ## Autofix
    /// safe (`--fix`), for an algorithm that differs from an accepted one only in case (`rs256`
    /// → `RS256`): the same algorithm, written as the API lists it. Any other algorithm has no
    /// fix: the IdP's signing key decides it.
    ///
    /// ## References
    /// - Qlik's OpenAPI document, `idTokenSignatureAlg` enum:
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub IdTokenAlg {
        code: "IDP111",
        name: "id-token-alg",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/pendingOptions/idTokenSignatureAlg", "value": "RS512"}]"#],
        fail: [
            r#"[{"op": "replace", "path": "/pendingOptions/idTokenSignatureAlg", "value": "rs256"}]"#,
            r#"{"protocol": "OIDC", "provider": "keycloak", "interactive": true, "pendingOptions": {"discoveryUrl": "https://sso.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientId": "qlik-cloud", "clientSecret": "${KEYCLOAK_CLIENT_SECRET}", "idTokenSignatureAlg": "HS256", "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#,
        ],
    }
}

impl Rule for IdTokenAlg {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        // On jwtAuth and SAML bodies the member itself is misplaced (IDP106, IDP006).
        if matches!(cx.qlik_protocol(), Some(Protocol::JwtAuth | Protocol::Saml)) {
            return;
        }
        let algs = &cx.facts.qlik.id_token_signature_algs;
        for field in cx.fields_any(&[
            "/options/idTokenSignatureAlg",
            "/pendingOptions/idTokenSignatureAlg",
        ]) {
            let Some(alg) = cx.checkable_str(field.value) else {
                continue;
            };
            if algs.iter().any(|a| a == alg) {
                continue;
            }
            let listed = algs
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            let name = display_pointer(
                &create_pointer(cx.kind, cx.root, &field.pointer)
                    .unwrap_or_else(|| field.pointer.clone()),
            );
            let finding = Finding::new(
                Self::META,
                format!("`{name}` is `{alg}`, but Qlik accepts only {listed}"),
                field.anchor(),
            )
            .label("unsupported algorithm");
            let same_but_case = algs.iter().find(|a| a.eq_ignore_ascii_case(alg.trim()));
            out.push(match same_but_case {
                Some(a) => finding.help(format!("write `{a}`")).fix_string(
                    Applicability::Safe,
                    field.pointer.clone(),
                    a,
                ),
                None => finding.help(format!(
                    "use {listed}, the algorithm the IdP signs ID tokens with"
                )),
            });
        }
    }
}
