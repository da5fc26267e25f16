//! `idplint rules` and `idplint explain`.

use std::process::ExitCode;

use crate::render::{render_human, HumanOptions};
use crate::rules::{self, RuleMeta};
use crate::{Linter, Options, Report, SourceOptions};

use super::CatalogFormat;

fn kinds(meta: &RuleMeta) -> String {
    meta.kinds
        .iter()
        .map(|k| k.name())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn list(format: CatalogFormat) -> ExitCode {
    let out = match format {
        CatalogFormat::Human => rules::ALL
            .iter()
            .map(|r| {
                let m = r.meta();
                format!(
                    "{}  {:<36} {:<8} {}\n",
                    m.code,
                    m.name,
                    m.severity,
                    m.summary()
                )
            })
            .collect::<String>(),
        CatalogFormat::Json => {
            let list: Vec<_> = rules::ALL
                .iter()
                .map(|r| {
                    let m = r.meta();
                    serde_json::json!({
                        "code": m.code, "name": m.name, "severity": m.severity,
                        "kinds": m.kinds, "summary": m.summary(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list).unwrap_or_default() + "\n"
        }
        CatalogFormat::Markdown => rules::catalog_markdown(),
    };
    super::emit(out.as_bytes()).unwrap_or_else(|code| code)
}

pub fn explain(name: &str) -> ExitCode {
    let Some(rule) = rules::find(name) else {
        eprintln!("error: no rule `{name}`");
        if let Some(near) = crate::linter::nearest_rule(name) {
            eprintln!("  help: did you mean `{near}`?");
        }
        return ExitCode::from(2);
    };
    let m = rule.meta();
    let mut out = format!("{} {} ({}; {})\n\n", m.code, m.name, m.severity, kinds(m));
    out.push_str(&m.docs_text());
    for (title, examples) in [("Passes", m.pass), ("Fails", m.fail)] {
        out.push_str(&format!("\n## {title}\n"));
        for e in examples {
            let shown = crate::linter::masked(e.trim());
            out.push_str(&format!("\n```json\n{shown}\n```\n"));
        }
    }
    if let Some(first) = m.fail.first() {
        let linter = Linter::new(Options {
            select: vec![m.code.to_string()],
            ..Options::default()
        });
        let report = Report {
            files: vec![linter.lint_source("example.json", first, &SourceOptions::default())],
        };
        out.push_str("\n## Diagnostic of the first failing example\n\n");
        out.push_str(&render_human(&report, HumanOptions::default()));
        out.push_str(&autofix_section(&linter, m.fail));
    }
    super::emit(out.as_bytes()).unwrap_or_else(|code| code)
}

/// What `--fix` and `--unsafe-fixes` do for the rule, shown on its failing
/// examples: the fix of each, and the first one fixed, as a diff. The
/// manual's own `## Autofix` section says why each fix is safe or unsafe.
fn autofix_section(linter: &Linter, examples: &[&str]) -> String {
    use crate::fix::{fix_text, unified_diff, FixMode};
    let mut titles: Vec<String> = Vec::new();
    let mut diff = None;
    for (i, example) in examples.iter().enumerate() {
        let report = linter.lint_source("example.json", example, &SourceOptions::default());
        for fix in report.diagnostics.iter().filter_map(|d| d.fix.as_ref()) {
            let flag = match fix.applicability {
                crate::diagnostic::Applicability::Safe => "--fix",
                crate::diagnostic::Applicability::Unsafe => "--unsafe-fixes",
            };
            let line = format!("- `{flag}`: {}", fix.title);
            if !titles.contains(&line) {
                titles.push(line);
            }
        }
        if diff.is_none() && report.diagnostics.iter().any(|d| d.fix.is_some()) {
            let pretty = serde_json::from_str::<serde_json::Value>(example)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .map_or_else(|| example.to_string(), |p| p + "\n");
            let name = format!("example-{i}.json");
            let fixed = fix_text(
                linter,
                &name,
                &pretty,
                &SourceOptions::default(),
                FixMode::Unsafe,
            );
            diff = Some(unified_diff(&name, &pretty, &fixed.text));
        }
    }
    if titles.is_empty() {
        return "\n## Autofix\n\nNo automatic fix: the repair depends on what was meant. The help says what to do.\n".to_string();
    }
    let mut out = String::from("\n## Fixes of the failing examples\n\n");
    out.push_str(&titles.join("\n"));
    out.push('\n');
    if let Some(diff) = diff {
        let shown = crate::linter::masked(&diff);
        out.push_str(&format!("\n```diff\n{shown}```\n"));
    }
    out
}
