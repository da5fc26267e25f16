//! The pointer → byte-range index: one node per JSON value, in document order,
//! linked parent → first child → next sibling. Built by the parser in the same
//! pass that builds the `Value`.

use std::borrow::Cow;
use std::collections::HashMap;

pub(crate) const NO_NODE: u32 = u32::MAX;

/// One JSON value's place in the text. Offsets are bytes of the parsed text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Node {
    pub start: u32,
    pub end: u32,
    pub key_start: u32,
    pub key_end: u32,
    pub has_key: bool,
    pub key_escaped: bool,
    pub first_child: u32,
    pub next_sibling: u32,
    pub parent: u32,
}

/// Byte ranges of every value (and member name) of one parsed document.
#[derive(Debug, Default)]
pub struct SpanIndex {
    nodes: Vec<Node>,
    /// Direct access to the members of large containers, so that resolving
    /// many pointers into one huge object or array stays linear overall.
    large: HashMap<u32, Members>,
}

#[derive(Debug)]
enum Members {
    /// The last member of each name, as in the parsed `Value`.
    Object(HashMap<String, u32>),
    Array(Vec<u32>),
}

/// Containers with more children than this get a direct-access table.
const LARGE: usize = 32;

/// Where a JSON pointer lands in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// Byte range of the value.
    pub value: (usize, usize),
    /// Byte range of the member name with its quotes, for object members.
    pub key: Option<(usize, usize)>,
}

impl SpanIndex {
    fn walk(&self, text: &str, pointer: &str) -> Option<(u32, bool)> {
        self.view().walk(text, pointer, &self.large)
    }

    pub(crate) fn new(nodes: Vec<Node>, text: &str) -> Self {
        let view = View { nodes: &nodes };
        let mut large = HashMap::new();
        for (id, node) in nodes.iter().enumerate() {
            let id = id as u32;
            if node.first_child == NO_NODE || view.children(id).nth(LARGE).is_none() {
                continue;
            }
            let members = match text.as_bytes().get(node.start as usize) {
                Some(b'{') => Members::Object(
                    view.children(id)
                        .map(|c| (view.key_text(c, text).into_owned(), c))
                        .collect(),
                ),
                _ => Members::Array(view.children(id).collect()),
            };
            large.insert(id, members);
        }
        Self { nodes, large }
    }

    pub(crate) fn borrowed(nodes: &[Node]) -> View<'_> {
        View { nodes }
    }

    fn view(&self) -> View<'_> {
        View { nodes: &self.nodes }
    }

    /// The value (and key) at `pointer`, if the document has it.
    pub fn locate(&self, text: &str, pointer: &str) -> Option<Located> {
        let (node, complete) = self.walk(text, pointer)?;
        complete.then(|| self.view().located(node))
    }

    /// The deepest existing value on the way to `pointer`, and whether it is
    /// the value at `pointer` itself.
    pub fn nearest(&self, text: &str, pointer: &str) -> Option<(Located, bool)> {
        let (node, complete) = self.walk(text, pointer)?;
        Some((self.view().located(node), complete))
    }

    /// Every pointer in the document, in document order (for tests and tools).
    pub fn pointers(&self, text: &str) -> Vec<String> {
        (0..self.nodes.len() as u32)
            .map(|id| self.view().pointer_of(id, text))
            .collect()
    }
}

#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    nodes: &'a [Node],
}

impl<'a> View<'a> {
    pub fn children(self, id: u32) -> impl Iterator<Item = u32> + 'a {
        let nodes = self.nodes;
        let mut next = nodes.get(id as usize).map_or(NO_NODE, |n| n.first_child);
        std::iter::from_fn(move || {
            if next == NO_NODE {
                return None;
            }
            let current = next;
            next = nodes[current as usize].next_sibling;
            Some(current)
        })
    }

    pub fn key_range(self, id: u32) -> (usize, usize) {
        let n = &self.nodes[id as usize];
        (n.key_start as usize, n.key_end as usize)
    }

    pub fn key_text(self, id: u32, text: &'a str) -> Cow<'a, str> {
        let n = &self.nodes[id as usize];
        let quoted = &text[n.key_start as usize..n.key_end as usize];
        if !n.key_escaped {
            return Cow::Borrowed(&quoted[1..quoted.len() - 1]);
        }
        Cow::Owned(serde_json::from_str::<String>(quoted).unwrap_or_default())
    }

    pub fn key_is(self, id: u32, text: &str, name: &str) -> bool {
        self.nodes[id as usize].has_key && self.key_text(id, text) == name
    }

    pub fn located(self, id: u32) -> Located {
        let n = &self.nodes[id as usize];
        Located {
            value: (n.start as usize, n.end as usize),
            key: n
                .has_key
                .then_some((n.key_start as usize, n.key_end as usize)),
        }
    }

    pub fn pointer_of(self, id: u32, text: &str) -> String {
        let mut tokens = Vec::new();
        let mut current = id;
        while let Some(node) = self.nodes.get(current as usize) {
            if node.parent == NO_NODE {
                break;
            }
            if node.has_key {
                tokens.push(escape_token(&self.key_text(current, text)).into_owned());
            } else {
                let position = self.children(node.parent).position(|c| c == current);
                tokens.push(position.unwrap_or(0).to_string());
            }
            current = node.parent;
        }
        tokens.iter().rev().fold(String::new(), |mut acc, t| {
            acc.push('/');
            acc.push_str(t);
            acc
        })
    }

    /// Follows `pointer` as far as the document allows. Within an object the
    /// last member of a name wins, as it does in the parsed `Value`.
    fn walk(self, text: &str, pointer: &str, large: &HashMap<u32, Members>) -> Option<(u32, bool)> {
        if self.nodes.is_empty() {
            return None;
        }
        let mut current = 0u32;
        if pointer.is_empty() {
            return Some((current, true));
        }
        let Some(rest) = pointer.strip_prefix('/') else {
            return Some((current, false));
        };
        for raw in tokens(rest) {
            let token = unescape_token(raw);
            let index = || parse_index(&token);
            let members = if large.is_empty() {
                None
            } else {
                large.get(&current)
            };
            let next = match members {
                Some(Members::Object(map)) => map.get(token.as_ref()).copied(),
                Some(Members::Array(items)) => index().and_then(|i| items.get(i).copied()),
                None => match text
                    .as_bytes()
                    .get(self.nodes[current as usize].start as usize)
                {
                    Some(b'{') => self
                        .children(current)
                        .filter(|&c| self.key_is(c, text, &token))
                        .last(),
                    Some(b'[') => index().and_then(|i| self.children(current).nth(i)),
                    _ => None,
                },
            };
            match next {
                Some(n) => current = n,
                None => return Some((current, false)),
            }
        }
        Some((current, true))
    }
}

/// Escapes one reference token per RFC 6901 (`~` → `~0`, `/` → `~1`).
pub fn escape_token(token: &str) -> Cow<'_, str> {
    // Tokens are member names, a few bytes long: a plain scan beats a searcher.
    if token.bytes().any(|b| b == b'~' || b == b'/') {
        Cow::Owned(token.replace('~', "~0").replace('/', "~1"))
    } else {
        Cow::Borrowed(token)
    }
}

/// The last reference token of `pointer`, still escaped: what follows its
/// last `/` (the whole text when it has none).
pub fn last_token(pointer: &str) -> &str {
    memchr::memrchr(b'/', pointer.as_bytes()).map_or(pointer, |i| &pointer[i + 1..])
}

/// The reference tokens of `pointer` split at every `/`, as
/// `pointer.split('/')` yields them. Pointers are a few dozen bytes and are
/// split many times per document: a plain byte scan beats a char searcher.
pub fn tokens(pointer: &str) -> Tokens<'_> {
    Tokens {
        rest: Some(pointer),
    }
}

/// The iterator [`tokens`] returns.
#[derive(Clone)]
pub struct Tokens<'a> {
    rest: Option<&'a str>,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.rest?;
        match rest.bytes().position(|b| b == b'/') {
            Some(i) => {
                self.rest = Some(&rest[i + 1..]);
                Some(&rest[..i])
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }
}

/// An array index token as RFC 6901 writes it: digits, no leading zero.
pub fn parse_index(token: &str) -> Option<usize> {
    if token.is_empty()
        || (token.len() > 1 && token.starts_with('0'))
        || !token.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    token.parse().ok()
}

/// Unescapes one reference token per RFC 6901 (`~1` → `/`, then `~0` → `~`).
pub fn unescape_token(token: &str) -> Cow<'_, str> {
    if token.bytes().any(|b| b == b'~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}
