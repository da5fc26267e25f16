//! Payloads where people keep them: curl commands in shell scripts and
//! Markdown, `.http` files, Postman collections. Each finding is placed on
//! the bytes of the container file, and says which request it belongs to.

use std::path::Path;

use idplint::{
    render, Config, FileReport, Format, Kind, Linter, Options, Report, Severity, SourceOptions,
};

fn lint(path: &str) -> FileReport {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let bytes = std::fs::read(&full).expect("fixture is readable");
    Linter::new(Options::default()).lint_bytes(path, &bytes, &SourceOptions::default())
}

fn text_at(path: &str, offset: usize, length: usize) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let bytes = std::fs::read(full).unwrap();
    String::from_utf8_lossy(&bytes[offset..offset + length]).into_owned()
}

fn human(report: FileReport) -> String {
    render(
        &Report {
            files: vec![report],
        },
        Format::Human,
    )
}

#[test]
fn the_qlik_documentation_page_is_linted_from_its_curl_commands() {
    let path = "testdata/docs/qlik-create-identity-providers.md";
    let report = lint(path);
    assert_eq!(report.payloads, 2, "the JWT and the Azure AD requests");
    assert_eq!(report.kind, Some(Kind::QlikCreate));
    // The truncated JWT `pem`, inside the Windows `^` curl body of the page.
    let pem = report
        .diagnostics
        .iter()
        .find(|d| d.code == "IDP302")
        .expect("the truncated pem is reported");
    assert_eq!((pem.start.line, pem.start.column), (47, 28));
    let written = text_at(path, pem.span.offset, pem.span.length);
    assert!(
        written.starts_with("\\\"-----BEGIN CERTIFICATE-----MIIFwzCC"),
        "{written}"
    );
    assert!(
        written.ends_with("-----END CERTIFICATE-----\\\""),
        "{written}"
    );
    let request = pem.request.as_ref().expect("a request");
    assert_eq!(request.index, 0);
    assert_eq!(
        request.line.as_deref(),
        Some("POST https://mytenant.eu.qlikcloud.com/api/v1/identity-providers")
    );
    // The Azure AD request's findings are on its own lines, further down.
    let azure: Vec<_> = report
        .diagnostics
        .iter()
        .filter(|d| d.request.as_ref().is_some_and(|r| r.index == 1))
        .collect();
    assert!(!azure.is_empty());
    assert!(
        azure.iter().all(|d| (76..=119).contains(&d.start.line)),
        "{azure:?}"
    );
    insta::assert_snapshot!("docs__qlik-create-identity-providers", human(report));
}

#[test]
fn the_ionos_documentation_page_has_two_create_requests() {
    let report = lint("testdata/docs/ionos-create-identity-provider.md");
    assert_eq!(report.payloads, 2);
    assert_eq!(report.kind, Some(Kind::IonosCreate));
    let requests: Vec<_> = report
        .diagnostics
        .iter()
        .filter_map(|d| d.request.as_ref())
        .filter_map(|r| r.line.clone())
        .collect();
    assert!(requests
        .iter()
        .all(|l| l == "POST https://iam.ionos.com/federation/identityproviders"));
    // The bearer token written in the page is a secret: reported, never printed.
    let text = human(report);
    assert!(text.contains("IDP011"));
    assert!(!text.contains("eyJ0eXAiOiJKV1QiLCJraWQiO"), "{text}");
    insta::assert_snapshot!("docs__ionos-create-identity-provider", text);
}

#[test]
fn a_deployment_script_is_linted_request_by_request() {
    let path = "testdata/containers/create-idp.sh";
    let report = lint(path);
    // The spaces request is not an identity-provider request; the GET has no body.
    assert_eq!(report.payloads, 4);
    let at = |code: &str| {
        report
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .unwrap_or_else(|| panic!("{code} in {:#?}", report.diagnostics))
    };
    // The spliced `'"${TENANT_ID}"'` stands for the tenant id: a template.
    let tenant = at("IDP010");
    assert_eq!(
        text_at(path, tenant.span.offset, tenant.span.length),
        "\"'\"${TENANT_ID}\"'\""
    );
    // Okta written `Okta`, in the heredoc body.
    let provider = at("IDP102");
    assert_eq!(
        text_at(path, provider.span.offset, provider.span.length),
        "\"Okta\""
    );
    assert_eq!(provider.start.line, 31);
    // PUT to the Qlik id URL.
    let method = at("IDP013");
    assert_eq!(text_at(path, method.span.offset, method.span.length), "PUT");
    // The IONOS body in double quotes: `\"OIDC\"` is the value's bytes.
    let ionos_type = at("IDP109");
    assert_eq!(
        text_at(path, ionos_type.span.offset, ionos_type.span.length),
        "\\\"OIDC\\\""
    );
    assert_eq!(ionos_type.severity, Severity::Error);
    let text = human(report);
    assert!(
        !text.contains("c2lnbmF0dXJl"),
        "the committed token is masked"
    );
    insta::assert_snapshot!("containers__create-idp.sh", text);
}

#[test]
fn a_runbook_with_console_and_powershell_blocks() {
    let report = lint("testdata/containers/runbook.md");
    // The SAML JSON fence, the console curl, the PowerShell patch; the
    // `spaces` fence and the `users/me` request are not payloads.
    assert_eq!(report.payloads, 3);
    let clock = report
        .diagnostics
        .iter()
        .find(|d| d.code == "IDP603")
        .expect("the PowerShell patch path");
    assert_eq!(clock.start.line, 50);
    insta::assert_snapshot!("containers__runbook.md", human(report));
}

#[test]
fn an_http_file_with_variables_and_several_requests() {
    let report = lint("testdata/containers/idp.http");
    assert_eq!(report.payloads, 2, "the GET has no body");
    // `{{skew}}` stands for a whole number: a template, not a syntax error.
    assert!(report.diagnostics.iter().all(|d| d.code != "IDP001"));
    assert!(report
        .diagnostics
        .iter()
        .any(|d| d.code == "IDP010" && d.pointer == "/options/clockToleranceSec"));
    insta::assert_snapshot!("containers__idp.http", human(report));
}

#[test]
fn a_postman_collection_with_folders_and_variables() {
    let path = "testdata/containers/identity-providers.postman_collection.json";
    let report = lint(path);
    assert_eq!(report.payloads, 3);
    // The collection's `tenantId` variable is substituted: no template finding for it.
    assert!(report
        .diagnostics
        .iter()
        .all(|d| !(d.code == "IDP010" && d.pointer == "/tenantIds/0")));
    // The patch's 7300, through the JSON string escapes of `body.raw`.
    let clock = report
        .diagnostics
        .iter()
        .find(|d| d.code == "IDP201")
        .expect("the clock tolerance");
    assert_eq!(text_at(path, clock.span.offset, clock.span.length), "7300");
    let secret = report
        .diagnostics
        .iter()
        .find(|d| d.code == "IDP011")
        .expect("the committed clientSecret");
    assert_eq!(
        text_at(path, secret.span.offset, secret.span.length),
        "\\\"q8Z~fT3.kLm0-Xy7Vb2NcR5sWd9PzA1hGj4UeYo6\\\""
    );
    let json = render(
        &Report {
            files: vec![report],
        },
        Format::Json,
    );
    assert!(
        !json.contains("q8Z~fT3.kLm0"),
        "no secret in the JSON output"
    );
    assert!(json.contains("\"container\": \"postman\""));
    assert!(json.contains("\"line\": \"PATCH {{baseUrl}}/api/v1/identity-providers/{{idpId}}\""));
}

#[test]
fn broken_containers_are_reported_where_they_break() {
    for (path, line, column, message) in [
        (
            "testdata/containers/broken-quote.sh",
            6,
            6,
            "unterminated single quote",
        ),
        (
            "testdata/containers/missing-heredoc-end.sh",
            5,
            20,
            "no end marker",
        ),
    ] {
        let report = lint(path);
        let d = &report.diagnostics[0];
        assert_eq!(d.code, "IDP012", "{path}");
        assert_eq!((d.start.line, d.start.column), (line, column), "{path}");
        assert!(d.message.contains(message), "{path}: {}", d.message);
        assert!(
            report.diagnostics.iter().all(|d| d.code != "IDP001"),
            "{path}"
        );
    }
}

#[test]
fn variables_from_the_command_line_are_checked_like_literals() {
    let script = r#"curl -X POST "https://$TENANT/api/v1/identity-providers" \
  -H 'Content-Type: application/json' \
  -d '{"provider": "external", "protocol": "jwtAuth", "clockToleranceSec": '"$SKEW"',
       "options": {"issuer": "https://portal.acme-corp.io", "staticKeys": []}}'
"#;
    let plain = Linter::default().lint_source("a.sh", script, &SourceOptions::default());
    assert!(plain.diagnostics.iter().all(|d| d.code != "IDP201"));
    let config = Config::from_str("[vars]\nSKEW = \"9000\"\n", Path::new(".")).expect("valid");
    let filled = config
        .linter()
        .lint_source("a.sh", script, &SourceOptions::default());
    let clock = filled
        .diagnostics
        .iter()
        .find(|d| d.code == "IDP201")
        .expect("the substituted value is checked");
    assert_eq!(
        &script[clock.span.offset..clock.span.offset + clock.span.length],
        "\"$SKEW\""
    );
}

#[test]
fn a_script_without_identity_provider_requests_is_skipped_quietly() {
    let script = "#!/bin/sh\ncurl -X POST https://acme.eu.qlikcloud.com/api/v1/spaces -d '{\"name\": \"x\"}'\n";
    let report = Linter::default().lint_source("spaces.sh", script, &SourceOptions::default());
    assert!(report.diagnostics.is_empty());
    assert_eq!(report.payloads, 0);
    assert!(report.skipped.is_some());
}

#[test]
fn a_secret_filled_in_from_a_variable_is_not_committed_and_never_printed() {
    let script = r#"curl -X POST "https://$TENANT/api/v1/identity-providers" \
  -d '{"provider": "okta", "protocol": "OIDC", "interactive": true, "skipVerify": true,
       "options": {"discoveryUrl": "https://acme.okta.com/.well-known/openid-configuration",
                   "clientId": "0oa1b2c3d4e5f6g7h8i9", "clientSecret": "'"$OKTA_SECRET"'",
                   "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"]}}}'
"#;
    let secret = "q8Z~fT3.kLm0-Xy7Vb2NcR5sWd9PzA1hGj4UeYo6";
    let config = Config::from_str(
        &format!("[vars]\nOKTA_SECRET = \"{secret}\"\n"),
        Path::new("."),
    )
    .expect("valid");
    let report = config
        .linter()
        .lint_source("create.sh", script, &SourceOptions::default());
    assert!(
        report.diagnostics.iter().all(|d| d.code != "IDP011"),
        "{:#?}",
        report.diagnostics
    );
    let text = human(report.clone());
    let json = render(
        &Report {
            files: vec![report],
        },
        Format::Json,
    );
    assert!(!text.contains(secret) && !json.contains(secret));
}

#[test]
fn the_api_reference_page_sends_undefined_as_its_body() {
    // Saved as text, the page has no fences: its curl commands are paragraphs.
    let path = "testdata/docs/qlik-identity-providers-api.md";
    let report = lint(path);
    assert_eq!(report.payloads, 2, "the create and the patch examples");
    for d in &report.diagnostics {
        assert_eq!(d.code, "IDP001");
        assert_eq!(text_at(path, d.span.offset, d.span.length), "undefined");
        assert!(
            d.message.contains("generated documentation example"),
            "says what `undefined` is: {}",
            d.message
        );
    }
    assert_eq!(report.diagnostics.len(), 2);
}
