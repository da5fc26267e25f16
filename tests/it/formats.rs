//! The CI output formats (SARIF, GitHub annotations, JUnit) over one set of
//! payloads: snapshots, the SARIF schema, fingerprints, escaping and XML.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use idplint::{
    render_with, Applicability, Diagnostic, Edit, FileReport, Fix, Format, Label, Linter, Options,
    Position, RenderOptions, Report, Severity, SourceOptions, Span,
};
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The payloads every format is shown on: two seed payloads (infos only and
/// clean), a syntax error, errors with a related label, a multi-line span and
/// non-ASCII text before a span, a skipped file and an unreadable one.
const PAYLOADS: &[&str] = &[
    "testdata/qlik/create/seed000-jwt.json",
    "testdata/qlik/create/seed000-azure.json",
    "testdata/formats/invalid-syntax.json",
    "testdata/formats/invalid-mixed.json",
    "testdata/formats/skipped-package.json",
];

/// The secret in `invalid-mixed.json`, which no output may contain.
const SECRET: &str = "Xq9-very-secret-value-Zt4";

/// The payloads as the CLI would lint them from the repository root; file
/// names are given absolute, as some CI wrappers do, so the renderers must
/// make them relative.
fn report() -> Report {
    let linter = Linter::new(Options::default());
    let mut files: Vec<FileReport> = PAYLOADS
        .iter()
        .map(|p| linter.lint_file(&Path::new(ROOT).join(p), &SourceOptions::default()))
        .collect();
    files.push(FileReport::unreadable(
        Path::new(ROOT)
            .join("testdata/formats/unreadable.json")
            .display()
            .to_string(),
        "cannot read file: Permission denied (os error 13)",
    ));
    Report { files }
}

fn options() -> RenderOptions {
    RenderOptions {
        base_dir: Some(PathBuf::from(ROOT)),
        ..RenderOptions::default()
    }
}

/// The `file:` URI of the repository root, which SARIF names as `%SRCROOT%`.
fn root_uri() -> String {
    url::Url::from_directory_path(ROOT)
        .expect("an absolute path")
        .to_string()
}

/// The SARIF log with its one absolute path, the root's URI, written as
/// `file:///ROOT/`, so that the snapshot holds on any machine.
fn sarif_without_root(text: &str) -> String {
    text.replace(&root_uri(), "file:///ROOT/")
}

/// A hand-made report whose names and texts hold every character that
/// needs escaping in some format.
fn awkward_report() -> Report {
    let position = |line, column| Position { line, column };
    let diagnostic = |severity, start: Position, end: Position| Diagnostic {
        code: "IDP005",
        name: "wrong-type",
        severity,
        message: "`a,b: c` is 100% <wrong> & \"odd\" 'x'\r\nsecond line\u{1}".to_string(),
        help: Some("fix it: now, please".to_string()),
        pointer: "/a,b: c".to_string(),
        span: Span {
            offset: 1,
            length: 3,
        },
        start,
        end,
        fixable: true,
        fix: Some(Fix {
            applicability: Applicability::Unsafe,
            title: "write \"b\" & <c>".to_string(),
            edits: vec![Edit {
                span: Span {
                    offset: 1,
                    length: 3,
                },
                replacement: "\"a\\u0001\r\n\"".to_string(),
            }],
        }),
        label: Some("here".to_string()),
        related: vec![Label {
            span: Span {
                offset: 5,
                length: 1,
            },
            message: "and <here>".to_string(),
            start: position(1, 6),
            end: position(1, 7),
        }],
        request: None,
    };
    let mut file = FileReport::unreadable("idp/odd, name: 100%.json", "");
    file.error = None;
    file.diagnostics = vec![
        diagnostic(Severity::Error, position(1, 2), position(1, 5)),
        diagnostic(Severity::Warning, position(2, 3), position(4, 1)),
        diagnostic(Severity::Info, position(3, 1), position(3, 1)),
    ];
    Report { files: vec![file] }
}

#[test]
fn snapshots_of_every_ci_format() {
    let report = report();
    let sarif = render_with(&report, Format::Sarif, &options());
    assert!(sarif.contains(&format!("\"uri\": \"{}\"", root_uri())));
    insta::assert_snapshot!("sarif", sarif_without_root(&sarif));
    insta::assert_snapshot!("github", render_with(&report, Format::Github, &options()));
    insta::assert_snapshot!("junit", render_with(&report, Format::Junit, &options()));
}

#[test]
fn no_format_leaks_a_secret() {
    let report = report();
    // SARIF names the root once, as `%SRCROOT%`; every file is relative to it.
    for out in [
        sarif_without_root(&render_with(&report, Format::Sarif, &options())),
        render_with(&report, Format::Github, &options()),
        render_with(&report, Format::Junit, &options()),
    ] {
        assert!(!out.contains(SECRET), "secret in output:\n{out}");
        assert!(!out.contains(ROOT), "absolute path in output:\n{out}");
    }
}

/// A retriever that records what it is asked for and never fetches.
#[derive(Clone, Default)]
struct NoFetch(Arc<Mutex<Vec<String>>>);

impl jsonschema::Retrieve for NoFetch {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        if let Ok(mut asked) = self.0.lock() {
            asked.push(uri.as_str().to_string());
        }
        Err(format!("no network in tests: {}", uri.as_str()).into())
    }
}

fn sarif_validator() -> (jsonschema::Validator, NoFetch) {
    let text =
        std::fs::read_to_string(Path::new(ROOT).join("testdata/schemas/sarif-schema-2.1.0.json"))
            .expect("the vendored SARIF schema is readable");
    let schema: Value = serde_json::from_str(&text).expect("the SARIF schema is JSON");
    let retriever = NoFetch::default();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .should_validate_formats(true)
        .with_retriever(retriever.clone())
        .build(&schema)
        .expect("the SARIF schema compiles offline");
    (validator, retriever)
}

fn assert_valid_sarif(validator: &jsonschema::Validator, text: &str) -> Value {
    let log: Value = serde_json::from_str(text).expect("SARIF output is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF output is not valid:\n{}\n{text}",
        errors.join("\n")
    );
    log
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let (validator, retriever) = sarif_validator();
    let log = assert_valid_sarif(
        &validator,
        &render_with(&report(), Format::Sarif, &options()),
    );
    assert_valid_sarif(
        &validator,
        &render_with(&awkward_report(), Format::Sarif, &RenderOptions::default()),
    );
    let clean = assert_valid_sarif(
        &validator,
        &render_with(&Report::default(), Format::Sarif, &options()),
    );
    assert_eq!(clean["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        clean["runs"][0]["tool"]["driver"]["rules"],
        serde_json::json!([])
    );
    let asked = retriever.0.lock().map(|a| a.clone()).unwrap_or_default();
    assert!(
        asked.is_empty(),
        "the schema made the validator fetch {asked:?}"
    );

    // GitHub code scanning's rules: no empty required strings, repository-relative
    // URIs, a rule for every result, and the rule index pointing at it.
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(!rules.is_empty());
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            let text = rule[field]["text"].as_str().unwrap_or("");
            assert!(
                !text.is_empty() && text.chars().count() <= 1024 || field == "help",
                "{rule}"
            );
        }
        assert!(rule["help"]["markdown"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
        assert_code_scanning_properties(rule);
    }
    let security: Vec<&str> = rules
        .iter()
        .filter(|r| r["properties"].get("security-severity").is_some())
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(
        security,
        ["IDP011"],
        "the committed client secret is a security alert"
    );
    assert_eq!(
        run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str(),
        Some(root_uri().as_str())
    );
    let results = run["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for result in results {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .expect("uri");
        assert!(uri.starts_with("testdata/"), "{uri}");
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"],
            "%SRCROOT%"
        );
        let region = &result["locations"][0]["physicalLocation"]["region"];
        for field in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(region[field].as_u64().is_some_and(|n| n >= 1), "{result}");
        }
        assert!(!result["partialFingerprints"]["idplintFingerprint/v1"]
            .as_str()
            .unwrap_or("")
            .is_empty());
    }
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let levels: Vec<&str> = invocation["toolExecutionNotifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter_map(|n| n["level"].as_str())
        .collect();
    assert_eq!(
        levels,
        ["note", "error"],
        "a skipped and an unreadable file"
    );
}

/// What GitHub code scanning reads from a rule: `tags` with the rule's
/// vendors, a known `precision`, and for a security rule a
/// `security-severity` from 0.0 to 10.0 written with one decimal.
fn assert_code_scanning_properties(rule: &Value) {
    let properties = &rule["properties"];
    let tags: Vec<&str> = properties["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let meta = idplint::rule(rule["id"].as_str().expect("id")).expect("a rule of the registry");
    for kind in meta.kinds() {
        assert!(tags.contains(&kind.vendor()), "{rule}");
    }
    assert!(
        ["very-high", "high", "medium", "low"]
            .contains(&properties["precision"].as_str().unwrap_or("")),
        "{rule}"
    );
    match properties.get("security-severity") {
        Some(score) => {
            assert!(tags.contains(&"security"), "{rule}");
            let score = score.as_str().expect("a string");
            let value: f64 = score.parse().expect("a number");
            assert!(
                (0.0..=10.0).contains(&value)
                    && score.split('.').nth(1).is_some_and(|d| d.len() == 1),
                "{score}"
            );
        }
        None => assert!(!tags.contains(&"security"), "{rule}"),
    }
}

#[test]
fn sarif_columns_count_characters_and_bytes_stay_bytes() {
    let log: Value =
        serde_json::from_str(&render_with(&report(), Format::Sarif, &options())).expect("JSON");
    let bytes = std::fs::read(Path::new(ROOT).join("testdata/formats/invalid-mixed.json"))
        .expect("fixture");
    let result = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| {
            r["properties"]["jsonPointer"] == "/interactive"
                && r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "testdata/formats/invalid-mixed.json"
        })
        .expect("the wrong-typed `interactive`");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    // `ü` comes earlier on the line: one character, two bytes.
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(4), Some(87))
    );
    assert_eq!(region["endColumn"].as_u64(), Some(92));
    let (offset, length) = (
        region["byteOffset"].as_u64().expect("offset") as usize,
        region["byteLength"].as_u64().expect("length") as usize,
    );
    assert_eq!(&bytes[offset..offset + length], b"\"yes\"");
    assert_eq!(log["runs"][0]["columnKind"], "unicodeCodePoints");

    let duplicate = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "IDP002")
        .expect("the duplicate key");
    let related = &duplicate["relatedLocations"][0];
    assert_eq!(related["message"]["text"], "first defined here");
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 9);
    assert_eq!(related["physicalLocation"]["region"]["startColumn"], 9);
    assert_eq!(related["physicalLocation"]["region"]["endColumn"], 16);
}

fn fingerprints(text: &str) -> Vec<String> {
    let log: Value = serde_json::from_str(text).expect("JSON");
    log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["partialFingerprints"]["idplintFingerprint/v1"]
                .as_str()
                .expect("fingerprint")
                .to_string()
        })
        .collect()
}

#[test]
fn fingerprints_are_stable_and_distinct() {
    let first = fingerprints(&render_with(&report(), Format::Sarif, &options()));
    let second = fingerprints(&render_with(&report(), Format::Sarif, &options()));
    assert_eq!(first, second, "two runs give the same fingerprints");
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        first.len(),
        "no two results share a fingerprint: {first:?}"
    );

    // The same file linted from a relative name has the same fingerprints.
    let linter = Linter::new(Options::default());
    let relative = Report {
        files: PAYLOADS
            .iter()
            .map(|p| {
                let bytes = std::fs::read(Path::new(ROOT).join(p)).expect("payload");
                linter.lint_bytes(&format!("./{p}"), &bytes, &SourceOptions::default())
            })
            .collect(),
    };
    assert_eq!(
        fingerprints(&render_with(
            &relative,
            Format::Sarif,
            &RenderOptions::default()
        )),
        first
    );

    // Lines added above a finding do not change its fingerprint; another pointer does.
    let body = r#"{"protocol": "OIDC", "provider": "okta", "interactive": "yes"}"#;
    let moved = format!("\n\n\n{body}");
    let other = body.replace("interactive", "skipVerify");
    let print = |text: &str| {
        let report = Report {
            files: vec![linter.lint_source("idp/okta.json", text, &SourceOptions::default())],
        };
        fingerprints(&render_with(
            &report,
            Format::Sarif,
            &RenderOptions::default(),
        ))
    };
    let at_interactive = print(body);
    assert!(!at_interactive.is_empty());
    assert_eq!(print(&moved), at_interactive);
    assert_ne!(print(&other), at_interactive);
}

#[test]
fn github_commands_are_escaped_and_single_line() {
    let awkward = awkward_report();
    let out = render_with(&awkward, Format::Github, &RenderOptions::default());
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "three commands and a summary:\n{out}");
    assert_eq!(
        lines[0],
        "::error file=idp/odd%2C name%3A 100%25.json,line=1,col=2,endLine=1,endColumn=5,title=IDP005 wrong-type::\
         idp/odd, name: 100%25.json:1:2: IDP005 `a,b: c` is 100%25 <wrong> & \"odd\" 'x'%0D%0Asecond line\u{1}%0Ahelp: fix it: now, please"
    );
    // A span over several lines has no columns: the runner would reject them.
    assert!(lines[1].starts_with("::warning file=idp/odd%2C name%3A 100%25.json,line=2,endLine=4,title=IDP005 wrong-type::"), "{}", lines[1]);
    assert!(lines[2].starts_with("::notice file=idp/odd%2C name%3A 100%25.json,line=3,col=1,endLine=3,endColumn=1,title="), "{}", lines[2]);
    assert!(!lines[3].starts_with("::"));

    let unreadable = Report {
        files: vec![FileReport::unreadable(
            "a,b.json",
            "cannot read file: gone\nreally",
        )],
    };
    assert_eq!(
        render_with(&unreadable, Format::Github, &RenderOptions::default())
            .lines()
            .next(),
        Some("::error file=a%2Cb.json::a,b.json: cannot read file: gone%0Areally")
    );
}

#[test]
fn junit_parses_and_keeps_the_text() {
    for (report, options) in [
        (report(), options()),
        (awkward_report(), RenderOptions::default()),
        (Report::default(), options()),
    ] {
        let out = render_with(&report, Format::Junit, &options);
        let doc = roxmltree::Document::parse(&out)
            .unwrap_or_else(|e| panic!("JUnit output is not XML: {e}\n{out}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let suite = root
            .children()
            .find(|n| n.has_tag_name("testsuite"))
            .expect("a testsuite");
        let cases: Vec<_> = suite
            .children()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(cases.len(), report.files.len());
        assert_eq!(
            suite.attribute("tests"),
            Some(report.files.len().to_string().as_str())
        );
    }

    let report = report();
    let out = render_with(&report, Format::Junit, &options());
    let doc = roxmltree::Document::parse(&out).expect("XML");
    let case = |name: &str| {
        doc.descendants()
            .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("no test case {name}"))
    };
    let child = |name: &str, tag: &str| case(name).children().find(|n| n.has_tag_name(tag));
    assert!(child("testdata/formats/skipped-package.json", "skipped").is_some());
    assert!(child("testdata/formats/unreadable.json", "error").is_some());
    let failure = child("testdata/qlik/create/seed000-azure.json", "failure")
        .expect("the placeholder secret fails");
    assert_eq!(failure.attribute("type"), Some("IDP009"));
    let failure = child("testdata/qlik/create/seed000-jwt.json", "failure")
        .expect("the truncated certificate fails");
    assert_eq!(failure.attribute("type"), Some("IDP302"));
    // All findings are listed in the failure's text, infos (the tolerated extra members) included.
    assert!(failure.text().unwrap_or_default().contains("IDP006"));
    let failure = child("testdata/formats/invalid-mixed.json", "failure").expect("errors fail");
    assert_eq!(failure.attribute("type"), Some("IDP005"));
    assert_eq!(
        failure.attribute("message"),
        Some("IDP005 `interactive` must be a boolean, found a string (and 2 more errors)")
    );
    let listing = failure.text().unwrap_or_default();
    assert!(
        listing.contains("warning IDP006 unknown-field"),
        "warnings are listed with the errors:\n{listing}"
    );
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("suite");
    assert_eq!(
        ["tests", "failures", "errors", "skipped"].map(|a| suite.attribute(a)),
        [Some("6"), Some("4"), Some("1"), Some("1")]
    );

    // Escaped text comes back as it was (characters XML cannot hold become U+FFFD).
    let awkward = awkward_report();
    let out = render_with(&awkward, Format::Junit, &RenderOptions::default());
    let doc = roxmltree::Document::parse(&out).expect("XML");
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("failure");
    assert_eq!(
        failure.attribute("message"),
        Some("IDP005 `a,b: c` is 100% <wrong> & \"odd\" 'x'\r\nsecond line\u{FFFD}")
    );
    assert!(failure.text().unwrap_or_default().contains("idp/odd, name: 100%.json:1:2: error IDP005 wrong-type: `a,b: c` is 100% <wrong> & \"odd\" 'x'\r\n"));
}

/// When warnings fail the run, a file with warnings fails in JUnit as it
/// does with errors, and the GitHub summary says why; the counts follow the
/// run's outcome.
#[test]
fn warnings_that_fail_the_run_fail_their_test_cases() {
    let linter = Linter::new(Options::default());
    // An `email` claim mapped for a non-interactive provider is a warning.
    let warned = linter.lint_file(
        &Path::new(ROOT).join("testdata/qlik/create/invalid-claims-non-interactive-email.json"),
        &SourceOptions::default(),
    );
    assert!(warned
        .diagnostics
        .iter()
        .all(|d| d.severity != Severity::Error));
    assert!(warned
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning));
    let report = Report {
        files: vec![warned],
    };
    let failures = |options: &RenderOptions| {
        let out = render_with(&report, Format::Junit, options);
        let doc = roxmltree::Document::parse(&out).expect("XML");
        let suite = doc.root_element();
        let failed = doc
            .descendants()
            .filter(|n| n.has_tag_name("failure"))
            .count();
        assert_eq!(
            suite.attribute("failures"),
            Some(failed.to_string().as_str())
        );
        (
            failed,
            doc.descendants()
                .find(|n| n.has_tag_name("failure"))
                .map(|f| f.attribute("type").map(str::to_string)),
        )
    };
    let passing = RenderOptions::default();
    assert_eq!(failures(&passing), (0, None));
    let failing = RenderOptions {
        warnings_fail: Some("warnings fail the run: --deny-warnings".to_string()),
        ..RenderOptions::default()
    };
    assert_eq!(failures(&failing), (1, Some(Some("IDP402".to_string()))));
    let summary = render_with(&report, Format::Github, &failing);
    assert!(
        summary.ends_with("(warnings fail the run: --deny-warnings)\n"),
        "{summary}"
    );
    assert!(summary
        .lines()
        .last()
        .unwrap()
        .starts_with("idplint failed: 0 errors, 1 warning"));
}

#[test]
fn the_cli_speaks_every_ci_format() {
    let absolute = Path::new(ROOT).join("testdata/formats/invalid-mixed.json");
    let json = assert_cmd::Command::cargo_bin("idplint")
        .expect("the binary is built")
        .current_dir(ROOT)
        .args(["check", "--format", "json"])
        .arg(&absolute)
        .output()
        .expect("ran");
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    let findings = doc["files"][0]["diagnostics"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(findings >= 4);
    for format in ["sarif", "github", "junit"] {
        let out = assert_cmd::Command::cargo_bin("idplint")
            .expect("the binary is built")
            .current_dir(ROOT)
            .args(["check", "--format", format])
            .arg(&absolute)
            .arg("testdata/formats/skipped-package.json")
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        let text = String::from_utf8(out).expect("UTF-8 output");
        assert!(
            text.contains("testdata/formats/invalid-mixed.json"),
            "{format}:\n{text}"
        );
        assert!(
            !sarif_without_root(&text).contains(ROOT),
            "{format} output has an absolute path:\n{text}"
        );
        assert!(!text.contains(SECRET));
        match format {
            "sarif" => {
                let (validator, _) = sarif_validator();
                assert_valid_sarif(&validator, &text);
            }
            "junit" => {
                roxmltree::Document::parse(&text).expect("JUnit XML");
            }
            _ => assert_eq!(
                text.lines().filter(|l| l.starts_with("::")).count(),
                findings
            ),
        }
    }
    let clean = assert_cmd::Command::cargo_bin("idplint")
        .expect("the binary is built")
        .current_dir(ROOT)
        .args([
            "check",
            "--format",
            "sarif",
            "testdata/qlik/create/valid-jwt-certificate.json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let log: Value = serde_json::from_slice(&clean).expect("JSON");
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
    assert_eq!(
        log["runs"][0]["invocations"][0]["executionSuccessful"],
        true
    );
}

/// The artifact locations of a SARIF log's results: (uri, uriBaseId).
fn artifact_locations(log: &Value) -> Vec<(String, Option<String>)> {
    let mut locations: Vec<(String, Option<String>)> = log["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let artifact = &r["locations"][0]["physicalLocation"]["artifactLocation"];
            (
                artifact["uri"].as_str().expect("uri").to_string(),
                artifact["uriBaseId"].as_str().map(str::to_string),
            )
        })
        .collect();
    locations.dedup();
    locations
}

/// `idplint check --format sarif ARGS` run in `dir`, which must succeed
/// (the payloads it is given have warnings only).
/// The standard output of a passing `idplint check --format FORMAT` run in `dir`.
fn passing_run_in(dir: &Path, format: &str, args: &[&str]) -> String {
    let out = assert_cmd::Command::cargo_bin("idplint")
        .expect("the binary is built")
        .current_dir(dir)
        .args(["check", "--format", format])
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("UTF-8 output")
}

fn sarif_run_in(dir: &Path, args: &[&str]) -> Value {
    let text = passing_run_in(dir, "sarif", args);
    let (validator, _) = sarif_validator();
    assert_valid_sarif(&validator, &text)
}

#[test]
fn sarif_uris_are_relative_to_the_repository_root_from_a_subdirectory() {
    let repo = tempfile::tempdir().expect("a scratch repository");
    let root = std::fs::canonicalize(repo.path()).expect("the scratch path");
    std::fs::create_dir_all(root.join(".git")).expect(".git");
    std::fs::create_dir_all(root.join("idp/qlik")).expect("idp/qlik");
    let payload =
        std::fs::read(Path::new(ROOT).join("testdata/qlik/create/invalid-discovery-url-http.json"))
            .expect("fixture");
    std::fs::write(root.join("idp/qlik/okta.json"), &payload).expect("okta.json");
    std::fs::write(root.join("idp/qlik/okta #2 100%.json"), &payload).expect("a copy");
    let elsewhere = tempfile::tempdir().expect("a directory outside the repository");
    let outside = std::fs::canonicalize(elsewhere.path())
        .expect("the scratch path")
        .join("keycloak.json");
    std::fs::write(&outside, &payload).expect("keycloak.json");
    let outside = outside.to_str().expect("a UTF-8 path");

    let log = sarif_run_in(
        &root.join("idp"),
        &["qlik/okta.json", "./qlik/okta #2 100%.json", outside],
    );
    let srcroot = Some("%SRCROOT%".to_string());
    assert_eq!(
        artifact_locations(&log),
        [
            ("idp/qlik/okta.json".to_string(), srcroot.clone()),
            (
                "idp/qlik/okta%20%232%20100%25.json".to_string(),
                srcroot.clone()
            ),
            (
                url::Url::from_file_path(outside)
                    .expect("absolute")
                    .to_string(),
                None
            ),
        ]
    );
    let root_uri = log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .expect("the root's URI");
    assert_eq!(
        root_uri,
        url::Url::from_directory_path(&root)
            .expect("absolute")
            .as_str()
    );
    assert!(
        root_uri.starts_with("file:///") && root_uri.ends_with('/'),
        "{root_uri}"
    );
    // The plain-http discovery URL is a security alert.
    let rule = &log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["id"] == "IDP503")
        .cloned()
        .expect("IDP503 is among the rules");
    assert_eq!(rule["properties"]["security-severity"], "7.4");
    assert_eq!(
        rule["properties"]["tags"],
        serde_json::json!(["security", "external/cwe/cwe-319", "qlik", "ionos"])
    );

    // A file reached through `..` from a deeper directory is still under the root.
    let log = sarif_run_in(&root.join("idp/qlik"), &["../qlik/okta.json"]);
    assert_eq!(
        artifact_locations(&log),
        [("idp/qlik/okta.json".to_string(), srcroot.clone())]
    );

    // A `.git` file (a worktree or a submodule) marks the root as well.
    std::fs::remove_dir(root.join(".git")).expect("remove .git");
    std::fs::write(root.join(".git"), "gitdir: /elsewhere/.git/worktrees/idp\n")
        .expect(".git file");
    let log = sarif_run_in(&root.join("idp"), &["qlik/okta.json"]);
    assert_eq!(
        artifact_locations(&log),
        [("idp/qlik/okta.json".to_string(), srcroot.clone())]
    );

    // `--sarif-root` wins over the repository.
    let log = sarif_run_in(&root.join("idp"), &["--sarif-root", ".", "qlik/okta.json"]);
    assert_eq!(
        artifact_locations(&log),
        [("qlik/okta.json".to_string(), srcroot)]
    );
    assert_eq!(
        log["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str(),
        Some(
            url::Url::from_directory_path(root.join("idp"))
                .expect("absolute")
                .as_str()
        )
    );
}

#[test]
fn annotations_and_junit_name_files_from_the_repository_root_in_a_subdirectory() {
    let repo = tempfile::tempdir().expect("a scratch repository");
    let root = std::fs::canonicalize(repo.path()).expect("the scratch path");
    std::fs::create_dir_all(root.join(".git")).expect(".git");
    std::fs::create_dir_all(root.join("idp/qlik")).expect("idp/qlik");
    let payload =
        std::fs::read(Path::new(ROOT).join("testdata/qlik/create/invalid-discovery-url-http.json"))
            .expect("fixture");
    std::fs::write(root.join("idp/qlik/okta.json"), payload).expect("okta.json");
    let run = |format: &str| passing_run_in(&root.join("idp"), format, &["qlik/okta.json"]);
    // GitHub resolves an annotation's file in the workspace, the repository root.
    let annotations = run("github");
    assert!(
        annotations.contains("::warning file=idp/qlik/okta.json,line=8,col=21,"),
        "{annotations}"
    );
    assert!(!annotations.contains("file=qlik/"), "{annotations}");
    let junit = run("junit");
    let document = roxmltree::Document::parse(&junit).expect("JUnit is XML");
    let files: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .filter_map(|n| n.attribute("file"))
        .collect();
    assert_eq!(files, ["idp/qlik/okta.json"]);
}

#[test]
fn a_sarif_root_that_is_no_directory_is_a_usage_error() {
    let repo = tempfile::tempdir().expect("a scratch directory");
    std::fs::write(repo.path().join("okta.json"), "{}").expect("okta.json");
    for root in ["missing", "okta.json"] {
        let out = assert_cmd::Command::cargo_bin("idplint")
            .expect("the binary is built")
            .current_dir(repo.path())
            .args([
                "check",
                "--format",
                "sarif",
                "--sarif-root",
                root,
                "okta.json",
            ])
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with(&format!("error: --sarif-root `{root}`")),
            "{stderr}"
        );
    }
}
