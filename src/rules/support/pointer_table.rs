//! Every value of a payload by its JSON pointer, so that a field query is one
//! look in a list instead of a walk that compares member names at each level,
//! and the rules that read every string go through the list instead of
//! walking the document again.
//!
//! A query first meets a screen of the pointers' lengths and last bytes,
//! which turns away nearly every absent field. What passes is compared with
//! each pointer of the same length, or, in a table of more than
//! [`SCANNED_VALUES`] values, looked up by hash.
//!
//! The rules ask a few dozen fixed fields of every document, most of them
//! absent (`/options/openid_configuration/jwks_uri` of a SAML body). Walking
//! costs a member-name comparison per member of each object on the way; a
//! payload has a few dozen values, so listing them all once is cheaper. A
//! document with many values (a large patch) keeps the walk: the table would
//! cost more than the queries it spares.

use std::hash::BuildHasher;
use std::ops::ControlFlow;

use foldhash::fast::FixedState;
use hashbrown::HashTable;
use serde_json::Value;

use super::walk_values;

/// The most values a table holds; a larger document is walked.
const MAX_VALUES: usize = 512;
/// The most values a table searches one by one instead of hashing them:
/// comparing lengths costs less than hashing every pointer.
const SCANNED_VALUES: usize = 64;
/// The most bytes of pointers a table holds, however few the values: long
/// member names nested deep must not make it large.
const MAX_POINTER_BYTES: usize = 32 * 1024;

/// The values of a small document, by pointer (RFC 6901, escaped).
pub(crate) struct PointerTable<'a> {
    /// Every pointer, end to end.
    pointers: String,
    /// Every value, parents first, in document order.
    slots: Vec<Slot<'a>>,
    /// Indices into `slots`, by the hash of the pointer; only for a
    /// document with more than [`SCANNED_VALUES`] values (a smaller one is
    /// searched slot by slot, after the screen).
    by_pointer: Option<HashTable<u32>>,
    /// Most queries are for fields the document does not have: the length
    /// and last bytes of a pointer turn nearly all of them away before any
    /// pointer is compared or hashed.
    screen: Screen,
    /// True when a member name has a `~`: only then can a pointer the table
    /// does not hold still name a value (one with an escape it never
    /// writes, such as `~2`).
    tilde_in_names: bool,
}

/// A set of 4096 bits, one per [`Screen::bit`] of a pointer.
struct Screen([u64; 64]);

impl Screen {
    fn bit(pointer: &str) -> usize {
        let bytes = pointer.as_bytes();
        let last = |back: usize| {
            bytes
                .len()
                .checked_sub(back)
                .map_or(0, |i| usize::from(bytes[i]))
        };
        (bytes.len() * 67 + last(1) * 13 + last(2)) % 4096
    }

    fn insert(&mut self, pointer: &str) {
        let bit = Self::bit(pointer);
        self.0[bit / 64] |= 1 << (bit % 64);
    }

    fn may_hold(&self, pointer: &str) -> bool {
        let bit = Self::bit(pointer);
        self.0[bit / 64] & (1 << (bit % 64)) != 0
    }
}

struct Slot<'a> {
    start: u32,
    end: u32,
    /// The name of the member that holds the value (`None` for an array
    /// item or the root).
    key: Option<&'a str>,
    value: &'a Value,
}

fn hash(pointer: &str) -> u64 {
    FixedState::default().hash_one(pointer)
}

impl<'a> PointerTable<'a> {
    /// The table of `root`, or `None` for a document with more than
    /// [`MAX_VALUES`] values or [`MAX_POINTER_BYTES`] of pointers.
    pub fn of(root: &'a Value) -> Option<Self> {
        let mut pointers = String::with_capacity(1024);
        let mut slots: Vec<Slot<'a>> = Vec::with_capacity(64);
        let mut screen = Screen([0; 64]);
        let mut tilde_in_names = false;
        let complete = walk_values(root, &mut |pointer, key, value| {
            if slots.len() == MAX_VALUES || pointers.len() + pointer.len() > MAX_POINTER_BYTES {
                return ControlFlow::Break(());
            }
            screen.insert(pointer);
            tilde_in_names |= key.is_some_and(|k| k.contains('~'));
            let start = pointers.len();
            pointers.push_str(pointer);
            slots.push(Slot {
                start: start as u32,
                end: pointers.len() as u32,
                key,
                value,
            });
            ControlFlow::Continue(())
        });
        if !complete {
            return None;
        }
        let by_pointer = (slots.len() > SCANNED_VALUES).then(|| {
            let mut by_pointer = HashTable::with_capacity(slots.len());
            for (i, slot) in slots.iter().enumerate() {
                by_pointer.insert_unique(hash(&pointers[slot.range()]), i as u32, |&i| {
                    hash(&pointers[slots[i as usize].range()])
                });
            }
            by_pointer
        });
        Some(Self {
            pointers,
            slots,
            by_pointer,
            screen,
            tilde_in_names,
        })
    }

    /// True when a pointer the table does not hold may still name a value
    /// of the document, which a walk finds.
    pub fn may_miss(&self, pointer: &str) -> bool {
        self.tilde_in_names && memchr::memchr(b'~', pointer.as_bytes()).is_some()
    }

    /// Visits every value as [`walk_values`] does: parents first, in
    /// document order, with its pointer and the name of its member.
    pub fn each(&self, visit: &mut dyn FnMut(&str, Option<&'a str>, &'a Value)) {
        for slot in &self.slots {
            visit(&self.pointers[slot.range()], slot.key, slot.value);
        }
    }

    /// The value at `pointer`, written as the table writes pointers: every
    /// `~` and `/` of a member name escaped, array indices in decimal
    /// without leading zeros.
    pub fn get(&self, pointer: &str) -> Option<&'a Value> {
        if !self.screen.may_hold(pointer) {
            return None;
        }
        let holds = |slot: &Slot<'_>| {
            (slot.end - slot.start) as usize == pointer.len()
                && &self.pointers.as_bytes()[slot.range()] == pointer.as_bytes()
        };
        match &self.by_pointer {
            Some(by_pointer) => by_pointer
                .find(hash(pointer), |&i| holds(&self.slots[i as usize]))
                .map(|&i| self.slots[i as usize].value),
            None => self.slots.iter().find(|s| holds(s)).map(|s| s.value),
        }
    }
}

impl Slot<'_> {
    fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::escape_token;
    use proptest::prelude::*;

    /// Every pointer of `value`, as the table writes them.
    fn all_pointers(value: &Value, pointer: &mut String, out: &mut Vec<String>) {
        out.push(pointer.clone());
        let len = pointer.len();
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    pointer.push('/');
                    pointer.push_str(&escape_token(k));
                    all_pointers(v, pointer, out);
                    pointer.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    pointer.push_str(&format!("/{i}"));
                    all_pointers(v, pointer, out);
                    pointer.truncate(len);
                }
            }
            _ => {}
        }
    }

    #[test]
    fn every_value_is_found_where_a_walk_finds_it() {
        let doc: Value = serde_json::from_str(
            r#"{"protocol": "OIDC", "options": {"discoveryUrl": "https://idp.acme-corp.io/.well-known/openid-configuration",
                "claimsMapping": {"sub": ["sub", "oid"], "a/b": ["x"], "c~d": []},
                "": {"": 1}, "0": [[], {}, null, true, 1.5]}}"#,
        )
        .unwrap();
        let table = PointerTable::of(&doc).unwrap();
        let mut pointers = Vec::new();
        all_pointers(&doc, &mut String::new(), &mut pointers);
        assert_eq!(pointers.len(), 19);
        for pointer in &pointers {
            assert!(
                std::ptr::eq(table.get(pointer).unwrap(), doc.pointer(pointer).unwrap()),
                "{pointer}"
            );
        }
        for absent in [
            "/options/jwks_uri",
            "/options/claimsMapping/sub/2",
            "/options/claimsMapping/sub/01",
            "/options/claimsMapping/sub/-",
            "/options/0/5",
            "/protocol/0",
            "options",
            "/",
            "/options//x",
        ] {
            assert_eq!(table.get(absent), doc.pointer(absent), "{absent}");
            assert_eq!(table.get(absent), None, "{absent}");
        }
    }

    #[test]
    fn a_table_past_the_scanned_size_finds_values_by_hash() {
        let members: serde_json::Map<String, Value> = (0..SCANNED_VALUES)
            .map(|i| (format!("m{i}~/"), serde_json::json!([i, {"x": i}])))
            .collect();
        let doc = Value::Object(members);
        let table = PointerTable::of(&doc).unwrap();
        assert!(table.by_pointer.is_some());
        let small: Value = serde_json::json!({"a": [1, {"x": 2}]});
        assert!(PointerTable::of(&small).unwrap().by_pointer.is_none());
        let mut pointers = Vec::new();
        all_pointers(&doc, &mut String::new(), &mut pointers);
        for pointer in &pointers {
            assert!(
                std::ptr::eq(table.get(pointer).unwrap(), doc.pointer(pointer).unwrap()),
                "{pointer}"
            );
        }
        for absent in ["/m0~0~1/2", "/m0/0", "/m64~0~1", "/m1~0~1/1/y"] {
            assert_eq!(table.get(absent), None, "{absent}");
        }
    }

    #[test]
    fn a_document_past_the_limits_has_no_table() {
        let many = Value::Array(vec![Value::Null; MAX_VALUES]);
        assert!(PointerTable::of(&many).is_none());
        let fits = Value::Array(vec![Value::Null; MAX_VALUES - 1]);
        assert!(PointerTable::of(&fits).is_some());
        let long_name = "n".repeat(MAX_POINTER_BYTES / 2);
        let deep: Value =
            serde_json::from_str(&format!(r#"{{"{long_name}": {{"{long_name}": 1}}}}"#)).unwrap();
        assert!(PointerTable::of(&deep).is_none());
    }

    fn json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            "[a-c~/0-9]{0,3}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::vec(("[a-c~/0-9]{0,3}", inner), 0..5)
                    .prop_map(|members| Value::Object(members.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The table answers every pointer of the document, and pointers
        /// near them, as `Value::pointer` does.
        #[test]
        fn the_table_answers_as_value_pointer_does(doc in json(), extra in "(/[a-c0-9]{0,2}){1,3}") {
            let table = PointerTable::of(&doc).unwrap();
            let mut pointers = Vec::new();
            all_pointers(&doc, &mut String::new(), &mut pointers);
            for pointer in pointers.iter().chain([&extra]) {
                let walked = doc.pointer(pointer);
                let looked_up = table.get(pointer);
                prop_assert_eq!(walked.map(|v| v as *const Value), looked_up.map(|v| v as *const Value), "{}", pointer);
            }
        }

        /// The table lists the values as the walk visits them.
        #[test]
        fn the_table_lists_values_in_walk_order(doc in json()) {
            let table = PointerTable::of(&doc).unwrap();
            let mut walked = Vec::new();
            walk_values(&doc, &mut |pointer, key, value| {
                walked.push((pointer.to_string(), key, value as *const Value));
                ControlFlow::Continue(())
            });
            let mut listed = Vec::new();
            table.each(&mut |pointer, key, value| listed.push((pointer.to_string(), key, value as *const Value)));
            prop_assert_eq!(listed, walked);
        }
    }
}
