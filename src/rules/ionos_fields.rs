//! IDP208–IDP210: the IONOS identity provider's `name`, `domain` and `id`.

use super::support::{ionos_properties, shown};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding, Severity};
use crate::kind::{ionos_body, IonosBody};
use crate::source::Members;

declare_rule! {
    /// `properties.name` is blank, has surrounding whitespace, or is used twice
    ///
    /// ## Why
    /// The name is mandatory and is what "uniquely identifies the IDP" in the DCD. An empty or
    /// blank name is rejected (error). Leading or trailing whitespace is kept by the API and makes
    /// two names look alike that are not (warning). Two files of one run that give the same name
    /// to different identity providers collide (warning; PUT bodies with the same `id` are one
    /// identity provider and do not count). No length or character limit is documented, so none
    /// is checked.
    ///
    /// ## Severity
    /// - error: `properties.name` is empty or blank
    /// - warning: the name has surrounding whitespace, or another file of the run uses it too
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Give every identity provider its own name without surrounding whitespace.
    ///
    /// ## Autofix
    /// safe (`--fix`), for a name with whitespace at its ends: the trimmed name is what a
    /// person reads in the DCD. A missing, empty or duplicate name has no fix.
    ///
    /// ## References
    /// - IONOS Cloud, "Create Identity Provider", request body parameters: `name` — "Name to
    ///   uniquely identify the IDP":
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    /// - IONOS Cloud, "Ensure Identity Provider", the same parameter; neither page says where the
    ///   name must be unique, nor what a duplicate causes:
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/ensure-identity-provider>
    pub IonosNameInvalid {
        code: "IDP208",
        name: "ionos-name-invalid",
        severity: Error,
        kinds: [IonosCreate, IonosEnsure],
        pass: [r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#],
        fail: [
            r#"{"metadata": {}, "properties": {"type": "oidc", "name": "  ", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#,
            r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO ", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#,
        ],
    }
}

impl Rule for IonosNameInvalid {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for field in cx.fields("/properties/name") {
            let Some(name) = cx.checkable_str(field.value) else {
                continue;
            };
            let trimmed = name.trim();
            if trimmed.is_empty() {
                let what = if name.is_empty() { "empty" } else { "blank" };
                out.push(
                    Finding::new(Self::META, format!("`name` is {what}"), field.anchor())
                        .label(format!("{what} name"))
                        .help("name the identity provider: the name identifies it in the DCD"),
                );
            } else if trimmed != name {
                out.push(
                    Finding::new(
                        Self::META,
                        format!("`name` {} has surrounding whitespace", shown(field.value)),
                        field.anchor(),
                    )
                    .severity(Severity::Warning)
                    .label("leading or trailing whitespace")
                    .help(format!("write `{trimmed}`"))
                    .fix_string(
                        Applicability::Safe,
                        field.pointer.clone(),
                        trimmed,
                    ),
                );
            }
        }
    }
}

/// What the check across files compares: the trimmed `name` of an IONOS
/// identity provider and, for a PUT, the `id` it is stored under.
pub fn name_and_id(cx: &Context<'_>) -> Option<(String, Option<String>)> {
    let root = cx.root;
    let name = ionos_properties(root)?.member("name")?.as_str()?;
    let name = name.trim();
    if name.is_empty() || !cx.is_checkable(name) {
        return None;
    }
    let id = root
        .member("id")
        .and_then(serde_json::Value::as_str)
        .map(|id| id.trim().to_ascii_lowercase());
    Some((name.to_string(), id))
}

declare_rule! {
    /// `properties.domain` is not a bare DNS domain name, or is missing
    ///
    /// ## Why
    /// IONOS routes a user to an identity provider by the domain of the e-mail address the user
    /// types at login, so `domain` is the verified e-mail domain itself: `acme-corp.io`, not
    /// `https://acme-corp.io`, `it@acme-corp.io`, `*.acme-corp.io`, `acme-corp.io/login` or
    /// `acme-corp.io:443` (error). Letters are compared without regard to case, and a trailing
    /// dot is tolerated. The API's table of mandatory members does not list `domain`, but every
    /// example carries it and users cannot reach an identity provider without one (warning when
    /// missing).
    ///
    /// An internationalised name (`bücher.de`) or a label with `_` is a warning: neither is a
    /// host name in RFC 1123's sense, but IONOS does not document that it refuses them; the
    /// ASCII form of an internationalised name (`xn--bcher-kva.de`) is offered.
    ///
    /// ## Severity
    /// - error: `properties.domain` is not a bare DNS domain name
    /// - warning: `properties.domain` is missing
    /// - warning: `properties.domain` is an internationalised name or has `_` in a label
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Write the domain only, as verified with `POST /federation/domains`.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), when the domain can be read out of what was written (an
    /// e-mail address, a URL, a `*.` wildcard, a path, a port, whitespace at its ends, an
    /// internationalised name as its `xn--` form):
    /// the domain must be the one verified with `POST /federation/domains`, which only its
    /// owner knows.
    ///
    /// ## References
    /// - IONOS Cloud, "Create Identity Provider": `"domain": "yourDomain.com"` in both examples:
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    /// - IONOS Cloud, "Request Domain Ownership": `domain` "Represents the domain to map the user
    ///   email domains to the IDPs":
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/request-domain-ownership>
    /// - RFC 1123 §2.1 (host name syntax)
    pub IonosDomainFormat {
        code: "IDP209",
        name: "ionos-domain-format",
        severity: Error,
        kinds: [IonosCreate, IonosEnsure],
        pass: [r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "domain": "Acme-Corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#],
        fail: [
            r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "domain": "https://acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#,
            r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#,
        ],
    }
}

impl Rule for IonosDomainFormat {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let Some(properties) = ionos_properties(cx.root) else {
            return;
        };
        if !properties.has("domain") {
            out.push(
                Finding::new(
                    Self::META,
                    "`properties` has no `domain`: no user can be routed to this identity provider",
                    Anchor::missing("/properties/domain"),
                )
                .severity(Severity::Warning)
                .label("`domain` missing here")
                .help("add `domain`: the verified e-mail domain of the users who log in here, e.g. `acme-corp.io`"),
            );
            return;
        }
        for field in cx.fields("/properties/domain") {
            let Some(domain) = cx.checkable_str(field.value) else {
                continue;
            };
            let Some(problem) = domain_problem(cx, domain) else {
                continue;
            };
            let mut finding = Finding::new(
                Self::META,
                format!("`domain` {} {}", shown(field.value), problem.what),
                field.anchor(),
            )
            .label(problem.label);
            if problem.doubtful {
                finding = finding.severity(Severity::Warning);
            }
            finding = match problem.fix {
                Some(fix) => finding.help(format!("write `{fix}`")).fix_string(
                    Applicability::Unsafe,
                    field.pointer.clone(),
                    &fix,
                ),
                None => finding.help("write the bare domain name of the users' e-mail addresses, e.g. `acme-corp.io`"),
            };
            out.push(finding);
        }
    }
}

struct DomainProblem {
    what: String,
    label: &'static str,
    fix: Option<String>,
    /// An undocumented form the API may well take: a warning.
    doubtful: bool,
}

/// Why `value` is no bare DNS domain name, if it is not.
fn domain_problem(cx: &Context<'_>, value: &str) -> Option<DomainProblem> {
    let problem = |what: &str, label, fix: Option<&str>| {
        let fix = fix
            .map(|f| f.trim().to_string())
            .filter(|f| !f.is_empty() && label_problem(cx, f).is_none());
        Some(DomainProblem {
            what: what.to_string(),
            label,
            fix,
            doubtful: false,
        })
    };
    if value.trim() != value {
        return problem("has surrounding whitespace", "whitespace", Some(value));
    }
    if let Some((_, rest)) = value.split_once("://") {
        let host = url::Url::parse(value)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_else(|| {
                rest.split(['/', ':', '?', '#'])
                    .next()
                    .unwrap_or("")
                    .to_string()
            });
        return problem("is a URL, not a domain name", "URL", Some(&host));
    }
    if let Some((_, after)) = value.rsplit_once('@') {
        return problem(
            "is an e-mail address, not a domain name",
            "e-mail address",
            Some(after),
        );
    }
    if value.contains('*') {
        let fix = value.trim_start_matches("*.");
        return problem(
            "is a wildcard: the domain itself is what IONOS matches",
            "wildcard",
            Some(fix),
        );
    }
    if let Some((host, _)) = value.split_once(['/', '?', '#']) {
        return problem(
            "has a path: only the domain name is matched",
            "path",
            Some(host),
        );
    }
    if let Some((host, _)) = value.split_once(':') {
        return problem(
            "has a port: only the domain name is matched",
            "port",
            Some(host),
        );
    }
    if !value.is_ascii() {
        // An internationalised name: its ASCII (punycode) form is the DNS name.
        let ascii = url::Url::parse(&format!("http://{value}/"))
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .filter(|a| a.is_ascii() && label_problem(cx, a).is_none());
        return match ascii {
            Some(ascii) => Some(DomainProblem {
                what: format!(
                    "is an internationalised name: IONOS does not document whether it takes it or only its ASCII form `{ascii}`"
                ),
                label: "internationalised domain",
                fix: Some(ascii),
                doubtful: true,
            }),
            None => problem(
                "is not a valid internationalised domain name",
                "not a DNS domain name",
                None,
            ),
        };
    }
    if value.contains('_') && label_problem(cx, &value.replace('_', "u")).is_none() {
        return Some(DomainProblem {
            what: "has `_`, which host names do not take (RFC 1123) and e-mail domains rarely have; IONOS does not document whether it accepts it".to_string(),
            label: "`_` in a domain name",
            fix: None,
            doubtful: true,
        });
    }
    label_problem(cx, value).map(|what| DomainProblem {
        what,
        label: "not a DNS domain name",
        fix: None,
        doubtful: false,
    })
}

/// Why `value` breaks the host-name syntax of RFC 1123, if it does.
fn label_problem(cx: &Context<'_>, value: &str) -> Option<String> {
    let ionos = &cx.facts.ionos;
    let name = value.strip_suffix('.').unwrap_or(value);
    if name.len() > ionos.domain_max_chars {
        return Some(format!(
            "is longer than the {} characters a domain name can have",
            ionos.domain_max_chars
        ));
    }
    let labels: Vec<&str> = name.split('.').collect();
    if labels.len() < 2 {
        return Some("is a single label, not a domain name like `acme-corp.io`".to_string());
    }
    for label in labels {
        if label.is_empty() {
            return Some("has an empty label (two dots in a row, or a leading dot)".to_string());
        }
        if label.len() > ionos.domain_label_max_chars {
            return Some(format!(
                "has a label longer than {} characters",
                ionos.domain_label_max_chars
            ));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && *c != '-')
        {
            return Some(format!(
                "has `{c}` in label `{label}`: labels take letters, digits and `-`"
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!(
                "has label `{label}`, which starts or ends with `-`"
            ));
        }
    }
    None
}

declare_rule! {
    /// the `id` of an ensure (PUT) body is not a UUID
    ///
    /// ## Why
    /// `PUT /federation/identityproviders/{identityProviderId}` creates or replaces the identity
    /// provider stored under that UUID, and the body's `id` is that UUID too. Anything else
    /// (a name, a number, a UUID in braces or as a URN) is rejected.
    ///
    /// ## Fix
    /// Write the identity provider's UUID: 8-4-4-4-12 hexadecimal digits, the same as in the
    /// request path.
    ///
    /// ## Autofix
    /// safe (`--fix`), for a UUID in braces or with a `urn:uuid:` prefix: the UUID inside is
    /// the same identifier, written as the API takes it.
    ///
    /// ## References
    /// - IONOS Cloud IAM Federation API 1.1.0, Ensure IdentityProvider: `id` required,
    ///   `string <uuid>`: <https://api.ionos.com/docs/identity-federation/v1>
    pub UuidFormat {
        code: "IDP210",
        name: "uuid-format",
        severity: Error,
        kinds: [IonosEnsure],
        pass: [r#"{"id": "5E6323DA-8A45-5732-BEC1-D7C29C1DC890", "metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#],
        fail: [r#"{"id": "{5e6323da-8a45-5732-bec1-d7c29c1dc890}", "metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#],
    }
}

impl Rule for UuidFormat {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        // The `id` of a list response is IDP008's business.
        if !matches!(ionos_body(cx.root), Some(IonosBody::IdentityProvider)) {
            return;
        }
        let uuid = &cx.facts.ionos.uuid;
        for field in cx.fields("/id") {
            let Some(id) = cx.checkable_str(field.value) else {
                continue;
            };
            if uuid.is_match(id) {
                continue;
            }
            let unwrapped = id
                .trim()
                .trim_start_matches("urn:uuid:")
                .trim_start_matches('{')
                .trim_end_matches('}');
            let mut finding = Finding::new(
                Self::META,
                format!("`id` {} is not a UUID", shown(field.value)),
                field.anchor(),
            )
            .label("not a UUID");
            finding = if uuid.is_match(unwrapped) {
                finding.help(format!("write `{unwrapped}`")).fix_string(
                    Applicability::Safe,
                    field.pointer.clone(),
                    unwrapped,
                )
            } else {
                finding.help("use the identity provider's UUID (8-4-4-4-12 hexadecimal digits), as in the request path")
            };
            out.push(finding);
        }
    }
}
