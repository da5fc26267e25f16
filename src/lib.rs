//! idplint checks the JSON bodies that create and change single-sign-on
//! identity providers — Qlik Cloud's `/api/v1/identity-providers` (POST,
//! PATCH) and IONOS Cloud's IAM federation `/federation/identityproviders`
//! (POST, PUT) — offline, and points at the exact bytes that are wrong.
//!
//! As a library (`idplint = { version = "0.1", default-features = false }`:
//! the default `cli` feature only builds the command line), it is a
//! [`Linter`] built once and shared by any number of threads, which turns a
//! body into a [`FileReport`] of [`Diagnostic`]s; [`render`] writes reports
//! in the command line's formats; [`rules`] is the rule catalogue; a
//! [`Config`] reads an `idplint.toml`. Nothing prints, nothing exits, and no
//! input makes it panic.
//!
//! # Lint a body
//!
//! ```
//! use idplint::{Kind, Linter, Severity, SourceOptions};
//!
//! let linter = Linter::default();
//! let body = r#"{"protocol": "jwtAuth", "provider": "external",
//!   "options": {"issuer": "https://issuer.acme-corp.io", "clockToleranceSec": 5}}"#;
//! let report = linter.lint_source("idp/jwt.json", body, &SourceOptions::default());
//! assert_eq!(report.kind, Some(Kind::QlikCreate));
//! for d in &report.diagnostics {
//!     println!("{}:{}:{} {} {} {}", report.path, d.start.line, d.start.column, d.code, d.name, d.message);
//! }
//! assert!(report.diagnostics.iter().any(|d| d.severity == Severity::Error));
//! ```
//!
//! A body already parsed goes to [`Linter::lint_value`]; bytes that may not
//! be UTF-8, to [`Linter::lint_bytes`]. A source whose name ends in `.md`,
//! `.sh`, `.http` (and the other [`Container`] formats) is searched for the
//! identity-provider requests in it.
//!
//! # Lint a file with a configuration
//!
//! ```no_run
//! use std::path::Path;
//! use idplint::Config;
//!
//! let config = Config::from_path(Path::new("idplint.toml"))?;
//! let linter = config.linter();
//! let path = Path::new("idp/okta.json");
//! let report = linter.lint_file(path, &config.source_options(path));
//! if let Some(error) = &report.error {
//!     eprintln!("{}: {error}", report.path);
//! }
//! # Ok::<(), idplint::ConfigError>(())
//! ```
//!
//! # Render reports as JSON or SARIF
//!
//! ```
//! use idplint::{render, Format, Linter, Report, SourceOptions};
//!
//! let linter = Linter::default();
//! let files = vec![linter.lint_source(
//!     "idp/okta.json",
//!     r#"{"protocol": "OIDC", "provider": "okta", "interactive": "yes"}"#,
//!     &SourceOptions::default(),
//! )];
//! let report = Report { files };
//! let json: serde_json::Value = serde_json::from_str(&render(&report, Format::Json))?;
//! assert_eq!(json["summary"]["outcome"], "failed");
//! let sarif: serde_json::Value = serde_json::from_str(&render(&report, Format::Sarif))?;
//! assert_eq!(sarif["runs"][0]["tool"]["driver"]["name"], "idplint");
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! [`render_with`] takes [`RenderOptions`]: colour and width for people,
//! the directory paths are relative to for CI formats.
//!
//! # Walk the rule catalogue
//!
//! ```
//! for rule in idplint::rules() {
//!     let kinds: Vec<&str> = rule.kinds().iter().map(|k| k.name()).collect();
//!     println!("{} {} ({}, {}): {}", rule.code(), rule.name(), rule.severity(), kinds.join(", "), rule.summary());
//! }
//! let rule = idplint::rule("IDP101").expect("a rule");
//! assert!(rule.docs().contains("## Why"));
//! ```

#![warn(missing_docs)]
// What only the command line uses (the directory walk's and the language
// server's helpers) is unused without it; the default build, which has it,
// is the one whose dead code the lints report.
#![cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]

#[cfg(feature = "cli")]
mod baseline;
/// The `idplint` command line, which `src/main.rs` runs; not a library API.
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
mod config;
mod container;
mod cross_file;
mod diagnostic;
mod facts;
mod fix;
mod globs;
mod kind;
mod linter;
mod render;
mod rule_meta;
mod rules;
mod schema;
mod source;

mod catalogue;
mod configuration;

#[cfg(test)]
mod catalog_tests;

use rule_meta::declare_rule;

pub use catalogue::{rule, rules, RuleInfo};
pub use configuration::{Config, ConfigError};
pub use container::{Dialect, Format as Container};
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, RequestRef, Severity, Span};
pub use facts::Protocol;
pub use fix::{fix_text, FixMode, Fixed};
pub use kind::Kind;
pub use linter::{FileReport, Linter, Options, Override, SourceOptions};
pub use render::{render, render_with, Format, RenderOptions, Report, Summary};
pub use schema::editor_schema;
pub use source::{Position, MAX_INPUT_BYTES};

/// The parser and its pointer index, for the fuzz target `span_index`:
/// cargo-fuzz builds with `cfg(fuzzing)`, and no other build has it.
#[cfg(fuzzing)]
#[doc(hidden)]
pub use source::parse as fuzzing_parse;

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
