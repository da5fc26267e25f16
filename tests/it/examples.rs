//! Every rule's examples run: each `pass` example gives no finding of the
//! rule, each `fail` example gives exactly one. Mismatches are collected and
//! reported together; the rendered fail examples are snapshotted per rule.
//! Every finding of the examples and of `testdata/` has a severity its rule's
//! manual documents.

use crate::common;

use idplint::{Linter, Options, Report, SourceOptions};

/// The name an example is linted under: a curl command is a shell script
/// (the container rules' examples), anything else a JSON payload.
fn example_name(role: &str, example: &str) -> String {
    if example.starts_with("curl ") {
        format!("{role}.sh")
    } else {
        format!("{role}.json")
    }
}

#[test]
fn every_rule_passes_and_fails_its_examples() {
    let linter = Linter::new(Options::default());
    let mut problems = Vec::new();
    for meta in idplint::rules() {
        if meta.passing_examples().is_empty() || meta.failing_examples().is_empty() {
            problems.push(format!(
                "{}: needs at least one pass and one fail example",
                meta.code()
            ));
        }
        for (i, example) in meta.passing_examples().iter().enumerate() {
            let report = linter.lint_source(
                &example_name("pass", example),
                example,
                &SourceOptions::default(),
            );
            let hits: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.code == meta.code())
                .collect();
            let skipped = meta.code() == "IDP003" && report.skipped.is_some();
            if !hits.is_empty() || skipped {
                problems.push(format!(
                    "{} pass[{i}]: got {:?}",
                    meta.code(),
                    hits.iter().map(|d| &d.message).collect::<Vec<_>>()
                ));
            }
        }
        for (i, example) in meta.failing_examples().iter().enumerate() {
            let report = linter.lint_source(
                &example_name("fail", example),
                example,
                &SourceOptions::default(),
            );
            let hits = report
                .diagnostics
                .iter()
                .filter(|d| d.code == meta.code())
                .count();
            let skipped = meta.code() == "IDP003" && report.skipped.is_some();
            if hits != 1 && !skipped {
                let all: Vec<_> = report
                    .diagnostics
                    .iter()
                    .map(|d| format!("{} {}", d.code, d.message))
                    .collect();
                problems.push(format!(
                    "{} fail[{i}]: {hits} findings of the rule; all: {all:?}",
                    meta.code()
                ));
            }
            problems.extend(common::span_problems(example.as_bytes(), &report));
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
fn rendered_fail_examples() {
    for meta in idplint::rules() {
        let linter = Linter::new(Options {
            select: vec![meta.code().to_string()],
            ..Options::default()
        });
        let files = meta
            .failing_examples()
            .iter()
            .enumerate()
            .map(|(i, e)| {
                linter.lint_source(
                    &example_name(&format!("{}-fail-{i}", meta.code()), e),
                    e,
                    &SourceOptions::default(),
                )
            })
            .collect();
        let text = idplint::render(&Report { files }, idplint::Format::Human);
        insta::assert_snapshot!(meta.code(), text);
    }
}

/// The payloads under `testdata/` (JSON files, the schemas for the tests'
/// own use left out), with their paths.
fn testdata_payloads() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("testdata")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                if !path.ends_with("schemas") {
                    walk(&path, out);
                }
            } else if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                out.push((path.display().to_string(), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/testdata")),
        &mut out,
    );
    out
}

/// A rule emits only the severities its manual documents: its default, and
/// those listed under `## Severity`. A configured severity replaces all of
/// them, so an undocumented one would surprise whoever configures the rule.
#[test]
fn every_finding_has_a_documented_severity() {
    let linter = Linter::new(Options::default());
    let mut payloads: Vec<(String, String)> = idplint::rules()
        .flat_map(|m| {
            m.passing_examples()
                .iter()
                .chain(m.failing_examples())
                .enumerate()
                .map(move |(i, e)| (format!("{} example {i}", m.code()), e.to_string()))
        })
        .collect();
    let testdata = testdata_payloads();
    assert!(
        testdata.len() > 100,
        "testdata/ has only {} payloads",
        testdata.len()
    );
    payloads.extend(testdata);
    let mut problems = Vec::new();
    for (name, text) in &payloads {
        let report = linter.lint_source("payload.json", text, &SourceOptions::default());
        for d in &report.diagnostics {
            let rule = idplint::rule(d.code).expect("a registered code");
            let documented = rule.severities();
            if !documented.contains(&d.severity) {
                problems.push(format!(
                    "{name}: {} is {} ({}), but its manual lists {documented:?}",
                    d.code, d.severity, d.message
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} findings with an undocumented severity:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
