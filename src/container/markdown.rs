//! Code fences of a Markdown file, each with its content mapped back to the
//! file's bytes.
//!
//! pulldown-cmark finds the fences and gives every piece of their content a
//! byte range (one piece per line inside lists and blockquotes, after the
//! container prefixes). Fences that CommonMark reads as part of an HTML block
//! (`<details>` followed by a fence with no blank line between them) are
//! found by scanning the HTML block's lines here, since people write them and
//! expect them to be code.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::map::Decoded;

/// One fenced code block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// The first word of the info string, lower-cased, Pandoc's `{.bash}`
    /// unwrapped; empty when the fence has no info string.
    pub lang: String,
    /// Where the info string is written (a point after the fence characters
    /// when there is none).
    pub info_span: Range<usize>,
    /// The code, mapped to the file.
    pub content: Decoded,
    /// The whole fence, opening line to closing line.
    pub span: Range<usize>,
    /// An `<!-- idplint-skip -->` comment comes right before the fence.
    pub skip: bool,
}

const BOM: &str = "\u{feff}";

/// How far back from a fence an `<!-- idplint-skip -->` comment is looked for.
const SKIP_LOOKBACK: usize = 256;

/// Every fenced code block of `text`, in document order.
pub fn fences(text: &str) -> Vec<Fence> {
    // pulldown-cmark does not know the byte-order mark: a fence on the first
    // line would be read as a paragraph.
    let base = if text.starts_with(BOM) { BOM.len() } else { 0 };
    let body = &text[base..];
    let mut out = Vec::new();
    let mut open: Option<Open> = None;
    let mut html = Decoded::new();
    for (event, range) in Parser::new_ext(body, Options::empty()).into_offset_iter() {
        let range = range.start + base..range.end + base;
        if !matches!(event, Event::Html(_) | Event::InlineHtml(_)) && !html.text.is_empty() {
            html_fences(text, &std::mem::take(&mut html), &mut out);
        }
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                open = Some(Open {
                    lang: lang_of(&info),
                    info_span: info_span(text, range.start),
                    content: Decoded::new(),
                    span: range,
                });
            }
            Event::Text(t) => {
                if let Some(o) = open.as_mut() {
                    push_piece(&mut o.content, text, &t, range);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(o) = open.take() {
                    let skip = skip_before(text, o.span.start);
                    out.push(Fence {
                        lang: o.lang,
                        info_span: o.info_span,
                        content: o.content,
                        span: o.span,
                        skip,
                    });
                }
            }
            Event::Html(t) | Event::InlineHtml(t) => push_piece(&mut html, text, &t, range),
            _ => {}
        }
    }
    if !html.text.is_empty() {
        html_fences(text, &html, &mut out);
    }
    out.sort_by_key(|f| f.span.start);
    out
}

struct Open {
    lang: String,
    info_span: Range<usize>,
    content: Decoded,
    span: Range<usize>,
}

/// Appends an event's text: copied when it is the file's bytes at its range,
/// else (a tab's synthesized spaces, the `\n` of a CRLF) standing for it.
fn push_piece(d: &mut Decoded, text: &str, piece: &str, range: Range<usize>) {
    if text.get(range.clone()) == Some(piece) {
        d.push_verbatim(piece, range.start);
    } else {
        let start = range.start.min(text.len());
        let end = range.end.clamp(start, text.len());
        d.push_mapped(piece, start..end);
    }
}

/// The language of an info string: its first word, lower-cased; `{.json}`,
/// `{json}` and `{.json .numberLines}` give `json`.
pub fn lang_of(info: &str) -> String {
    let info = info.trim();
    let word = if let Some(inner) = info.strip_prefix('{') {
        let inner = inner.trim_start();
        let word = inner
            .split(|c: char| c.is_whitespace() || c == '}')
            .next()
            .unwrap_or("");
        word.strip_prefix('.').unwrap_or(word)
    } else {
        info.split(|c: char| c.is_whitespace() || c == '{')
            .next()
            .unwrap_or("")
    };
    word.to_lowercase()
}

/// The info string's bytes on the opening line that starts (after container
/// prefixes) at `at`: after the fence characters, trimmed.
fn info_span(text: &str, at: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let line_end = memchr_nl(bytes, at);
    let mut i = at;
    while i < line_end && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    let fence = bytes.get(i).copied();
    while i < line_end && Some(bytes[i]) == fence && matches!(bytes[i], b'`' | b'~') {
        i += 1;
    }
    while i < line_end && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    let mut end = line_end;
    while end > i && matches!(bytes[end - 1], b' ' | b'\t' | b'\r') {
        end -= 1;
    }
    i..end
}

/// The offset of the next `\n` at or after `at`, or the end of the text.
fn memchr_nl(bytes: &[u8], at: usize) -> usize {
    let at = at.min(bytes.len());
    bytes[at..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |i| at + i)
}

/// True when the text right before `at` (ignoring blank space and quote
/// markers) is an `<!-- idplint-skip -->` comment.
fn skip_before(text: &str, at: usize) -> bool {
    let before = text.get(..at).unwrap_or("");
    let before = before.trim_end_matches(|c: char| c.is_whitespace() || c == '>' || c == '-');
    // `-->` was trimmed with the dashes: look for the comment's opening.
    let mut from = before.len().saturating_sub(SKIP_LOOKBACK);
    while !before.is_char_boundary(from) {
        from -= 1;
    }
    let window = &before[from..];
    let Some(open) = window.rfind("<!--") else {
        return false;
    };
    let tail = &text[from + open + 4..at];
    let Some(close) = tail.find("-->") else {
        return false;
    };
    tail[..close].trim() == "idplint-skip"
        && tail[close + 3..]
            .chars()
            .all(|c| c.is_whitespace() || c == '>')
}

/// Fences written inside an HTML block: lines opening with ``` or ~~~ at
/// any indentation, up to a closing line of the same kind or the end of the
/// block. `html` is the block's text, mapped to `text`.
fn html_fences(text: &str, html: &Decoded, out: &mut Vec<Fence>) {
    let h = html.text.as_str();
    // A commented-out example is not code on the page.
    if h.trim_start().starts_with("<!--") {
        return;
    }
    let mut lines = Lines { text: h, at: 0 };
    while let Some(line) = lines.next() {
        let Some(opening) = fence_line(&h[line.clone()]) else {
            continue;
        };
        let info = &h[line.clone()][opening.info.clone()];
        if opening.ch == b'`' && info.contains('`') {
            continue;
        }
        let mut content = Decoded::new();
        let mut end = h.len();
        for inner in lines.by_ref() {
            let raw = &h[inner.clone()];
            if let Some(closing) = fence_line(raw) {
                if closing.ch == opening.ch && closing.len >= opening.len && closing.info.is_empty()
                {
                    end = inner.start + raw.trim_end_matches(['\r', '\n']).len();
                    break;
                }
            }
            // Strip up to the opening fence's indentation.
            let strip = raw
                .bytes()
                .take(opening.indent)
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            content.push_verbatim(&raw[strip..], inner.start + strip);
        }
        let info_in_html = line.start + opening.info.start..line.start + opening.info.end;
        let span = html.map_range(line.start..end.max(line.start));
        out.push(Fence {
            lang: lang_of(info),
            info_span: html.map_range(info_in_html),
            content: content.compose(html),
            skip: skip_before(text, span.start),
            span,
        });
    }
}

/// Lines of a text with their line ends, as ranges.
struct Lines<'a> {
    text: &'a str,
    at: usize,
}

impl Iterator for Lines<'_> {
    type Item = Range<usize>;

    fn next(&mut self) -> Option<Range<usize>> {
        if self.at >= self.text.len() {
            return None;
        }
        let start = self.at;
        self.at = memchr_nl(self.text.as_bytes(), start)
            .saturating_add(1)
            .min(self.text.len());
        Some(start..self.at)
    }
}

struct FenceLine {
    ch: u8,
    len: usize,
    indent: usize,
    /// The info string within the line, trimmed.
    info: Range<usize>,
}

/// A line opening or closing a fence: indentation, three or more backticks
/// or tildes, then an info string.
fn fence_line(line: &str) -> Option<FenceLine> {
    let b = line.as_bytes();
    let indent = b.iter().take_while(|c| matches!(c, b' ' | b'\t')).count();
    let ch = *b.get(indent)?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = b[indent..].iter().take_while(|&&c| c == ch).count();
    if len < 3 {
        return None;
    }
    let mut start = indent + len;
    while start < b.len() && matches!(b[start], b' ' | b'\t') {
        start += 1;
    }
    let mut end = b.len();
    while end > start && matches!(b[end - 1], b' ' | b'\t' | b'\r' | b'\n') {
        end -= 1;
    }
    Some(FenceLine {
        ch,
        len,
        indent,
        info: start..end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Asserts that every occurrence of `needle` in the fence content maps to
    /// the same bytes in the file.
    fn assert_maps(text: &str, fence: &Fence, needle: &str) {
        assert!(fence.content.is_well_formed());
        let at = fence
            .content
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {:?}", fence.content.text));
        let src = fence.content.map_range(at..at + needle.len());
        assert_eq!(&text[src], needle, "in {:?}", fence.content.text);
    }

    fn one(text: &str) -> Fence {
        let mut all = fences(text);
        assert_eq!(all.len(), 1, "{all:#?}");
        all.remove(0)
    }

    #[test]
    fn backtick_and_tilde_fences_at_the_top_level() {
        let text = "# Title\n\n```json\n{\n  \"protocol\": \"jwtAuth\"\n}\n```\n\n~~~bash\ncurl -X POST https://x\n~~~\n";
        let all = fences(text);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].lang, "json");
        assert_eq!(&text[all[0].info_span.clone()], "json");
        assert_eq!(all[0].content.text, "{\n  \"protocol\": \"jwtAuth\"\n}\n");
        assert_eq!(
            &text[all[0].span.clone()],
            "```json\n{\n  \"protocol\": \"jwtAuth\"\n}\n```"
        );
        assert_maps(text, &all[0], "\"jwtAuth\"");
        assert_eq!(all[1].lang, "bash");
        assert_eq!(all[1].content.text, "curl -X POST https://x\n");
        assert_maps(text, &all[1], "https://x");
        assert!(!all[0].skip && !all[1].skip);
    }

    #[test]
    fn a_four_backtick_fence_holds_a_three_backtick_one() {
        let text = "````markdown\n```json\n{\"a\": 1}\n```\n````\n";
        let f = one(text);
        assert_eq!(f.lang, "markdown");
        assert_eq!(f.content.text, "```json\n{\"a\": 1}\n```\n");
        assert_maps(text, &f, "{\"a\": 1}");
    }

    #[test]
    fn fences_in_list_items_are_mapped_line_by_line() {
        for indent in ["  ", "    "] {
            let marker = if indent.len() == 2 { "- " } else { "1.  " };
            let text = format!(
                "{marker}Create the IdP:\n\n{indent}```json\n{indent}{{\n{indent}  \"protocol\": \"OIDC\",\n{indent}  \"interactive\": true\n{indent}}}\n{indent}```\n"
            );
            let f = one(&text);
            assert_eq!(f.lang, "json");
            assert_eq!(
                f.content.text, "{\n  \"protocol\": \"OIDC\",\n  \"interactive\": true\n}\n",
                "{text:?}"
            );
            assert_maps(&text, &f, "\"OIDC\"");
            assert_maps(&text, &f, "true");
            // a range across lines maps from its first to its last byte
            let at = f.content.text.find("\"OIDC\"").unwrap();
            let end = f.content.text.find("true").unwrap() + 4;
            let src = f.content.map_range(at..end);
            assert_eq!(
                &text[src],
                format!("\"OIDC\",\n{indent}  \"interactive\": true")
            );
            assert_eq!(&text[f.info_span.clone()], "json");
        }
    }

    #[test]
    fn a_fence_in_a_blockquote() {
        let text =
            "> Note:\n>\n> ```json\n> {\"name\": \"x\",\n>  \"protocol\": \"jwtAuth\"}\n> ```\n";
        let f = one(text);
        assert_eq!(f.lang, "json");
        assert_eq!(
            f.content.text,
            "{\"name\": \"x\",\n \"protocol\": \"jwtAuth\"}\n"
        );
        assert_maps(text, &f, "\"jwtAuth\"");
        assert_maps(text, &f, "\"x\",\n");
        assert_eq!(&text[f.info_span.clone()], "json");
    }

    #[test]
    fn a_fence_in_details_with_a_blank_line() {
        let text = "<details>\n  <summary>JWT IdP</summary>\n\n  ```json\n  {\"protocol\": \"jwtAuth\"}\n  ```\n</details>\n";
        let f = one(text);
        assert_eq!(f.lang, "json");
        assert_eq!(f.content.text, "{\"protocol\": \"jwtAuth\"}\n");
        assert_maps(text, &f, "\"jwtAuth\"");
    }

    #[test]
    fn a_fence_in_details_without_a_blank_line_is_still_found() {
        let text = "<details>\n<summary>Body</summary>\n  ```json\n  {\n    \"protocol\": \"jwtAuth\"\n  }\n  ```\n</details>\n\nAfter.\n";
        let f = one(text);
        assert_eq!(f.lang, "json");
        assert_eq!(f.content.text, "{\n  \"protocol\": \"jwtAuth\"\n}\n");
        assert_maps(text, &f, "\"jwtAuth\"");
        assert_eq!(&text[f.info_span.clone()], "json");
        assert_eq!(
            &text[f.span.clone()],
            "  ```json\n  {\n    \"protocol\": \"jwtAuth\"\n  }\n  ```"
        );
    }

    #[test]
    fn a_fence_in_details_inside_a_list_item() {
        let text = "1. Step\n   <details>\n   ```json\n   {\"a\": \"b\"}\n   ```\n   </details>\n";
        let f = one(text);
        assert_eq!(f.content.text, "{\"a\": \"b\"}\n");
        assert_maps(text, &f, "\"b\"");
    }

    #[test]
    fn a_crlf_file() {
        let text = "Intro\r\n\r\n```json\r\n{\r\n  \"protocol\": \"OIDC\"\r\n}\r\n```\r\n";
        let f = one(text);
        assert_eq!(f.lang, "json");
        assert_eq!(&text[f.info_span.clone()], "json");
        assert_eq!(f.content.text, "{\n  \"protocol\": \"OIDC\"\n}\n");
        assert!(f
            .content
            .segments
            .iter()
            .all(|s| text[s.src.clone()].trim_end_matches(['\r', '\n']).len() <= s.out.len()));
        assert_maps(text, &f, "\"OIDC\"");
        let line = f.content.text.find("  \"protocol").unwrap();
        let src = f.content.map_range(0..line);
        assert!(text[src].starts_with('{'));
    }

    #[test]
    fn a_crlf_details_block_and_a_commented_out_fence() {
        let text = "<details>\r\n  ```json\r\n  {\"a\":\r\n   \"b\"}\r\n  ```\r\n</details>\r\n";
        let f = one(text);
        assert_eq!(f.lang, "json");
        assert_eq!(f.content.text.replace('\r', ""), "{\"a\":\n \"b\"}\n");
        assert_maps(text, &f, "\"b\"}");
        assert_eq!(&text[f.info_span.clone()], "json");
        let text = "<!--\n```json\n{\"old\": 1}\n```\n-->\n\n```json\n{}\n```\n";
        assert_eq!(one(text).content.text, "{}\n");
    }

    #[test]
    fn a_crlf_list_item() {
        let text = "- x\r\n\r\n  ```json\r\n  {\"a\":\r\n  1}\r\n  ```\r\n";
        let f = one(text);
        assert_eq!(f.content.text.replace('\r', ""), "{\"a\":\n1}\n");
        assert_maps(text, &f, "1}");
        assert_maps(text, &f, "{\"a\":");
    }

    #[test]
    fn a_bom_before_the_first_fence() {
        let text = "\u{feff}```json\n{\"a\": 1}\n```\n";
        let f = one(text);
        assert_eq!(f.lang, "json");
        assert_eq!(f.span.start, 3);
        assert_maps(text, &f, "{\"a\": 1}");
    }

    #[test]
    fn tab_indentation_in_a_list() {
        let text = "-\t```json\n\t{\"a\": 1}\n\t```\n";
        let f = one(text);
        assert!(f.content.is_well_formed());
        assert!(
            f.content.text.contains("{\"a\": 1}"),
            "{:?}",
            f.content.text
        );
        assert_maps(text, &f, "{\"a\": 1}");
        // a partly used tab: synthesized spaces map to a point
        let text = ">\t\t```json\n>\t\t{\"b\": 2}\n";
        for f in fences(text) {
            assert!(f.content.is_well_formed());
            if let Some(at) = f.content.text.find("{\"b\": 2}") {
                assert_eq!(&text[f.content.map_range(at..at + 8)], "{\"b\": 2}");
            }
        }
    }

    #[test]
    fn info_strings() {
        for (info, lang) in [
            ("json title=\"x\"", "json"),
            ("{.json}", "json"),
            ("{.bash .numberLines}", "bash"),
            ("JSON", "json"),
            ("", ""),
            ("  Json  ", "json"),
        ] {
            let text = format!("```{info}\n{{}}\n```\n");
            let f = one(&text);
            assert_eq!(f.lang, lang, "{info:?}");
            assert_eq!(&text[f.info_span.clone()], info.trim());
        }
    }

    #[test]
    fn an_unclosed_fence_runs_to_the_end() {
        let text = "Text\n\n```json\n{\"a\": 1}\n";
        let f = one(text);
        assert_eq!(f.content.text, "{\"a\": 1}\n");
        assert_maps(text, &f, "1}");
        let text = "<details>\n```json\n{\"a\": 2}";
        let f = one(text);
        assert_eq!(f.content.text, "{\"a\": 2}");
        assert_maps(text, &f, "2}");
    }

    #[test]
    fn indented_code_blocks_are_ignored() {
        assert!(fences("Para\n\n    {\"a\": 1}\n").is_empty());
    }

    #[test]
    fn skip_comments() {
        let text = "<!-- idplint-skip -->\n```json\n{}\n```\n\n```json\n{}\n```\n\n<!-- idplint-skip -->\n\n<details>\n```json\n{}\n```\n</details>\n";
        let all = fences(text);
        assert_eq!(
            all.iter().map(|f| f.skip).collect::<Vec<_>>(),
            [true, false, false]
        );
        let text = "<!-- other -->\n```json\n{}\n```\n<!---->\n```json\n{}\n```\n";
        assert!(fences(text).iter().all(|f| !f.skip));
    }

    #[test]
    fn runbook() {
        let text = "\
# Rotating the JWT IdP

1. Get a token:

   ```bash
   curl -s https://tenant.eu.qlikcloud.com/api/v1/identity-providers \\
     -H \"Authorization: Bearer $TOKEN\"
   ```

2. Create the IdP with this body:

   ```json title=\"idp.json\"
   {
     \"tenantIds\": [\"Zürich-01\"],
     \"protocol\": \"jwtAuth\",
     \"options\": {\"issuer\": \"é-issuer\"}
   }
   ```

3. Done.
";
        let all = fences(text);
        assert_eq!(all.len(), 2);
        assert_eq!(all[0].lang, "bash");
        assert_maps(text, &all[0], "\"Authorization: Bearer $TOKEN\"");
        assert_eq!(all[1].lang, "json");
        assert_eq!(&text[all[1].info_span.clone()], "json title=\"idp.json\"");
        assert!(all[1].content.text.starts_with("{\n  \"tenantIds\""));
        assert_maps(text, &all[1], "\"é-issuer\"");
        assert_maps(text, &all[1], "[\"Zürich-01\"]");
        let v: serde_json::Value = serde_json::from_str(&all[1].content.text).unwrap();
        assert_eq!(v["protocol"], "jwtAuth");
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for text in [
            "",
            "```",
            "\u{feff}",
            "<!--",
            "<!-->\n```\n",
            "-->```",
            "<div>\n```\n```\n~~~~\n",
            "> - > ```json\n> - > {}\n",
            "\t\t```\n\t\tx",
            "- ```\r\n\r",
            "<details>\n```a`b\n```\n",
        ] {
            for f in fences(text) {
                assert!(f.content.is_well_formed(), "{text:?}");
                assert!(f.span.end <= text.len() && f.info_span.end <= text.len());
                let _ = f.content.map_range(0..f.content.text.len());
            }
        }
    }

    /// Every copied piece of every fence is the file's bytes.
    fn check(text: &str) {
        for f in fences(text) {
            assert!(f.content.is_well_formed(), "{text:?}");
            assert!(text.get(f.span.clone()).is_some(), "{text:?} {f:?}");
            assert!(text.get(f.info_span.clone()).is_some(), "{text:?} {f:?}");
            for s in &f.content.segments {
                assert!(text.get(s.src.clone()).is_some(), "{text:?} {f:?}");
                if s.verbatim {
                    assert_eq!(&f.content.text[s.out.clone()], &text[s.src.clone()]);
                }
            }
        }
    }

    #[test]
    fn big_documents_are_linear() {
        let docs = [
            "- item\n\n  ```json\n  {\"a\": 1}\n  ```\n\n".repeat(25_000),
            format!(
                "<details>\n{}</details>\n",
                "```json\n{\"a\": 1}\n```\n".repeat(60_000)
            ),
            format!("{}```json\n", "<!-- idplint-skip -->\n".repeat(50_000)),
            format!("```json\n{}```\n", "> x\n".repeat(250_000)),
            format!("{}\n```json\n{{}}\n```\n", "-".repeat(1_000_000)),
            "> ```\n".repeat(150_000),
        ];
        for doc in docs {
            let start = std::time::Instant::now();
            let all = fences(&doc);
            assert!(!all.is_empty());
            assert!(start.elapsed().as_secs() < 10, "{}", &doc[..40]);
        }
    }

    proptest! {
        #[test]
        fn any_input_maps_without_panicking(text in any::<String>()) {
            check(&text);
        }

        #[test]
        fn markdown_like_inputs_map_without_panicking(
            text in "(```|~~~|````|json|\\{\\.json\\}|<details>|</details>|<!-- idplint-skip -->|- |1\\. |> |  |    |\t|\n|\r\n|\r|x|é|\u{feff})*"
        ) {
            check(&text);
        }
    }
}
