//! The flags of `check` people know from ruff and biome (`--quiet`,
//! `--statistics`, `--output-file`, `--exit-zero`, `--color`), shell
//! completions, unknown rule selectors, and the end of a run: its summary,
//! its JUnit counts and its exit status agree, whichever way it ends.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// The binary, with no colour setting inherited from the environment.
fn idplint() -> Command {
    let mut cmd = Command::cargo_bin("idplint").expect("binary built");
    for name in ["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE"] {
        cmd.env_remove(name);
    }
    cmd
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn ran(cmd: &mut Command) -> Run {
    let out = cmd.output().expect("ran");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Payloads from the test data, by the name they get in a scratch directory.
const PAYLOADS: &[(&str, &str)] = &[
    // No finding.
    ("clean.json", "qlik/create/valid-jwt-certificate.json"),
    // One warning (IDP402), no fix.
    (
        "warning.json",
        "qlik/create/invalid-claims-non-interactive-email.json",
    ),
    // A warning with a safe fix (IDP202) and an info (IDP010).
    (
        "fixable.json",
        "qlik/create/invalid-clock-tolerance-fractional.json",
    ),
    // An error (IDP302) and three infos (IDP006).
    ("error.json", "qlik/create/seed000-jwt.json"),
];

/// A scratch directory holding [`PAYLOADS`] and `nopayload/package.json`.
fn scratch() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, source) in PAYLOADS {
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata")
            .join(source);
        fs::copy(from, dir.path().join(name)).unwrap();
    }
    fs::create_dir(dir.path().join("nopayload")).unwrap();
    fs::write(
        dir.path().join("nopayload/package.json"),
        r#"{"name": "web", "version": "1.0.0"}"#,
    )
    .unwrap();
    dir
}

/// `idplint check ARGS` in a fresh scratch directory.
fn check(args: &[&str]) -> Run {
    let dir = scratch();
    ran(idplint().current_dir(dir.path()).arg("check").args(args))
}

/// The summary line: the last line that starts with an outcome.
fn summary_line(text: &str) -> Option<&str> {
    text.lines().rev().find(|line| {
        ["passed: ", "failed: ", "error: could not read"]
            .iter()
            .any(|word| line.starts_with(word))
    })
}

/// `failures` and `errors` of a JUnit document, when the text is one.
fn junit_counts(text: &str) -> Option<(usize, usize)> {
    let doc = roxmltree::Document::parse(text).ok()?;
    let root = doc.root_element();
    let count = |name| root.attribute(name)?.parse().ok();
    Some((count("failures")?, count("errors")?))
}

#[test]
fn every_way_a_run_ends_agrees_in_summary_junit_json_and_exit_status() {
    // (flags and paths, exit status, the summary's first word)
    let cases: &[(&[&str], i32, &str)] = &[
        (&["clean.json"], 0, "passed"),
        (&["warning.json"], 0, "passed"),
        (&["--deny-warnings", "warning.json"], 1, "failed"),
        (&["--max-warnings", "0", "warning.json"], 1, "failed"),
        (&["--max-warnings", "1", "warning.json"], 0, "passed"),
        (&["error.json", "clean.json"], 1, "failed"),
        (&["missing.json", "clean.json"], 2, "error"),
        (&["idp/"], 2, "error"),
        (&["nopayload"], 0, "passed"),
        (&["--exit-zero", "error.json"], 0, "failed"),
        (
            &["--exit-zero", "--deny-warnings", "warning.json"],
            0,
            "failed",
        ),
        (&["--exit-zero", "missing.json"], 2, "error"),
        (&["--fix-only", "fixable.json"], 0, "passed"),
        (&["--fix-only", "missing.json", "fixable.json"], 2, "error"),
        (&["--diff", "fixable.json"], 1, "failed"),
        (&["--diff", "warning.json"], 0, "passed"),
        (&["--diff", "--exit-zero", "fixable.json"], 0, "failed"),
    ];
    for &(args, code, word) in cases {
        let case = args.join(" ");
        let human = check(args);
        assert_eq!(human.code, code, "{case}: {}{}", human.stdout, human.stderr);
        // --diff and --fix-only print the diff or nothing: their summary is
        // said on standard error.
        let fixing = args.contains(&"--diff") || args.contains(&"--fix-only");
        let said = if fixing { &human.stderr } else { &human.stdout };
        let line =
            summary_line(said).unwrap_or_else(|| panic!("{case}: no summary line in:\n{said}"));
        assert!(line.starts_with(&format!("{word}: ")), "{case}: {line}");
        let exit_zero = args.contains(&"--exit-zero");
        assert_eq!(
            line.contains("exit status 0: --exit-zero"),
            exit_zero && word == "failed",
            "{case}: {line}"
        );
        // No other line of the run states another outcome.
        let all = format!("{}{}", human.stdout, human.stderr);
        for other in ["passed: ", "failed: "]
            .into_iter()
            .filter(|w| !w.starts_with(word))
        {
            assert!(!all.lines().any(|l| l.starts_with(other)), "{case}:\n{all}");
        }

        let junit = check(&[&["--format", "junit"], args].concat());
        assert_eq!(junit.code, code, "{case} as JUnit");
        let json = check(&[&["--format", "json"], args].concat());
        assert_eq!(json.code, code, "{case} as JSON");
        if fixing {
            assert!(
                junit_counts(&junit.stdout).is_none(),
                "{case}: {}",
                junit.stdout
            );
            continue;
        }
        let (failures, errors) = junit_counts(&junit.stdout)
            .unwrap_or_else(|| panic!("{case}: not JUnit:\n{}", junit.stdout));
        match word {
            "passed" => assert_eq!((failures, errors), (0, 0), "{case}"),
            "failed" => assert!(failures > 0 && errors == 0, "{case}: {failures} {errors}"),
            _ => assert!(errors > 0, "{case}: {failures} {errors}"),
        }
        let doc: Value = serde_json::from_str(&json.stdout).expect("JSON");
        assert_eq!(doc["summary"]["outcome"], word, "{case}");
    }
}

#[test]
fn a_missing_path_is_an_error_on_stderr_and_a_directory_is_no_file() {
    let run = check(&["idp/"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: idp/: no such file or directory\n");
    assert_eq!(run.stdout, "error: could not read 1 directory\n");

    let run = check(&["gone.json", "idp/", "warning.json"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: gone.json: no such file or directory\nerror: idp/: no such file or directory\n"
    );
    assert!(run.stdout.contains("IDP402"), "{}", run.stdout);
    assert_eq!(
        summary_line(&run.stdout),
        Some(
            "error: could not read 1 file and 1 directory; 0 errors, 1 warning, 0 infos in 1 file"
        )
    );
    // The machine formats say it in their documents, and on stderr too.
    let run = check(&["--format", "json", "idp/"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr, "error: idp/: no such file or directory\n");
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["files"][0]["path"], "idp/");
    assert_eq!(doc["files"][0]["error"], "no such file or directory");
    assert_eq!(doc["summary"]["unreadable"], 1);
}

#[test]
fn quiet_prints_the_findings_only() {
    let loud = check(&["error.json"]);
    let quiet = check(&["-q", "error.json"]);
    assert_eq!((loud.code, quiet.code), (1, 1));
    assert!(quiet.stdout.contains("IDP302 certificate-unparseable"));
    assert!(summary_line(&loud.stdout).is_some());
    assert_eq!(summary_line(&quiet.stdout), None, "{}", quiet.stdout);
    assert_eq!(
        quiet.stdout.trim_end(),
        loud.stdout
            .trim_end()
            .rsplit_once('\n')
            .unwrap()
            .0
            .trim_end()
    );

    let run = check(&["--quiet", "nopayload"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
    assert!(check(&["nopayload"])
        .stderr
        .contains("no identity-provider payload found"));

    let run = check(&["-q", "--fix", "fixable.json"]);
    assert_eq!(run.code, 0);
    assert!(!run.stderr.contains("fixed"), "{}", run.stderr);
    let run = check(&["-q", "--diff", "fixable.json"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("+  \"clockToleranceSec\": 3,"),
        "{}",
        run.stdout
    );
    assert_eq!(run.stderr, "");
    // Errors are no notes: they are still said.
    let run = check(&["-q", "gone.json"]);
    assert_eq!((run.code, run.stdout.as_str()), (2, ""));
    assert_eq!(run.stderr, "error: gone.json: no such file or directory\n");
}

/// `(count, code, name, fixable)` of each `--statistics` line.
fn statistics_lines(text: &str) -> Vec<(usize, String, String, bool)> {
    text.lines()
        .filter(|line| summary_line(line).is_none())
        .map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert!(matches!(fields.len(), 3 | 4), "{line}");
            assert!(fields.len() == 3 || fields[3] == "[*]", "{line}");
            (
                fields[0].parse().expect("a count"),
                fields[1].to_string(),
                fields[2].to_string(),
                fields.len() == 4,
            )
        })
        .collect()
}

#[test]
fn statistics_count_the_findings_by_rule() {
    let paths = ["error.json", "fixable.json", "warning.json"];
    let human = check(&[&["--statistics"], &paths[..]].concat());
    assert_eq!(human.code, 1);
    assert!(
        !human.stdout.contains('╭'),
        "no excerpts:\n{}",
        human.stdout
    );
    assert!(
        summary_line(&human.stdout).is_some_and(|l| l.starts_with("failed: 1 error")),
        "{}",
        human.stdout
    );
    let rows = statistics_lines(&human.stdout);
    let row = |count: usize, code: &str, name: &str, fixable: bool| {
        (count, code.to_string(), name.to_string(), fixable)
    };
    assert_eq!(
        rows,
        [
            row(3, "IDP006", "unknown-field", false),
            row(1, "IDP010", "template-variable", false),
            row(1, "IDP202", "clock-tolerance-fractional", true),
            row(1, "IDP302", "certificate-unparseable", false),
            row(1, "IDP402", "claims-key-not-allowed", false),
        ]
    );
    // The counts are those of the findings the JSON report lists.
    let report = check(&[&["--format", "json"], &paths[..]].concat());
    let doc: Value = serde_json::from_str(&report.stdout).unwrap();
    let findings: Vec<&Value> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap())
        .collect();
    for (count, code, _, fixable) in &rows {
        let of_rule: Vec<_> = findings.iter().filter(|d| d["code"] == **code).collect();
        assert_eq!(of_rule.len(), *count, "{code}");
        assert_eq!(
            of_rule.iter().any(|d| d.get("fix").is_some()),
            *fixable,
            "{code}"
        );
    }

    let json = check(&[&["--statistics", "--format", "json"], &paths[..]].concat());
    assert_eq!(json.code, 1);
    let stats: Value = serde_json::from_str(&json.stdout).expect("a JSON array");
    let from_json: Vec<_> = stats
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            row(
                r["count"].as_u64().unwrap() as usize,
                r["code"].as_str().unwrap(),
                r["name"].as_str().unwrap(),
                r["fixable"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(from_json, rows);

    let quiet = check(&["--statistics", "-q", "warning.json"]);
    assert_eq!(
        (quiet.code, quiet.stdout.as_str()),
        (0, "1  IDP402  claims-key-not-allowed\n")
    );
    let run = check(&["--statistics", "--format", "sarif", "warning.json"]);
    assert_eq!(run.code, 2);
    assert!(run
        .stderr
        .contains("--statistics prints human or json output"));
}

#[test]
fn output_file_takes_the_report_and_is_never_linted() {
    let dir = scratch();
    let report = dir.path().join("report.json");
    for _ in 0..2 {
        // The second run finds the first one's report in the walk.
        let run = ran(idplint().current_dir(dir.path()).args([
            "check",
            "--format",
            "json",
            "-o",
            "report.json",
            ".",
        ]));
        assert_eq!(run.code, 1);
        assert_eq!(run.stdout, "");
        let doc: Value = serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
        let paths: Vec<&str> = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap())
            .collect();
        assert_eq!(paths.len(), PAYLOADS.len() + 1, "{paths:?}");
        assert!(
            !paths.iter().any(|p| p.ends_with("report.json")),
            "{paths:?}"
        );
    }
    // Named explicitly, the report file is still not linted; the human
    // report has no colour in a file.
    let human = dir.path().join("out.json");
    let run = ran(idplint()
        .current_dir(dir.path())
        .args(["check", "--output-file"])
        .arg(&human)
        .args(["error.json", "out.json"]));
    assert_eq!(run.code, 1);
    let text = fs::read_to_string(&human).unwrap();
    assert!(text.contains("IDP302"), "{text}");
    assert!(!text.contains('\u{1b}'));
    assert!(
        summary_line(&text).is_some_and(|l| l.ends_with(" in 1 file")),
        "{text}"
    );

    for (target, why) in [
        (
            dir.path().join("no/such/dir/out.xml"),
            "No such file or directory",
        ),
        (dir.path().join("nopayload"), "Is a directory"),
    ] {
        let run = ran(idplint()
            .current_dir(dir.path())
            .args(["check", "--format", "junit", "-o"])
            .arg(&target)
            .arg("clean.json"));
        assert_eq!(run.code, 2, "{}", target.display());
        assert!(
            run.stderr.starts_with(&format!(
                "error: cannot write the report to {}: {why}",
                target.display()
            )),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn exit_zero_turns_a_failed_run_into_0_but_not_an_error() {
    let run = check(&["--exit-zero", "error.json"]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("IDP302"));
    assert_eq!(check(&["--exit-zero", "gone.json", "clean.json"]).code, 2);
    assert_eq!(
        check(&["--exit-zero", "--select", "IDP99", "clean.json"]).code,
        2
    );
}

#[test]
fn colour_follows_the_flag_then_the_environment() {
    let coloured = |flags: &[&str], env: &[(&str, &str)]| {
        let dir = scratch();
        let mut cmd = idplint();
        cmd.current_dir(dir.path())
            .arg("check")
            .args(flags)
            .arg("error.json");
        for (name, value) in env {
            cmd.env(name, value);
        }
        let run = ran(&mut cmd);
        assert_eq!(run.code, 1);
        run.stdout.contains("\u{1b}[")
    };
    // Not a terminal: no colour unless asked for.
    assert!(!coloured(&[], &[]));
    assert!(coloured(&["--color", "always"], &[]));
    assert!(coloured(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(!coloured(&["--color", "never"], &[("CLICOLOR_FORCE", "1")]));
    assert!(coloured(&[], &[("FORCE_COLOR", "1")]));
    assert!(coloured(&["--color", "auto"], &[("CLICOLOR_FORCE", "1")]));
    assert!(coloured(&[], &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]));
    assert!(!coloured(&[], &[("FORCE_COLOR", "0")]));
    assert!(!coloured(&[], &[("CLICOLOR_FORCE", "")]));
}

#[test]
fn completions_cover_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = ran(idplint().args(["completions", shell]));
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        // fish names a long option `-l fix`, the others `--fix`.
        let long = |name: &str| match shell {
            "fish" => format!("-l {name} "),
            _ => format!("--{name}"),
        };
        for word in [
            "check".to_string(),
            "explain".to_string(),
            long("fix"),
            long("output-file"),
        ] {
            assert!(run.stdout.contains(&word), "{shell} lacks {word}");
        }
    }
    let run = ran(idplint().args(["completions", "tcsh"]));
    assert_eq!(run.code, 2);
}

#[test]
fn unknown_selectors_are_errors_with_the_nearest_rule() {
    for (flag, given, near) in [
        ("--select", "IDP99", "IDP61"),
        ("--select", "IDP113", "IDP112"),
        ("--ignore", "IDP3,unknwn-field", "unknown-field"),
        ("--ignore", "IDP096", "IDP101"),
    ] {
        let run = check(&[flag, given, "clean.json"]);
        assert_eq!(run.code, 2, "{given}");
        let unknown = given.rsplit(',').next().unwrap();
        assert_eq!(
            run.stderr.lines().collect::<Vec<_>>(),
            [
                format!("error: no rule matches `{unknown}` (given to {flag})"),
                format!("  help: did you mean `{near}`? `idplint rules` lists every rule"),
            ],
            "{given}"
        );
        assert_eq!(run.stdout, "");
    }
    let run = check(&["--select", "", "clean.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no rule matches ``"), "{}", run.stderr);
}

#[test]
fn explain_suggests_the_code_of_the_nearest_number() {
    let rules = ran(idplint().args(["rules", "--format", "json"]));
    let list: Value = serde_json::from_str(&rules.stdout).unwrap();
    let last = list.as_array().unwrap().last().unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string();
    for (given, near) in [
        ("IDP999", last.as_str()),
        ("IDP113", "IDP112"),
        ("idp014", "IDP013"),
    ] {
        let run = ran(idplint().args(["explain", given]));
        assert_eq!(run.code, 2);
        assert_eq!(
            run.stderr,
            format!("error: no rule `{given}`\n  help: did you mean `{near}`?\n")
        );
    }
    assert_eq!(ran(idplint().args(["explain", "IDP110"])).code, 0);
    let run = ran(idplint().args(["explain", "certificate-unparsable"]));
    assert!(run
        .stderr
        .contains("did you mean `certificate-unparseable`?"));
}

/// The scratch directory's payloads exist: the cases above lint real files.
#[test]
fn the_scratch_payloads_are_what_the_cases_say() {
    let dir = scratch();
    let codes = |name: &str| -> Vec<(String, String)> {
        let run = ran(idplint()
            .current_dir(dir.path())
            .args(["check", "--format", "json", name]));
        let doc: Value = serde_json::from_str(&run.stdout).unwrap();
        doc["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["code"].as_str().unwrap().to_string(),
                    d["severity"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let pair = |code: &str, severity: &str| (code.to_string(), severity.to_string());
    assert_eq!(codes("clean.json"), []);
    assert_eq!(codes("warning.json"), [pair("IDP402", "warning")]);
    let fixable = codes("fixable.json");
    assert!(fixable.contains(&pair("IDP202", "warning")), "{fixable:?}");
    assert!(fixable.iter().all(|(_, s)| s != "error"), "{fixable:?}");
    let error = codes("error.json");
    assert!(error.contains(&pair("IDP302", "error")), "{error:?}");
}
