//! The one entry point to every renderer: a [`Format`], and the few
//! settings some formats take.

use std::path::PathBuf;

use super::{
    render_github, render_junit, render_sarif, CiOptions, Ending, Human, HumanOptions, Json,
    PerFile, Report,
};

/// An output format of [`render`]: what `idplint check --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Findings with an excerpt of the file around each, for people.
    Human,
    /// One JSON document (`version` 1): every file, its findings with their
    /// spans, pointers and fixes, and the run's summary.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub, GitLab, Azure DevOps).
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`), which the runner
    /// turns into annotations on a pull request.
    Github,
    /// JUnit XML: a test case per file, a failure per error finding.
    Junit,
}

/// Settings of [`render_with`]; each format reads the ones it has a use
/// for.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Human: colour the output with ANSI escapes (default: no).
    pub color: bool,
    /// Human: the width the text is wrapped to (default: 100 columns).
    pub width: usize,
    /// SARIF, GitHub, JUnit: the directory that paths are made relative to
    /// (for SARIF, the repository root, its `%SRCROOT%`). `None` writes
    /// relative paths as given and absolute ones absolute.
    pub base_dir: Option<PathBuf>,
    /// SARIF, GitHub, JUnit: the directory the report's relative paths are
    /// relative to (the current directory of the run). `None` takes them as
    /// they are.
    pub working_dir: Option<PathBuf>,
    /// Human, JSON, GitHub, JUnit: warnings fail the run, for this reason
    /// (`max-warnings exceeded`); the summary says so, and JUnit counts them
    /// as failures. `None`: error findings alone fail it.
    pub warnings_fail: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            color: false,
            width: HumanOptions::default().width,
            base_dir: None,
            working_dir: None,
            warnings_fail: None,
        }
    }
}

/// The report in `format`, with the default [`RenderOptions`]: no colour,
/// 100 columns, paths as the report names them.
///
/// ```
/// use idplint::{render, Format, Linter, Report, SourceOptions};
///
/// let report = Linter::default().lint_source(
///     "idp/okta.json",
///     r#"{"protocol": "OIDC", "provider": "okta", "interactive": "no"}"#,
///     &SourceOptions::default(),
/// );
/// let report = Report { files: vec![report] };
/// let json: serde_json::Value = serde_json::from_str(&render(&report, Format::Json))?;
/// assert_eq!(json["files"][0]["path"], "idp/okta.json");
/// let sarif: serde_json::Value = serde_json::from_str(&render(&report, Format::Sarif))?;
/// assert_eq!(sarif["version"], "2.1.0");
/// assert!(render(&report, Format::Human).contains("idp/okta.json"));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn render(report: &Report, format: Format) -> String {
    render_with(report, format, &RenderOptions::default())
}

/// The report in `format`, drawn with `options`.
pub fn render_with(report: &Report, format: Format, options: &RenderOptions) -> String {
    let ending = Ending {
        warnings_fail: options.warnings_fail.clone(),
        ..Ending::of(report)
    };
    let ci = CiOptions {
        base_dir: options.base_dir.clone(),
        working_dir: options.working_dir.clone(),
    };
    match format {
        Format::Human => {
            let human = Human::new(HumanOptions {
                color: options.color,
                width: options.width,
                quiet: false,
            });
            human.render(report, &ending)
        }
        Format::Json => Json.render(report, &ending),
        Format::Sarif => render_sarif(report, &ci),
        Format::Github => render_github(report, &ci, &ending),
        Format::Junit => render_junit(report, &ci, &ending),
    }
}
