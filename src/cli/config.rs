//! `idplint.toml` on the command line: finding it, reporting its problems on
//! the file itself, and `--show-config`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use miette::{GraphicalReportHandler, GraphicalTheme};

use std::sync::Arc;

use crate::config::{Config, ConfigError, ConfigTree, Flags};

use super::setup::Setup;

use super::color::ColorChoice;

#[derive(clap::Args)]
pub struct ConfigArgs {
    /// The configuration file for every path (default: for each file, the nearest idplint.toml upward from it)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print the resolved settings (configuration file and flags), and which file applies to each path, and exit
    #[arg(long)]
    pub show_config: bool,
}

impl ConfigArgs {
    /// True when `--config` gives one file for every path.
    pub fn forced(&self) -> bool {
        self.config.is_some()
    }
}

/// The settings of the run: the configuration file's with the flags on top.
/// A problem with the file is reported on stderr, coloured as `color` says,
/// with the exit status 2.
pub fn resolve(args: &ConfigArgs, flags: Flags, color: ColorChoice) -> Result<Config, ExitCode> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => Config::find(&cwd).map(|found| match found.strip_prefix(&cwd) {
            Ok(relative) => relative.to_path_buf(),
            Err(_) => found,
        }),
    };
    let config = match &path {
        Some(path) => Config::load(path).map_err(|errors| report(path, &errors, color))?,
        None => Config::defaults(&cwd),
    }
    .with_flags(flags);
    Ok(config)
}

/// `--show-config`: prints, for each configuration that applies to one of
/// `paths` (`.` when none), the paths it applies to and its resolved
/// settings. A configuration file with problems has them reported, with the
/// exit status 2.
pub(super) fn show(tree: &ConfigTree<Setup>, paths: &[PathBuf], color: ColorChoice) -> ExitCode {
    let dot = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &dot[..] } else { paths };
    let mut shown: Vec<(Arc<Setup>, Vec<String>)> = Vec::new();
    for path in paths {
        let applied = if path.is_dir() {
            tree.for_dir(path)
        } else {
            tree.for_file(path)
        };
        let setup = match applied {
            Ok(setup) => setup,
            Err(invalid) => return report(&invalid.path, &invalid.errors, color),
        };
        let name = path.display().to_string();
        match shown.iter_mut().find(|(s, _)| Arc::ptr_eq(s, &setup)) {
            Some((_, names)) => names.push(name),
            None => shown.push((setup, vec![name])),
        }
    }
    let mut out = String::new();
    for (i, (setup, names)) in shown.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
        out.push_str(&format!("# applies to: {}\n", quoted.join(", ")));
        out.push_str(&setup.config.to_string());
    }
    if paths.iter().any(|p| p.is_dir()) {
        out.push_str(
            "\n# a file under a directory with an idplint.toml of its own gets that one\n",
        );
    }
    super::emit(out.as_bytes()).unwrap_or_else(|code| code)
}

/// Renders every problem of the configuration file with its excerpt.
pub(super) fn report(path: &Path, errors: &[ConfigError], color: ColorChoice) -> ExitCode {
    let theme = if super::color::wanted_here(color, std::io::stderr().is_terminal()) {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for e in errors {
        // Rendering into a String cannot fail.
        let _ = handler.render_report(&mut out, e);
        out.push('\n');
    }
    // A file that cannot be read has said so; one that can gets a summary.
    if errors.iter().any(|e| e.span.is_some()) {
        out.push_str(&format!(
            "error: invalid configuration file `{}` ({} {})\n",
            path.display(),
            errors.len(),
            if errors.len() == 1 {
                "problem"
            } else {
                "problems"
            }
        ));
    }
    let _ = std::io::stderr().lock().write_all(out.as_bytes());
    ExitCode::from(2)
}
