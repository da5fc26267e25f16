//! IONOS bodies end to end: which shapes are recognised as IONOS, and that
//! a body that is no identity-provider request gets one clear finding, not
//! a pile of schema findings.

use idplint::{Kind, Linter, Options, Severity, SourceOptions};

fn lint(text: &str, kind: Option<Kind>) -> (Option<Kind>, bool, Vec<&'static str>) {
    let linter = Linter::new(Options::default());
    let report = linter.lint_source(
        "body.json",
        text,
        &SourceOptions {
            kind,
            ..SourceOptions::default()
        },
    );
    // Infos (the template variable IDP010) are beside the point here.
    let codes = report
        .diagnostics
        .iter()
        .filter(|d| d.severity > Severity::Info)
        .map(|d| d.code)
        .collect();
    (report.kind, report.skipped.is_some(), codes)
}

const OIDC: &str = r#""configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${SECRET}", "clientName": "ionos-dcd"}}"#;

#[test]
fn create_and_ensure_are_recognised_with_or_without_metadata() {
    let create = format!(
        r#"{{"properties": {{"type": "oidc", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", {OIDC}}}}}"#
    );
    assert_eq!(
        lint(&create, None),
        (Some(Kind::IonosCreate), false, vec![])
    );
    let ensure = format!(
        r#"{{"id": "5e6323da-8a45-5732-bec1-d7c29c1dc890", "metadata": {{}}, "properties": {{"type": "oidc", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", {OIDC}}}}}"#
    );
    assert_eq!(
        lint(&ensure, None),
        (Some(Kind::IonosEnsure), false, vec![])
    );
}

#[test]
fn a_domains_body_is_ionos_only_when_the_kind_says_so() {
    let body = r#"{"domain": "acme-corp.io"}"#;
    assert_eq!(lint(body, None), (None, true, vec![]));
    assert_eq!(
        lint(body, Some(Kind::IonosCreate)),
        (Some(Kind::IonosCreate), false, vec!["IDP008"])
    );
    // Other JSON with a `domain` member stays unrecognised.
    let other = r#"{"domain": "acme-corp.io", "name": "web", "version": "1.0.0"}"#;
    assert_eq!(lint(other, None), (None, true, vec![]));
}

#[test]
fn a_list_response_gets_one_finding() {
    let body = r#"{"type": "collection", "href": "/identityproviders", "items": [{"id": "5e6323da-8a45-5732-bec1-d7c29c1dc890", "type": "identityprovider", "href": "/identityproviders/5e6323da-8a45-5732-bec1-d7c29c1dc890"}]}"#;
    assert_eq!(
        lint(body, None),
        (Some(Kind::IonosCreate), false, vec!["IDP008"])
    );
}

#[test]
fn a_patch_aimed_at_ionos_gets_one_finding() {
    let ionos_paths = r#"[{"op": "replace", "path": "/properties/enabled", "value": false}]"#;
    assert_eq!(
        lint(ionos_paths, None),
        (Some(Kind::IonosEnsure), false, vec!["IDP609"])
    );
    let qlik_paths = r#"[{"op": "replace", "path": "/description", "value": "Staff login"}]"#;
    assert_eq!(lint(qlik_paths, None).0, Some(Kind::QlikPatch));
    assert_eq!(
        lint(qlik_paths, Some(Kind::IonosCreate)),
        (Some(Kind::IonosCreate), false, vec!["IDP609"])
    );
}

#[test]
fn names_from_other_apis_get_the_ionos_member_suggested() {
    let linter = Linter::new(Options::default());
    let body = r#"{"properties": {"type": "oidc", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"oidc": {"discoveryUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${SECRET}", "clientId": "ionos-dcd"}}}}"#;
    let report = linter.lint_source("body.json", body, &SourceOptions::default());
    let helps: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.code == "IDP006")
        .filter_map(|d| d.help.as_deref())
        .collect();
    assert_eq!(
        helps,
        [
            "did you mean `openidConfigurationUrl`?",
            "did you mean `clientName`?"
        ]
    );
}
