//! `--fix`, `--unsafe-fixes`, `--diff` and `--fix-only`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use idplint::{FileReport, Linter, SourceOptions};

use super::{write_failed, CheckArgs};

/// `--fix`, `--unsafe-fixes`, `--diff` and `--fix-only`: what to apply, and
/// what was done, gathered from the threads that lint the files.
pub(super) struct Fixing {
    mode: idplint::fix::FixMode,
    diff: bool,
    applied: std::sync::atomic::AtomicUsize,
    diffs: std::sync::Mutex<Vec<(String, String)>>,
    failures: std::sync::Mutex<Vec<String>>,
}

impl Fixing {
    pub(super) fn of(args: &CheckArgs) -> Option<Self> {
        use idplint::fix::FixMode;
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
            diffs: Default::default(),
            failures: Default::default(),
        })
    }

    /// Lints the file at `path` and fixes it: writes the fixed text in
    /// place, or keeps its diff. The report is that of the fixed text.
    pub(super) fn fix_file(
        &self,
        linter: &Linter,
        path: &Path,
        options: &SourceOptions,
    ) -> FileReport {
        let name = path.display().to_string();
        let text = match idplint::source::with_file(path, |bytes| {
            std::str::from_utf8(bytes).map(str::to_string).ok()
        }) {
            Ok(Some(text)) => text,
            // Not UTF-8, or unreadable: linted as it is, which says why.
            _ => return linter.lint_file(path, options),
        };
        let fixed = idplint::fix::fix_text(linter, &name, &text, options, self.mode);
        if fixed.text != text {
            if self.diff {
                let diff = idplint::fix::unified_diff(&name, &text, &fixed.text);
                self.diffs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push((name, diff));
            } else if let Err(e) = idplint::fix::write_atomically(path, &fixed.text) {
                self.failures
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(format!("cannot write the fixes to {name}: {e}"));
                return linter.lint_file(path, options);
            }
            self.applied
                .fetch_add(fixed.applied, std::sync::atomic::Ordering::Relaxed);
        }
        fixed.report
    }

    /// Prints the diffs (in file order) and what was fixed; the number of
    /// files a diff changes, or exit 2 when a fixed file could not be written.
    pub(super) fn finish(&self, out: &mut impl Write) -> Result<usize, ExitCode> {
        let mut diffs = std::mem::take(&mut *self.diffs.lock().unwrap_or_else(|e| e.into_inner()));
        diffs.sort();
        for (_, diff) in &diffs {
            if let Some(code) = out
                .write_all(diff.as_bytes())
                .err()
                .and_then(|e| write_failed(&e))
            {
                return Err(code);
            }
        }
        let _ = out.flush();
        let applied = self.applied.load(std::sync::atomic::Ordering::Relaxed);
        let findings = if applied == 1 { "finding" } else { "findings" };
        if self.diff {
            let files = if diffs.len() == 1 { "file" } else { "files" };
            eprintln!(
                "idplint: {applied} {findings} would be fixed in {} {files}",
                diffs.len()
            );
        } else if applied > 0 {
            eprintln!("idplint: fixed {applied} {findings}");
        }
        let failures = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        for failure in failures.iter() {
            eprintln!("error: {failure}");
        }
        if failures.is_empty() {
            Ok(diffs.len())
        } else {
            Err(ExitCode::from(2))
        }
    }
}
