use std::path::Path;

use super::*;
use crate::{Linter, SourceOptions};

const FILE: &str = "/repo/idplint.toml";

fn config(text: &str) -> Config {
    match Config::parse(Path::new(FILE), text) {
        Ok(config) => config,
        Err(errors) => panic!("unexpected errors: {errors:?}"),
    }
}

fn errors(text: &str) -> Vec<ConfigError> {
    match Config::parse(Path::new(FILE), text) {
        Ok(_) => panic!("expected errors for {text:?}"),
        Err(errors) => errors,
    }
}

/// The bytes an error's label points at.
fn labelled<'t>(text: &'t str, e: &ConfigError) -> &'t str {
    let span = e.span.clone().expect("error has a span");
    &text[span]
}

fn severity(config: &Config, path: &str, code: &str) -> Option<Severity> {
    Linter::new(config.options()).severity_for(Path::new(path), code)
}

/// A Qlik JWT IdP with one unknown member (IDP006) and a wrong type (IDP005);
/// only the IDP00x findings are compared.
const PAYLOAD: &str = r#"{
  "protocol": "jwtAuth",
  "provider": "external",
  "description": 42,
  "options": {"issuer": "https://issuer.acme-corp.io", "staticKeys": [], "colour": "blue"}
}"#;

fn codes_for(config: &Config, path: &str) -> Vec<(&'static str, Severity)> {
    let linter = Linter::new(config.options());
    let report = linter.lint_source(path, PAYLOAD, &config.source_options(Path::new(path)));
    report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with("IDP00"))
        .map(|d| (d.code, d.severity))
        .collect()
}

#[test]
fn no_file_runs_every_rule_at_its_default() {
    let config = Config::defaults(Path::new("/repo"));
    assert_eq!(
        severity(&config, "/repo/a.json", "IDP006"),
        Some(Severity::Warning)
    );
    assert!(config.rules_off().is_empty());
}

#[test]
fn a_prefix_selects_a_group() {
    let config = config(r#"select = ["IDP00"]"#);
    assert!(Linter::new(config.options()).is_enabled("IDP006"));
    let config = self::config(r#"select = ["IDP001", "wrong-type"]"#);
    let linter = Linter::new(config.options());
    assert!(linter.is_enabled("IDP001"));
    assert!(linter.is_enabled("IDP005"));
    assert!(!linter.is_enabled("IDP006"));
}

#[test]
fn ignore_wins_over_select() {
    let config = config("select = [\"IDP0\"]\nignore = [\"IDP006\"]");
    let linter = Linter::new(config.options());
    assert!(linter.is_enabled("IDP005"));
    assert!(!linter.is_enabled("IDP006"));
    assert_eq!(
        codes_for(&config, "/repo/a.json"),
        [("IDP005", Severity::Error)]
    );
}

#[test]
fn severity_changes_and_off_disables() {
    let config = config("[severity]\nIDP005 = \"warning\"\nIDP006 = \"off\"");
    assert_eq!(
        codes_for(&config, "/repo/a.json"),
        [("IDP005", Severity::Warning)]
    );
    assert_eq!(config.rules_off(), ["IDP006"]);
}

#[test]
fn severity_keys_are_expanded_in_document_order() {
    let config = config("[severity]\nIDP0 = \"info\"\nIDP005 = \"error\"");
    assert_eq!(config.severity.get("IDP006"), Some(&Some(Severity::Info)));
    assert_eq!(config.severity.get("IDP005"), Some(&Some(Severity::Error)));
}

#[test]
fn an_override_applies_to_its_files_only() {
    let config = config(
        r#"
ignore = ["IDP005"]

[[overrides]]
files = ["legacy/**"]
ignore = ["IDP006"]

[[overrides]]
files = ["strict/*.json"]
select = ["IDP005"]
severity = { IDP006 = "error" }
"#,
    );
    assert_eq!(
        codes_for(&config, "/repo/idp/a.json"),
        [("IDP006", Severity::Warning)]
    );
    assert_eq!(codes_for(&config, "/repo/legacy/old/a.json"), []);
    assert_eq!(
        codes_for(&config, "/repo/strict/a.json"),
        [("IDP005", Severity::Error), ("IDP006", Severity::Error)]
    );
    // `*` does not cross directories.
    assert_eq!(
        severity(&config, "/repo/strict/sub/a.json", "IDP006"),
        Some(Severity::Warning)
    );
}

#[test]
fn later_overrides_have_the_last_word() {
    let config = config(
        r#"
[[overrides]]
files = ["**"]
severity = { IDP006 = "off" }

[[overrides]]
files = ["keep/**"]
severity = { IDP006 = "info" }
"#,
    );
    assert_eq!(severity(&config, "/repo/a.json", "IDP006"), None);
    assert_eq!(
        severity(&config, "/repo/keep/a.json", "IDP006"),
        Some(Severity::Info)
    );
}

#[test]
fn kinds_and_patch_protocol_are_pinned_by_glob() {
    let config = config(
        r#"
[kinds]
"idp/**/*.json" = "qlik.create"
"idp/patches/*.json" = "qlik.patch"

[patch-protocol]
"idp/patches/jwt-*.json" = "jwtAuth"
"#,
    );
    let options = |p: &str| config.source_options(Path::new(p));
    assert_eq!(options("/repo/idp/okta.json").kind, Some(Kind::QlikCreate));
    assert_eq!(
        options("/repo/idp/patches/a.json").kind,
        Some(Kind::QlikPatch)
    );
    assert_eq!(options("/repo/idp/patches/a.json").protocol, None);
    assert_eq!(
        options("/repo/idp/patches/jwt-rotate.json")
            .protocol
            .as_deref(),
        Some("jwtAuth")
    );
    assert_eq!(options("/repo/other.json").kind, None);
}

#[test]
fn flags_win_over_the_file() {
    let file = config(
        "select = [\"IDP005\"]\nignore = [\"IDP001\"]\nmax-warnings = 3\n[severity]\nIDP006 = \"off\"\n[kinds]\n\"**\" = \"qlik.patch\"",
    );
    let config = file.clone().with_flags(Flags {
        select: vec!["IDP0".into()],
        kind: Some(Kind::QlikCreate),
        max_warnings: Some(0),
        ..Flags::default()
    });
    let linter = Linter::new(config.options());
    assert!(
        linter.is_enabled("IDP006"),
        "--select turns on what the file turned off"
    );
    assert!(
        linter.is_enabled("IDP002"),
        "--select replaces the file's select"
    );
    assert!(
        linter.is_enabled("IDP001"),
        "--select replaces the file's ignore"
    );
    assert_eq!(
        config.source_options(Path::new("/repo/a.json")).kind,
        Some(Kind::QlikCreate)
    );
    assert!(config.warnings_fail(1));

    let config = file.with_flags(Flags {
        ignore: vec!["IDP005".into()],
        ..Flags::default()
    });
    assert!(
        !Linter::new(config.options()).is_enabled("IDP005"),
        "--ignore adds to the file's"
    );
    assert!(!config.warnings_fail(3));
    assert!(config.warnings_fail(4));
}

#[test]
fn excludes_hold_for_explicit_files_and_directories() {
    let config =
        config("exclude = [\"node_modules\", \"legacy/**/*.json\"]\ninclude = [\"idp/**/*.json\"]");
    assert!(config.is_excluded(Path::new("/repo/node_modules")));
    assert!(config.is_excluded(Path::new("/repo/node_modules/pkg/package.json")));
    assert!(config.is_excluded(Path::new("/repo/legacy/a/old.json")));
    assert!(!config.is_excluded(Path::new("/repo/idp/okta.json")));
    assert!(config.is_included(Path::new("/repo/idp/okta.json")));
    assert!(!config.is_included(Path::new("/repo/package.json")));
    // Without `include`, every *.json file is linted.
    let config = self::config("");
    assert!(config.is_included(Path::new("/repo/any/thing.JSON")));
    assert!(!config.is_excluded(Path::new("/repo/node_modules/a.json")));
}

#[test]
fn an_unknown_code_is_labelled_at_its_bytes() {
    let text = "select = [\"IDP0\"]\nignore = [\"IDP006\", \"IDP096\"]\n";
    let errors = errors(text);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message, "unknown rule `IDP096` in `ignore`");
    assert_eq!(labelled(text, &errors[0]), "IDP096");
    assert_eq!(errors[0].span, Some(39..45));
    assert!(errors[0]
        .help
        .as_deref()
        .is_some_and(|h| h.contains("`idplint rules`")));
}

#[test]
fn every_problem_is_reported() {
    let text = r#"
select = ["IDP9"]
[severity]
IDP006 = "warn"
[kinds]
"idp/*.json" = "qlik.creat"
[patch-protocol]
"jwt/*.json" = "JWT"
[[overrides]]
files = ["legacy/[a"]
ignore = ["unknown-rule"]
"#;
    let found: Vec<(String, &str)> = errors(text)
        .iter()
        .map(|e| (e.message.clone(), labelled(text, e)))
        .collect();
    assert_eq!(
        found,
        [
            ("unknown rule `IDP9` in `select`".to_string(), "IDP9"),
            ("unknown severity `warn` for `IDP006`".to_string(), "warn"),
            (
                "unknown kind `qlik.creat` for `idp/*.json`".to_string(),
                "qlik.creat"
            ),
            ("unknown protocol `JWT` for `jwt/*.json`".to_string(), "JWT"),
            (
                "unknown rule `unknown-rule` in `overrides.ignore`".to_string(),
                "unknown-rule"
            ),
            (
                "invalid glob `legacy/[a`: unclosed character class; missing ']'".to_string(),
                "legacy/[a"
            ),
        ]
    );
}

#[test]
fn an_unknown_key_is_labelled_with_a_suggestion() {
    let text = "select = [\"IDP0\"]\ndeny-warning = true\n";
    let errors = errors(text);
    assert_eq!(errors[0].message, "unknown key `deny-warning`");
    assert_eq!(labelled(text, &errors[0]), "deny-warning");
    assert_eq!(
        errors[0].help.as_deref(),
        Some("did you mean `deny-warnings`?")
    );
}

#[test]
fn an_unknown_key_without_a_near_name_lists_the_keys() {
    let text = "[[overrides]]\nfiles = [\"a/**\"]\nrules = [\"IDP006\"]\n";
    let errors = errors(text);
    assert_eq!(labelled(text, &errors[0]), "rules");
    assert_eq!(
        errors[0].help.as_deref(),
        Some("remove it; the keys here are `files`, `select`, `ignore`, `severity`")
    );
}

#[test]
fn a_negative_warning_limit_is_labelled() {
    let text = "max-warnings = -1\n";
    let errors = errors(text);
    assert_eq!(labelled(text, &errors[0]), "-1");
    assert_eq!(errors[0].message, "`max-warnings` is -1");
}

#[test]
fn malformed_toml_is_labelled_where_it_breaks() {
    let text = "select = [\"IDP0\"\nignore = []\n";
    let errors = errors(text);
    assert_eq!(errors.len(), 1);
    let span = errors[0].span.clone().expect("a span");
    assert!(
        span.start >= 16 && span.start <= 18,
        "{span:?}: {}",
        errors[0].message
    );
}

#[test]
fn a_wrong_type_is_labelled_at_the_value() {
    let text = "deny-warnings = \"yes\"\n";
    let errors = errors(text);
    assert_eq!(labelled(text, &errors[0]), "yes");
    assert!(
        errors[0].message.contains("invalid type"),
        "{}",
        errors[0].message
    );
}

#[test]
fn show_config_is_toml_that_reads_back() {
    let text = r#"
select = ["IDP0"]
ignore = ["IDP003"]
exclude = ["node_modules/**"]
max-warnings = 2
[severity]
IDP006 = "error"
[kinds]
"idp/*.json" = "ionos.create"
[patch-protocol]
"p/*.json" = "SAML"
[[overrides]]
files = ["legacy/**"]
ignore = ["IDP006"]
severity = { IDP005 = "warning" }
"#;
    let shown = config(text).to_string();
    let again = config(&shown).to_string();
    assert_eq!(shown.replace(FILE, ""), again.replace(FILE, ""));
    assert!(shown.contains("#   IDP003 unknown-payload"), "{shown}");
}

#[test]
fn source_options_default_to_recognition() {
    let config = config("");
    let options = config.source_options(Path::new("/repo/a.json"));
    assert_eq!(
        (options.kind, options.protocol),
        (SourceOptions::default().kind, None)
    );
}

#[test]
fn the_search_for_a_config_stops_at_the_repository_root() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join(FILE_NAME);
    std::fs::write(&outside, "select = [\"IDP3\"]\n").unwrap();
    let repo = dir.path().join("repo");
    let nested = repo.join("idp").join("okta");
    std::fs::create_dir_all(&nested).unwrap();
    // Not in a repository: the file above is found.
    assert_eq!(Config::find(&nested), Some(outside.clone()));
    std::fs::create_dir(repo.join(".git")).unwrap();
    assert_eq!(Config::find(&nested), None, "the file above the repository");
    let inside = repo.join(FILE_NAME);
    std::fs::write(&inside, "").unwrap();
    assert_eq!(Config::find(&nested), Some(inside));
}

const SUPPRESS: &str = r#"ignore = ["IDP204"]

[[suppress]]
path = "idp/legacy-okta.json"
code = "IDP504"
pointer = "/options/discoveryUrl"
reason = "legacy tenant, migrating in Q1"

[[suppress]]
path = "idp/**/*.json"
code = "template-variable"
reason = "deployments fill the secrets in"
"#;

#[test]
fn suppressions_are_read_with_the_line_of_their_entry() {
    let config = config(SUPPRESS);
    let [first, second] = &config.suppress[..] else {
        panic!("two entries: {:?}", config.suppress);
    };
    assert_eq!(first.pattern(), "idp/legacy-okta.json");
    assert_eq!(first.pointer.as_deref(), Some("/options/discoveryUrl"));
    assert_eq!(first.reason, "legacy tenant, migrating in Q1");
    assert_eq!((first.start.line, first.start.column), (3, 1));
    assert_eq!(
        &SUPPRESS[first.span.offset..first.span.offset + first.span.length],
        "[[suppress]]"
    );
    assert_eq!(second.start.line, 9);
    assert_eq!(second.pointer, None);
}

#[test]
fn a_suppression_silences_its_file_rule_and_pointer_only() {
    let config = config(SUPPRESS);
    let linter = Linter::new(config.options());
    let body = r#"{"protocol": "OIDC", "provider": "okta", "interactive": true,
      "options": {"discoveryUrl": "https://acme.okta.com/oauth2/default", "clientId": "0oa8f2k1xzQ4bN3d5697",
        "clientSecret": "${OKTA_CLIENT_SECRET}", "realm": "acme"}}"#;
    let silenced = |path: &str| -> Vec<&'static str> {
        let report = linter.lint_source(path, body, &SourceOptions::default());
        let mut codes: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| config.is_suppressed(Path::new(path), d))
            .map(|d| d.code)
            .collect();
        codes.sort_unstable();
        codes
    };
    assert_eq!(silenced("/repo/idp/legacy-okta.json"), ["IDP010", "IDP504"]);
    assert_eq!(silenced("/repo/idp/other.json"), ["IDP010"]);
    assert!(silenced("/repo/docs/legacy-okta.json").is_empty());
}

#[test]
fn a_suppression_needs_a_reason_a_pointer_and_a_known_rule() {
    let text =
        "[[suppress]]\npath = \"a.json\"\ncode = \"IDP5O4\"\npointer = \"options.discoveryUrl\"\n";
    let found = errors(text);
    let messages: Vec<&str> = found.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unknown rule `IDP5O4` in `[[suppress]]`",
            "a suppression without a `reason`",
            "`options.discoveryUrl` is not a JSON pointer",
        ]
    );
    assert_eq!(labelled(text, &found[1]), "[[suppress]]");
    assert_eq!(
        found[2].help.as_deref(),
        Some("write it from the body's root: `/options/discoveryUrl`")
    );
    let typo = errors("[[suppress]]\npaths = \"a.json\"\ncode = \"IDP504\"\nreason = \"r\"\n");
    assert_eq!(typo[0].help.as_deref(), Some("did you mean `path`?"));
}

#[test]
fn the_baseline_is_relative_to_the_configuration_file() {
    let config = config("baseline = \"ci/idplint-baseline.json\"\n");
    assert_eq!(
        config.baseline.as_deref(),
        Some(Path::new("/repo/ci/idplint-baseline.json"))
    );
}
