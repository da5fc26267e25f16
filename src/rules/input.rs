//! IDP001–IDP006: the input and shape rules. Their findings come from the
//! parser, the kind recogniser and the schema pass; only IDP004 has a check
//! of its own, for the members of the IONOS `configuration` block that
//! `type` names. They are declared here so that the catalogue, `explain`,
//! configuration and the examples test treat them like every other rule.

use super::support::{dotted, ionos_checked_blocks, ionos_properties};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Finding, Severity};
use crate::kind::Kind;
use crate::source::Members;

declare_rule! {
    /// the text is not JSON
    ///
    /// ## Why
    /// The API answers a body it cannot parse with a bare 400 and no pointer. The classic case
    /// is a multi-line PEM certificate pasted into a JSON string: a raw line break is not allowed
    /// inside a JSON string (RFC 8259 §7). Trailing commas, comments, single quotes, an empty
    /// file and bytes that are not UTF-8 are the others.
    ///
    /// ## Fix
    /// Correct the syntax at the reported position. Put a PEM on one line (or write each line
    /// break as `\n`).
    ///
    /// ## Autofix
    /// safe (`--fix`), for a PEM whose raw line breaks are the only syntax error: the breaks
    /// are removed and the armour kept, which is the form Qlik asks for; the base64 is
    /// unchanged, so the key is the same key. No other syntax error is fixed: where a comma or
    /// a quote is missing, what was meant is a guess.
    ///
    /// ## References
    /// - RFC 8259, The JavaScript Object Notation (JSON) Data Interchange Format
    /// - qlik.dev, "Create identity providers", JWT: "the `pem` must be on a single line without
    ///   any line breaks": <https://qlik.dev/manage/automate/identity-provider-create/>
    pub InvalidJson {
        code: "IDP001",
        name: "invalid-json",
        severity: Error,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [r#"{"protocol": "jwtAuth", "provider": "external", "options": {"issuer": "https://issuer.acme-corp.io", "staticKeys": []}}"#],
        fail: [
            "{\"protocol\": \"jwtAuth\", \"provider\": \"external\",}",
            "{\"protocol\": \"jwtAuth\", \"provider\": \"external\", \"options\": {\"issuer\": \"https://login.acme-corp.io\", \"staticKeys\": [{\"kid\": \"acme-2026\", \"pem\": \"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx\n-----END PUBLIC KEY-----\"}]}}",
        ],
    }
}
impl Rule for InvalidJson {}

declare_rule! {
    /// an object has the same member name twice
    ///
    /// ## Why
    /// RFC 8259 leaves the meaning of duplicate names open: some servers keep the first value,
    /// some the last, some reject the body. What the API stores is then not what the file
    /// seems to say.
    ///
    /// ## Fix
    /// Keep one of the two members. Both are labelled.
    ///
    /// ## References
    /// - RFC 8259 §4: "The names within an object SHOULD be unique"
    pub DuplicateKey {
        code: "IDP002",
        name: "duplicate-key",
        severity: Error,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [r#"[{"op": "replace", "path": "/description", "value": "Staff login"}]"#],
        fail: [r#"[{"op": "replace", "path": "/description", "value": "Staff login", "value": "Staff"}]"#],
    }
}
impl Rule for DuplicateKey {}

declare_rule! {
    /// the document is not an identity-provider payload, so it is skipped
    ///
    /// ## Why
    /// The pre-commit hook runs on every `*.json` file of a repository. A `package.json` or
    /// `tsconfig.json` is not a request body, and failing it would make the hook useless. With
    /// `--kind auto` (the default) such a file is reported as skipped, never as failing. With an
    /// explicit `--kind`, the schema rules report the shape mismatch instead.
    ///
    /// ## Fix
    /// Nothing to fix. To lint a payload that is not recognised, pass `--kind` or pin the kind
    /// for its path in `idplint.toml`.
    pub UnknownPayload {
        code: "IDP003",
        name: "unknown-payload",
        severity: Info,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [r#"{"protocol": "jwtAuth", "provider": "external", "options": {"issuer": "https://issuer.acme-corp.io", "staticKeys": []}}"#],
        fail: [r#"{"name": "web-app", "version": "1.0.0", "private": true}"#],
    }
}
impl Rule for UnknownPayload {}

declare_rule! {
    /// a required member is absent
    ///
    /// ## Why
    /// The API rejects a body without the members its schema requires (Qlik: `provider`,
    /// `protocol`, and `interactive` for OIDC and SAML; `options` for jwtAuth; `kid` and `pem` of
    /// a static key; IONOS: `properties`, `type`, `name`, `configuration`, and in the block
    /// `type` names, `openidConfigurationUrl` and `clientSecret` for `oidc`, `metadataDescriptor`
    /// for `saml`). The label sits on the object that lacks the member.
    ///
    /// IONOS's `clientName` (OIDC) and `x509Certificate` (SAML) are in every IONOS example but
    /// not in its table of mandatory parameters. `clientName` carries the OIDC client id the
    /// customer's IdP issued ("Configure IAM federation" asks for it), and IONOS also reads the
    /// SAML signing certificate from the metadata, so their absence is a warning: the API may
    /// take the body, the login is unlikely to work. Only the block `type` names is checked: a
    /// block of the other protocol beside it is unused (IDP110).
    ///
    /// ## Severity
    /// - error: a member the API's schema or mandatory-parameter table requires is absent
    /// - warning: IONOS `clientName` or `x509Certificate` is absent from the block `type` names
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Add the member.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, CreateOIDCPayload / CreateJWTAuthPayload:
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - IONOS Cloud, "Create Identity Provider", mandatory body parameters:
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    pub MissingField {
        code: "IDP004",
        name: "missing-field",
        severity: Error,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#],
        fail: [r#"{"protocol": "OIDC", "provider": "okta", "options": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#],
    }
}
impl Rule for MissingField {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if !matches!(cx.kind, Kind::IonosCreate | Kind::IonosEnsure)
            || ionos_properties(cx.root).is_none()
        {
            return;
        }
        for (block, facts, members) in ionos_checked_blocks(cx) {
            let pointer = format!("/properties/configuration/{block}");
            // On PUT the required members are IDP608's (ensure-incomplete).
            let required = facts
                .required
                .iter()
                .filter(|_| cx.kind == Kind::IonosCreate)
                .map(|m| (m, true));
            let expected = facts.expected.iter().map(|m| (m, false));
            for (name, is_required) in required.chain(expected) {
                if members.has(name.as_str()) {
                    continue;
                }
                let place = dotted(&pointer);
                let finding = if is_required {
                    Finding::new(
                        Self::META,
                        format!("missing required member `{name}` in `{place}`"),
                        Anchor::missing(format!("{pointer}/{name}")),
                    )
                    .help(format!("add `{name}`"))
                } else {
                    Finding::new(
                        Self::META,
                        format!("missing `{name}` in `{place}`: every IONOS example sends it"),
                        Anchor::missing(format!("{pointer}/{name}")),
                    )
                    .severity(Severity::Warning)
                    .help(match name.as_str() {
                        "clientName" => "add `clientName`: the client id your IdP issued for IONOS; without it the IdP cannot tell which client signs in".to_string(),
                        _ => format!("add `{name}`: the IdP's signing certificate as bare base64 (IONOS also reads the metadata, but every example sends it)"),
                    })
                };
                out.push(finding.label(format!("`{name}` missing here")));
            }
        }
    }
}

declare_rule! {
    /// a member has the wrong JSON type
    ///
    /// ## Why
    /// `"enabled": "true"` is a string, not a boolean; `"interactive": 1` is a number. The API
    /// rejects such bodies, or worse, some clients coerce them differently.
    ///
    /// ## Fix
    /// Write the value with the documented JSON type; the help says how.
    ///
    /// ## Autofix
    /// safe (`--fix`), for a string that spells the documented value exactly (`"true"`,
    /// `"false"`, `"3"`): the quotes go, the value the author wrote stays. Any other wrong type
    /// has no fix: what to write instead is a decision.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference (Qlik schemas):
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - IONOS Cloud, "Create Identity Provider" (IONOS body parameters):
    ///   <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    pub WrongType {
        code: "IDP005",
        name: "wrong-type",
        severity: Error,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#],
        fail: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": "false", "options": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#],
    }
}
impl Rule for WrongType {}

declare_rule! {
    /// a member the API does not define
    ///
    /// ## Why
    /// A misspelt member is silently ignored by the API, so the setting it was meant to carry
    /// never takes effect (`emailVerified` instead of `emailVerifiedAlwaysTrue`, `clientId` in an
    /// IONOS OIDC block instead of `clientName`). The nearest known name is suggested. Members
    /// that Qlik's own examples send although the schema lacks them (jwtAuth `active`,
    /// `interactive: false`, `options.jwtLoginEnabled`) are reported as info only.
    ///
    /// ## Severity
    /// - warning: a member the API does not define
    /// - info: a member the API is known to tolerate although its schema lacks it (Qlik jwtAuth: `active`, `interactive: false`, `options.jwtLoginEnabled`)
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Rename the member as suggested, or remove it.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), when one known member is near the unknown name
    /// (`discoveryURL` → `discoveryUrl`) and the object does not already have it: the near name
    /// is the likely intent, but the member may also be a note for a person, or belong to
    /// another API, so look before applying. No fix when the object already carries the
    /// suggested member.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference (Qlik schemas):
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    /// - qlik.dev, "Create identity providers" (JWT example with the tolerated extras):
    ///   <https://qlik.dev/manage/automate/identity-provider-create/>
    pub UnknownField {
        code: "IDP006",
        name: "unknown-field",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [r#"{"protocol": "OIDC", "provider": "azureAD", "interactive": false, "options": {"discoveryUrl": "https://login.microsoftonline.com/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/v2.0/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#],
        fail: [r#"{"protocol": "OIDC", "provider": "azureAD", "interactive": false, "options": {"discoveryURL": "https://login.microsoftonline.com/c21eeb5f-f5a6-44e8-a997-123f2f7a123c/v2.0/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#],
    }
}
impl Rule for UnknownField {}

declare_rule! {
    /// a container's own syntax is broken where a request is written
    ///
    /// ## Why
    /// idplint finds request bodies inside the files where people keep them: curl commands in
    /// shell scripts and Markdown, `.http` files, Postman collections. When the container itself
    /// is broken around a request — a quote that is never closed, a heredoc whose end marker is
    /// missing — the shell (or the tool) would send something else than the file seems to say,
    /// or nothing at all. The finding sits on the broken place, not on the body.
    ///
    /// ## Fix
    /// Close the quote, or add the heredoc's end marker on a line of its own.
    ///
    /// ## References
    /// - GNU Bash manual, Quoting and Here Documents: <https://www.gnu.org/software/bash/manual/bash.html#Quoting>
    /// - curl, `--data`: <https://curl.se/docs/manpage.html#-d>
    pub ContainerSyntax {
        code: "IDP012",
        name: "container-syntax",
        severity: Error,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: ["curl -X POST https://acme.eu.qlikcloud.com/api/v1/identity-providers \\\n  -H 'Content-Type: application/json' \\\n  -d '{\"protocol\": \"jwtAuth\", \"provider\": \"external\", \"options\": {\"issuer\": \"https://issuer.acme-corp.io\", \"staticKeys\": []}}'\n"],
        fail: ["curl -X POST https://acme.eu.qlikcloud.com/api/v1/identity-providers \\\n  -H 'Content-Type: application/json' \\\n  -d '{\"protocol\": \"jwtAuth\", \"provider\": \"external\"}\n"],
    }
}
impl Rule for ContainerSyntax {}

declare_rule! {
    /// a body is sent to an identity-provider endpoint with a method it does not take
    ///
    /// ## Why
    /// Each endpoint takes a body with one method: Qlik creates with `POST
    /// /api/v1/identity-providers` and changes with `PATCH /api/v1/identity-providers/{id}`;
    /// IONOS creates with `POST /federation/identityproviders` and creates or replaces with `PUT
    /// /federation/identityproviders/{id}`. A `PUT` to Qlik, a `POST` to an IONOS id, a `GET`
    /// with a body is refused (405) or ignores the body.
    ///
    /// ## Fix
    /// Use the method the endpoint takes, or the endpoint that takes the method.
    ///
    /// ## References
    /// - <https://qlik.dev/apis/rest/identity-providers/>
    /// - <https://docs.ionos.com/cloud/set-up-ionos-cloud/management/identity-access-management/iam-federation/api-how-tos/create-identity-provider>
    pub RequestMethod {
        code: "IDP013",
        name: "request-method",
        severity: Error,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: ["curl -X PATCH https://acme.eu.qlikcloud.com/api/v1/identity-providers/65f1c0c1e2d3 \\\n  -H 'Content-Type: application/json' \\\n  -d '[{\"op\": \"replace\", \"path\": \"/description\", \"value\": \"Staff login\"}]'\n"],
        fail: ["curl -X PUT https://acme.eu.qlikcloud.com/api/v1/identity-providers/65f1c0c1e2d3 \\\n  -H 'Content-Type: application/json' \\\n  -d '[{\"op\": \"replace\", \"path\": \"/description\", \"value\": \"Staff login\"}]'\n"],
    }
}
impl Rule for RequestMethod {}
