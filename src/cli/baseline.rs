//! `--baseline` and `--write-baseline`: reporting only the findings that
//! are not recorded, and recording today's.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::baseline::{relative_name, Baseline, Entry};
use crate::config::Config;
use crate::FileReport;

#[derive(clap::Args)]
pub struct BaselineArgs {
    /// Report only the findings not recorded in this baseline file (default: `baseline` in idplint.toml)
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record every finding of the run in this baseline file, and exit 0
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "fix", "diff", "fix_only"])]
    pub write_baseline: Option<PathBuf>,
}

impl BaselineArgs {
    /// The baseline the run reads: `--baseline`, else the configuration's
    /// `baseline`; none when the run writes one.
    pub fn in_use(&self, config: &Config) -> Option<PathBuf> {
        if self.write_baseline.is_some() {
            return None;
        }
        self.baseline.clone().or_else(|| config.baseline.clone())
    }
}

impl BaselineArgs {
    /// The baseline file the run reads or writes, canonical, when it
    /// exists: the run never lints it.
    pub fn own_file(&self, config: &Config) -> Option<PathBuf> {
        let path = self
            .write_baseline
            .clone()
            .or_else(|| self.in_use(config))?;
        std::fs::canonicalize(path).ok()
    }
}

/// A baseline as a run uses it: the entries no finding has matched yet.
pub(super) struct InUse {
    /// Where the baseline's paths are relative to.
    dir: PathBuf,
    cwd: PathBuf,
    /// By path, the fingerprints not matched yet.
    remaining: Mutex<HashMap<String, Vec<String>>>,
    /// The paths, as the baseline names them, of the files linted.
    linted: Mutex<HashSet<String>>,
}

impl InUse {
    /// Reads the baseline file at `path`; why not, in a sentence.
    pub fn load(path: &Path) -> Result<Self, String> {
        let baseline = Baseline::load(path)?;
        Ok(Self {
            dir: directory_of(path),
            cwd: std::env::current_dir().unwrap_or_default(),
            remaining: Mutex::new(baseline.by_path()),
            linted: Mutex::new(HashSet::new()),
        })
    }

    /// Takes out of `report` the findings the baseline records, and counts
    /// them; each entry matches one finding. Idempotent: run again after
    /// the checks across files add to the report.
    pub fn take(&self, report: &mut FileReport) {
        if report.error.is_some() {
            return;
        }
        let name = relative_name(&report.path, &self.cwd, &self.dir);
        self.linted
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(name.clone());
        if report.diagnostics.is_empty() {
            return;
        }
        let mut remaining = self
            .remaining
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(recorded) = remaining.get_mut(&name) else {
            return;
        };
        let source = report.redacted_source.clone();
        let before = report.diagnostics.len();
        report.diagnostics.retain(|d| {
            let fingerprint = Entry::of(d, &name, &source).fingerprint;
            match recorded.iter().position(|f| *f == fingerprint) {
                Some(at) => {
                    recorded.swap_remove(at);
                    false
                }
                None => true,
            }
        });
        report.baselined += before - report.diagnostics.len();
    }

    /// The entries of the files linted that no finding matched: fixed.
    pub fn fixed(&self) -> usize {
        let remaining = self
            .remaining
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let linted = self.linted.lock().unwrap_or_else(PoisonError::into_inner);
        linted
            .iter()
            .filter_map(|path| remaining.get(path))
            .map(Vec::len)
            .sum()
    }
}

/// Writes the baseline of `reports` to `path`: every finding, named
/// relative to the file's directory. Returns how many findings it holds.
pub(super) fn write<'a>(
    path: &Path,
    reports: impl Iterator<Item = &'a FileReport>,
) -> Result<usize, String> {
    let dir = directory_of(path);
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut entries = Vec::new();
    for report in reports {
        let name = relative_name(&report.path, &cwd, &dir);
        entries.extend(
            report
                .diagnostics
                .iter()
                .map(|d| Entry::of(d, &name, &report.redacted_source)),
        );
    }
    let count = entries.len();
    let text = Baseline::new(entries).to_text();
    std::fs::write(path, text)
        .map_err(|e| format!("cannot write the baseline `{}`: {e}", path.display()))?;
    Ok(count)
}

/// The directory a baseline file's paths are relative to: its own.
fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
