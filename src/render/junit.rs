//! `--format junit`: a JUnit XML report for CI test-report viewers (GitLab
//! merge-request widgets, Jenkins, GitHub test-reporter actions).
//!
//! One `<testsuite name="idplint">` holds a `<testcase>` per file
//! (`name` and `file` are the repository-relative path, `classname` is
//! `idplint`). What each file gets:
//!
//! - errors, or warnings when warnings fail the run (`--deny-warnings`, or
//!   more than `--max-warnings`): one `<failure>` whose `type` is the first
//!   such finding's code and whose `message` is that finding (with the count
//!   of the others); its text lists every finding of the file, one
//!   `path:line:col: severity CODE name: message` line each, with the help
//!   below. One element, because GitLab, Jenkins and the GitHub reporters
//!   read only the first `<failure>` of a test case; the text keeps the rest
//!   visible.
//! - findings that do not fail the run (infos; warnings unless they fail
//!   it): a passing test case with the findings in `<system-out>`;
//! - skipped (not an identity-provider payload): `<skipped message="…"/>`;
//! - unreadable: `<error type="io" message="…"/>`.
//!
//! So the counts agree with the run's [`Ending`]: `failures` is 0 exactly
//! when no finding fails the run, `errors` when every input was read.
//!
//! Text and attributes are XML-escaped; characters XML 1.0 cannot carry
//! (control characters other than tab and line breaks) become U+FFFD.

use super::{ci_path, CiOptions, Ending, Report};
use crate::diagnostic::{Diagnostic, Severity};
use crate::linter::FileReport;

/// The report as a JUnit XML document, with a trailing newline; `ending`
/// says whether warnings fail the run.
pub fn render_junit(report: &Report, options: &CiOptions, ending: &Ending) -> String {
    let mut counts = Counts::default();
    let cases: String = report
        .files
        .iter()
        .map(|file| testcase(file, options, ending, &mut counts))
        .collect();
    let counts = format!(
        "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"0\"",
        report.files.len(),
        counts.failures,
        counts.errors,
        counts.skipped
    );
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites name=\"idplint\" {counts}>\n"));
    out.push_str(&format!("  <testsuite name=\"idplint\" {counts}"));
    if cases.is_empty() {
        out.push_str("/>\n");
    } else {
        out.push_str(">\n");
        out.push_str(&cases);
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// The test cases that failed, could not be read, or were skipped.
#[derive(Default)]
struct Counts {
    failures: usize,
    errors: usize,
    skipped: usize,
}

/// A file's `<testcase>` element, counted in `counts`.
fn testcase(
    file: &FileReport,
    options: &CiOptions,
    ending: &Ending,
    counts: &mut Counts,
) -> String {
    let fails = |d: &&Diagnostic| {
        d.severity == Severity::Error || (d.severity == Severity::Warning && ending.warnings_fail())
    };
    let path = ci_path(&file.path, options).text();
    let mut case = format!(
        "    <testcase name=\"{0}\" classname=\"idplint\" file=\"{0}\" time=\"0\"",
        attr(&path)
    );
    let mut body = String::new();
    if let Some(error) = &file.error {
        counts.errors += 1;
        body.push_str(&format!(
            "      <error type=\"io\" message=\"{}\"/>\n",
            attr(error)
        ));
    }
    if let Some(reason) = &file.skipped {
        counts.skipped += 1;
        body.push_str(&format!("      <skipped message=\"{}\"/>\n", attr(reason)));
    }
    let listing: String = file
        .diagnostics
        .iter()
        .map(|d| finding_line(&path, d))
        .collect();
    let failing: Vec<&Diagnostic> = file.diagnostics.iter().filter(fails).collect();
    if !failing.is_empty() {
        counts.failures += 1;
        body.push_str(&failure(&failing, &listing));
    } else if !listing.is_empty() {
        body.push_str(&format!(
            "      <system-out>{}</system-out>\n",
            text(&listing)
        ));
    }
    if body.is_empty() {
        case.push_str("/>\n");
    } else {
        case.push_str(">\n");
        case.push_str(&body);
        case.push_str("    </testcase>\n");
    }
    case
}

/// The `<failure>` of a file whose `failing` findings (at least one) fail
/// the run: the first one's code and message, and the file's `listing`.
fn failure(failing: &[&Diagnostic], listing: &str) -> String {
    let Some(first) = failing.first() else {
        return String::new();
    };
    let mut message = format!("{} {}", first.code, first.message);
    if failing.len() > 1 {
        let all_errors = failing.iter().all(|d| d.severity == Severity::Error);
        let more = if all_errors { "errors" } else { "findings" };
        message.push_str(&format!(" (and {} more {more})", failing.len() - 1));
    }
    format!(
        "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
        attr(first.code),
        attr(&message),
        text(listing)
    )
}

/// `path:line:col: severity CODE name: message`, then the help, indented.
fn finding_line(path: &str, d: &Diagnostic) -> String {
    let mut line = format!(
        "{path}:{}:{}: {} {} {}: {}\n",
        d.start.line, d.start.column, d.severity, d.code, d.name, d.message
    );
    if let Some(help) = &d.help {
        line.push_str(&format!("  help: {help}\n"));
    }
    line
}

/// A character XML 1.0 allows.
fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Escapes element text.
pub(crate) fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// Escapes an attribute value (in double quotes), keeping line breaks and
/// tabs through attribute-value normalisation.
pub(crate) fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        assert_eq!(text("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
        assert_eq!(text("\"q\" 'a'"), "\"q\" 'a'");
        assert_eq!(text("bell\u{7}\u{0}"), "bell\u{FFFD}\u{FFFD}");
        assert_eq!(attr("\"x\" & 'y'"), "&quot;x&quot; &amp; &apos;y&apos;");
        assert_eq!(attr("a\nb\tc\r"), "a&#10;b&#9;c&#13;");
        assert_eq!(attr("]]>"), "]]&gt;");
        assert_eq!(text("ü€😀"), "ü€😀");
    }
}
