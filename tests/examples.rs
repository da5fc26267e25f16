//! Every rule's examples run: each `pass` example gives no finding of the
//! rule, each `fail` example gives exactly one. Mismatches are collected and
//! reported together; the rendered fail examples are snapshotted per rule.

mod common;

use idplint::render::{render_human, HumanOptions};
use idplint::rules::ALL;
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
    for rule in ALL {
        let meta = rule.meta();
        if meta.pass.is_empty() || meta.fail.is_empty() {
            problems.push(format!(
                "{}: needs at least one pass and one fail example",
                meta.code
            ));
        }
        for (i, example) in meta.pass.iter().enumerate() {
            let report = linter.lint_source(
                &example_name("pass", example),
                example,
                &SourceOptions::default(),
            );
            let hits: Vec<_> = report
                .diagnostics
                .iter()
                .filter(|d| d.code == meta.code)
                .collect();
            let skipped = meta.code == "IDP003" && report.skipped.is_some();
            if !hits.is_empty() || skipped {
                problems.push(format!(
                    "{} pass[{i}]: got {:?}",
                    meta.code,
                    hits.iter().map(|d| &d.message).collect::<Vec<_>>()
                ));
            }
        }
        for (i, example) in meta.fail.iter().enumerate() {
            let report = linter.lint_source(
                &example_name("fail", example),
                example,
                &SourceOptions::default(),
            );
            let hits = report
                .diagnostics
                .iter()
                .filter(|d| d.code == meta.code)
                .count();
            let skipped = meta.code == "IDP003" && report.skipped.is_some();
            if hits != 1 && !skipped {
                let all: Vec<_> = report
                    .diagnostics
                    .iter()
                    .map(|d| format!("{} {}", d.code, d.message))
                    .collect();
                problems.push(format!(
                    "{} fail[{i}]: {hits} findings of the rule; all: {all:?}",
                    meta.code
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
    for rule in ALL {
        let meta = rule.meta();
        let linter = Linter::new(Options {
            select: vec![meta.code.to_string()],
            ..Options::default()
        });
        let files = meta
            .fail
            .iter()
            .enumerate()
            .map(|(i, e)| {
                linter.lint_source(
                    &example_name(&format!("{}-fail-{i}", meta.code), e),
                    e,
                    &SourceOptions::default(),
                )
            })
            .collect();
        let text = render_human(
            &Report { files },
            HumanOptions {
                color: false,
                width: 100,
            },
        );
        insta::assert_snapshot!(meta.code, text);
    }
}
