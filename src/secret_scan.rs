//! Finding the secrets of a JSON answer without building its tree.
//!
//! Every answer is searched for text values under secret-named keys
//! ([`crate::http::is_secret_key`]: session ids, passwords), which are then masked
//! wherever they might appear later. A list of hundreds of servers is a large answer;
//! walking it as a stream keeps that search from costing a second copy of the answer
//! in memory next to the client's own decoding.

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::http::is_secret_key;

/// Calls `found` with every text value under a secret-named key of the JSON `bytes`,
/// at any depth (a secret-named key holding an object or a list is searched inside,
/// as any other). Fails when `bytes` are not one JSON value; texts found before the
/// failure have been reported.
pub fn secrets_in_json(bytes: &[u8], found: &mut dyn FnMut(&str)) -> Result<(), serde_json::Error> {
    let mut reader = serde_json::Deserializer::from_slice(bytes);
    Scan {
        under_secret_key: false,
        found,
    }
    .deserialize(&mut reader)?;
    reader.end()
}

/// One JSON value being walked; `under_secret_key` when its key names a secret.
struct Scan<'f> {
    under_secret_key: bool,
    found: &'f mut dyn FnMut(&str),
}

impl<'de> DeserializeSeed<'de> for Scan<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Scan<'_> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<(), E> {
        if self.under_secret_key {
            (self.found)(text);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(secret) = map.next_key_seed(KeyIsSecret)? {
            map.next_value_seed(Scan {
                under_secret_key: secret,
                found: &mut *self.found,
            })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
        while items
            .next_element_seed(Scan {
                under_secret_key: false,
                found: &mut *self.found,
            })?
            .is_some()
        {}
        Ok(())
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A map key, read as whether it names a secret (borrowed from the input when it
/// has no escapes).
struct KeyIsSecret;

impl<'de> DeserializeSeed<'de> for KeyIsSecret {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyIsSecret {
    type Value = bool;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<bool, E> {
        Ok(is_secret_key(key))
    }

    fn visit_bytes<E: serde::de::Error>(self, _: &[u8]) -> Result<bool, E> {
        Err(E::custom("an object key that is not text"))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;

    /// The definition the stream must keep: the same walk over the decoded tree.
    fn secrets_by_tree(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    match v {
                        Value::String(text) if is_secret_key(k) => out.push(text.clone()),
                        other => secrets_by_tree(other, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| secrets_by_tree(v, out)),
            _ => {}
        }
    }

    fn by_stream(text: &str) -> Result<Vec<String>, serde_json::Error> {
        let mut out = Vec::new();
        secrets_in_json(text.as_bytes(), &mut |s| out.push(s.to_string()))?;
        Ok(out)
    }

    #[test]
    fn finds_what_the_tree_walk_finds_at_any_depth() {
        let answers = [
            json!({"id": 1, "password": "pw-1", "nested": {"api_token": "tok-2", "name": "x"}}),
            json!([{"auth": {"$": "sess-3"}}, {"list": [{"secret": "s-4"}, 5, null, true]}]),
            json!({"doc": {"auth": "sess-5", "elem": [{"password": 7}, {"key\"with\\escapes": "v"}]}}),
            json!({"Password ": "pw-6", "private_key": "-----BEGIN", "keys": [{"id": 1}]}),
            json!({"token": {"value": "inner"}, "passwords": ["a", "b"], "x": 1.5e3}),
            json!("a bare text"),
            json!(42),
        ];
        for answer in answers {
            let mut expected = Vec::new();
            secrets_by_tree(&answer, &mut expected);
            let text = answer.to_string();
            assert_eq!(by_stream(&text).unwrap(), expected, "{text}");
        }
        assert_eq!(
            by_stream(r#"{"pass\u0077ord": "escaped-key"}"#).unwrap(),
            vec!["escaped-key".to_string()]
        );
    }

    #[test]
    fn an_answer_that_is_not_one_json_value_is_an_error() {
        assert!(by_stream("not json").is_err());
        assert!(by_stream(r#"{"password": "x"} trailing"#).is_err());
        assert!(by_stream(r#"{"password": "x""#).is_err());
    }
}
