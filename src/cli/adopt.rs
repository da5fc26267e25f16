//! The parts of a run that serve adopting idplint on an existing
//! repository: each file linted under its own configuration, findings
//! suppressed or baselined before they are drawn, `[[suppress]]` entries
//! that matched nothing reported on the configuration file, and
//! `--write-baseline`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use crate::globs::normalize;
use crate::render::{unreadable_message, Ending, Summary};
use crate::FileReport;

use super::fixing::Fixing;
use super::setup::Setup;
use super::{baseline, check_across, ending, say_unreadable, Linted, Run};

impl Run<'_> {
    /// Lints the file (or standard input) named `path` with `lint`, under
    /// the configuration that applies to it, then takes out the findings
    /// its `[[suppress]]` entries and the baseline set aside. A file whose
    /// configuration file has problems is not linted: it is an error.
    pub(super) fn with_setup(
        &self,
        path: &Path,
        lint: impl FnOnce(&Setup) -> FileReport,
    ) -> FileReport {
        match self.tree.for_file(path) {
            Ok(setup) => {
                let mut report = lint(&setup);
                self.set_aside(&setup, path, &mut report);
                report
            }
            Err(invalid) => FileReport::unreadable(
                crate::linter::display_name(path),
                format!(
                    "its configuration file `{}` is invalid",
                    invalid.path.display()
                ),
            ),
        }
    }

    /// Lints every input ([`Run::lint_all`]), runs the checks across files
    /// and sets aside what they add that is suppressed or baselined; says
    /// the problems of the nested configuration files met. Returns the
    /// results and the indices of those the checks across files added to.
    #[allow(clippy::vec_box)]
    pub(super) fn lint_and_check_across(
        &self,
        fixing: Option<&Fixing>,
        report: Option<&Path>,
    ) -> (Vec<Box<Linted>>, Vec<usize>) {
        let mut linted = self.lint_all(fixing, report);
        let changed = check_across(&self.tree.run().linter, &mut linted);
        self.settle_again(&mut linted, &changed);
        self.say_invalid_configs();
        (linted, changed)
    }

    fn set_aside(&self, setup: &Setup, path: &Path, report: &mut FileReport) {
        setup.suppress(path, report);
        if let Some(baseline) = self.baseline {
            baseline.take(report);
        }
    }

    /// Sets aside, in the reports the checks across files added to (at
    /// `changed`), the findings they added that are suppressed or
    /// baselined.
    fn settle_again(&self, linted: &mut [Box<Linted>], changed: &[usize]) {
        for &i in changed {
            if let Linted::Pending(report, _) = &mut *linted[i] {
                let path = PathBuf::from(&report.path);
                if let Ok(setup) = self.tree.for_file(&path) {
                    self.set_aside(&setup, &path, report);
                }
            }
        }
    }

    /// How the run ends with these counts, the baseline's fixed entries
    /// added.
    pub(super) fn ending(&self, mut summary: Summary) -> Ending {
        summary.baseline_fixed = self.baseline.map_or(0, baseline::InUse::fixed);
        summary.files -= self
            .config_reports
            .load(Ordering::Relaxed)
            .min(summary.files);
        ending::of(summary, self.args, self.config)
    }

    /// Says on standard error the problems of every configuration file the
    /// run met that has some; the files under it were reported unreadable.
    fn say_invalid_configs(&self) {
        for invalid in self.tree.met().into_iter().filter_map(Result::err) {
            super::config::report(&invalid.path, &invalid.errors, self.args.color);
        }
    }

    /// The reports, one per configuration file, of the `[[suppress]]`
    /// entries that matched no finding (see [`Setup::unused`]).
    #[allow(clippy::vec_box)]
    pub(super) fn unused_suppressions(&self) -> Vec<Box<Linted>> {
        let walked: Vec<PathBuf> = self
            .paths()
            .iter()
            .filter(|p| p.is_dir())
            .filter_map(|p| std::path::absolute(p).ok())
            .map(|p| normalize(&p))
            .collect();
        let reports: Vec<Box<Linted>> = self
            .tree
            .met()
            .into_iter()
            .filter_map(Result::ok)
            .filter_map(|setup| setup.unused(&walked))
            .map(|report| Box::new(self.keep(report)))
            .collect();
        self.config_reports.store(reports.len(), Ordering::Relaxed);
        reports
    }

    /// `--write-baseline FILE`: records every finding of the run (not those
    /// suppressed) in FILE and exits 0; writes nothing and exits 2 when an
    /// input could not be read.
    #[allow(clippy::vec_box)]
    pub(super) fn write_baseline(
        &self,
        path: &Path,
        linted: &[Box<Linted>],
    ) -> Result<ExitCode, ExitCode> {
        let reports: Vec<&FileReport> = linted
            .iter()
            .filter_map(|l| match &**l {
                Linted::Pending(report, _) => Some(&**report),
                Linted::Drawn(_) => None,
            })
            .collect();
        let messages: Vec<String> = reports
            .iter()
            .filter_map(|r| unreadable_message(r))
            .collect();
        if !messages.is_empty() {
            say_unreadable(messages.iter().map(String::as_str));
            eprintln!(
                "error: could not read {}; the baseline was not written",
                if messages.len() == 1 {
                    "1 input".to_string()
                } else {
                    format!("{} inputs", messages.len())
                }
            );
            return Err(ExitCode::from(2));
        }
        let written = baseline::write(path, reports.iter().copied()).map_err(|message| {
            eprintln!("error: {message}");
            ExitCode::from(2)
        })?;
        if !self.args.quiet {
            let findings = if written == 1 { "finding" } else { "findings" };
            eprintln!(
                "idplint: wrote a baseline of {written} {findings} to {}",
                path.display()
            );
        }
        Ok(ExitCode::SUCCESS)
    }
}
