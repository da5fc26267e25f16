//! IDP608–IDP609: changing an IONOS identity provider — PUT replaces the
//! whole resource, and there is no PATCH.

use super::support::{dotted, ionos_checked_blocks, ionos_properties};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Finding};
use crate::kind::is_patch;
use crate::source::Members;

declare_rule! {
    /// an ensure (PUT) body lacks a member the identity provider needs
    ///
    /// ## Why
    /// `PUT /federation/identityproviders/{id}` is a full replace: "The full IdentityProvider
    /// needs to be provided … Non present data will only be filled with defaults or left empty,
    /// but not take previous values into consideration". So a PUT must carry every member a
    /// create needs: `type`, `name`, `enabled`, `configuration` and the members of the block
    /// `type` names. The trap is a body copied from a GET: GET never returns `type` nor the OIDC
    /// `clientSecret`, so sending it back wipes the secret.
    ///
    /// ## Fix
    /// Add the missing members; take `clientSecret` from your secret store.
    ///
    /// ## References
    /// - IONOS Cloud, "Create Identity Provider", mandatory body parameters: `type`, `name`,
    ///   `enabled`, `configuration`:
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    /// - IONOS Cloud IAM Federation API 1.1.0, Ensure IdentityProvider (quoted above):
    ///   <https://api.ionos.com/docs/identity-federation/v1>
    /// - IONOS Cloud, "Ensure Identity Provider" (PUT creates or updates):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/ensure-identity-provider>
    /// - IONOS Cloud, "Retrieve Identity Provider" (its response lacks `type` and `clientSecret`):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/retrieve-identity-provider>
    pub EnsureIncomplete {
        code: "IDP608",
        name: "ensure-incomplete",
        severity: Error,
        kinds: [IonosEnsure],
        pass: [r#"{"id": "5e6323da-8a45-5732-bec1-d7c29c1dc890", "metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#],
        fail: [
            r#"{"id": "5e6323da-8a45-5732-bec1-d7c29c1dc890", "metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientName": "ionos-dcd"}}}}"#,
            r#"{"id": "5e6323da-8a45-5732-bec1-d7c29c1dc890", "metadata": {}, "properties": {"name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"saml": {"metadataDescriptor": "https://login.acme-corp.io/realms/staff/protocol/saml/descriptor", "x509Certificate": "${IONOS_IDP_CERT}"}}}}"#,
        ],
    }
}

impl Rule for EnsureIncomplete {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let ionos = &cx.facts.ionos;
        if ionos_properties(cx.root).is_none() {
            return;
        }
        let mut missing: Vec<String> = ionos
            .create_required
            .iter()
            .filter(|p| cx.get(p).is_none())
            .cloned()
            .collect();
        for (block, facts, members) in ionos_checked_blocks(cx) {
            missing.extend(
                facts
                    .required
                    .iter()
                    .filter(|m| !members.has(m.as_str()))
                    .map(|m| format!("/properties/configuration/{block}/{m}")),
            );
        }
        for pointer in missing {
            let (parent, name) = pointer.rsplit_once('/').unwrap_or(("", pointer.as_str()));
            // The one block present tells which `type` to add.
            let what = match (pointer.as_str(), single_block(cx)) {
                ("/properties/type", Some(block)) => format!("`\"type\": \"{block}\"`"),
                _ => format!("`{name}`"),
            };
            let help = if ionos.not_returned_by_get.contains(&pointer) {
                format!("add {what}: GET never returns it, so a body copied from a GET response lacks it")
            } else {
                format!("add {what}: members left out are reset, not kept")
            };
            out.push(
                Finding::new(
                    Self::META,
                    format!(
                        "missing `{name}` in `{}`: PUT replaces the whole identity provider",
                        dotted(parent)
                    ),
                    Anchor::missing(pointer.clone()),
                )
                .label(format!("`{name}` missing here"))
                .help(help),
            );
        }
    }
}

/// The type block of `configuration`, when there is exactly one.
fn single_block<'a>(cx: &Context<'a>) -> Option<&'a str> {
    let config = cx.get("/properties/configuration")?.as_object()?;
    let mut blocks = config
        .keys()
        .filter(|k| cx.facts.ionos.types.contains_key(k.as_str()));
    match (blocks.next(), blocks.next()) {
        (Some(one), None) => Some(one.as_str()),
        _ => None,
    }
}

declare_rule! {
    /// a JSON Patch aimed at the IONOS API, which has no PATCH
    ///
    /// ## Why
    /// The IAM federation API changes an identity provider only with
    /// `PUT /federation/identityproviders/{id}` ("Ensure"), which takes the whole resource. No
    /// PATCH operation is documented, so a JSON Patch array (`[{"op": "replace", …}]`) cannot be
    /// sent. With `--kind auto`, a patch whose paths all point into an IONOS body
    /// (`/properties/…`, `/metadata/…`) is recognised as aimed at IONOS; with `--kind ionos.*`,
    /// any patch is.
    ///
    /// ## Fix
    /// Send PUT with the full identity provider: `id`, `metadata` and `properties`, including
    /// `type` and `clientSecret`.
    ///
    /// ## References
    /// - IONOS Cloud IAM Federation API 1.1.0, the operation list (no PATCH):
    ///   <https://api.ionos.com/docs/identity-federation/v1>
    /// - IONOS Cloud, "Ensure Identity Provider" (PUT creates or updates):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/ensure-identity-provider>
    pub IonosPatchUnsupported {
        code: "IDP609",
        name: "ionos-patch-unsupported",
        severity: Error,
        kinds: [IonosCreate, IonosEnsure],
        pass: [r#"{"id": "5e6323da-8a45-5732-bec1-d7c29c1dc890", "metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": false, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#],
        fail: [r#"[{"op": "replace", "path": "/properties/enabled", "value": false}]"#],
    }
}

impl Rule for IonosPatchUnsupported {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !is_patch(cx.root) {
            return;
        }
        let first_op = cx
            .root
            .as_array()
            .and_then(|ops| ops.iter().position(|op| op.member("op").is_some()))
            .map_or_else(String::new, |i| format!("/{i}/op"));
        out.push(
            Finding::new(
                Self::META,
                "the IONOS IAM federation API has no PATCH: a JSON Patch cannot change an identity provider",
                Anchor::value(first_op),
            )
            .label("JSON Patch operation")
            .help("send `PUT /federation/identityproviders/{id}` with the whole identity provider (`id`, `metadata`, `properties`)"),
        );
    }
}
