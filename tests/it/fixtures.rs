//! Every payload under `testdata/` is linted with every rule and its
//! rendered report compared with the reviewed snapshot. Names carry the
//! contract: `valid-*` gets no finding above info, `invalid-*` at least one
//! warning or error. A directory named after a Qlik protocol (`OIDC`,
//! `jwtAuth`, `SAML`) gives the protocol of the patches in it.

use crate::common;

use std::path::{Path, PathBuf};

use idplint::{Linter, Options, Report, Severity, SourceOptions};

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("testdata is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json")
                && !path.components().any(|c| c.as_os_str() == "schemas")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(path)
        .display()
        .to_string()
        .replace('\\', "/")
}

fn options_for(path: &Path) -> SourceOptions {
    let protocol = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .filter(|n| ["OIDC", "jwtAuth", "SAML"].contains(n))
        .map(str::to_string);
    SourceOptions {
        protocol,
        ..SourceOptions::default()
    }
}

#[test]
fn fixtures_keep_their_contract_and_spans() {
    let linter = Linter::new(Options::default());
    let mut problems = Vec::new();
    for path in fixtures() {
        let bytes = std::fs::read(&path).expect("fixture is readable");
        let report = linter.lint_bytes(&relative(&path), &bytes, &options_for(&path));
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let worst = report.diagnostics.iter().map(|d| d.severity).max();
        if name.starts_with("valid-") && worst > Some(Severity::Info) {
            let found: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.severity > Severity::Info)
                .map(|d| format!("{} {}", d.code, d.message))
                .collect();
            problems.push(format!(
                "{}: expected nothing above info, got {found:?}",
                report.path
            ));
        }
        if name.starts_with("invalid-") && worst < Some(Severity::Warning) {
            problems.push(format!(
                "{}: expected a warning or error, got none",
                report.path
            ));
        }
        problems.extend(common::span_problems(&bytes, &report));
        for d in &report.diagnostics {
            problems.extend(common::value_span_problems(&bytes, d));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn rendered_reports() {
    let linter = Linter::new(Options::default());
    for path in fixtures() {
        let bytes = std::fs::read(&path).expect("fixture is readable");
        let name = relative(&path);
        let report = linter.lint_bytes(&name, &bytes, &options_for(&path));
        let text = idplint::render(
            &Report {
                files: vec![report],
            },
            idplint::Format::Human,
        );
        let snapshot = name.trim_start_matches("testdata/").replace('/', "__");
        insta::assert_snapshot!(snapshot, text);
    }
}
