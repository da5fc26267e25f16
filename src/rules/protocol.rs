//! IDP101 protocol-unknown and IDP102 provider-protocol-mismatch: the two
//! members that choose everything else in a Qlik create body.

use super::support::nearest_name;
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding};

declare_rule! {
    /// `protocol` is not one Qlik can create
    ///
    /// ## Why
    /// Qlik creates identity providers for exactly three protocols: `OIDC`, `jwtAuth` and
    /// `SAML`, spelled with that case. Any other value is refused with a 400, and none of the
    /// protocol's own checks can run. `qsefw-local-bearer-token` appears in responses (the
    /// tenant's built-in IdP) but cannot be created.
    ///
    /// ## Fix
    /// Use one of `OIDC`, `jwtAuth`, `SAML`; a value that differs only in case or by a typo
    /// gets a suggestion.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), when one protocol is near the value (`oidc` → `OIDC`,
    /// `jwtauth` → `jwtAuth`): the protocol decides which options the API reads, so the nearest
    /// name is a guess a person should confirm.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, `IDPProtocol` and the create payload schemas:
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document, `IDPPostSchema` (the protocols a create body may have):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub ProtocolUnknown {
        code: "IDP101",
        name: "protocol-unknown",
        severity: Error,
        kinds: [QlikCreate],
        pass: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "client_id": ["cid"]}}}"#],
        fail: [
            r#"{"protocol": "oidc", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "client_id": ["cid"]}}}"#,
            r#"{"protocol": "qsefw-local-bearer-token", "provider": "qlik", "description": "Local bearer token"}"#,
        ],
    }
}

impl Rule for ProtocolUnknown {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let qlik = &cx.facts.qlik;
        let Some(protocol) = cx.str("/protocol").filter(|p| cx.is_checkable(p)) else {
            return;
        };
        if qlik.providers_for(protocol).is_some() {
            return;
        }
        let allowed = listed(qlik.protocol_names());
        let finding = if qlik.response_only_protocols.iter().any(|p| p == protocol) {
            Finding::new(
                Self::META,
                format!("`protocol` `{protocol}` appears only in responses: it cannot be created"),
                Anchor::value("/protocol"),
            )
            .label("response-only protocol")
            .help(format!("create an IdP with one of {allowed}"))
        } else {
            let finding = Finding::new(
                Self::META,
                format!("`protocol` `{protocol}` is not one of {allowed}"),
                Anchor::value("/protocol"),
            )
            .label("unknown protocol");
            match nearest_name(protocol, qlik.protocol_names()) {
                Some(s) => finding.help(format!("did you mean `{s}`?")).fix_string(
                    Applicability::Unsafe,
                    "/protocol",
                    s,
                ),
                None => finding.help(format!("use one of {allowed}")),
            }
        };
        out.push(finding);
    }
}

declare_rule! {
    /// `provider` is not allowed for the `protocol`
    ///
    /// ## Why
    /// Each protocol takes its own providers: OIDC → `auth0`, `okta`, `generic`, `salesforce`,
    /// `keycloak`, `adfs`, `azureAD`; jwtAuth → `external`; SAML → `okta`, `generic`, `adfs`,
    /// `azureAD`. Case matters (`azureAD`, not `AzureAD`). `qlik` appears only in responses. Any
    /// other pairing is refused with a 400. Both members are labelled, since either may be the
    /// wrong one.
    ///
    /// ## Fix
    /// Use a provider of the protocol (a suggestion is given for case and typos), or change the
    /// protocol.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), when one provider is near the value (`AzureAD` → `azureAD`):
    /// the provider changes how Qlik treats claims and options, so confirm the choice.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, the `provider` enums of CreateOIDCPayload and
    ///   CreateJWTAuthPayload: <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document, `CreateSAMLPayload.provider` (SAML):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub ProviderProtocolMismatch {
        code: "IDP102",
        name: "provider-protocol-mismatch",
        severity: Error,
        kinds: [QlikCreate],
        pass: [r#"{"protocol": "jwtAuth", "provider": "external", "options": {"issuer": "https://issuer.acme-corp.io", "staticKeys": []}}"#],
        fail: [
            r#"{"protocol": "OIDC", "provider": "AzureAD", "interactive": false, "options": {"discoveryUrl": "https://login.microsoftonline.com/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/v2.0/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#,
            r#"{"protocol": "jwtAuth", "provider": "okta", "options": {"issuer": "https://issuer.acme-corp.io", "staticKeys": []}}"#,
        ],
    }
}

impl Rule for ProviderProtocolMismatch {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let qlik = &cx.facts.qlik;
        let Some(provider) = cx.str("/provider").filter(|p| cx.is_checkable(p)) else {
            return;
        };
        let protocol = cx.str("/protocol");
        // A response-only protocol is IDP101's, and its provider goes with it.
        if protocol.is_some_and(|p| qlik.response_only_protocols.iter().any(|x| x == p)) {
            return;
        }
        let allowed = protocol.and_then(|p| qlik.providers_for(p).map(|list| (p, list)));
        // Every provider of every protocol, sorted; needed for few payloads.
        let all = || -> Vec<&str> {
            let mut all: Vec<&str> = qlik
                .protocols
                .values()
                .flat_map(|p| p.providers.iter().map(String::as_str))
                .collect();
            all.sort_unstable();
            all.dedup();
            all
        };
        let finding = match allowed {
            Some((_, list)) if list.iter().any(|p| p == provider) => return,
            // An unknown protocol is IDP101's; only a provider unknown to every protocol is ours.
            None if all().contains(&provider) => return,
            _ if qlik.response_only_providers.iter().any(|p| p == provider) => Finding::new(
                Self::META,
                format!("`provider` `{provider}` appears only in responses: it cannot be created"),
                Anchor::value("/provider"),
            )
            .label("response-only provider")
            .help(match allowed {
                Some((protocol, list)) => format!(
                    "use one of {} with {protocol}",
                    listed(list.iter().map(String::as_str))
                ),
                None => format!("use one of {}", listed(all())),
            }),
            Some((protocol, list)) => {
                let choices = listed(list.iter().map(String::as_str));
                let others: Vec<&str> = qlik
                    .protocols
                    .iter()
                    .filter(|(_, p)| p.providers.iter().any(|x| x == provider))
                    .map(|(name, _)| name.as_str())
                    .collect();
                let finding = Finding::new(
                    Self::META,
                    format!("`provider` `{provider}` is not allowed with `protocol` `{protocol}`"),
                    Anchor::value("/provider"),
                )
                .label("provider")
                .related(Anchor::value("/protocol"), "protocol chosen here");
                match nearest_name(provider, list.iter().map(String::as_str)) {
                    Some(s) if others.is_empty() => finding
                        .help(format!("did you mean `{s}`?"))
                        .fix_string(Applicability::Unsafe, "/provider", s),
                    _ if !others.is_empty() => finding.help(format!(
                        "use one of {choices} with {protocol}, or `{provider}` with protocol {}",
                        others
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    )),
                    _ => finding.help(format!("use one of {choices} with {protocol}")),
                }
            }
            None => {
                let finding = Finding::new(
                    Self::META,
                    format!("`provider` `{provider}` is not a provider Qlik knows"),
                    Anchor::value("/provider"),
                )
                .label("unknown provider");
                match nearest_name(provider, all()) {
                    Some(s) => finding.help(format!("did you mean `{s}`?")).fix_string(
                        Applicability::Unsafe,
                        "/provider",
                        s,
                    ),
                    None => finding.help(format!("use one of {}", listed(all()))),
                }
            }
        };
        out.push(finding);
    }
}

/// `a`, `b`, `c` as a message lists names.
fn listed<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names
        .into_iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
