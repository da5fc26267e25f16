//! The documents the editor has open, and which of them are linted: payload
//! JSON and the containers (Markdown, scripts, `.http` files), told by the
//! file's name or, for a document without one, by its language.

use std::path::PathBuf;

use crate::config::Config;
use crate::container::Format;
use crate::{FileReport, SourceOptions};
use lsp_types::Uri;

/// An open document, as the editor holds it.
pub struct Document {
    pub uri: Uri,
    pub language_id: String,
    pub version: i32,
    pub text: String,
    /// How many safe fixes the last lint offered (the fix-all action is
    /// offered only when there is one).
    pub safe_fixes: usize,
    /// Whether the document, the last time it parsed, was a payload.
    pub was_payload: Option<bool>,
}

/// What a document is linted as.
pub struct Target {
    /// The file on disk the document is (none for an unsaved one).
    pub path: Option<PathBuf>,
    /// The name the document is linted under: its path, which decides a
    /// container by its extension and which `[[overrides]]` globs match.
    pub name: String,
    /// The container its language says it is, when its name says nothing.
    pub container: Option<Format>,
}

impl Target {
    /// The kind and protocol the configuration gives the document, and the
    /// container its language says it is.
    pub fn options(&self, config: &Config) -> SourceOptions {
        let path = self
            .path
            .clone()
            .unwrap_or_else(|| PathBuf::from(&self.name));
        SourceOptions {
            container: self.container,
            ..config.source_options(&path)
        }
    }

    /// True when the configuration's `exclude` holds the document's file.
    pub fn is_excluded(&self, config: &Config) -> bool {
        self.path.as_deref().is_some_and(|p| config.is_excluded(p))
    }
}

impl Document {
    pub fn new(uri: Uri, language_id: String, version: i32, text: String) -> Self {
        Self {
            uri,
            language_id,
            version,
            text,
            safe_fixes: 0,
            was_payload: None,
        }
    }

    /// What the document is linted as; `None` for a document that is
    /// neither JSON nor a container (a Rust file, a YAML file).
    pub fn target(&self) -> Option<Target> {
        let path = file_path(&self.uri);
        let name = match &path {
            Some(path) => crate::linter::display_name(path),
            None => self.uri.path().as_str().to_string(),
        };
        if Format::for_name(&name).is_some() || has_json_extension(&name) {
            return Some(Target {
                path,
                name,
                container: None,
            });
        }
        let container = match self.language_id.as_str() {
            "json" | "jsonc" => None,
            language => Some(Format::for_editor_language(language)?),
        };
        Some(Target {
            path,
            name,
            container,
        })
    }

    /// Whether the findings of `report`, a lint of this document, are
    /// shown, and remembers whether it was a payload. A container's are; a
    /// JSON document's when it is a payload (recognised or given a kind by
    /// the configuration, `pinned`). A JSON document that does not parse is
    /// a payload if it was one when it last parsed; one never seen parsed
    /// is too, except in JSON with comments, the language of `tsconfig.json`
    /// and editor settings, whose comments are no error there.
    pub fn shows(&mut self, report: &FileReport, pinned: bool) -> bool {
        if report.container.is_some() || report.kind.is_some() {
            self.was_payload = Some(report.container.is_none());
            return true;
        }
        if report.skipped.is_some() {
            self.was_payload = Some(false);
            return false;
        }
        pinned
            || match self.was_payload {
                Some(was) => was,
                None => self.language_id != "jsonc",
            }
    }
}

/// The path of a `file:` URI, decoded.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

fn has_json_extension(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::Dialect;
    use std::str::FromStr;

    fn document(uri: &str, language: &str) -> Document {
        let uri = Uri::from_str(uri).unwrap();
        Document::new(uri, language.to_string(), 1, String::new())
    }

    #[test]
    fn the_name_decides_before_the_language() {
        let doc = document("file:///repo/docs/Set%20up%20SSO.md", "plaintext");
        let target = doc.target().expect("a Markdown file is linted");
        assert_eq!(target.name, "/repo/docs/Set up SSO.md");
        assert_eq!(target.path, Some(PathBuf::from("/repo/docs/Set up SSO.md")));
        assert_eq!(target.container, None);

        let json = document("file:///repo/idp/okta.JSON", "plaintext");
        assert!(json.target().is_some());
        let postman = document("file:///repo/a.postman_collection.json", "json");
        assert!(postman.target().is_some());
    }

    #[test]
    fn the_language_decides_for_other_names() {
        let untitled = document("untitled:Untitled-1", "shellscript");
        let target = untitled.target().expect("a script is linted");
        assert_eq!(target.path, None);
        assert_eq!(target.container, Some(Format::Shell(Dialect::Posix)));
        let neovim = document("untitled:setup", "ps1").target();
        assert_eq!(
            neovim.map(|t| t.container),
            Some(Some(Format::Shell(Dialect::PowerShell)))
        );
        let jsonc = document("file:///repo/.vscode/idp.jsonc", "jsonc");
        assert_eq!(jsonc.target().map(|t| t.container), Some(None));
        assert!(document("file:///repo/src/main.rs", "rust")
            .target()
            .is_none());
        assert!(document("file:///repo/notes.txt", "plaintext")
            .target()
            .is_none());
    }

    #[test]
    fn a_json_document_shows_findings_once_it_is_a_payload() {
        let payload = FileReport {
            kind: Some(crate::Kind::QlikCreate),
            ..FileReport::new("idp.json", None)
        };
        let skipped = FileReport {
            skipped: Some("not an identity-provider payload".into()),
            ..FileReport::new("package.json", None)
        };
        let unparsable = FileReport::new("x.json", None);

        let mut package = document("file:///repo/package.json", "json");
        assert!(!package.shows(&skipped, false));
        assert!(!package.shows(&unparsable, false), "a typo in package.json");
        assert!(
            package.shows(&unparsable, true),
            "a kind set in idplint.toml"
        );

        let mut idp = document("file:///repo/idp.json", "json");
        assert!(idp.shows(&unparsable, false), "never parsed: shown");
        assert!(idp.shows(&payload, false));
        assert!(idp.shows(&unparsable, false), "a payload being edited");

        let mut settings = document("file:///repo/tsconfig.json", "jsonc");
        assert!(!settings.shows(&unparsable, false));
    }
}
