//! A baseline: the findings a repository had when it adopted idplint,
//! recorded so that a run reports only the findings that are new.
//!
//! The file is JSON, its entries sorted (path, code, pointer, fingerprint)
//! so that it diffs well:
//!
//! ```json
//! {
//!   "version": 1,
//!   "findings": [
//!     {"path": "idp/legacy-okta.json", "code": "IDP504", "name": "discovery-url-not-well-known",
//!      "pointer": "/pendingOptions/discoveryUrl", "fingerprint": "2b0cbfea25d7d4655f4fd7b15c49aa33"}
//!   ]
//! }
//! ```
//!
//! - `path` is relative to the baseline file's directory, with `/`
//!   separators, so that the file means the same from any working
//!   directory (a file outside that directory keeps its absolute path).
//! - `fingerprint` is the first 128 bits of a SHA-256 digest of the code,
//!   the path, the pointer and the text of the offending value with its
//!   white space removed (secret values masked, as excerpts show them). It
//!   holds no line or column: moving the member, re-indenting the file or
//!   changing another member leaves it as it is; changing the value makes
//!   a new finding. No value is stored in clear.
//! - A finding matches an entry with the same path and fingerprint; each
//!   entry matches one finding (two identical findings need two entries).

use std::collections::HashMap;
use std::path::Path;

use crate::globs::normalize;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::diagnostic::Diagnostic;

/// The version of the file format this idplint reads and writes.
pub const VERSION: u32 = 1;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub code: String,
    /// The rule's name, for the reader of the file.
    #[serde(default)]
    pub name: String,
    pub pointer: String,
    pub fingerprint: String,
}

impl Entry {
    /// The entry of `diagnostic`, a finding of the file named `path` (as
    /// the baseline names it) whose text is `source` (secrets masked).
    pub fn of(diagnostic: &Diagnostic, path: &str, source: &str) -> Self {
        let span = diagnostic.span;
        let value = source
            .get(span.offset..span.offset + span.length)
            .unwrap_or("");
        Self {
            path: path.to_string(),
            code: diagnostic.code.to_string(),
            name: diagnostic.name.to_string(),
            pointer: diagnostic.pointer.clone(),
            fingerprint: fingerprint(diagnostic.code, path, &diagnostic.pointer, value),
        }
    }
}

impl Entry {
    /// The entry as one line of JSON, its members in a fixed order.
    fn to_line(&self) -> String {
        let members = [
            ("path", &self.path),
            ("code", &self.code),
            ("name", &self.name),
            ("pointer", &self.pointer),
            ("fingerprint", &self.fingerprint),
        ];
        let written: Vec<String> = members
            .iter()
            .map(|(key, value)| format!("\"{key}\": {}", serde_json::Value::from(value.as_str())))
            .collect();
        format!("{{{}}}", written.join(", "))
    }
}

/// The digest of a finding: code, path, pointer and the value's text
/// without white space, as 32 hexadecimal digits.
pub fn fingerprint(code: &str, path: &str, pointer: &str, value: &str) -> String {
    let mut digest = Sha256::new();
    for part in [code, path, pointer] {
        digest.update(part.as_bytes());
        digest.update([0]);
    }
    let mut kept = [0u8; 4];
    for c in value.chars().filter(|c| !c.is_whitespace()) {
        digest.update(c.encode_utf8(&mut kept).as_bytes());
    }
    digest.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A baseline file's contents.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

impl Baseline {
    /// A baseline of `findings`, sorted.
    pub fn new(mut findings: Vec<Entry>) -> Self {
        findings.sort();
        Self {
            version: VERSION,
            findings,
        }
    }

    /// Reads the baseline file at `path`; why not, in a sentence.
    pub fn load(path: &Path) -> Result<Self, String> {
        let cannot =
            |e: std::io::Error| format!("cannot read the baseline `{}`: {e}", path.display());
        if !std::fs::metadata(path).map_err(cannot)?.is_file() {
            return Err(cannot(std::io::Error::other("not a regular file")));
        }
        let file = std::fs::File::open(path).map_err(cannot)?;
        let bytes =
            crate::source::read_limited(file, crate::source::MAX_INPUT_BYTES).map_err(cannot)?;
        let text =
            String::from_utf8(bytes).map_err(|_| cannot(std::io::Error::other("not UTF-8")))?;
        let baseline: Self = serde_json::from_str(&text).map_err(|e| {
            format!(
                "the baseline `{}` is not a baseline file: {e}",
                path.display()
            )
        })?;
        if baseline.version != VERSION {
            return Err(format!(
                "the baseline `{}` is of version {}; this idplint reads version {VERSION}: write it again with --write-baseline",
                path.display(),
                baseline.version
            ));
        }
        Ok(baseline)
    }

    /// The file's text: one entry a line, so that a change diffs as the
    /// lines of the findings it adds or removes.
    pub fn to_text(&self) -> String {
        let mut out = format!("{{\n  \"version\": {},\n  \"findings\": [", self.version);
        for (i, entry) in self.findings.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&entry.to_line());
        }
        if !self.findings.is_empty() {
            out.push_str("\n  ");
        }
        out.push_str("]\n}\n");
        out
    }

    /// The entries by path, each path's fingerprints in a multiset.
    pub fn by_path(&self) -> HashMap<String, Vec<String>> {
        let mut by_path: HashMap<String, Vec<String>> = HashMap::new();
        for entry in &self.findings {
            by_path
                .entry(entry.path.clone())
                .or_default()
                .push(entry.fingerprint.clone());
        }
        by_path
    }
}

/// How a baseline names the file at `path` (relative to the working
/// directory `cwd`, or absolute): relative to `dir`, the baseline file's
/// directory, with `/` separators; absolute when it is outside `dir`.
/// Names that are no path (`<stdin>`) are kept.
pub fn relative_name(path: &str, cwd: &Path, dir: &Path) -> String {
    if path.starts_with('<') && path.ends_with('>') {
        return path.to_string();
    }
    let absolute = normalize(&cwd.join(path));
    let dir = normalize(&cwd.join(dir));
    match absolute.strip_prefix(&dir) {
        Ok(rest) => rest
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        Err(_) => absolute.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_ignores_white_space_and_position() {
        let a = fingerprint("IDP504", "idp/a.json", "/options", "{\n  \"x\": 1\n}");
        let b = fingerprint("IDP504", "idp/a.json", "/options", "{ \"x\": 1 }");
        assert_eq!(a, b);
        assert_eq!(a.len(), 32);
        assert_ne!(
            a,
            fingerprint("IDP504", "idp/a.json", "/options", "{\"x\": 2}")
        );
        assert_ne!(
            a,
            fingerprint("IDP504", "idp/b.json", "/options", "{\"x\": 1}")
        );
    }

    #[test]
    fn names_are_relative_to_the_baseline_directory() {
        let cwd = Path::new("/repo/idp");
        let dir = Path::new("/repo");
        assert_eq!(relative_name("qlik/a.json", cwd, dir), "idp/qlik/a.json");
        assert_eq!(relative_name("./qlik/../a.json", cwd, dir), "idp/a.json");
        assert_eq!(
            relative_name("/elsewhere/a.json", cwd, dir),
            "/elsewhere/a.json"
        );
        assert_eq!(relative_name("<stdin>", cwd, dir), "<stdin>");
        assert_eq!(relative_name("a.json", cwd, Path::new("..")), "idp/a.json");
    }

    #[test]
    fn the_text_reads_back_sorted() {
        let entry = |path: &str, code: &str| Entry {
            path: path.into(),
            code: code.into(),
            name: String::new(),
            pointer: "/x".into(),
            fingerprint: "00".into(),
        };
        let baseline = Baseline::new(vec![entry("b.json", "IDP1"), entry("a.json", "IDP2")]);
        let text = baseline.to_text();
        assert!(text.find("a.json").unwrap() < text.find("b.json").unwrap());
        let read: Baseline = serde_json::from_str(&text).unwrap();
        assert_eq!(read, baseline);
        assert_eq!(
            Baseline::new(Vec::new()).to_text(),
            "{\n  \"version\": 1,\n  \"findings\": []\n}\n"
        );
    }
}
