//! `idplint.toml` through the command line: found upward or named with
//! `--config`, flags on top, excludes honoured for explicit files, problems
//! reported on the file itself with exit status 2, `--show-config`.

use std::path::Path;

use serde_json::Value;
use tempfile::TempDir;

use crate::common::idplint;

/// A small repository: two Qlik payloads under `idp/`, a copy under
/// `legacy/`, and a `package.json` under `node_modules/`.
fn project(config: &str) -> TempDir {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/qlik/create");
    for (from, to) in [
        ("seed000-jwt.json", "idp/qlik/jwt.json"),
        ("seed000-azure.json", "idp/qlik/azure.json"),
        ("seed000-jwt.json", "legacy/jwt.json"),
    ] {
        let to = dir.path().join(to);
        std::fs::create_dir_all(to.parent().expect("a parent")).expect("mkdir");
        std::fs::copy(testdata.join(from), to).expect("copy a payload");
    }
    write(
        &dir,
        "node_modules/pkg/package.json",
        r#"{"name": "pkg", "version": "1.0.0"}"#,
    );
    if !config.is_empty() {
        write(&dir, "idplint.toml", config);
    }
    dir
}

fn write(dir: &TempDir, path: &str, text: &str) {
    let path = dir.path().join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
    std::fs::write(path, text).expect("write a file");
}

/// `check --format json` in `cwd`: per file, its kind and its findings of
/// `code` with their severities.
fn findings(cwd: &Path, args: &[&str], code: &str) -> (i32, Vec<(String, String, Vec<String>)>) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let run = idplint(cwd, &all);
    let json: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("JSON output ({e}): {}\n{}", run.stdout, run.stderr));
    let files = json["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            let severities = f["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .filter(|d| d["code"] == code)
                .map(|d| d["severity"].as_str().unwrap_or_default().to_string())
                .collect();
            let path = f["path"].as_str().unwrap_or_default().replace('\\', "/");
            let kind = f["kind"].as_str().unwrap_or("-").to_string();
            (path, kind, severities)
        })
        .collect();
    (run.code, files)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn the_file_is_found_upward_from_the_working_directory() {
    let dir = project("select = [\"IDP006\"]\n\n[severity]\nIDP006 = \"error\"\n");
    let (code, files) = findings(&dir.path().join("idp/qlik"), &["jwt.json"], "IDP006");
    assert_eq!(code, 1);
    assert_eq!(
        files,
        [(
            "jwt.json".to_string(),
            "qlik.create".to_string(),
            strings(&["error"; 3])
        )]
    );
}

#[test]
fn config_names_the_file_and_no_other_is_read() {
    let dir = project("ignore = [\"IDP006\"]\n");
    write(
        &dir,
        "ci/strict.toml",
        "select = [\"IDP006\"]\ndeny-warnings = true\n[severity]\nIDP006 = \"warning\"\n",
    );
    let (code, files) = findings(
        dir.path(),
        &["--config", "ci/strict.toml", "idp/qlik/jwt.json"],
        "IDP006",
    );
    assert_eq!(code, 1, "deny-warnings from the named file");
    assert_eq!(files[0].2, strings(&["warning"; 3]));
}

#[test]
fn flags_win_over_the_file() {
    let dir = project(
        "select = [\"IDP001\"]\nmax-warnings = 0\n[severity]\nIDP006 = \"off\"\n[kinds]\n\"**\" = \"ionos.create\"\n",
    );
    let args = [
        "--select",
        "IDP006",
        "--kind",
        "qlik.create",
        "idp/qlik/jwt.json",
    ];
    let (code, files) = findings(dir.path(), &args, "IDP006");
    assert_eq!(code, 0);
    assert_eq!(
        files,
        [(
            "idp/qlik/jwt.json".to_string(),
            "qlik.create".to_string(),
            strings(&["info"; 3])
        )]
    );

    let (_, files) = findings(
        dir.path(),
        &["--ignore", "IDP001", "idp/qlik/jwt.json"],
        "IDP006",
    );
    assert_eq!(
        files[0].1, "ionos.create",
        "without --kind, [kinds] decides"
    );
    assert!(files[0].2.is_empty());
}

#[test]
fn excludes_hold_for_explicit_files_and_walked_directories() {
    let dir = project("select = [\"IDP006\"]\nexclude = [\"legacy/**\", \"node_modules\"]\n");
    let (code, files) = findings(
        dir.path(),
        &["legacy/jwt.json", "idp/qlik/jwt.json"],
        "IDP006",
    );
    assert_eq!(code, 0);
    let paths: Vec<_> = files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(paths, ["idp/qlik/jwt.json"]);

    let (_, files) = findings(dir.path(), &["."], "IDP006");
    let paths: Vec<_> = files.iter().map(|f| f.0.trim_start_matches("./")).collect();
    assert_eq!(paths, ["idp/qlik/azure.json", "idp/qlik/jwt.json"]);

    // From a subdirectory, globs stay relative to the file's directory.
    let (_, files) = findings(&dir.path().join("legacy"), &["jwt.json", "."], "IDP006");
    assert!(files.is_empty(), "{files:?}");
}

#[test]
fn include_limits_what_directories_give() {
    let dir = project("include = [\"idp/**/j*.json\"]\n");
    let (_, files) = findings(dir.path(), &["."], "IDP006");
    let paths: Vec<_> = files.iter().map(|f| f.0.trim_start_matches("./")).collect();
    assert_eq!(paths, ["idp/qlik/jwt.json"]);
}

#[test]
fn overrides_and_kinds_apply_by_glob() {
    let dir = project(
        r#"select = ["IDP006"]

[kinds]
"legacy/*.json" = "qlik.patch"

[[overrides]]
files = ["legacy/**"]
ignore = ["IDP006"]

[[overrides]]
files = ["idp/**/jwt.json"]
severity = { IDP006 = "warning" }
"#,
    );
    let (code, files) = findings(dir.path(), &["idp", "legacy"], "IDP006");
    assert_eq!(code, 0);
    assert_eq!(
        files,
        [
            (
                "idp/qlik/azure.json".to_string(),
                "qlik.create".to_string(),
                vec![]
            ),
            (
                "idp/qlik/jwt.json".to_string(),
                "qlik.create".to_string(),
                strings(&["warning"; 3])
            ),
            (
                "legacy/jwt.json".to_string(),
                "qlik.patch".to_string(),
                vec![]
            ),
        ]
    );
}

#[test]
fn malformed_toml_is_reported_on_the_file() {
    let dir = project("select = [\"IDP0\"\nignore = [\"IDP006\"]\n");
    let run = idplint(dir.path(), &["check", "idp"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!("malformed_toml", run.stderr);
}

#[test]
fn an_unknown_code_is_labelled_at_its_bytes() {
    let dir = project(
        "select = [\"IDP0\"]\nignore = [\"IDP006\", \"IDP096\"]\n\n[severity]\nIDP005 = \"warn\"\n",
    );
    let run = idplint(dir.path(), &["check", "idp"]);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    insta::assert_snapshot!("unknown_code", run.stderr);
}

#[test]
fn an_unknown_key_is_labelled_with_a_suggestion() {
    let dir = project("[[overrides]]\nfiles = [\"legacy/**\"]\nignores = [\"IDP006\"]\n");
    let run = idplint(dir.path(), &["check"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("unknown_key", run.stderr);
}

#[test]
fn a_missing_config_file_is_a_usage_error() {
    let dir = project("");
    let run = idplint(dir.path(), &["check", "--config", "nope.toml"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read the configuration file `nope.toml`"),
        "{}",
        run.stderr
    );
}

#[test]
fn show_config_prints_the_resolved_settings() {
    let dir = project(
        r#"select = ["IDP0"]
ignore = ["IDP003"]
exclude = ["node_modules/**"]
deny-warnings = false

[severity]
IDP005 = "warning"

[kinds]
"idp/qlik/**/*.json" = "qlik.create"

[patch-protocol]
"idp/qlik/jwt/*.patch.json" = "jwtAuth"

[[overrides]]
files = ["legacy/**"]
ignore = ["IDP006"]
"#,
    );
    let run = idplint(
        &dir.path().join("idp"),
        &[
            "check",
            "--show-config",
            "--ignore",
            "IDP002",
            "--max-warnings",
            "5",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let root = dir.path().display().to_string();
    insta::assert_snapshot!("show_config", run.stdout.replace(&root, "[TMP]"));
}

#[test]
fn show_config_without_a_file_shows_the_defaults() {
    let dir = project("");
    let run = idplint(dir.path(), &["check", "--show-config"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("# configuration file: none (defaults)"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("select = []"), "{}", run.stdout);
}

#[test]
fn vars_in_the_file_fill_in_template_variables() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("idplint.toml");
    std::fs::write(
        &path,
        "[vars]\nSKEW = \"9000\"\nTENANT = \"acme.eu.qlikcloud.com\"\n",
    )
    .unwrap();
    let config = idplint::Config::from_path(&path).expect("the file is valid");
    assert_eq!(config.path(), Some(path.as_path()));
    let script = "curl -X POST \"https://$TENANT/api/v1/identity-providers\" -d '{\"provider\": \"external\", \"protocol\": \"jwtAuth\", \"clockToleranceSec\": '\"$SKEW\"', \"options\": {\"issuer\": \"https://portal.acme-corp.io\", \"staticKeys\": []}}'\n";
    let report =
        config
            .linter()
            .lint_source("create.sh", script, &idplint::SourceOptions::default());
    assert!(
        report.diagnostics.iter().any(|d| d.code == "IDP201"),
        "{:#?}",
        report.diagnostics
    );
}
