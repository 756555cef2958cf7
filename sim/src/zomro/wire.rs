//! BILLmanager's JSON rendering (docs/design/wire.md, "Zomro"): every answer is `{"doc": {...}}`, text
//! values are `{"$": "..."}`, attributes are `"$name"` keys, a list of one element
//! is rendered as that element (the XML→JSON conversion BILLmanager does), an empty
//! list is left out, and errors come with HTTP 200 as `doc.error` (`$type`,
//! `$object`, `msg.$`).

use crate::http::ApiResponse;
use serde_json::{json, Map, Value};

/// The message BILLmanager answers while an operation runs on a service; the client
/// must treat it as "busy, retry" (docs/design/wire.md, "Zomro").
pub const BUSY_MESSAGE: &str = "Request in process, please wait";

/// `{"$": text}`.
pub fn text(value: impl ToString) -> Value {
    json!({ "$": value.to_string() })
}

/// A list as BILLmanager renders it: one element → the element itself, several → an
/// array, none → `None` (the key is left out).
pub fn list(items: Vec<Value>) -> Option<Value> {
    match items.len() {
        0 => None,
        1 => items.into_iter().next(),
        _ => Some(Value::Array(items)),
    }
}

/// Inserts `key` → [`list`] of `items` unless the list is empty.
pub fn put_list(map: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if let Some(value) = list(items) {
        map.insert(key.to_string(), value);
    }
}

/// A 200 answer `{"doc": body}` with the usual `$lang`/`$func` attributes.
pub fn doc(func: &str, mut body: Map<String, Value>) -> ApiResponse {
    body.insert("$lang".into(), json!("en"));
    body.insert("$func".into(), json!(func));
    ApiResponse::json(200, &json!({ "doc": body }))
}

/// `{"doc": {"ok": {"$": ""}, ...extra}}`: an operation was accepted.
pub fn ok(func: &str, extra: Vec<(&str, Value)>) -> ApiResponse {
    let mut body = Map::new();
    body.insert("ok".into(), text(""));
    for (key, value) in extra {
        body.insert(key.into(), value);
    }
    doc(func, body)
}

/// A BILLmanager error: `$type` (`auth`, `access`, `missed`, `value`, `empty`,
/// `busy`, ...), `$object` (the field or object concerned) and `msg.$`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocError {
    /// `$type`.
    pub kind: String,
    /// `$object`.
    pub object: String,
    /// `msg.$`.
    pub message: String,
}

impl DocError {
    /// An error of `kind` about `object`.
    pub fn new(kind: &str, object: &str, message: impl Into<String>) -> Self {
        DocError {
            kind: kind.into(),
            object: object.into(),
            message: message.into(),
        }
    }

    /// A required field is missing (`$type: "empty"`).
    pub fn empty(field: &str) -> Self {
        Self::new("empty", field, format!("The field '{field}' is required"))
    }

    /// A field has an invalid value (`$type: "value"`).
    pub fn value(field: &str, why: impl std::fmt::Display) -> Self {
        Self::new(
            "value",
            field,
            format!("Invalid value of the field '{field}': {why}"),
        )
    }

    /// The service (elid) does not exist (`$type: "missed"`, `$object: "elid"`).
    pub fn missed(elid: &str) -> Self {
        Self::new("missed", "elid", format!("Service {elid} not found"))
    }

    /// An operation runs on the service (docs/design/wire.md, "Zomro": busy, not failure).
    pub fn busy() -> Self {
        Self::new("busy", "elid", BUSY_MESSAGE)
    }

    /// Renders the error with `status` (200 except for injected faults).
    pub fn render(&self, status: u16) -> ApiResponse {
        let body = json!({"doc": {"error": {
            "$type": self.kind,
            "$object": self.object,
            "$lang": "en",
            "msg": {"$": self.message},
        }}});
        ApiResponse::json(status, &body)
    }
}

/// Replaces every `{"$": v}` by `v` (for `GET /_sim/state`, easier to assert on).
pub fn flatten(value: &Value) -> Value {
    match value {
        Value::Object(map) if map.len() == 1 && map.contains_key("$") => map["$"].clone(),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), flatten(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(flatten).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_element_lists_are_objects_and_empty_ones_absent() {
        assert_eq!(list(vec![]), None);
        assert_eq!(list(vec![text("a")]), Some(json!({"$": "a"})));
        assert_eq!(
            list(vec![text("a"), text("b")]),
            Some(json!([{"$": "a"}, {"$": "b"}]))
        );
        assert_eq!(
            flatten(&json!({"id": {"$": "1"}, "l": [{"$": "x"}]})),
            json!({"id": "1", "l": ["x"]})
        );
    }
}
