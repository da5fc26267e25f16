//! IDP008: an IONOS response, list or domains body sent as an identity
//! provider request.

use serde_json::Value;

use super::support::{dotted, shorten};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Finding};
use crate::kind::{ionos_body, IonosBody};
use crate::source::{last_token, unescape_token};

declare_rule! {
    /// the body is an API response or a domains body, not an identity-provider request
    ///
    /// ## Why
    /// The quickest way to write a request is to copy what the API returned, and the IONOS
    /// responses look almost like requests. But a response carries members only the server sets
    /// (top-level `type: "identityprovider"`, `href`, `metadata.createdDate`…, the
    /// `configuration.*.endpoint` IONOS generates) and lacks two the request needs: responses
    /// never return `properties.type` or the OIDC `clientSecret`. A list response
    /// (`type: "collection"`, `items`) is no single identity provider at all, and the body of
    /// `POST /federation/domains` (`{"domain": …}`) belongs to another endpoint. The finding is
    /// reported once per file and lists what gives the body away; IDP007 marks each
    /// server-populated member.
    ///
    /// ## Fix
    /// Keep only `metadata` (empty) and `properties` (plus `id` for a PUT), and add back
    /// `properties.type` and `clientSecret`. Send a domains body to `POST /federation/domains`.
    ///
    /// ## References
    /// - IONOS Cloud, "Create Identity Provider": the 201 responses:
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    /// - IONOS Cloud, "Retrieve Identity Provider" and "Retrieve all Identity Providers"
    ///   (response-only members, the `collection` response):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/retrieve-identity-provider>
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/retrieve-all-identity-providers>
    /// - IONOS Cloud, "Request Domain Ownership" (`/federation/domains`):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/request-domain-ownership>
    pub ResponseAsRequest {
        code: "IDP008",
        name: "response-as-request",
        severity: Error,
        kinds: [IonosCreate, IonosEnsure],
        pass: [r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#],
        fail: [r#"{"id": "5e6323da-8a45-5732-bec1-d7c29c1dc890", "type": "identityprovider", "href": "/identityproviders/5e6323da-8a45-5732-bec1-d7c29c1dc890", "metadata": {"createdDate": "2024-03-04T09:12:44Z"}, "properties": {"name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientName": "ionos-dcd"}}}}"#],
    }
}

impl Rule for ResponseAsRequest {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let ionos = &cx.facts.ionos;
        let present: Vec<&str> = ionos
            .read_only_pointers
            .iter()
            .map(String::as_str)
            .filter(|p| cx.get(p).is_some())
            .collect();
        match ionos_body(cx.root) {
            Some(IonosBody::Domains) => {
                let member = &ionos.domains_body.member;
                let endpoint = &ionos.domains_body.endpoint;
                out.push(
                    Finding::new(
                        Self::META,
                        format!(
                            "the body is a `{endpoint}` body (top-level `{member}`, no `properties`), not an identity provider"
                        ),
                        Anchor::key(format!("/{member}")),
                    )
                    .label("domain-ownership request")
                    .help(format!(
                        "send it to `{endpoint}`, or describe the identity provider in `properties` with `{member}` inside it"
                    )),
                );
            }
            Some(IonosBody::Collection) => {
                let first = present.first().copied().unwrap_or("/items");
                let mut finding = Finding::new(
                    Self::META,
                    format!(
                        "the body is a list response, not a request: {}",
                        giveaways(cx, &present)
                    ),
                    Anchor::key(first),
                )
                .label("list response")
                .help("send one identity provider per request: take one of the `items` and keep only its `metadata` (empty) and `properties`");
                for pointer in present.iter().skip(1) {
                    finding = finding.related(Anchor::key(*pointer), "response-only member");
                }
                out.push(finding);
            }
            Some(IonosBody::IdentityProvider) => {
                // A stray `configuration.*.endpoint` alone is IDP007's; a
                // response-only member outside `properties` proves a response.
                if !present.iter().any(|p| !p.starts_with("/properties/")) {
                    return;
                }
                let mut finding = Finding::new(
                    Self::META,
                    format!(
                        "the body is an API response, not a request: {}",
                        giveaways(cx, &present)
                    ),
                    Anchor::key(present[0]),
                )
                .label("response-only member");
                let mut labelled_metadata = present[0].starts_with("/metadata/");
                for pointer in present.iter().skip(1) {
                    if pointer.starts_with("/metadata/") {
                        if !labelled_metadata {
                            finding = finding
                                .related(Anchor::key("/metadata"), "server-populated metadata");
                            labelled_metadata = true;
                        }
                    } else {
                        finding = finding.related(Anchor::key(*pointer), "response-only member");
                    }
                }
                let body = if cx.kind == crate::Kind::IonosEnsure {
                    "`id`, `metadata` (empty) and `properties`"
                } else {
                    "`metadata` (empty) and `properties`"
                };
                let lost: Vec<String> = ionos
                    .not_returned_by_get
                    .iter()
                    .filter(|p| cx.get(p).is_none() && parent_exists(cx, p))
                    .map(|p| format!("`{}`", unescape_token(last_token(p))))
                    .collect();
                let help = if lost.is_empty() {
                    format!("remove the response-only members: send {body}")
                } else {
                    format!(
                        "remove the response-only members: send {body}, and add {}, which responses leave out",
                        lost.join(" and ")
                    )
                };
                out.push(finding.help(help));
            }
            None => {}
        }
    }
}

/// What gives the body away, as a message says it: members named one by
/// one, server-populated `metadata` counted.
fn giveaways(cx: &Context<'_>, present: &[&str]) -> String {
    let metadata = present
        .iter()
        .filter(|p| p.starts_with("/metadata/"))
        .count();
    let mut parts = Vec::new();
    let mut metadata_said = false;
    for pointer in present {
        if pointer.starts_with("/metadata/") {
            if metadata == 1 {
                parts.push(format!("`{}`", dotted(pointer)));
            } else if !metadata_said {
                parts.push(format!("{metadata} `metadata` members set by the server"));
            }
            metadata_said = true;
        } else if let Some(Value::String(value)) = cx.get(pointer).filter(|_| *pointer == "/type") {
            parts.push(format!("`\"type\": \"{}\"`", shorten(value, 40)));
        } else {
            parts.push(format!("`{}`", dotted(pointer)));
        }
    }
    match parts.split_last() {
        Some((last, rest)) if !rest.is_empty() => {
            format!("{} and {last} give it away", rest.join(", "))
        }
        Some((last, _)) if present.len() > 1 => format!("{last} give it away"),
        Some((last, _)) => format!("{last} gives it away"),
        None => "its shape gives it away".to_string(),
    }
}

/// True when the object that would hold `pointer` exists: a missing
/// `clientSecret` matters only when there is an `oidc` block.
fn parent_exists(cx: &Context<'_>, pointer: &str) -> bool {
    match pointer.rsplit_once('/') {
        Some((parent, _)) => cx.get(parent).is_some_and(Value::is_object),
        None => true,
    }
}
