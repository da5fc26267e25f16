//! `idplint rules` and `idplint explain`.

use std::process::ExitCode;

use idplint::render::{render_human, HumanOptions};
use idplint::rules::{self, support::nearest_name, RuleMeta};
use idplint::{Linter, Options, Report, SourceOptions};

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
        let candidates = rules::ALL
            .iter()
            .flat_map(|r| [r.meta().code, r.meta().name]);
        eprintln!("error: no rule `{name}`");
        if let Some(near) = nearest_name(name, candidates) {
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
            let shown = idplint::linter::masked(e.trim());
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
    }
    super::emit(out.as_bytes()).unwrap_or_else(|code| code)
}
