//! The command line: arguments, file walking, choosing a renderer, exit codes.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};
use rayon::prelude::*;

use crate::config::{Config, ConfigTree, Flags};
use crate::facts::Protocol;
use crate::render::{
    render_github, render_junit, render_sarif, unreadable_message, CiOptions, Drawn, Ending, Human,
    HumanOptions, Json, PerFile,
};
use crate::{FileReport, Kind, Linter, Report, SourceOptions};

mod adopt;
mod baseline;
mod catalog;
mod color;
mod config;
mod ending;
mod fixing;
mod output;
mod server;
mod setup;
mod statistics;
mod walk;

use color::ColorChoice;
use fixing::Fixing;
use output::Output;
use setup::Setup;
use walk::{lint_inputs, Input, Scope};
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
    Check(Box<CheckArgs>),
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
    /// Run the language server (LSP) over standard input and output, for editors
    Server,
    /// Print the shell's completion script for idplint
    Completions {
        /// The shell to complete in
        shell: clap_complete::Shell,
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
    /// The directory SARIF URIs, GitHub annotations' and JUnit's file names are relative to (default: the git repository around the current directory)
    #[arg(long, value_name = "DIR")]
    sarif_root: Option<PathBuf>,
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
    /// Print the findings only: no summary line, no notes
    #[arg(short, long)]
    quiet: bool,
    /// Print how many findings each rule has instead of the findings (human or json)
    #[arg(long)]
    statistics: bool,
    /// Write the report to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    output_file: Option<PathBuf>,
    /// Exit 0 even when findings fail the run (errors reading input still exit 2)
    #[arg(long)]
    exit_zero: bool,
    /// Colour the human output
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(flatten)]
    config: config::ConfigArgs,
    #[command(flatten)]
    baseline: baseline::BaselineArgs,
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
        Command::Check(args) => check(&args),
        Command::Rules { format } => catalog::list(format),
        Command::Explain { rule } => catalog::explain(&rule),
        Command::Server => server::run(),
        Command::Completions { shell } => completions(shell),
        Command::Schema { kind } => schema::print(&kind),
    }
}

/// `idplint completions SHELL`: the shell's completion script.
fn completions(shell: clap_complete::Shell) -> ExitCode {
    use clap::CommandFactory;
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "idplint", &mut script);
    emit(&script).unwrap_or_else(|code| code)
}

fn check(args: &CheckArgs) -> ExitCode {
    run_check(args).unwrap_or_else(|code| code)
}

/// `idplint check`; `Err` holds the exit status of a run that stops early.
fn run_check(args: &CheckArgs) -> Result<ExitCode, ExitCode> {
    check_usage(args)?;
    if args.paths.is_empty() || args.paths.iter().any(|p| p.is_dir()) {
        // A walk lints many files, and every schema is likely needed: the
        // workers start and compile them while the walk begins.
        rayon::spawn(|| {
            crate::schema::all();
        });
    }
    let tree = config_tree(args)?;
    if args.config.show_config {
        return Ok(config::show(&tree, &args.paths, args.color));
    }
    let baseline = load_baseline(args, &tree.run().config)?;
    let mut output = Output::open(args.output_file.as_deref())?;
    let setup = tree.run().clone();
    let human = Human::new(HumanOptions {
        color: color::wanted_here(args.color, output.is_terminal()),
        width: 100,
        quiet: args.quiet,
    });
    let fixing = Fixing::of(args);
    let run = Run {
        args,
        config: &setup.config,
        tree: &tree,
        baseline: baseline.as_ref(),
        config_reports: std::sync::atomic::AtomicUsize::new(0),
        per_file: per_file(args, &human),
        ci: ci_options(args.format, args.sarif_root.as_deref())?,
    };
    let (mut linted, changed) = run.lint_and_check_across(fixing.as_ref(), output.file());
    if let Some(path) = &args.baseline.write_baseline {
        return run.write_baseline(path, &linted);
    }
    linted.extend(run.unused_suppressions());
    let silent = args.diff || args.fix_only;
    let (written, ending) = if silent {
        run.write_all(linted, &changed, &mut std::io::sink())
    } else {
        run.write_all(linted, &changed, &mut output)
    };
    if let Some(fixing) = &fixing {
        let fixed = fixing.finish(&mut output)?;
        if silent {
            return Ok(ending::of_fixes(fixed, &ending, args));
        }
        if fixed.findings > 0 && !args.quiet {
            eprintln!("idplint: {}", fixed.said());
        }
    }
    let failed_write = written.and_then(|()| output.flush()).err();
    if let Some(code) = failed_write.and_then(|e| output.failed(&e)) {
        return Err(code);
    }
    if !args.quiet {
        ending::say_when_nothing_found(args, &ending.summary);
    }
    Ok(ending::exit_status(ending.outcome(), args.exit_zero))
}

/// The run's format, when it draws each file on its own: not for
/// `--statistics`, nor when the run writes a baseline.
fn per_file<'a>(args: &CheckArgs, human: &'a Human) -> Option<&'a dyn PerFile> {
    match args.format {
        _ if args.statistics || args.baseline.write_baseline.is_some() => None,
        Format::Human => Some(human),
        Format::Json => Some(&Json),
        Format::Sarif | Format::Github | Format::Junit => None,
    }
}

/// The configuration of each file, from the run's own (the configuration
/// file's with the flags on top) down; the linters keep each file's text
/// for the excerpts of the human report, and for a baseline's fingerprints.
fn config_tree(args: &CheckArgs) -> Result<Arc<ConfigTree<Setup>>, ExitCode> {
    let (config, flags) = check_config(args)?;
    let keep_text = (args.format == Format::Human && !args.statistics)
        || args.baseline.in_use(&config).is_some()
        || args.baseline.write_baseline.is_some();
    Ok(Arc::new(ConfigTree::new(
        Setup::new(config, keep_text),
        args.config.forced(),
        flags,
        move |config| Setup::new(config, keep_text),
    )))
}

/// The baseline the run reads, if any; a baseline that cannot be read is
/// an error (exit status 2).
fn load_baseline(args: &CheckArgs, config: &Config) -> Result<Option<baseline::InUse>, ExitCode> {
    let Some(path) = args.baseline.in_use(config) else {
        return Ok(None);
    };
    baseline::InUse::load(&path).map(Some).map_err(|message| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    })
}

/// The flags that do not go together: `--statistics` prints human or JSON
/// output only.
fn check_usage(args: &CheckArgs) -> Result<(), ExitCode> {
    if args.statistics && !matches!(args.format, Format::Human | Format::Json) {
        let format = args.format.to_possible_value();
        let name = format.as_ref().map_or("", |v| v.get_name());
        eprintln!("error: --statistics prints human or json output, not --format {name}");
        return Err(ExitCode::from(2));
    }
    Ok(())
}

/// The run's settings: the configuration file's with the flags on top; and
/// the flags, for the other configuration files the run meets.
fn check_config(args: &CheckArgs) -> Result<(Config, Flags), ExitCode> {
    let flags = [("--select", &args.select), ("--ignore", &args.ignore)];
    for (flag, selectors) in flags {
        if let Some(unknown) = selectors.iter().find(|s| !crate::linter::selects_any(s)) {
            let unknown = unknown.trim();
            eprintln!("error: no rule matches `{unknown}` (given to {flag})");
            eprintln!("  help: {}", crate::linter::unknown_selector_help(unknown));
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
    let config = config::resolve(&args.config, flags.clone(), args.color)?;
    Ok((config, flags))
}

/// What a run of `check` lints with, and how it draws what it finds.
struct Run<'a> {
    args: &'a CheckArgs,
    /// The run's own configuration: its `deny-warnings` and `max-warnings`
    /// hold for the whole run.
    config: &'a Config,
    /// The configuration and linter of each file.
    tree: &'a Arc<ConfigTree<Setup>>,
    /// The baseline the run reads.
    baseline: Option<&'a baseline::InUse>,
    /// The reports on configuration files (unused suppressions): counted
    /// in no summary's files, as no payload was linted there.
    config_reports: std::sync::atomic::AtomicUsize,
    /// The format, when it draws each file on its own.
    per_file: Option<&'a dyn PerFile>,
    /// How the CI formats name files.
    ci: CiOptions,
}

impl Run<'_> {
    /// Lints every input, each drawn at once in a per-file format, and the
    /// bodies that containers' requests read from files of their own; not
    /// the run's own files: the one the report goes to (`report`, canonical)
    /// and the baseline. Each result is boxed: putting a run's results in
    /// order then moves pointers.
    #[allow(clippy::vec_box)]
    fn lint_all(&self, fixing: Option<&Fixing>, report: Option<&Path>) -> Vec<Box<Linted>> {
        let own: Vec<PathBuf> = report
            .map(Path::to_path_buf)
            .into_iter()
            .chain(self.args.baseline.own_file(self.config))
            .collect();
        let own = &own[..];
        let paths = self.paths();
        let stdin_name = self.args.stdin_filename.as_deref().unwrap_or("<stdin>");
        let lint_path = |path: &Path, walked: bool| {
            self.with_setup(path, |setup| {
                let (config, linter) = (&setup.config, &setup.linter);
                let options = config.source_options(path);
                match fixing {
                    Some(fixing) => fixing.fix_file(setup, path, &options),
                    None if walked => linter.lint_regular_file(path, &options),
                    None => linter.lint_file(path, &options),
                }
            })
        };
        let lint = |input: &Input| match input {
            Input::Stdin => self.lint_stdin(stdin_name),
            Input::File(path) => lint_path(path, false),
            Input::Walked(path) => lint_path(path, true),
            Input::Error(name, message) => FileReport::unreadable(name.as_str(), message.as_str()),
        };
        let scope: Arc<dyn Scope> = self.tree.clone();
        let mut linted = lint_inputs(&paths, &scope, own, |input| {
            // A bug met in linting or drawing one file fails that file alone.
            let linted =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.keep(lint(&input))))
                    .unwrap_or_else(|_| self.keep(FileReport::failed(input.name(stdin_name))));
            // The results are put in order on one thread once all are in:
            // moving a pointer there costs less than moving a result.
            Box::new(linted)
        });
        // Bodies that containers' requests read from files of their own
        // (`-d @body.json`), linted with the kind of their request.
        for (path, kind) in named_bodies(&linted, &paths, &*scope, own) {
            let report = self.with_setup(&path, |setup| {
                let options = setup.config.source_options(&path);
                let options = SourceOptions {
                    kind: kind.or(options.kind),
                    ..options
                };
                setup.linter.lint_file(&path, &options)
            });
            linted.push(Box::new(self.keep(report)));
        }
        linted
    }

    /// The paths the command line names, `.` when none.
    fn paths(&self) -> Vec<PathBuf> {
        if self.args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.args.paths.clone()
        }
    }

    /// Lints standard input, reported as `name`.
    fn lint_stdin(&self, name: &str) -> FileReport {
        let read =
            crate::source::read_limited(std::io::stdin().lock(), crate::source::MAX_INPUT_BYTES);
        match read {
            Ok(bytes) => self.with_setup(Path::new(name), |setup| {
                let options = setup.config.source_options(Path::new(name));
                setup.linter.lint_bytes(name, &bytes, &options)
            }),
            Err(e) => FileReport::unreadable(name, format!("cannot read standard input: {e}")),
        }
    }

    /// A file's report, drawn at once in a per-file format; a report that
    /// the checks across files may still add to is kept for them.
    fn keep(&self, report: FileReport) -> Linted {
        match self.per_file {
            Some(format) if report.ionos_names.is_empty() && report.body_files.is_empty() => {
                Linted::Drawn(Drawn::new(format, &report))
            }
            Some(format) => {
                let drawn = Drawn::new(format, &report);
                Linted::Pending(Box::new(report), Some(drawn))
            }
            None => Linted::Pending(Box::new(report), None),
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

impl Run<'_> {
    /// Says on standard error why each input that could not be read could
    /// not, then writes the report to `out`; returns how the writing went,
    /// and how the run ends.
    #[allow(clippy::vec_box)]
    fn write_all(
        &self,
        linted: Vec<Box<Linted>>,
        changed: &[usize],
        out: &mut dyn Write,
    ) -> (std::io::Result<()>, Ending) {
        match self.per_file {
            Some(format) => self.write_per_file(format, linted, changed, out),
            None => self.write_whole(linted, out),
        }
    }

    /// [`Run::write_all`] in a format that draws each file on its own: the
    /// files the checks across files added to are drawn again.
    #[allow(clippy::vec_box)]
    fn write_per_file(
        &self,
        format: &dyn PerFile,
        mut linted: Vec<Box<Linted>>,
        changed: &[usize],
        out: &mut dyn Write,
    ) -> (std::io::Result<()>, Ending) {
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
        let drawn: Vec<&Drawn> = linted
            .iter()
            .filter_map(|linted| match &**linted {
                Linted::Drawn(drawn) | Linted::Pending(_, Some(drawn)) => Some(drawn),
                Linted::Pending(_, None) => None,
            })
            .collect();
        say_unreadable(drawn.iter().filter_map(|d| d.error.as_deref()));
        let ending = self.ending(drawn.iter().map(|d| d.summary).sum());
        let parts: Vec<&str> = drawn.iter().map(|d| d.text.as_str()).collect();
        let written = format.write(&parts, &ending, out);
        leave_to_exit(linted);
        (written, ending)
    }

    /// [`Run::write_all`] in a format that draws the whole report at once.
    #[allow(clippy::vec_box)]
    fn write_whole(
        &self,
        linted: Vec<Box<Linted>>,
        out: &mut dyn Write,
    ) -> (std::io::Result<()>, Ending) {
        let files = linted
            .into_iter()
            .filter_map(|linted| match *linted {
                Linted::Pending(report, _) => Some(*report),
                Linted::Drawn(_) => None,
            })
            .collect();
        let report = Report { files };
        let messages: Vec<String> = report.files.iter().filter_map(unreadable_message).collect();
        say_unreadable(messages.iter().map(String::as_str));
        let ending = self.ending(report.summary());
        let text = match (self.args.statistics, self.args.format) {
            (true, Format::Json) => statistics::json(&report),
            (true, _) => statistics::text(&report, &ending, self.args.quiet),
            (false, Format::Sarif) => render_sarif(&report, &self.ci),
            (false, Format::Github) => render_github(&report, &self.ci, &ending),
            (false, _) => render_junit(&report, &self.ci, &ending),
        };
        let written = out.write_all(text.as_bytes());
        leave_to_exit(report);
        (written, ending)
    }
}

/// Says on standard error, in the report's order, why each input that
/// could not be read could not.
fn say_unreadable<'a>(messages: impl Iterator<Item = &'a str>) {
    let mut stderr = std::io::stderr().lock();
    for message in messages {
        let _ = writeln!(stderr, "error: {message}");
    }
}

/// The files that containers' requests name as their bodies, resolved
/// against the container's directory, with the kind of their request; not
/// those the run lints anyway (named, or found by walking a directory), nor
/// the run's own files (`own`, canonical: the report's, the baseline).
fn named_bodies(
    linted: &[Box<Linted>],
    paths: &[PathBuf],
    config: &dyn Scope,
    own: &[PathBuf],
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
            let is_input = |p: &PathBuf| p.is_file() && !own.contains(p);
            let Some(real) = canonical(&path).filter(is_input) else {
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
    let text = crate::source::read_small_text(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut variables = crate::container::Variables::new();
    let bad = variables.read_dotenv(&text);
    if let Some(line) = bad.first() {
        return Err(format!(
            "{}:{line}: not a `NAME=value` line",
            path.display()
        ));
    }
    Ok(variables.into_pairs())
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

/// Where the CI formats' file names are relative to: the repository root
/// (`--sarif-root`, else the git repository around the current directory,
/// else the current directory), which is where GitHub code scanning, the
/// workflow annotations and JUnit reporters look files up whatever directory
/// the run started in. A `--sarif-root` that is no directory is an error.
fn ci_options(format: Format, sarif_root: Option<&Path>) -> Result<CiOptions, ExitCode> {
    let cwd = std::env::current_dir().ok();
    let (Format::Sarif | Format::Github | Format::Junit, Some(cwd)) = (format, &cwd) else {
        return Ok(CiOptions {
            base_dir: cwd,
            working_dir: None,
        });
    };
    let root = match sarif_root {
        None => crate::render::repository_root(cwd).unwrap_or_else(|| cwd.clone()),
        Some(dir) => given_root(dir).map_err(|message| {
            eprintln!("error: {message}");
            ExitCode::from(2)
        })?,
    };
    Ok(CiOptions::under_root(root, cwd.clone()))
}

/// `--sarif-root DIR` as an absolute path without links; why not, when it
/// is no directory.
fn given_root(dir: &Path) -> Result<PathBuf, String> {
    match std::fs::canonicalize(dir) {
        Ok(root) if root.is_dir() => Ok(root),
        Ok(_) => Err(format!(
            "--sarif-root `{}` is not a directory",
            dir.display()
        )),
        Err(e) => Err(format!("--sarif-root `{}`: {e}", dir.display())),
    }
}
