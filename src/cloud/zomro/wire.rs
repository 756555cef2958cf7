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

use crate::cloud::{not_understood, CloudError};

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

/// A list of ids that may be one text, an array, or `"490,491"`; an element that
/// names no id (an object without `id`, a boolean) is not understood, never dropped
/// (docs/design/wire.md, "Zomro" catalog).
pub fn id_list<'de, D>(deserializer: D) -> Result<Vec<String>, D::Error>
where
    D: Deserializer<'de>,
{
    let items: Vec<Value> = one_or_many(deserializer)?;
    let mut ids = Vec::new();
    for item in &items {
        let id = match item {
            Value::Object(_) => field_text(item, "id"),
            other => scalar_text(other),
        };
        let id = id.ok_or_else(|| {
            serde::de::Error::custom(format!("an id list holds {item}, which names no id"))
        })?;
        ids.extend(
            id.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty()),
        );
    }
    Ok(ids)
}

/// A text or a number as trimmed text; `None` for anything else or an empty text.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Field `key` of a listed item as text (a text or a number, not empty).
pub fn field_text(item: &Value, key: &str) -> Option<String> {
    item.get(key).and_then(scalar_text)
}

/// An id as text: BILLmanager renders ids as text, a number is read too.
fn id_text<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    scalar_text(&value)
        .ok_or_else(|| serde::de::Error::custom(format!("the id {value} is no text or number")))
}

/// The elements of list `key` of `doc` as BILLmanager renders lists: left out (or
/// null) is none, an object is one, an array is many. A list of any other type, or an
/// element that is no object, is an answer `operation` cannot understand
/// (docs/design/wire.md, "Zomro" lists).
pub fn list_items(doc: &Value, key: &str, operation: &str) -> Result<Vec<Value>, CloudError> {
    let items = match doc.get(key) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        Some(_) => {
            return Err(not_understood(
                operation,
                &format!("has a `{key}` that is no list"),
                doc,
            ))
        }
    };
    match items.iter().find(|item| !item.is_object()) {
        Some(item) => Err(not_understood(
            operation,
            &format!("lists a `{key}` element that is no object"),
            item,
        )),
        None => Ok(items),
    }
}

/// Checks that every element names each of `fields` (text or number, not empty):
/// the first that lacks one is an error showing it (never an object with an empty
/// id or a silent default).
pub fn require_fields(
    items: &[Value],
    what: &str,
    fields: &[&str],
    operation: &str,
) -> Result<(), CloudError> {
    for item in items {
        if let Some(key) = fields.iter().find(|k| field_text(item, k).is_none()) {
            return Err(not_understood(
                operation,
                &format!("lists {what} without `{key}`"),
                item,
            ));
        }
    }
    Ok(())
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
    let value: Value = serde_json::from_slice(body).map_err(|e| format!("is not JSON ({e})"))?;
    let Some(doc) = value.get("doc").cloned() else {
        return Err("has no `doc`".into());
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
#[derive(Debug, Default)]
pub struct InstancePage {
    /// The instances of this page.
    pub elem: Vec<Instance>,
    /// Total number of instances (`p_elems`), when the answer says it.
    pub total: Option<usize>,
}

/// What every listed instance must name (docs/design/wire.md, "Zomro" instance): its
/// id, and the fields whose silent default would plan a change the cloud never made
/// (an empty `instances_os` would plan a rebuild, an empty `pricelist` a plan change).
pub const INSTANCE_FIELDS: [&str; 6] = [
    "id",
    "name",
    "instance_status",
    "pricelist",
    "datacenter",
    "instances_os",
];

/// Reads one page of `func=instances` (`listed_before`: instances of the pages
/// before). Not understood, with the answer shown: a `doc` that is no object, an
/// `elem` of another type, an instance without one of [`INSTANCE_FIELDS`], a
/// `p_elems` that is no number, an answer with neither `elem` nor `p_elems`, and a
/// page without `elem` while `p_elems` counts more instances than were listed.
pub fn instance_page(
    doc: &Value,
    listed_before: usize,
    operation: &str,
) -> Result<InstancePage, CloudError> {
    if !doc.is_object() {
        return Err(not_understood(operation, "is no object", doc));
    }
    let items = list_items(doc, "elem", operation)?;
    require_fields(&items, "an instance", &INSTANCE_FIELDS, operation)?;
    let total =
        match doc.get("p_elems") {
            None | Some(Value::Null) => None,
            Some(v) => Some(count(v).ok_or_else(|| {
                not_understood(operation, "has a `p_elems` that is no number", doc)
            })?),
        };
    if items.is_empty() {
        match total {
            None => {
                return Err(not_understood(
                    operation,
                    "has neither `elem` nor `p_elems`",
                    doc,
                ))
            }
            Some(t) if t > listed_before => {
                return Err(not_understood(
                    operation,
                    &format!("lists no `elem` while `p_elems` counts {t} instances ({listed_before} listed before)"),
                    doc,
                ))
            }
            Some(_) => {}
        }
    }
    let elem = items
        .into_iter()
        .map(|item| item_of(item, operation))
        .collect::<Result<_, _>>()?;
    Ok(InstancePage { elem, total })
}

/// A count: a whole number as text or a number.
fn count(value: &Value) -> Option<usize> {
    scalar_text(value)?.parse().ok()
}

/// One listed element as `T`; one that does not fit is shown in the error.
fn item_of<T: DeserializeOwned>(item: Value, operation: &str) -> Result<T, CloudError> {
    T::deserialize(&item).map_err(|e| {
        not_understood(
            operation,
            &format!("lists an element that cannot be read ({e})"),
            &item,
        )
    })
}

/// An instance as `func=instances` lists it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Instance {
    /// Service id (`elid`).
    #[serde(deserialize_with = "id_text")]
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
    #[serde(deserialize_with = "id_text")]
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
    #[serde(deserialize_with = "id_text")]
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
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
}

/// Reads `v2.instances.order.pricelist`. Not understood, with the answer shown: a
/// `doc` that is no object or lists none of `pricelist`, `os`, `datacenter` (no
/// catalog at all), a list of another type, and an element without its `id`
/// (docs/design/wire.md, "Zomro" catalog).
pub fn catalog(doc: &Value, operation: &str) -> Result<Catalog, CloudError> {
    const LISTS: [(&str, &str); 3] = [
        ("pricelist", "a price list"),
        ("os", "an operating system"),
        ("datacenter", "a data centre"),
    ];
    if !doc.is_object() {
        return Err(not_understood(operation, "is no object", doc));
    }
    if LISTS
        .iter()
        .all(|(key, _)| doc.get(key).is_none_or(Value::is_null))
    {
        return Err(not_understood(
            operation,
            "lists none of `pricelist`, `os`, `datacenter`",
            doc,
        ));
    }
    for (key, what) in LISTS {
        require_fields(&list_items(doc, key, operation)?, what, &["id"], operation)?;
    }
    Catalog::deserialize(doc)
        .map_err(|e| not_understood(operation, &format!("cannot be read ({e})"), doc))
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

    const OP: &str = "Zomro func=instances";

    /// A listed instance with every required field, `id` given.
    fn instance(id: Value) -> Value {
        json!({"id": id, "name": {"$": "web"}, "instance_status": {"$": "active"},
               "pricelist": {"$": "6143"}, "datacenter": {"$": "1"}, "instances_os": {"$": "os"}})
    }

    /// The normalised `doc` of `body`.
    fn doc_of(body: Value) -> Value {
        parse_doc(json!({ "doc": body }).to_string().as_bytes())
            .unwrap()
            .unwrap()
    }

    #[test]
    fn one_element_lists_and_dollar_keys_are_normalised() {
        let mut one = instance(json!({"$": "5"}));
        one["ssh_keys"] = json!({"$": "490"});
        let page =
            instance_page(&doc_of(json!({"elem": one, "p_elems": {"$": "1"}})), 0, OP).unwrap();
        assert_eq!(page.elem.len(), 1);
        assert_eq!(page.elem[0].id, "5");
        assert_eq!(page.elem[0].ssh_keys, vec!["490"]);
        assert_eq!(page.total, Some(1));
        let many = doc_of(json!({"elem": [instance(json!({"$": "5"})), instance(json!(6))]}));
        let page = instance_page(&many, 0, OP).unwrap();
        assert_eq!(page.elem[1].id, "6", "a number id is read too");
        let none = instance_page(&json!({"p_elems": "0"}), 0, OP).unwrap();
        assert!(none.elem.is_empty());
    }

    #[test]
    fn a_listed_instance_without_a_required_field_is_not_understood() {
        for key in INSTANCE_FIELDS {
            for missing in [Value::Null, json!(""), json!({"$": " "})] {
                let mut item = instance(json!("5"));
                if missing.is_null() {
                    item.as_object_mut().unwrap().remove(key);
                } else {
                    item[key] = missing;
                }
                let doc = doc_of(json!({"elem": [instance(json!("4")), item], "p_elems": "2"}));
                let error = instance_page(&doc, 0, OP).unwrap_err().to_string();
                assert!(error.contains(OP), "{error}");
                assert!(error.contains(&format!("without `{key}`")), "{error}");
                let other = if key == "pricelist" {
                    "datacenter"
                } else {
                    "pricelist"
                };
                assert!(
                    error.contains(&format!("\"{other}\"")),
                    "the item is shown: {error}"
                );
            }
        }
    }

    #[test]
    fn an_instance_list_of_another_shape_is_not_understood() {
        let cases = [
            (json!("x"), "is no object"),
            (
                json!({"elem": "x", "p_elems": "1"}),
                "`elem` that is no list",
            ),
            (
                json!({"elem": [1], "p_elems": "1"}),
                "element that is no object",
            ),
            (json!({}), "neither `elem` nor `p_elems`"),
            (json!({"$lang": "en"}), "neither `elem` nor `p_elems`"),
            (
                json!({"elem": instance(json!("5")), "p_elems": "many"}),
                "`p_elems` that is no number",
            ),
            (
                json!({"p_elems": "3"}),
                "lists no `elem` while `p_elems` counts 3",
            ),
        ];
        for (doc, says) in cases {
            let error = instance_page(&normalize(doc.clone()), 0, OP)
                .unwrap_err()
                .to_string();
            assert!(error.contains(says) && error.contains(OP), "{doc}: {error}");
        }
        // Past the last page (instances deleted meanwhile): an empty page ends the list.
        assert!(instance_page(&json!({"p_elems": "3"}), 3, OP).is_ok());
    }

    #[test]
    fn a_catalog_is_read_only_whole() {
        const CAT: &str = "Zomro func=v2.instances.order.pricelist";
        let good = doc_of(json!({
            "pricelist": {"id": {"$": "6143"}, "datacenter": [{"$": "1"}, {"id": 2}]},
            "os": [{"id": "u", "name": "Ubuntu", "datacenter": "1,2"}],
            "datacenter": {"id": 1, "name": "AMS"},
        }));
        let catalog = catalog(&good, CAT).unwrap();
        assert_eq!(catalog.pricelist[0].datacenter, vec!["1", "2"]);
        assert_eq!(catalog.os[0].datacenter, vec!["1", "2"]);
        assert_eq!(catalog.datacenter[0].id, "1");
        let cases = [
            (
                json!({"$lang": "en"}),
                "none of `pricelist`, `os`, `datacenter`",
            ),
            (json!({"pricelist": "6143"}), "`pricelist` that is no list"),
            (json!({"pricelist": ["6143"]}), "element that is no object"),
            (json!({"os": 5}), "`os` that is no list"),
            (
                json!({"pricelist": [{"id": "1"}, {"name": "x"}]}),
                "a price list without `id`",
            ),
            (
                json!({"datacenter": {"id": ""}}),
                "a data centre without `id`",
            ),
            (
                json!({"os": {"id": "u", "datacenter": [{"name": "AMS"}]}}),
                "names no id",
            ),
        ];
        for (doc, says) in cases {
            let error = super::catalog(&doc, CAT).unwrap_err().to_string();
            assert!(
                error.contains(says) && error.contains(CAT),
                "{doc}: {error}"
            );
        }
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
                    let _ = catalog(&doc, "catalog");
                    let _ = order_id(&doc);
                    if let Ok(page) = instance_page(&doc, 0, "instances") {
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
