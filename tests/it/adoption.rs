//! Adopting idplint on a repository that already has findings: targeted
//! `[[suppress]]` entries (and the warning for one that matches nothing), a
//! baseline written once and read on every run, and each file linted under
//! the nearest `idplint.toml` upward from it.

use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use crate::common::{idplint, Run};

/// A repository (it has `.git`) with three Qlik payloads under `idp/`:
/// - `legacy-okta.json`: its `pendingOptions.discoveryUrl` is the issuer
///   (IDP504, a warning) and its secret a template variable (IDP010, info);
/// - `hs256.json`: `idTokenSignatureAlg` HS256 (IDP111, an error) and
///   IDP010;
/// - `committed.json`: a client secret in clear (IDP011, a warning).
fn repository(config: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    for (from, to) in [
        ("invalid-discovery-url-issuer.json", "idp/legacy-okta.json"),
        ("invalid-id-token-hs256.json", "idp/hs256.json"),
        ("invalid-secret-committed.json", "idp/committed.json"),
    ] {
        let text = std::fs::read_to_string(testdata(from)).expect("test data");
        write(&dir, to, &text);
    }
    if !config.is_empty() {
        write(&dir, "idplint.toml", config);
    }
    dir
}

fn testdata(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/qlik/create")
        .join(name)
}

fn write(dir: &TempDir, path: &str, text: &str) {
    let path = dir.path().join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write a file");
}

fn read(dir: &TempDir, path: &str) -> String {
    std::fs::read_to_string(dir.path().join(path)).expect("read a file")
}

/// Replaces `from` (which must be there) by `to` in the file at `path`.
fn edit(dir: &TempDir, path: &str, from: &str, to: &str) {
    let text = read(dir, path);
    assert!(text.contains(from), "{path} holds no {from:?}");
    write(dir, path, &text.replacen(from, to, 1));
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}{}", self.stdout, self.stderr))
    }

    /// The summary line of the human output.
    fn summary(&self) -> &str {
        self.stdout
            .lines()
            .rev()
            .find(|l| l.starts_with("passed: ") || l.starts_with("failed: "))
            .unwrap_or_else(|| panic!("no summary in:\n{}{}", self.stdout, self.stderr))
    }
}

/// `(path, code, pointer)` of every finding in a JSON report.
fn findings(doc: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for file in doc["files"].as_array().expect("files") {
        for d in file["diagnostics"].as_array().into_iter().flatten() {
            out.push((
                file["path"].as_str().unwrap_or("").to_string(),
                d["code"].as_str().unwrap_or("").to_string(),
                d["pointer"].as_str().unwrap_or("").to_string(),
            ));
        }
    }
    out
}

fn has(found: &[(String, String, String)], path: &str, code: &str, pointer: &str) -> bool {
    found
        .iter()
        .any(|(p, c, ptr)| p == path && c == code && ptr == pointer)
}

const LEGACY_OKTA: &str = r#"[[suppress]]
path = "idp/legacy-okta.json"
code = "IDP504"
pointer = "/pendingOptions/discoveryUrl"
reason = "legacy tenant, migrating in Q1"
"#;

#[test]
fn a_suppression_hides_exactly_its_file_code_and_pointer() {
    let dir = repository(LEGACY_OKTA);
    // The same issuer URL in another file is still reported.
    std::fs::copy(
        testdata("invalid-discovery-url-issuer.json"),
        dir.path().join("idp/other-okta.json"),
    )
    .expect("copy");
    let run = idplint(dir.path(), &["check", "--format", "json", "idp"]);
    let found = findings(&run.json());
    let legacy = "idp/legacy-okta.json";
    assert!(!has(
        &found,
        legacy,
        "IDP504",
        "/pendingOptions/discoveryUrl"
    ));
    assert!(has(
        &found,
        legacy,
        "IDP010",
        "/pendingOptions/clientSecret"
    ));
    assert!(has(
        &found,
        "idp/other-okta.json",
        "IDP504",
        "/pendingOptions/discoveryUrl"
    ));
    assert_eq!(run.json()["summary"]["suppressed"], 1);
    assert_eq!(run.json()["summary"]["warnings"], 2, "IDP504 once, IDP011");
    assert!(!run.stdout.contains("IDP000"), "{}", run.stdout);

    // A pointer elsewhere in the body suppresses nothing.
    let elsewhere = LEGACY_OKTA.replace("/pendingOptions/discoveryUrl", "/options/discoveryUrl");
    write(&dir, "idplint.toml", &elsewhere);
    let run = idplint(
        dir.path(),
        &["check", "--format", "json", "idp/legacy-okta.json"],
    );
    assert!(has(
        &findings(&run.json()),
        legacy,
        "IDP504",
        "/pendingOptions/discoveryUrl"
    ));
    assert!(run.json()["summary"].get("suppressed").is_none());

    // A pointer above the finding's covers it.
    write(
        &dir,
        "idplint.toml",
        &LEGACY_OKTA.replace("/discoveryUrl", ""),
    );
    let run = idplint(
        dir.path(),
        &["check", "--format", "json", "idp/legacy-okta.json"],
    );
    assert!(!has(
        &findings(&run.json()),
        legacy,
        "IDP504",
        "/pendingOptions/discoveryUrl"
    ));
    assert_eq!(run.json()["summary"]["suppressed"], 1);
}

#[test]
fn a_rule_name_suppresses_like_its_code() {
    let config = LEGACY_OKTA.replace("\"IDP504\"", "\"discovery-url-not-well-known\"");
    let dir = repository(&config);
    let run = idplint(dir.path(), &["check", "idp/legacy-okta.json"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("IDP504"), "{}", run.stdout);
    assert_eq!(
        run.summary(),
        "passed: 0 errors, 0 warnings, 1 info in 1 file; 1 suppressed"
    );
}

#[test]
fn an_unused_suppression_is_a_warning_on_its_entry() {
    let config = format!(
        "{LEGACY_OKTA}\n# Fixed in March; the entry stayed.\n[[suppress]]\npath = \"idp/hs256.json\"\ncode = \"IDP504\"\nreason = \"copied from the old tenant\"\n"
    );
    let dir = repository(&config);
    let run = idplint(dir.path(), &["check", "idp/hs256.json"]);
    assert_eq!(run.code, 1, "IDP111 is an error");
    assert!(
        run.stdout.contains("IDP000 unused-suppression"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("╭─[idplint.toml:8:1]"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("8 │ [[suppress]]"), "{}", run.stdout);
    assert_eq!(
        run.summary(),
        "failed: 1 error, 1 warning, 1 info in 1 file",
        "the configuration file is no linted file"
    );

    let json = idplint(dir.path(), &["check", "--format", "json", "idp/hs256.json"]).json();
    let entry = json["files"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["path"] == "idplint.toml")
        .expect("a report on idplint.toml");
    let unused = &entry["diagnostics"][0];
    assert_eq!(unused["code"], "IDP000");
    assert_eq!(unused["severity"], "warning");
    assert_eq!(unused["start"]["line"], 8);
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["summary"]["warnings"], 1);

    // SARIF places it on idplint.toml, with a rule of its own.
    let sarif = idplint(
        dir.path(),
        &["check", "--format", "sarif", "idp/hs256.json"],
    )
    .json();
    let run = &sarif["runs"][0];
    let result = run["results"]
        .as_array()
        .expect("results")
        .iter()
        .find(|r| r["ruleId"] == "IDP000")
        .expect("an IDP000 result");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "idplint.toml");
    assert_eq!(location["region"]["startLine"], 8);
    assert_eq!(result["level"], "warning");
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let rule = rules
        .iter()
        .find(|r| r["id"] == "IDP000")
        .expect("its rule");
    assert!(
        rule["fullDescription"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("[[suppress]]")),
        "{rule}"
    );

    // With --deny-warnings it fails the run, as any warning does.
    let denied = idplint(
        dir.path(),
        &[
            "check",
            "--deny-warnings",
            "idp/committed.json",
            "idp/hs256.json",
        ],
    );
    assert_eq!(denied.code, 1);
    assert!(
        denied.summary().contains("2 warnings"),
        "{}",
        denied.summary()
    );
}

#[test]
fn an_unused_suppression_is_reported_only_when_its_files_were_linted() {
    let config = format!(
        "{LEGACY_OKTA}\n[[suppress]]\npath = \"idp/retired-*.json\"\ncode = \"IDP1\"\nreason = \"retired tenants, deleted next sprint\"\n"
    );
    let dir = repository(&config);
    // One other file: neither entry is judged.
    let run = idplint(dir.path(), &["check", "idp/committed.json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(!run.stdout.contains("IDP000"), "{}", run.stdout);
    // The file the first entry names: it is used.
    let run = idplint(dir.path(), &["check", "idp/legacy-okta.json"]);
    assert!(!run.stdout.contains("IDP000"), "{}", run.stdout);
    // The whole repository: the files `idp/retired-*.json` names are gone.
    let run = idplint(dir.path(), &["check", "."]);
    assert!(run.stdout.contains("IDP000"), "{}", run.stdout);
    assert!(
        run.stdout.contains("`idp/retired-*.json`"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("idplint.toml:7:1"), "{}", run.stdout);
    assert_eq!(run.stdout.matches("IDP000").count(), 1, "{}", run.stdout);
    // A rule the run does not run: the entry is not judged.
    let run = idplint(dir.path(), &["check", "--select", "IDP5", "."]);
    assert!(!run.stdout.contains("IDP000"), "{}", run.stdout);
}

#[test]
fn a_suppression_without_a_reason_is_a_configuration_error() {
    let dir = repository(&LEGACY_OKTA.replace("reason = \"legacy tenant, migrating in Q1\"\n", ""));
    let run = idplint(dir.path(), &["check", "idp"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("a suppression without a `reason`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("idplint.toml:1:1"), "{}", run.stderr);

    write(
        &dir,
        "idplint.toml",
        &LEGACY_OKTA.replace("legacy tenant, migrating in Q1", "  "),
    );
    let run = idplint(dir.path(), &["check", "idp"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("an empty `reason`"), "{}", run.stderr);
    assert!(run.stderr.contains("idplint.toml:5:11"), "{}", run.stderr);

    write(
        &dir,
        "idplint.toml",
        &LEGACY_OKTA.replace("IDP504", "IDP5044"),
    );
    let run = idplint(dir.path(), &["check", "idp"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `IDP504`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_baseline_survives_unrelated_edits_and_reports_what_is_new_or_fixed() {
    let dir = repository("");
    let write_run = idplint(
        dir.path(),
        &["check", "--write-baseline", "idplint-baseline.json", "idp"],
    );
    assert_eq!(write_run.code, 0, "{}", write_run.stderr);
    assert!(write_run.stdout.is_empty(), "{}", write_run.stdout);
    assert!(
        write_run
            .stderr
            .contains("wrote a baseline of 5 findings to idplint-baseline.json"),
        "{}",
        write_run.stderr
    );
    let baseline = read(&dir, "idplint-baseline.json");
    assert!(
        !baseline.contains("Wq3ZfT8kLm0Xy7Vb2NcR5sGd9PzA1hHj4UeYo6Kb"),
        "a secret in clear:\n{baseline}"
    );
    let doc: Value = serde_json::from_str(&baseline).expect("JSON");
    let entries = doc["findings"].as_array().expect("findings");
    assert_eq!(entries.len(), 5);
    let keys: Vec<(String, String, String)> = entries
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap_or("").to_string();
            (s("path"), s("code"), s("pointer"))
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "entries in a stable order");
    assert!(has(
        &keys,
        "idp/legacy-okta.json",
        "IDP504",
        "/pendingOptions/discoveryUrl"
    ));
    assert_eq!(
        baseline.lines().count(),
        10,
        "one entry a line:\n{baseline}"
    );

    let with = ["check", "--baseline", "idplint-baseline.json", "idp"];
    let run = idplint(dir.path(), &with);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.summary(),
        "passed: 0 errors, 0 warnings, 0 infos in 3 files; 5 baselined"
    );

    // Unrelated edits: lines moved down, another member changed, the
    // file re-indented.
    let legacy = read(&dir, "idp/legacy-okta.json");
    let moved = format!(
        "\n\n{}",
        legacy
            .replace("\n  ", "\n    ")
            .replace("Okta workforce login for the analytics tenant", "Okta (EU)")
    );
    write(&dir, "idp/legacy-okta.json", &moved);
    edit(
        &dir,
        "idp/hs256.json",
        "\"interactive\": true",
        "\"interactive\": true ",
    );
    let run = idplint(dir.path(), &with);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.summary().ends_with("; 5 baselined"),
        "{}",
        run.summary()
    );

    // A new defect: it alone is reported.
    edit(
        &dir,
        "idp/legacy-okta.json",
        "\"clockToleranceSec\": 30",
        "\"clockToleranceSec\": 30000",
    );
    let run = idplint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "idplint-baseline.json",
            "idp",
        ],
    );
    assert_eq!(run.code, 1);
    let found = findings(&run.json());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "IDP201");
    assert_eq!(run.json()["summary"]["baselined"], 5);

    // A baselined finding fixed: the summary says so.
    edit(
        &dir,
        "idp/legacy-okta.json",
        "\"clockToleranceSec\": 30000",
        "\"clockToleranceSec\": 30",
    );
    edit(
        &dir,
        "idp/legacy-okta.json",
        "oauth2/default\"",
        "oauth2/default/.well-known/openid-configuration\"",
    );
    let run = idplint(dir.path(), &with);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(
        run.summary(),
        "passed: 0 errors, 0 warnings, 0 infos in 3 files; 4 baselined, 1 baseline entry fixed"
    );
    let json = idplint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--baseline",
            "idplint-baseline.json",
            "idp",
        ],
    )
    .json();
    assert_eq!(json["summary"]["baseline_fixed"], 1);
    assert_eq!(json["summary"]["baselined"], 4);
    // A run on another file does not count that entry as fixed.
    let run = idplint(
        dir.path(),
        &[
            "check",
            "--baseline",
            "idplint-baseline.json",
            "idp/hs256.json",
        ],
    );
    assert!(
        run.summary().ends_with("; 2 baselined"),
        "{}",
        run.summary()
    );
}

#[test]
fn the_baseline_can_be_named_in_the_configuration_and_read_from_anywhere() {
    let dir = repository("baseline = \"idplint-baseline.json\"\n");
    let write_run = idplint(
        dir.path(),
        &["check", "--write-baseline", "idplint-baseline.json"],
    );
    assert_eq!(write_run.code, 0, "{}", write_run.stderr);
    let run = idplint(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.summary().ends_with("; 5 baselined"),
        "{}",
        run.summary()
    );
    // From a subdirectory: the baseline's paths are relative to its own
    // directory, the configuration is found upward.
    let run = idplint(&dir.path().join("idp"), &["check", "hs256.json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.summary().ends_with("; 2 baselined"),
        "{}",
        run.summary()
    );
    // A baseline that is not one is an error.
    write(&dir, "idplint-baseline.json", "{\"findings\": 3}");
    let run = idplint(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is not a baseline file"),
        "{}",
        run.stderr
    );
}

#[test]
fn suppressed_and_baselined_findings_count_nowhere_but_their_own_counters() {
    let dir = repository(LEGACY_OKTA);
    let write_run = idplint(
        dir.path(),
        &[
            "check",
            "--write-baseline",
            "baseline.json",
            "idp/hs256.json",
        ],
    );
    assert_eq!(write_run.code, 0, "{}", write_run.stderr);
    let args = [
        "--baseline",
        "baseline.json",
        "idp/hs256.json",
        "idp/legacy-okta.json",
    ];
    let human = idplint(dir.path(), &[&["check"][..], &args].concat());
    let json = idplint(
        dir.path(),
        &[&["check", "--format", "json"][..], &args].concat(),
    );
    let junit = idplint(
        dir.path(),
        &[&["check", "--format", "junit"][..], &args].concat(),
    );
    // Left: legacy-okta's IDP010 (info). IDP111 and hs256's IDP010 are
    // baselined, legacy-okta's IDP504 suppressed.
    assert_eq!(
        human.summary(),
        "passed: 0 errors, 0 warnings, 1 info in 2 files; 1 suppressed, 2 baselined"
    );
    let summary = &json.json()["summary"];
    assert_eq!(
        (&summary["errors"], &summary["warnings"], &summary["infos"]),
        (&Value::from(0), &Value::from(0), &Value::from(1))
    );
    assert_eq!(summary["suppressed"], 1);
    assert_eq!(summary["baselined"], 2);
    assert_eq!(summary["outcome"], "passed");
    assert!(junit.stdout.contains("failures=\"0\""), "{}", junit.stdout);
    assert_eq!((human.code, json.code, junit.code), (0, 0, 0));
}

#[test]
fn each_file_gets_the_nearest_configuration_upward() {
    let dir = repository("");
    write(&dir, "cfg/idplint.toml", "ignore = [\"IDP504\"]\n");
    std::fs::copy(
        testdata("invalid-discovery-url-issuer.json"),
        dir.path().join("cfg/okta.json"),
    )
    .expect("copy");
    // From the parent, which has no configuration: cfg/'s applies to cfg/.
    let run = idplint(
        dir.path(),
        &["check", "--format", "json", "cfg/", "idp/legacy-okta.json"],
    );
    let found = findings(&run.json());
    assert!(
        !has(
            &found,
            "cfg/okta.json",
            "IDP504",
            "/pendingOptions/discoveryUrl"
        ),
        "{found:?}"
    );
    assert!(has(
        &found,
        "idp/legacy-okta.json",
        "IDP504",
        "/pendingOptions/discoveryUrl"
    ));
    // --config forces one file for every path.
    write(&dir, "strict.toml", "select = [\"IDP5\"]\n");
    let run = idplint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--config",
            "strict.toml",
            "cfg/",
        ],
    );
    assert!(has(
        &findings(&run.json()),
        "cfg/okta.json",
        "IDP504",
        "/pendingOptions/discoveryUrl"
    ));

    let shown = idplint(
        dir.path(),
        &[
            "check",
            "--show-config",
            "cfg/",
            "idp/legacy-okta.json",
            "cfg/okta.json",
        ],
    );
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let sections: Vec<&str> = shown.stdout.split("# applies to: ").skip(1).collect();
    assert_eq!(sections.len(), 2, "{}", shown.stdout);
    assert!(
        sections[0].starts_with("`cfg/`, `cfg/okta.json`\n"),
        "{}",
        sections[0]
    );
    assert!(
        sections[0].contains("# configuration file: cfg/idplint.toml"),
        "{}",
        sections[0]
    );
    assert!(
        sections[0].contains("ignore = [\"IDP504\"]"),
        "{}",
        sections[0]
    );
    assert!(
        sections[1].starts_with("`idp/legacy-okta.json`\n"),
        "{}",
        sections[1]
    );
    assert!(
        sections[1].contains("# configuration file: none (defaults)"),
        "{}",
        sections[1]
    );

    // A nested configuration with a problem fails the files under it.
    write(&dir, "cfg/idplint.toml", "ignore = [\"IDP5O4\"]\n");
    let run = idplint(dir.path(), &["check", "cfg/", "idp/hs256.json"]);
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("cfg/idplint.toml:1:12"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("IDP111"),
        "the other file is linted: {}",
        run.stdout
    );
}

#[test]
fn suppressions_of_a_nested_configuration_are_relative_to_it() {
    let dir = repository("");
    write(
        &dir,
        "idp/idplint.toml",
        &LEGACY_OKTA.replace("idp/legacy-okta.json", "legacy-*.json"),
    );
    let run = idplint(dir.path(), &["check", "idp"]);
    assert!(!run.stdout.contains("IDP504"), "{}", run.stdout);
    assert!(
        run.summary().ends_with("; 1 suppressed"),
        "{}",
        run.summary()
    );
}

#[test]
fn fix_leaves_a_suppressed_finding_as_it_is() {
    let dir = repository(
        "[[suppress]]\npath = \"idp/tolerance.json\"\ncode = \"IDP202\"\nreason = \"the tenant's clock drifts half a second\"\n",
    );
    std::fs::copy(
        testdata("invalid-clock-tolerance-fractional.json"),
        dir.path().join("idp/tolerance.json"),
    )
    .expect("copy");
    let before = read(&dir, "idp/tolerance.json");
    let diff = idplint(dir.path(), &["check", "--diff", "idp/tolerance.json"]);
    assert_eq!(
        diff.code, 0,
        "nothing to fix: {}{}",
        diff.stdout, diff.stderr
    );
    assert!(diff.stdout.is_empty(), "{}", diff.stdout);
    let run = idplint(dir.path(), &["check", "--fix", "idp/tolerance.json"]);
    assert_eq!(read(&dir, "idp/tolerance.json"), before);
    assert!(
        run.summary().ends_with("; 1 suppressed"),
        "{}",
        run.summary()
    );
    // Without the entry, the same run fixes it.
    std::fs::remove_file(dir.path().join("idplint.toml")).expect("remove");
    idplint(dir.path(), &["check", "--fix", "idp/tolerance.json"]);
    assert!(read(&dir, "idp/tolerance.json").contains("\"clockToleranceSec\": 3"));
}

#[test]
fn the_excerpt_of_an_unused_suppression_masks_the_variables() {
    let dir = repository(
        "[vars]\nQLIK_API_KEY = \"eyJhbGciOiJFUzM4NCJ9.eyJzdWIiOiJhcGkifQ\"\n[[suppress]]\npath = \"idp/committed.json\"\ncode = \"IDP111\"\nreason = \"the staging tenant\"\n",
    );
    let run = idplint(dir.path(), &["check", "idp/committed.json"]);
    assert!(run.stdout.contains("IDP000"), "{}", run.stdout);
    assert!(
        run.stdout.contains("2 │ QLIK_API_KEY = \"****"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("eyJhbGci"), "{}", run.stdout);
}
