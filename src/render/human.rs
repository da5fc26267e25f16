//! `--format human`: miette's graphical reports, one per finding, with the
//! source excerpt (secrets masked), the label at the span, the rule's code
//! and name, the help line, and a summary at the end.

use std::fmt;
use std::sync::Arc;

use rayon::prelude::*;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};

use super::{plural, Report};
use crate::diagnostic::Diagnostic;

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

/// A diagnostic with its file's (redacted) text, for the excerpt.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: NamedSource<Arc<str>>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diagnostic, f)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        miette::Diagnostic::severity(self.diagnostic)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.help()
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diagnostic.labels()
    }
}

/// Renders every finding of the report, then a summary line.
pub fn render_human(report: &Report, options: HumanOptions) -> String {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // Lines break at spaces only: the Unicode line-breaking search that is
    // textwrap's default was the costliest part of drawing a report, and a
    // path or pointer is better kept whole on the next line than cut at a
    // `/` or `-`.
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(options.width)
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
        .with_links(false);
    // Drawing excerpts is the costly part of a run with many findings: the
    // files are drawn in parallel and joined in their order.
    let per_file: Vec<String> = report
        .files
        .par_iter()
        .map(|file| {
            let mut out = String::new();
            if let Some(error) = &file.error {
                out.push_str(&format!("error: {}: {error}\n\n", file.path));
            }
            for d in &file.diagnostics {
                let shown = Shown {
                    diagnostic: d,
                    source: NamedSource::new(&file.path, Arc::clone(&file.redacted_source)),
                };
                // Rendering into a String cannot fail.
                let _ = handler.render_report(&mut out, &shown);
                out.push('\n');
            }
            out
        })
        .collect();
    let mut out = per_file.concat();
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
