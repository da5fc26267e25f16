//! A configuration (`idplint.toml`) as the library takes it: read from a
//! string or a path, and turned into the linter and the per-file options it
//! describes.

use std::path::{Path, PathBuf};

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::config;
use crate::linter::{Linter, Options, SourceOptions};

/// The settings of an `idplint.toml`: which rules run at which severity
/// (with `[[overrides]]` for some files), the kind and protocol of files by
/// glob (`[kinds]`, `[patch-protocol]`), and the values of template
/// variables (`[vars]`). The README's *Configuration* section describes the
/// file.
///
/// ```
/// use std::path::Path;
/// use idplint::{Config, Kind};
///
/// let toml = r#"
/// ignore = ["IDP006"]
/// [kinds]
/// "idp/qlik/*.json" = "qlik.create"
/// [[overrides]]
/// files = ["legacy/**"]
/// severity = { IDP005 = "warning" }
/// "#;
/// let config = Config::from_str(toml, Path::new("/repo"))?;
/// let linter = config.linter();
/// assert!(!linter.is_enabled("IDP006"));
/// let file = Path::new("/repo/idp/qlik/okta.json");
/// assert_eq!(config.source_options(file).kind, Some(Kind::QlikCreate));
/// # Ok::<(), idplint::ConfigError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    settings: config::Config,
}

impl Config {
    /// The configuration in `text`, in the format of `idplint.toml`, as if
    /// it were the file `idplint.toml` in the directory `root`: its globs
    /// are relative to `root`.
    pub fn from_str(text: &str, root: &Path) -> Result<Self, ConfigError> {
        let path = root.join(config::FILE_NAME);
        let mut settings = config::Config::parse(&path, text)
            .map_err(|problems| ConfigError::new(&path, problems))?;
        // Read from no file: the name above only places its globs and excerpts.
        settings.path = None;
        Ok(Self { settings })
    }

    /// The configuration file at `path`; its globs are relative to its
    /// directory.
    pub fn from_path(path: &Path) -> Result<Self, ConfigError> {
        let settings =
            config::Config::load(path).map_err(|problems| ConfigError::new(path, problems))?;
        Ok(Self { settings })
    }

    /// The file the configuration was read from; `None` for one read from a
    /// string.
    pub fn path(&self) -> Option<&Path> {
        self.settings.path.as_deref()
    }

    /// The rule selection and severities to build a [`Linter`] from; they
    /// do not hold the template variables, which [`Config::linter`] adds.
    pub fn options(&self) -> Options {
        self.settings.options()
    }

    /// A linter with the configuration's rules, severities, overrides and
    /// template variables.
    pub fn linter(&self) -> Linter {
        Linter::new(self.settings.options()).with_variables(self.settings.variables())
    }

    /// The options for linting the file at `path`: the kind and protocol
    /// the configuration gives it, if any.
    pub fn source_options(&self, path: &Path) -> SourceOptions {
        self.settings.source_options(path)
    }
}

/// A configuration that cannot be used: the file cannot be read, or it is
/// not valid. It holds every problem; its text (`Display`) draws each one
/// with an excerpt of the file, as the command line does.
#[derive(Debug, Clone)]
pub struct ConfigError {
    path: PathBuf,
    problems: Vec<config::ConfigError>,
}

impl ConfigError {
    fn new(path: &Path, problems: Vec<config::ConfigError>) -> Self {
        Self {
            path: path.to_path_buf(),
            problems,
        }
    }

    /// The configuration file's path (for a configuration read from a
    /// string, `idplint.toml` in its root).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Each problem's message in one line, without its excerpt.
    pub fn messages(&self) -> impl Iterator<Item = &str> {
        self.problems.iter().map(|problem| problem.message.as_str())
    }
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .with_width(100)
            .with_links(false);
        let mut text = format!("invalid configuration `{}`:\n", self.path.display());
        for problem in &self.problems {
            // Rendering into a String cannot fail.
            let _ = handler.render_report(&mut text, problem);
        }
        f.write_str(text.trim_end())
    }
}

impl std::error::Error for ConfigError {}
