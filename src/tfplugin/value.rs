//! Typed attribute values: every Terraform value is known, null or unknown (known only
//! after apply). Resource states are plain serde structs whose fields are [`Value`]s;
//! the layer converts them to and from the wire through an intermediate JSON tree
//! (see [`super::dynamic`]) in which an unknown value is a reserved marker object.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The key of the marker object that stands for an unknown value in the intermediate
/// JSON tree. It cannot collide with an attribute name (Terraform names never hold NUL).
pub(crate) const UNKNOWN_KEY: &str = "\u{0}unknown";

/// The marker object for an unknown value.
pub(crate) fn unknown_marker() -> serde_json::Value {
    let mut map = serde_json::Map::new();
    map.insert(UNKNOWN_KEY.to_string(), serde_json::Value::Bool(true));
    serde_json::Value::Object(map)
}

/// Whether a JSON node is the unknown marker.
pub(crate) fn is_unknown_marker(value: &serde_json::Value) -> bool {
    matches!(value, serde_json::Value::Object(map) if map.len() == 1 && map.contains_key(UNKNOWN_KEY))
}

/// One attribute value as Terraform sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Value<T> {
    /// A known, non-null value.
    Value(T),
    /// Null: not written in configuration, or absent.
    #[default]
    Null,
    /// Known only after apply.
    Unknown,
}

impl<T> Value<T> {
    /// The value when it is known and not null.
    pub fn as_ref_option(&self) -> Option<&T> {
        match self {
            Value::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, mutable, when it is known and not null.
    pub fn as_mut_option(&mut self) -> Option<&mut T> {
        match self {
            Value::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value when it is known and not null, by value.
    pub fn into_option(self) -> Option<T> {
        match self {
            Value::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Whether the value is null.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Whether the value is known only after apply.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown)
    }

    /// Whether the value is known and not null.
    pub fn is_value(&self) -> bool {
        matches!(self, Value::Value(_))
    }

    /// A reference to the inner value, keeping null and unknown.
    pub fn as_ref(&self) -> Value<&T> {
        match self {
            Value::Value(v) => Value::Value(v),
            Value::Null => Value::Null,
            Value::Unknown => Value::Unknown,
        }
    }

    /// Maps a known value, keeping null and unknown.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Value<U> {
        match self {
            Value::Value(v) => Value::Value(f(v)),
            Value::Null => Value::Null,
            Value::Unknown => Value::Unknown,
        }
    }
}

impl<T> From<Option<T>> for Value<T> {
    fn from(value: Option<T>) -> Self {
        match value {
            Some(v) => Value::Value(v),
            None => Value::Null,
        }
    }
}

impl<T: Serialize> Serialize for Value<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Value(v) => v.serialize(serializer),
            Value::Null => serializer.serialize_none(),
            Value::Unknown => unknown_marker().serialize(serializer),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Value<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The layer always deserializes from its JSON tree, which is self-describing.
        let raw = serde_json::Value::deserialize(deserializer)?;
        if raw.is_null() {
            return Ok(Value::Null);
        }
        if is_unknown_marker(&raw) {
            return Ok(Value::Unknown);
        }
        serde_json::from_value(raw)
            .map(Value::Value)
            .map_err(D::Error::custom)
    }
}

/// An object with no attributes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Empty {}

/// A state with no attributes (private state, provider meta): always null in practice.
pub type ValueEmpty = Value<Empty>;

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
    struct Sample {
        name: Value<String>,
        size: Value<i64>,
        tags: Value<Vec<Value<String>>>,
        single: Value<Inner>,
    }

    #[derive(Serialize, Deserialize, Debug, PartialEq, Default, Clone)]
    struct Inner {
        create: Value<String>,
    }

    #[test]
    fn known_null_and_unknown_survive_the_json_tree() {
        let sample = Sample {
            name: Value::Value("web".into()),
            size: Value::Unknown,
            tags: Value::Value(vec![Value::Value("a".into()), Value::Unknown]),
            single: Value::Value(Inner {
                create: Value::Null,
            }),
        };
        let json = serde_json::to_value(&sample).unwrap();
        assert!(is_unknown_marker(&json["size"]));
        assert_eq!(json["single"]["create"], serde_json::Value::Null);
        let back: Sample = serde_json::from_value(json).unwrap();
        assert_eq!(back, sample);
    }
}
