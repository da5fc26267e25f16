//! Shell containers: `curl` commands (and `qlik identity-provider …`,
//! PowerShell's `Invoke-RestMethod`) in POSIX shell, Windows `cmd` and
//! PowerShell text, their request bodies decoded byte-exactly as the shell
//! and the program would see them, with a byte map back to the script.
//!
//! Three hand-written lexers, one per dialect, turn the text into commands
//! made of words; every word is a [`Decoded`] whose bytes map to the source.
//! A single interpreter then reads the curl (or qlik, or PowerShell) options
//! of each command. Expansions (`$VAR`, `${VAR}`, `$(…)`, `%VAR%`,
//! `$env:VAR`) are holes: their text is the variable as written.
//!
//! Every lexer is linear: each byte is looked at a bounded number of times,
//! an unterminated construct runs to the end of its scope instead of being
//! retried, and nesting deeper than [`MAX_DEPTH`] is skipped flatly.

use std::ops::Range;

use super::map::{Decoded, Hole};
use super::request::{Body, Extracted, Problem, Request};

/// The shell a text is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// sh, bash, zsh.
    Posix,
    /// Windows `cmd.exe` (and the Microsoft C runtime's argument rules).
    Cmd,
    /// Windows PowerShell and PowerShell 7.
    PowerShell,
}

/// The dialect a generic shell text looks written for.
pub fn sniff(text: &str) -> Dialect {
    let (mut caret, mut tick, mut backslash) = (0usize, 0usize, 0usize);
    for line in text.lines() {
        let end = line.trim_end();
        if end == "^" || end.ends_with(" ^") {
            caret += 1;
        } else if end == "`" || end.ends_with(" `") {
            tick += 1;
        } else if end.ends_with(" \\") {
            backslash += 1;
        }
        let start = line.trim_start();
        if start.starts_with("PS>") || (start.starts_with("PS ") && prompt_len(start).is_some()) {
            tick += 1;
        } else if is_drive_prompt(start) {
            caret += 1;
        }
    }
    if caret > tick && caret > backslash {
        Dialect::Cmd
    } else if tick > caret && tick > backslash {
        Dialect::PowerShell
    } else {
        Dialect::Posix
    }
}

/// Finds the requests in `text`; every range in the result is a byte range
/// of `text`.
///
/// With `console`, the text is a terminal session: commands follow a prompt
/// (`$ `, `% `, `> `, `PS> `, `PS C:\…> `, `C:\…>`, `user@host:~$ `), other
/// lines are output and skipped; continuation prompts (`> `, `>> `) at the
/// start of a continued line are skipped too.
pub fn extract(text: &str, dialect: Dialect, console: bool) -> Extracted {
    let cmds = match dialect {
        Dialect::Posix => {
            let mut sh = Sh::new(text, console);
            sh.list(None);
            sh.cmds
        }
        Dialect::Cmd => lex_cmd(text, console),
        Dialect::PowerShell => {
            let mut ps = Ps::new(text, console);
            ps.list(None);
            ps.cmds
        }
    };
    interpret(text, dialect, &cmds)
}

// ---------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------

/// How deep `$(…)`, `(…)` and `{…}` are lexed as commands; deeper nesting
/// is skipped by counting brackets (hostile input must not overflow the
/// stack).
const MAX_DEPTH: usize = 48;

/// One argument of a command, decoded.
#[derive(Debug, Clone, Default)]
struct Word {
    d: Decoded,
    /// The word as written, quotes included.
    span: Range<usize>,
    /// Not a plain string: a PowerShell expression or script block.
    opaque: bool,
    /// A quote or substitution in it is not closed.
    unterminated: bool,
    /// The whole word is `$(cat <<EOF …)`, `"$(cat file)"`, `$(echo …)`:
    /// what the command substitution outputs.
    subst: Option<Input>,
}

/// What a command reads or prints: text, or a file's content.
#[derive(Debug, Clone)]
enum Input {
    Text(Decoded),
    File { path: String, span: Range<usize> },
}

/// One simple command.
#[derive(Debug, Clone, Default)]
struct Cmd {
    words: Vec<Word>,
    span: Range<usize>,
    /// Its standard input: a here-document, a here-string, `< file`.
    stdin: Option<Input>,
    /// The command whose output is piped into this one (POSIX only).
    piped_from: Option<usize>,
    /// Problems in this command; reported only if it matters for a request.
    problems: Vec<Problem>,
}

fn problem(span: Range<usize>, message: String, help: &str) -> Problem {
    Problem {
        span,
        message,
        help: Some(help.to_string()),
    }
}

fn unterminated_problem(start: usize, end: usize, what: &str) -> Problem {
    problem(
        start..end,
        format!(
            "unterminated {what}: the shell reads the rest of the text as part of this command"
        ),
        "close it; until then the request's body cannot be read",
    )
}

fn char_at(s: &str, at: usize) -> Option<char> {
    s.get(at..).and_then(|rest| rest.chars().next())
}

fn push_char(d: &mut Decoded, c: char, src: Range<usize>) {
    let mut buf = [0u8; 4];
    d.push_mapped(c.encode_utf8(&mut buf), src);
}

/// Pushes source bytes `range` verbatim (nothing if it is not a char range).
fn push_src(d: &mut Decoded, s: &str, range: Range<usize>) {
    if let Some(t) = s.get(range.clone()) {
        d.push_verbatim(t, range.start);
    }
}

/// The length of the line break at `at` (`\n` or `\r\n`), or 0.
fn newline_len(b: &[u8], at: usize) -> usize {
    match b.get(at) {
        Some(b'\n') => 1,
        Some(b'\r') if b.get(at + 1) == Some(&b'\n') => 2,
        _ => 0,
    }
}

/// The offset of the next `\n` at or after `from`, or the end.
fn line_end(b: &[u8], from: usize) -> usize {
    b.get(from..)
        .and_then(|rest| rest.iter().position(|&c| c == b'\n'))
        .map_or(b.len(), |k| from + k)
}

/// The offset of the first byte at or after `from` for which `stop` holds.
fn find(b: &[u8], from: usize, stop: impl Fn(u8) -> bool) -> Option<usize> {
    b.get(from..)
        .and_then(|rest| rest.iter().position(|&c| stop(c)))
        .map(|k| from + k)
}

fn is_name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The end of the run of name characters starting at `from`.
fn name_end(b: &[u8], from: usize) -> usize {
    find(b, from, |c| !is_name_char(c)).unwrap_or(b.len())
}

fn is_drive_prompt(line: &str) -> bool {
    let b = line.as_bytes();
    b.len() > 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\' && line.contains('>')
}

/// The length of a terminal prompt at the start of `line`.
fn prompt_len(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let after = |k: usize| k + 1 + usize::from(b.get(k + 1) == Some(&b' '));
    for p in ["$ ", "% ", ">> ", "> ", "PS> "] {
        if line.starts_with(p) {
            return Some(p.len());
        }
    }
    if line == "$" || line == "%" || line == ">" || line == "PS>" {
        return Some(line.len());
    }
    if line.starts_with("PS ") || is_drive_prompt(line) {
        return line.find('>').map(after);
    }
    // `user@host:~/dir$ `, `root@host:/# `, `[user@host dir]$ `
    let k = line.find("$ ").or_else(|| line.find("# "))?;
    let prefix = line.get(..k)?;
    let bracketed = prefix.starts_with('[') && prefix.ends_with(']');
    let plain = prefix.contains('@')
        && !prefix.contains(|c: char| c.is_whitespace() || "\"'{}()<>;|&$".contains(c));
    (bracketed || plain).then_some(k + 2)
}

// ---------------------------------------------------------------------------
// Decoded helpers
// ---------------------------------------------------------------------------

/// The decoded bytes from `from` on (a char boundary), with their map.
fn suffix(d: &Decoded, from: usize) -> Decoded {
    let mut out = Decoded::new();
    if from > d.text.len() || !d.text.is_char_boundary(from) {
        return out;
    }
    for s in &d.segments {
        if s.out.end <= from {
            continue;
        }
        let a = s.out.start.max(from);
        let Some(t) = d.text.get(a..s.out.end) else {
            continue;
        };
        if s.verbatim {
            out.push_verbatim(t, s.src.start + (a - s.out.start));
        } else {
            out.push_mapped(t, s.src.clone());
        }
    }
    for h in &d.holes {
        if h.out.start >= from {
            out.holes.push(Hole {
                out: h.out.start - from..h.out.end - from,
                name: h.name.clone(),
            });
        }
    }
    out
}

/// The first `len` decoded bytes (a char boundary), with their map.
fn prefix(d: &Decoded, len: usize) -> Decoded {
    let mut out = Decoded::new();
    for s in &d.segments {
        if s.out.start >= len {
            break;
        }
        let Some(t) = d.text.get(s.out.start..s.out.end.min(len)) else {
            continue;
        };
        if s.verbatim {
            out.push_verbatim(t, s.src.start);
        } else {
            out.push_mapped(t, s.src.clone());
        }
    }
    out.holes = d
        .holes
        .iter()
        .filter(|h| h.out.end <= len)
        .cloned()
        .collect();
    out
}

/// Without the trailing newlines (what a command substitution removes).
fn trim_trailing_newlines(d: &Decoded) -> Decoded {
    prefix(d, d.text.trim_end_matches('\n').len())
}

/// Without CR and LF bytes (what curl removes from `-d @file`).
fn strip_crlf(d: &Decoded) -> Decoded {
    let mut out = Decoded::new();
    let mut removed: Vec<usize> = Vec::new();
    for s in &d.segments {
        let Some(t) = d.text.get(s.out.clone()) else {
            continue;
        };
        if s.verbatim {
            let mut run = 0;
            for (i, c) in t.bytes().enumerate() {
                if c == b'\r' || c == b'\n' {
                    if let Some(piece) = t.get(run..i) {
                        out.push_verbatim(piece, s.src.start + run);
                    }
                    removed.push(s.out.start + i);
                    run = i + 1;
                }
            }
            if let Some(piece) = t.get(run..) {
                out.push_verbatim(piece, s.src.start + run);
            }
        } else {
            for (i, c) in t.bytes().enumerate() {
                if c == b'\r' || c == b'\n' {
                    removed.push(s.out.start + i);
                }
            }
            let kept: String = t.chars().filter(|&c| c != '\r' && c != '\n').collect();
            out.push_mapped(&kept, s.src.clone());
        }
    }
    let moved = |at: usize| at - removed.partition_point(|&r| r < at);
    for h in &d.holes {
        let out_range = moved(h.out.start)..moved(h.out.end);
        if !out_range.is_empty() {
            out.holes.push(Hole {
                out: out_range,
                name: h.name.clone(),
            });
        }
    }
    out
}

/// The source range of the whole decoded text.
fn whole(d: &Decoded) -> Range<usize> {
    d.map_range(0..d.text.len())
}

/// The source range of the whole decoded text, or `fallback` (the word as
/// written) when it decodes to nothing (`''`).
fn whole_or(d: &Decoded, fallback: &Range<usize>) -> Range<usize> {
    if d.segments.is_empty() {
        fallback.clone()
    } else {
        whole(d)
    }
}

/// True when the word is nothing but one variable (`$body`, `"$JSON"`).
fn is_lone_hole(d: &Decoded) -> bool {
    d.holes.len() == 1 && d.holes.first().is_some_and(|h| h.out == (0..d.text.len()))
}

// ---------------------------------------------------------------------------
// POSIX sh / bash
// ---------------------------------------------------------------------------

/// A here-document whose body starts after the next line break.
struct PendingHeredoc {
    slot: usize,
    delim: String,
    strip_tabs: bool,
    expand: bool,
    redirect: Range<usize>,
}

/// The result of scanning a `$…` expansion without lexing its content.
struct Expansion {
    end: usize,
    name: String,
    closed: bool,
}

/// `$NAME`, `${…}`, `$(…)`, `$((…))`, `$1`, `$@` at `at` (a `$`), looked
/// for before `limit`; `$(…)` is matched by counting parentheses.
fn expansion(s: &str, at: usize, limit: usize) -> Option<Expansion> {
    let b = s.as_bytes().get(..limit)?;
    let next = *b.get(at + 1)?;
    let inner = |from: usize, to: usize| s.get(from..to).unwrap_or("").trim().to_string();
    match next {
        b'{' | b'(' => {
            let (open, close) = if next == b'{' {
                (b'{', b'}')
            } else {
                (b'(', b')')
            };
            let mut depth = 1usize;
            let mut j = at + 2;
            while let Some(&c) = b.get(j) {
                if c == b'\\' {
                    j += 1 + char_at(s, j + 1).map_or(0, char::len_utf8);
                    continue;
                }
                if c == open {
                    depth += 1;
                } else if c == close {
                    depth -= 1;
                    if depth == 0 {
                        let name = if next == b'{' {
                            let from =
                                at + 2 + usize::from(matches!(b.get(at + 2), Some(b'#' | b'!')));
                            let end = name_end(b, from);
                            if end > from {
                                inner(from, end)
                            } else {
                                inner(at + 2, j)
                            }
                        } else {
                            inner(at + 2, j)
                        };
                        return Some(Expansion {
                            end: j + 1,
                            name,
                            closed: true,
                        });
                    }
                }
                j += 1;
            }
            Some(Expansion {
                end: b.len(),
                name: inner(at + 2, b.len()),
                closed: false,
            })
        }
        c if is_name_start(c) => {
            let end = name_end(b, at + 1);
            Some(Expansion {
                end,
                name: inner(at + 1, end),
                closed: true,
            })
        }
        c if c.is_ascii_digit() || b"@*#?$!-".contains(&c) => Some(Expansion {
            end: at + 2,
            name: (c as char).to_string(),
            closed: true,
        }),
        _ => None,
    }
}

/// The end of a `` `…` `` command substitution at `at`, and whether it is
/// closed.
fn backtick_end(b: &[u8], at: usize, limit: usize) -> (usize, bool) {
    let mut j = at + 1;
    while j < limit {
        match b.get(j) {
            Some(b'\\') => j += 2,
            Some(b'`') => return (j + 1, true),
            _ => j += 1,
        }
    }
    (limit, false)
}

/// Reads a decoded ANSI-C escape (`$'…'`).
enum AnsiEscape {
    Char(char),
    Byte(u8),
    Literal,
    End,
}

fn hex_run(b: &[u8], from: usize, max: usize, radix: u32) -> (u32, usize) {
    let mut value = 0u32;
    let mut n = 0;
    while n < max {
        let Some(d) = b.get(from + n).and_then(|&c| (c as char).to_digit(radix)) else {
            break;
        };
        value = value.wrapping_mul(radix).wrapping_add(d);
        n += 1;
    }
    (value, n)
}

fn ansi_escape(s: &str, i: usize) -> (AnsiEscape, usize) {
    let b = s.as_bytes();
    let Some(&e) = b.get(i + 1) else {
        return (AnsiEscape::End, 1);
    };
    let simple = match e {
        b'n' => Some('\n'),
        b't' => Some('\t'),
        b'r' => Some('\r'),
        b'a' => Some('\x07'),
        b'b' => Some('\x08'),
        b'e' | b'E' => Some('\x1b'),
        b'f' => Some('\x0c'),
        b'v' => Some('\x0b'),
        b'\\' | b'\'' | b'"' | b'?' => Some(e as char),
        _ => None,
    };
    if let Some(c) = simple {
        return (AnsiEscape::Char(c), 2);
    }
    let byte = |v: u32| {
        let v = (v & 0xff) as u8;
        if v < 0x80 {
            AnsiEscape::Char(v as char)
        } else {
            AnsiEscape::Byte(v)
        }
    };
    match e {
        b'x' => match hex_run(b, i + 2, 2, 16) {
            (_, 0) => (AnsiEscape::Literal, 2),
            (v, n) => (byte(v), 2 + n),
        },
        b'u' | b'U' => {
            let max = if e == b'u' { 4 } else { 8 };
            match hex_run(b, i + 2, max, 16) {
                (_, 0) => (AnsiEscape::Literal, 2),
                (v, n) => (
                    AnsiEscape::Char(char::from_u32(v).unwrap_or('\u{fffd}')),
                    2 + n,
                ),
            }
        }
        b'0'..=b'7' => {
            let (v, n) = hex_run(b, i + 1, 3, 8);
            (byte(v), 1 + n)
        }
        b'c' => match b.get(i + 2) {
            Some(&c) if c.is_ascii() && c != b'\'' => (AnsiEscape::Char((c & 0x1f) as char), 3),
            _ => (AnsiEscape::Literal, 2),
        },
        _ => (
            AnsiEscape::Literal,
            1 + char_at(s, i + 1).map_or(1, char::len_utf8),
        ),
    }
}

struct Sh<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    console: bool,
    depth: usize,
    cmds: Vec<Cmd>,
    pending: Vec<PendingHeredoc>,
    /// Problems of the command being read.
    problems: Vec<Problem>,
    /// What the last `$(…)` read prints, when it is simple.
    subst: Option<Input>,
}

impl<'a> Sh<'a> {
    fn new(s: &'a str, console: bool) -> Self {
        Sh {
            s,
            b: s.as_bytes(),
            pos: 0,
            console,
            depth: 0,
            cmds: Vec::new(),
            pending: Vec::new(),
            problems: Vec::new(),
            subst: None,
        }
    }

    fn peek(&self, k: usize) -> Option<u8> {
        self.b.get(self.pos + k).copied()
    }

    fn verbatim(&self, d: &mut Decoded, range: Range<usize>) {
        push_src(d, self.s, range);
    }

    /// In a terminal session, the `> ` continuation prompt at a line start.
    fn skip_ps2(&mut self) {
        if self.console && self.b.get(self.pos..).is_some_and(|r| r.starts_with(b"> ")) {
            self.pos += 2;
        }
    }

    /// The length of a backslash-newline at the cursor, or 0.
    fn continuation(&self) -> usize {
        if self.peek(0) == Some(b'\\') {
            let n = newline_len(self.b, self.pos + 1);
            if n > 0 {
                return 1 + n;
            }
        }
        0
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.peek(0) {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'\r') if self.peek(1) != Some(b'\n') => self.pos += 1,
                Some(b'\\') => {
                    let n = self.continuation();
                    if n == 0 {
                        return;
                    }
                    self.pos += n;
                    self.skip_ps2();
                }
                _ => return,
            }
        }
    }

    /// In a terminal session: moves to the command after the next prompt,
    /// skipping output lines.
    fn prompt_line(&mut self) {
        while self.pos < self.b.len() {
            let end = line_end(self.b, self.pos);
            let line = self.s.get(self.pos..end).unwrap_or("");
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            if let Some(n) = line.get(indent..).and_then(prompt_len) {
                self.pos += indent + n;
                return;
            }
            self.pos = (end + 1).min(self.b.len());
        }
    }

    /// A command list, up to `close` (`)`) or the end; true if closed.
    fn list(&mut self, close: Option<u8>) -> bool {
        let top = close.is_none();
        let mut pipe: Option<usize> = None;
        let mut last: Option<usize> = None;
        if top && self.console {
            self.prompt_line();
        }
        loop {
            self.skip_blanks();
            let Some(c) = self.peek(0) else {
                return top;
            };
            let nl = newline_len(self.b, self.pos);
            if nl > 0 {
                self.pos += nl;
                self.read_heredocs();
                if top && self.console {
                    self.prompt_line();
                }
                continue;
            }
            match c {
                b'#' => self.pos = line_end(self.b, self.pos),
                b';' | b'&' => {
                    self.pos += 1;
                    pipe = None;
                }
                b'|' => {
                    self.pos += 1;
                    match self.peek(0) {
                        Some(b'|') => {
                            self.pos += 1;
                            pipe = None;
                        }
                        Some(b'&') => {
                            self.pos += 1;
                            pipe = last;
                        }
                        _ => pipe = last,
                    }
                }
                b')' => {
                    self.pos += 1;
                    if close == Some(b')') {
                        return true;
                    }
                }
                b'(' => {
                    self.pos += 1;
                    self.nested(b')');
                    pipe = None;
                }
                _ => {
                    let before = self.pos;
                    last = Some(self.command(pipe));
                    pipe = None;
                    if self.pos == before {
                        self.pos += char_at(self.s, self.pos).map_or(1, char::len_utf8);
                    }
                }
            }
        }
    }

    /// A nested list (`$(…)`, `(…)`, `<(…)`); true if closed.
    fn nested(&mut self, close: u8) -> bool {
        if self.depth >= MAX_DEPTH {
            return self.skip_balanced(close);
        }
        self.depth += 1;
        let closed = self.list(Some(close));
        self.depth -= 1;
        closed
    }

    fn skip_balanced(&mut self, close: u8) -> bool {
        let open = if close == b')' { b'(' } else { b'{' };
        let mut depth = 1usize;
        while let Some(c) = self.peek(0) {
            self.pos += 1;
            if c == b'\\' {
                self.pos += char_at(self.s, self.pos).map_or(0, char::len_utf8);
            } else if c == open {
                depth += 1;
            } else if c == close {
                depth -= 1;
                if depth == 0 {
                    return true;
                }
            }
        }
        false
    }

    /// `<PLACEHOLDER>` at `at`: its length (read as part of a word, as its
    /// author meant, not as two redirections).
    fn placeholder_len(&self, at: usize) -> Option<usize> {
        if self.b.get(at) != Some(&b'<') || !self.b.get(at + 1)?.is_ascii_alphabetic() {
            return None;
        }
        let end = find(self.b, at + 1, |c| {
            !(c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        })?;
        (self.b.get(end) == Some(&b'>') && end - at <= 64).then_some(end + 1 - at)
    }

    /// One simple command; returns its slot in `cmds`.
    fn command(&mut self, pipe: Option<usize>) -> usize {
        let slot = self.cmds.len();
        self.cmds.push(Cmd {
            piped_from: pipe,
            ..Cmd::default()
        });
        let saved = std::mem::take(&mut self.problems);
        let start = self.pos;
        let mut end = self.pos;
        let mut words = Vec::new();
        loop {
            self.skip_blanks();
            let Some(c) = self.peek(0) else {
                break;
            };
            if newline_len(self.b, self.pos) > 0 {
                break;
            }
            match c {
                b';' | b'|' | b')' | b'(' => break,
                b'&' if self.peek(1) != Some(b'>') => break,
                b'#' => {
                    self.pos = line_end(self.b, self.pos);
                    break;
                }
                b'<' | b'>' | b'&' if self.placeholder_len(self.pos).is_none() => {
                    self.redirect(slot)
                }
                b'0'..=b'9' if self.fd_redirect() => self.redirect(slot),
                _ => words.push(self.word()),
            }
            end = self.pos;
        }
        let problems = std::mem::replace(&mut self.problems, saved);
        if let Some(cmd) = self.cmds.get_mut(slot) {
            cmd.words = words;
            cmd.span = start..end;
            cmd.problems.extend(problems);
        }
        slot
    }

    /// Digits then `<` or `>` (`2>&1`): skips the digits.
    fn fd_redirect(&mut self) -> bool {
        let end = find(self.b, self.pos, |c| !c.is_ascii_digit()).unwrap_or(self.b.len());
        if matches!(self.b.get(end), Some(b'<' | b'>')) {
            self.pos = end;
            true
        } else {
            false
        }
    }

    fn set_stdin(&mut self, slot: usize, input: Input) {
        if let Some(cmd) = self.cmds.get_mut(slot) {
            cmd.stdin = Some(input);
        }
    }

    fn redirect(&mut self, slot: usize) {
        let start = self.pos;
        let rest = self.b.get(self.pos..).unwrap_or(&[]);
        if rest.starts_with(b"<<<") {
            self.pos += 3;
            self.skip_blanks();
            let w = self.word();
            if !w.unterminated && !w.span.is_empty() {
                let mut d = w.d;
                d.push_mapped("\n", w.span.end..w.span.end);
                self.set_stdin(slot, Input::Text(d));
            }
        } else if rest.starts_with(b"<<") {
            let strip_tabs = rest.get(2) == Some(&b'-');
            self.pos += if strip_tabs { 3 } else { 2 };
            self.skip_blanks();
            let w = self.word();
            let quoted = self
                .s
                .get(w.span.clone())
                .is_some_and(|t| t.contains(['\'', '"', '\\']));
            if !w.d.text.is_empty() {
                self.pending.push(PendingHeredoc {
                    slot,
                    delim: w.d.text,
                    strip_tabs,
                    expand: !quoted,
                    redirect: start..w.span.end,
                });
            }
        } else if rest.starts_with(b"<(") || rest.starts_with(b">(") {
            self.pos += 2;
            self.nested(b')');
        } else {
            let input =
                rest.first() == Some(&b'<') && !rest.starts_with(b"<&") && !rest.starts_with(b"<>");
            while matches!(self.peek(0), Some(b'<' | b'>' | b'&' | b'|')) {
                self.pos += 1;
            }
            self.skip_blanks();
            if self
                .peek(0)
                .is_some_and(|c| !b" \t\r\n;|&()<>".contains(&c))
            {
                let w = self.word();
                if input && !w.unterminated {
                    let span = whole_or(&w.d, &w.span);
                    self.set_stdin(
                        slot,
                        Input::File {
                            path: w.d.text,
                            span,
                        },
                    );
                }
            }
        }
    }

    /// Reads the bodies of the here-documents opened on the line just ended.
    fn read_heredocs(&mut self) {
        for h in std::mem::take(&mut self.pending) {
            let mut lines: Vec<Range<usize>> = Vec::new();
            let mut found = false;
            while self.pos < self.b.len() {
                let ls = self.pos;
                let le = line_end(self.b, ls);
                let next = (le + 1).min(self.b.len());
                let mut cs = ls;
                if self.console && self.b.get(cs..).is_some_and(|r| r.starts_with(b"> ")) {
                    cs += 2;
                }
                if h.strip_tabs {
                    cs = find(self.b, cs, |c| c != b'\t').unwrap_or(le).min(le);
                }
                let content = self.s.get(cs..le).unwrap_or("");
                let content = content.strip_suffix('\r').unwrap_or(content);
                self.pos = next;
                if content == h.delim {
                    found = true;
                    break;
                }
                lines.push(cs..next);
            }
            let Some(cmd) = self.cmds.get_mut(h.slot) else {
                continue;
            };
            if !found {
                cmd.problems.push(problem(
                    h.redirect.clone(),
                    format!("here-document has no end marker: no line `{}` follows it", h.delim),
                    "end the here-document with a line holding only its marker; the shell reads the rest of the text into it",
                ));
                continue;
            }
            let mut d = Decoded::new();
            for r in lines {
                if h.expand {
                    expand_heredoc_line(self.s, r, &mut d);
                } else {
                    push_src(&mut d, self.s, r);
                }
            }
            cmd.stdin = Some(Input::Text(d));
        }
    }

    /// One word, up to an unquoted blank or operator.
    fn word(&mut self) -> Word {
        let start = self.pos;
        let mut w = Word::default();
        self.subst = None;
        while let Some(c) = self.peek(0) {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'|' | b'(' | b')' => break,
                b'&' => {
                    // `?a=1&b=2` unquoted: read as the URL its author meant.
                    if self.pos > start && self.peek(1).is_some_and(|n| n.is_ascii_alphanumeric()) {
                        self.verbatim(&mut w.d, self.pos..self.pos + 1);
                        self.pos += 1;
                    } else {
                        break;
                    }
                }
                b'<' | b'>' => match self.placeholder_len(self.pos) {
                    Some(n) => {
                        self.verbatim(&mut w.d, self.pos..self.pos + n);
                        self.pos += n;
                    }
                    None => break,
                },
                b'\\' => {
                    let n = self.continuation();
                    if n > 0 {
                        self.pos += n;
                        self.skip_ps2();
                        continue;
                    }
                    match char_at(self.s, self.pos + 1) {
                        Some(ch) => {
                            let len = 1 + ch.len_utf8();
                            push_char(&mut w.d, ch, self.pos..self.pos + len);
                            self.pos += len;
                        }
                        None => {
                            self.verbatim(&mut w.d, self.pos..self.pos + 1);
                            self.pos += 1;
                        }
                    }
                }
                b'\'' => self.single(&mut w),
                b'"' => self.double(&mut w),
                b'$' => match self.peek(1) {
                    Some(b'\'') => self.ansi(&mut w),
                    Some(b'"') => {
                        self.pos += 1;
                        self.double(&mut w);
                    }
                    _ => {
                        if !self.dollar(&mut w) {
                            self.verbatim(&mut w.d, self.pos..self.pos + 1);
                            self.pos += 1;
                        }
                    }
                },
                b'`' => self.backtick(&mut w),
                _ => {
                    let end = find(self.b, self.pos, |c| b" \t\r\n;|()&<>\\'\"$`".contains(&c))
                        .unwrap_or(self.b.len())
                        .max(self.pos + 1);
                    self.verbatim(&mut w.d, self.pos..end);
                    self.pos = end;
                }
            }
        }
        w.span = start..self.pos;
        if let Some(input) = self.subst.take() {
            if is_lone_hole(&w.d) {
                w.subst = Some(input);
            }
        }
        w
    }

    fn unterminated(&mut self, w: &mut Word, start: usize, what: &str) {
        w.unterminated = true;
        self.problems
            .push(unterminated_problem(start, self.b.len(), what));
    }

    fn single(&mut self, w: &mut Word) {
        let q = self.pos;
        self.pos += 1;
        let console = self.console;
        loop {
            let from = self.pos;
            match find(self.b, from, |c| c == b'\'' || (console && c == b'\n')) {
                None => {
                    self.verbatim(&mut w.d, from..self.b.len());
                    self.pos = self.b.len();
                    self.unterminated(w, q, "single quote");
                    return;
                }
                Some(i) if self.b.get(i) == Some(&b'\'') => {
                    self.verbatim(&mut w.d, from..i);
                    self.pos = i + 1;
                    return;
                }
                Some(i) => {
                    self.verbatim(&mut w.d, from..i + 1);
                    self.pos = i + 1;
                    self.skip_ps2();
                }
            }
        }
    }

    fn double(&mut self, w: &mut Word) {
        let q = self.pos;
        self.pos += 1;
        let out0 = w.d.text.len();
        let holes0 = w.d.holes.len();
        let console = self.console;
        loop {
            let from = self.pos;
            let Some(i) = find(self.b, from, |c| {
                b"\"\\$`".contains(&c) || (console && c == b'\n')
            }) else {
                self.verbatim(&mut w.d, from..self.b.len());
                self.pos = self.b.len();
                self.unterminated(w, q, "double quote");
                return;
            };
            self.verbatim(&mut w.d, from..i);
            self.pos = i;
            match self.b.get(i) {
                Some(b'"') => {
                    self.pos += 1;
                    break;
                }
                Some(b'\\') => match self.peek(1) {
                    Some(c @ (b'$' | b'`' | b'"' | b'\\')) => {
                        push_char(&mut w.d, c as char, i..i + 2);
                        self.pos += 2;
                    }
                    _ => {
                        let n = newline_len(self.b, i + 1);
                        if n > 0 {
                            self.pos += 1 + n;
                            self.skip_ps2();
                        } else {
                            self.verbatim(&mut w.d, i..i + 1);
                            self.pos += 1;
                        }
                    }
                },
                Some(b'$') => {
                    if !self.dollar(w) {
                        self.verbatim(&mut w.d, i..i + 1);
                        self.pos += 1;
                    }
                }
                Some(b'`') => self.backtick(w),
                _ => {
                    self.verbatim(&mut w.d, i..i + 1);
                    self.pos += 1;
                    self.skip_ps2();
                }
            }
        }
        // A variable that is the whole quoted piece maps to its quotes too.
        let out = out0..w.d.text.len();
        if w.d.holes.len() == holes0 + 1 && w.d.holes.last().is_some_and(|h| h.out == out) {
            if let Some(seg) = w.d.segments.last_mut() {
                if !seg.verbatim && seg.out == out {
                    seg.src = q..self.pos;
                }
            }
        }
    }

    fn ansi(&mut self, w: &mut Word) {
        let q = self.pos;
        self.pos += 2;
        let console = self.console;
        let mut bytes: Vec<u8> = Vec::new();
        let mut bytes_src = 0..0;
        let flush = |d: &mut Decoded, bytes: &mut Vec<u8>, src: &Range<usize>| {
            if !bytes.is_empty() {
                d.push_mapped(&String::from_utf8_lossy(bytes), src.clone());
                bytes.clear();
            }
        };
        loop {
            let from = self.pos;
            let Some(i) = find(self.b, from, |c| {
                c == b'\'' || c == b'\\' || (console && c == b'\n')
            }) else {
                flush(&mut w.d, &mut bytes, &bytes_src);
                self.verbatim(&mut w.d, from..self.b.len());
                self.pos = self.b.len();
                self.unterminated(w, q, "`$'` quote");
                return;
            };
            if i > from {
                flush(&mut w.d, &mut bytes, &bytes_src);
                self.verbatim(&mut w.d, from..i);
            }
            match self.b.get(i) {
                Some(b'\'') => {
                    flush(&mut w.d, &mut bytes, &bytes_src);
                    self.pos = i + 1;
                    return;
                }
                Some(b'\\') => {
                    let (esc, len) = ansi_escape(self.s, i);
                    match esc {
                        AnsiEscape::Byte(x) => {
                            if bytes.is_empty() {
                                bytes_src = i..i + len;
                            } else {
                                bytes_src.end = i + len;
                            }
                            bytes.push(x);
                        }
                        AnsiEscape::Char(c) => {
                            flush(&mut w.d, &mut bytes, &bytes_src);
                            push_char(&mut w.d, c, i..i + len);
                        }
                        AnsiEscape::Literal | AnsiEscape::End => {
                            flush(&mut w.d, &mut bytes, &bytes_src);
                            self.verbatim(&mut w.d, i..i + len);
                        }
                    }
                    self.pos = (i + len).min(self.b.len());
                }
                _ => {
                    flush(&mut w.d, &mut bytes, &bytes_src);
                    self.verbatim(&mut w.d, i..i + 1);
                    self.pos = i + 1;
                    self.skip_ps2();
                }
            }
        }
    }

    /// An expansion at the cursor (a `$`) as a hole; false if the `$` is
    /// literal.
    fn dollar(&mut self, w: &mut Word) -> bool {
        let at = self.pos;
        if self.peek(1) == Some(b'(') && self.peek(2) != Some(b'(') {
            self.pos += 2;
            let first = self.cmds.len();
            let closed = self.nested(b')');
            let end = self.pos;
            let text = self.s.get(at..end).unwrap_or("");
            let inner_end = text.len().saturating_sub(usize::from(closed));
            let name = text.get(2..inner_end).unwrap_or("").trim();
            w.d.push_hole(text, name, at..end);
            if closed {
                self.subst = self.printed_by(first);
            } else {
                self.unterminated(w, at, "command substitution `$(`");
            }
            return true;
        }
        let Some(x) = expansion(self.s, at, self.b.len()) else {
            return false;
        };
        let text = self.s.get(at..x.end).unwrap_or("");
        w.d.push_hole(text, &x.name, at..x.end);
        self.pos = x.end;
        if !x.closed {
            self.unterminated(w, at, "expansion");
        }
        true
    }

    fn backtick(&mut self, w: &mut Word) {
        let at = self.pos;
        let (end, closed) = backtick_end(self.b, at, self.b.len());
        let end = end.min(self.b.len());
        let text = self.s.get(at..end).unwrap_or("");
        let inner = text
            .get(1..text.len().saturating_sub(usize::from(closed)))
            .unwrap_or("");
        w.d.push_hole(text, inner.trim(), at..end);
        self.pos = end;
        if !closed {
            self.unterminated(w, at, "backquote");
        }
    }

    /// What the commands read from slot `first` on print, if they are one
    /// simple command (`cat <<EOF`, `cat file`, `echo '…'`).
    fn printed_by(&self, first: usize) -> Option<Input> {
        let cmds = self.cmds.get(first..)?;
        let mut real = cmds.iter().enumerate().filter(|(_, c)| !c.words.is_empty());
        let (k, _) = real.next()?;
        if real.next().is_some() {
            return None;
        }
        match output_of(&self.cmds, first + k)? {
            Input::Text(d) => Some(Input::Text(trim_trailing_newlines(&d))),
            file => Some(file),
        }
    }
}

/// One line of an unquoted here-document: `\$ \` \\ \<newline>` escapes and
/// expansions as holes.
fn expand_heredoc_line(s: &str, r: Range<usize>, d: &mut Decoded) {
    let b = s.as_bytes();
    let mut i = r.start;
    while i < r.end {
        let k =
            find(b, i, |c| c == b'\\' || c == b'$' || c == b'`').map_or(r.end, |k| k.min(r.end));
        push_src(d, s, i..k);
        if k >= r.end {
            break;
        }
        match b.get(k) {
            Some(b'\\') => match b.get(k + 1) {
                Some(&c @ (b'$' | b'`' | b'\\')) if k + 1 < r.end => {
                    push_char(d, c as char, k..k + 2);
                    i = k + 2;
                }
                _ => {
                    let n = newline_len(b, k + 1);
                    if n > 0 && k + n < r.end {
                        i = k + 1 + n;
                    } else {
                        push_src(d, s, k..k + 1);
                        i = k + 1;
                    }
                }
            },
            Some(b'$') => match expansion(s, k, r.end) {
                Some(x) => {
                    d.push_hole(s.get(k..x.end).unwrap_or(""), &x.name, k..x.end);
                    i = x.end;
                }
                None => {
                    push_src(d, s, k..k + 1);
                    i = k + 1;
                }
            },
            _ => {
                let (end, closed) = backtick_end(b, k, r.end);
                let end = end.min(r.end);
                let text = s.get(k..end).unwrap_or("");
                let inner = text
                    .get(1..text.len().saturating_sub(usize::from(closed)))
                    .unwrap_or("");
                d.push_hole(text, inner.trim(), k..end);
                i = end;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Windows cmd.exe + the Microsoft C runtime's argv rules
// ---------------------------------------------------------------------------

/// One character after cmd.exe's pass (carets removed, `%VAR%` found), with
/// the source bytes that produced it.
struct Unit {
    ch: Option<char>,
    /// `%NAME%`: the variable's name (then `ch` is `None`).
    hole: Option<String>,
    src: Range<usize>,
}

impl Unit {
    fn is(&self, c: char) -> bool {
        self.ch == Some(c)
    }
}

/// `%NAME%` at `at`: its end.
fn percent_var(b: &[u8], at: usize) -> Option<usize> {
    let end = find(b, at + 1, |c| {
        !(is_name_char(c) || b"-.()[]{}#$".contains(&c))
    })?;
    (end > at + 1 && end - at <= 128 && b.get(end) == Some(&b'%')).then_some(end + 1)
}

fn lex_cmd(s: &str, console: bool) -> Vec<Cmd> {
    let b = s.as_bytes();
    let mut cmds = Vec::new();
    let mut pos = 0;
    let mut line_start = true;
    while pos < b.len() {
        if line_start && console {
            // skip output lines up to the next prompt
            loop {
                if pos >= b.len() {
                    return cmds;
                }
                let end = line_end(b, pos);
                let line = s.get(pos..end).unwrap_or("");
                let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
                if let Some(n) = line.get(indent..).and_then(prompt_len) {
                    pos += indent + n;
                    break;
                }
                pos = (end + 1).min(b.len());
            }
        }
        line_start = false;
        while matches!(
            b.get(pos),
            Some(b' ' | b'\t' | b';' | b',' | b'@' | b'(' | b')')
        ) || (b.get(pos) == Some(&b'\r') && b.get(pos + 1) != Some(&b'\n'))
        {
            pos += 1;
        }
        let nl = newline_len(b, pos);
        if nl > 0 {
            pos += nl;
            line_start = true;
            continue;
        }
        if pos >= b.len() {
            break;
        }
        let rest = s.get(pos..).unwrap_or("");
        let is_rem = rest.get(..3).is_some_and(|r| r.eq_ignore_ascii_case("rem"))
            && rest
                .as_bytes()
                .get(3)
                .is_none_or(|c| c.is_ascii_whitespace());
        if rest.starts_with(':') || is_rem {
            pos = line_end(b, pos);
            continue;
        }
        let before = pos;
        let (cmd, next, ended_line) = cmd_command(s, pos, console);
        cmds.push(cmd);
        pos = next;
        line_start = ended_line;
        if pos == before {
            pos += char_at(s, pos).map_or(1, char::len_utf8);
        }
    }
    cmds
}

/// One cmd.exe command from `start`: the command, where the next one
/// starts, and whether the line ended.
/// True when a quote opened before `from` is closed on a later line: a
/// line that is only the closing quote (and what may follow it on that
/// line), before any line that starts a new command.
fn closes_later(b: &[u8], from: usize) -> bool {
    let rest = b.get(from..).unwrap_or_default();
    for line in rest.split(|&c| c == b'\n').take(10_000) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let trimmed = line.trim_ascii_start();
        if trimmed.starts_with(b"curl") || trimmed.starts_with(b"```") {
            return false;
        }
        if line.ends_with(b"\"") && !line.ends_with(b"\\\"") {
            return true;
        }
    }
    false
}

fn cmd_command(s: &str, start: usize, console: bool) -> (Cmd, usize, bool) {
    let b = s.as_bytes();
    let mut units: Vec<Unit> = Vec::new();
    let mut pos = start;
    let mut quoted = false;
    let mut ended_line = false;
    let unit = |c: char, src: Range<usize>| Unit {
        ch: Some(c),
        hole: None,
        src,
    };
    while let Some(&c) = b.get(pos) {
        let nl = newline_len(b, pos);
        if nl > 0 && quoted && closes_later(b, pos + nl) {
            // cmd ends a command at a line break even inside quotes, but
            // documentation writes JSON bodies over several lines inside
            // one quoted argument (Qlik's own "Create identity providers"
            // page does): the body is what the writer meant.
            units.push(unit('\n', pos..pos + nl));
            pos += nl;
            continue;
        }
        if nl > 0 {
            pos += nl;
            ended_line = true;
            break;
        }
        match c {
            b'^' if !quoted => {
                let nl = newline_len(b, pos + 1);
                if nl > 0 {
                    let at = pos;
                    pos += 1 + nl;
                    if console && s.get(pos..).is_some_and(|r| r.starts_with("More? ")) {
                        pos += 6;
                    }
                    // `^` + an empty line: the escaped line break is kept
                    // (Chrome's "Copy as cURL (cmd)" writes newlines so)
                    let nl2 = newline_len(b, pos);
                    if nl2 > 0 {
                        pos += nl2;
                        units.push(unit('\n', at..pos));
                    }
                    continue;
                }
                match char_at(s, pos + 1) {
                    Some(ch) => {
                        let len = 1 + ch.len_utf8();
                        units.push(unit(ch, pos..pos + len));
                        pos += len;
                    }
                    None => pos += 1,
                }
            }
            b'%' => {
                if b.get(pos + 1) == Some(&b'%') {
                    units.push(unit('%', pos..pos + 2));
                    pos += 2;
                } else if let Some(end) = percent_var(b, pos) {
                    units.push(Unit {
                        ch: None,
                        hole: Some(s.get(pos + 1..end - 1).unwrap_or("").to_string()),
                        src: pos..end,
                    });
                    pos = end;
                } else {
                    units.push(unit('%', pos..pos + 1));
                    pos += 1;
                }
            }
            b'"' => {
                // A quote after an odd run of backslashes is the program's
                // literal quote (`\"`): it does not toggle cmd's quoting.
                let backslashes = units.iter().rev().take_while(|u| u.is('\\')).count();
                if backslashes % 2 == 0 {
                    quoted = !quoted;
                }
                units.push(unit('"', pos..pos + 1));
                pos += 1;
            }
            b'&' | b'|' if !quoted => {
                pos += 1;
                if b.get(pos) == Some(&c) {
                    pos += 1;
                }
                break;
            }
            b'<' | b'>' if !quoted => {
                // `2>nul`: the digit is the handle, not an argument
                let digit = units
                    .last()
                    .is_some_and(|u| u.ch.is_some_and(|c| c.is_ascii_digit()))
                    && units
                        .len()
                        .checked_sub(2)
                        .and_then(|k| units.get(k))
                        .is_none_or(|u| u.is(' ') || u.is('\t'));
                if digit {
                    units.pop();
                }
                pos += 1;
                while matches!(b.get(pos), Some(b'>' | b'&')) {
                    pos += 1;
                }
                while matches!(b.get(pos), Some(b' ' | b'\t')) {
                    pos += 1;
                }
                if b.get(pos) == Some(&b'"') {
                    let end = find(b, pos + 1, |c| c == b'"' || c == b'\n').unwrap_or(b.len());
                    pos = if b.get(end) == Some(&b'"') {
                        end + 1
                    } else {
                        end
                    };
                } else {
                    pos = find(b, pos, |c| b" \t\r\n&|<>".contains(&c)).unwrap_or(b.len());
                }
            }
            _ => {
                let ch = char_at(s, pos).unwrap_or('\u{fffd}');
                let len = ch.len_utf8();
                units.push(unit(ch, pos..pos + len));
                pos += len;
            }
        }
    }
    let (words, problems) = crt_split(s, &units);
    let span = match (units.first(), units.last()) {
        (Some(first), Some(last)) => first.src.start..last.src.end,
        _ => start..start,
    };
    let cmd = Cmd {
        words,
        span,
        problems,
        ..Cmd::default()
    };
    (cmd, pos, ended_line)
}

/// Splits cmd.exe's output into arguments as the Microsoft C runtime does:
/// backslashes are literal unless before a quote, `2n` backslashes and a
/// quote give `n` backslashes and toggle quoting, `2n+1` give `n` and a
/// literal quote, `""` inside quotes is one quote.
fn crt_split(s: &str, units: &[Unit]) -> (Vec<Word>, Vec<Problem>) {
    let mut words = Vec::new();
    let mut problems = Vec::new();
    let mut cur: Option<Word> = None;
    let mut quoted = false;
    let mut quote_start = 0;
    let mut i = 0;
    let start_word = |cur: &mut Option<Word>, at: usize| {
        if cur.is_none() {
            *cur = Some(Word {
                span: at..at,
                ..Word::default()
            });
        }
    };
    while let Some(u) = units.get(i) {
        if !quoted && (u.is(' ') || u.is('\t')) {
            if let Some(w) = cur.take() {
                words.push(w);
            }
            i += 1;
            continue;
        }
        start_word(&mut cur, u.src.start);
        let Some(w) = cur.as_mut() else {
            break;
        };
        if let Some(name) = &u.hole {
            w.d.push_hole(s.get(u.src.clone()).unwrap_or(""), name, u.src.clone());
            w.span.end = u.src.end;
            i += 1;
            continue;
        }
        if u.is('\\') {
            let n = units
                .get(i..)
                .map_or(0, |r| r.iter().take_while(|u| u.is('\\')).count());
            let j = i + n;
            match units.get(j) {
                Some(q) if q.is('"') => {
                    for p in 0..n / 2 {
                        if let (Some(a), Some(z)) = (units.get(i + 2 * p), units.get(i + 2 * p + 1))
                        {
                            w.d.push_mapped("\\", a.src.start..z.src.end);
                        }
                    }
                    if n % 2 == 1 {
                        let from = units.get(j - 1).map_or(q.src.start, |u| u.src.start);
                        w.d.push_mapped("\"", from..q.src.end);
                        w.span.end = q.src.end;
                        i = j + 1;
                    } else {
                        w.span.end = units.get(j - 1).map_or(w.span.end, |u| u.src.end);
                        i = j;
                    }
                }
                _ => {
                    for u in units.get(i..j).unwrap_or(&[]) {
                        push_unit(&mut w.d, s, u);
                        w.span.end = u.src.end;
                    }
                    i = j;
                }
            }
            continue;
        }
        if u.is('"') {
            match units.get(i + 1) {
                Some(next) if quoted && next.is('"') => {
                    w.d.push_mapped("\"", u.src.start..next.src.end);
                    w.span.end = next.src.end;
                    i += 2;
                }
                _ => {
                    quoted = !quoted;
                    quote_start = u.src.start;
                    w.span.end = u.src.end;
                    i += 1;
                }
            }
            continue;
        }
        push_unit(&mut w.d, s, u);
        w.span.end = u.src.end;
        i += 1;
    }
    if let Some(mut w) = cur.take() {
        if quoted {
            w.unterminated = true;
            problems.push(problem(
                quote_start..w.span.end,
                "unterminated quote: the argument runs to the end of the line".to_string(),
                "close the quote before the end of the line",
            ));
        }
        words.push(w);
    }
    (words, problems)
}

fn push_unit(d: &mut Decoded, s: &str, u: &Unit) {
    let Some(c) = u.ch else {
        return;
    };
    let mut buf = [0u8; 4];
    let text = c.encode_utf8(&mut buf);
    if u.src.len() == c.len_utf8() && s.get(u.src.clone()) == Some(text) {
        d.push_verbatim(text, u.src.start);
    } else {
        d.push_mapped(text, u.src.clone());
    }
}

// ---------------------------------------------------------------------------
// PowerShell
// ---------------------------------------------------------------------------

/// A PowerShell backtick escape at `i` (in `"…"`): the character and length.
fn ps_escape(s: &str, i: usize) -> (Option<char>, usize) {
    let b = s.as_bytes();
    let Some(e) = char_at(s, i + 1) else {
        return (None, 1);
    };
    let c = match e {
        '0' => '\0',
        'a' => '\x07',
        'b' => '\x08',
        'e' => '\x1b',
        'f' => '\x0c',
        'n' => '\n',
        'r' => '\r',
        't' => '\t',
        'v' => '\x0b',
        'u' if b.get(i + 2) == Some(&b'{') => {
            let (v, n) = hex_run(b, i + 3, 6, 16);
            if n > 0 && b.get(i + 3 + n) == Some(&b'}') {
                return (Some(char::from_u32(v).unwrap_or('\u{fffd}')), 4 + n);
            }
            'u'
        }
        other => other,
    };
    (Some(c), 1 + e.len_utf8())
}

struct Ps<'a> {
    s: &'a str,
    b: &'a [u8],
    pos: usize,
    console: bool,
    depth: usize,
    cmds: Vec<Cmd>,
    problems: Vec<Problem>,
}

impl<'a> Ps<'a> {
    fn new(s: &'a str, console: bool) -> Self {
        Ps {
            s,
            b: s.as_bytes(),
            pos: 0,
            console,
            depth: 0,
            cmds: Vec::new(),
            problems: Vec::new(),
        }
    }

    fn peek(&self, k: usize) -> Option<u8> {
        self.b.get(self.pos + k).copied()
    }

    fn verbatim(&self, d: &mut Decoded, range: Range<usize>) {
        push_src(d, self.s, range);
    }

    fn skip_ps2(&mut self) {
        if self.console
            && self
                .b
                .get(self.pos..)
                .is_some_and(|r| r.starts_with(b">> "))
        {
            self.pos += 3;
        }
    }

    fn skip_blanks(&mut self) {
        loop {
            match self.peek(0) {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'\r') if self.peek(1) != Some(b'\n') => self.pos += 1,
                Some(b'`') => {
                    let n = newline_len(self.b, self.pos + 1);
                    if n == 0 {
                        return;
                    }
                    self.pos += 1 + n;
                    self.skip_ps2();
                }
                Some(b'<') if self.peek(1) == Some(b'#') => {
                    self.pos = self
                        .s
                        .get(self.pos + 2..)
                        .and_then(|r| r.find("#>"))
                        .map_or(self.b.len(), |k| self.pos + 2 + k + 2);
                }
                _ => return,
            }
        }
    }

    fn prompt_line(&mut self) {
        while self.pos < self.b.len() {
            let end = line_end(self.b, self.pos);
            let line = self.s.get(self.pos..end).unwrap_or("");
            let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
            if let Some(n) = line.get(indent..).and_then(prompt_len) {
                self.pos += indent + n;
                return;
            }
            self.pos = (end + 1).min(self.b.len());
        }
    }

    fn list(&mut self, close: Option<u8>) -> bool {
        let top = close.is_none();
        if top && self.console {
            self.prompt_line();
        }
        loop {
            self.skip_blanks();
            let Some(c) = self.peek(0) else {
                return top;
            };
            let nl = newline_len(self.b, self.pos);
            if nl > 0 {
                self.pos += nl;
                if top && self.console {
                    self.prompt_line();
                }
                continue;
            }
            match c {
                b'#' => self.pos = line_end(self.b, self.pos),
                b';' | b'|' => self.pos += 1,
                b'&' if self.peek(1) == Some(b'&') => self.pos += 2,
                b')' | b'}' => {
                    self.pos += 1;
                    if close == Some(c) {
                        return true;
                    }
                }
                _ => {
                    let before = self.pos;
                    self.command();
                    if self.pos == before {
                        self.pos += char_at(self.s, self.pos).map_or(1, char::len_utf8);
                    }
                }
            }
        }
    }

    fn nested(&mut self, close: u8) -> bool {
        if self.depth >= MAX_DEPTH {
            let open = if close == b')' { b'(' } else { b'{' };
            let mut depth = 1usize;
            while let Some(c) = self.peek(0) {
                self.pos += 1;
                if c == b'`' {
                    self.pos += char_at(self.s, self.pos).map_or(0, char::len_utf8);
                } else if c == open {
                    depth += 1;
                } else if c == close {
                    depth -= 1;
                    if depth == 0 {
                        return true;
                    }
                }
            }
            return false;
        }
        self.depth += 1;
        let closed = self.list(Some(close));
        self.depth -= 1;
        closed
    }

    fn command(&mut self) {
        let slot = self.cmds.len();
        self.cmds.push(Cmd::default());
        let saved = std::mem::take(&mut self.problems);
        let start = self.pos;
        let mut end = self.pos;
        let mut words = Vec::new();
        loop {
            self.skip_blanks();
            let Some(c) = self.peek(0) else {
                break;
            };
            if newline_len(self.b, self.pos) > 0 {
                break;
            }
            match c {
                b';' | b'|' | b')' | b'}' => break,
                b'&' if self.peek(1) == Some(b'&') => break,
                b'#' => {
                    self.pos = line_end(self.b, self.pos);
                    break;
                }
                b'>' => self.redirect(),
                b'0'..=b'9' | b'*' if self.fd_redirect() => self.redirect(),
                _ => words.push(self.word()),
            }
            end = self.pos;
        }
        let problems = std::mem::replace(&mut self.problems, saved);
        if let Some(cmd) = self.cmds.get_mut(slot) {
            cmd.words = words;
            cmd.span = start..end;
            cmd.problems = problems;
        }
    }

    fn fd_redirect(&mut self) -> bool {
        let end =
            find(self.b, self.pos, |c| !(c.is_ascii_digit() || c == b'*')).unwrap_or(self.b.len());
        if self.b.get(end) == Some(&b'>') {
            self.pos = end;
            true
        } else {
            false
        }
    }

    fn redirect(&mut self) {
        while matches!(self.peek(0), Some(b'>' | b'&')) {
            self.pos += 1;
        }
        if self.b.get(self.pos.saturating_sub(1)) == Some(&b'&') {
            // `2>&1`: the handle
            self.pos = find(self.b, self.pos, |c| !c.is_ascii_digit()).unwrap_or(self.b.len());
            return;
        }
        self.skip_blanks();
        if self.peek(0).is_some_and(|c| !b" \t\r\n;|)}".contains(&c)) {
            self.word();
        }
    }

    fn unterminated(&mut self, w: &mut Word, start: usize, what: &str) {
        w.unterminated = true;
        self.problems
            .push(unterminated_problem(start, self.b.len(), what));
    }

    fn word(&mut self) -> Word {
        let start = self.pos;
        let mut w = Word::default();
        while let Some(c) = self.peek(0) {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'|' | b')' | b'}' => break,
                b'&' => {
                    if self.pos == start {
                        // the call operator
                        self.verbatim(&mut w.d, self.pos..self.pos + 1);
                        self.pos += 1;
                        break;
                    }
                    if self.peek(1) == Some(b'&') {
                        break;
                    }
                    self.verbatim(&mut w.d, self.pos..self.pos + 1);
                    self.pos += 1;
                }
                b'`' => {
                    if newline_len(self.b, self.pos + 1) > 0 {
                        break;
                    }
                    match char_at(self.s, self.pos + 1) {
                        Some(ch) => {
                            let len = 1 + ch.len_utf8();
                            push_char(&mut w.d, ch, self.pos..self.pos + len);
                            self.pos += len;
                        }
                        None => self.pos += 1,
                    }
                }
                b'\'' => self.single(&mut w),
                b'"' => self.double(&mut w),
                b'@' => match self.peek(1) {
                    Some(q @ (b'\'' | b'"')) if self.here_string_opens() => {
                        self.here_string(&mut w, q == b'"')
                    }
                    Some(b'(') | Some(b'{') => {
                        let close = if self.peek(1) == Some(b'(') {
                            b')'
                        } else {
                            b'}'
                        };
                        self.opaque(&mut w, 2, close);
                    }
                    _ => {
                        self.verbatim(&mut w.d, self.pos..self.pos + 1);
                        self.pos += 1;
                    }
                },
                b'(' => self.opaque(&mut w, 1, b')'),
                b'{' => self.opaque(&mut w, 1, b'}'),
                b'$' => {
                    if !self.dollar(&mut w) {
                        self.verbatim(&mut w.d, self.pos..self.pos + 1);
                        self.pos += 1;
                    }
                }
                _ => {
                    let end = find(self.b, self.pos, |c| b" \t\r\n;|)}&`'\"@({$".contains(&c))
                        .unwrap_or(self.b.len())
                        .max(self.pos + 1);
                    self.verbatim(&mut w.d, self.pos..end);
                    self.pos = end;
                }
            }
        }
        w.span = start..self.pos;
        w
    }

    /// `(…)`, `{…}`, `@(…)`, `@{…}`: an expression, lexed for the commands
    /// inside, kept as an opaque hole.
    fn opaque(&mut self, w: &mut Word, open_len: usize, close: u8) {
        let at = self.pos;
        self.pos += open_len;
        let closed = self.nested(close);
        let text = self.s.get(at..self.pos).unwrap_or("");
        w.d.push_hole(text, text, at..self.pos);
        w.opaque = true;
        if !closed {
            self.unterminated(w, at, "bracket");
        }
    }

    fn here_string_opens(&self) -> bool {
        let after = find(self.b, self.pos + 2, |c| c != b' ' && c != b'\t').unwrap_or(self.b.len());
        newline_len(self.b, after) > 0
    }

    fn here_string(&mut self, w: &mut Word, expand: bool) {
        let at = self.pos;
        let quote = if expand { b'"' } else { b'\'' };
        let first = find(self.b, at + 2, |c| c == b'\n').map_or(self.b.len(), |k| k + 1);
        // the closing `'@` / `"@` starts a line
        let mut line = first;
        let mut close = None;
        while line < self.b.len() {
            let lead = find(self.b, line, |c| c != b' ' && c != b'\t').unwrap_or(self.b.len());
            if self.b.get(lead) == Some(&quote) && self.b.get(lead + 1) == Some(&b'@') {
                close = Some((line, lead + 2));
                break;
            }
            line = (line_end(self.b, line) + 1).min(self.b.len());
        }
        let Some((close_line, end)) = close else {
            self.verbatim(&mut w.d, first..self.b.len());
            self.pos = self.b.len();
            self.unterminated(w, at, "here-string");
            return;
        };
        // the content ends before the line break that precedes the closing line
        let mut content_end = close_line.max(first);
        if content_end > first && self.b.get(content_end - 1) == Some(&b'\n') {
            content_end -= 1;
            if content_end > first && self.b.get(content_end - 1) == Some(&b'\r') {
                content_end -= 1;
            }
        }
        if expand {
            self.pos = first;
            self.expand(w, content_end, false);
        } else {
            self.verbatim(&mut w.d, first..content_end);
        }
        self.pos = end;
    }

    fn single(&mut self, w: &mut Word) {
        let q = self.pos;
        self.pos += 1;
        let console = self.console;
        loop {
            let from = self.pos;
            let Some(i) = find(self.b, from, |c| c == b'\'' || (console && c == b'\n')) else {
                self.verbatim(&mut w.d, from..self.b.len());
                self.pos = self.b.len();
                self.unterminated(w, q, "single quote");
                return;
            };
            if self.b.get(i) == Some(&b'\n') {
                self.verbatim(&mut w.d, from..i + 1);
                self.pos = i + 1;
                self.skip_ps2();
                continue;
            }
            self.verbatim(&mut w.d, from..i);
            if self.b.get(i + 1) == Some(&b'\'') {
                w.d.push_mapped("'", i..i + 2);
                self.pos = i + 2;
            } else {
                self.pos = i + 1;
                return;
            }
        }
    }

    fn double(&mut self, w: &mut Word) {
        let q = self.pos;
        self.pos += 1;
        let out0 = w.d.text.len();
        let holes0 = w.d.holes.len();
        if !self.expand(w, self.b.len(), true) {
            self.unterminated(w, q, "double quote");
            return;
        }
        let out = out0..w.d.text.len();
        if w.d.holes.len() == holes0 + 1 && w.d.holes.last().is_some_and(|h| h.out == out) {
            if let Some(seg) = w.d.segments.last_mut() {
                if !seg.verbatim && seg.out == out {
                    seg.src = q..self.pos;
                }
            }
        }
    }

    /// The inside of `"…"` (up to its closing quote, when `quoted`) or of
    /// `@"…"@` (up to `limit`); false if the quote is not closed.
    fn expand(&mut self, w: &mut Word, limit: usize, quoted: bool) -> bool {
        let console = self.console;
        loop {
            let from = self.pos;
            let stop = find(self.b, from, |c| {
                (quoted && c == b'"') || c == b'`' || c == b'$' || (console && quoted && c == b'\n')
            })
            .filter(|&i| i < limit);
            let Some(i) = stop else {
                self.verbatim(&mut w.d, from..limit);
                self.pos = limit;
                return !quoted;
            };
            self.verbatim(&mut w.d, from..i);
            self.pos = i;
            match self.b.get(i) {
                Some(b'"') => {
                    if self.peek(1) == Some(b'"') {
                        w.d.push_mapped("\"", i..i + 2);
                        self.pos += 2;
                    } else {
                        self.pos += 1;
                        return true;
                    }
                }
                Some(b'`') => {
                    let (c, len) = ps_escape(self.s, i);
                    match c {
                        Some(c) => push_char(&mut w.d, c, i..i + len),
                        None => self.verbatim(&mut w.d, i..i + len),
                    }
                    self.pos = (i + len).min(limit.max(i + 1));
                }
                Some(b'$') => {
                    if !self.dollar(w) {
                        self.verbatim(&mut w.d, i..i + 1);
                        self.pos += 1;
                    }
                    if self.pos > limit {
                        return !quoted;
                    }
                }
                _ => {
                    self.verbatim(&mut w.d, i..i + 1);
                    self.pos += 1;
                    self.skip_ps2();
                }
            }
        }
    }

    /// `$name`, `$env:NAME`, `${…}`, `$(…)` at the cursor as a hole.
    fn dollar(&mut self, w: &mut Word) -> bool {
        let at = self.pos;
        let (end, name) = match self.peek(1) {
            Some(b'(') => {
                self.pos += 2;
                let closed = self.nested(b')');
                if !closed {
                    self.unterminated(w, at, "subexpression `$(`");
                }
                let text = self.s.get(at..self.pos).unwrap_or("");
                let inner = text
                    .get(2..text.len().saturating_sub(usize::from(closed)))
                    .unwrap_or("");
                (self.pos, inner.trim().to_string())
            }
            Some(b'{') => match find(self.b, at + 2, |c| c == b'}') {
                Some(k) => (k + 1, self.s.get(at + 2..k).unwrap_or("").to_string()),
                None => {
                    self.pos = self.b.len();
                    self.unterminated(w, at, "`${`");
                    (self.b.len(), self.s.get(at + 2..).unwrap_or("").to_string())
                }
            },
            Some(c) if is_name_char(c) => {
                let mut end = name_end(self.b, at + 1);
                let mut name = self.s.get(at + 1..end).unwrap_or("").to_string();
                if self.b.get(end) == Some(&b':')
                    && self.b.get(end + 1).is_some_and(|&c| is_name_start(c))
                {
                    let scope = name;
                    let from = end + 1;
                    end = name_end(self.b, from);
                    name = self.s.get(from..end).unwrap_or("").to_string();
                    if !scope.eq_ignore_ascii_case("env") {
                        name = format!("{scope}:{name}");
                    }
                }
                (end, name)
            }
            Some(c @ (b'?' | b'^' | b'$')) => (at + 2, (c as char).to_string()),
            _ => return false,
        };
        let text = self.s.get(at..end).unwrap_or("");
        w.d.push_hole(text, &name, at..end);
        self.pos = end;
        true
    }
}

// ---------------------------------------------------------------------------
// Reading the commands
// ---------------------------------------------------------------------------

/// Words that run the command after them (or are keywords before it).
const PREFIXES: &[&str] = &[
    "sudo", "command", "exec", "time", "env", "nohup", "builtin", "nice", "noglob", "if", "then",
    "else", "elif", "do", "while", "until", "!", "{", "$", "%", "&", "call", "doas",
];

/// Options of `sudo` that take an argument.
const SUDO_ARGS: &[&str] = &["-u", "-g", "-h", "-C", "-D", "-p", "-r", "-t", "-U", "-T"];

fn is_assignment(t: &str) -> bool {
    let b = t.as_bytes();
    if !b.first().is_some_and(|&c| is_name_start(c)) {
        return false;
    }
    let end = name_end(b, 0);
    matches!(b.get(end..), Some([b'=', ..] | [b'+', b'=', ..]))
}

/// The index of the command's name, after assignments and prefixes.
fn command_start(cmd: &Cmd, dialect: Dialect) -> Option<usize> {
    let words = &cmd.words;
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let t = w.d.text.as_str();
        let plain = w.d.holes.is_empty() && !w.opaque;
        if plain && PREFIXES.contains(&t) {
            i += 1;
            if t == "command"
                && words
                    .get(i)
                    .is_some_and(|o| o.d.text == "-v" || o.d.text == "-V")
            {
                return None;
            }
            while let Some(o) = words.get(i) {
                let ot = o.d.text.as_str();
                if !(ot.len() > 1 && ot.starts_with('-')) || t == "!" || t == "&" {
                    break;
                }
                i += 1;
                if t == "sudo" && SUDO_ARGS.contains(&ot) {
                    i += 1;
                }
            }
            continue;
        }
        if plain && dialect != Dialect::Cmd && is_assignment(t) {
            i += 1;
            continue;
        }
        if dialect == Dialect::PowerShell
            && t.starts_with('$')
            && words
                .get(i + 1)
                .is_some_and(|n| matches!(n.d.text.as_str(), "=" | "+="))
        {
            i += 2;
            continue;
        }
        return Some(i);
    }
    None
}

/// The program name without its directory.
fn basename(t: &str) -> &str {
    t.rsplit(['/', '\\']).next().unwrap_or(t)
}

/// What command `j` prints, if it is simple: `cat` of a here-document or a
/// file, `echo '…'`, `printf '%s' '…'`.
fn output_of(cmds: &[Cmd], j: usize) -> Option<Input> {
    let cmd = cmds.get(j)?;
    let i = command_start(cmd, Dialect::Posix)?;
    let name = cmd.words.get(i)?;
    if !name.d.holes.is_empty() {
        return None;
    }
    let args = cmd.words.get(i + 1..)?;
    if args.iter().any(|a| a.unterminated || a.opaque) {
        return None;
    }
    match basename(&name.d.text) {
        "cat" => match args {
            [] => cmd.stdin.clone(),
            [a] if a.d.text == "-" => cmd.stdin.clone(),
            [a] if !a.d.text.starts_with('-') && a.d.holes.is_empty() => Some(Input::File {
                path: a.d.text.clone(),
                span: whole_or(&a.d, &a.span),
            }),
            _ => None,
        },
        "echo" => {
            let mut newline = true;
            let mut k = 0;
            while let Some(a) = args.get(k) {
                match a.d.text.as_str() {
                    "-n" => newline = false,
                    "-E" => {}
                    "-e" | "-ne" | "-en" => return None,
                    _ => break,
                }
                k += 1;
            }
            let rest = args.get(k..)?;
            let mut d = Decoded::new();
            for (n, a) in rest.iter().enumerate() {
                if n > 0 {
                    d.push_mapped(" ", a.span.start..a.span.start);
                }
                d.append(&a.d);
            }
            if newline {
                let at = rest.last().map_or(cmd.span.end, |a| a.span.end);
                d.push_mapped("\n", at..at);
            }
            Some(Input::Text(d))
        }
        "printf" => match args {
            [fmt, a] if fmt.d.text == "%s" || fmt.d.text == "%s\\n" => {
                let mut d = a.d.clone();
                if fmt.d.text.ends_with("\\n") {
                    d.push_mapped("\n", whole(&fmt.d));
                }
                Some(Input::Text(d))
            }
            [fmt] if !fmt.d.text.contains(['%', '\\']) => Some(Input::Text(fmt.d.clone())),
            _ => None,
        },
        _ => None,
    }
}

/// The standard input of command `ci`.
fn stdin_of(cmds: &[Cmd], ci: usize) -> Option<Input> {
    let cmd = cmds.get(ci)?;
    cmd.stdin
        .clone()
        .or_else(|| cmd.piped_from.and_then(|j| output_of(cmds, j)))
}

fn interpret(text: &str, dialect: Dialect, cmds: &[Cmd]) -> Extracted {
    let mut found = Extracted::default();
    let mut is_request = vec![false; cmds.len()];
    for (ci, cmd) in cmds.iter().enumerate() {
        if let Some(request) = request_of(cmds, ci, cmd, dialect) {
            found.requests.push(request);
            if let Some(flag) = is_request.get_mut(ci) {
                *flag = true;
            }
        }
    }
    let mut feeds_request = vec![false; cmds.len()];
    for (ci, cmd) in cmds.iter().enumerate() {
        if is_request.get(ci) == Some(&true) {
            if let Some(flag) = cmd.piped_from.and_then(|j| feeds_request.get_mut(j)) {
                *flag = true;
            }
        }
    }
    // An unterminated quote or here-document elsewhere matters when it
    // swallows a request: when the last mention of one comes after it.
    let mentions = |t: &str| {
        ["curl", "qlik ", "Invoke-"]
            .iter()
            .filter_map(|m| t.rfind(m))
            .max()
    };
    let last_mention = mentions(text);
    for (ci, cmd) in cmds.iter().enumerate() {
        let matters = is_request.get(ci) == Some(&true) || feeds_request.get(ci) == Some(&true);
        for p in &cmd.problems {
            let swallows = || match dialect {
                // cmd's quotes end with the line
                Dialect::Cmd => text.get(p.span.clone()).and_then(mentions).is_some(),
                _ => last_mention.is_some_and(|at| at >= p.span.start),
            };
            if matters || swallows() {
                found.problems.push(p.clone());
            }
        }
    }
    found.requests.sort_by_key(|r| r.span.start);
    found.problems.sort_by_key(|p| p.span.start);
    found.problems.dedup();
    found
}

fn request_of(cmds: &[Cmd], ci: usize, cmd: &Cmd, dialect: Dialect) -> Option<Request> {
    let i = command_start(cmd, dialect)?;
    let name = cmd.words.get(i)?;
    if !name.d.holes.is_empty() || name.opaque {
        return None;
    }
    let program = basename(&name.d.text).to_ascii_lowercase();
    let program = program.strip_suffix(".exe").unwrap_or(&program);
    let windows = dialect != Dialect::Posix;
    let exact =
        |n: &str| basename(&name.d.text) == n || basename(&name.d.text) == format!("{n}.exe");
    match program {
        "curl" if windows || exact("curl") => {
            if dialect == Dialect::PowerShell
                && name.d.text.eq_ignore_ascii_case("curl")
                && uses_web_cmdlet_params(cmd, i)
            {
                return ps_web_request(cmd, i);
            }
            Some(curl_request(cmds, ci, cmd, i))
        }
        "qlik" if windows || exact("qlik") => qlik_request(cmd, i),
        "invoke-restmethod" | "invoke-webrequest" | "irm" | "iwr" | "wget"
            if dialect == Dialect::PowerShell =>
        {
            ps_web_request(cmd, i)
        }
        _ => None,
    }
}

// --- curl -------------------------------------------------------------------

/// curl's options: long name, short letter, whether it takes an argument.
const CURL_OPTIONS: &[(&str, Option<char>, bool)] = &[
    // taking an argument
    ("abstract-unix-socket", None, true),
    ("alt-svc", None, true),
    ("aws-sigv4", None, true),
    ("cacert", None, true),
    ("capath", None, true),
    ("cert", Some('E'), true),
    ("cert-type", None, true),
    ("ciphers", None, true),
    ("config", Some('K'), true),
    ("connect-timeout", None, true),
    ("connect-to", None, true),
    ("continue-at", Some('C'), true),
    ("cookie", Some('b'), true),
    ("cookie-jar", Some('c'), true),
    ("create-file-mode", None, true),
    ("crlfile", None, true),
    ("curves", None, true),
    ("data", Some('d'), true),
    ("data-ascii", None, true),
    ("data-binary", None, true),
    ("data-raw", None, true),
    ("data-urlencode", None, true),
    ("delegation", None, true),
    ("dns-interface", None, true),
    ("dns-ipv4-addr", None, true),
    ("dns-ipv6-addr", None, true),
    ("dns-servers", None, true),
    ("doh-url", None, true),
    ("dump-header", Some('D'), true),
    ("ech", None, true),
    ("egd-file", None, true),
    ("engine", None, true),
    ("etag-compare", None, true),
    ("etag-save", None, true),
    ("expect100-timeout", None, true),
    ("form", Some('F'), true),
    ("form-string", None, true),
    ("ftp-account", None, true),
    ("ftp-alternative-to-user", None, true),
    ("ftp-method", None, true),
    ("ftp-port", Some('P'), true),
    ("ftp-ssl-ccc-mode", None, true),
    ("happy-eyeballs-timeout-ms", None, true),
    ("haproxy-clientip", None, true),
    ("header", Some('H'), true),
    ("hostpubmd5", None, true),
    ("hostpubsha256", None, true),
    ("hsts", None, true),
    ("interface", None, true),
    ("ip-tos", None, true),
    ("ipfs-gateway", None, true),
    ("json", None, true),
    ("keepalive-cnt", None, true),
    ("keepalive-time", None, true),
    ("key", None, true),
    ("key-type", None, true),
    ("krb", None, true),
    ("libcurl", None, true),
    ("limit-rate", None, true),
    ("local-port", None, true),
    ("login-options", None, true),
    ("mail-auth", None, true),
    ("mail-from", None, true),
    ("mail-rcpt", None, true),
    ("max-filesize", None, true),
    ("max-redirs", None, true),
    ("max-time", Some('m'), true),
    ("netrc-file", None, true),
    ("noproxy", None, true),
    ("oauth2-bearer", None, true),
    ("output", Some('o'), true),
    ("output-dir", None, true),
    ("parallel-max", None, true),
    ("pass", None, true),
    ("pinnedpubkey", None, true),
    ("preproxy", None, true),
    ("proto", None, true),
    ("proto-default", None, true),
    ("proto-redir", None, true),
    ("proxy", Some('x'), true),
    ("proxy-cacert", None, true),
    ("proxy-capath", None, true),
    ("proxy-cert", None, true),
    ("proxy-cert-type", None, true),
    ("proxy-ciphers", None, true),
    ("proxy-crlfile", None, true),
    ("proxy-header", None, true),
    ("proxy-key", None, true),
    ("proxy-key-type", None, true),
    ("proxy-pass", None, true),
    ("proxy-pinnedpubkey", None, true),
    ("proxy-service-name", None, true),
    ("proxy-tls13-ciphers", None, true),
    ("proxy-tlsauthtype", None, true),
    ("proxy-tlspassword", None, true),
    ("proxy-tlsuser", None, true),
    ("proxy-user", Some('U'), true),
    ("proxy1.0", None, true),
    ("pubkey", None, true),
    ("quote", Some('Q'), true),
    ("random-file", None, true),
    ("range", Some('r'), true),
    ("rate", None, true),
    ("referer", Some('e'), true),
    ("request", Some('X'), true),
    ("request-target", None, true),
    ("resolve", None, true),
    ("retry", None, true),
    ("retry-delay", None, true),
    ("retry-max-time", None, true),
    ("sasl-authzid", None, true),
    ("service-name", None, true),
    ("socks4", None, true),
    ("socks4a", None, true),
    ("socks5", None, true),
    ("socks5-gssapi-service", None, true),
    ("socks5-hostname", None, true),
    ("speed-limit", Some('Y'), true),
    ("speed-time", Some('y'), true),
    ("stderr", None, true),
    ("telnet-option", Some('t'), true),
    ("tftp-blksize", None, true),
    ("time-cond", Some('z'), true),
    ("tls-max", None, true),
    ("tls13-ciphers", None, true),
    ("tlsauthtype", None, true),
    ("tlspassword", None, true),
    ("tlsuser", None, true),
    ("trace", None, true),
    ("trace-ascii", None, true),
    ("trace-config", None, true),
    ("unix-socket", None, true),
    ("upload-file", Some('T'), true),
    ("url", None, true),
    ("url-query", None, true),
    ("user", Some('u'), true),
    ("user-agent", Some('A'), true),
    ("variable", None, true),
    ("write-out", Some('w'), true),
    // flags
    ("anyauth", None, false),
    ("append", Some('a'), false),
    ("basic", None, false),
    ("ca-native", None, false),
    ("cert-status", None, false),
    ("compressed", None, false),
    ("compressed-ssh", None, false),
    ("create-dirs", None, false),
    ("crlf", None, false),
    ("digest", None, false),
    ("disable", Some('q'), false),
    ("disable-eprt", None, false),
    ("disable-epsv", None, false),
    ("disallow-username-in-url", None, false),
    ("fail", Some('f'), false),
    ("fail-early", None, false),
    ("fail-with-body", None, false),
    ("false-start", None, false),
    ("ftp-create-dirs", None, false),
    ("ftp-pasv", None, false),
    ("ftp-pret", None, false),
    ("ftp-skip-pasv-ip", None, false),
    ("ftp-ssl-ccc", None, false),
    ("ftp-ssl-control", None, false),
    ("get", Some('G'), false),
    ("globoff", Some('g'), false),
    ("haproxy-protocol", None, false),
    ("head", Some('I'), false),
    ("help", Some('h'), false),
    ("http0.9", None, false),
    ("http1.0", Some('0'), false),
    ("http1.1", None, false),
    ("http2", None, false),
    ("http2-prior-knowledge", None, false),
    ("http3", None, false),
    ("http3-only", None, false),
    ("ignore-content-length", None, false),
    ("include", Some('i'), false),
    ("insecure", Some('k'), false),
    ("ipv4", Some('4'), false),
    ("ipv6", Some('6'), false),
    ("junk-session-cookies", Some('j'), false),
    ("list-only", Some('l'), false),
    ("location", Some('L'), false),
    ("location-trusted", None, false),
    ("manual", Some('M'), false),
    ("negotiate", None, false),
    ("netrc", Some('n'), false),
    ("netrc-optional", None, false),
    ("next", Some(':'), false),
    ("no-alpn", None, false),
    ("no-buffer", Some('N'), false),
    ("no-clobber", None, false),
    ("no-keepalive", None, false),
    ("no-npn", None, false),
    ("no-progress-meter", None, false),
    ("no-sessionid", None, false),
    ("ntlm", None, false),
    ("ntlm-wb", None, false),
    ("parallel", Some('Z'), false),
    ("parallel-immediate", None, false),
    ("path-as-is", None, false),
    ("post301", None, false),
    ("post302", None, false),
    ("post303", None, false),
    ("progress-bar", Some('#'), false),
    ("proxy-anyauth", None, false),
    ("proxy-basic", None, false),
    ("proxy-digest", None, false),
    ("proxy-http2", None, false),
    ("proxy-insecure", None, false),
    ("proxy-negotiate", None, false),
    ("proxy-ntlm", None, false),
    ("proxy-ssl-allow-beast", None, false),
    ("proxy-ssl-auto-client-cert", None, false),
    ("proxy-tlsv1", None, false),
    ("proxytunnel", Some('p'), false),
    ("raw", None, false),
    ("remote-header-name", Some('J'), false),
    ("remote-name", Some('O'), false),
    ("remote-name-all", None, false),
    ("remote-time", Some('R'), false),
    ("remove-on-error", None, false),
    ("retry-all-errors", None, false),
    ("retry-connrefused", None, false),
    ("sasl-ir", None, false),
    ("show-error", Some('S'), false),
    ("show-headers", None, false),
    ("silent", Some('s'), false),
    ("socks5-basic", None, false),
    ("socks5-gssapi", None, false),
    ("socks5-gssapi-nec", None, false),
    ("ssl", None, false),
    ("ssl-allow-beast", None, false),
    ("ssl-auto-client-cert", None, false),
    ("ssl-no-revoke", None, false),
    ("ssl-reqd", None, false),
    ("ssl-revoke-best-effort", None, false),
    ("sslv2", Some('2'), false),
    ("sslv3", Some('3'), false),
    ("styled-output", None, false),
    ("suppress-connect-headers", None, false),
    ("tcp-fastopen", None, false),
    ("tcp-nodelay", None, false),
    ("tftp-no-options", None, false),
    ("tlsv1", Some('1'), false),
    ("tlsv1.0", None, false),
    ("tlsv1.1", None, false),
    ("tlsv1.2", None, false),
    ("tlsv1.3", None, false),
    ("tr-encoding", None, false),
    ("trace-time", None, false),
    ("use-ascii", Some('B'), false),
    ("verbose", Some('v'), false),
    ("version", Some('V'), false),
    ("xattr", None, false),
];

/// A long option by its name or an unambiguous abbreviation.
fn long_option(name: &str) -> Option<(&'static str, bool)> {
    if let Some(&(long, _, arg)) = CURL_OPTIONS.iter().find(|o| o.0 == name) {
        return Some((long, arg));
    }
    if name.is_empty() {
        return None;
    }
    let mut matching = CURL_OPTIONS.iter().filter(|o| o.0.starts_with(name));
    let &(long, _, arg) = matching.next()?;
    matching.next().is_none().then_some((long, arg))
}

fn short_option(c: char) -> Option<(&'static str, bool)> {
    CURL_OPTIONS
        .iter()
        .find(|o| o.1 == Some(c))
        .map(|&(long, _, arg)| (long, arg))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum DataKind {
    /// `-d`, `--data`, `--data-ascii`: `@file` read with CR/LF removed.
    Data,
    /// `--data-binary`: `@file` read as is.
    Binary,
    /// `--data-raw`: no `@`.
    Raw,
    /// `--json`: like `--data-binary`; pieces are concatenated.
    Json,
}

struct Piece {
    kind: DataKind,
    d: Decoded,
    bad: bool,
    subst: Option<Input>,
    /// Where a synthesized `&` before it goes.
    point: usize,
}

/// An option's argument: decoded, and the word it came from.
struct Arg<'w> {
    d: Decoded,
    word: &'w Word,
    /// The argument is the whole word (not glued to its option).
    whole: bool,
}

#[derive(Default)]
struct Curl {
    method: Option<(String, Range<usize>)>,
    head: bool,
    get: bool,
    form: bool,
    urlencode: bool,
    upload: Option<Decoded>,
    pieces: Vec<Piece>,
    url: Option<Decoded>,
    headers: Vec<Decoded>,
}

impl Curl {
    fn option(&mut self, long: &str, arg: Arg<'_>) {
        let kind = match long {
            "data" | "data-ascii" => DataKind::Data,
            "data-binary" => DataKind::Binary,
            "data-raw" => DataKind::Raw,
            "json" => DataKind::Json,
            "request" => {
                self.method = Some((
                    arg.d.text.to_ascii_uppercase(),
                    whole_or(&arg.d, &arg.word.span),
                ));
                return;
            }
            "header" => {
                // `-H @file` reads headers from a file
                if !arg.d.text.starts_with('@') {
                    self.headers.push(arg.d);
                }
                return;
            }
            "url" => {
                if self.url.is_none() {
                    self.url = Some(arg.d);
                }
                return;
            }
            "upload-file" => {
                self.upload = Some(arg.d);
                return;
            }
            "data-urlencode" | "url-query" => {
                self.urlencode |= long == "data-urlencode";
                return;
            }
            "form" | "form-string" => {
                self.form = true;
                return;
            }
            _ => return,
        };
        let point = if arg.d.text.is_empty() {
            arg.word.span.end
        } else {
            arg.d.src_start(0)
        };
        self.pieces.push(Piece {
            kind,
            bad: arg.word.unterminated || arg.word.opaque,
            subst: if arg.whole {
                arg.word.subst.clone()
            } else {
                None
            },
            d: arg.d,
            point,
        });
    }

    fn flag(&mut self, long: &str) {
        match long {
            "head" => self.head = true,
            "get" => self.get = true,
            _ => {}
        }
    }

    fn resolve(piece: &Piece, cmds: &[Cmd], ci: usize) -> Option<Input> {
        if piece.bad {
            return None;
        }
        if let Some(input) = &piece.subst {
            return Some(input.clone());
        }
        if piece.kind != DataKind::Raw {
            if let Some(path) = piece.d.text.strip_prefix('@') {
                if path == "-" {
                    return match stdin_of(cmds, ci)? {
                        Input::Text(d) if piece.kind == DataKind::Data => {
                            Some(Input::Text(strip_crlf(&d)))
                        }
                        other => Some(other),
                    };
                }
                return Some(Input::File {
                    path: path.to_string(),
                    span: piece.d.map_range(1..piece.d.text.len()),
                });
            }
        }
        Some(Input::Text(piece.d.clone()))
    }

    /// The data pieces as one body: joined with `&`, `--json` pieces
    /// concatenated.
    fn data(&self, cmds: &[Cmd], ci: usize) -> Option<Input> {
        if let [only] = self.pieces.as_slice() {
            return Self::resolve(only, cmds, ci);
        }
        let mut out: Option<Decoded> = None;
        let mut previous_json = false;
        for piece in &self.pieces {
            let Input::Text(d) = Self::resolve(piece, cmds, ci)? else {
                return None;
            };
            let json = piece.kind == DataKind::Json;
            match out.as_mut() {
                None => out = Some(d),
                Some(o) => {
                    if !(previous_json && json) {
                        o.push_mapped("&", piece.point..piece.point);
                    }
                    o.append(&d);
                }
            }
            previous_json = json;
        }
        out.map(Input::Text)
    }
}

fn body_of(input: Input) -> Body {
    match input {
        Input::Text(d) => Body::Inline(d),
        Input::File { path, span } => Body::File { path, span },
    }
}

fn curl_request(cmds: &[Cmd], ci: usize, cmd: &Cmd, name: usize) -> Request {
    let mut curl = Curl::default();
    let words = &cmd.words;
    let mut end_of_options = false;
    let mut i = name + 1;
    while let Some(w) = words.get(i) {
        i += 1;
        let t = w.d.text.as_str();
        if !end_of_options && t == "--" {
            end_of_options = true;
        } else if !end_of_options && t.len() > 2 && t.starts_with("--") {
            let rest = t.get(2..).unwrap_or("");
            let (name, inline) = match rest.find('=') {
                Some(k) => (rest.get(..k).unwrap_or(""), Some(2 + k + 1)),
                None => (rest, None),
            };
            let Some((long, takes)) = long_option(name) else {
                continue;
            };
            if !takes {
                curl.flag(long);
                continue;
            }
            let arg = match inline {
                Some(at) => Some(Arg {
                    d: suffix(&w.d, at),
                    word: w,
                    whole: false,
                }),
                None => words.get(i).map(|next| {
                    i += 1;
                    Arg {
                        d: next.d.clone(),
                        word: next,
                        whole: true,
                    }
                }),
            };
            if let Some(arg) = arg {
                curl.option(long, arg);
            }
        } else if !end_of_options && t.len() > 1 && t.starts_with('-') {
            for (k, c) in t.char_indices().skip(1) {
                let Some((long, takes)) = short_option(c) else {
                    continue;
                };
                if !takes {
                    curl.flag(long);
                    continue;
                }
                let at = k + c.len_utf8();
                let arg = if at < t.len() {
                    Some(Arg {
                        d: suffix(&w.d, at),
                        word: w,
                        whole: false,
                    })
                } else {
                    words.get(i).map(|next| {
                        i += 1;
                        Arg {
                            d: next.d.clone(),
                            word: next,
                            whole: true,
                        }
                    })
                };
                if let Some(arg) = arg {
                    curl.option(long, arg);
                }
                break;
            }
        } else if curl.url.is_none() {
            curl.url = Some(w.d.clone());
        }
    }

    let has_data = !curl.pieces.is_empty() || curl.form || curl.urlencode;
    let (method, method_span) = match curl.method.take() {
        Some((m, span)) => (m, Some(span)),
        None if curl.head => ("HEAD".to_string(), None),
        None if curl.get => ("GET".to_string(), None),
        None if curl.upload.is_some() => ("PUT".to_string(), None),
        None if has_data => ("POST".to_string(), None),
        None => ("GET".to_string(), None),
    };
    let mut body = None;
    if curl.get {
        // `-G`: the data goes into the query
        let data = curl.data(cmds, ci);
        if let (Some(url), Some(Input::Text(data))) = (curl.url.as_mut(), data) {
            let sep = if url.text.contains('?') { "&" } else { "?" };
            let at = url.map_range(url.text.len()..url.text.len()).start;
            url.push_mapped(sep, at..at);
            url.append(&data);
        }
    } else if curl.form || curl.urlencode {
        // multipart or URL-encoded: not a JSON body
    } else if !curl.pieces.is_empty() {
        body = curl.data(cmds, ci).map(body_of);
    } else if let Some(upload) = &curl.upload {
        body = if upload.text == "-" {
            stdin_of(cmds, ci).map(body_of)
        } else {
            Some(Body::File {
                path: upload.text.clone(),
                span: whole(upload),
            })
        };
    }
    Request {
        span: cmd.span.clone(),
        method,
        method_span,
        url: curl.url,
        headers: curl.headers,
        body,
    }
}

// --- qlik-cli -----------------------------------------------------------------

/// The value of `--name value` or `--name=value` at `words[i]`.
fn flag_value<'w>(words: &'w [Word], i: usize, name: &str) -> Option<(Decoded, &'w Word, bool)> {
    let w = words.get(i)?;
    let t = w.d.text.as_str();
    if t == name {
        let next = words.get(i + 1)?;
        return Some((next.d.clone(), next, true));
    }
    let rest = t.strip_prefix(name)?.strip_prefix('=')?;
    Some((suffix(&w.d, t.len() - rest.len()), w, false))
}

fn qlik_request(cmd: &Cmd, name: usize) -> Option<Request> {
    let words = cmd.words.get(name + 1..)?;
    let r = words.iter().position(|w| !w.d.text.starts_with('-'))?;
    let resource = words.get(r)?;
    let sub = words.get(r + 1)?;
    let (method, method_span, mut url, mut next) = match resource.d.text.as_str() {
        "identity-provider" => {
            let at = resource.span.start..sub.span.end;
            let mut url = Decoded::new();
            match sub.d.text.as_str() {
                "create" => {
                    url.push_mapped("/api/v1/identity-providers", at);
                    ("POST".to_string(), None, url, r + 2)
                }
                "patch" => {
                    let id = words.get(r + 2).filter(|w| !w.d.text.starts_with('-'))?;
                    url.push_mapped("/api/v1/identity-providers/", at);
                    url.append(&id.d);
                    ("PATCH".to_string(), None, url, r + 3)
                }
                _ => return None,
            }
        }
        "raw" => {
            let path = words.get(r + 2)?;
            let method = sub.d.text.to_ascii_uppercase();
            (
                method,
                Some(whole_or(&sub.d, &sub.span)),
                path.d.clone(),
                r + 3,
            )
        }
        _ => return None,
    };
    let mut body = None;
    while next < words.len() {
        if let Some((d, w, whole_word)) = flag_value(words, next, "--body") {
            body = if w.unterminated || w.opaque {
                None
            } else if let (true, Some(input)) = (whole_word, &w.subst) {
                Some(body_of(input.clone()))
            } else {
                Some(Body::Inline(d))
            };
            next += 1 + usize::from(whole_word);
        } else if let Some((d, w, whole_word)) = flag_value(words, next, "--file") {
            body = Some(Body::File {
                path: d.text.clone(),
                span: whole_or(&d, &w.span),
            });
            next += 1 + usize::from(whole_word);
        } else {
            next += 1;
        }
    }
    if url.text.is_empty() {
        url = Decoded::new();
    }
    Some(Request {
        span: cmd.span.clone(),
        method,
        method_span,
        url: Some(url),
        headers: Vec::new(),
        body,
    })
}

// --- PowerShell Invoke-RestMethod / Invoke-WebRequest ---------------------------

/// Parameters of `Invoke-RestMethod` / `Invoke-WebRequest`: name, whether
/// it takes a value.
const PS_PARAMETERS: &[(&str, bool)] = &[
    ("Method", true),
    ("Uri", true),
    ("Body", true),
    ("Headers", true),
    ("ContentType", true),
    ("InFile", true),
    ("OutFile", true),
    ("Credential", true),
    ("UserAgent", true),
    ("WebSession", true),
    ("SessionVariable", true),
    ("TimeoutSec", true),
    ("MaximumRedirection", true),
    ("MaximumRetryCount", true),
    ("RetryIntervalSec", true),
    ("Proxy", true),
    ("ProxyCredential", true),
    ("CertificateThumbprint", true),
    ("Certificate", true),
    ("TransferEncoding", true),
    ("Authentication", true),
    ("Token", true),
    ("Form", true),
    ("CustomMethod", true),
    ("HttpVersion", true),
    ("ResponseHeadersVariable", true),
    ("StatusCodeVariable", true),
    ("SslProtocol", true),
    ("ConnectionTimeoutSeconds", true),
    ("OperationTimeoutSeconds", true),
    ("MaximumFollowRelLink", true),
    ("ErrorAction", true),
    ("ErrorVariable", true),
    ("OutVariable", true),
    ("UseBasicParsing", false),
    ("UseDefaultCredentials", false),
    ("DisableKeepAlive", false),
    ("PassThru", false),
    ("SkipCertificateCheck", false),
    ("SkipHeaderValidation", false),
    ("Resume", false),
    ("NoProxy", false),
    ("AllowUnencryptedAuthentication", false),
    ("PreserveAuthorizationOnRedirect", false),
    ("SkipHttpErrorCheck", false),
    ("AllowInsecureRedirect", false),
    ("FollowRelLink", false),
    ("Verbose", false),
];

fn ps_parameter(name: &str) -> Option<(&'static str, bool)> {
    if name.is_empty() {
        return None;
    }
    if let Some(&p) = PS_PARAMETERS
        .iter()
        .find(|p| p.0.eq_ignore_ascii_case(name))
    {
        return Some(p);
    }
    let lower = name.to_ascii_lowercase();
    let mut matching = PS_PARAMETERS
        .iter()
        .filter(|p| p.0.to_ascii_lowercase().starts_with(&lower));
    let &p = matching.next()?;
    matching.next().is_none().then_some(p)
}

/// `curl -Uri …` in PowerShell 5.1 is `Invoke-WebRequest`.
fn uses_web_cmdlet_params(cmd: &Cmd, name: usize) -> bool {
    cmd.words.iter().skip(name + 1).any(|w| {
        let t = w.d.text.to_ascii_lowercase();
        matches!(
            t.split(':').next(),
            Some("-uri" | "-method" | "-body" | "-headers" | "-infile" | "-contenttype")
        )
    })
}

fn ps_web_request(cmd: &Cmd, name: usize) -> Option<Request> {
    let words = &cmd.words;
    let mut method: Option<(String, Range<usize>)> = None;
    let mut url: Option<Decoded> = None;
    let mut body = None;
    let mut i = name + 1;
    while let Some(w) = words.get(i) {
        i += 1;
        let t = w.d.text.as_str();
        let is_param = t.len() > 1
            && t.starts_with('-')
            && t.as_bytes().get(1).is_some_and(u8::is_ascii_alphabetic)
            && w.d.holes.is_empty();
        if !is_param {
            if url.is_none() {
                url = Some(w.d.clone());
            }
            continue;
        }
        let rest = t.get(1..).unwrap_or("");
        let (pname, inline) = match rest.find(':') {
            Some(k) => (rest.get(..k).unwrap_or(""), Some(1 + k + 1)),
            None => (rest, None),
        };
        let Some((param, takes)) = ps_parameter(pname) else {
            continue;
        };
        if !takes {
            continue;
        }
        let (d, word) = match inline {
            Some(at) => (suffix(&w.d, at), w),
            None => match words.get(i) {
                Some(next) => {
                    i += 1;
                    (next.d.clone(), next)
                }
                None => break,
            },
        };
        match param {
            "Method" | "CustomMethod" => {
                method = Some((d.text.to_ascii_uppercase(), whole_or(&d, &word.span)))
            }
            "Uri" => url = Some(d),
            "Body" => {
                body = (!word.opaque && !word.unterminated && !is_lone_hole(&d))
                    .then_some(Body::Inline(d));
            }
            "InFile" => {
                body = (!word.opaque && d.holes.is_empty()).then(|| Body::File {
                    path: d.text.clone(),
                    span: whole_or(&d, &word.span),
                });
            }
            _ => {}
        }
    }
    let (method, method_span) = match method {
        Some((m, span)) => (m, Some(span)),
        None => ("GET".to_string(), None),
    };
    Some(Request {
        span: cmd.span.clone(),
        method,
        method_span,
        url,
        // `-Headers` is a hashtable, not `Name: value` text
        headers: Vec::new(),
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(r: &Request) -> &Decoded {
        match &r.body {
            Some(Body::Inline(d)) => {
                assert!(d.is_well_formed(), "{d:?}");
                d
            }
            other => panic!("no inline body: {other:?}"),
        }
    }

    /// The source bytes that encode the first `needle` in the decoded text.
    fn src_of<'t>(text: &'t str, d: &Decoded, needle: &str) -> &'t str {
        let k = d
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {:?}", d.text));
        &text[d.map_range(k..k + needle.len())]
    }

    fn only(text: &str, dialect: Dialect) -> Request {
        let found = extract(text, dialect, false);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        assert_eq!(found.requests.len(), 1, "{:?}", found.requests);
        found.requests.into_iter().next().unwrap()
    }

    fn url(r: &Request) -> &str {
        &r.url.as_ref().expect("a URL").text
    }

    const SEED: &str = r#"curl "https://your-tenant.us.qlikcloud.com/api/v1/identity-providers" ^
-X POST ^
-H "Content-Type: application/json" ^
-H "Authorization: Bearer <API-key>" ^
-d "{\"tenantIds\": [\"<tenant-id>\"],\"provider\": \"external\",\"protocol\": \"jwtAuth\",\"interactive\": false,\"active\": true,\"description\": \"IdP to be used for deferred authentication\",\"options\": {\"jwtLoginEnabled\": true,\"issuer\": \"myorganization\",\"staticKeys\": [{\"kid\": \"myorganization20240205\",\"pem\": \"-----BEGIN CERTIFICATE-----MIIFwzCCA6ugAwIBAgIUZ...-----END CERTIFICATE-----\"}]}}"
"#;

    #[test]
    fn seed_cmd_form() {
        let r = only(SEED, Dialect::Cmd);
        assert_eq!(r.method, "POST");
        assert_eq!(&SEED[r.method_span.clone().unwrap()], "POST");
        assert_eq!(
            url(&r),
            "https://your-tenant.us.qlikcloud.com/api/v1/identity-providers"
        );
        let headers: Vec<&str> = r.headers.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(
            headers,
            [
                "Content-Type: application/json",
                "Authorization: Bearer <API-key>"
            ]
        );
        let b = body(&r);
        assert!(b.text.starts_with(
            r#"{"tenantIds": ["<tenant-id>"],"provider": "external","protocol": "jwtAuth","#
        ));
        assert!(b.text.ends_with(r#""pem": "-----BEGIN CERTIFICATE-----MIIFwzCCA6ugAwIBAgIUZ...-----END CERTIFICATE-----"}]}}"#));
        assert_eq!(src_of(SEED, b, r#""jwtAuth""#), r#"\"jwtAuth\""#);
        assert_eq!(src_of(SEED, b, "false"), "false");
        assert_eq!(src_of(SEED, b, r#"{"kid""#), r#"{\"kid\""#);
        // the whole command, continuation lines included
        assert_eq!(&SEED[r.span.clone()], SEED.trim_end());
        // the same text with CRLF line endings, as a .cmd file has them
        let crlf = SEED.replace('\n', "\r\n");
        let r = only(&crlf, Dialect::Cmd);
        assert_eq!(body(&r).text, b.text);
        assert_eq!(src_of(&crlf, body(&r), r#""jwtAuth""#), r#"\"jwtAuth\""#);
        assert_eq!(sniff(SEED), Dialect::Cmd);
    }

    const IONOS: &str = "curl --location \\
--request POST 'https://iam.ionos.com/federation/identityproviders' \\
--header 'Authorization: Bearer eyJ0eXAiOiJKV1QiLCJraWQiO' \\
--header 'Content-Type: application/json' \\
--data '{
    \"properties\": {
        \"name\": \"My OIDC Provider\",
        \"type\": \"oidc\"
    }
}'
";

    #[test]
    fn ionos_bash_form() {
        let r = only(IONOS, Dialect::Posix);
        assert_eq!(r.method, "POST");
        assert_eq!(&IONOS[r.method_span.clone().unwrap()], "POST");
        assert_eq!(
            url(&r),
            "https://iam.ionos.com/federation/identityproviders"
        );
        assert_eq!(r.headers.len(), 2);
        assert_eq!(
            &IONOS[whole(&r.headers[1])],
            "Content-Type: application/json"
        );
        let b = body(&r);
        assert_eq!(
            b.text,
            "{\n    \"properties\": {\n        \"name\": \"My OIDC Provider\",\n        \"type\": \"oidc\"\n    }\n}"
        );
        assert_eq!(
            src_of(IONOS, b, "\"My OIDC Provider\""),
            "\"My OIDC Provider\""
        );
        assert_eq!(&IONOS[r.span.clone()], IONOS.trim_end());
    }

    #[test]
    fn crlf_script() {
        let text = IONOS.replace('\n', "\r\n");
        let r = only(&text, Dialect::Posix);
        assert_eq!(r.method, "POST");
        assert_eq!(
            url(&r),
            "https://iam.ionos.com/federation/identityproviders"
        );
        assert_eq!(r.headers.len(), 2);
        let b = body(&r);
        // inside single quotes the CR bytes are part of the argument
        assert!(b.text.starts_with("{\r\n    \"properties\""));
        assert_eq!(src_of(&text, b, "\"oidc\""), "\"oidc\"");
    }

    #[test]
    fn chrome_bash_copy_with_ansi_c_quotes() {
        let text = r#"curl 'https://tenant.eu.qlikcloud.com/api/v1/identity-providers' \
  -H 'accept: application/json' \
  -H 'content-type: application/json' \
  --data-raw $'{"description":"O\'Brien\'s IdP caf\u00e9","provider":"external"}' \
  --compressed
"#;
        let r = only(text, Dialect::Posix);
        assert_eq!(r.method, "POST");
        assert_eq!(r.method_span, None);
        let b = body(&r);
        assert_eq!(
            b.text,
            r#"{"description":"O'Brien's IdP café","provider":"external"}"#
        );
        assert_eq!(
            src_of(text, b, r#""O'Brien's IdP café""#),
            r#""O\'Brien\'s IdP caf\u00e9""#
        );
        assert_eq!(src_of(text, b, "é"), r"\u00e9");
        assert_eq!(src_of(text, b, "'"), r"\'");
    }

    #[test]
    fn spliced_variable() {
        let text = r#"curl -X POST "https://${TENANT}.us.qlikcloud.com/api/v1/identity-providers" \
  -H "Authorization: Bearer $API_KEY" \
  -d '{"tenantIds": ["'"${TENANT_ID}"'"], "provider": "external", "name": "O'\''Brien"}'
"#;
        let r = only(text, Dialect::Posix);
        let u = r.url.as_ref().unwrap();
        assert_eq!(
            u.text,
            "https://${TENANT}.us.qlikcloud.com/api/v1/identity-providers"
        );
        assert_eq!(u.holes.len(), 1);
        assert_eq!(u.holes[0].name, "TENANT");
        assert_eq!(&text[u.map_range(u.holes[0].out.clone())], "${TENANT}");
        let h = &r.headers[0];
        assert_eq!(h.text, "Authorization: Bearer $API_KEY");
        assert_eq!(h.holes[0].name, "API_KEY");
        let b = body(&r);
        assert_eq!(
            b.text,
            r#"{"tenantIds": ["${TENANT_ID}"], "provider": "external", "name": "O'Brien"}"#
        );
        assert_eq!(b.holes.len(), 1);
        assert_eq!(b.holes[0].name, "TENANT_ID");
        assert_eq!(&b.text[b.holes[0].out.clone()], "${TENANT_ID}");
        // the hole is the whole double-quoted piece
        assert_eq!(
            &text[b.map_range(b.holes[0].out.clone())],
            r#""${TENANT_ID}""#
        );
        // the JSON string around it
        assert_eq!(
            src_of(text, b, r#""${TENANT_ID}""#),
            r#""'"${TENANT_ID}"'""#
        );
        assert_eq!(src_of(text, b, r#""O'Brien""#), r#""O'\''Brien""#);
    }

    #[test]
    fn double_quoted_body_with_escapes() {
        let text = "curl -d \"{\\\"name\\\": \\\"$NAME\\\", \\\"cost\\\": \\\"\\$5\\\", \\\"re\\\": \\\"a\\\\d\\\"}\" https://h/api/v1/identity-providers\n";
        let r = only(text, Dialect::Posix);
        let b = body(&r);
        assert_eq!(b.text, r#"{"name": "$NAME", "cost": "$5", "re": "a\d"}"#);
        assert_eq!(src_of(text, b, r#""name""#), r#"\"name\""#);
        assert_eq!(src_of(text, b, "$NAME"), "$NAME");
        assert_eq!(src_of(text, b, "$5"), r"\$5");
        assert_eq!(b.holes.len(), 1);
    }

    #[test]
    fn backslash_newline_in_quotes() {
        // inside '…' it stays in the body; inside "…" it is removed
        let text = "curl -d '{\"a\": \\\n1}' https://h\ncurl -d \"{\\\"a\\\": \\\n2}\" https://h\n";
        let found = extract(text, Dialect::Posix, false);
        assert_eq!(found.requests.len(), 2);
        assert_eq!(body(&found.requests[0]).text, "{\"a\": \\\n1}");
        assert_eq!(body(&found.requests[1]).text, "{\"a\": 2}");
        assert_eq!(src_of(text, body(&found.requests[1]), "2}"), "2}");
    }

    #[test]
    fn backslash_space_at_line_end_is_not_a_continuation() {
        let text = "curl -X POST https://h/api/v1/identity-providers \\  \n  -d '{\"a\":1}'\n";
        let found = extract(text, Dialect::Posix, false);
        assert!(found.problems.is_empty());
        assert_eq!(found.requests.len(), 1);
        let r = &found.requests[0];
        assert_eq!(r.body, None);
        assert_eq!(url(r), "https://h/api/v1/identity-providers");
        assert!(!text[r.span.clone()].contains('\n'));
    }

    #[test]
    fn heredoc_unquoted_expands() {
        let text = "curl -X POST https://h/api/v1/identity-providers \\\n  -H 'Content-Type: application/json' \\\n  --data-binary @- <<EOF\n{\n  \"issuer\": \"$ISSUER\",\n  \"tenantIds\": [\"${TENANT_ID}\"],\n  \"cost\": \"\\$5\"\n}\nEOF\necho done\n";
        let r = only(text, Dialect::Posix);
        let b = body(&r);
        assert_eq!(
            b.text,
            "{\n  \"issuer\": \"$ISSUER\",\n  \"tenantIds\": [\"${TENANT_ID}\"],\n  \"cost\": \"$5\"\n}\n"
        );
        let names: Vec<&str> = b.holes.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["ISSUER", "TENANT_ID"]);
        assert_eq!(src_of(text, b, "\"$5\""), "\"\\$5\"");
        assert_eq!(src_of(text, b, "\"$ISSUER\""), "\"$ISSUER\"");
        assert!(!text[r.span.clone()].contains("EOF\n"));
    }

    #[test]
    fn heredoc_quoted_is_literal_and_d_strips_newlines() {
        let text = "curl -s https://h/api/v1/identity-providers -d @- <<'EOF'\n{\"a\": \"$NOT_A_VAR\",\n \"b\": \"\\$\"}\nEOF\n";
        let r = only(text, Dialect::Posix);
        let b = body(&r);
        // `-d @-` drops CR and LF, as curl does
        assert_eq!(b.text, "{\"a\": \"$NOT_A_VAR\", \"b\": \"\\$\"}");
        assert!(b.holes.is_empty());
        assert_eq!(src_of(text, b, "\"b\""), "\"b\"");
        assert_eq!(src_of(text, b, "\"$NOT_A_VAR\""), "\"$NOT_A_VAR\"");
        let text2 = text.replace("<<'EOF'", "<<\"EOF\"");
        assert_eq!(body(&only(&text2, Dialect::Posix)).text, b.text);
    }

    #[test]
    fn heredoc_dash_strips_tabs() {
        let text = "create() {\n\tcurl -X POST https://h/api/v1/identity-providers --json @- <<-EOF\n\t\t  {\"provider\": \"external\",\n\t\t\"active\": true}\n\tEOF\n}\n";
        let r = only(text, Dialect::Posix);
        let b = body(&r);
        assert_eq!(
            b.text,
            "  {\"provider\": \"external\",\n\"active\": true}\n"
        );
        assert_eq!(src_of(text, b, "true"), "true");
        assert_eq!(src_of(text, b, "  {\"provider\""), "  {\"provider\"");
    }

    #[test]
    fn heredoc_in_command_substitution() {
        let text = "curl -X POST \"$BASE/api/v1/identity-providers\" -d \"$(cat <<EOF\n{\"issuer\": \"$ISSUER\"}\nEOF\n)\"\n";
        let r = only(text, Dialect::Posix);
        let b = body(&r);
        assert_eq!(b.text, "{\"issuer\": \"$ISSUER\"}");
        assert_eq!(src_of(text, b, "\"issuer\""), "\"issuer\"");
        assert_eq!(b.holes[0].name, "ISSUER");
    }

    #[test]
    fn herestring_and_pipes() {
        let text = "curl --json @- https://h/a <<< '{\"a\":1}'\n\
                    echo '{\"b\": 2}' | curl -d @- https://h/b\n\
                    printf '%s' '{\"c\":3}' | curl --data-binary @- https://h/c\n\
                    cat <<EOF | curl --json @- https://h/d\n{\"d\": 4}\nEOF\n\
                    cat ./idp.json | curl --json @- https://h/e\n";
        let found = extract(text, Dialect::Posix, false);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        assert_eq!(found.requests.len(), 5);
        let r = &found.requests;
        assert_eq!(body(&r[0]).text, "{\"a\":1}\n");
        assert_eq!(src_of(text, body(&r[0]), "{\"a\":1}"), "{\"a\":1}");
        assert_eq!(body(&r[1]).text, "{\"b\": 2}");
        assert_eq!(src_of(text, body(&r[1]), "2"), "2");
        assert_eq!(body(&r[2]).text, "{\"c\":3}");
        assert_eq!(body(&r[3]).text, "{\"d\": 4}\n");
        assert_eq!(src_of(text, body(&r[3]), "4"), "4");
        match &r[4].body {
            Some(Body::File { path, span }) => {
                assert_eq!(path, "./idp.json");
                assert_eq!(&text[span.clone()], "./idp.json");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn heredoc_without_end_marker() {
        let text =
            "curl -X POST https://h/api/v1/identity-providers --data-binary @- <<EOF\n{\"a\": 1}\n";
        let found = extract(text, Dialect::Posix, false);
        assert_eq!(found.requests.len(), 1);
        assert_eq!(found.requests[0].body, None);
        assert_eq!(found.problems.len(), 1);
        let p = &found.problems[0];
        assert_eq!(&text[p.span.clone()], "<<EOF");
        assert!(p.message.contains("EOF"));
        assert!(p.help.is_some());
    }

    #[test]
    fn unterminated_quote() {
        let text = "echo start\ncurl -X POST https://h/api/v1/identity-providers -d '{\"a\": 1}\necho done\n";
        let found = extract(text, Dialect::Posix, false);
        assert_eq!(found.requests.len(), 1);
        assert_eq!(found.requests[0].body, None);
        assert_eq!(found.problems.len(), 1);
        let start = text.find("'{").unwrap();
        assert_eq!(found.problems[0].span, start..text.len());
        // a non-curl command's open quote is not ours to report
        let found = extract("echo \"it's\nls\n", Dialect::Posix, false);
        assert!(found.problems.is_empty() && found.requests.is_empty());
        // unless it swallows a curl command
        let found = extract(
            "echo \"oops\ncurl -d '{}' https://h\n",
            Dialect::Posix,
            false,
        );
        assert_eq!(found.problems.len(), 1);
        assert!(found.requests.is_empty());
    }

    #[test]
    fn a_broken_command_that_swallows_a_request_is_reported() {
        let text = "cat > body.json <<EOF\n{\"a\": 1}\ncurl -d @body.json https://h/api/v1/identity-providers\n";
        let found = extract(text, Dialect::Posix, false);
        assert!(found.requests.is_empty());
        assert_eq!(found.problems.len(), 1);
        assert_eq!(&text[found.problems[0].span.clone()], "<<EOF");
        // but not when nothing follows
        let found = extract("cat > body.json <<EOF\n{}\n", Dialect::Posix, false);
        assert!(found.problems.is_empty());
    }

    #[test]
    fn substitutions_and_prefixes() {
        let text = "RESP=\"$(sudo curl -sS -X POST https://h/a -d \"$(cat idp.json)\")\"\nID=`curl https://h/b`\nLANG=C command curl --data-binary @- https://h/c < ./idp.json\n";
        let found = extract(text, Dialect::Posix, false);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        let urls: Vec<&str> = found.requests.iter().map(url).collect();
        // backquoted commands are not looked into
        assert_eq!(urls, ["https://h/a", "https://h/c"]);
        for r in &found.requests {
            match &r.body {
                Some(Body::File { path, span }) => {
                    assert_eq!(path.trim_start_matches("./"), "idp.json");
                    assert_eq!(&text[span.clone()], path);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn file_bodies() {
        let text = "curl -d @body.json https://h/x\ncurl --json @'./my idp.json' https://h/y\ncurl -sSd@x.json https://h/z\ncurl --data-raw @literal https://h/w\n";
        let found = extract(text, Dialect::Posix, false);
        assert_eq!(found.requests.len(), 4);
        let files: Vec<(String, &str)> = found.requests[..3]
            .iter()
            .map(|r| match &r.body {
                Some(Body::File { path, span }) => (path.clone(), &text[span.clone()]),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            files,
            [
                ("body.json".to_string(), "body.json"),
                ("./my idp.json".to_string(), "./my idp.json"),
                ("x.json".to_string(), "x.json")
            ]
        );
        assert_eq!(body(&found.requests[3]).text, "@literal");
        assert!(found.requests.iter().all(|r| r.method == "POST"));
    }

    #[test]
    fn curl_options() {
        type Case<'a> = (&'a str, &'a str, Option<&'a str>, &'a str, Option<&'a str>);
        let cases: &[Case] = &[
            // text, method, method as written, url, body
            (
                "curl -XPATCH https://h/a -d '[1]'",
                "PATCH",
                Some("PATCH"),
                "https://h/a",
                Some("[1]"),
            ),
            (
                "curl --request=patch https://h/a",
                "PATCH",
                Some("patch"),
                "https://h/a",
                None,
            ),
            (
                "curl -sX PUT https://h/a --data-bin '{}'",
                "PUT",
                Some("PUT"),
                "https://h/a",
                Some("{}"),
            ),
            (
                "curl -sSd'{\"a\":1}' https://h/a",
                "POST",
                None,
                "https://h/a",
                Some("{\"a\":1}"),
            ),
            (
                "curl --data='{\"a\":1}' https://h/a",
                "POST",
                None,
                "https://h/a",
                Some("{\"a\":1}"),
            ),
            (
                "curl --data-r @x https://h/a",
                "POST",
                None,
                "https://h/a",
                Some("@x"),
            ),
            (
                "curl -d a=1 -d 'b=2' https://h/a",
                "POST",
                None,
                "https://h/a",
                Some("a=1&b=2"),
            ),
            (
                "curl --json '{\"a\":' --json '1}' https://h/a",
                "POST",
                None,
                "https://h/a",
                Some("{\"a\":1}"),
            ),
            (
                "curl -G -d a=1 https://h/a",
                "GET",
                None,
                "https://h/a?a=1",
                None,
            ),
            ("curl -I https://h/a", "HEAD", None, "https://h/a", None),
            (
                "curl -H 'X: y' -o out.json -w '%{http_code}' -u me:pw https://h/a",
                "GET",
                None,
                "https://h/a",
                None,
            ),
            ("curl -- https://h/a", "GET", None, "https://h/a", None),
            (
                "curl --url https://h/u -F a=@x",
                "POST",
                None,
                "https://h/u",
                None,
            ),
            (
                "curl --oauth2-bearer t --retry 3 --connect-timeout 5 -m 10 https://h/a -d x",
                "POST",
                None,
                "https://h/a",
                Some("x"),
            ),
            (
                "sudo -u me curl https://h/a",
                "GET",
                None,
                "https://h/a",
                None,
            ),
            (
                "/usr/bin/curl https://h/a",
                "GET",
                None,
                "https://h/a",
                None,
            ),
            ("command curl https://h/a", "GET", None, "https://h/a", None),
            (
                "TOKEN=x LANG=C curl https://h/a",
                "GET",
                None,
                "https://h/a",
                None,
            ),
            ("$ curl https://h/a", "GET", None, "https://h/a", None),
            ("curl.exe https://h/a", "GET", None, "https://h/a", None),
        ];
        for &(text, method, written, u, b) in cases {
            let r = only(text, Dialect::Posix);
            assert_eq!(r.method, method, "{text}");
            assert_eq!(r.method_span.clone().map(|s| &text[s]), written, "{text}");
            assert_eq!(url(&r), u, "{text}");
            assert_eq!(
                r.body.as_ref().map(|x| match x {
                    Body::Inline(d) => d.text.as_str(),
                    Body::File { .. } => "<file>",
                }),
                b,
                "{text}"
            );
        }
        // -T uploads a file with PUT
        let r = only("curl -T idp.json https://h/a", Dialect::Posix);
        assert_eq!(r.method, "PUT");
        assert!(matches!(r.body, Some(Body::File { .. })));
        // the synthesized `&` sits where the second piece starts
        let text = "curl -d a=1 -d 'b=2' https://h/a";
        let b = body(&only(text, Dialect::Posix)).clone();
        let amp = b.text.find('&').unwrap();
        assert_eq!(b.map_range(amp..amp + 1), 16..16);
        assert_eq!(&text[b.map_range(amp + 1..b.text.len())], "b=2");
        // an ambiguous abbreviation is not an option
        let r = only("curl --dat '{}' https://h/a", Dialect::Posix);
        assert_eq!(r.body, None);
    }

    #[test]
    fn scripts_with_several_commands() {
        let text = r#"#!/usr/bin/env bash
set -euo pipefail
# curl -d '{"commented": true}' https://h/nope
TOKEN=$(curl -s -X POST https://h/oauth/token -d 'grant_type=client_credentials' | jq -r .access_token)
curl -s "https://h/api/v1/spaces" -H "Authorization: Bearer $TOKEN" -d '{"name":"dev"}' | jq .
create_idp() {
  curl -s -X POST "https://h/api/v1/identity-providers" \
    -H "Authorization: Bearer ${TOKEN}" \
    --json '{"provider":"external","protocol":"jwtAuth"}'
}
if curl -fsS https://h/api/v1/users/me > /dev/null; then
  create_idp && echo "created ✓"
fi
mkdir -p out; ls -la
"#;
        let found = extract(text, Dialect::Posix, false);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        let urls: Vec<&str> = found.requests.iter().map(url).collect();
        assert_eq!(
            urls,
            [
                "https://h/oauth/token",
                "https://h/api/v1/spaces",
                "https://h/api/v1/identity-providers",
                "https://h/api/v1/users/me"
            ]
        );
        assert_eq!(
            body(&found.requests[0]).text,
            "grant_type=client_credentials"
        );
        let idp = &found.requests[2];
        assert_eq!(idp.method, "POST");
        assert_eq!(src_of(text, body(idp), "\"jwtAuth\""), "\"jwtAuth\"");
        assert!(text[idp.span.clone()].starts_with("curl -s -X POST"));
        assert!(text[idp.span.clone()].ends_with("jwtAuth\"}'"));
        assert_eq!(found.requests[3].method, "GET");
    }

    #[test]
    fn non_ascii_before_the_body() {
        let text = "echo 'Zoë → café'; curl -d '{\"name\":\"Zoë\",\"a\":1}' https://h/ünï\n";
        let r = only(text, Dialect::Posix);
        let b = body(&r);
        assert_eq!(src_of(text, b, "\"Zoë\""), "\"Zoë\"");
        assert_eq!(src_of(text, b, "1"), "1");
        assert_eq!(url(&r), "https://h/ünï");
    }

    #[test]
    fn console_session() {
        let text = "$ export TOKEN=abc\n\
                    $ curl -s https://h/api/v1/identity-providers \\\n\
                    >   -H 'Content-Type: application/json' \\\n\
                    >   -d '{\"provider\":\"external\",\n\
                    > \"protocol\":\"jwtAuth\"}'\n\
                    {\"id\":\"abc\",\"provider\":\"external\"}\n\
                    curl this line is output\n\
                    user@host:~/idp$ curl https://h/two\n\
                    % curl https://h/three\n";
        let found = extract(text, Dialect::Posix, true);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        let urls: Vec<&str> = found.requests.iter().map(url).collect();
        assert_eq!(
            urls,
            [
                "https://h/api/v1/identity-providers",
                "https://h/two",
                "https://h/three"
            ]
        );
        let b = body(&found.requests[0]);
        assert_eq!(
            b.text,
            "{\"provider\":\"external\",\n\"protocol\":\"jwtAuth\"}"
        );
        assert_eq!(src_of(text, b, "\"jwtAuth\""), "\"jwtAuth\"");
        assert_eq!(found.requests[0].headers.len(), 1);
    }

    #[test]
    fn console_heredoc_with_prompts() {
        let text = "$ curl --json @- https://h/x <<EOF\n> {\"a\": 1}\n> EOF\n{\"ok\":true}\n";
        let found = extract(text, Dialect::Posix, true);
        assert_eq!(found.requests.len(), 1);
        assert_eq!(body(&found.requests[0]).text, "{\"a\": 1}\n");
    }

    #[test]
    fn cmd_chrome_copy() {
        let text = "curl ^\"https://tenant.us.qlikcloud.com/api/v1/identity-providers^\" ^\n  -H ^\"content-type: application/json^\" ^\n  -H ^\"authorization: Bearer %API_KEY%^\" ^\n  --data-raw ^\"^{^\\^\"name^\\^\":^\\^\"x^\\^\",^\\^\"provider^\\^\":^\\^\"external^\\^\"^}^\" ^\n  --compressed\n";
        let r = only(text, Dialect::Cmd);
        assert_eq!(
            url(&r),
            "https://tenant.us.qlikcloud.com/api/v1/identity-providers"
        );
        assert_eq!(r.headers[0].text, "content-type: application/json");
        let auth = &r.headers[1];
        assert_eq!(auth.text, "authorization: Bearer %API_KEY%");
        assert_eq!(auth.holes[0].name, "API_KEY");
        let b = body(&r);
        assert_eq!(b.text, r#"{"name":"x","provider":"external"}"#);
        assert_eq!(src_of(text, b, r#""x""#), r#"^\^"x^\^""#);
        assert_eq!(src_of(text, b, "{"), "^{");
        assert_eq!(r.method, "POST");
        assert_eq!(sniff(text), Dialect::Cmd);
    }

    #[test]
    fn cmd_chrome_copy_with_newlines() {
        // Chrome writes a newline in the body as `^` + two line breaks
        let text =
            "curl ^\"https://h/x^\" ^\r\n  --data-raw ^\"^{^\r\n\r\n  ^\\^\"a^\\^\":1^}^\"\r\n";
        let r = only(text, Dialect::Cmd);
        let b = body(&r);
        assert_eq!(b.text, "{\n  \"a\":1}");
        assert_eq!(src_of(text, b, "\n"), "^\r\n\r\n");
        assert_eq!(src_of(text, b, "\"a\""), "^\\^\"a^\\^\"");
    }

    #[test]
    fn cmd_quotes_and_operators() {
        let text = "@echo off\r\nREM create the IdP\r\ncurl -s -X PATCH \"https://h/api/v1/identity-providers/%IDP_ID%\" -d \"[{\"\"op\"\": \"\"replace\"\"}]\" 2>nul | findstr id\r\nC:\\Windows\\System32\\curl.exe https://h/two\r\n";
        let found = extract(text, Dialect::Cmd, false);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        assert_eq!(found.requests.len(), 2);
        let r = &found.requests[0];
        assert_eq!(r.method, "PATCH");
        assert_eq!(url(r), "https://h/api/v1/identity-providers/%IDP_ID%");
        let b = body(r);
        assert_eq!(b.text, r#"[{"op": "replace"}]"#);
        assert_eq!(src_of(text, b, "\"op\""), "\"\"op\"\"");
        assert_eq!(url(&found.requests[1]), "https://h/two");
    }

    #[test]
    fn cmd_console_prompt() {
        let text = "C:\\Users\\me>curl -d \"{\\\"a\\\":1}\" https://h/x\r\n{\"ok\":true}\r\nC:\\Users\\me>\r\n";
        let found = extract(text, Dialect::Cmd, true);
        assert_eq!(found.requests.len(), 1);
        assert_eq!(body(&found.requests[0]).text, "{\"a\":1}");
    }

    #[test]
    fn powershell_curl_exe() {
        let text = "curl.exe -X POST \"https://$env:TENANT/api/v1/identity-providers\" `\n  -H \"Authorization: Bearer $env:API_KEY\" `\n  -H \"Content-Type: application/json\" `\n  -d '{\\\"provider\\\": \\\"external\\\", \\\"protocol\\\": \\\"jwtAuth\\\"}'\n";
        let r = only(text, Dialect::PowerShell);
        assert_eq!(r.method, "POST");
        let u = r.url.as_ref().unwrap();
        assert_eq!(u.text, "https://$env:TENANT/api/v1/identity-providers");
        assert_eq!(u.holes[0].name, "TENANT");
        assert_eq!(r.headers[0].holes[0].name, "API_KEY");
        let b = body(&r);
        // PowerShell passes the backslashes through: decoded literally
        assert_eq!(
            b.text,
            r#"{\"provider\": \"external\", \"protocol\": \"jwtAuth\"}"#
        );
        assert_eq!(src_of(text, b, "jwtAuth"), "jwtAuth");
        assert_eq!(sniff(text), Dialect::PowerShell);
        assert_eq!(&text[r.span.clone()], text.trim_end());
    }

    #[test]
    fn powershell_quoting() {
        let text = "curl.exe -d \"{`\"a`\": 1, \"\"b\"\": `\"`$x`\"}\" https://h/1\ncurl.exe --json '{\"name\": \"O''Brien\"}' https://h/2\n";
        let found = extract(text, Dialect::PowerShell, false);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        assert_eq!(found.requests.len(), 2);
        let b = body(&found.requests[0]);
        assert_eq!(b.text, r#"{"a": 1, "b": "$x"}"#);
        assert_eq!(src_of(text, b, "\"a\""), "`\"a`\"");
        assert_eq!(src_of(text, b, "\"b\""), "\"\"b\"\"");
        assert!(b.holes.is_empty());
        let b = body(&found.requests[1]);
        assert_eq!(b.text, r#"{"name": "O'Brien"}"#);
        assert_eq!(src_of(text, b, "\"O'Brien\""), "\"O''Brien\"");
    }

    #[test]
    fn powershell_invoke_rest_method() {
        let text = "$headers = @{ Authorization = \"Bearer $token\" }\n\
                    Invoke-RestMethod -Method Post -Uri \"https://$tenant/api/v1/identity-providers\" -Headers $headers `\n    -ContentType 'application/json' -Body @'\n{\n  \"provider\": \"external\",\n  \"protocol\": \"jwtAuth\"\n}\n'@\n\
                    $r = Invoke-WebRequest -Uri https://h/x -Method Patch -Body ($obj | ConvertTo-Json -Depth 5)\n\
                    irm https://h/y -Body $json\n";
        let found = extract(text, Dialect::PowerShell, false);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        assert_eq!(found.requests.len(), 3);
        let r = &found.requests[0];
        assert_eq!(r.method, "POST");
        assert_eq!(&text[r.method_span.clone().unwrap()], "Post");
        assert_eq!(url(r), "https://$tenant/api/v1/identity-providers");
        let b = body(r);
        assert_eq!(
            b.text,
            "{\n  \"provider\": \"external\",\n  \"protocol\": \"jwtAuth\"\n}"
        );
        assert_eq!(src_of(text, b, "\"jwtAuth\""), "\"jwtAuth\"");
        assert_eq!(found.requests[1].method, "PATCH");
        assert_eq!(found.requests[1].body, None);
        assert_eq!(found.requests[2].method, "GET");
        assert_eq!(found.requests[2].body, None);
    }

    #[test]
    fn powershell_expanding_here_string_and_console() {
        let text = "PS C:\\Users\\me> curl.exe --json @\"\n{\"issuer\": \"$env:ISSUER\", \"tab\": \"`t\"}\n\"@ https://h/x\n{\"ok\": true}\nPS> irm https://h/y\n";
        let found = extract(text, Dialect::PowerShell, true);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        assert_eq!(found.requests.len(), 2);
        let b = body(&found.requests[0]);
        assert_eq!(b.text, "{\"issuer\": \"$env:ISSUER\", \"tab\": \"\t\"}");
        assert_eq!(b.holes[0].name, "ISSUER");
        assert_eq!(src_of(text, b, "\t"), "`t");
        assert_eq!(url(&found.requests[0]), "https://h/x");
    }

    #[test]
    fn qlik_cli() {
        let text = "qlik identity-provider create --body '{\"provider\":\"external\",\"protocol\":\"jwtAuth\"}'\n\
                    qlik identity-provider patch 65f1c0 --body='[{\"op\":\"replace\",\"path\":\"/active\",\"value\":false}]'\n\
                    qlik identity-provider create --file ./idp.json\n\
                    qlik space create --name dev\n\
                    qlik raw post v1/identity-providers --body \"$(cat idp.json)\"\n";
        let found = extract(text, Dialect::Posix, false);
        assert!(found.problems.is_empty(), "{:?}", found.problems);
        assert_eq!(found.requests.len(), 4);
        let r = &found.requests[0];
        assert_eq!(r.method, "POST");
        let u = r.url.as_ref().unwrap();
        assert_eq!(u.text, "/api/v1/identity-providers");
        assert_eq!(&text[whole(u)], "identity-provider create");
        assert_eq!(src_of(text, body(r), "\"jwtAuth\""), "\"jwtAuth\"");
        let r = &found.requests[1];
        assert_eq!(r.method, "PATCH");
        assert_eq!(url(r), "/api/v1/identity-providers/65f1c0");
        assert_eq!(src_of(text, r.url.as_ref().unwrap(), "65f1c0"), "65f1c0");
        assert_eq!(src_of(text, body(r), "false"), "false");
        assert!(
            matches!(&found.requests[2].body, Some(Body::File { path, .. }) if path == "./idp.json")
        );
        let r = &found.requests[3];
        assert_eq!(
            (r.method.as_str(), url(r)),
            ("POST", "v1/identity-providers")
        );
        assert!(matches!(&r.body, Some(Body::File { path, .. }) if path == "idp.json"));
    }

    #[test]
    fn dialects() {
        assert_eq!(sniff(""), Dialect::Posix);
        assert_eq!(sniff("x ^\n"), Dialect::Cmd);
        assert_eq!(sniff("curl x \\\n -d y\n"), Dialect::Posix);
        assert_eq!(sniff("PS C:\\> curl.exe x\n"), Dialect::PowerShell);
        assert_eq!(sniff("curl x `\n -d y\n"), Dialect::PowerShell);
        assert_eq!(sniff("curl x ^\n -d y\n"), Dialect::Cmd);
    }

    #[test]
    fn hostile_inputs_are_linear() {
        let n = 1 << 20;
        let inputs = [
            "$(".repeat(n / 2),
            "${".repeat(n / 2),
            "'".repeat(n),
            "\"$(".repeat(n / 3),
            "curl <<EOF ".repeat(n / 11),
            "<<A\n".repeat(n / 4),
            "^".repeat(n),
            "`".repeat(n),
            "@'\n".repeat(n / 3),
            "((((".repeat(n / 4),
            "{".repeat(n),
            "\\\"".repeat(n / 2),
            "curl -d ".repeat(n / 8),
            "a\n".repeat(n / 2),
            "<a".repeat(n / 2),
            "$'\\x".repeat(n / 4),
            "%a".repeat(n / 2),
        ];
        let start = std::time::Instant::now();
        for input in &inputs {
            for dialect in [Dialect::Posix, Dialect::Cmd, Dialect::PowerShell] {
                for console in [false, true] {
                    let found = extract(input, dialect, console);
                    for r in &found.requests {
                        assert!(input.get(r.span.clone()).is_some());
                    }
                }
            }
        }
        assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn json_ish(chars: &'static [char]) -> impl Strategy<Value = String> {
            proptest::collection::vec(proptest::sample::select(chars), 0..48)
                .prop_map(|v| v.into_iter().collect())
        }

        const CHARS: &[char] = &[
            '"', '\'', '\\', '$', ' ', '\n', '\t', '{', '}', '[', ']', ':', ',', 'a', 'Z', '0',
            '_', 'é', '日', '😀', '`', '^', '&', '|', '<', '>', '!', '(', ')', ';', '#', '*', '@',
        ];
        /// cmd cannot carry a line break inside an argument, and `%…%` is
        /// a variable there.
        const CMD_CHARS: &[char] = &[
            '"', '\'', '\\', '$', ' ', '\t', '{', '}', '[', ']', ':', ',', 'a', 'Z', '0', 'é',
            '日', '😀', '`', '^', '&', '|', '<', '>', '!', '(', ')', ';', '#', '@',
        ];

        const CHROME_CHARS: &[char] = &[
            '"', '\'', '$', ' ', '\n', '\t', '{', '}', '[', ']', ':', ',', 'a', 'Z', '0', '_', 'é',
            '日', '😀', '`', '^', '&', '|', '<', '>', '!', '(', ')', ';', '#', '%', '@',
        ];

        fn sh_single(s: &str) -> String {
            format!("'{}'", s.replace('\'', r"'\''"))
        }

        fn sh_double(s: &str) -> String {
            let mut out = String::from("\"");
            for c in s.chars() {
                if matches!(c, '"' | '\\' | '$' | '`') {
                    out.push('\\');
                }
                out.push(c);
            }
            out.push('"');
            out
        }

        fn ansi_c(s: &str) -> String {
            let mut out = String::from("$'");
            for c in s.chars() {
                match c {
                    '\\' => out.push_str(r"\\"),
                    '\'' => out.push_str(r"\'"),
                    '\n' => out.push_str(r"\n"),
                    '\t' => out.push_str(r"\t"),
                    'é' => out.push_str(r"\u00e9"),
                    c => out.push(c),
                }
            }
            out.push('\'');
            out
        }

        /// The Microsoft C runtime's quoting (Python's `list2cmdline`).
        fn cmd_double(s: &str) -> String {
            let mut out = String::from("\"");
            let mut backslashes = 0;
            for c in s.chars() {
                match c {
                    '\\' => backslashes += 1,
                    '"' => {
                        out.push_str(&"\\".repeat(2 * backslashes + 1));
                        out.push('"');
                        backslashes = 0;
                    }
                    c => {
                        out.push_str(&"\\".repeat(backslashes));
                        out.push(c);
                        backslashes = 0;
                    }
                }
            }
            out.push_str(&"\\".repeat(2 * backslashes));
            out.push('"');
            out
        }

        /// Chrome's "Copy as cURL (cmd)" (`escapeStringWin`; it doubles
        /// every backslash, which the C runtime then keeps doubled, so the
        /// alphabet has none).
        fn cmd_chrome(s: &str) -> String {
            let mut out = String::from("^\"");
            let mut chars = s.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '"' => out.push_str("^\\^\""),
                    '%' if chars
                        .peek()
                        .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '_') =>
                    {
                        out.push_str("%^")
                    }
                    '\n' => out.push_str("^\n\n"),
                    c if c.is_ascii_alphanumeric() || " \t_-:=+~'/.,?;()*`".contains(c) => {
                        out.push(c)
                    }
                    c => {
                        out.push('^');
                        out.push(c);
                    }
                }
            }
            out.push_str("^\"");
            out
        }

        fn ps_double(s: &str) -> String {
            let mut out = String::from("\"");
            for c in s.chars() {
                match c {
                    '`' | '"' | '$' => {
                        out.push('`');
                        out.push(c);
                    }
                    '\n' => out.push_str("`n"),
                    c => out.push(c),
                }
            }
            out.push('"');
            out
        }

        fn ps_single(s: &str) -> String {
            format!("'{}'", s.replace('\'', "''"))
        }

        /// Decodes `curl --data-raw <word> <url>` (`-d` would read `@…` as a
        /// file) and checks the body and its map.
        fn round_trip(
            s: &str,
            word: &str,
            program: &str,
            dialect: Dialect,
        ) -> Result<(), TestCaseError> {
            let head = format!("{program} --data-raw ");
            let text = format!("{head}{word} https://h/api/v1/identity-providers\n");
            let found = extract(&text, dialect, false);
            prop_assert!(found.problems.is_empty(), "{:?}", found.problems);
            prop_assert_eq!(found.requests.len(), 1);
            let r = &found.requests[0];
            prop_assert_eq!(
                r.url.as_ref().map(|u| u.text.as_str()),
                Some("https://h/api/v1/identity-providers")
            );
            let Some(Body::Inline(d)) = &r.body else {
                return Err(TestCaseError::fail(format!("no body: {:?}", r.body)));
            };
            prop_assert_eq!(d.text.as_str(), s);
            prop_assert!(d.is_well_formed());
            let word_range = head.len()..head.len() + word.len();
            for k in 0..d.text.len() {
                let src = d.map_range(k..k + 1);
                prop_assert!(
                    word_range.start <= src.start && src.end <= word_range.end && !src.is_empty(),
                    "byte {} maps to {:?}, outside {:?}",
                    k,
                    src,
                    word_range
                );
            }
            for seg in d.segments.iter().filter(|seg| seg.verbatim) {
                prop_assert_eq!(&text[seg.src.clone()], &d.text[seg.out.clone()]);
            }
            Ok(())
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            #[test]
            fn posix_single_quotes(s in json_ish(CHARS)) {
                round_trip(&s, &sh_single(&s), "curl", Dialect::Posix)?;
            }

            #[test]
            fn posix_double_quotes(s in json_ish(CHARS)) {
                round_trip(&s, &sh_double(&s), "curl", Dialect::Posix)?;
            }

            #[test]
            fn posix_ansi_c_quotes(s in json_ish(CHARS)) {
                round_trip(&s, &ansi_c(&s), "curl", Dialect::Posix)?;
            }

            #[test]
            fn cmd_double_quotes(s in json_ish(CMD_CHARS)) {
                round_trip(&s, &cmd_double(&s), "curl", Dialect::Cmd)?;
            }

            #[test]
            fn cmd_chrome_copy(s in json_ish(CHROME_CHARS)) {
                round_trip(&s, &cmd_chrome(&s), "curl", Dialect::Cmd)?;
            }

            #[test]
            fn powershell_double_quotes(s in json_ish(CHARS)) {
                round_trip(&s, &ps_double(&s), "curl.exe", Dialect::PowerShell)?;
            }

            #[test]
            fn powershell_single_quotes(s in json_ish(CHARS)) {
                round_trip(&s, &ps_single(&s), "curl.exe", Dialect::PowerShell)?;
            }

            #[test]
            fn never_panics(text in "(\\PC|[\"'`$\\\\^%@(){}<>|&;#\\n\\r\\t ]|curl |-d |<<EOF\n|EOF\n|\\$\\(|\\$'|@'\n|'@\n| \\^\n| `\n|\\\\\n|qlik identity-provider create |Invoke-RestMethod -Body ){0,80}") {
                for dialect in [Dialect::Posix, Dialect::Cmd, Dialect::PowerShell] {
                    for console in [false, true] {
                        let found = extract(&text, dialect, console);
                        for r in &found.requests {
                            prop_assert!(text.get(r.span.clone()).is_some());
                            if let Some(span) = &r.method_span {
                                prop_assert!(text.get(span.clone()).is_some());
                            }
                            let mut decoded: Vec<&Decoded> = r.headers.iter().chain(r.url.as_ref()).collect();
                            match &r.body {
                                Some(Body::Inline(d)) => decoded.push(d),
                                Some(Body::File { span, .. }) => prop_assert!(text.get(span.clone()).is_some()),
                                None => {}
                            }
                            for d in decoded {
                                prop_assert!(d.is_well_formed());
                                for seg in &d.segments {
                                    prop_assert!(text.get(seg.src.clone()).is_some(), "{:?} in {:?}", seg, text);
                                }
                                for h in &d.holes {
                                    prop_assert!(d.text.get(h.out.clone()).is_some());
                                }
                            }
                        }
                        for p in &found.problems {
                            prop_assert!(text.get(p.span.clone()).is_some());
                        }
                    }
                }
            }
        }
    }
}
