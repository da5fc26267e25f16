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
use idplint::rules;
use idplint::{FileReport, Kind, Linter, Report, SourceOptions};

mod catalog;
mod config;
mod schema;

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
    /// Print the JSON Schema of a payload kind, for editors (VS Code `json.schemas`)
    Schema {
        /// The payload kind
        #[arg(value_parser = schema::kind_names())]
        kind: String,
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
        Command::Schema { kind } => schema::print(&kind),
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
    for selector in args.select.iter().chain(&args.ignore) {
        if !rules::ALL
            .iter()
            .any(|r| idplint::linter::matches_code(r.meta().code, selector))
        {
            eprintln!("error: `{selector}` selects no rule (see `idplint rules`)");
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

/// `--fix`, `--unsafe-fixes`, `--diff` and `--fix-only`: what to apply, and
/// what was done, gathered from the threads that lint the files.
struct Fixing {
    mode: idplint::fix::FixMode,
    diff: bool,
    applied: std::sync::atomic::AtomicUsize,
    diffs: std::sync::Mutex<Vec<(String, String)>>,
    failures: std::sync::Mutex<Vec<String>>,
}

impl Fixing {
    fn of(args: &CheckArgs) -> Option<Self> {
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
    fn fix_file(&self, linter: &Linter, path: &Path, options: &SourceOptions) -> FileReport {
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
    fn finish(&self, out: &mut impl Write) -> Result<usize, ExitCode> {
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

/// The process ends soon after the output is written: freeing a run's
/// reports or texts one by one takes longer than the operating system takes
/// to drop them all at exit.
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

enum Input {
    Stdin,
    File(PathBuf),
    /// A regular file found by walking a directory.
    Walked(PathBuf),
    Error(String, String),
}

impl Input {
    /// The name the input's report gives it.
    fn name(&self, stdin_name: &str) -> String {
        match self {
            Input::Stdin => stdin_name.to_string(),
            Input::File(path) | Input::Walked(path) => idplint::linter::display_name(path),
            Input::Error(name, _) => name.clone(),
        }
    }
}

/// Expands the command line's paths and lints each input as it is found:
/// files as given, directories walked for the configuration's `include`
/// (every `*.json` by default, respecting .gitignore), `-` for stdin.
/// Excluded paths are dropped, even when named explicitly.
///
/// A walk runs as a task of the linting pool and hands the files it finds
/// to the pool in small batches, so that linting does not wait for the
/// whole tree and no thread beyond the pool's competes for the cores.
/// The reports come back in a stable order whatever the walk order: the
/// paths in command-line order, and within a directory its walk errors,
/// then its files sorted.
fn lint_inputs<T, F>(paths: &[PathBuf], config: &Config, lint: F) -> Vec<T>
where
    T: Send,
    F: Fn(Input) -> T + Sync,
{
    // Each input is linted with the number it was found as; the places
    // those numbers go to are worked out apart from the linting.
    let (batches, places): (Vec<Vec<(usize, T)>>, Vec<usize>) = if paths.iter().any(|p| p.is_dir())
    {
        let linted = std::sync::Mutex::new(Vec::new());
        let places = rayon::scope(|scope| {
            let (lint, linted) = (&lint, &linted);
            let hand_over = |batch: Vec<(usize, Input)>| {
                scope.spawn(move |_| {
                    let batch: Vec<(usize, T)> = batch
                        .into_iter()
                        .map(|(number, input)| (number, lint(input)))
                        .collect();
                    linted
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(batch);
                });
            };
            let mut batch = Vec::with_capacity(WALK_BATCH);
            let orders = expand_numbered(paths, config, &mut |number, input| {
                batch.push((number, input));
                if batch.len() == WALK_BATCH {
                    hand_over(std::mem::replace(
                        &mut batch,
                        Vec::with_capacity(WALK_BATCH),
                    ));
                }
            });
            if !batch.is_empty() {
                hand_over(batch);
            }
            places(&orders)
        });
        let batches = linted
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (batches, places)
    } else {
        // Nothing to walk (the pre-commit case).
        let mut inputs = Vec::new();
        let orders = expand_numbered(paths, config, &mut |number, input| {
            inputs.push((number, input));
        });
        let linted = inputs
            .into_par_iter()
            .map(|(number, input)| (number, lint(input)))
            .collect();
        (vec![linted], places(&orders))
    };
    let mut placed: Vec<Option<T>> = std::iter::repeat_with(|| None).take(places.len()).collect();
    for (number, linted) in batches.into_iter().flatten() {
        placed[places[number]] = Some(linted);
    }
    placed.into_iter().flatten().collect()
}

/// How many walked files a linting task takes: enough that handing them
/// over costs little, few enough that the workers finish together.
const WALK_BATCH: usize = 16;

/// [`expand`], handing each input to `found` with the number it is found as
/// (0, 1, 2, …); returns the order of each, by number.
fn expand_numbered(
    paths: &[PathBuf],
    config: &Config,
    found: &mut dyn FnMut(usize, Input),
) -> Vec<Order> {
    let mut orders = Vec::new();
    expand(paths, config, &mut |order, input| {
        found(orders.len(), input);
        orders.push(order);
    });
    orders
}

/// For each input, by the number it was found as, its place in the output.
fn places(orders: &[Order]) -> Vec<usize> {
    let mut sorted: Vec<usize> = (0..orders.len()).collect();
    sorted.sort_unstable_by(|&a, &b| orders[a].cmp(&orders[b]));
    let mut places = vec![0; orders.len()];
    for (place, &number) in sorted.iter().enumerate() {
        places[number] = place;
    }
    places
}

/// Where an input's report goes: the index of the command-line path it
/// came from, then its place under that path.
type Order = (usize, Place);

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// The path itself, or the n-th error of its walk.
    Given(usize),
    /// A file found by the walk, by its sort key under the walk's root.
    Walked(WalkKey),
}

/// Hands every input the command line's paths stand for to `found`.
fn expand(paths: &[PathBuf], config: &Config, found: &mut dyn FnMut(Order, Input)) {
    let mut unseen = Unseen::new(paths.len());
    for (index, path) in paths.iter().enumerate() {
        if path.as_os_str() == "-" {
            found((index, Place::Given(0)), Input::Stdin);
        } else if config.is_excluded(path) || !unseen.first_time(path) {
            continue;
        } else if path.is_dir() {
            let exclude = config.exclude.clone();
            let root = path.as_os_str().as_encoded_bytes();
            let walk = ignore::WalkBuilder::new(path)
                .filter_entry(move |e| !exclude.matches_with_ancestors(e.path()))
                .build();
            let mut errors = 0;
            for entry in walk {
                match entry {
                    Ok(e)
                        if e.file_type().is_some_and(|t| t.is_file())
                            && config.is_included(e.path())
                            && unseen.first_time(e.path()) =>
                    {
                        let path = e.into_path();
                        found(
                            (index, Place::Walked(WalkKey::new(&path, root))),
                            Input::Walked(path),
                        );
                    }
                    Ok(_) => {}
                    Err(err) => {
                        found(
                            (index, Place::Given(errors)),
                            Input::Error(path.display().to_string(), err.to_string()),
                        );
                        errors += 1;
                    }
                }
            }
        } else {
            found((index, Place::Given(0)), Input::File(path.clone()));
        }
    }
}

/// The files a run has met, to lint each once: a file named twice, or named
/// and found again by walking its directory, and the file the run's own
/// output is written to (`idplint check --format json . > report.json`).
struct Unseen {
    /// Paths met so far, without `.` components; kept only when several
    /// paths are given (one walk meets each file once).
    met: Option<std::collections::HashSet<PathBuf>>,
    /// The file standard output writes to, if it is a regular file.
    output: Option<(std::ffi::OsString, PathBuf)>,
}

impl Unseen {
    fn new(paths: usize) -> Self {
        Self {
            met: (paths > 1).then(std::collections::HashSet::new),
            output: output_file(),
        }
    }

    fn first_time(&mut self, path: &Path) -> bool {
        if let Some((name, canonical)) = &self.output {
            if path.file_name() == Some(name.as_os_str())
                && std::fs::canonicalize(path).is_ok_and(|p| p == *canonical)
            {
                return false;
            }
        }
        let Some(met) = &mut self.met else {
            return true;
        };
        let plain: PathBuf = path
            .components()
            .filter(|c| *c != std::path::Component::CurDir)
            .collect();
        met.insert(plain)
    }
}

/// The name and canonical path of the regular file standard output is
/// redirected to, where the system tells it (Linux).
fn output_file() -> Option<(std::ffi::OsString, PathBuf)> {
    if !cfg!(target_os = "linux") || std::io::stdout().is_terminal() {
        return None;
    }
    let path = std::fs::read_link("/proc/self/fd/1").ok()?;
    if !std::fs::metadata(&path).ok()?.is_file() {
        return None;
    }
    Some((path.file_name()?.to_os_string(), path))
}

/// Where a walked file sorts among the files of its walk: component by
/// component, as `Path` orders, but on bytes, with a separator before every
/// other byte. The walk's root, which every such path begins with, is left
/// out, and the key's [`idplint::linter::order_key`] is kept too: most
/// comparisons of a sort end there.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct WalkKey {
    head: u64,
    key: Vec<u8>,
}

impl WalkKey {
    fn new(path: &Path, root: &[u8]) -> Self {
        let bytes = path.as_os_str().as_encoded_bytes();
        let mut key = bytes.strip_prefix(root).unwrap_or(bytes).to_vec();
        key.iter_mut().filter(|b| **b == b'/').for_each(|b| *b = 0);
        Self {
            head: idplint::linter::order_key(&key),
            key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_keys_sort_as_paths_do() {
        let root = "walk/root";
        let mut paths: Vec<PathBuf> = [
            "a.json",
            "a-b.json",
            "a/z.json",
            "a/b/c.json",
            "a.jsonx",
            "abcdefgh.json",
            "abcdefgh/i.json",
            "abcdefg.json",
            "abcdefghij.json",
            "abcdefgh-i.json",
            "b",
            "b/a.json",
            "Z.json",
            "é.json",
            "00017-qlik-jwt-ok.json",
            "00017-qlik-jwt.json",
            "0001-qlik.json",
        ]
        .iter()
        .map(|name| Path::new(root).join(name))
        .collect();
        paths.sort();
        let mut by_key: Vec<&PathBuf> = paths.iter().collect();
        by_key.reverse();
        by_key.sort_by_key(|path| WalkKey::new(path, root.as_bytes()));
        assert_eq!(by_key, paths.iter().collect::<Vec<_>>());
    }

    #[test]
    fn a_walk_of_many_batches_comes_back_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut expected = Vec::new();
        for sub in ["b", "a", "a/deeper", "c-d", "c"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            for i in (0..37).rev() {
                let path = dir.path().join(sub).join(format!("{i}.json"));
                std::fs::write(&path, "{}").unwrap();
                expected.push(path);
            }
        }
        std::fs::write(dir.path().join("notes.txt"), "not linted").unwrap();
        expected.sort();
        let config = Config::defaults(dir.path());
        let lone = dir.path().join("b/3.json");
        let paths = [dir.path().to_path_buf(), lone.clone()];
        let linted = lint_inputs(&paths, &config, |input| match input {
            Input::Walked(path) | Input::File(path) => path,
            Input::Stdin | Input::Error(..) => PathBuf::from("?"),
        });
        // The file named again after its walk is linted once, in its walk.
        assert!(expected.contains(&lone));
        assert!(expected.len() > 5 * WALK_BATCH);
        assert_eq!(linted, expected);
    }
}
