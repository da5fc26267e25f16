//! Decoded text with a byte map back to the file it came from.
//!
//! A body inside a container (a curl argument, a Markdown fence, a Postman
//! `body.raw` string) is not the file's bytes: quotes are removed, escapes
//! decoded, variables spliced in. [`Decoded`] keeps, for every byte of the
//! decoded text, the bytes of the source that produced it, so a finding on
//! the body is placed on the source.

use std::ops::Range;

/// A run of decoded bytes and the source bytes they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Bytes of the decoded text.
    pub out: Range<usize>,
    /// Bytes of the source.
    pub src: Range<usize>,
    /// True when the bytes were copied: decoded byte `out.start + i` is
    /// source byte `src.start + i`. Otherwise (an escape, a spliced
    /// variable, a synthesized byte) every decoded byte of the segment
    /// stands for the whole `src` range, which may be empty (a point).
    pub verbatim: bool,
}

/// A template variable in the decoded text (`${NAME}`, `$NAME`, `{{name}}`,
/// `$(command)`), whose value is unknown unless substituted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hole {
    /// Its bytes in the decoded text (the variable as written, `${NAME}`).
    pub out: Range<usize>,
    /// The variable's name (`NAME`; the whole command for `$(…)`).
    pub name: String,
}

/// Text decoded from a source, with the map of where each byte came from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// Sorted by `out`, contiguous, covering `0..text.len()`.
    pub segments: Vec<Segment>,
    /// Sorted by `out`; template variables in `text`.
    pub holes: Vec<Hole>,
}

impl Decoded {
    /// An empty text whose map will be built with the `push_` methods.
    pub fn new() -> Self {
        Self::default()
    }

    /// A text copied verbatim from `src` at `offset`.
    pub fn verbatim(text: &str, offset: usize) -> Self {
        let mut d = Self::new();
        d.push_verbatim(text, offset);
        d
    }

    /// Appends `text`, copied from the source at `src_offset`.
    pub fn push_verbatim(&mut self, text: &str, src_offset: usize) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        let out = start..self.text.len();
        let src = src_offset..src_offset + text.len();
        if let Some(last) = self.segments.last_mut() {
            if last.verbatim && last.out.end == out.start && last.src.end == src.start {
                last.out.end = out.end;
                last.src.end = src.end;
                return;
            }
        }
        self.segments.push(Segment {
            out,
            src,
            verbatim: true,
        });
    }

    /// Appends `text` standing for the whole source range `src`: an escape
    /// (`\"` → `"`), a synthesized byte (empty `src`), a substituted value.
    pub fn push_mapped(&mut self, text: &str, src: Range<usize>) {
        if text.is_empty() {
            return;
        }
        let start = self.text.len();
        self.text.push_str(text);
        self.segments.push(Segment {
            out: start..self.text.len(),
            src,
            verbatim: false,
        });
    }

    /// Appends a template variable written as `text` (`${NAME}`) whose
    /// source is `src`; it is mapped as a whole.
    pub fn push_hole(&mut self, text: &str, name: &str, src: Range<usize>) {
        let start = self.text.len();
        self.push_mapped(text, src);
        self.holes.push(Hole {
            out: start..self.text.len(),
            name: name.to_string(),
        });
    }

    /// Appends another decoded text (already mapped into the same source).
    pub fn append(&mut self, other: &Decoded) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        for s in &other.segments {
            let out = base + s.out.start..base + s.out.end;
            match self.segments.last_mut() {
                Some(last)
                    if s.verbatim
                        && last.verbatim
                        && last.out.end == out.start
                        && last.src.end == s.src.start =>
                {
                    last.out.end = out.end;
                    last.src.end = s.src.end;
                }
                _ => self.segments.push(Segment {
                    out,
                    src: s.src.clone(),
                    verbatim: s.verbatim,
                }),
            }
        }
        self.holes.extend(other.holes.iter().map(|h| Hole {
            out: base + h.out.start..base + h.out.end,
            name: h.name.clone(),
        }));
    }

    /// The index of the segment holding decoded byte `at` (the last one
    /// when `at` is the end of the text).
    fn segment_at(&self, at: usize) -> Option<&Segment> {
        let i = self.segments.partition_point(|s| s.out.end <= at);
        self.segments.get(i).or(self.segments.last())
    }

    /// The source offset where decoded byte `at` starts.
    pub fn src_start(&self, at: usize) -> usize {
        match self.segment_at(at) {
            None => 0,
            Some(s) if at >= s.out.end => s.src.end,
            Some(s) if s.verbatim => s.src.start + (at - s.out.start),
            Some(s) => s.src.start,
        }
    }

    /// The source offset where decoded byte `at` ends (`at` is the last
    /// byte of a span, not one past it).
    fn src_end_of_byte(&self, at: usize) -> usize {
        match self.segment_at(at) {
            None => 0,
            Some(s) if s.verbatim => s.src.start + (at - s.out.start) + 1,
            Some(s) => s.src.end,
        }
    }

    /// The source range that decoded bytes `range` came from: from the
    /// start of the first byte's source to the end of the last byte's. An
    /// empty range maps to a point.
    pub fn map_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.src_start(range.start);
        if range.end <= range.start {
            return start..start;
        }
        let end = self.src_end_of_byte(range.end - 1).max(start);
        start..end
    }

    /// Re-maps this text, whose `src` offsets are offsets into
    /// `outer.text`, onto `outer`'s source: a body found in a Markdown
    /// fence's content is mapped onto the Markdown file.
    pub fn compose(&self, outer: &Decoded) -> Decoded {
        let mut out = Decoded {
            text: self.text.clone(),
            segments: Vec::with_capacity(self.segments.len()),
            holes: self.holes.clone(),
        };
        for s in &self.segments {
            if !s.verbatim {
                out.segments.push(Segment {
                    out: s.out.clone(),
                    src: outer.map_range(s.src.clone()),
                    verbatim: false,
                });
                continue;
            }
            // A copied run may cross several of the outer segments: split it.
            let mut at = s.out.start;
            while at < s.out.end {
                let inner_src = s.src.start + (at - s.out.start);
                let Some(o) = outer.segment_at(inner_src) else {
                    break;
                };
                let take = (o.out.end.saturating_sub(inner_src))
                    .min(s.out.end - at)
                    .max(1);
                let piece = at..at + take;
                if o.verbatim {
                    let src = o.src.start + (inner_src - o.out.start);
                    out.segments.push(Segment {
                        out: piece,
                        src: src..src + take,
                        verbatim: true,
                    });
                } else {
                    out.segments.push(Segment {
                        out: piece,
                        src: o.src.clone(),
                        verbatim: false,
                    });
                }
                at += take;
            }
        }
        out
    }

    /// Checks the map's invariants; for tests.
    #[cfg(test)]
    pub fn is_well_formed(&self) -> bool {
        let mut at = 0;
        for s in &self.segments {
            if s.out.start != at || s.out.end < s.out.start {
                return false;
            }
            if s.verbatim && s.out.len() != s.src.len() {
                return false;
            }
            at = s.out.end;
        }
        at == self.text.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_escape_maps_to_all_its_bytes() {
        // source: '{"a":"x\"y"}' decoded from a shell double-quoted string
        let src = r#"{\"a\":1}"#;
        let mut d = Decoded::new();
        d.push_verbatim("{", 0);
        d.push_mapped("\"", 1..3);
        d.push_verbatim("a", 3);
        d.push_mapped("\"", 4..6);
        d.push_verbatim(":1}", 6);
        assert!(d.is_well_formed());
        assert_eq!(d.text, r#"{"a":1}"#);
        // the key `"a"` (decoded 1..4) covers `\"a\"` in the source
        assert_eq!(d.map_range(1..4), 1..6);
        assert_eq!(&src[d.map_range(1..4)], r#"\"a\""#);
        // the value `1`
        assert_eq!(&src[d.map_range(5..6)], "1");
        assert_eq!(d.map_range(5..5), 7..7);
    }

    #[test]
    fn maps_compose_across_fence_lines() {
        // A Markdown list item: the fence content is every line minus "  ".
        let md = "- x\n  ```json\n  {\"a\":\n  1}\n  ```\n";
        let mut fence = Decoded::new();
        fence.push_verbatim("{\"a\":\n", 16);
        fence.push_verbatim("1}\n", 24);
        assert_eq!(&md[16..22], "{\"a\":\n");
        assert_eq!(&md[24..27], "1}\n");
        // a body that is the fence's text from byte 1
        let mut body = Decoded::new();
        body.push_verbatim(&fence.text[1..8], 1);
        let composed = body.compose(&fence);
        assert!(composed.is_well_formed());
        assert_eq!(composed.text, "\"a\":\n1}");
        assert_eq!(&md[composed.map_range(0..3)], "\"a\"");
        assert_eq!(&md[composed.map_range(5..6)], "1");
        assert_eq!(composed.map_range(0..7), 17..26);
    }
}
