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
    let text = include_str!("../testdata/qlik/create/seed000-jwt.json");
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
