//! Applying fixes: the edits of a file's findings, applied until nothing
//! changes, written in place atomically or shown as a unified diff.

#[cfg(feature = "cli")]
use std::path::Path;

use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::linter::{FileReport, Linter, SourceOptions};

/// The most rounds of lint-and-fix for one file: a fix can make another
/// finding appear (a renamed member with a wrong value), never a cycle.
pub const MAX_ROUNDS: usize = 8;

/// Which fixes to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    /// Safe fixes only (`--fix`).
    Safe,
    /// Safe and unsafe fixes (`--unsafe-fixes`).
    Unsafe,
}

impl FixMode {
    fn allows(self, applicability: Applicability) -> bool {
        self == FixMode::Unsafe || applicability == Applicability::Safe
    }
}

/// A file's text after fixing, with the report of what remains.
pub struct Fixed {
    /// The fixed text.
    pub text: String,
    /// The findings fixed, over all rounds.
    pub applied: usize,
    /// The report of the fixed text.
    pub report: FileReport,
    /// The edits applied in each round, each round's offsets in the text
    /// the round started from. Every byte of the fixed text outside these
    /// edits is a byte of the original.
    pub rounds: Vec<Vec<Edit>>,
}

/// Lints `text` and applies the fixes `mode` allows until none is left
/// (at most 8 times). A file that is not JSON is changed only
/// by a fix of its syntax error.
pub fn fix_text(
    linter: &Linter,
    name: &str,
    text: &str,
    options: &SourceOptions,
    mode: FixMode,
) -> Fixed {
    fix_text_sparing(linter, name, text, options, mode, &|_| false)
}

/// [`fix_text`], leaving alone the findings `spared` picks: those a
/// `[[suppress]]` entry accepts are not to be changed.
pub fn fix_text_sparing(
    linter: &Linter,
    name: &str,
    text: &str,
    options: &SourceOptions,
    mode: FixMode,
    spared: &dyn Fn(&Diagnostic) -> bool,
) -> Fixed {
    let mut text = text.to_string();
    let mut applied = 0;
    let mut rounds = Vec::new();
    let mut report = linter.lint_bytes(name, text.as_bytes(), options);
    for _ in 0..MAX_ROUNDS {
        let (edits, fixed) = chosen_edits(&report.diagnostics, mode, spared);
        if edits.is_empty() {
            break;
        }
        let candidate = apply(&text, &edits);
        let next = linter.lint_bytes(name, candidate.as_bytes(), options);
        // A container whose quoting the edits broke is left as it was.
        if broken(&next) > broken(&report) || next.payloads < report.payloads {
            break;
        }
        text = candidate;
        applied += fixed;
        report = next;
        rounds.push(edits);
    }
    Fixed {
        text,
        applied,
        report,
        rounds,
    }
}

/// Findings that say the file cannot be read as it is meant.
fn broken(report: &FileReport) -> usize {
    report
        .diagnostics
        .iter()
        .filter(|d| matches!(d.code, "IDP001" | "IDP012"))
        .count()
}

/// The edits of the fixes to apply in one round, and how many fixes they
/// are: whole fixes only, none overlapping another, in file order.
fn chosen_edits(
    diagnostics: &[Diagnostic],
    mode: FixMode,
    spared: &dyn Fn(&Diagnostic) -> bool,
) -> (Vec<Edit>, usize) {
    let syntax_error = diagnostics.iter().any(|d| d.code == "IDP001");
    let mut fixes: Vec<&crate::diagnostic::Fix> = diagnostics
        .iter()
        .filter(|d| !syntax_error || d.code == "IDP001")
        .filter(|d| !spared(d))
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| mode.allows(f.applicability))
        .collect();
    fixes.sort_by_key(|f| f.edits.first().map(|e| e.span.offset));
    let mut edits: Vec<Edit> = Vec::new();
    let mut taken = 0;
    for fix in fixes {
        let clashes = fix.edits.iter().any(|e| {
            edits.iter().any(|t| {
                e.span.offset < t.span.offset + t.span.length.max(1)
                    && t.span.offset < e.span.offset + e.span.length.max(1)
            })
        });
        if !clashes {
            edits.extend(fix.edits.iter().cloned());
            taken += 1;
        }
    }
    edits.sort_by_key(|e| e.span.offset);
    (edits, taken)
}

/// `text` with `edits` (sorted, not overlapping) applied.
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        let start = edit.span.offset.max(at);
        out.push_str(&text[at..start]);
        out.push_str(&edit.replacement);
        at = edit.span.offset + edit.span.length;
    }
    out.push_str(&text[at.min(text.len())..]);
    out
}

/// A unified diff from `before` to `after`, with the file's name in its
/// header, as `git diff` prints one.
pub fn unified_diff(name: &str, before: &str, after: &str) -> String {
    let name = name.trim_start_matches("./").trim_start_matches('/');
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Writes `text` to `path` atomically: a temporary file in the same
/// directory, with the file's permissions, renamed over it.
#[cfg(feature = "cli")]
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let permissions = std::fs::metadata(path)?.permissions();
    let mut temporary = tempfile::NamedTempFile::new_in(dir)?;
    temporary.write_all(text.as_bytes())?;
    temporary.as_file().sync_all()?;
    std::fs::set_permissions(temporary.path(), permissions)?;
    temporary.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Span;

    fn edit(offset: usize, length: usize, replacement: &str) -> Edit {
        Edit {
            span: Span { offset, length },
            replacement: replacement.to_string(),
        }
    }

    #[test]
    fn edits_change_only_their_bytes() {
        let text = "{\"enabled\": \"true\", \"type\": \"OIDC\"}";
        let edits = [edit(12, 6, "true"), edit(28, 6, "\"oidc\"")];
        assert_eq!(
            apply(text, &edits),
            "{\"enabled\": true, \"type\": \"oidc\"}"
        );
        assert_eq!(apply(text, &[]), text);
    }
}
