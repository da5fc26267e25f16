//! IDP106: a member of another protocol in a Qlik create body.

use super::support::{display_pointer, member_name};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Finding};

declare_rule! {
    /// a member that only another protocol's IdPs take
    ///
    /// ## Why
    /// The three protocols share a few members and differ in the rest. `pendingOptions`,
    /// `skipVerify`, `createNewUsersOnLogin`, `postLogoutRedirectUri` and `options.claimsMapping`
    /// belong to interactive protocols (OIDC, SAML); `options.discoveryUrl`, `clientId`,
    /// `clientSecret`, `realm`, `scope` and the token settings to OIDC; `options.staticKeys`
    /// and `options.issuer` to jwtAuth; `options.entityId`, `signOnUrl`, `certificates` and
    /// `metadata` to SAML. Such a member on the wrong protocol is ignored at best. Most often
    /// it shows that the body was adapted from another protocol's example, or that `protocol`
    /// itself is wrong. `options.issuer` on an OIDC IdP is a member of Qlik's OIDC responses,
    /// not of another protocol: IDP007 (read-only-field) reports it, in `options` and
    /// `pendingOptions` alike.
    ///
    /// ## Fix
    /// Remove the member, or correct `protocol` if it is the member that is right.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, CreateOIDCPayload and CreateJWTAuthPayload:
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document, CreateSAMLPayload (SAML):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub ProtocolOnlyField {
        code: "IDP106",
        name: "protocol-only-field",
        severity: Warning,
        kinds: [QlikCreate],
        pass: [r#"{"protocol": "jwtAuth", "provider": "external", "options": {"issuer": "https://issuer.acme-corp.io", "staticKeys": []}}"#],
        fail: [
            r#"{"protocol": "jwtAuth", "provider": "external", "skipVerify": true, "options": {"issuer": "https://issuer.acme-corp.io", "staticKeys": []}}"#,
            r#"{"protocol": "SAML", "provider": "okta", "interactive": true, "skipVerify": true, "options": {"metadata": {"raw": "PEVudGl0eURlc2NyaXB0b3I+"}, "discoveryUrl": "https://acme-corp.okta.com/.well-known/openid-configuration", "claimsMapping": {"sub": ["NameID"], "name": ["displayName"], "email": ["mail"], "picture": ["photo"], "groups": ["memberOf"]}}}"#,
        ],
    }
}

impl Rule for ProtocolOnlyField {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let lists = &cx.facts.qlik.protocol_only_members;
        let Some(protocol) = cx.protocol.filter(|p| lists.contains_key(*p)) else {
            return;
        };
        let response_only = cx.read_only_pointers();
        for pointer in foreign_members(protocol) {
            // A member of this protocol's responses is IDP007's.
            if cx.get(pointer).is_none() || response_only.contains(pointer) {
                continue;
            }
            let owners: Vec<&str> = lists
                .iter()
                .filter(|(_, members)| members.contains(pointer))
                .map(|(name, _)| name.as_str())
                .collect();
            out.push(
                Finding::new(
                    Self::META,
                    format!(
                        "`{}` belongs to {} IdPs, not to {protocol}",
                        display_pointer(pointer),
                        owners.join(" and ")
                    ),
                    Anchor::key(pointer.as_str()),
                )
                .label(format!("{} member", owners.join("/")))
                .help(format!(
                    "remove `{}`, or correct `protocol` if this member is the one that is right",
                    member_name(pointer)
                )),
            );
        }
    }
}

/// The members of the other protocols that `protocol` does not have, sorted,
/// computed once per protocol.
fn foreign_members(protocol: &str) -> &'static [&'static String] {
    static FOREIGN: std::sync::LazyLock<
        std::collections::BTreeMap<&'static str, Vec<&'static String>>,
    > = std::sync::LazyLock::new(|| {
        let lists = &crate::facts::facts().qlik.protocol_only_members;
        lists
            .iter()
            .map(|(protocol, own)| {
                let mut pointers: Vec<&String> = lists
                    .values()
                    .flatten()
                    .filter(|p| !own.contains(p))
                    .collect();
                pointers.sort();
                pointers.dedup();
                (protocol.as_str(), pointers)
            })
            .collect()
    });
    FOREIGN.get(protocol).map(Vec::as_slice).unwrap_or_default()
}
