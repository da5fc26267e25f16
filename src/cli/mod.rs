//! The command line: arguments, file walking, choosing a renderer, exit codes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use idplint::config::{Config, Flags};
use idplint::facts::Protocol;
use idplint::render::{
    render_github, render_junit, render_sarif, CiOptions, Drawn, Human, HumanOptions, Json,
    PerFile, Summary,
};
use idplint::{FileReport, Kind, Linter, Report, SourceOptions};

mod catalog;
mod config;
mod fixing;
mod walk;

use fixing::Fixing;
use walk::{lint_inputs, Input};

/// Offline linter for identity-provider configuration payloads.
#[derive(Parser)]
#[command(name = "idplint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint payload files, directories (walked, .gitignore-aware) or `-` for stdin
    Check(CheckArgs),
    /// List every rule
    Rules {
        /// Output format
        #[arg(long, value_enum, default_value_t = CatalogFormat::Human)]
        format: CatalogFormat,
    },
    /// Print a rule's documentation, examples and the diagnostic of its first failing example
    Explain {
        /// A rule code (IDP302) or name (certificate-unparseable)
        rule: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum CatalogFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
    /// SARIF 2.1.0, for GitHub code scanning
    Sarif,
    /// GitHub Actions workflow commands (annotations)
    Github,
    /// JUnit XML, for CI test reports
    Junit,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum KindArg {
    Auto,
    #[value(name = "qlik.create")]
    QlikCreate,
    #[value(name = "qlik.patch")]
    QlikPatch,
    #[value(name = "ionos.create")]
    IonosCreate,
    #[value(name = "ionos.ensure")]
    IonosEnsure,
}

/// The values `--protocol` takes: the protocols' names from `rules/protocols.json`.
fn protocol_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Protocol::ALL.map(Protocol::name))
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files, directories, or `-` for standard input (default: the current directory)
    paths: Vec<PathBuf>,
    /// The payload kind; `auto` recognises it from the shape
    #[arg(long, value_enum, default_value_t = KindArg::Auto)]
    kind: KindArg,
    /// Protocol of the identity provider a qlik.patch targets
    #[arg(long, value_parser = protocol_names())]
    protocol: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Rules to enable: codes or prefixes, comma-separated (IDP3,IDP501)
    #[arg(long, value_delimiter = ',')]
    select: Vec<String>,
    /// Rules to disable: codes or prefixes, comma-separated
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Exit 1 when there are warnings, too
    #[arg(long)]
    deny_warnings: bool,
    /// Exit 1 when there are more than N warnings
    #[arg(long, value_name = "N")]
    max_warnings: Option<usize>,
    /// The name to report for standard input
    #[arg(long, value_name = "NAME")]
    stdin_filename: Option<String>,
    /// A template variable's value for bodies in containers (repeatable)
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Template variables' values from a dotenv file (`NAME=value` lines)
    #[arg(long, value_name = "FILE")]
    env_file: Option<PathBuf>,
    /// Apply the safe fixes to the files, then report what remains
    #[arg(long)]
    fix: bool,
    /// Apply the unsafe fixes too (the likely intent; review the change)
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the fixes as a unified diff instead of writing them; exit 1 when there is one
    #[arg(long)]
    diff: bool,
    /// Apply the fixes and report nothing else
    #[arg(long)]
    fix_only: bool,
    #[command(flatten)]
    config: config::ConfigArgs,
}

pub fn main() -> ExitCode {
    // A panic's message may quote the file being linted (a secret, say): only
    // where the bug is gets printed, with a backtrace if RUST_BACKTRACE asks.
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map_or_else(String::new, |l| format!(" at {}:{}", l.file(), l.line()));
        let backtrace = std::backtrace::Backtrace::capture();
        let _ = writeln!(
            std::io::stderr(),
            "error: internal error{at}; this is a bug in idplint, please report it"
        );
        if backtrace.status() == std::backtrace::BacktraceStatus::Captured {
            let _ = writeln!(std::io::stderr(), "{backtrace}");
        }
    }));
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Command::Check(args) => check(args),
        Command::Rules { format } => catalog::list(format),
        Command::Explain { rule } => catalog::explain(&rule),
    }
}

fn check(args: CheckArgs) -> ExitCode {
    if args.paths.is_empty() || args.paths.iter().any(|p| p.is_dir()) {
        // A walk lints many files, and every schema is likely needed: the
        // workers start and compile them while the walk begins.
        rayon::spawn(|| {
            idplint::schema::all();
        });
    }
    let config = match check_config(&args) {
        Ok(config) => config,
        Err(code) => return code,
    };
    if args.config.show_config {
        return config::show(&config);
    }
    let mut linter = Linter::new(config.options()).with_variables(config.variables());
    if !matches!(args.format, Format::Human) {
        linter = linter.without_source_text();
    }
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let human;
    let per_file: Option<&dyn PerFile> = match args.format {
        Format::Human => {
            human = Human::new(HumanOptions {
                color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
                width: 100,
            });
            Some(&human)
        }
        Format::Json => Some(&Json),
        Format::Sarif | Format::Github | Format::Junit => None,
    };
    let stdin_name = args.stdin_filename.as_deref().unwrap_or("<stdin>");
    let fixing = Fixing::of(&args);
    let mut linted = lint_all(
        &paths,
        &config,
        &linter,
        per_file,
        stdin_name,
        fixing.as_ref(),
    );
    let changed = check_across(&linter, &mut linted);
    let mut stdout = std::io::stdout().lock();
    let quiet_report = args.diff || args.fix_only;
    let (written, summary, unreadable) = if quiet_report {
        write_all(
            args.format,
            per_file,
            linted,
            &changed,
            &mut std::io::sink(),
        )
    } else {
        write_all(args.format, per_file, linted, &changed, &mut stdout)
    };
    if let Some(fixing) = &fixing {
        let changed_files = match fixing.finish(&mut stdout) {
            Ok(changed) => changed,
            Err(code) => return code,
        };
        if args.diff {
            return if changed_files > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            };
        }
        if args.fix_only {
            return ExitCode::from(if unreadable { 2 } else { 0 });
        }
    }
    let failed_write = written.and_then(|_| stdout.flush()).err();
    if let Some(code) = failed_write.as_ref().and_then(write_failed) {
        return code;
    }
    if !args.paths.is_empty() && summary.files > 0 && summary.payloads() == 0 && !unreadable {
        eprintln!(
            "idplint: no identity-provider payload found in the {} given",
            plural_files(summary.files)
        );
    }
    exit_status(unreadable, summary, &config)
}

/// 2 when a file could not be read, 1 when findings fail the run, else 0.
fn exit_status(unreadable: bool, summary: Summary, config: &Config) -> ExitCode {
    if unreadable {
        ExitCode::from(2)
    } else if summary.errors > 0 || config.warnings_fail(summary.warnings) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The run's settings: the configuration file's with the flags on top.
fn check_config(args: &CheckArgs) -> Result<Config, ExitCode> {
    let flags = [("--select", &args.select), ("--ignore", &args.ignore)];
    for (flag, selectors) in flags {
        if let Some(unknown) = selectors.iter().find(|s| !idplint::linter::selects_any(s)) {
            let unknown = unknown.trim();
            eprintln!("error: no rule matches `{unknown}` (given to {flag})");
            eprintln!(
                "  help: {}",
                idplint::linter::unknown_selector_help(unknown)
            );
            return Err(ExitCode::from(2));
        }
    }
    let flags = Flags {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        kind: match args.kind {
            KindArg::Auto => None,
            KindArg::QlikCreate => Some(Kind::QlikCreate),
            KindArg::QlikPatch => Some(Kind::QlikPatch),
            KindArg::IonosCreate => Some(Kind::IonosCreate),
            KindArg::IonosEnsure => Some(Kind::IonosEnsure),
        },
        protocol: args.protocol.clone(),
        deny_warnings: args.deny_warnings,
        max_warnings: args.max_warnings,
        vars: match env_file_vars(args.env_file.as_deref()) {
            Ok(mut vars) => {
                vars.extend(args.vars.iter().cloned());
                vars
            }
            Err(message) => {
                eprintln!("error: {message}");
                return Err(ExitCode::from(2));
            }
        },
    };
    config::resolve(&args.config, flags)
}

/// Lints every input, each drawn at once in a per-file format, and the
/// bodies that containers' requests read from files of their own. Each
/// result is boxed: putting a run's results in order then moves pointers.
#[allow(clippy::vec_box)]
fn lint_all(
    paths: &[PathBuf],
    config: &Config,
    linter: &Linter,
    per_file: Option<&dyn PerFile>,
    stdin_name: &str,
    fixing: Option<&Fixing>,
) -> Vec<Box<Linted>> {
    let lint_path = |path: &Path, walked: bool| {
        let options = config.source_options(path);
        match fixing {
            Some(fixing) => fixing.fix_file(linter, path, &options),
            None if walked => linter.lint_regular_file(path, &options),
            None => linter.lint_file(path, &options),
        }
    };
    let lint = |input: &Input| match input {
        Input::Stdin => {
            let read = idplint::source::read_limited(
                std::io::stdin().lock(),
                idplint::source::MAX_INPUT_BYTES,
            );
            match read {
                Ok(bytes) => linter.lint_bytes(
                    stdin_name,
                    &bytes,
                    &config.source_options(Path::new(stdin_name)),
                ),
                Err(e) => {
                    FileReport::unreadable(stdin_name, format!("cannot read standard input: {e}"))
                }
            }
        }
        Input::File(path) => lint_path(path, false),
        Input::Walked(path) => lint_path(path, true),
        Input::Error(name, message) => FileReport::unreadable(name.as_str(), message.as_str()),
    };
    // A report that the checks across files may still add to is kept for them.
    let keep = |report: FileReport| match per_file {
        Some(format) if report.ionos_names.is_empty() && report.body_files.is_empty() => {
            Linted::Drawn(Drawn::new(format, &report))
        }
        Some(format) => {
            let drawn = Drawn::new(format, &report);
            Linted::Pending(Box::new(report), Some(drawn))
        }
        None => Linted::Pending(Box::new(report), None),
    };
    let mut linted = lint_inputs(paths, config, |input| {
        // A bug met in linting or drawing one file fails that file alone.
        let linted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| keep(lint(&input))))
            .unwrap_or_else(|_| keep(FileReport::failed(input.name(stdin_name))));
        // The results are put in order on one thread once all are in:
        // moving a pointer there costs less than moving a result.
        Box::new(linted)
    });
    // Bodies that containers' requests read from files of their own
    // (`-d @body.json`), linted with the kind of their request.
    for (path, kind) in named_bodies(&linted, paths, config) {
        let options = SourceOptions {
            kind: kind.or(config.source_options(&path).kind),
            ..config.source_options(&path)
        };
        linted.push(Box::new(keep(linter.lint_file(&path, &options))));
    }
    linted
}

/// Runs the checks across files over the reports kept for them; returns
/// the indices of the reports they added to.
fn check_across(linter: &Linter, linted: &mut [Box<Linted>]) -> Vec<usize> {
    let (at, mut kept): (Vec<usize>, Vec<&mut FileReport>) = linted
        .iter_mut()
        .enumerate()
        .filter_map(|(i, linted)| match &mut **linted {
            Linted::Pending(report, _) => Some((i, &mut **report)),
            Linted::Drawn(_) => None,
        })
        .unzip();
    let changed = linter.check_across_files(&mut kept);
    changed.into_iter().map(|k| at[k]).collect::<Vec<usize>>()
}

/// Writes the run's output; returns how the writing went, the summary, and
/// whether a file could not be read.
#[allow(clippy::vec_box)]
fn write_all(
    format_arg: Format,
    per_file: Option<&dyn PerFile>,
    mut linted: Vec<Box<Linted>>,
    changed: &[usize],
    stdout: &mut dyn Write,
) -> (std::io::Result<()>, Summary, bool) {
    match per_file {
        Some(format) => {
            let redrawn: Vec<(usize, Drawn)> = changed
                .par_iter()
                .filter_map(|&i| match &*linted[i] {
                    Linted::Pending(report, _) => Some((i, Drawn::new(format, report))),
                    Linted::Drawn(_) => None,
                })
                .collect();
            for (i, drawn) in redrawn {
                if let Linted::Pending(_, slot) = &mut *linted[i] {
                    *slot = Some(drawn);
                }
            }
            let (mut summary, mut unreadable) = (Summary::default(), false);
            let parts: Vec<&str> = linted
                .iter()
                .filter_map(|linted| match &**linted {
                    Linted::Drawn(drawn) | Linted::Pending(_, Some(drawn)) => Some(drawn),
                    Linted::Pending(_, None) => None,
                })
                .map(|drawn| {
                    summary = summary + drawn.summary;
                    unreadable |= drawn.unreadable;
                    drawn.text.as_str()
                })
                .collect();
            let written = format.write(&parts, summary, stdout);
            leave_to_exit(linted);
            (written, summary, unreadable)
        }
        None => {
            let files = linted
                .into_iter()
                .filter_map(|linted| match *linted {
                    Linted::Pending(report, _) => Some(*report),
                    Linted::Drawn(_) => None,
                })
                .collect();
            let report = Report { files };
            let text = match format_arg {
                Format::Sarif => render_sarif(&report, &ci_options()),
                Format::Github => render_github(&report, &ci_options()),
                _ => render_junit(&report, &ci_options()),
            };
            let written = stdout.write_all(text.as_bytes());
            let (summary, unreadable) = (report.summary(), report.has_io_errors());
            leave_to_exit(report);
            (written, summary, unreadable)
        }
    }
}

/// The files that containers' requests name as their bodies, resolved
/// against the container's directory, with the kind of their request; not
/// those the run lints anyway (named, or found by walking a directory).
fn named_bodies(
    linted: &[Box<Linted>],
    paths: &[PathBuf],
    config: &Config,
) -> Vec<(PathBuf, Option<Kind>)> {
    let reports = linted.iter().filter_map(|l| match &**l {
        Linted::Pending(report, _) if !report.body_files.is_empty() => Some(report),
        _ => None,
    });
    let canonical = |p: &Path| std::fs::canonicalize(p).ok();
    let inputs: Vec<(PathBuf, bool)> = paths
        .iter()
        .filter_map(|p| Some((canonical(p)?, p.is_dir())))
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for report in reports {
        let dir = Path::new(&report.path).parent().unwrap_or(Path::new(""));
        for body in &report.body_files {
            let path = dir.join(&body.path);
            let Some(real) = canonical(&path).filter(|p| p.is_file()) else {
                continue;
            };
            let covered = inputs.iter().any(|(input, is_dir)| {
                *input == real || (*is_dir && real.starts_with(input) && config.is_included(&real))
            });
            if !covered && !config.is_excluded(&path) && seen.insert(real) {
                out.push((path, body.kind));
            }
        }
    }
    out
}

/// `NAME=VALUE` of `--var`.
fn parse_var(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}

/// The variables of `--env-file`, in the order written.
fn env_file_vars(path: Option<&Path>) -> Result<Vec<(String, String)>, String> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text = idplint::source::read_small_text(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut variables = idplint::container::Variables::new();
    let bad = variables.read_dotenv(&text);
    if let Some(line) = bad.first() {
        return Err(format!(
            "{}:{line}: not a `NAME=value` line",
            path.display()
        ));
    }
    Ok(variables.into_pairs())
}

/// `file` or `N files`.
fn plural_files(n: usize) -> String {
    if n == 1 {
        "file".to_string()
    } else {
        format!("{n} files")
    }
}

/// Writes `bytes` to standard output: `Ok` when written, and the exit
/// status to end with when not: success when the reader has gone (a closed
/// pipe, as `idplint rules | head` closes it), 2 with a message for any
/// other write error (a full disk).
fn emit(bytes: &[u8]) -> Result<ExitCode, ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => Err(write_failed(&e).unwrap_or(ExitCode::SUCCESS)),
    }
}

/// The exit status for an output that could not be written: `None` when
/// the reader has gone and the run may end as it would have, 2 (with a
/// message) for any other error.
fn write_failed(e: &std::io::Error) -> Option<ExitCode> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return None;
    }
    eprintln!("error: cannot write the output: {e}");
    Some(ExitCode::from(2))
}

/// The process ends soon after the output is written: freeing a run's
/// reports or texts one by one takes longer than the operating system takes
/// to drop them all at exit.
fn leave_to_exit<T>(value: T) {
    std::mem::forget(value);
}

/// A file's report once linted: drawn at once, or kept for the checks
/// across files. A kept report is drawn at once too when the format draws
/// per file: those checks seldom add to it, and it is drawn again if they do.
enum Linted {
    Drawn(Drawn),
    Pending(Box<FileReport>, Option<Drawn>),
}

/// CI formats name files relative to the current directory (the repository
/// root in CI).
fn ci_options() -> CiOptions {
    CiOptions {
        base_dir: std::env::current_dir().ok(),
    }
}
