//! IDP011: a literal secret committed in a payload file.

use super::support::{display_pointer, member_name};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Finding};

declare_rule! {
    /// a literal secret is written in the payload
    ///
    /// ## Why
    /// Payload files end up in repositories, CI logs and tickets. A client secret written into
    /// one (Qlik `options.clientSecret` or `pendingOptions.clientSecret`, a patch of
    /// `/pendingOptions/clientSecret`, IONOS `configuration.oidc.clientSecret`) is readable by
    /// everyone who can read the file, for as long as the history is kept, and lets anyone
    /// impersonate the tenant towards the identity provider.
    ///
    /// In a script, a Markdown runbook, an `.http` file or a Postman collection, a literal bearer
    /// token or API key in a request's `Authorization` (or `X-API-Key`) header is the same kind of
    /// secret: it is reported at the credential and masked in every output.
    ///
    /// Not raised for a template variable (`${OKTA_CLIENT_SECRET}`), which is the fix, nor for
    /// a documentation placeholder, which IDP009 reports. idplint never prints a secret value:
    /// messages leave it out and excerpts show it masked.
    ///
    /// ## Fix
    /// Write a template variable in its place and let the deployment fill it in from a secret
    /// store or the environment. Rotate the secret at the identity provider: once committed, it
    /// must be treated as known.
    ///
    /// ## References
    /// - derived: secret hygiene (OWASP Secrets Management Cheat Sheet)
    /// - qlik.dev, "Create identity providers" (`clientSecret` in the Azure AD example):
    ///   <https://qlik.dev/manage/automate/identity-provider-create/>
    /// - IONOS Cloud, "Create Identity Provider" (IONOS `clientSecret`):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    pub SecretInFile {
        code: "IDP011",
        name: "secret-in-file",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [
            r#"[{"op": "replace", "path": "/pendingOptions/clientSecret", "value": "${OKTA_CLIENT_SECRET}"}]"#,
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8x2kq9vZbQJxk4357", "clientSecret": "{{ okta_client_secret }}", "claimsMapping": {"sub": ["sub"], "email": ["email"], "name": ["name"]}}}"#,
        ],
        fail: [
            r#"[{"op": "replace", "path": "/pendingOptions/clientSecret", "value": "q8Z~fT3.kLm0-Xy7Vb2NcR5sWd9PzA1hGj4UeYo6"}]"#,
            r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/.well-known/openid-configuration", "clientSecret": "q8Z~fT3.kLm0-Xy7Vb2NcR5sWd9PzA1hGj4UeYo6", "clientName": "ionos-cloud"}}}}"#,
        ],
    }
}

impl Rule for SecretInFile {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let members = &cx.facts.secrets.members;
        for text in cx.texts().iter() {
            let field = text.field();
            let member = member_name(&field);
            if !members.iter().any(|m| *m == member)
                || text.value.trim().is_empty()
                || cx.is_template(text.value)
                || cx.is_placeholder(text.value)
            {
                continue;
            }
            out.push(
                Finding::new(
                    Self::META,
                    format!(
                        "`{}` holds a literal secret (not shown)",
                        display_pointer(&field)
                    ),
                    Anchor::value(text.pointer),
                )
                .label("secret written in the file")
                .help(format!(
                    "replace the value with a template variable such as `${{{}}}`, filled in at deploy time, and rotate the secret",
                    env_name(&member)
                )),
            );
        }
    }
}

/// `clientSecret` → `CLIENT_SECRET`, for the help's example variable.
fn env_name(member: &str) -> String {
    let mut out = String::new();
    for (i, c) in member.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}
