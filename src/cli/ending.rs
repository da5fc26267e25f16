//! How `check` ends: what fails the run, the outcome its summary states,
//! the notes on standard error, and the exit status, which all agree.

use std::process::ExitCode;

use crate::config::Config;
use crate::render::{Ending, Outcome};
use crate::Summary;

use super::fixing::Fixed;
use super::CheckArgs;

/// What `--exit-zero` adds to the summary of a run that failed.
const EXIT_ZERO: &str = "exit status 0: --exit-zero";

/// The end of a run with these counts: warnings fail it when the flags or
/// the configuration file say so, and the summary says which.
pub(super) fn of(summary: Summary, args: &CheckArgs, config: &Config) -> Ending {
    let mut ending = Ending::new(summary);
    if config.warnings_fail(summary.warnings) {
        ending.warnings_fail = Some(why_warnings_fail(args, config));
    }
    if args.exit_zero && ending.outcome() == Outcome::Failed {
        ending.note = Some(EXIT_ZERO.to_string());
    }
    ending
}

/// The setting that makes warnings fail the run, as the summary names it:
/// the flag, or the configuration file's key.
fn why_warnings_fail(args: &CheckArgs, config: &Config) -> String {
    let file = config
        .path
        .as_deref()
        .and_then(|path| path.file_name())
        .map_or_else(
            || crate::config::FILE_NAME.to_string(),
            |name| name.to_string_lossy().into_owned(),
        );
    match config.max_warnings {
        _ if args.deny_warnings => "warnings fail the run: --deny-warnings".to_string(),
        _ if config.deny_warnings => format!("warnings fail the run: deny-warnings in {file}"),
        Some(max) if args.max_warnings.is_some() => {
            format!("more than {max} warnings fail the run: --max-warnings {max}")
        }
        Some(max) => format!("more than {max} warnings fail the run: max-warnings in {file}"),
        None => "warnings fail the run".to_string(),
    }
}

/// The exit status of an outcome: 0, 1 or 2, and 0 for a failed run under
/// `--exit-zero`.
pub(super) fn exit_status(outcome: Outcome, exit_zero: bool) -> ExitCode {
    match outcome {
        Outcome::Failed if exit_zero => ExitCode::SUCCESS,
        outcome => ExitCode::from(outcome.exit_status()),
    }
}

/// The end of `--diff` and `--fix-only`, whose report is the diff or
/// nothing: an unreadable input is an error, a diff to show fails the run.
/// The outcome and what the fixes did are said on standard error (standard
/// output holds the diff), unless `--quiet`; returns the exit status.
pub(super) fn of_fixes(fixed: Fixed, ending: &Ending, args: &CheckArgs) -> ExitCode {
    let summary = &ending.summary;
    let outcome = if summary.unreadable > 0 {
        Outcome::Error
    } else if fixed.diff && fixed.files > 0 {
        Outcome::Failed
    } else {
        Outcome::Passed
    };
    if !args.quiet {
        let mut line = format!("{}: ", outcome.word());
        if summary.unreadable > 0 {
            line.push_str(&format!("could not read {}; ", summary.unreadable_inputs()));
        }
        line.push_str(&fixed.said());
        if outcome == Outcome::Failed && args.exit_zero {
            line.push_str(&format!(" ({EXIT_ZERO})"));
        }
        eprintln!("{line}");
    }
    exit_status(outcome, args.exit_zero)
}

/// Says on standard error when the paths given hold nothing to lint: no
/// file at all, or no identity-provider payload in the files. Not said for
/// the default path (`.`), nor when an input could not be read (its error
/// is said).
pub(super) fn say_when_nothing_found(args: &CheckArgs, summary: &Summary) {
    if args.paths.is_empty() || summary.unreadable > 0 {
        return;
    }
    if summary.files == 0 {
        eprintln!("idplint: no file to lint in the paths given");
    } else if summary.payloads() == 0 {
        let files = if summary.files == 1 {
            "1 file".to_string()
        } else {
            format!("{} files", summary.files)
        };
        eprintln!("idplint: no identity-provider payload found in {files}");
    }
}
