//! IDP501–IDP507: URLs. The members that hold a URL, per kind, and their
//! roles are in `rules/url-shapes.json` (`urlFields`), with the providers'
//! discovery-URL shapes. One problem gives one finding: a value that is no
//! URL is IDP502's alone; the scheme (IDP503), the discovery suffix (IDP504)
//! and the provider's shape (IDP505) are only judged on a parsed URL.

use serde_json::Value;
use url::Url;

use super::support::urls::{Invalid, UrlValue};
use super::support::{child_pointer, shorten, too_long};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding, Repair, Severity};
use crate::facts::Protocol;
use crate::facts::{UrlRole, UrlShape, UrlShapes};
use crate::kind::Kind;
use crate::source::Members;

/// The discovery URL with `/.well-known/openid-configuration` in place, if
/// the path does not end with it, and a label saying what it looked like.
fn well_known_fix(text: &str, url: &Url, suffix: &str) -> Option<(String, &'static str)> {
    if url.path().ends_with(suffix) {
        return None;
    }
    // Byte offsets below all come from `find` on ASCII patterns: char boundaries.
    let scheme_end = text.find("//").map_or(0, |i| i + 2);
    let cut = text
        .get(scheme_end..)
        .and_then(|t| t.find(['?', '#']))
        .map_or(text.len(), |i| scheme_end + i);
    let (base, rest) = text.split_at(cut);
    let trimmed = base.trim_end_matches('/');
    let other_document = trimmed
        .get(scheme_end..)
        .and_then(|t| t.find("/.well-known/"))
        .and_then(|i| trimmed.get(..scheme_end + i));
    let (fixed, label) = if trimmed.ends_with(suffix) {
        (trimmed.to_string(), "trailing `/`")
    } else if let Some(prefix) = other_document {
        (format!("{prefix}{suffix}"), "another well-known document")
    } else {
        (
            format!("{trimmed}{suffix}"),
            "issuer URL, not the discovery document",
        )
    };
    Some((format!("{fixed}{rest}"), label))
}

/// How a discovery URL misses its provider's shape.
enum Mismatch {
    /// The host is another provider's own.
    OtherVendor(String),
    /// The path breaks the provider's convention.
    Path,
}

impl Mismatch {
    fn is_host(&self) -> bool {
        matches!(self, Mismatch::OtherVendor(_))
    }
}

/// The provider's shape and the mismatch of a Qlik create body's discovery
/// URL, if the provider is known and the URL misses it.
fn provider_mismatch<'a>(
    cx: &Context<'a>,
    value: &UrlValue<'_>,
) -> Option<(&'a str, &'a UrlShape, Mismatch)> {
    if cx.kind != Kind::QlikCreate || value.role != UrlRole::Discovery {
        return None;
    }
    if cx.qlik_protocol() != Some(Protocol::Oidc) {
        return None;
    }
    let url = value.parsed.as_ref().ok()?;
    let provider = cx.provider()?;
    let shapes = &cx.facts.url_shapes;
    let shape = shapes.providers.get(provider)?;
    let host = url.host_str()?;
    let path = match well_known_fix(url.as_str(), url, &shapes.well_known_suffix) {
        Some((fixed, _)) => Url::parse(&fixed).map(|u| u.path().to_string()).ok()?,
        None => url.path().to_string(),
    };
    mismatch(shapes, provider, shape, host, &path).map(|m| (provider, shape, m))
}

fn mismatch(
    shapes: &UrlShapes,
    provider: &str,
    shape: &UrlShape,
    host: &str,
    path: &str,
) -> Option<Mismatch> {
    if shape.any_vendor {
        return None;
    }
    if let Some((owner, _)) = shapes.owner_of(host) {
        if owner != provider && !shape.also_accept.iter().any(|a| a == owner) {
            return Some(Mismatch::OtherVendor(owner.to_string()));
        }
    }
    let accepted_elsewhere = shape.also_accept.iter().any(|a| {
        shapes
            .providers
            .get(a)
            .is_some_and(|s| s.owns_host(host) && s.path_matches(path))
    });
    if accepted_elsewhere {
        return None;
    }
    (!shape.path_matches(path)).then_some(Mismatch::Path)
}

const OKTA_PENDING: &str = r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"]}}}"#;

declare_rule! {
    /// OIDC options give neither `discoveryUrl` nor `openid_configuration`
    ///
    /// ## Why
    /// Qlik finds the IdP's endpoints either in the discovery document at `discoveryUrl`
    /// ("Required if openid_configuration is not given") or in a manual `openid_configuration`.
    /// With neither, the IdP cannot be reached (error). With both, the manual configuration
    /// competes with the discovery document: Qlik's help says it "should be used only when a
    /// discovery URL has not been entered" (warning).
    ///
    /// ## Severity
    /// - error: neither `discoveryUrl` nor `openid_configuration`
    /// - warning: both are given
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Add `discoveryUrl` with the IdP's `…/.well-known/openid-configuration` URL; keep
    /// `openid_configuration` only for an IdP without a discovery document.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, IDPOptions.discoveryUrl:
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik help, "Creating an interactive OIDC IdP configuration" (manual configuration only
    ///   without a discovery URL):
    ///   <https://help.qlik.com/en-US/cloud-services/Subsystems/Hub/Content/Sense_Hub/Admin/mc-creating-oidc-idp.htm>
    pub DiscoveryMissing {
        code: "IDP501",
        name: "discovery-missing",
        severity: Error,
        kinds: [QlikCreate],
        pass: [OKTA_PENDING],
        fail: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"]}}}"#],
    }
}

impl Rule for DiscoveryMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.qlik_protocol() != Some(Protocol::Oidc) {
            return;
        }
        for block in &cx.facts.qlik.option_blocks {
            let Some(Value::Object(options)) = cx.get(block) else {
                continue;
            };
            let name = block.trim_start_matches('/');
            let url = child_pointer(block, "discoveryUrl");
            let manual = child_pointer(block, "openid_configuration");
            match (
                options.has("discoveryUrl"),
                options.has("openid_configuration"),
            ) {
                (false, false) => out.push(
                    Finding::new(
                        Self::META,
                        format!("`{name}` has neither `discoveryUrl` nor `openid_configuration`"),
                        Anchor::missing(url),
                    )
                    .label("no discovery configured")
                    .help("add `discoveryUrl` with the IdP's `…/.well-known/openid-configuration` URL"),
                ),
                (true, true) => out.push(
                    Finding::new(
                        Self::META,
                        format!("`{name}` has both `discoveryUrl` and `openid_configuration`"),
                        Anchor::key(manual),
                    )
                    .severity(Severity::Warning)
                    .label("manual configuration")
                    .related(Anchor::key(url), "discovery URL")
                    .help("remove `openid_configuration` unless the IdP has no discovery document"),
                ),
                _ => {}
            }
        }
    }
}

declare_rule! {
    /// a URL field is not an absolute http(s) URL
    ///
    /// ## Why
    /// Discovery URLs, SAML metadata URLs, IdP endpoints and redirect URIs are fetched or
    /// followed as given. A host without a scheme (`acme.okta.com/…`), another scheme, stray
    /// whitespace or a malformed host is rejected or fails at login. IONOS's `metadataDescriptor`
    /// takes the URL of the SAML metadata, not the XML document itself (nor its base64).
    /// Checked fields: Qlik `discoveryUrl`, `openid_configuration.*`, `signOnUrl`,
    /// `postLogoutRedirectUri`; IONOS `openidConfigurationUrl` and `metadataDescriptor`.
    ///
    /// A URL copied from rendered Markdown keeps the autolink brackets (`"<https://…>"`): the
    /// brackets are reported, and the URL inside is checked by the other URL rules.
    ///
    /// `postLogoutRedirectUri` is different: Qlik's contract types it as a plain string of at
    /// most 2083 characters ("Direct the user on logout to a specific URI"), and `""` is how a
    /// PATCH clears it. An empty value is not reported, and a value that is not an absolute
    /// URL is a warning: the API stores it, but a browser cannot be sent there on logout.
    ///
    /// ## Severity
    /// - error: a discovery, metadata or endpoint URL is not an absolute http(s) URL
    /// - warning: `postLogoutRedirectUri` is not an absolute http(s) URL
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Write an absolute `https://` URL.
    ///
    /// ## Autofix
    /// safe (`--fix`), for a URL wrapped in Markdown's `<` `>`, or with whitespace at its ends:
    /// the URL inside is the one that was meant. A relative or malformed URL has no fix.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, discoveryUrl "(Ex:
    ///   `https://<domain>/.well-known/openid-configuration`)":
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - IONOS Cloud, "Create Identity Provider" (IONOS openidConfigurationUrl and
    ///   metadataDescriptor examples):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    pub UrlInvalid {
        code: "IDP502",
        name: "url-invalid",
        severity: Error,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [
            OKTA_PENDING,
            r#"[{"op": "replace", "path": "/postLogoutRedirectUri", "value": ""}]"#,
            r#"{"properties": {"type": "saml", "name": "ACME Keycloak", "enabled": true, "domain": "acme-corp.io", "configuration": {"saml": {"metadataDescriptor": "https://sso.acme-corp.io/realms/staff/protocol/saml/descriptor", "x509Certificate": "MIIC"}}}}"#,
        ],
        fail: [
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "<https://acme.okta.com/oauth2/default/.well-known/openid-configuration>", "clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"]}}}"#,
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "acme.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"]}}}"#,
            r#"{"properties": {"type": "saml", "name": "ACME Keycloak", "enabled": true, "domain": "acme-corp.io", "configuration": {"saml": {"metadataDescriptor": "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"https://sso.acme-corp.io/realms/staff\"><md:IDPSSODescriptor/></md:EntityDescriptor>", "x509Certificate": "MIIC"}}}}"#,
        ],
    }
}

impl Rule for UrlInvalid {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for value in cx.url_values() {
            // A post-logout redirect is a plain string to the API (see the manual).
            let severity = if value.role == UrlRole::Redirect {
                Severity::Warning
            } else {
                Severity::Error
            };
            if value.autolinked {
                out.push(
                    Finding::new(
                        Self::META,
                        format!(
                            "`{}` is wrapped in `<` `>`, the brackets Markdown puts around a link",
                            value.name()
                        ),
                        value.field.anchor(),
                    )
                    .severity(severity)
                    .label("`<` `>` around the URL")
                    .help(format!(
                        "remove the `<` and `>`: `{}`",
                        shorten(value.text(), 100)
                    ))
                    .fix(
                        Applicability::Safe,
                        "remove the `<` and `>`",
                        vec![Repair::Value {
                            pointer: value.field.pointer.clone(),
                            json: Value::from(value.text()).to_string(),
                        }],
                    ),
                );
            }
            let Err(invalid) = &value.parsed else {
                continue;
            };
            if value.role == UrlRole::Redirect && value.text().is_empty() {
                continue;
            }
            let name = value.name();
            let shown = shorten(value.text(), 80);
            let metadata_help = if value.role == UrlRole::Metadata {
                "give the URL the IdP publishes its SAML metadata at (e.g. `https://<idp-host>/realms/<realm>/protocol/saml/descriptor`), not the document"
            } else {
                "give the document's URL, not the document"
            };
            let finding = match invalid {
                Invalid::Xml => Finding::new(
                    Self::META,
                    format!("`{name}` holds an inline XML document, not a URL"),
                    value.field.anchor(),
                )
                .label("XML, not a URL")
                .help(metadata_help),
                Invalid::Base64Xml => Finding::new(
                    Self::META,
                    format!("`{name}` holds a base64-encoded XML document, not a URL"),
                    value.field.anchor(),
                )
                .label("base64 XML, not a URL")
                .help(metadata_help),
                Invalid::Whitespace(fixed) => {
                    let f = Finding::new(
                        Self::META,
                        format!("`{name}` contains whitespace: `{shown}`"),
                        value.field.anchor(),
                    )
                    .label("whitespace in the URL");
                    match fixed {
                        Some(fixed) => f
                            .help(format!("remove the surrounding whitespace: `{fixed}`"))
                            .fix(
                                Applicability::Safe,
                                "remove the surrounding whitespace",
                                vec![Repair::Value {
                                    pointer: value.field.pointer.clone(),
                                    json: Value::from(fixed.as_str()).to_string(),
                                }],
                            ),
                        None => f.help("remove the whitespace, or encode a space as `%20`"),
                    }
                }
                Invalid::Control => Finding::new(
                    Self::META,
                    format!("`{name}` contains a control character"),
                    value.field.anchor(),
                )
                .label("control character in the URL")
                .help("remove the control character (often pasted along with the URL)"),
                Invalid::Relative(suggestion) => Finding::new(
                    Self::META,
                    format!("`{name}` is not an absolute URL: `{shown}`"),
                    value.field.anchor(),
                )
                .label("no scheme")
                .help(match suggestion {
                    Some(s) => format!("add the scheme: `{s}`"),
                    None => "write an absolute `https://` URL".to_string(),
                }),
                Invalid::Scheme(scheme) => Finding::new(
                    Self::META,
                    format!("`{name}` must be an http(s) URL, not `{scheme}:`"),
                    value.field.anchor(),
                )
                .label(format!("scheme `{scheme}`"))
                .help("use an `https://` URL"),
                Invalid::Malformed(why) => Finding::new(
                    Self::META,
                    format!("`{name}` is not a valid URL ({why}): `{shown}`"),
                    value.field.anchor(),
                )
                .label("invalid URL")
                .help("write an absolute `https://` URL"),
            };
            out.push(finding.severity(severity));
        }
    }
}

declare_rule! {
    /// a discovery, metadata or endpoint URL uses plain http
    ///
    /// ## Why
    /// The discovery document, the SAML metadata and the IdP's endpoints carry the keys and
    /// endpoints that every login trusts. Over plain http anyone on the path can replace them.
    /// Qlik's examples are all https; IONOS's Keycloak-based backend refuses plain http for
    /// non-local hosts by default. `localhost`, `127.0.0.1` and `::1` are excepted (local test
    /// IdPs). A post-logout redirect is not checked.
    ///
    /// ## Fix
    /// Use the `https://` URL of the same document.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`): the `http://` becomes `https://`. Most IdPs serve the same
    /// document on both, but not all, and a port in the URL may be the plain-HTTP one; fetch
    /// the new URL once.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference (discoveryUrl example):
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document, `OpenIDConfiguration` (the endpoints of a manual configuration):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    /// - IONOS Cloud, "Create Identity Provider" (the https examples of openidConfigurationUrl and
    ///   metadataDescriptor; the Keycloak URL layout of `redirectURI` and `endpoint`):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    /// - Keycloak Server Administration Guide, "Configuring SSL for a realm" (by default, https is
    ///   required for external requests); that IONOS runs on Keycloak is idplint's inference from
    ///   the URL layout above: <https://www.keycloak.org/docs/latest/server_admin/>
    pub UrlNotHttps {
        code: "IDP503",
        name: "url-not-https",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [
            r#"{"properties": {"type": "oidc", "name": "ACME Keycloak", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "https://sso.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientName": "ionos-cloud", "clientSecret": "${IONOS_IDP_CLIENT_SECRET}"}}}}"#,
            r#"[{"op": "replace", "path": "/pendingOptions/discoveryUrl", "value": "http://localhost:8080/realms/dev/.well-known/openid-configuration"}]"#,
        ],
        fail: [r#"{"properties": {"type": "oidc", "name": "ACME Keycloak", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"openidConfigurationUrl": "http://sso.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientName": "ionos-cloud", "clientSecret": "${IONOS_IDP_CLIENT_SECRET}"}}}}"#],
    }
}

impl Rule for UrlNotHttps {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let shapes = &cx.facts.url_shapes;
        for value in cx.url_values() {
            let Ok(url) = &value.parsed else {
                continue;
            };
            if value.role == UrlRole::Redirect || url.scheme() != "http" {
                continue;
            }
            if url.host_str().is_some_and(|h| shapes.is_loopback(h)) {
                continue;
            }
            let https = format!(
                "https{}",
                value.text().get("http".len()..).unwrap_or_default()
            );
            out.push(
                Finding::new(
                    Self::META,
                    format!(
                        "`{}` uses plain http: `{}`",
                        value.name(),
                        shorten(value.text(), 80)
                    ),
                    value.field.anchor(),
                )
                .label("not https")
                .help(format!("use `{}`", shorten(&https, 100)))
                .fix_string(
                    Applicability::Unsafe,
                    value.field.pointer.clone(),
                    &https,
                ),
            );
        }
    }
}

declare_rule! {
    /// the discovery URL does not end with `/.well-known/openid-configuration`
    ///
    /// ## Why
    /// `discoveryUrl` (Qlik) and `openidConfigurationUrl` (IONOS) take the URL of the OpenID
    /// Connect discovery document itself. Pasting the issuer URL (`https://acme.okta.com`, the
    /// `iss` of a token) instead is the classic mistake: the document is not found and the
    /// IdP cannot be set up. A trailing `/` or another well-known document
    /// (`/.well-known/oauth-authorization-server`) is reported as well.
    ///
    /// ## Fix
    /// Append `/.well-known/openid-configuration` to the issuer URL, as the help shows.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), for an issuer URL: `/.well-known/openid-configuration` is
    /// appended, which is where OpenID Connect Discovery puts the document. Some IdPs publish
    /// it elsewhere, so fetch the new URL once.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, discoveryUrl "(Ex:
    ///   `https://<domain>/.well-known/openid-configuration`)":
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - IONOS Cloud, "Create Identity Provider" (openidConfigurationUrl example):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    /// - OpenID Connect Discovery 1.0 §4
    pub DiscoveryUrlNotWellKnown {
        code: "IDP504",
        name: "discovery-url-not-well-known",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [OKTA_PENDING],
        fail: [r#"[{"op": "replace", "path": "/pendingOptions/discoveryUrl", "value": "https://acme.okta.com/oauth2/default"}]"#],
    }
}

impl Rule for DiscoveryUrlNotWellKnown {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let suffix = &cx.facts.url_shapes.well_known_suffix;
        for value in cx.url_values() {
            let Ok(url) = &value.parsed else {
                continue;
            };
            if value.role != UrlRole::Discovery {
                continue;
            }
            let Some((fixed, label)) = well_known_fix(value.text(), url, suffix) else {
                continue;
            };
            // A URL on the wrong host is IDP505's; appending the suffix would not help.
            if provider_mismatch(cx, value).is_some_and(|(_, _, m)| m.is_host()) {
                continue;
            }
            out.push(
                Finding::new(
                    Self::META,
                    format!("`{}` does not end with `{suffix}`", value.name()),
                    value.field.anchor(),
                )
                .label(label)
                .help(format!("use the discovery document: `{fixed}`"))
                .fix_string(
                    Applicability::Unsafe,
                    value.field.pointer.clone(),
                    &fixed,
                ),
            );
        }
    }
}

declare_rule! {
    /// the discovery URL does not have the shape of the `provider`'s URLs
    ///
    /// ## Why
    /// Qlik's providers expect their vendor's discovery documents. For `azureAD` the URL Qlik's
    /// example uses is the app registration's "OpenID Connect metadata document",
    /// `https://login.microsoftonline.com/<tenant-id>/v2.0/.well-known/openid-configuration`.
    /// Microsoft serves the same document from its other sign-in hosts (`login.microsoft.com`,
    /// `login.windows.net`, the national clouds, `<tenant>.b2clogin.com` for Azure AD B2C with
    /// a policy segment, `<tenant>.ciamlogin.com` for Entra External ID) and from custom URL
    /// domains, so none of those is reported; the v1 document (no `/v2.0/`) is, because its
    /// tokens name another issuer than the v2.0 ones. For the other providers the shapes are
    /// vendor conventions (Okta `/oauth2/<server>/…` or the org server, Keycloak
    /// `/realms/<realm>/…`, ADFS `/adfs/…`): a URL on another vendor's host or off the
    /// provider's path convention is reported; a custom domain is fine. An Azure URL with
    /// provider `adfs` is a legitimate historic setup. `generic` takes any URL.
    ///
    /// Always a warning: Qlik's API takes any string as `discoveryUrl`, and no Qlik source says
    /// it rejects another shape; a mismatch is a likely mix-up, found at the first login.
    ///
    /// ## Fix
    /// Use the provider's discovery URL as the help shows, or set `provider` to the vendor that
    /// serves the URL.
    ///
    /// ## References
    /// - qlik.dev, "Create identity providers" (Azure AD example):
    ///   <https://qlik.dev/manage/automate/identity-provider-create/>
    /// - Qlik community Azure AD article, "How To: Configure Qlik Sense Enterprise SaaS to use
    ///   Azure AD as an IdP" (the "OpenID Connect metadata document"; Azure AD set up as `adfs`):
    ///   <https://community.qlik.com/t5/Official-Support-Articles/How-To-Configure-Qlik-Sense-Enterprise-SaaS-to-use-Azure-AD-as/ta-p/1704442>
    /// - Qlik help, "Creating an interactive OIDC IdP configuration" (the discovery URL of each
    ///   provider):
    ///   <https://help.qlik.com/en-US/cloud-services/Subsystems/Hub/Content/Sense_Hub/Admin/mc-creating-oidc-idp.htm>
    /// - the Okta, Keycloak and ADFS path shapes are these vendors' conventions, not Qlik's
    pub DiscoveryUrlProviderMismatch {
        code: "IDP505",
        name: "discovery-url-provider-mismatch",
        severity: Warning,
        kinds: [QlikCreate],
        pass: [
            r#"{"protocol": "OIDC", "provider": "azureAD", "interactive": true, "skipVerify": true, "options": {"discoveryUrl": "https://login.microsoftonline.com/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/v2.0/.well-known/openid-configuration", "clientId": "76d2ce8f-630b-4e5a-904b-a0d6a53aabc2", "clientSecret": "${AZURE_CLIENT_SECRET}", "emailVerifiedAlwaysTrue": true, "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email", "upn"]}}}"#,
            r#"{"protocol": "OIDC", "provider": "auth0", "interactive": true, "pendingOptions": {"discoveryUrl": "https://login.acme-corp.io/.well-known/openid-configuration", "clientId": "kT3v9QbW1xLr7ZpN2sYd8HfJ4mCg6AeU", "clientSecret": "${AUTH0_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"]}}}"#,
        ],
        fail: [
            r#"{"protocol": "OIDC", "provider": "azureAD", "interactive": true, "skipVerify": true, "options": {"discoveryUrl": "https://login.microsoftonline.com/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/.well-known/openid-configuration", "clientId": "76d2ce8f-630b-4e5a-904b-a0d6a53aabc2", "clientSecret": "${AZURE_CLIENT_SECRET}", "emailVerifiedAlwaysTrue": true, "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email", "upn"]}}}"#,
            r#"{"protocol": "OIDC", "provider": "auth0", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "kT3v9QbW1xLr7ZpN2sYd8HfJ4mCg6AeU", "clientSecret": "${AUTH0_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"]}}}"#,
        ],
    }
}

impl Rule for DiscoveryUrlProviderMismatch {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for value in cx.url_values() {
            let Some((provider, shape, mismatch)) = provider_mismatch(cx, value) else {
                continue;
            };
            let Ok(url) = &value.parsed else {
                continue;
            };
            let host = url.host_str().unwrap_or_default();
            let name = value.name();
            let (message, label, help) = match mismatch {
                Mismatch::OtherVendor(owner) => (
                    format!("`{name}` is on host `{host}` of provider `{owner}`, but `provider` is `{provider}`"),
                    format!("`{owner}` URL"),
                    format!(
                        "set `provider` to `{owner}`, or use a discovery URL of provider `{provider}`, such as `{}`",
                        shape.example
                    ),
                ),
                Mismatch::Path => (
                    format!(
                        "`{name}` path `{}` does not have the `{provider}` shape",
                        shorten(url.path(), 100)
                    ),
                    format!("not the path `{provider}` expects"),
                    format!("use a URL of the shape `{}`", shape.example),
                ),
            };
            out.push(
                Finding::new(Self::META, message, value.field.anchor())
                    .label(label)
                    .help(help)
                    .related(Anchor::value("/provider"), "provider set here"),
            );
        }
    }
}

declare_rule! {
    /// `openid_configuration` lacks a member the API requires
    ///
    /// ## Why
    /// A manual OpenID configuration replaces the discovery document, so Qlik requires the
    /// members it cannot work without: `issuer`, `authorization_endpoint`, `token_endpoint` and
    /// `jwks_uri`. `userinfo_endpoint`, `end_session_endpoint` and `introspection_endpoint` are
    /// optional.
    ///
    /// ## Fix
    /// Copy the missing members from the IdP's discovery document.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, OpenIDConfiguration:
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document (`OpenIDConfiguration.required`):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub OpenidConfigurationIncomplete {
        code: "IDP506",
        name: "openid-configuration-incomplete",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"{"protocol": "OIDC", "provider": "generic", "interactive": false, "options": {"openid_configuration": {"issuer": "https://idp.acme-corp.io", "authorization_endpoint": "https://idp.acme-corp.io/authorize", "token_endpoint": "https://idp.acme-corp.io/token", "jwks_uri": "https://idp.acme-corp.io/jwks"}, "claimsMapping": {"sub": ["sub"], "client_id": ["client_id"]}}}"#],
        fail: [r#"{"protocol": "OIDC", "provider": "generic", "interactive": false, "options": {"openid_configuration": {"issuer": "https://idp.acme-corp.io", "authorization_endpoint": "https://idp.acme-corp.io/authorize", "token_endpoint": "https://idp.acme-corp.io/token"}, "claimsMapping": {"sub": ["sub"], "client_id": ["client_id"]}}}"#],
    }
}

impl Rule for OpenidConfigurationIncomplete {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.qlik_protocol().is_some_and(|p| p != Protocol::Oidc) {
            return;
        }
        let required = &cx.facts.qlik.openid_configuration_required;
        for block in &cx.facts.qlik.option_blocks {
            for field in cx.fields(&child_pointer(block, "openid_configuration")) {
                let Value::Object(config) = field.value else {
                    continue;
                };
                let missing: Vec<&String> = required
                    .iter()
                    .filter(|k| !config.has(k.as_str()))
                    .collect();
                let Some(first) = missing.first() else {
                    continue;
                };
                let list = missing
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                out.push(
                    Finding::new(
                        Self::META,
                        format!("`openid_configuration` lacks {list}"),
                        Anchor::missing(format!("{}/{first}", field.pointer)),
                    )
                    .label(format!("{list} missing"))
                    .help(format!("add {list} from the IdP's discovery document")),
                );
            }
        }
    }
}

declare_rule! {
    /// `postLogoutRedirectUri` is longer than 2083 characters
    ///
    /// ## Why
    /// Qlik's schema limits `postLogoutRedirectUri` to 2083 characters, the classic URL limit
    /// of browsers; a longer value is rejected. A patch of `/postLogoutRedirectUri` is checked
    /// too.
    ///
    /// ## Fix
    /// Redirect to a shorter URL; move long state out of the query string.
    ///
    /// ## References
    /// - Qlik's OpenAPI document: `postLogoutRedirectUri` `maxLength: 2083`:
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub UrlTooLong {
        code: "IDP507",
        name: "url-too-long",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/postLogoutRedirectUri", "value": "https://analytics.acme-corp.io/signed-out"}]"#],
        fail: [LONG_REDIRECT],
    }
}

const LONG_REDIRECT: &str = concat!(
    r#"[{"op": "replace", "path": "/postLogoutRedirectUri", "value": "https://analytics.acme-corp.io/signed-out?return="#,
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    "aHR0cHM6Ly9hbmFseXRpY3MuYWNtZS1jb3JwLmlvL3NlbnNlL2FwcC8xMjM0NTY3ODkwYWJjZGVm",
    r#""}]"#
);

impl Rule for UrlTooLong {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let max = cx.facts.qlik.bounds.post_logout_redirect_uri_max_chars;
        for field in cx.fields("/postLogoutRedirectUri") {
            let Some(s) = cx.checkable_str(field.value) else {
                continue;
            };
            let n = s.chars().count();
            if n > max {
                out.push(too_long(Self::META, "postLogoutRedirectUri", &field, n, max, format!(
                        "redirect to a URL of at most {max} characters; move long state out of the query"
                    )));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUFFIX: &str = "/.well-known/openid-configuration";

    fn fix(s: &str) -> Option<String> {
        let url = Url::parse(s).ok()?;
        well_known_fix(s, &url, SUFFIX).map(|(f, _)| f)
    }

    #[test]
    fn well_known_fix_appends_replaces_and_keeps_the_query() {
        assert_eq!(
            fix("https://acme.okta.com/oauth2/default/.well-known/openid-configuration"),
            None
        );
        assert_eq!(
            fix("https://acme.okta.com").as_deref(),
            Some("https://acme.okta.com/.well-known/openid-configuration")
        );
        assert_eq!(
            fix("https://acme.okta.com/oauth2/default/").as_deref(),
            Some("https://acme.okta.com/oauth2/default/.well-known/openid-configuration")
        );
        assert_eq!(
            fix("https://acme.okta.com/.well-known/oauth-authorization-server?x=1").as_deref(),
            Some("https://acme.okta.com/.well-known/openid-configuration?x=1")
        );
        assert_eq!(
            fix("https://acme.b2clogin.com/acme.onmicrosoft.com/v2.0/.well-known/openid-configuration?p=B2C_1_signin"),
            None
        );
    }

    #[test]
    fn shapes_accept_custom_domains_and_historic_adfs() {
        let shapes = &crate::facts::facts().url_shapes;
        let check = |provider: &str, url: &str| {
            let u = Url::parse(url).expect("test URL");
            let shape = &shapes.providers[provider];
            mismatch(
                shapes,
                provider,
                shape,
                u.host_str().unwrap_or(""),
                u.path(),
            )
        };
        let azure = "https://login.microsoftonline.com/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/v2.0/.well-known/openid-configuration";
        assert!(check("azureAD", azure).is_none());
        assert!(check("adfs", azure).is_none());
        assert!(check(
            "auth0",
            "https://login.acme-corp.io/.well-known/openid-configuration"
        )
        .is_none());
        assert!(check(
            "keycloak",
            "https://acme-corp.io/auth/realms/staff/.well-known/openid-configuration"
        )
        .is_none());
        assert!(check(
            "generic",
            "https://acme.okta.com/.well-known/openid-configuration"
        )
        .is_none());
        for entra in [
            "https://login.microsoft.com/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/v2.0/.well-known/openid-configuration",
            "https://login.windows.net/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/v2.0/.well-known/openid-configuration",
            "https://acmeb2c.b2clogin.com/acmeb2c.onmicrosoft.com/B2C_1_signin/v2.0/.well-known/openid-configuration",
            "https://acme.ciamlogin.com/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/v2.0/.well-known/openid-configuration",
            "https://login.acme-corp.io/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/v2.0/.well-known/openid-configuration",
        ] {
            assert!(check("azureAD", entra).is_none(), "{entra}");
        }
        assert!(matches!(
            check("azureAD", "https://login.microsoftonline.com/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/.well-known/openid-configuration"),
            Some(Mismatch::Path)
        ));
        assert!(matches!(
            check("azureAD", "https://acme.okta.com/oauth2/default/.well-known/openid-configuration"),
            Some(Mismatch::OtherVendor(v)) if v == "okta"
        ));
        assert!(matches!(
            check("keycloak", "https://acme.eu.auth0.com/.well-known/openid-configuration"),
            Some(Mismatch::OtherVendor(v)) if v == "auth0"
        ));
    }
}
