//! `--format human`: miette's graphical reports, one per finding, with the
//! source excerpt (secrets masked), the label at the span, the rule's code
//! and name, the help line, and a summary at the end.

use std::fmt;
use std::sync::Arc;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::{plural, Report};
use crate::diagnostic::{Diagnostic, Severity};

/// How the human report looks.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        Self {
            color: false,
            width: 100,
        }
    }
}

struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    code: String,
    source: NamedSource<Arc<str>>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(
            d.label.clone(),
            SourceSpan::new(d.span.offset.into(), d.span.length),
        );
        let related = d.related.iter().map(|l| {
            LabeledSpan::new_with_span(
                Some(l.message.clone()),
                SourceSpan::new(l.span.offset.into(), l.span.length),
            )
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

/// Renders every finding of the report, then a summary line.
pub fn render_human(report: &Report, options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_links(false);
    let mut out = String::new();
    for file in &report.files {
        if let Some(error) = &file.error {
            out.push_str(&format!("error: {}: {error}\n\n", file.path));
        }
        for d in &file.diagnostics {
            let shown = Shown {
                diagnostic: d,
                code: format!("{} {}", d.code, d.name),
                source: NamedSource::new(&file.path, Arc::clone(&file.redacted_source)),
            };
            // Rendering into a String cannot fail.
            let _ = handler.render_report(&mut out, &shown);
            out.push('\n');
        }
    }
    let s = report.summary();
    let checked = s.files - s.skipped;
    out.push_str(&format!(
        "{}: {}, {}, {} in {}",
        if s.errors > 0 { "failed" } else { "passed" },
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.infos, "info", "infos"),
        plural(checked, "file", "files"),
    ));
    if s.skipped > 0 {
        out.push_str(&format!(
            " ({} skipped: not identity-provider payloads)",
            s.skipped
        ));
    }
    out.push('\n');
    out
}
