//! IDP103 interactive-mode-mismatch, IDP104 options-conflict and IDP105
//! mode-required-missing: how a Qlik create body chooses its mode
//! (interactive or not, verified or not) and what that mode needs.

use serde_json::Value;

use super::support::modes::{option_blocks, skip_verify, Block, Mode, OPTIONS, PENDING};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Finding};
use crate::facts::Protocol;

declare_rule! {
    /// `interactive` does not match the options block that is sent
    ///
    /// ## Why
    /// The mode decides which block the API reads. An interactive OIDC or SAML IdP sends
    /// `pendingOptions`, which the tenant admin verifies with a test login and then promotes,
    /// or `options` together with `skipVerify: true`. A non-interactive OIDC IdP (API access,
    /// machine to machine) sends `options` and never `pendingOptions`. A jwtAuth IdP is never
    /// interactive, and a SAML IdP always is. Any other combination is refused, or creates an
    /// IdP that nobody can log in with.
    ///
    /// ## Fix
    /// Send the block the mode needs, or change `interactive`; the help says which.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, createIdp: "For interactive IdPs … send
    ///   `pendingOptions` … or send `options` payload with `skipVerify` set to `true`"; the
    ///   `interactive` and `pendingOptions` descriptions:
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - qlik.dev, "Create identity providers", the Azure AD example (`interactive`, `options`,
    ///   `skipVerify`): <https://qlik.dev/manage/automate/identity-provider-create/>
    /// - Qlik's OpenAPI document: "For non-interactive IdPs (e.g. JWT), IdP must be created by
    ///   sending options payload"; SAML `interactive`: "Must be true for SAML IdPs":
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub InteractiveModeMismatch {
        code: "IDP103",
        name: "interactive-mode-mismatch",
        severity: Error,
        kinds: [QlikCreate],
        pass: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8x2kq9vZbQJxk4357", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#],
        fail: [
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8x2kq9vZbQJxk4357", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#,
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "pendingOptions": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "client_id": ["cid"]}}}"#,
            r#"{"protocol": "jwtAuth", "provider": "external", "interactive": true, "options": {"issuer": "https://issuer.acme-corp.io", "staticKeys": []}}"#,
        ],
    }
}

impl Rule for InteractiveModeMismatch {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let interactive = cx.get("/interactive").and_then(Value::as_bool);
        let has = |p: &str| cx.get(p).is_some();
        let Some(protocol) = cx.qlik_protocol() else {
            return;
        };
        let finding = match (protocol, interactive) {
            (Protocol::JwtAuth, Some(true)) => Finding::new(
                Self::META,
                "a jwtAuth IdP cannot be interactive",
                Anchor::value("/interactive"),
            )
            .label("interactive")
            .help("remove `interactive`, or set it to false"),
            (Protocol::Saml, Some(false)) => Finding::new(
                Self::META,
                "a SAML IdP must be interactive",
                Anchor::value("/interactive"),
            )
            .label("not interactive")
            .help("set `interactive` to true"),
            (Protocol::Oidc | Protocol::Saml, Some(true)) if !has(OPTIONS) && !has(PENDING) => Finding::new(
                Self::META,
                format!("an interactive {protocol} IdP needs `pendingOptions`, or `options` with `skipVerify: true`"),
                Anchor::value("/interactive"),
            )
            .label("interactive, but no options block")
            .help("add `pendingOptions` to verify the IdP with a test login before it is used, or `options` with `\"skipVerify\": true`"),
            (Protocol::Oidc | Protocol::Saml, Some(true))
                if has(OPTIONS) && !has(PENDING) && skip_verify(cx) != Some(true) =>
            {
                let at = match cx.get("/skipVerify") {
                    Some(_) => Anchor::value("/skipVerify"),
                    None => Anchor::key(OPTIONS),
                };
                Finding::new(
                    Self::META,
                    format!("an interactive {protocol} IdP that sends `options` needs `skipVerify: true`"),
                    at,
                )
                .label("sent without `skipVerify: true`")
                .related(Anchor::value("/interactive"), "interactive here")
                .help("add `\"skipVerify\": true`, or send the block as `pendingOptions` to verify it first")
            }
            (Protocol::Oidc, Some(false)) if has(PENDING) => Finding::new(
                Self::META,
                "`pendingOptions` are for interactive IdPs, but `interactive` is false",
                Anchor::key(PENDING),
            )
            .label("pending options")
            .related(Anchor::value("/interactive"), "not interactive")
            .help("rename `pendingOptions` to `options` for a non-interactive IdP, or set `interactive` to true"),
            (Protocol::Oidc, Some(false)) if !has(OPTIONS) => Finding::new(
                Self::META,
                "a non-interactive OIDC IdP needs `options`",
                Anchor::value("/interactive"),
            )
            .label("not interactive, but no `options`")
            .help("add `options` with the discovery URL and `claimsMapping`"),
            _ => return,
        };
        out.push(finding);
    }
}

declare_rule! {
    /// both `options` and `pendingOptions`, or `pendingOptions` with `skipVerify`
    ///
    /// ## Why
    /// `pendingOptions` are verified by a test login and only then promoted to `options`;
    /// `options` with `skipVerify: true` are used at once. Sending both blocks, or
    /// `pendingOptions` with `skipVerify: true`, asks for both at the same time: which
    /// configuration ends up active is not documented, and the one you tested may not be it.
    ///
    /// ## Fix
    /// Keep one way: `pendingOptions` without `skipVerify`, or `options` with
    /// `skipVerify: true`.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, the `options`, `pendingOptions` and
    ///   `skipVerify` descriptions: <https://qlik.dev/apis/rest/identity-providers/>
    /// - derived: idplint's inference from these descriptions; what both at once do is undocumented
    pub OptionsConflict {
        code: "IDP104",
        name: "options-conflict",
        severity: Warning,
        kinds: [QlikCreate],
        pass: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "skipVerify": true, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8x2kq9vZbQJxk4357", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#],
        fail: [
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "skipVerify": true, "pendingOptions": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8x2kq9vZbQJxk4357", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#,
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8x2kq9vZbQJxk4357", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}, "pendingOptions": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8x2kq9vZbQJxk4357", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#,
        ],
    }
}

impl Rule for OptionsConflict {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !matches!(cx.qlik_protocol(), Some(Protocol::Oidc | Protocol::Saml))
            || cx.get(PENDING).is_none()
        {
            return;
        }
        // A non-interactive IdP with pendingOptions is IDP103's.
        if cx.get("/interactive").and_then(Value::as_bool) == Some(false) {
            return;
        }
        let finding = if cx.get(OPTIONS).is_some() {
            Finding::new(
                Self::META,
                "both `options` and `pendingOptions` are sent",
                Anchor::key(PENDING),
            )
            .label("pending options")
            .related(Anchor::key(OPTIONS), "options as well")
            .help("send `pendingOptions` to verify the IdP first, or `options` with `skipVerify: true` to skip verification, not both")
        } else if skip_verify(cx) == Some(true) {
            Finding::new(
                Self::META,
                "`skipVerify: true` contradicts `pendingOptions`, which exist to be verified",
                Anchor::value("/skipVerify"),
            )
            .label("verification skipped")
            .related(Anchor::key(PENDING), "options to verify")
            .help("remove `skipVerify`, or send the block as `options` to use it without verification")
        } else {
            return;
        };
        out.push(finding);
    }
}

declare_rule! {
    /// a member the chosen mode needs is missing from its options block
    ///
    /// ## Why
    /// What an options block must hold depends on the mode. Interactive OIDC (`pendingOptions`,
    /// or `options` with `skipVerify: true`): `clientId`, `clientSecret` and `claimsMapping`.
    /// Non-interactive OIDC `options`: `claimsMapping`. jwtAuth `options`: `issuer` and
    /// `staticKeys`. SAML: `claimsMapping`, and the IdP itself, either as its metadata document
    /// (`metadata.raw`) or as `entityId`, `signOnUrl` and `certificates`. The schema check
    /// (IDP004) cannot tell the modes apart, so this rule reports these members; an empty
    /// `clientId` or `clientSecret` counts as missing.
    ///
    /// ## Fix
    /// Add the member to the block named in the message.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, `pendingOptions.required` and
    ///   `options.required` of CreateOIDCPayload; CreateJWTAuthPayload `options.required`:
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - qlik.dev, "Create identity providers", the Azure AD example (interactive `options` with
    ///   `clientId` and `clientSecret`; the schema does not describe this case, idplint follows the
    ///   example): <https://qlik.dev/manage/automate/identity-provider-create/>
    /// - Qlik's OpenAPI document, the SAML create schema (`claimsMapping`; `metadata.raw`, or
    ///   `entityId`, `signOnUrl` and `certificates`):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub ModeRequiredMissing {
        code: "IDP105",
        name: "mode-required-missing",
        severity: Error,
        kinds: [QlikCreate],
        pass: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "client_id": ["cid"]}}}"#],
        fail: [
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8x2kq9vZbQJxk4357", "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#,
            r#"{"protocol": "jwtAuth", "provider": "external", "options": {"staticKeys": []}}"#,
            r#"{"protocol": "SAML", "provider": "okta", "interactive": true, "pendingOptions": {"entityId": "http://www.okta.com/exk8x2kq9vZbQJxk4357", "signOnUrl": "https://acme-corp.okta.com/app/acme-corp_qlik_1/exk8x2kq9vZbQJxk4357/sso/saml", "claimsMapping": {"sub": ["nameid"], "name": ["displayName"], "email": ["email"], "picture": ["picture"], "groups": ["groups"]}}}"#,
        ],
    }
}

impl Rule for ModeRequiredMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let required = &cx.facts.qlik.mode_required_members;
        for block in option_blocks(cx) {
            let needed: Vec<&String> = match block.mode {
                Mode::Interactive => required.interactive.iter().collect(),
                Mode::NonInteractive => required.non_interactive.iter().collect(),
                // Without a usable `interactive`, only what both OIDC modes need.
                Mode::OidcUndecided => required
                    .non_interactive
                    .iter()
                    .filter(|m| required.interactive.contains(m))
                    .collect(),
                Mode::Jwt => required.jwt_auth.iter().collect(),
                Mode::Saml => required.saml.iter().collect(),
            };
            let what = block.mode.describe();
            for member in needed {
                match cx.get_below(block.pointer, member) {
                    None => out.push(missing(&block, member, what)),
                    Some(Value::String(s)) if s.trim().is_empty() => out.push(
                        Finding::new(
                            Self::META,
                            format!(
                                "`{}.{member}` is empty, and {what} needs it",
                                &block.pointer[1..]
                            ),
                            Anchor::value(format!("{}/{member}", block.pointer)),
                        )
                        .label("empty")
                        .help(format!("fill in `{member}`")),
                    ),
                    Some(_) => {}
                }
            }
            if block.mode == Mode::Saml {
                saml_idp(cx, &block, out);
            }
        }
    }
}

fn missing(block: &Block, member: &str, what: &str) -> Finding {
    Finding::new(
        ModeRequiredMissing::META,
        format!(
            "`{}` lacks `{member}`, which {what} needs",
            &block.pointer[1..]
        ),
        Anchor::missing(format!("{}/{member}", block.pointer)),
    )
    .label(format!("`{member}` missing here"))
    .help(format!("add `{member}` to `{}`", &block.pointer[1..]))
}

/// A SAML block must describe the IdP: by its metadata document, or by parts.
fn saml_idp(cx: &Context<'_>, block: &Block, out: &mut Vec<Finding>) {
    let idp = &cx.facts.qlik.mode_required_members.saml_idp;
    let document = format!("{}{}", block.pointer, idp.metadata);
    if cx.get(&document).is_some() {
        return;
    }
    let present: Vec<&String> = idp
        .manual
        .iter()
        .filter(|m| cx.get(&format!("{}/{m}", block.pointer)).is_some())
        .collect();
    if present.is_empty() {
        let names: Vec<String> = idp.manual.iter().map(|m| format!("`{m}`")).collect();
        let parts = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        };
        let doc_name = idp.metadata.trim_start_matches('/').replace('/', ".");
        // Anchor on the first missing step of the document's path.
        let first = idp.metadata.split('/').nth(1).unwrap_or_default();
        let anchor = if cx.get(&format!("{}/{first}", block.pointer)).is_some() {
            document.clone()
        } else {
            format!("{}/{first}", block.pointer)
        };
        out.push(
            Finding::new(
                ModeRequiredMissing::META,
                format!(
                    "`{}` does not describe the SAML IdP: it needs `{doc_name}` or {parts}",
                    &block.pointer[1..]
                ),
                Anchor::missing(anchor),
            )
            .label("no IdP metadata")
            .help(format!(
                "add the IdP's metadata document, base64-encoded, as `{doc_name}`, or add {parts}"
            )),
        );
        return;
    }
    for member in idp.manual.iter().filter(|m| !present.contains(m)) {
        out.push(missing(
            block,
            member,
            "a SAML IdP described without its metadata document",
        ));
    }
}
