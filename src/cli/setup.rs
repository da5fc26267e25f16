//! What a run builds from each configuration it meets: the linter, built
//! once, and the bookkeeping of its `[[suppress]]` entries, to report those
//! that matched nothing.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crate::config::Config;
use crate::{rules, FileReport, Linter};

/// A configuration and what the run lints with under it.
pub(super) struct Setup {
    pub config: Config,
    pub linter: Linter,
    /// For each `[[suppress]]` entry, in order: what the run saw of it.
    marks: Vec<Marks>,
}

#[derive(Default)]
struct Marks {
    /// A file the entry's glob matches was linted.
    covered: AtomicBool,
    /// A finding was silenced by it.
    used: AtomicBool,
}

impl AsRef<Config> for Setup {
    fn as_ref(&self) -> &Config {
        &self.config
    }
}

impl Setup {
    /// The setup of `config`; its linter keeps each file's text when
    /// `keep_text` (for excerpts, or for a baseline's fingerprints).
    pub fn new(config: Config, keep_text: bool) -> Self {
        let linter = Linter::new(config.options()).with_variables(config.variables());
        let linter = if keep_text {
            linter
        } else {
            linter.without_source_text()
        };
        let marks = config.suppress.iter().map(|_| Marks::default()).collect();
        Self {
            config,
            linter,
            marks,
        }
    }

    /// Takes out of `report`, the report of the file at `path`, the findings
    /// that a `[[suppress]]` entry silences, and counts them. Idempotent:
    /// run again after the checks across files add to the report.
    pub fn suppress(&self, path: &Path, report: &mut FileReport) {
        if report.error.is_some() || self.config.suppress.is_empty() {
            return;
        }
        let applying: Vec<(usize, &crate::config::Suppression)> = self
            .config
            .suppress
            .iter()
            .enumerate()
            .filter(|(_, s)| s.covers_file(path))
            .collect();
        for (i, _) in &applying {
            self.marks[*i].covered.store(true, Ordering::Relaxed);
        }
        let before = report.diagnostics.len();
        report.diagnostics.retain(|d| {
            let Some((i, _)) = applying.iter().find(|(_, s)| s.silences(d)) else {
                return true;
            };
            self.marks[*i].used.store(true, Ordering::Relaxed);
            false
        });
        report.suppressed += before - report.diagnostics.len();
    }

    /// The report on the configuration file of its entries that matched no
    /// finding, when there are some: an entry is reported when the run
    /// linted a file its glob matches, or walked a directory (of `walked`,
    /// absolute) that holds the configuration file's directory, and a rule
    /// it names ran.
    pub fn unused(&self, walked: &[PathBuf]) -> Option<FileReport> {
        let path = self.config.path.as_ref()?;
        let root = crate::globs::normalize(&self.config.root);
        let whole_tree = walked.iter().any(|dir| root.starts_with(dir));
        let diagnostics: Vec<_> = self
            .config
            .suppress
            .iter()
            .zip(&self.marks)
            .filter(|(s, marks)| {
                (whole_tree || marks.covered.load(Ordering::Relaxed))
                    && !marks.used.load(Ordering::Relaxed)
                    && self.runs_some_rule(&s.code)
            })
            .map(|(s, _)| s.unused())
            .collect();
        if diagnostics.is_empty() {
            return None;
        }
        let mut report = FileReport::new(path.display().to_string(), None);
        report.diagnostics = diagnostics;
        report.redacted_source = self
            .config
            .masked_text
            .clone()
            .unwrap_or_else(|| Arc::from(""));
        Some(report)
    }

    fn runs_some_rule(&self, selector: &str) -> bool {
        rules::ALL.iter().any(|r| {
            let code = r.meta().code;
            crate::linter::matches_code(code, selector) && self.linter.is_enabled(code)
        })
    }
}
