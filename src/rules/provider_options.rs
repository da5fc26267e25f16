//! IDP107 provider-only-option and IDP108 azure-email-unverified: the
//! e-mail verification setting, which depends on the provider.

use serde_json::Value;
use url::Url;

use super::support::modes::{option_blocks, Mode};
use super::support::{child_pointer, display_pointer};
use super::support::{Context, Field, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding, Repair, Severity};
use crate::facts::Protocol;
use crate::kind::Kind;

const EMAIL_VERIFIED: &str = "emailVerifiedAlwaysTrue";

declare_rule! {
    /// `emailVerifiedAlwaysTrue` is set for a provider that cannot set it
    ///
    /// ## Why
    /// Qlik documents `emailVerifiedAlwaysTrue` for ADFS and Azure AD only: "Only ADFS and
    /// AzureAD IdPs can set this property". For them it makes Qlik treat every e-mail as
    /// verified, because those IdPs send no `email_verified` claim. For any other provider the
    /// setting is not meant to be there: set to `true` it is an error (it would mark addresses
    /// verified that the IdP never verified), set to `false` a warning.
    ///
    /// A patch does not say which provider its IdP has. It is reported only when the patch
    /// itself shows it: a discovery URL on a host of a provider that cannot set the member
    /// (`*.okta.com`, `*.auth0.com`, …).
    ///
    /// ## Severity
    /// - warning: `emailVerifiedAlwaysTrue: false` for a provider that cannot set it
    /// - error: `emailVerifiedAlwaysTrue: true` for such a provider
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Remove `emailVerifiedAlwaysTrue`. If the IdP sends `email_verified`, map it in
    /// `claimsMapping`.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), on a create body: the member is removed. If the IdP does send
    /// `email_verified`, a mapping in `claimsMapping` may be what was meant instead. On a patch
    /// the member is an operation's value, and there is no fix.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, `emailVerifiedAlwaysTrue` in IDPOptions, and
    ///   the patch path `/pendingOptions/emailVerifiedAlwaysTrue`:
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    pub ProviderOnlyOption {
        code: "IDP107",
        name: "provider-only-option",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch],
        pass: [
            r#"{"protocol": "OIDC", "provider": "adfs", "interactive": false, "options": {"discoveryUrl": "https://sts.acme-corp.io/adfs/.well-known/openid-configuration", "emailVerifiedAlwaysTrue": true, "claimsMapping": {"sub": ["sub"]}}}"#,
            r#"[{"op": "replace", "path": "/pendingOptions/emailVerifiedAlwaysTrue", "value": true}]"#,
        ],
        fail: [
            r#"{"protocol": "OIDC", "provider": "auth0", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme-corp.eu.auth0.com/.well-known/openid-configuration", "clientId": "Xq7bV2mKp9LzR4tYw8NcJ5sHd3FgA6eU", "clientSecret": "${AUTH0_CLIENT_SECRET}", "emailVerifiedAlwaysTrue": true, "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#,
            r#"[{"op": "replace", "path": "/pendingOptions/discoveryUrl", "value": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration"}, {"op": "replace", "path": "/pendingOptions/emailVerifiedAlwaysTrue", "value": false}]"#,
        ],
    }
}

impl Rule for ProviderOnlyOption {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let fields: Vec<_> = cx
            .fields_any(&[
                "/options/emailVerifiedAlwaysTrue",
                "/pendingOptions/emailVerifiedAlwaysTrue",
            ])
            .into_iter()
            .filter(|field| field.value.is_boolean())
            .collect();
        if fields.is_empty() {
            return;
        }
        let qlik = &cx.facts.qlik;
        let eligible = listed_and(&qlik.email_verified_providers);
        let (because, related) = match cx.kind {
            Kind::QlikCreate => {
                // On jwtAuth the member is IDP106's; an unknown provider IDP102's.
                if cx.qlik_protocol() == Some(Protocol::JwtAuth) {
                    return;
                }
                let Some(provider) = cx.provider().filter(|p| cx.is_checkable(p)) else {
                    return;
                };
                let known = qlik
                    .protocols
                    .values()
                    .any(|p| p.providers.iter().any(|x| x == provider));
                if !known || qlik.email_verified_providers.iter().any(|p| p == provider) {
                    return;
                }
                (
                    format!("the provider is `{provider}`"),
                    (Anchor::value("/provider"), "provider here".to_string()),
                )
            }
            Kind::QlikPatch => match vendor_in_patch(cx) {
                Some((field, host, vendor)) => (
                    format!("the discovery URL in this patch is on `{host}`, a host of provider `{vendor}`"),
                    (field.anchor(), format!("{vendor} discovery URL")),
                ),
                None => return,
            },
            Kind::IonosCreate | Kind::IonosEnsure => return,
        };
        for field in fields {
            let Some(set) = field.value.as_bool() else {
                continue;
            };
            let name = display_pointer(&field_pointer(cx, &field));
            let finding = Finding::new(
                Self::META,
                format!("`{name}` is set, but only {eligible} IdPs can set it, and {because}"),
                field.anchor(),
            )
            .label(format!("only for {eligible}"))
            .related(related.0.clone(), related.1.clone())
            .help(format!(
                "remove `{EMAIL_VERIFIED}`; map `email_verified` in `claimsMapping` if the IdP sends it"
            ))
;
            // In a patch the member is an operation's value: removing that
            // would leave a `replace` without one.
            let finding = if cx.kind == Kind::QlikCreate {
                finding.fix(
                    Applicability::Unsafe,
                    format!("remove `{EMAIL_VERIFIED}`"),
                    vec![Repair::Remove {
                        pointer: field.pointer.clone(),
                    }],
                )
            } else {
                finding
            };
            out.push(if set {
                finding.severity(Severity::Error)
            } else {
                finding
            });
        }
    }
}

declare_rule! {
    /// an Azure AD IdP will not map e-mail addresses as verified
    ///
    /// ## Why
    /// Azure AD (Entra ID) sends no `email_verified` claim. Unless the options set
    /// `emailVerifiedAlwaysTrue: true`, or map `email_verified` from some other claim, the
    /// interactive setup test fails with "cannot map the user's email address", and users get
    /// no e-mail in Qlik. This also holds for Azure AD configured through the older `adfs`
    /// provider with an Azure discovery URL.
    ///
    /// ## Fix
    /// Add `"emailVerifiedAlwaysTrue": true` to the options block.
    ///
    /// ## References
    /// - qlik.dev, "Create identity providers", the Azure AD example
    ///   (`"emailVerifiedAlwaysTrue": true`):
    ///   <https://qlik.dev/manage/automate/identity-provider-create/>
    /// - Qlik community Azure AD article, "How To: Configure Qlik Sense Enterprise SaaS to use
    ///   Azure AD as an IdP", steps 34 and 40:
    ///   <https://community.qlik.com/t5/Official-Support-Articles/How-To-Configure-Qlik-Sense-Enterprise-SaaS-to-use-Azure-AD-as/ta-p/1704442>
    pub AzureEmailUnverified {
        code: "IDP108",
        name: "azure-email-unverified",
        severity: Warning,
        kinds: [QlikCreate],
        pass: [r#"{"protocol": "OIDC", "provider": "azureAD", "interactive": true, "skipVerify": true, "options": {"discoveryUrl": "https://login.microsoftonline.com/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/v2.0/.well-known/openid-configuration", "clientId": "76d2ce8f-630b-4e5a-904b-a0d6a53aabc2", "clientSecret": "${AZURE_CLIENT_SECRET}", "emailVerifiedAlwaysTrue": true, "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#],
        fail: [r#"{"protocol": "OIDC", "provider": "azureAD", "interactive": true, "skipVerify": true, "options": {"discoveryUrl": "https://login.microsoftonline.com/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/v2.0/.well-known/openid-configuration", "clientId": "76d2ce8f-630b-4e5a-904b-a0d6a53aabc2", "clientSecret": "${AZURE_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#],
    }
}

impl Rule for AzureEmailUnverified {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for block in option_blocks(cx) {
            if block.mode != Mode::Interactive || !is_azure(cx, block.pointer) {
                continue;
            }
            let setting = format!("{}/{EMAIL_VERIFIED}", block.pointer);
            let value = cx.get(&setting);
            let mapped = cx
                .get(&format!("{}/claimsMapping/email_verified", block.pointer))
                .is_some();
            if mapped || value.and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let name = &block.pointer[1..];
            let (anchor, label) = match value {
                Some(_) => (Anchor::value(setting), "not true".to_string()),
                None => (
                    Anchor::missing(setting),
                    format!("`{EMAIL_VERIFIED}` missing here"),
                ),
            };
            out.push(
                Finding::new(
                    Self::META,
                    format!(
                        "`{name}` has neither `{EMAIL_VERIFIED}: true` nor an `email_verified` mapping, and Azure AD sends no `email_verified` claim"
                    ),
                    anchor,
                )
                .label(label)
                .help(format!("set `\"{EMAIL_VERIFIED}\": true` in `{name}`")),
            );
        }
    }
}

/// True for Azure AD: the `azureAD` provider, or `adfs` with an Azure discovery URL.
fn is_azure(cx: &Context<'_>, block: &str) -> bool {
    match cx.provider().filter(|p| cx.is_checkable(p)) {
        Some("azureAD") => true,
        Some("adfs") => {
            let shapes = &cx.facts.url_shapes.providers;
            cx.str(&child_pointer(block, "discoveryUrl"))
                .and_then(host_of)
                .is_some_and(|host| shapes.get("azureAD").is_some_and(|s| s.owns_host(&host)))
        }
        _ => false,
    }
}

/// A discovery URL in a patch that shows the IdP's provider cannot set
/// `emailVerifiedAlwaysTrue`: the field, its host and the vendor.
fn vendor_in_patch<'a>(cx: &Context<'a>) -> Option<(Field<'a>, String, String)> {
    let qlik = &cx.facts.qlik;
    let shapes = &cx.facts.url_shapes.providers;
    let eligible = &qlik.email_verified_providers;
    cx.fields_any(&["/options/discoveryUrl", "/pendingOptions/discoveryUrl"])
        .into_iter()
        .find_map(|field| {
            let host = cx.checkable_str(field.value).and_then(host_of)?;
            let owners: Vec<&String> = shapes
                .iter()
                .filter(|(_, shape)| shape.owns_host(&host))
                .map(|(name, _)| name)
                .collect();
            let accepted_by_eligible = owners.iter().any(|owner| {
                eligible.contains(owner)
                    || eligible
                        .iter()
                        .any(|e| shapes.get(e).is_some_and(|s| s.also_accept.contains(owner)))
            });
            let vendor = owners.first()?.to_string();
            (!accepted_by_eligible).then_some((field, host, vendor))
        })
}

/// The create-body pointer of a field (a patch value stands for its path).
fn field_pointer(cx: &Context<'_>, field: &Field<'_>) -> String {
    super::support::create_pointer(cx.kind, cx.root, &field.pointer)
        .unwrap_or_else(|| field.pointer.clone())
}

fn host_of(url: &str) -> Option<String> {
    Url::parse(url.trim())
        .ok()?
        .host_str()
        .map(str::to_ascii_lowercase)
}

/// `a` and `b`, or `a`, `b` and `c`.
fn listed_and(names: &[String]) -> String {
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}
