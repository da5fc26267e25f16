//! IDP009 placeholder-value and IDP010 template-variable: what a string
//! value stands in for, rather than what it says.

use url::{Host, Url};

use super::support::texts::Text;
use super::support::urls::parsed_url;
use super::support::{display_pointer, member_name, pointer_matches, shown};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Finding, Severity};
use crate::facts::Placeholder;

declare_rule! {
    /// a documentation placeholder was left in the payload
    ///
    /// ## Why
    /// Examples in API documentation carry stand-ins that look like values: `<client-id>`,
    /// `string` (the type written where the value goes), `yourDomain.com`, `your-tenant`,
    /// `thisisyourappregistrationsecret`, `<ACCESS_TOKEN>`, `{yourOktaDomain}`, and real-looking
    /// values cut short with `...` or `…` (`MIICyzCCAbSgAwIBAgIJ...`). A payload copied from
    /// such an example is accepted by a schema check and fails much later, at the first
    /// login. Every string of the payload is checked, including the host of every URL.
    ///
    /// A host under a name reserved for documentation (`example.com`, `example.org`,
    /// `example.net`, `*.example`, `*.invalid`, `*.test`, `*.localhost`) in a URL or in a domain
    /// member is reported as a warning: no identity provider answers there.
    ///
    /// Template variables (`${NAME}`, `{{name}}`, `$NAME`) are not placeholders: they are
    /// filled in at deploy time (see IDP010). A certificate cut short with `...` is reported
    /// by the certificate rules, which say how many bytes are missing. The value of a secret
    /// member is never shown, unless the whole value is a placeholder (`string`,
    /// `<client-secret>`): that is no secret, and the message names it.
    ///
    /// A word only counts as a placeholder where documentation writes one: `your` before a noun
    /// that examples use (`yourDomain.com`, `your-tenant-id`, `{yourOktaDomain}`), never a real
    /// name that starts with `your` (`yourcause.com`). A placeholder inside other text that is
    /// not a URL (a description that says `{prod}` or `<team>`) may be meant literally, so it
    /// is a warning; the value as a whole, or a URL with a placeholder in it, is unusable.
    ///
    /// ## Severity
    /// - error: a documentation placeholder (`<...>`, `your-tenant`, a placeholder host name)
    /// - warning: a placeholder inside other text that is not a URL (a description with `{prod}`)
    /// - warning: a host under a name reserved for documentation (`example.com`, `*.test`, `*.invalid`)
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Replace the placeholder with the real value, or with a template variable that your
    /// deployment fills in.
    ///
    /// ## References
    /// - qlik.dev, "Create identity providers" (`thisisyourappregistrationsecret`,
    ///   `<ACCESS_TOKEN>`, the shortened PEM):
    ///   <https://qlik.dev/manage/automate/identity-provider-create/>
    /// - IONOS Cloud, "Create Identity Provider" (`yourDomain.com`, `example.com`, the shortened
    ///   certificate and secret):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    /// - RFC 2606 and RFC 6761, reserved top-level and second-level domain names
    pub PlaceholderValue {
        code: "IDP009",
        name: "placeholder-value",
        severity: Error,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "client_id": ["cid"]}}}"#,
            r#"[{"op": "replace", "path": "/description", "value": "Staff login through Okta"}]"#,
        ],
        fail: [
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://<your-okta-domain>/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "client_id": ["cid"]}}}"#,
            r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/.well-known/openid-configuration", "clientSecret": "MIICyzCCAbSgAwIBAgIJAMyYqQJkmRIOMA0GCSqGSIb3DQEB...", "clientName": "ionos-cloud"}}}}"#,
            r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://example.com/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-cloud"}}}}"#,
        ],
    }
}

impl Rule for PlaceholderValue {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let placeholders = &cx.facts.placeholders;
        for text in cx.texts().iter() {
            // Asked only for a finding: most documents have none, and then
            // their secrets need not be looked for.
            let is_secret = || cx.secret_pointers().iter().any(|s| s == text.pointer);
            let value = text.value;
            if cx.is_template(value) {
                continue;
            }
            let found = cx.placeholder(value);
            let finding = match found {
                Some((Placeholder::Marker, part)) => {
                    let name = display_pointer(&text.field());
                    // `{prod}` inside a sentence may be meant; inside a URL it never is.
                    let in_prose = part != value.trim() && !has_scheme_separator(value);
                    // A placeholder is no secret: the whole value is shown.
                    let message = if part != value.trim() && is_secret() {
                        format!("`{name}` holds a documentation placeholder (not shown)")
                    } else if part == value.trim() {
                        format!(
                            "`{name}` holds the documentation placeholder {}",
                            quoted(part)
                        )
                    } else {
                        format!(
                            "`{name}` contains the documentation placeholder {}",
                            quoted(part)
                        )
                    };
                    let finding = Finding::new(Self::META, message, Anchor::value(text.pointer))
                        .label("placeholder");
                    if in_prose {
                        finding.severity(Severity::Warning).help(
                            "if it is meant literally, leave it; otherwise replace it with the real text",
                        )
                    } else {
                        finding.help("replace it with the real value, or with a template variable filled in at deploy time")
                    }
                }
                Some((Placeholder::Truncated, _)) => {
                    let field = text.field();
                    let member = member_name(&field);
                    if placeholders
                        .certificate_members
                        .iter()
                        .any(|m| *m == member)
                    {
                        continue;
                    }
                    let name = display_pointer(&text.field());
                    let shown_value = if is_secret() {
                        " (not shown)".to_string()
                    } else {
                        format!(": {}", quoted(value))
                    };
                    Finding::new(
                        Self::META,
                        format!(
                            "`{name}` ends in `...`, the mark of a value shortened in the documentation{shown_value}"
                        ),
                        Anchor::value(text.pointer),
                    )
                    .label("shortened value")
                    .help("paste the complete value")
                }
                None => match host_problem(cx, &text) {
                    Some(f) if !is_secret() => f.at(text.pointer, &display_pointer(&text.field())),
                    _ => continue,
                },
            };
            out.push(finding);
        }
    }
}

declare_rule! {
    /// a value is a template variable, so its format is not checked
    ///
    /// ## Why
    /// Payloads kept in a repository often leave secrets and per-environment values to the
    /// deployment: `"clientSecret": "${OKTA_CLIENT_SECRET}"`, `"{{ tenant_id }}"`,
    /// `"$DISCOVERY_URL"`. That is good practice, and these values are not placeholders
    /// (IDP009). But idplint cannot check what it cannot see: the format checks on such a
    /// value (URL shape, pattern, certificate) are skipped, and this note says so, once per
    /// value.
    ///
    /// ## Fix
    /// Nothing to fix. Make sure the deployment fills the variable in before the request is
    /// sent; lint the rendered payload too if you can.
    ///
    /// ## References
    /// - derived: common practice of templated deployment payloads (envsubst, Helm, Ansible)
    pub TemplateVariable {
        code: "IDP010",
        name: "template-variable",
        severity: Info,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "client_id": ["cid"]}}}"#],
        fail: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://${OKTA_DOMAIN}/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "client_id": ["cid"]}}}"#],
    }
}

impl Rule for TemplateVariable {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let placeholders = &cx.facts.placeholders;
        for text in cx.texts().iter() {
            if !cx.is_template(text.value) {
                continue;
            }
            let Some(variable) = placeholders.find_template(text.value) else {
                continue;
            };
            let name = display_pointer(&text.field());
            // A secret's text is redacted everywhere, its variable name included.
            let message = if cx.secret_pointers().iter().any(|s| s == text.pointer) {
                format!("`{name}` comes from a template variable: its format is not checked")
            } else {
                format!(
                    "`{name}` uses the template variable `{variable}`: its format is not checked"
                )
            };
            out.push(
                Finding::new(Self::META, message, Anchor::value(text.pointer))
                    .label("template variable")
                    .help(
                        "make sure the deployment fills the variable in before the request is sent",
                    ),
            );
        }
    }
}

/// A string as a message shows it: in backticks, shortened.
fn quoted(s: &str) -> String {
    shown(&serde_json::Value::String(s.to_string()))
}

/// A host problem found in a value, before it is placed.
struct HostProblem {
    severity: Severity,
    message: String,
    label: &'static str,
    help: String,
}

impl HostProblem {
    fn at(self, pointer: &str, name: &str) -> Finding {
        Finding::new(
            PlaceholderValue::META,
            format!("`{name}` {}", self.message),
            Anchor::value(pointer),
        )
        .severity(self.severity)
        .label(self.label)
        .help(self.help)
    }
}

/// A placeholder or reserved host in a URL value, or in a member that holds
/// a bare domain name.
fn host_problem(cx: &Context<'_>, text: &Text<'_, '_>) -> Option<HostProblem> {
    let placeholders = &cx.facts.placeholders;
    let value = text.value;
    let (host, in_url) = match url_host(cx, text.pointer, value) {
        Some(host) => (host, true),
        None => {
            let field = text.field();
            if !placeholders
                .host_members
                .iter()
                .any(|m| pointer_matches(m, &field))
            {
                return None;
            }
            (value.trim().to_ascii_lowercase(), false)
        }
    };
    if let Some(label) = host
        .split('.')
        .find(|l| placeholders.classify(l) == Some(Placeholder::Marker))
    {
        return Some(HostProblem {
            severity: Severity::Error,
            message: format!("has a placeholder host name: `{host}`"),
            label: "placeholder host",
            help: format!("replace `{label}` with your identity provider's real host name"),
        });
    }
    placeholders.is_reserved_host(&host).then(|| HostProblem {
        severity: Severity::Warning,
        message: if in_url {
            format!("points at `{host}`, a host name reserved for documentation")
        } else {
            format!("is `{host}`, a domain name reserved for documentation")
        },
        label: "reserved for documentation",
        help: format!("replace `{host}` with the real host name"),
    })
}

/// The domain name of the URL value at `pointer`, lower-cased. The value of a
/// URL member was parsed already, for the URL rules.
fn url_host(cx: &Context<'_>, pointer: &str, value: &str) -> Option<String> {
    if !has_scheme_separator(value) {
        return None;
    }
    let parsed;
    let url = match parsed_url(cx, pointer) {
        Some(url) => url,
        None => {
            parsed = Url::parse(value.trim()).ok()?;
            &parsed
        }
    };
    match url.host()? {
        Host::Domain(domain) => Some(domain.to_ascii_lowercase()),
        Host::Ipv4(_) | Host::Ipv6(_) => None,
    }
}

/// True when `value` holds `://`. Most strings have no `:`, and a
/// certificate is long: one vectorised search for the colon decides them.
fn has_scheme_separator(value: &str) -> bool {
    let bytes = value.as_bytes();
    memchr::memchr_iter(b':', bytes).any(|at| bytes[at + 1..].starts_with(b"//"))
}

#[cfg(test)]
mod tests {
    use crate::facts::{facts, Placeholder};

    #[test]
    fn scheme_separators_are_found_as_contains_finds_them() {
        for value in [
            "",
            ":",
            "://",
            "a://b",
            "https://idp.acme-corp.io/x",
            "urn:x:y",
            "a:/b://c",
            "a:b/",
            "::/",
            ":::///",
            "MIIC//AB:",
            "x:/",
            "é://ü",
            "ends with :/",
        ] {
            assert_eq!(
                super::has_scheme_separator(value),
                value.contains("://"),
                "{value:?}"
            );
        }
    }

    #[test]
    fn placeholders_and_templates_are_told_apart() {
        let p = &facts().placeholders;
        for marker in [
            "string",
            "yourDomain.com",
            "your-tenant",
            "your_client_secret",
            "yourOktaDomain",
            "your-okta-domain",
            "yourproviderconfiguration",
            "<client-id>",
            "https://{yourOktaDomain}/oauth2/default",
        ] {
            assert_eq!(p.classify(marker), Some(Placeholder::Marker), "{marker}");
        }
        assert_eq!(
            p.classify("MIICyzCCAbSgAwIBAgIJAMyYqQJkmRIOMA0GCSqGSIb3DQEB..."),
            Some(Placeholder::Truncated)
        );
        for real in [
            "Your team's login through Okta",
            "${OKTA_CLIENT_SECRET}",
            "{{ okta_client_secret }}",
            "/https:~1~1acme-corp.io~1groups",
            "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration",
            "yourcause.com",
            "yourkey-2024",
            "yours truly",
        ] {
            assert_eq!(p.classify(real), None, "{real}");
        }
        assert_eq!(
            p.find("https://<tenant>.okta.com/oauth2/default")
                .map(|(_, part)| part),
            Some("<tenant>")
        );
        assert_eq!(
            p.find_template("https://${OKTA_DOMAIN}/oauth2"),
            Some("${OKTA_DOMAIN}")
        );
    }
}
