//! Renderers: a finished [`Report`] in, text out. No renderer re-checks
//! anything or reads a file.

mod human;
mod json;

pub use human::{render_human, HumanOptions};
pub use json::render_json;

use crate::diagnostic::Severity;
use crate::linter::FileReport;

/// Every file's report of one run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub files: Vec<FileReport>,
}

/// Counts over a whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub skipped: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Report {
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            files: self.files.len(),
            ..Summary::default()
        };
        for f in &self.files {
            if f.skipped.is_some() {
                s.skipped += 1;
            }
            s.errors += f.count(Severity::Error);
            s.warnings += f.count(Severity::Warning);
            s.infos += f.count(Severity::Info);
        }
        s
    }

    /// True when some file could not be read.
    pub fn has_io_errors(&self) -> bool {
        self.files.iter().any(|f| f.error.is_some())
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
