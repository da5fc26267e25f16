//! Embedding idplint in another tool: lint payloads held in memory from
//! several threads with one shared `Linter`, and act on the findings without
//! any printing by the library.
//!
//! `cargo run --example embed`

use std::sync::Arc;
use std::thread;

use idplint::{Kind, Linter, Options, Severity, SourceOptions};

fn main() {
    // Built once; schemas and tables are compiled on first use and shared.
    let linter = Arc::new(Linter::new(Options {
        ignore: vec!["IDP204".into()],
        ..Options::default()
    }));
    let payloads = [
        (
            "okta.json",
            r#"{"protocol": "OIDC", "provider": "okta", "interactive": false,
            "options": {"discoveryUrl": "https://acme.okta.com/oauth2/default", "claimsMapping": {"sub": ["sub"]}}}"#,
        ),
        (
            "patch.json",
            r#"[{"op": "replace", "path": "/clockToleranceSec", "value": 9000}]"#,
        ),
    ];
    let handles: Vec<_> = payloads
        .into_iter()
        .map(|(name, text)| {
            let linter = Arc::clone(&linter);
            thread::spawn(move || linter.lint_source(name, text, &SourceOptions::default()))
        })
        .collect();
    for handle in handles {
        let report = handle.join().expect("linting never panics");
        let errors = report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        println!(
            "{} ({}): {} findings, {errors} errors",
            report.path,
            report.kind.map_or("unknown", Kind::name),
            report.diagnostics.len()
        );
        for d in &report.diagnostics {
            println!(
                "  {}:{} {} {} at {}: {}",
                d.start.line, d.start.column, d.code, d.name, d.pointer, d.message
            );
        }
    }
}
