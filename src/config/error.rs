//! A problem with the configuration file, reported on the file itself.

use std::fmt;
use std::ops::Range;
use std::sync::Arc;

use miette::{LabeledSpan, SourceSpan};

use crate::render::excerpt::{visible, Excerpt, FileLines};
use crate::source::LineIndex;

/// One problem in a configuration file: a message, and where it is when the
/// file could be read (a label at the exact bytes of the offending key or
/// value).
#[derive(Debug, Clone)]
pub struct ConfigError {
    /// What is wrong, lower-case, no trailing period.
    pub message: String,
    /// The bytes of the file the problem is about.
    pub span: Option<Range<usize>>,
    /// What the label at the span says.
    pub label: String,
    /// What to do, imperative.
    pub help: Option<String>,
    /// The excerpt drawn under the message, and the label's span in it.
    source: Option<(Excerpt, SourceSpan)>,
}

impl ConfigError {
    /// A problem at `span` in `text`, the file named `name`.
    pub(crate) fn at(
        name: &str,
        text: &Arc<str>,
        span: Option<Range<usize>>,
        message: impl Into<String>,
        label: impl Into<String>,
    ) -> Self {
        let span = span.map(|s| unquoted(text, s));
        let source = span.as_ref().map(|s| {
            let lines = FileLines::new(text);
            let at = SourceSpan::new(s.start.into(), s.len());
            let position = LineIndex::new(text, 0).position(text, s.start);
            let excerpt = Excerpt::new(name, &lines, &[(at, position)]);
            let shown = excerpt.shown_span(&lines, at);
            (excerpt, shown)
        });
        Self {
            message: message.into(),
            span,
            label: label.into(),
            help: None,
            source,
        }
    }

    /// A problem with the file as a whole (it cannot be read).
    pub(crate) fn file(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            span: None,
            label: String::new(),
            help: None,
            source: None,
        }
    }

    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// The span of a string's contents rather than its quotes, so that the label
/// points at the code itself.
fn unquoted(text: &str, span: Range<usize>) -> Range<usize> {
    let Some(token) = text.get(span.clone()) else {
        return span;
    };
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if token.len() >= 2 * quote.len() && token.starts_with(quote) && token.ends_with(quote) {
            return span.start + quote.len()..span.end - quote.len();
        }
    }
    span
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&visible(&self.message))
    }
}

impl std::error::Error for ConfigError {}

impl miette::Diagnostic for ConfigError {
    fn severity(&self) -> Option<miette::Severity> {
        Some(miette::Severity::Error)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source
            .as_ref()
            .map(|(excerpt, _)| excerpt as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, shown) = self.source.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(visible(&self.label).into_owned()), *shown),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_fall_inside_the_quotes() {
        let text = r#"ignore = ["IDP999", 'IDP998']"#;
        assert_eq!(unquoted(text, 10..18), 11..17);
        assert_eq!(unquoted(text, 20..28), 21..27);
        assert_eq!(unquoted(text, 0..6), 0..6);
    }
}
