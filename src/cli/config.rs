//! `idplint.toml` on the command line: finding it, reporting its problems on
//! the file itself, and `--show-config`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::config::{Config, ConfigError, Flags};

use super::color::ColorChoice;

#[derive(clap::Args)]
pub struct ConfigArgs {
    /// The configuration file (default: idplint.toml found upward from the current directory)
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print the resolved settings (configuration file and flags) and exit
    #[arg(long)]
    pub show_config: bool,
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

/// `--show-config`: prints the resolved settings.
pub fn show(config: &Config) -> ExitCode {
    super::emit(config.to_string().as_bytes()).unwrap_or_else(|code| code)
}

/// Renders every problem of the configuration file with its excerpt.
fn report(path: &Path, errors: &[ConfigError], color: ColorChoice) -> ExitCode {
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
