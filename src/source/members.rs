//! Looking a member of a parsed object up by name.

use serde_json::{Map, Value};

/// Member lookups that compare names rather than hash them: payload objects
/// have a handful of members, and comparing a few names is cheaper than
/// hashing the key with the map's SipHash.
pub trait Members {
    /// The member `key`, if the value is an object that has one.
    fn member(&self, key: &str) -> Option<&Value>;

    /// True when the member `key` is present.
    fn has(&self, key: &str) -> bool {
        self.member(key).is_some()
    }
}

impl Members for Map<String, Value> {
    fn member(&self, key: &str) -> Option<&Value> {
        if self.len() > 16 {
            return self.get(key);
        }
        let key = key.as_bytes();
        // The first byte tells most names of the same length apart without
        // a call to compare the rest.
        self.iter().find_map(|(k, v)| {
            let k = k.as_bytes();
            (k.len() == key.len() && k.first() == key.first() && k == key).then_some(v)
        })
    }
}

impl Members for Value {
    fn member(&self, key: &str) -> Option<&Value> {
        self.as_object()?.member(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_are_found_as_the_map_finds_them() {
        for size in [0, 1, 3, 16, 17, 40] {
            let map: Map<String, Value> = (0..size)
                .map(|i| (format!("m{i}"), Value::from(i)))
                .chain([
                    ("".to_string(), Value::Null),
                    ("é".to_string(), Value::Bool(true)),
                ])
                .collect();
            for key in [
                "", "m0", "m1", "m15", "m16", "m39", "m", "m100", "é", "e", "M0",
            ] {
                assert_eq!(map.member(key), map.get(key), "{size} members, {key:?}");
                assert_eq!(map.has(key), map.contains_key(key));
            }
            let value = Value::Object(map.clone());
            assert_eq!(value.member("m1"), map.get("m1"));
        }
        assert_eq!(Value::from("m0").member("m0"), None);
        assert_eq!(Value::Array(vec![]).member("0"), None);
    }
}
