//! idplint checks the JSON bodies that create and change single-sign-on
//! identity providers — Qlik Cloud's `/api/v1/identity-providers` (POST,
//! PATCH) and IONOS Cloud's IAM federation `/federation/identityproviders`
//! (POST, PUT) — offline, and points at the exact bytes that are wrong.
//!
//! ```
//! use idplint::{Linter, Options, SourceOptions, Severity};
//!
//! let linter = Linter::new(Options::default());
//! let body = r#"{"protocol": "jwtAuth", "provider": "external",
//!   "options": {"issuer": "https://issuer.acme-corp.io", "clockToleranceSec": 5}}"#;
//! let report = linter.lint_source("idp/jwt.json", body, &SourceOptions::default());
//! assert_eq!(report.kind, Some(idplint::Kind::QlikCreate));
//! for d in &report.diagnostics {
//!     println!("{}:{}:{} {} {} {}", report.path, d.start.line, d.start.column, d.code, d.name, d.message);
//! }
//! assert!(report.diagnostics.iter().any(|d| d.severity == Severity::Error));
//! ```

/// The `idplint` command line, which `src/main.rs` runs; not a library API.
#[cfg(feature = "cli")]
#[doc(hidden)]
pub mod cli;
pub mod config;
pub mod container;
pub mod cross_file;
pub mod diagnostic;
pub mod facts;
pub mod fix;
pub mod globs;
pub mod kind;
pub mod linter;
pub mod render;
pub mod rule_meta;
pub mod rules;
pub mod schema;
pub mod source;

pub use diagnostic::{Anchor, Diagnostic, Finding, Label, RequestRef, Severity, Span, Target};
pub use kind::Kind;
pub use linter::{BodyFile, FileReport, IonosName, Linter, Options, Override, SourceOptions};
pub use render::{Report, Summary};

/// The README's examples, compiled and run as doctests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
