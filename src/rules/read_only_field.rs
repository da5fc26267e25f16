//! IDP007: members only the server sets, sent in a request.

use super::support::read_only::is_response;
use super::support::{display_pointer, member_name};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding, Repair};
use crate::kind::Kind;

declare_rule! {
    /// a member that only the server sets is sent in a request
    ///
    /// ## Why
    /// Some members exist only in the API's responses. Qlik: `id`, `created`, `lastUpdated`,
    /// `pendingState`, `pendingResult` and `meta` (which an OIDC IdP changes by a PATCH of
    /// `/meta`, never on create); in the options of an OIDC IdP, `issuer` (Qlik's responses
    /// carry it for client-managed IdPs only; the issuer comes from the discovery document);
    /// in the options of a SAML IdP, `signingKeys` and `signingKeySelectedRefId` (the key
    /// pairs Qlik generates to sign its SAML requests). IONOS: top-level `type`, `href` and `items`; the audit
    /// members of `metadata` (`createdDate`, `createdBy`, `createdByUserId`, `lastModifiedDate`,
    /// `lastModifiedBy`, `lastModifiedByUserId`, `resourceURN`), `metadata.redirectURI` and
    /// `metadata.webOrigin`; the `endpoint` of a configuration block. A body that carries them
    /// was usually copied from a GET or a create response. The server ignores or rejects them,
    /// and an edited value suggests a change that never happens.
    ///
    /// A Qlik patch cannot aim at these members: its paths are checked by IDP603
    /// (patch-path-not-allowed). The server-populated members of a `decryptingKey` are
    /// reported by IDP112 (decrypting-key). A whole IONOS response reused as a request is
    /// also reported, once, by IDP008 (response-as-request), and so is a Qlik body that carries
    /// two or more of the server-set members: IDP008 then lists them all.
    ///
    /// ## Fix
    /// Remove the member.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`): removing a member the server sets does not change what the
    /// API stores, but the member may be in the body because it was copied from a response, and
    /// then more of that body may need a look (IDP008).
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference (Qlik's IDP response schema):
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - IONOS Cloud, "Create Identity Provider" (IONOS 201 responses):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    /// - IONOS Cloud, "Retrieve Identity Provider" (the response of a GET):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/retrieve-identity-provider>
    pub ReadOnlyField {
        code: "IDP007",
        name: "read-only-field",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "client_id": ["cid"]}}}"#,
            r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-cloud"}}}}"#,
        ],
        fail: [
            r#"{"id": "6478a3f5c8e4d2b1a0f9e8d7", "protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#,
            r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-cloud", "endpoint": "https://iam.ionos.com/realms/cloud/.well-known/openid-configuration"}}}}"#,
        ],
    }
}

impl Rule for ReadOnlyField {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        // A response re-used as a request is reported once, by IDP008.
        if cx.kind != Kind::QlikPatch && is_response(cx) {
            return;
        }
        let reasons = &cx.facts.qlik.response_only_reasons;
        for pointer in cx.read_only_pointers() {
            let name = member_name(pointer).into_owned();
            let reason = match reasons.get(&name) {
                Some(reason) if cx.kind == Kind::QlikCreate => reason.as_str(),
                _ => "is set by the server and does not belong in a request",
            };
            out.push(
                Finding::new(
                    Self::META,
                    format!("`{}` {reason}", display_pointer(pointer)),
                    Anchor::key(pointer.as_str()),
                )
                .label("read-only member")
                .help(format!("remove `{name}`"))
                .fix(
                    Applicability::Unsafe,
                    format!("remove `{name}`"),
                    vec![Repair::Remove {
                        pointer: pointer.clone(),
                    }],
                ),
            );
        }
    }
}
