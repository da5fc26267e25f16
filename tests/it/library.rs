//! The library's contract for tools that embed it: a `Linter` shared across
//! threads, diagnostics that are miette diagnostics and serialise.

use std::sync::Arc;

use idplint::{Diagnostic, Linter, Options, SourceOptions};

fn assert_send_sync<T: Send + Sync>() {}
fn assert_miette_and_serde<T: miette::Diagnostic + serde::Serialize>() {}

#[test]
fn linter_is_shared_across_threads_and_diagnostics_are_miette_and_serde() {
    assert_send_sync::<Linter>();
    assert_miette_and_serde::<Diagnostic>();
    let linter = Arc::new(Linter::new(Options::default()));
    let text = include_str!("../../testdata/qlik/create/seed000-jwt.json");
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let linter = Arc::clone(&linter);
            std::thread::spawn(move || {
                linter.lint_source("jwt.json", text, &SourceOptions::default())
            })
        })
        .collect();
    let reports: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().expect("no panic"))
        .collect();
    for r in &reports {
        assert_eq!(r.diagnostics.len(), reports[0].diagnostics.len());
    }
    let truncated = reports[0]
        .diagnostics
        .iter()
        .find(|d| d.code == "IDP302")
        .expect("IDP302");
    // As a miette diagnostic on its own, with the source attached by the caller.
    let report = miette::Report::new(truncated.clone()).with_source_code(text.to_string());
    let rendered = format!("{report:?}");
    assert!(
        rendered.contains("IDP302 certificate-unparseable") && rendered.contains("truncated"),
        "{rendered}"
    );
    let json = serde_json::to_value(truncated).expect("serialises");
    assert_eq!(json["pointer"], "/options/staticKeys/0/pem");
}

/// A document over a megabyte gets its span index only when a finding needs
/// a place: its findings are placed exactly as in a small document.
#[test]
fn a_large_document_places_its_findings_as_a_small_one_does() {
    let first =
        "[\n  {\"op\": \"replace\", \"path\": \"/description\", \"value\": \"Staff login\"},\n";
    let defect = "  {\"op\": \"replace\", \"path\": \"/clockToleranceSec\", \"value\": \"five\"},\n  {\"op\": \"remove\", \"path\": \"/protocol\"}\n]\n";
    let filler: String = (0..20_000)
        .map(|i| format!("  {{\"op\": \"replace\", \"path\": \"/description\", \"value\": \"updated {i}\"}},\n"))
        .collect();
    let small = format!("{first}{defect}");
    let large = format!("{first}{filler}{defect}");
    assert!(large.len() > 1 << 20);
    let linter = Linter::new(Options::default());
    let options = SourceOptions::default();
    let small_report = linter.lint_source("small.json", &small, &options);
    let large_report = linter.lint_source("large.json", &large, &options);
    assert!(!small_report.diagnostics.is_empty());
    let shift = filler.len();
    let lines = filler.lines().count();
    let placed = |d: &Diagnostic, shift: usize, lines: usize| {
        (
            d.code,
            d.span.offset - shift,
            d.span.length,
            d.start.line - lines,
            d.start.column,
        )
    };
    let expected: Vec<_> = small_report
        .diagnostics
        .iter()
        .map(|d| placed(d, 0, 0))
        .collect();
    let found: Vec<_> = large_report
        .diagnostics
        .iter()
        .filter(|d| d.span.offset >= shift)
        .map(|d| placed(d, shift, lines))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn a_value_in_memory_is_reported_on_its_pretty_printed_text() {
    let body = serde_json::json!({
        "protocol": "OIDC",
        "provider": "okta",
        "interactive": true,
        "options": {
            "discoveryUrl": "https://acme.okta.com/.well-known/openid-configuration",
            "clientId": "0oa1b2c3d4e5f6g7h8i9",
            "clientSecret": "${OKTA_CLIENT_SECRET}",
            "emailVerifiedAlwaysTrue": "yes",
            "claimsMapping": {"sub": ["sub"]}
        }
    });
    let report = Linter::default().lint_value(idplint::Kind::QlikCreate, &body);
    let text = serde_json::to_string_pretty(&body).expect("a value prints");
    let wrong = report
        .diagnostics
        .iter()
        .find(|d| d.pointer == "/options/emailVerifiedAlwaysTrue")
        .unwrap_or_else(|| panic!("a finding at the string: {:#?}", report.diagnostics));
    assert_eq!(report.path, "payload.json");
    assert_eq!(report.kind, Some(idplint::Kind::QlikCreate));
    assert_eq!(wrong.start.line, 9, "{text}");
    let line = text.lines().nth(wrong.start.line - 1).expect("the line");
    assert_eq!(line.trim(), r#""emailVerifiedAlwaysTrue": "yes","#);
    assert_eq!(
        &text[wrong.span.offset..wrong.span.offset + wrong.span.length],
        "\"yes\""
    );
}
