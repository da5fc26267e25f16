//! IDP208 across the files of a run: one IONOS name for two identity providers.

use idplint::{Linter, Options, Severity, SourceOptions};

fn body(name: &str, id: Option<&str>) -> String {
    let id = id.map(|i| format!(r#""id": "{i}", "#)).unwrap_or_default();
    format!(
        r#"{{{id}"metadata": {{}}, "properties": {{"type": "saml", "name": "{name}", "enabled": true, "domain": "acme-corp.io", "configuration": {{"saml": {{"metadataDescriptor": "https://login.acme-corp.io/realms/staff/protocol/saml/descriptor", "x509Certificate": "${{CERT}}"}}}}}}}}"#
    )
}

fn run(linter: &Linter, bodies: &[(&str, String)]) -> Vec<Vec<(String, Severity)>> {
    let mut files: Vec<_> = bodies
        .iter()
        .map(|(path, text)| linter.lint_source(path, text, &SourceOptions::default()))
        .collect();
    linter.check_across_files(&mut files);
    files
        .iter()
        .map(|f| {
            f.diagnostics
                .iter()
                .filter(|d| d.code == "IDP208")
                .map(|d| (d.message.clone(), d.severity))
                .collect()
        })
        .collect()
}

#[test]
fn same_name_in_two_files_is_a_warning_in_both() {
    let linter = Linter::default();
    let found = run(
        &linter,
        &[
            ("a.json", body("Acme SSO", None)),
            ("b.json", body(" Acme SSO", None)),
            ("c.json", body("Other SSO", None)),
        ],
    );
    assert_eq!(
        found[0],
        vec![(
            "`name` `Acme SSO` is also the name of the identity provider in `b.json`".to_string(),
            Severity::Warning
        )]
    );
    // b.json also has the whitespace finding.
    assert!(found[1]
        .iter()
        .any(|(m, _)| m.contains("also the name") && m.contains("`a.json`")));
    assert!(found[2].is_empty());
}

#[test]
fn puts_to_one_id_are_one_identity_provider() {
    let linter = Linter::default();
    let id = "5e6323da-8a45-5732-bec1-d7c29c1dc890";
    let found = run(
        &linter,
        &[
            ("a.json", body("Acme SSO", Some(id))),
            ("b.json", body("Acme SSO", Some(&id.to_uppercase()))),
        ],
    );
    assert!(found.iter().all(Vec::is_empty), "{found:?}");
    let found = run(
        &linter,
        &[
            ("a.json", body("Acme SSO", Some(id))),
            ("b.json", body("Acme SSO", None)),
        ],
    );
    assert_eq!(found[0].len(), 1);
    assert_eq!(found[1].len(), 1);
}

#[test]
fn template_names_and_disabled_rule_are_left_alone() {
    let found = run(
        &Linter::default(),
        &[
            ("a.json", body("${IDP_NAME}", None)),
            ("b.json", body("${IDP_NAME}", None)),
        ],
    );
    assert!(found.iter().all(Vec::is_empty), "{found:?}");
    let linter = Linter::new(Options {
        ignore: vec!["IDP208".to_string()],
        ..Options::default()
    });
    let found = run(
        &linter,
        &[
            ("a.json", body("Acme SSO", None)),
            ("b.json", body("Acme SSO", None)),
        ],
    );
    assert!(found.iter().all(Vec::is_empty), "{found:?}");
}

#[test]
fn the_finding_sits_on_the_name() {
    let linter = Linter::default();
    let text = body("Acme SSO", None);
    let mut files = vec![
        linter.lint_source("a.json", &text, &SourceOptions::default()),
        linter.lint_source("b.json", &text, &SourceOptions::default()),
    ];
    linter.check_across_files(&mut files);
    let d = files[0]
        .diagnostics
        .iter()
        .find(|d| d.code == "IDP208")
        .expect("a duplicate-name finding");
    assert_eq!(
        &text[d.span.offset..d.span.offset + d.span.length],
        "\"Acme SSO\""
    );
    assert_eq!(d.pointer, "/properties/name");
}
