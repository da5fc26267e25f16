//! `--fix`, `--unsafe-fixes`, `--diff` and `--fix-only`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use crate::{FileReport, SourceOptions};

use super::output::Output;
use super::setup::Setup;
use super::CheckArgs;

/// `--fix`, `--unsafe-fixes`, `--diff` and `--fix-only`: what to apply, and
/// what was done, gathered from the threads that lint the files.
pub(super) struct Fixing {
    mode: crate::fix::FixMode,
    diff: bool,
    applied: std::sync::atomic::AtomicUsize,
    /// Files the fixes were written to.
    written: std::sync::atomic::AtomicUsize,
    diffs: std::sync::Mutex<Vec<(String, String)>>,
    failures: std::sync::Mutex<Vec<String>>,
}

impl Fixing {
    pub(super) fn of(args: &CheckArgs) -> Option<Self> {
        use crate::fix::FixMode;
        let mode = if args.unsafe_fixes {
            FixMode::Unsafe
        } else if args.fix || args.diff || args.fix_only {
            FixMode::Safe
        } else {
            return None;
        };
        Some(Self {
            mode,
            diff: args.diff,
            applied: Default::default(),
            written: Default::default(),
            diffs: Default::default(),
            failures: Default::default(),
        })
    }

    /// Lints the file at `path` and fixes it, but not the findings its
    /// configuration's `[[suppress]]` entries accept: writes the fixed text
    /// in place, or keeps its diff. The report is that of the fixed text.
    pub(super) fn fix_file(
        &self,
        setup: &Setup,
        path: &Path,
        options: &SourceOptions,
    ) -> FileReport {
        let linter = &setup.linter;
        let name = path.display().to_string();
        let text = match crate::source::with_file(path, |bytes| {
            std::str::from_utf8(bytes).map(str::to_string).ok()
        }) {
            Ok(Some(text)) => text,
            // Not UTF-8, or unreadable: linted as it is, which says why.
            _ => return linter.lint_file(path, options),
        };
        let spared = |d: &crate::Diagnostic| setup.config.is_suppressed(path, d);
        let fixed = crate::fix::fix_text_sparing(linter, &name, &text, options, self.mode, &spared);
        if fixed.text != text {
            if self.diff {
                let diff = crate::fix::unified_diff(&name, &text, &fixed.text);
                self.diffs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((name, diff));
            } else if let Err(e) = crate::fix::write_atomically(path, &fixed.text) {
                self.failures
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(format!("cannot write the fixes to {name}: {e}"));
                return linter.lint_file(path, options);
            } else {
                self.written
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            self.applied
                .fetch_add(fixed.applied, std::sync::atomic::Ordering::Relaxed);
        }
        fixed.report
    }

    /// Writes the diffs to `out`, in file order, and says on standard error
    /// which fixed files could not be written; what was fixed, or exit
    /// status 2 when a fixed file or the diff could not be written.
    pub(super) fn finish(&self, out: &mut Output) -> Result<Fixed, ExitCode> {
        let mut diffs = std::mem::take(&mut *self.diffs.lock().unwrap_or_else(|e| e.into_inner()));
        diffs.sort();
        for (_, diff) in &diffs {
            if let Some(code) = out
                .write_all(diff.as_bytes())
                .err()
                .and_then(|e| out.failed(&e))
            {
                return Err(code);
            }
        }
        if let Some(code) = out.flush().err().and_then(|e| out.failed(&e)) {
            return Err(code);
        }
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for failure in failures.iter() {
            eprintln!("error: {failure}");
        }
        if !failures.is_empty() {
            return Err(ExitCode::from(2));
        }
        let load =
            |n: &std::sync::atomic::AtomicUsize| n.load(std::sync::atomic::Ordering::Relaxed);
        Ok(Fixed {
            findings: load(&self.applied),
            files: if self.diff {
                diffs.len()
            } else {
                load(&self.written)
            },
            diff: self.diff,
        })
    }
}

/// What the fixes of a run did, or would do (`--diff`).
#[derive(Clone, Copy, Debug)]
pub(super) struct Fixed {
    /// The findings fixed.
    pub(super) findings: usize,
    /// The files changed.
    pub(super) files: usize,
    /// Shown as a diff, not written.
    pub(super) diff: bool,
}

impl Fixed {
    /// `fixed 2 findings in 1 file`, `2 findings would be fixed in 1 file`,
    /// `nothing to fix`.
    pub(super) fn said(&self) -> String {
        if self.files == 0 {
            return "nothing to fix".to_string();
        }
        let findings = plural(self.findings, "finding", "findings");
        let files = plural(self.files, "file", "files");
        if self.diff {
            format!("{findings} would be fixed in {files}")
        } else {
            format!("fixed {findings} in {files}")
        }
    }
}

/// `1 file`, `2 files`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
