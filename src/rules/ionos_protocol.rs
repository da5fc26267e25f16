//! IDP109–IDP110: the IONOS identity provider's `type` and the
//! `configuration` block it names.

use serde_json::Value;

use super::support::shown;
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding, Repair, Severity};

declare_rule! {
    /// `properties.type` is not exactly `oidc` or `saml`
    ///
    /// ## Why
    /// IAM federation brokers only OpenID Connect and SAML 2.0, and `type` takes the lower-case
    /// values `oidc` and `saml`. `OIDC` (the spelling Qlik's API wants), `SAML2` or
    /// `openid-connect` are rejected. A different spelling of a known type gets the lower-case
    /// value as a fix.
    ///
    /// ## Fix
    /// Write `oidc` or `saml`.
    ///
    /// ## Autofix
    /// safe (`--fix`), for another spelling of a known type (`OIDC`, `SAML2`,
    /// `openid-connect`): the lower-case value names the same protocol, and the configuration
    /// block the body carries already says which.
    ///
    /// ## References
    /// - IONOS Cloud, "Create Identity Provider", request body parameters: `type` — `oidc`, `saml`:
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    pub IonosTypeInvalid {
        code: "IDP109",
        name: "ionos-type-invalid",
        severity: Error,
        kinds: [IonosCreate, IonosEnsure],
        pass: [r#"{"metadata": {}, "properties": {"type": "saml", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"saml": {"metadataDescriptor": "https://login.acme-corp.io/realms/staff/protocol/saml/descriptor", "x509Certificate": "${IONOS_IDP_CERT}"}}}}"#],
        fail: [r#"{"metadata": {}, "properties": {"type": "SAML2", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"saml": {"metadataDescriptor": "https://login.acme-corp.io/realms/staff/protocol/saml/descriptor", "x509Certificate": "${IONOS_IDP_CERT}"}}}}"#],
    }
}

impl Rule for IonosTypeInvalid {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let ionos = &cx.facts.ionos;
        for field in cx.fields("/properties/type") {
            let Some(value) = cx.checkable_str(field.value) else {
                continue;
            };
            if ionos.types.contains_key(value) {
                continue;
            }
            let allowed = ionos
                .types
                .keys()
                .map(|t| format!("`{t}`"))
                .collect::<Vec<_>>()
                .join(" or ");
            let finding = match ionos.canonical_type(value) {
                Some(fix) => Finding::new(
                    Self::META,
                    format!("`type` {} must be written `{fix}`", shown(field.value)),
                    field.anchor(),
                )
                .label(format!("write `{fix}`"))
                .help(format!("replace {} with `{fix}`", shown(field.value)))
                .fix(
                    Applicability::Safe,
                    format!("write `{fix}`"),
                    vec![Repair::Value {
                        pointer: field.pointer.clone(),
                        json: Value::from(fix).to_string(),
                    }],
                ),
                None => Finding::new(
                    Self::META,
                    format!("`type` {} is not {allowed}", shown(field.value)),
                    field.anchor(),
                )
                .label("unknown identity-provider type")
                .help(format!(
                    "use {allowed}: IAM federation supports only OpenID Connect and SAML 2.0"
                )),
            };
            out.push(finding);
        }
    }
}

declare_rule! {
    /// `configuration` lacks the block `type` names, or carries the other one too
    ///
    /// ## Why
    /// The settings of an IONOS identity provider sit in the block of `configuration` named like
    /// its `type`: `configuration.oidc` for `oidc`, `configuration.saml` for `saml`. Without that
    /// block the identity provider has no discovery URL or certificate to work with (error).
    /// A block of the other protocol besides it is ignored at best; what the server does with
    /// both is not documented (warning). The API reference's own generated request sample
    /// carries both blocks, the unused one with placeholder values: a block of the other
    /// protocol that is empty or holds only empty or placeholder values is reported as info.
    /// Nothing inside the unused block is checked.
    ///
    /// ## Severity
    /// - error: `configuration` lacks the block `type` names
    /// - warning: the other protocol's block is present as well, with values
    /// - info: the other protocol's block is present as well, empty or with placeholder values only
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Add the block `type` names, or correct `type`; remove the other protocol's block.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), for a filled block of the protocol `type` does not name:
    /// removing it is what the IONOS examples show, but the block may hold the configuration
    /// that was meant, with `type` the mistake.
    ///
    /// ## References
    /// - IONOS Cloud, "Create Identity Provider": the OIDC and SAML request examples:
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    /// - IONOS Cloud, "Retrieve Identity Provider": a response with both blocks; what a request
    ///   with both does is not documented:
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/retrieve-identity-provider>
    pub IonosConfigBlockMismatch {
        code: "IDP110",
        name: "ionos-config-block-mismatch",
        severity: Error,
        kinds: [IonosCreate, IonosEnsure],
        pass: [r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#],
        fail: [
            r#"{"metadata": {}, "properties": {"type": "saml", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#,
            r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}, "saml": {"metadataDescriptor": "https://login.acme-corp.io/realms/staff/protocol/saml/descriptor", "x509Certificate": "${IONOS_IDP_CERT}"}}}}"#,
        ],
    }
}

impl Rule for IonosConfigBlockMismatch {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let ionos = &cx.facts.ionos;
        let Some(config) = cx
            .get("/properties/configuration")
            .and_then(Value::as_object)
        else {
            return;
        };
        // An unknown type is IDP109's; a correctable one still names its block.
        let Some(wanted) = cx
            .str("/properties/type")
            .and_then(|t| ionos.canonical_type(t))
        else {
            return;
        };
        let others: Vec<&str> = ionos
            .types
            .keys()
            .map(String::as_str)
            .filter(|t| *t != wanted && config.contains_key(*t))
            .collect();
        let block = |name: &str| format!("/properties/configuration/{name}");
        if !config.contains_key(wanted) {
            // `OIDC` for `oidc`: IDP006 suggests the rename.
            if config.keys().any(|k| k.eq_ignore_ascii_case(wanted)) {
                return;
            }
            let members = ionos
                .types
                .get(wanted)
                .map(|t| {
                    t.required
                        .iter()
                        .map(|m| format!("`{m}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            let (message, help) = match others.first() {
                Some(other) => (
                    format!(
                        "`type` is `{wanted}` but `configuration` has only {} `{other}` block",
                        article(other)
                    ),
                    format!(
                        "set `type` to `{other}`, or replace the `{other}` block with a `{wanted}` block ({members})"
                    ),
                ),
                None => (
                    format!("`configuration` has no `{wanted}` block, which `type` `{wanted}` needs"),
                    format!("add a `{wanted}` block with {members}"),
                ),
            };
            out.push(
                Finding::new(Self::META, message, Anchor::missing(block(wanted)))
                    .label(format!("no `{wanted}` block here"))
                    .related(
                        Anchor::value("/properties/type"),
                        "the type that names the block",
                    )
                    .help(help),
            );
            return;
        }
        for other in others {
            // The API reference's generated sample carries both blocks, the
            // unused one with placeholder values: nothing there can be mistaken
            // for settings in use.
            let filled = config
                .get(other)
                .and_then(Value::as_object)
                .is_some_and(|block| {
                    block.values().any(|v| match v {
                        Value::String(s) => !s.trim().is_empty() && !cx.is_placeholder(s),
                        Value::Null => false,
                        _ => true,
                    })
                });
            let severity = if filled {
                Severity::Warning
            } else {
                Severity::Info
            };
            out.push(
                Finding::new(
                    Self::META,
                    format!(
                        "`configuration` has {} `{other}` block besides the `{wanted}` block `type` names",
                        article(other)
                    ),
                    Anchor::key(block(other)),
                )
                .severity(severity)
                .label(format!("not used by {} `{wanted}` identity provider", article(wanted)))
                .related(Anchor::value("/properties/type"), "the type")
                .help(format!(
                    "remove the `{other}` block: what the server does with both blocks is not documented"
                ))
                .fix(
                    Applicability::Unsafe,
                    format!("remove the `{other}` block"),
                    vec![Repair::Remove {
                        pointer: block(other),
                    }],
                ),
            );
        }
    }
}

/// `a` or `an` before a block name, as it is read out (`an oidc`, `a saml`).
fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}
