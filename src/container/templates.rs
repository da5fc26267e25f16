//! Template variables in a body: substituted when their value is known
//! (`--var`, `--env-file`, `[vars]`, a Postman or `.http` file's own
//! definitions), otherwise kept: inside a JSON string the variable stays the
//! string's text (IDP010 says its format is not checked); standing for a
//! whole value (`"tenantIds": [${IDS}]`) it becomes a `null` of unknown
//! type, so the body still parses and no rule judges that value.

use std::collections::HashMap;
use std::ops::Range;

use super::map::{Decoded, Hole};

/// Known values of template variables, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables(HashMap<String, String>);

impl Variables {
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name`, replacing an earlier value.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }

    /// Sets `name` unless it already has a value: for definitions of lower
    /// precedence (a file's own definitions under the command line's).
    pub fn set_default(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.entry(name.into()).or_insert_with(|| value.into());
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Every name and value, sorted by name.
    pub fn into_pairs(self) -> Vec<(String, String)> {
        let mut pairs: Vec<_> = self.0.into_iter().collect();
        pairs.sort();
        pairs
    }

    /// Reads a dotenv file's text: `NAME=value` lines, `export NAME=value`,
    /// values in single or double quotes, `#` comments. Returns the line
    /// numbers (1-based) of lines that are none of these.
    pub fn read_dotenv(&mut self, text: &str) -> Vec<usize> {
        let mut bad = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let line = line.strip_prefix("export ").unwrap_or(line).trim_start();
            let Some((name, value)) = line.split_once('=') else {
                bad.push(number + 1);
                continue;
            };
            let name = name.trim();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                bad.push(number + 1);
                continue;
            }
            let value = value.trim();
            let value = if value.len() >= 2
                && ((value.starts_with('"') && value.ends_with('"'))
                    || (value.starts_with('\'') && value.ends_with('\'')))
            {
                &value[1..value.len() - 1]
            } else {
                // An unquoted value ends at a comment.
                value.split(" #").next().unwrap_or(value).trim_end()
            };
            self.set(name, value);
        }
        bad
    }
}

/// A body with its variables filled in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub body: Decoded,
    /// Ranges of `body.text` that stand for a whole value of unknown type
    /// (a `null` put in place of the variable), with the variable as written.
    pub whole_values: Vec<(Range<usize>, String)>,
    /// Ranges of `body.text` filled in with a known value.
    pub substituted: Vec<Range<usize>>,
}

/// Fills the holes of `body` from `variables` (see the module's docs).
pub fn fill(body: &Decoded, variables: &Variables) -> Filled {
    let mut filled = Filled {
        body: Decoded::new(),
        whole_values: Vec::new(),
        substituted: Vec::new(),
    };
    if body.holes.is_empty() {
        filled.body = body.clone();
        return filled;
    }
    let text = &body.text;
    let mut scan = JsonStrings::default();
    let mut at = 0;
    for hole in &body.holes {
        if hole.out.start < at || text.get(hole.out.clone()).is_none() {
            continue;
        }
        copy_range(body, at..hole.out.start, &mut filled.body);
        scan.feed(&text.as_bytes()[at..hole.out.start]);
        let written = &text[hole.out.clone()];
        let src = body.map_range(hole.out.clone());
        let start = filled.body.text.len();
        match (variables.get(&hole.name), scan.in_string) {
            (Some(value), true) => {
                let escaped = serde_json::to_string(value).unwrap_or_default();
                let inner = escaped
                    .get(1..escaped.len().saturating_sub(1))
                    .unwrap_or("");
                filled.body.push_mapped(inner, src);
                filled.substituted.push(start..filled.body.text.len());
            }
            (Some(value), false) => {
                filled.body.push_mapped(value, src);
                filled.substituted.push(start..filled.body.text.len());
            }
            (None, true) => {
                filled.body.push_hole(written, &hole.name, src);
            }
            (None, false) => {
                filled.body.push_mapped("null", src);
                filled
                    .whole_values
                    .push((start..filled.body.text.len(), written.to_string()));
            }
        }
        at = hole.out.end;
    }
    copy_range(body, at..text.len(), &mut filled.body);
    filled
}

/// The template variables written in `text` — `{{name}}` (`{{ name }}`,
/// `{{$guid}}`, `{{$dotenv X}}`) and, with `dollar`, `${NAME}` — as their
/// ranges and names (the trimmed inside). A variable does not span lines.
pub fn written_variables(text: &str, dollar: bool) -> Vec<(Range<usize>, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(k) = bytes[at..]
        .windows(2)
        .position(|w| w == b"{{" || (dollar && w == b"${"))
    {
        let open = at + k;
        let close_mark = if bytes[open] == b'$' { "}" } else { "}}" };
        let Some(k) = text[open + 2..].find(close_mark) else {
            break;
        };
        let close = open + 2 + k;
        let inner = &text[open + 2..close];
        // `{{a {{b}}`: the variable is the last opening's.
        if let Some(again) = inner.rfind("{{").or_else(|| inner.rfind("${")) {
            at = open + 2 + again;
            continue;
        }
        let name = inner.trim();
        if name.is_empty() || inner.contains(['\n', '\r', '"']) {
            at = close.max(open + 2);
            continue;
        }
        out.push((open..close + close_mark.len(), name.to_string()));
        at = close + close_mark.len();
    }
    out
}

/// Marks the template variables written in a body's text as holes, where
/// the extractor did not already: a JSON fence or a Postman body is plain
/// text to its container. `dollar` takes `${NAME}` as well as `{{name}}`.
pub fn mark_holes(body: &mut Decoded, dollar: bool) {
    let mut found = written_variables(&body.text, dollar);
    if found.is_empty() {
        return;
    }
    // Both lists are sorted: one pass drops what the extractor already marked.
    let mut known = body.holes.iter().map(|h| h.out.clone()).peekable();
    found.retain(|(out, _)| {
        while known.next_if(|k| k.end <= out.start).is_some() {}
        known.peek().is_none_or(|k| k.start >= out.end)
    });
    body.holes
        .extend(found.into_iter().map(|(out, name)| Hole { out, name }));
    body.holes.sort_by_key(|h| h.out.start);
}

/// `body` with its `{{name}}` variables marked as holes (`.http` files and
/// Postman collections, whose variables are written so).
pub fn with_holes(mut body: Decoded) -> Decoded {
    mark_holes(&mut body, false);
    body
}

/// Appends `range` of `from`'s text, with its map, to `to`; the range holds
/// no hole (the ranges between holes are copied).
fn copy_range(from: &Decoded, range: Range<usize>, to: &mut Decoded) {
    if range.is_empty() {
        return;
    }
    let first = from.segments.partition_point(|s| s.out.end <= range.start);
    for s in &from.segments[first..] {
        if s.out.start >= range.end {
            break;
        }
        let piece = s.out.start.max(range.start)..s.out.end.min(range.end);
        let Some(text) = from.text.get(piece.clone()) else {
            continue;
        };
        if s.verbatim {
            to.push_verbatim(text, s.src.start + (piece.start - s.out.start));
        } else {
            to.push_mapped(text, s.src.clone());
        }
    }
}

/// Whether a scan of JSON text is inside a string.
#[derive(Debug, Default)]
struct JsonStrings {
    in_string: bool,
    escaped: bool,
}

impl JsonStrings {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.in_string {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                }
            } else if b == b'"' {
                self.in_string = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(text: &str) -> Decoded {
        let mut d = Decoded::verbatim(text, 100);
        mark_holes(&mut d, true);
        d
    }

    #[test]
    fn a_variable_for_a_whole_value_becomes_null() {
        let b = body(r#"{"tenantIds": [${IDS}], "interactive": {{flag}}, "name": "${NAME}"}"#);
        assert_eq!(b.holes.len(), 3);
        let filled = fill(&b, &Variables::new());
        assert!(filled.body.is_well_formed());
        assert_eq!(
            filled.body.text,
            r#"{"tenantIds": [null], "interactive": null, "name": "${NAME}"}"#
        );
        assert_eq!(filled.whole_values.len(), 2);
        assert_eq!(filled.whole_values[0].1, "${IDS}");
        // `null` stands for the whole `${IDS}` in the source.
        let (range, _) = &filled.whole_values[0];
        assert_eq!(filled.body.map_range(range.clone()), 115..121);
        // The string's variable stays a hole at its own bytes.
        assert_eq!(filled.body.holes.len(), 1);
        let name = filled.body.holes[0].out.clone();
        assert_eq!(&filled.body.text[name.clone()], "${NAME}");
        assert_eq!(filled.body.map_range(name), 158..165);
    }

    #[test]
    fn known_values_are_substituted_and_escaped_in_strings() {
        let b = body(r#"{"description": "for ${TEAM}", "clockToleranceSec": ${SKEW}}"#);
        let mut vars = Variables::new();
        vars.set("TEAM", "R&D \"core\"");
        vars.set("SKEW", "30");
        let filled = fill(&b, &vars);
        assert_eq!(
            filled.body.text,
            r#"{"description": "for R&D \"core\"", "clockToleranceSec": 30}"#
        );
        assert!(filled.whole_values.is_empty());
        assert_eq!(filled.substituted.len(), 2);
        serde_json::from_str::<serde_json::Value>(&filled.body.text).unwrap();
    }

    #[test]
    fn written_variables_are_found_as_people_write_them() {
        let found = |t: &str, dollar| {
            written_variables(t, dollar)
                .into_iter()
                .map(|(r, n)| (t[r].to_string(), n))
                .collect::<Vec<_>>()
        };
        let pairs = |list: &[(&str, &str)]| {
            list.iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            found(
                "{{a}} {{ b.c }} {{$dotenv X}} {{$guid}} {{}} {{x\ny}} {{p {{q}} {{open",
                false
            ),
            pairs(&[
                ("{{a}}", "a"),
                ("{{ b.c }}", "b.c"),
                ("{{$dotenv X}}", "$dotenv X"),
                ("{{$guid}}", "$guid"),
                ("{{q}}", "q"),
            ])
        );
        assert!(found("{{{{", false).is_empty());
        assert_eq!(
            found("[${IDS}], \"${NAME}\", {{flag}}", true),
            pairs(&[("${IDS}", "IDS"), ("${NAME}", "NAME"), ("{{flag}}", "flag")])
        );
        assert!(found("${IDS}", false).is_empty());
    }

    #[test]
    fn dotenv_files_are_read_as_people_write_them() {
        let mut vars = Variables::new();
        let bad = vars.read_dotenv(
            "# tenant\nTENANT=acme.eu.qlikcloud.com\nexport CLIENT_ID='0oa1b2c3'\nSECRET=\"x y\"\nnot a line\nSKEW=30 # seconds\n",
        );
        assert_eq!(bad, vec![5]);
        assert_eq!(vars.get("TENANT"), Some("acme.eu.qlikcloud.com"));
        assert_eq!(vars.get("CLIENT_ID"), Some("0oa1b2c3"));
        assert_eq!(vars.get("SECRET"), Some("x y"));
        assert_eq!(vars.get("SKEW"), Some("30"));
    }
}
