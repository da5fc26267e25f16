//! IDP008: a Qlik or IONOS response, a list response, or an IONOS domains
//! body sent as an identity-provider request.

use serde_json::Value;

use super::support::read_only::{qlik_response, QlikResponse};
use super::support::{dotted, shorten};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding, Repair};
use crate::kind::{ionos_body, IonosBody, Kind};
use crate::source::{last_token, unescape_token};

declare_rule! {
    /// the body is an API response or a domains body, not an identity-provider request
    ///
    /// ## Why
    /// The quickest way to write a request is to copy what the API returned, and the responses
    /// of both APIs look almost like requests.
    ///
    /// Qlik: an IdP as the create (201) or a `GET` returned it carries `id`, `created`,
    /// `lastUpdated`, `pendingState`, `pendingResult` and `meta`, which the server sets (two of
    /// them give the body away), and, for SAML, the `signingKeys` Qlik generated. A list
    /// response (`{"data": […], "links": …}`) is no single IdP at all: nothing inside it is
    /// checked.
    ///
    /// IONOS: a response carries members only the server sets (top-level
    /// `type: "identityprovider"`, `href`, `metadata.createdDate`…, the
    /// `configuration.*.endpoint` IONOS generates) and lacks two the request needs: responses
    /// never return `properties.type` or the OIDC `clientSecret`. A list response
    /// (`type: "collection"`, `items`) is no single identity provider at all, and the body of
    /// `POST /federation/domains` (`{"domain": …}`) belongs to another endpoint.
    ///
    /// The finding is reported once per file and lists what gives the body away, with a label
    /// on each server-set member (IDP007 then stays silent).
    ///
    /// ## Fix
    /// Qlik: remove the server-set members; from a list, send one `data` item per request.
    /// IONOS: keep only `metadata` (empty) and `properties` (plus `id` for a PUT), and add back
    /// `properties.type` and `clientSecret`. Send a domains body to `POST /federation/domains`.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), for a Qlik single-IdP response: the server-set members are
    /// removed, which leaves a body the create endpoint takes. A person should check that the
    /// rest of the copied configuration is what the new IdP should have. A list response, and
    /// an IONOS response (which also lacks `type` and `clientSecret`), have no fix: what to
    /// send has to be chosen.
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
        kinds: [QlikCreate, IonosCreate, IonosEnsure],
        pass: [
            r#"{"metadata": {}, "properties": {"type": "oidc", "name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${IONOS_IDP_SECRET}", "clientName": "ionos-dcd"}}}}"#,
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "client_id": ["cid"]}}}"#,
        ],
        fail: [
            r#"{"id": "6478a3f5c8e4d2b1a0f9e8d7", "tenantIds": ["BL4tTJ4S7xrHTcq0zQxQrJ5qB1_Q6cSo"], "active": true, "created": "2025-02-11T09:31:02.118Z", "lastUpdated": "2025-02-11T09:31:02.118Z", "protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "client_id": ["cid"]}}}"#,
            r#"{"data": [{"id": "6478a3f5c8e4d2b1a0f9e8d7", "protocol": "jwtAuth", "provider": "external", "options": {"issuer": "https://issuer.acme-corp.io", "staticKeys": []}}], "links": {"self": {"href": "https://acme.eu.qlikcloud.com/api/v1/identity-providers"}}}"#,
            r#"{"id": "5e6323da-8a45-5732-bec1-d7c29c1dc890", "type": "identityprovider", "href": "/identityproviders/5e6323da-8a45-5732-bec1-d7c29c1dc890", "metadata": {"createdDate": "2024-03-04T09:12:44Z"}, "properties": {"name": "Acme Corp SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientName": "ionos-dcd"}}}}"#,
        ],
    }
}

impl Rule for ResponseAsRequest {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.kind == Kind::QlikCreate {
            qlik_response_as_request(cx, out);
            return;
        }
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

/// IDP008 for a Qlik create body: a list response, or one IdP as a response
/// returned it.
fn qlik_response_as_request(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(response) = qlik_response(cx) else {
        return;
    };
    let (present, what, label, help) = match &response {
        QlikResponse::List(present) => (
            present,
            "a list response of `GET /api/v1/identity-providers`",
            "list response",
            "send one IdP per request: take one of the `data` items, then remove the members the server sets",
        ),
        QlikResponse::Single(present) => (
            present,
            "an API response",
            "response-only member",
            "remove the members the server sets; a create body has `protocol`, `provider`, the settings, and `options` or `pendingOptions`",
        ),
    };
    let pointers: Vec<&str> = present.iter().map(String::as_str).collect();
    let message = format!(
        "the body is {what}, not a request: {}",
        giveaways(cx, &pointers)
    );
    let Some((first, rest)) = present.split_first() else {
        return;
    };
    let mut finding = Finding::new(
        ResponseAsRequest::META,
        message,
        Anchor::key(first.as_str()),
    )
    .label(label)
    .help(help);
    if let QlikResponse::Single(present) = &response {
        finding = finding.fix(
            Applicability::Unsafe,
            "remove the members the server sets",
            present
                .iter()
                .map(|p| Repair::Remove { pointer: p.clone() })
                .collect(),
        );
    }
    let related = match response {
        QlikResponse::List(_) => "list response member",
        QlikResponse::Single(_) => "response-only member",
    };
    for pointer in rest {
        finding = finding.related(Anchor::key(pointer.as_str()), related);
    }
    out.push(finding);
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
