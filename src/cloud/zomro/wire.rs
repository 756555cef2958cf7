//! Zomro's BILLmanager wire (docs/design/wire.md, "Zomro"): answers are `{"doc": {...}}` whose text values
//! are `{"$": "..."}` and whose attributes are `"$name"` keys; a list of one element
//! may arrive as the element itself; errors come with HTTP 200 as `doc.error`
//! (`$type`, `$object`, `msg.$`). [`normalize`] turns `{"$": v}` into `v`, and
//! [`one_or_many`] accepts both list shapes, so the typed shapes below stay plain.
//! Field names of the list and catalog answers are BILLmanager's (`elem`, `p_elems`,
//! `instance_status`); Zomro API names `elid`, `select_rebuild` (an OS UID) and
//! `ssh_keys` (a key id), both "from `v2.instances.order.pricelist`".

use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::Value;

/// The answer BILLmanager gives while an operation runs on a service (docs/design/wire.md, "Zomro": busy,
/// not failure).
pub const BUSY_MESSAGE: &str = "request in process";

/// Replaces every object whose only key is `$` by its value, deeply; other `$`-keys
/// (attributes such as `$name`) are kept.
pub fn normalize(value: Value) -> Value {
    match value {
        Value::Object(mut map) if map.len() == 1 && map.contains_key("$") => {
            map.remove("$").map(normalize).unwrap_or(Value::Null)
        }
        Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, normalize(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(normalize).collect()),
        other => other,
    }
}

/// Deserialises a list that BILLmanager may render as one object (one element), an
/// array, or leave out (empty).
pub fn one_or_many<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    let value = Value::deserialize(deserializer)?;
    let items = match value {
        Value::Null => Vec::new(),
        Value::Array(items) => items,
        one => vec![one],
    };
    items
        .into_iter()
        .map(|v| serde_json::from_value(v).map_err(serde::de::Error::custom))
        .collect()
}

/// A list of ids that may be one text, an array, or `"490,491"`.
pub fn id_list<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    let items: Vec<Value> = one_or_many(deserializer)?;
    Ok(items
        .iter()
        .filter_map(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Object(o) => o.get("id").and_then(Value::as_str).map(String::from),
            _ => None,
        })
        .flat_map(|s| {
            s.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
        })
        .collect())
}

/// `doc.error`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DocError {
    /// `$type`: `auth`, `missed`, `value`, `empty`, `busy`, ...
    #[serde(rename = "$type", default)]
    pub kind: String,
    /// `$object`: the field or object concerned.
    #[serde(rename = "$object", default)]
    pub object: String,
    /// `msg.$` (normalised to text).
    #[serde(default)]
    pub msg: Option<Value>,
}

impl DocError {
    /// The human message.
    pub fn message(&self) -> String {
        match &self.msg {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => format!("BILLmanager error of type {:?}", self.kind),
        }
    }

    /// Whether it is the busy answer.
    pub fn is_busy(&self) -> bool {
        self.message().to_ascii_lowercase().contains(BUSY_MESSAGE)
    }
}

/// Splits a raw answer into its normalised `doc` or its `doc.error`.
pub fn parse_doc(body: &[u8]) -> Result<Result<Value, DocError>, String> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| format!("the answer is not JSON: {e}"))?;
    let Some(doc) = value.get("doc").cloned() else {
        return Err("the answer has no `doc`".into());
    };
    let doc = normalize(doc);
    if let Some(error) = doc.get("error") {
        let error: DocError = serde_json::from_value(error.clone()).unwrap_or_default();
        return Ok(Err(error));
    }
    Ok(Ok(doc))
}

/// The session id of a `func=auth` answer: `doc.auth.$` (or `$id`). Read before
/// [`normalize`], as `auth` carries attributes.
pub fn session_of(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    let auth = value.get("doc")?.get("auth")?;
    auth.get("$")
        .or_else(|| auth.get("$id"))
        .and_then(Value::as_str)
        .or_else(|| auth.as_str())
        .map(String::from)
        .filter(|s| !s.is_empty())
}

/// One page of `func=instances`.
#[derive(Debug, Default, Deserialize)]
pub struct InstancePage {
    /// The instances of this page.
    #[serde(default, deserialize_with = "one_or_many")]
    pub elem: Vec<Instance>,
    /// Total number of instances.
    #[serde(default)]
    pub p_elems: Option<String>,
}

/// An instance as `func=instances` lists it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Instance {
    /// Service id (`elid`).
    pub id: String,
    /// `servername`.
    #[serde(default)]
    pub name: String,
    /// `creating`, `building`, `active`, `stopped`, `error`, ... (in lower case).
    #[serde(default, deserialize_with = "lower_text")]
    pub instance_status: String,
    /// Price list id.
    #[serde(default)]
    pub pricelist: Option<String>,
    /// Data centre id.
    #[serde(default)]
    pub datacenter: Option<String>,
    /// OS UID.
    #[serde(default)]
    pub instances_os: Option<String>,
    /// Public IPv4.
    #[serde(default)]
    pub ip: Option<String>,
    /// Host name.
    #[serde(default)]
    pub domain: Option<String>,
    /// `yyyy-mm-dd`.
    #[serde(default)]
    pub createdate: Option<String>,
    /// vCPUs.
    #[serde(default)]
    pub cpu: Option<String>,
    /// Memory, MB.
    #[serde(default)]
    pub ram: Option<String>,
    /// Disk, GB.
    #[serde(default)]
    pub disk: Option<String>,
    /// Installed SSH key ids.
    #[serde(default, deserialize_with = "id_list")]
    pub ssh_keys: Vec<String>,
}

/// `v2.instances.order.pricelist`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Catalog {
    /// Price lists (plans).
    #[serde(default, deserialize_with = "one_or_many")]
    pub pricelist: Vec<Pricelist>,
    /// Operating systems.
    #[serde(default, deserialize_with = "one_or_many")]
    pub os: Vec<Os>,
    /// Data centres.
    #[serde(default, deserialize_with = "one_or_many")]
    pub datacenter: Vec<Datacenter>,
}

/// A price list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Pricelist {
    /// Id (the provider's `plan`).
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// vCPUs.
    #[serde(default)]
    pub cpu: Option<String>,
    /// Memory, MB.
    #[serde(default)]
    pub ram: Option<String>,
    /// Disk, GB.
    #[serde(default)]
    pub disk: Option<String>,
    /// Port speed, Mbit/s.
    #[serde(default)]
    pub bandwidth: Option<String>,
    /// Price.
    #[serde(default)]
    pub price: Option<String>,
    /// Currency.
    #[serde(default)]
    pub currency: Option<String>,
    /// Billing period.
    #[serde(default)]
    pub period: Option<String>,
    /// Data centres offering it.
    #[serde(default, deserialize_with = "id_list")]
    pub datacenter: Vec<String>,
}

/// An operating system.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Os {
    /// UID (the provider's `image`).
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Data centres offering it.
    #[serde(default, deserialize_with = "id_list")]
    pub datacenter: Vec<String>,
}

/// A data centre.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Datacenter {
    /// Id (the provider's `location`).
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
}

/// The new service id of an accepted order (docs/design/wire.md, "Zomro" order id):
/// `doc.id`, else `doc.elid`, else `doc.service.id` (or `.elid`), as text or a
/// number; `None` when the answer names none.
pub fn order_id(doc: &Value) -> Option<String> {
    let id_in = |v: &Value| {
        ["id", "elid"].iter().find_map(|key| match v.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    id_in(doc).or_else(|| doc.get("service").and_then(id_in))
}

/// `instance_status` in lower case: status words are read in any case
/// (docs/design/wire.md, "Zomro" instance).
fn lower_text<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    Ok(match Value::deserialize(deserializer)? {
        Value::String(s) => s.trim().to_lowercase(),
        Value::Null => String::new(),
        other => other.to_string().to_lowercase(),
    })
}

/// Parses a normalised `doc` into `T`.
pub fn decode<T: DeserializeOwned>(doc: Value) -> Result<T, String> {
    serde_json::from_value(doc).map_err(|e| format!("unexpected shape: {e}"))
}

/// A text number as an integer.
pub fn number(text: &Option<String>) -> Option<i64> {
    text.as_deref()
        .and_then(|t| t.trim().parse::<f64>().ok())
        .map(|f| f as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_element_lists_and_dollar_keys_are_normalised() {
        let one = json!({"doc": {"elem": {"id": {"$": "5"}, "name": {"$": "a"}, "ssh_keys": {"$": "490"}}, "p_elems": {"$": "1"}}});
        let doc = parse_doc(one.to_string().as_bytes()).unwrap().unwrap();
        let page: InstancePage = decode(doc).unwrap();
        assert_eq!(page.elem.len(), 1);
        assert_eq!(page.elem[0].id, "5");
        assert_eq!(page.elem[0].ssh_keys, vec!["490"]);
        let many = json!({"doc": {"elem": [{"id": {"$": "5"}}, {"id": {"$": "6"}}]}});
        let page: InstancePage =
            decode(parse_doc(many.to_string().as_bytes()).unwrap().unwrap()).unwrap();
        assert_eq!(page.elem.len(), 2);
        let none: InstancePage = decode(json!({})).unwrap();
        assert!(none.elem.is_empty());
    }

    #[test]
    fn errors_with_http_200_and_sessions() {
        let body = json!({"doc": {"error": {"$type": "busy", "$object": "elid", "msg": {"$": "Request in process, please wait"}}}});
        let error = parse_doc(body.to_string().as_bytes()).unwrap().unwrap_err();
        assert_eq!(error.kind, "busy");
        assert!(error.is_busy());
        assert_eq!(error.message(), "Request in process, please wait");
        let auth = json!({"doc": {"auth": {"$id": "abc", "$": "abc"}}});
        assert_eq!(
            session_of(auth.to_string().as_bytes()).as_deref(),
            Some("abc")
        );
        assert!(parse_doc(b"<doc/>").is_err());
    }

    mod properties {
        use super::*;
        use crate::http::arbitrary;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

            #[test]
            fn every_zomro_shape_decodes_or_fails_cleanly(doc in arbitrary::json(), raw in prop::collection::vec(any::<u8>(), 0..64)) {
                let body = serde_json::json!({"doc": doc}).to_string();
                let _ = session_of(body.as_bytes());
                let _ = session_of(&raw);
                let _ = parse_doc(&raw);
                if let Ok(Ok(doc)) = parse_doc(body.as_bytes()) {
                    let _ = decode::<InstancePage>(doc.clone());
                    let _ = decode::<Catalog>(doc.clone());
                    let _ = order_id(&doc);
                    if let Ok(page) = decode::<InstancePage>(doc) {
                        for i in page.elem {
                            let _ = (number(&i.cpu), number(&i.ram), number(&i.disk));
                        }
                    }
                } else if let Ok(Err(error)) = parse_doc(body.as_bytes()) {
                    let _ = (error.message(), error.is_busy());
                }
            }

            #[test]
            fn numbers_never_panic(text in "\\PC{0,30}") {
                let _ = number(&Some(text));
            }
        }
    }
}
