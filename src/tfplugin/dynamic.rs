//! The wire form of values (`DynamicValue`): msgpack as Terraform sends it, JSON for
//! raw states. Both are translated to and from one JSON tree in which an unknown value
//! is a marker object ([`super::value`]); the schema's [`Shape`] guides every step, so an
//! object always carries exactly its schema's attributes (null when absent) and numbers
//! keep the form Terraform expects.
//!
//! Unknown values are msgpack extension 0; Terraform may also send unknowns that carry
//! refinements (extension 12), which are read as plain unknowns.

use serde_json::{Map, Number, Value as Json};

use super::schema::Shape;
use super::value::{is_unknown_marker, unknown_marker};

/// msgpack extension code for an unknown value.
const UNKNOWN_EXT: i8 = 0;
/// msgpack extension code for an unknown value with refinements.
const REFINED_UNKNOWN_EXT: i8 = 12;

/// A value that does not fit its schema, with the path where it failed.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ValueError {
    path: String,
    message: String,
}

fn fail(path: &str, message: impl Into<String>) -> ValueError {
    ValueError {
        path: if path.is_empty() {
            "value".into()
        } else {
            path.to_string()
        },
        message: message.into(),
    }
}

/// Decodes msgpack bytes into the JSON tree. Empty bytes are null.
pub fn decode_msgpack(bytes: &[u8], shape: &Shape) -> Result<Json, ValueError> {
    if bytes.is_empty() {
        return Ok(Json::Null);
    }
    let mut cursor = bytes;
    let value = rmpv::decode::read_value(&mut cursor)
        .map_err(|e| fail("", format!("malformed msgpack: {e}")))?;
    from_msgpack(&value, shape, "")
}

/// Encodes the JSON tree as msgpack bytes.
pub fn encode_msgpack(value: &Json, shape: &Shape) -> Result<Vec<u8>, ValueError> {
    let value = to_msgpack(value, shape, "")?;
    let mut out = Vec::new();
    rmpv::encode::write_value(&mut out, &value).map_err(|e| fail("", e.to_string()))?;
    Ok(out)
}

/// Reads a raw JSON state (UpgradeResourceState) into the JSON tree: attributes the
/// schema lacks are dropped, missing ones become null.
pub fn decode_json_state(bytes: &[u8], shape: &Shape) -> Result<Json, ValueError> {
    let raw: Json = serde_json::from_slice(bytes)
        .map_err(|e| fail("", format!("malformed JSON state: {e}")))?;
    let packed = encode_msgpack(&raw, shape)?;
    decode_msgpack(&packed, shape)
}

/// Brings a JSON tree to exactly the schema's shape: attributes the schema lacks are
/// dropped, missing ones become null, numbers and strings take the schema's type.
pub fn normalize(tree: &Json, shape: &Shape) -> Result<Json, ValueError> {
    decode_msgpack(&encode_msgpack(tree, shape)?, shape)
}

fn child(path: &str, step: &str) -> String {
    if path.is_empty() {
        step.to_string()
    } else {
        format!("{path}.{step}")
    }
}

fn from_msgpack(value: &rmpv::Value, shape: &Shape, path: &str) -> Result<Json, ValueError> {
    use rmpv::Value as M;
    match (value, shape) {
        (M::Nil, _) => Ok(Json::Null),
        (M::Ext(code, _), _) if *code == UNKNOWN_EXT || *code == REFINED_UNKNOWN_EXT => {
            Ok(unknown_marker())
        }
        (M::String(s), Shape::String) => s
            .as_str()
            .map(|s| Json::String(s.to_string()))
            .ok_or_else(|| fail(path, "string is not UTF-8")),
        (_, Shape::Number) => msgpack_number(value, path),
        (M::Boolean(b), Shape::Bool) => Ok(Json::Bool(*b)),
        (M::Array(items), Shape::List(inner) | Shape::Set(inner)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| from_msgpack(item, inner, &format!("{path}[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map(Json::Array),
        (M::Map(entries), Shape::Map(inner)) => {
            let mut out = Map::new();
            for (key, item) in entries {
                let key = key
                    .as_str()
                    .ok_or_else(|| fail(path, "map key is not a string"))?;
                out.insert(
                    key.to_string(),
                    from_msgpack(item, inner, &child(path, key))?,
                );
            }
            Ok(Json::Object(out))
        }
        (M::Map(entries), Shape::Object(fields)) => {
            let mut out = Map::new();
            for (name, field_shape) in fields {
                let found = entries
                    .iter()
                    .find(|(k, _)| k.as_str() == Some(name.as_str()))
                    .map(|(_, v)| v);
                let decoded = match found {
                    Some(v) => from_msgpack(v, field_shape, &child(path, name))?,
                    None => Json::Null,
                };
                out.insert(name.clone(), decoded);
            }
            Ok(Json::Object(out))
        }
        (M::Array(pair), Shape::Dynamic) if pair.len() == 2 => from_msgpack_untyped(&pair[1], path),
        (_, Shape::Dynamic) => from_msgpack_untyped(value, path),
        (other, expected) => Err(fail(
            path,
            format!("expected {expected:?}, got msgpack {other}"),
        )),
    }
}

fn msgpack_number(value: &rmpv::Value, path: &str) -> Result<Json, ValueError> {
    use rmpv::Value as M;
    match value {
        M::Integer(i) => {
            if let Some(n) = i.as_i64() {
                Ok(Json::Number(n.into()))
            } else if let Some(n) = i.as_u64() {
                Ok(Json::Number(n.into()))
            } else {
                Err(fail(path, "integer out of range"))
            }
        }
        M::F64(f) => float(*f, path),
        M::F32(f) => float(f64::from(*f), path),
        // cty sends numbers that fit no machine type as their decimal text.
        M::String(s) => {
            let text = s.as_str().unwrap_or_default();
            text.parse::<f64>()
                .map_err(|_| fail(path, format!("not a number: {text:?}")))
                .and_then(|f| float(f, path))
        }
        other => Err(fail(
            path,
            format!("expected a number, got msgpack {other}"),
        )),
    }
}

fn float(f: f64, path: &str) -> Result<Json, ValueError> {
    Number::from_f64(f)
        .map(Json::Number)
        .ok_or_else(|| fail(path, "number is not finite"))
}

fn from_msgpack_untyped(value: &rmpv::Value, path: &str) -> Result<Json, ValueError> {
    use rmpv::Value as M;
    match value {
        M::Nil => Ok(Json::Null),
        M::Ext(..) => Ok(unknown_marker()),
        M::Boolean(b) => Ok(Json::Bool(*b)),
        M::Integer(_) | M::F32(_) | M::F64(_) => msgpack_number(value, path),
        M::String(s) => Ok(Json::String(s.as_str().unwrap_or_default().to_string())),
        M::Binary(_) => Err(fail(path, "binary values are not supported")),
        M::Array(items) => items
            .iter()
            .map(|i| from_msgpack_untyped(i, path))
            .collect::<Result<Vec<_>, _>>()
            .map(Json::Array),
        M::Map(entries) => {
            let mut out = Map::new();
            for (k, v) in entries {
                out.insert(
                    k.as_str().unwrap_or_default().to_string(),
                    from_msgpack_untyped(v, path)?,
                );
            }
            Ok(Json::Object(out))
        }
    }
}

fn to_msgpack(value: &Json, shape: &Shape, path: &str) -> Result<rmpv::Value, ValueError> {
    use rmpv::Value as M;
    if value.is_null() {
        return Ok(M::Nil);
    }
    if is_unknown_marker(value) {
        return Ok(M::Ext(UNKNOWN_EXT, vec![0]));
    }
    match (shape, value) {
        (Shape::String, Json::String(s)) => Ok(M::from(s.as_str())),
        // A state written by an older schema may hold a number or bool where a string is
        // now expected: keep its text.
        (Shape::String, Json::Number(n)) => Ok(M::from(n.to_string())),
        (Shape::String, Json::Bool(b)) => Ok(M::from(b.to_string())),
        (Shape::Number, Json::Number(n)) => Ok(json_number(n)),
        (Shape::Number, Json::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|f| {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    M::from(f as i64)
                } else {
                    M::F64(f)
                }
            })
            .ok_or_else(|| fail(path, format!("not a number: {s:?}"))),
        (Shape::Bool, Json::Bool(b)) => Ok(M::Boolean(*b)),
        (Shape::Bool, Json::String(s)) if s == "true" || s == "false" => {
            Ok(M::Boolean(s == "true"))
        }
        (Shape::List(inner) | Shape::Set(inner), Json::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| to_msgpack(item, inner, &format!("{path}[{i}]")))
            .collect::<Result<Vec<_>, _>>()
            .map(M::Array),
        (Shape::Map(inner), Json::Object(entries)) => entries
            .iter()
            .map(|(k, v)| Ok((M::from(k.as_str()), to_msgpack(v, inner, &child(path, k))?)))
            .collect::<Result<Vec<_>, ValueError>>()
            .map(M::Map),
        (Shape::Object(fields), Json::Object(entries)) => fields
            .iter()
            .map(|(name, field_shape)| {
                let field = entries.get(name).unwrap_or(&Json::Null);
                Ok((
                    M::from(name.as_str()),
                    to_msgpack(field, field_shape, &child(path, name))?,
                ))
            })
            .collect::<Result<Vec<_>, ValueError>>()
            .map(M::Map),
        (Shape::Dynamic, other) => Ok(M::Array(vec![
            M::Binary(dynamic_type(other).to_string().into_bytes()),
            untyped_to_msgpack(other),
        ])),
        (expected, other) => Err(fail(path, format!("expected {expected:?}, got {other}"))),
    }
}

fn json_number(n: &Number) -> rmpv::Value {
    if let Some(i) = n.as_i64() {
        rmpv::Value::from(i)
    } else if let Some(u) = n.as_u64() {
        rmpv::Value::from(u)
    } else {
        rmpv::Value::F64(n.as_f64().unwrap_or_default())
    }
}

fn dynamic_type(value: &Json) -> Json {
    use serde_json::json;
    match value {
        Json::Null => json!("dynamic"),
        Json::Bool(_) => json!("bool"),
        Json::Number(_) => json!("number"),
        Json::String(_) => json!("string"),
        Json::Array(items) => json!(["tuple", items.iter().map(dynamic_type).collect::<Vec<_>>()]),
        Json::Object(fields) => {
            let types: Map<String, Json> = fields
                .iter()
                .map(|(k, v)| (k.clone(), dynamic_type(v)))
                .collect();
            json!(["object", types])
        }
    }
}

fn untyped_to_msgpack(value: &Json) -> rmpv::Value {
    use rmpv::Value as M;
    match value {
        Json::Null => M::Nil,
        Json::Bool(b) => M::Boolean(*b),
        Json::Number(n) => json_number(n),
        Json::String(s) => M::from(s.as_str()),
        Json::Array(items) => M::Array(items.iter().map(untyped_to_msgpack).collect()),
        Json::Object(fields) => M::Map(
            fields
                .iter()
                .map(|(k, v)| (M::from(k.as_str()), untyped_to_msgpack(v)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;

    fn shape() -> Shape {
        let mut timeouts = BTreeMap::new();
        timeouts.insert("create".to_string(), Shape::String);
        let mut fields = BTreeMap::new();
        fields.insert("name".to_string(), Shape::String);
        fields.insert("size".to_string(), Shape::Number);
        fields.insert("on".to_string(), Shape::Bool);
        fields.insert("tags".to_string(), Shape::List(Box::new(Shape::String)));
        fields.insert("labels".to_string(), Shape::Map(Box::new(Shape::String)));
        fields.insert(
            "timeouts".to_string(),
            Shape::List(Box::new(Shape::Object(timeouts))),
        );
        Shape::Object(fields)
    }

    #[test]
    fn round_trips_known_null_and_unknown() {
        let tree = json!({
            "name": "web", "size": 2.5, "on": true, "tags": ["a", unknown_marker()],
            "labels": {"k": "v"}, "timeouts": null,
        });
        let bytes = encode_msgpack(&tree, &shape()).unwrap();
        assert_eq!(decode_msgpack(&bytes, &shape()).unwrap(), tree);
    }

    #[test]
    fn unknown_is_extension_zero_and_refined_unknowns_are_read() {
        let bytes = encode_msgpack(&unknown_marker(), &Shape::String).unwrap();
        assert_eq!(bytes, vec![0xd4, 0x00, 0x00]);
        // fixext1 with code 12: an unknown carrying refinements.
        let refined = decode_msgpack(&[0xd4, 0x0c, 0x00], &Shape::String).unwrap();
        assert!(is_unknown_marker(&refined));
    }

    #[test]
    fn objects_get_exactly_their_schema_attributes() {
        let state = br#"{"name":"web","dropped_attribute":1,"size":"3"}"#;
        let tree = decode_json_state(state, &shape()).unwrap();
        assert_eq!(tree["size"], json!(3));
        assert_eq!(tree["tags"], Json::Null);
        assert!(tree.get("dropped_attribute").is_none());
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert!(decode_msgpack(&[0xa5, b'a'], &shape()).is_err());
        assert!(decode_msgpack(&[0x92, 0x01], &shape()).is_err());
        assert!(decode_json_state(b"{", &shape()).is_err());
        let err = decode_msgpack(
            &encode_msgpack(&json!(1), &Shape::Number).unwrap(),
            &Shape::String,
        )
        .unwrap_err();
        assert!(err.to_string().contains("expected String"), "{err}");
    }
}
