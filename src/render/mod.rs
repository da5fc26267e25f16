//! Renderers: a finished [`Report`] in, text out. No renderer re-checks
//! anything or reads a file.

pub mod excerpt;
mod format;
mod github;
mod human;
mod json;
mod junit;
mod sarif;

pub use format::{render, render_with, Format, RenderOptions};
pub use github::render_github;
pub use human::{render_human, Human, HumanOptions};
pub use json::Json;
pub use junit::render_junit;
pub use sarif::render_sarif;

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diagnostic::Severity;
use crate::linter::FileReport;

/// Every file's report of one run.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// The files in the order they are shown.
    pub files: Vec<FileReport>,
}

/// Counts over a whole run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Every file of the run: checked, skipped or unreadable.
    pub files: usize,
    /// Files skipped: not a payload, or a container without one.
    pub skipped: usize,
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
    /// Inputs that could not be read, or on which idplint met an internal
    /// error: each makes the run end in error (exit status 2).
    #[serde(skip_serializing_if = "is_zero")]
    pub unreadable: usize,
    /// Of those, the directories: a name that ends in a path separator (a
    /// directory that is missing or whose walk failed).
    #[serde(skip)]
    pub(crate) unreadable_dirs: usize,
    /// Containers (Markdown, scripts, `.http` files, Postman collections)
    /// linted and not skipped: with a payload, or a finding of their own.
    #[serde(skip_serializing_if = "is_zero")]
    pub containers: usize,
    /// The payloads found in those containers.
    #[serde(skip_serializing_if = "is_zero")]
    pub container_payloads: usize,
    /// Findings silenced by `[[suppress]]` entries: counted nowhere else.
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: usize,
    /// Findings recorded in the baseline: counted nowhere else.
    #[serde(skip_serializing_if = "is_zero")]
    pub baselined: usize,
    /// Baseline entries of the files linted that no finding matched any
    /// more: fixed since the baseline was written.
    #[serde(skip_serializing_if = "is_zero")]
    pub baseline_fixed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// The counts of one file's report.
    pub fn of(file: &FileReport) -> Self {
        let unreadable = file.error.is_some();
        Self {
            files: 1,
            skipped: usize::from(file.skipped.is_some()),
            errors: file.count(Severity::Error),
            warnings: file.count(Severity::Warning),
            infos: file.count(Severity::Info),
            unreadable: usize::from(unreadable),
            unreadable_dirs: usize::from(
                unreadable && file.path.ends_with(std::path::is_separator),
            ),
            containers: usize::from(file.container.is_some() && file.skipped.is_none()),
            container_payloads: if file.container.is_some() {
                file.payloads
            } else {
                0
            },
            suppressed: file.suppressed,
            baselined: file.baselined,
            baseline_fixed: 0,
        }
    }

    /// The files that were read and not skipped.
    pub fn checked(&self) -> usize {
        self.files
            .saturating_sub(self.skipped)
            .saturating_sub(self.unreadable)
    }

    /// The inputs that could not be read: `1 file`, `2 directories`, `1 file
    /// and 1 directory`.
    pub(crate) fn unreadable_inputs(&self) -> String {
        let dirs = self.unreadable_dirs;
        let files = self.unreadable - dirs;
        match (files, dirs) {
            (_, 0) => plural(files, "file", "files"),
            (0, _) => plural(dirs, "directory", "directories"),
            _ => format!(
                "{} and {}",
                plural(files, "file", "files"),
                plural(dirs, "directory", "directories")
            ),
        }
    }

    /// Every payload linted: one per payload file, and those in containers.
    pub fn payloads(&self) -> usize {
        self.checked().saturating_sub(self.containers) + self.container_payloads
    }
}

impl std::ops::Add for Summary {
    type Output = Summary;

    fn add(self, other: Summary) -> Summary {
        Summary {
            files: self.files + other.files,
            skipped: self.skipped + other.skipped,
            errors: self.errors + other.errors,
            warnings: self.warnings + other.warnings,
            infos: self.infos + other.infos,
            unreadable: self.unreadable + other.unreadable,
            unreadable_dirs: self.unreadable_dirs + other.unreadable_dirs,
            containers: self.containers + other.containers,
            container_payloads: self.container_payloads + other.container_payloads,
            suppressed: self.suppressed + other.suppressed,
            baselined: self.baselined + other.baselined,
            baseline_fixed: self.baseline_fixed + other.baseline_fixed,
        }
    }
}

impl std::iter::Sum for Summary {
    fn sum<I: Iterator<Item = Summary>>(iter: I) -> Summary {
        iter.fold(Summary::default(), |a, b| a + b)
    }
}

impl Report {
    /// The counts of every file.
    pub fn summary(&self) -> Summary {
        self.files.iter().map(Summary::of).sum()
    }

    /// True when some file could not be read.
    pub fn has_io_errors(&self) -> bool {
        self.files.iter().any(|f| f.error.is_some())
    }
}

/// What a run comes to; its exit status says the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// No finding fails the run (exit status 0).
    Passed,
    /// Findings fail the run (exit status 1).
    Failed,
    /// An input could not be read (exit status 2).
    Error,
}

impl Outcome {
    /// The word a summary starts with: `passed`, `failed`, `error`.
    pub fn word(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Error => "error",
        }
    }

    /// The exit status that says the same: 0, 1 or 2.
    pub fn exit_status(self) -> u8 {
        match self {
            Outcome::Passed => 0,
            Outcome::Failed => 1,
            Outcome::Error => 2,
        }
    }
}

/// How a run ends: its counts, and what fails it besides error findings.
/// Every output's summary, JUnit's failures and the exit status are drawn
/// from one `Ending`, so that they agree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ending {
    pub summary: Summary,
    /// Warnings fail this run, and the setting that says so
    /// (`--deny-warnings`); `None` when they do not.
    pub warnings_fail: Option<String>,
    /// Said after the counts (`exit status 0: --exit-zero`).
    pub note: Option<String>,
}

impl Ending {
    /// The end of a run where error findings alone fail it.
    pub fn new(summary: Summary) -> Self {
        Self {
            summary,
            ..Self::default()
        }
    }

    /// [`Ending::new`] of a finished report.
    pub fn of(report: &Report) -> Self {
        Self::new(report.summary())
    }

    /// True when the warnings of the run fail it.
    pub fn warnings_fail(&self) -> bool {
        self.warnings_fail.is_some() && self.summary.warnings > 0
    }

    /// An unreadable input is an error; error findings, and warnings when
    /// they fail the run, fail it.
    pub fn outcome(&self) -> Outcome {
        let s = &self.summary;
        if s.unreadable > 0 {
            Outcome::Error
        } else if s.errors > 0 || self.warnings_fail() {
            Outcome::Failed
        } else {
            Outcome::Passed
        }
    }

    /// The summary line, without a line break, the outcome first:
    /// `failed: 0 errors, 1 warning, 0 infos in 1 file (warnings fail the
    /// run: --deny-warnings)`, `error: could not read 1 file; …`.
    pub fn line(&self) -> String {
        let s = &self.summary;
        let mut line = format!("{}: ", self.outcome().word());
        if s.unreadable > 0 {
            line.push_str(&format!("could not read {}", s.unreadable_inputs()));
            if s.files > s.unreadable {
                line.push_str("; ");
            }
        }
        if s.files > s.unreadable || s.files == 0 {
            line.push_str(&counts(s));
        }
        line.push_str(&set_aside(s));
        let why = self
            .warnings_fail
            .as_deref()
            .filter(|_| self.warnings_fail());
        let said: Vec<&str> = why.into_iter().chain(self.note.as_deref()).collect();
        if !said.is_empty() {
            line.push_str(&format!(" ({})", said.join("; ")));
        }
        line
    }
}

/// `1 error, 0 warnings, 0 infos in 2 files`, with the payloads of
/// containers and the files skipped.
fn counts(s: &Summary) -> String {
    let counts = format!(
        "{}, {}, {}",
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.infos, "info", "infos"),
    );
    let checked = s.checked();
    if s.containers == 0 {
        let mut line = format!("{counts} in {}", plural(checked, "file", "files"));
        if s.skipped > 0 {
            line.push_str(&format!(
                " ({} skipped: not identity-provider payloads)",
                s.skipped
            ));
        }
        line
    } else {
        let mut line = format!(
            "{counts} in {} in {}",
            plural(s.payloads(), "payload", "payloads"),
            plural(checked, "file", "files"),
        );
        if s.skipped > 0 {
            line.push_str(&format!(
                "; {} without payloads",
                plural(s.skipped, "file", "files")
            ));
        }
        line
    }
}

/// `; 2 suppressed, 3 baselined, 1 baseline entry fixed`: the findings
/// not reported, and the baseline's entries no longer found, when any.
fn set_aside(s: &Summary) -> String {
    let mut said = Vec::new();
    if s.suppressed > 0 {
        said.push(format!("{} suppressed", s.suppressed));
    }
    if s.baselined > 0 {
        said.push(format!("{} baselined", s.baselined));
    }
    if s.baseline_fixed > 0 {
        said.push(plural(
            s.baseline_fixed,
            "baseline entry fixed",
            "baseline entries fixed",
        ));
    }
    if said.is_empty() {
        String::new()
    } else {
        format!("; {}", said.join(", "))
    }
}

/// A format that draws each file on its own, so that a file can be drawn as
/// soon as its report is final, while other files are still being linted,
/// and its report freed.
pub trait PerFile: Sync {
    /// The file's part of the output.
    fn draw(&self, file: &FileReport) -> String;

    /// What the output starts with, before the first file's part.
    fn head(&self) -> String;

    /// What comes before a file's part; `first` for the first part.
    fn before_part(&self, first: bool) -> &'static str;

    /// What the output ends with, after the last of its `parts` file parts:
    /// the run's counts and outcome.
    fn tail(&self, ending: &Ending, parts: usize) -> String;

    /// Writes the whole output: the head, the files' parts in order, and the
    /// tail. The parts go to `out` as they are, many to one vectored write,
    /// without being copied into a buffer first.
    fn write(&self, files: &[&str], ending: &Ending, out: &mut dyn io::Write) -> io::Result<()> {
        // At most IOV_MAX (1024) pieces go to one system call.
        const PIECES: usize = 1024;
        out.write_all(self.head().as_bytes())?;
        let mut pieces: Vec<io::IoSlice> = Vec::with_capacity(PIECES);
        for (chunk_index, chunk) in files.chunks(PIECES / 2).enumerate() {
            pieces.clear();
            for (i, file) in chunk.iter().enumerate() {
                let first = chunk_index == 0 && i == 0;
                pieces.push(io::IoSlice::new(self.before_part(first).as_bytes()));
                pieces.push(io::IoSlice::new(file.as_bytes()));
            }
            write_all_vectored(out, &mut pieces)?;
        }
        out.write_all(self.tail(ending, files.len()).as_bytes())
    }

    /// The whole output for a finished report, which ends as `ending` says.
    fn render(&self, report: &Report, ending: &Ending) -> String {
        // Drawn in turn: in parallel, 10 000 files' JSON or human output took
        // no less time on 2 cores, and the command line draws its files in
        // parallel on its own.
        let files: Vec<String> = report.files.iter().map(|f| self.draw(f)).collect();
        let parts: Vec<&str> = files.iter().map(String::as_str).collect();
        let mut out = Vec::with_capacity(files.iter().map(|f| f.len() + 8).sum::<usize>() + 256);
        // Writing into memory cannot fail.
        let _ = self.write(&parts, ending, &mut out);
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

/// `Write::write_all`, for pieces written with one system call where the
/// writer can.
fn write_all_vectored(out: &mut dyn io::Write, mut pieces: &mut [io::IoSlice]) -> io::Result<()> {
    io::IoSlice::advance_slices(&mut pieces, 0);
    while !pieces.is_empty() {
        match out.write_vectored(pieces) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => io::IoSlice::advance_slices(&mut pieces, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A file's report once drawn by a [`PerFile`] format: its text and what the
/// run's summary and exit code need of it.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub text: String,
    pub summary: Summary,
    /// Why the file could not be read, as [`unreadable_message`] says it.
    pub error: Option<String>,
}

impl Drawn {
    pub fn new(format: &dyn PerFile, file: &FileReport) -> Self {
        Self {
            text: format.draw(file),
            summary: Summary::of(file),
            error: unreadable_message(file),
        }
    }
}

/// `path: why`, for a file that could not be read, with every control or
/// invisible character written as a visible escape: what the command line
/// says on standard error (the human report only counts such files).
pub fn unreadable_message(file: &FileReport) -> Option<String> {
    let error = file.error.as_deref()?;
    Some(format!(
        "{}: {}",
        excerpt::visible(&file.path),
        excerpt::visible(error)
    ))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the CI renderers (SARIF, GitHub annotations, JUnit) need to know
/// about the run besides its findings.
#[derive(Debug, Clone, Default)]
pub struct CiOptions {
    /// The directory that reported paths are made relative to: the
    /// repository root for SARIF (its `%SRCROOT%`), the current directory for
    /// the others. Paths under it become relative; `None` keeps relative
    /// paths as given and absolute ones absolute.
    pub base_dir: Option<PathBuf>,
    /// The directory the report's relative paths are relative to (the
    /// current directory of the run). `None`: they are taken as they are.
    pub working_dir: Option<PathBuf>,
}

impl CiOptions {
    /// Paths relative to `root`, for a run whose relative paths are
    /// relative to `working_dir`.
    pub fn under_root(root: PathBuf, working_dir: PathBuf) -> Self {
        Self {
            base_dir: Some(root),
            working_dir: Some(working_dir),
        }
    }
}

/// The repository around `start`: the nearest of `start` and its ancestors
/// that holds a `.git` directory, or a `.git` file (a worktree or a
/// submodule).
pub fn repository_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| dir.join(".git").exists())
        .map(Path::to_path_buf)
}

/// A file's name as CI tools want it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CiPath {
    /// Relative to the base directory: forward slashes, no `./`.
    Relative(String),
    /// An absolute path outside the base directory.
    Absolute(PathBuf),
}

impl CiPath {
    /// The path as text, with forward slashes where relative.
    pub(crate) fn text(&self) -> String {
        match self {
            CiPath::Relative(s) => s.clone(),
            CiPath::Absolute(p) => p.display().to_string(),
        }
    }
}

/// Makes a report's path relative to `options.base_dir` where it can: a
/// relative path is first taken inside `options.working_dir` (when given),
/// `.` and `..` components are resolved, the base directory's prefix goes,
/// and the separators become `/`. A path outside the base directory stays
/// absolute. Names that are not paths (`<stdin>`) are kept.
pub(crate) fn ci_path(path: &str, options: &CiOptions) -> CiPath {
    let given = Path::new(path);
    if is_pseudo_name(path) {
        return CiPath::Relative(path.to_string());
    }
    let absolute = if given.is_absolute() {
        Some(crate::globs::normalize(given))
    } else {
        options
            .working_dir
            .as_deref()
            .map(|w| crate::globs::normalize(&w.join(given)))
    };
    let relative = match absolute {
        Some(absolute) => match options
            .base_dir
            .as_deref()
            .and_then(|b| inside(&absolute, b))
        {
            Some(rest) => rest,
            None => return CiPath::Absolute(absolute),
        },
        None => given.to_path_buf(),
    };
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".to_string()),
            Component::CurDir | Component::RootDir | Component::Prefix(_) => None,
        })
        .collect();
    if parts.is_empty() {
        return CiPath::Relative(path.to_string());
    }
    CiPath::Relative(parts.join("/"))
}

/// `<stdin>` and the like: a name for what is no file.
fn is_pseudo_name(path: &str) -> bool {
    path.starts_with('<') && path.ends_with('>')
}

/// What is left of the absolute `path` under `base`: as written, else with
/// both resolved through their links (a base reached through a link).
fn inside(path: &Path, base: &Path) -> Option<PathBuf> {
    if let Ok(rest) = path.strip_prefix(crate::globs::normalize(base)) {
        return Some(rest.to_path_buf());
    }
    let real_base = std::fs::canonicalize(base).ok()?;
    let real_path = std::fs::canonicalize(path).ok()?;
    real_path
        .strip_prefix(real_base)
        .ok()
        .map(Path::to_path_buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes at most seven bytes a call, across the pieces it is handed.
    struct Trickle(Vec<u8>);

    impl io::Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = buf.len().min(7);
            self.0.extend_from_slice(&buf[..n]);
            Ok(n)
        }

        fn write_vectored(&mut self, pieces: &[io::IoSlice]) -> io::Result<usize> {
            let mut taken = 0;
            for piece in pieces {
                let n = piece.len().min(7 - taken);
                self.0.extend_from_slice(&piece[..n]);
                taken += n;
                if taken == 7 {
                    break;
                }
            }
            Ok(taken)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Written in pieces, through a writer that takes a few bytes at a time,
    /// the output is the whole output, over more parts than one system call
    /// takes.
    #[test]
    fn parts_written_in_pieces_make_the_whole_output() {
        let texts: Vec<String> = (0..1500).map(|i| format!("{{\"n\": {i}}}")).collect();
        let parts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let summary = Summary {
            files: 1500,
            ..Summary::default()
        };
        for format in [&Json as &dyn PerFile, &Human::new(HumanOptions::default())] {
            let mut whole = format.head();
            for (i, part) in parts.iter().enumerate() {
                whole.push_str(format.before_part(i == 0));
                whole.push_str(part);
            }
            let ending = Ending::new(summary);
            whole.push_str(&format.tail(&ending, parts.len()));
            let mut out = Trickle(Vec::new());
            format.write(&parts, &ending, &mut out).unwrap();
            assert_eq!(String::from_utf8_lossy(&out.0), whole);
        }
    }

    fn rel(path: &str, base: Option<&str>) -> CiPath {
        ci_path(
            path,
            &CiOptions {
                base_dir: base.map(PathBuf::from),
                working_dir: None,
            },
        )
    }

    fn rel_in(path: &str, base: &str, working_dir: &str) -> CiPath {
        ci_path(
            path,
            &CiOptions::under_root(PathBuf::from(base), PathBuf::from(working_dir)),
        )
    }

    #[test]
    fn ci_paths_from_a_subdirectory_are_relative_to_the_root() {
        let r = |s: &str| CiPath::Relative(s.to_string());
        assert_eq!(
            rel_in("qlik/okta.json", "/repo", "/repo/idp"),
            r("idp/qlik/okta.json")
        );
        assert_eq!(
            rel_in("./qlik/../okta.json", "/repo", "/repo/idp"),
            r("idp/okta.json")
        );
        assert_eq!(
            rel_in("../ionos/a.json", "/repo", "/repo/idp"),
            r("ionos/a.json")
        );
        assert_eq!(
            rel_in("/repo/idp/a.json", "/repo/", "/elsewhere"),
            r("idp/a.json")
        );
        assert_eq!(
            rel_in("../../x.json", "/repo", "/repo/idp"),
            CiPath::Absolute(PathBuf::from("/x.json"))
        );
        assert_eq!(
            rel_in("a.json", "/repo", "/srv"),
            CiPath::Absolute(PathBuf::from("/srv/a.json"))
        );
        assert_eq!(rel_in("<stdin>", "/repo", "/repo/idp"), r("<stdin>"));
    }

    #[test]
    fn the_repository_root_is_where_git_is() {
        let scratch = tempfile::tempdir().expect("a scratch directory");
        let top = scratch.path().join("repo");
        let deep = top.join("idp/qlik");
        std::fs::create_dir_all(&deep).expect("directories");
        assert_eq!(
            repository_root(&deep).filter(|r| r.starts_with(scratch.path())),
            None
        );
        std::fs::create_dir(top.join(".git")).expect(".git directory");
        assert_eq!(repository_root(&deep), Some(top.clone()));
        assert_eq!(repository_root(&top), Some(top.clone()));
        // A submodule or a worktree has a `.git` file, and is a root of its own.
        std::fs::write(top.join("idp/.git"), "gitdir: ../.git/modules/idp\n").expect(".git file");
        assert_eq!(repository_root(&deep), Some(top.join("idp")));
    }

    #[test]
    fn ci_paths_are_repository_relative() {
        let r = |s: &str| CiPath::Relative(s.to_string());
        assert_eq!(rel("./idp/a.json", None), r("idp/a.json"));
        assert_eq!(rel("idp/./a.json", None), r("idp/a.json"));
        assert_eq!(rel("../x/a.json", None), r("../x/a.json"));
        assert_eq!(rel("<stdin>", None), r("<stdin>"));
        assert_eq!(rel("/repo/idp/a.json", Some("/repo")), r("idp/a.json"));
        assert_eq!(
            rel("/elsewhere/a.json", Some("/repo")),
            CiPath::Absolute(PathBuf::from("/elsewhere/a.json"))
        );
        assert_eq!(
            rel("/repo/a.json", None),
            CiPath::Absolute(PathBuf::from("/repo/a.json"))
        );
    }
}
