//! iNET's wire shapes (iNET API, "Quản lý Cloud VPS"; docs/design/wire.md, "iNET" for the envelope,
//! paging and dates). The document types ids as integers and the power state as a
//! string; both are accepted either way, since the document's examples and tables
//! disagree in places.

use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::cloud::{not_understood, CloudError};

/// iNET doc, intro "Response wrapper": every answer is `{success, data, meta}`.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    /// Whether the call succeeded; `false` is a failure whatever the HTTP status.
    pub success: bool,
    /// The payload.
    #[serde(default)]
    pub data: Value,
    /// `message` on failure (docs/design/wire.md, "iNET").
    #[serde(default)]
    pub meta: Option<Meta>,
}

/// `meta` of the envelope.
#[derive(Debug, Default, Deserialize)]
pub struct Meta {
    /// The failure's message.
    #[serde(default)]
    pub message: Option<String>,
}

/// A value that must be there and not blank: a text (as sent) or a number, as text.
/// Absent is serde's "missing field"; `null`, a blank text or another type is an
/// error (docs/design/wire.md, "iNET": loud failures).
fn required_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) if !s.trim().is_empty() => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(D::Error::custom(format!(
            "{other} where a text is required"
        ))),
    }
}

/// A status word that must be there, trimmed and in lower case.
fn required_lower<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(required_text(d)?.trim().to_lowercase())
}

/// A VPS id: the document types it as an integer; a number or a text of digits.
fn vps_id<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let id = required_text(d)?.trim().to_string();
    match id.parse::<u64>() {
        Ok(_) => Ok(id),
        Err(_) => Err(D::Error::custom(format!("VPS id {id:?} is no integer"))),
    }
}

/// A number that must be there (a JSON number or a numeric text).
fn required_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    let value = Value::deserialize(d)?;
    number(&value)
        .map(Some)
        .ok_or_else(|| D::Error::custom(format!("{value} where a number is required")))
}

/// A JSON number or a numeric text as an integer (rounded).
fn number(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.round() as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f.round() as i64),
        _ => None,
    }
}

/// One listed element as `T` (`what` names it); one that does not fit is an answer
/// `operation` cannot understand, shown in the error, never skipped.
pub fn item<T: DeserializeOwned>(
    item: Value,
    what: &str,
    operation: &str,
) -> Result<T, CloudError> {
    T::deserialize(&item).map_err(|e| {
        not_understood(
            operation,
            &format!("lists {what} that cannot be read ({e})"),
            &item,
        )
    })
}

/// The id of an object a create answered (docs/design/wire.md, "iNET" snapshot and
/// volume create): `data.id`, or `data` itself when it is a bare id (a number or a
/// text); `None` when the answer names none.
pub fn created_id(data: &Value) -> Option<String> {
    let id = match data {
        Value::Object(map) => map.get("id")?,
        other => other,
    };
    match id {
        Value::Number(n) => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

/// Whether a snapshot's status says it is ready: `available` (the simulator's and
/// OpenStack's word) or `active` (Glance's word for a ready image), in any case.
pub fn is_ready(status: &str) -> bool {
    matches!(status, "available" | "active")
}

/// A number that may come as a JSON number or a numeric string.
fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(number(&Value::deserialize(d)?))
}

/// iNET doc, "Danh sách Cloud VPS": the page object in `data`. `content` (a list)
/// and `totalPages` must be there: without them the page is not understood, never
/// an empty list.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// Page number (1-based, echoes `page`: docs/design/wire.md, "iNET").
    #[serde(default)]
    pub number: i64,
    /// The servers of this page.
    pub content: Vec<T>,
    /// Pages in all.
    #[serde(deserialize_with = "required_i64")]
    pub total_pages: Option<i64>,
    /// Servers in all.
    #[serde(default)]
    pub total_elements: i64,
}

/// iNET doc, "Chi tiết Cloud VPS" (and the list's `content[]`, without `note`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpsDetail {
    /// VPS id (required, an integer).
    #[serde(deserialize_with = "vps_id")]
    pub id: String,
    /// Name (required).
    #[serde(deserialize_with = "required_text")]
    pub name: String,
    /// Note.
    #[serde(default)]
    pub note: Option<String>,
    /// OS image name.
    #[serde(default)]
    pub image: Option<String>,
    /// Plan name.
    #[serde(default)]
    pub plan_name: Option<String>,
    /// trial, active, suspended, expired (required).
    #[serde(deserialize_with = "required_text")]
    pub status: String,
    /// `dd/MM/yyyy HH:mm`.
    #[serde(default)]
    pub created_date: Option<String>,
    /// JSON inside a string: cpu, ram, disk, ip, volumes (read by [`VpsDetail::extend`]).
    #[serde(default)]
    pub data_extend: Value,
    /// Auto-snapshot days, 0 = off.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub auto_snapshot: Option<i64>,
}

/// The content of `dataExtend` (shape: sim/README.md; the document says "JSON chứa
/// thông số kỹ thuật VPS (CPU, RAM, disk, IP, volume...)").
#[derive(Debug, Default, Deserialize)]
pub struct DataExtend {
    /// vCPUs.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub cpu: Option<i64>,
    /// RAM in MB.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub ram: Option<i64>,
    /// Disk in GB.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub disk: Option<i64>,
    /// Public IPv4.
    #[serde(default)]
    pub ip: Option<String>,
    /// Extra volumes (read by [`DataExtend::volumes`]).
    #[serde(default)]
    pub volumes: Option<Vec<Value>>,
}

/// iNET doc, "Thông tin Server VPS": `flavor`.
#[derive(Debug, Default, Deserialize)]
pub struct Flavor {
    /// RAM in MB.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub ram: Option<i64>,
    /// Disk in GB.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub disk: Option<i64>,
    /// vCPUs.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub vcpus: Option<i64>,
}

/// iNET doc, "Thông tin Server VPS".
#[derive(Debug, Deserialize)]
pub struct Server {
    /// active, shutoff, error (and transition words), in lower case (required).
    #[serde(deserialize_with = "required_lower")]
    pub status: String,
    /// Hardware.
    #[serde(default)]
    pub flavor: Option<Flavor>,
    /// IPs by network.
    #[serde(default)]
    pub addresses: Value,
    /// 1 = running, 4 = shut down (a string in the document's table; required).
    #[serde(rename = "OS-EXT-STS:power_state", deserialize_with = "required_i64")]
    pub power_state: Option<i64>,
    /// A transition in progress, when the cloud reports one.
    #[serde(rename = "OS-EXT-STS:task_state", default)]
    pub task_state: Option<String>,
}

/// iNET doc, "Lấy SSH Key Pair".
#[derive(Debug, Deserialize)]
pub struct KeyPair {
    /// Key pair name (required).
    #[serde(deserialize_with = "required_text")]
    pub name: String,
    /// SSH public key (required).
    #[serde(deserialize_with = "required_text")]
    pub public_key: String,
    /// Fingerprint (required).
    #[serde(deserialize_with = "required_text")]
    pub fingerprint: String,
}

/// "Lấy Private Key" answer (shape: sim/README.md; the document shows none).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateKey {
    /// PEM or PPK text (required).
    #[serde(deserialize_with = "required_text")]
    pub private_key: String,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrivateKey")
            .field("private_key", &crate::secrets::Hidden(&self.private_key))
            .finish()
    }
}

/// "URL Console VPS" answer (shape: sim/README.md).
#[derive(Deserialize)]
pub struct Console {
    /// noVNC URL (required).
    #[serde(deserialize_with = "required_text")]
    pub url: String,
}

impl std::fmt::Debug for Console {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Console")
            .field("url", &crate::secrets::Hidden(&self.url))
            .finish()
    }
}

/// A snapshot ("Danh sách Snapshot") or a backup ("Danh sách Backup").
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    /// Id (required).
    #[serde(deserialize_with = "required_text")]
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// creating, available, error, in lower case (required).
    #[serde(deserialize_with = "required_lower")]
    pub status: String,
    /// GB.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub size: Option<i64>,
    /// `dd/MM/yyyy HH:mm`.
    #[serde(default)]
    pub created_date: Option<String>,
}

/// A volume ("Tạo Volume" answer, and `dataExtend.volumes[]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    /// Id (required).
    #[serde(deserialize_with = "required_text")]
    pub id: String,
    /// Image.
    #[serde(default)]
    pub image: Option<String>,
    /// GB (required: a volume without its size is not understood).
    #[serde(deserialize_with = "required_i64")]
    pub size: Option<i64>,
    /// Guest device.
    #[serde(default)]
    pub device: Option<String>,
    /// `dd/MM/yyyy HH:mm`.
    #[serde(default)]
    pub created_date: Option<String>,
}

impl VpsDetail {
    /// `dataExtend` (docs/design/wire.md, "iNET"): JSON inside a string (an object
    /// already parsed is read too); absent, `null` or `""` is an empty one (every key
    /// absent). A text that is no JSON object is an answer `operation` cannot
    /// understand, never an empty one.
    pub fn extend(&self, operation: &str) -> Result<DataExtend, CloudError> {
        let parsed = match &self.data_extend {
            Value::Null => return Ok(DataExtend::default()),
            Value::String(s) if s.trim().is_empty() => return Ok(DataExtend::default()),
            Value::String(s) => serde_json::from_str::<Value>(s).ok(),
            object @ Value::Object(_) => Some(object.clone()),
            _ => None,
        };
        parsed
            .filter(Value::is_object)
            .and_then(|v| serde_json::from_value(v).ok())
            .ok_or_else(|| {
                not_understood(
                    operation,
                    &format!(
                        "has a `dataExtend` of VPS {} that is not the JSON object expected",
                        self.id
                    ),
                    &self.data_extend,
                )
            })
    }

    /// The extra volumes (`dataExtend.volumes[]`). A `dataExtend` without `volumes`
    /// cannot tell whether a volume exists, so it is not understood (never "none");
    /// a volume without its id or size is shown in the error.
    pub fn volumes(&self, operation: &str) -> Result<Vec<Volume>, CloudError> {
        let Some(listed) = self.extend(operation)?.volumes else {
            return Err(not_understood(
                operation,
                &format!("has a `dataExtend` of VPS {} without `volumes`", self.id),
                &self.data_extend,
            ));
        };
        listed
            .into_iter()
            .map(|v| item(v, "a volume", operation))
            .collect()
    }
}

impl Server {
    /// The first IPv4 of `addresses` (`{"net": [{"addr", "version"}]}`).
    pub fn first_ipv4(&self) -> Option<String> {
        let nets = self.addresses.as_object()?;
        nets.values()
            .filter_map(Value::as_array)
            .flatten()
            .filter(|a| a["version"].as_i64().unwrap_or(4) == 4)
            .find_map(|a| a["addr"].as_str().map(str::to_string))
    }
}

/// Layouts of iNET's dates (docs/design/wire.md, "Dates"): `dd/MM/yyyy HH:mm`
/// as the document prints them, and the same with seconds; RFC 3339 is read too.
const DATE_LAYOUTS: [&str; 2] = [
    "[day padding:none]/[month padding:none]/[year] [hour padding:none]:[minute]",
    "[day padding:none]/[month padding:none]/[year] [hour padding:none]:[minute]:[second]",
];

/// A `createdDate` as RFC 3339 in UTC, iNET's clock read at `zone` (UTC unless
/// `time_zone` says otherwise, docs/design/wire.md, "Dates"). Absent or empty is
/// `None`; a text that is no date (or a day that does not exist, such as a month
/// above 12 from a MM/dd reading) is an error naming `what`, never state.
pub fn created_at(
    created: Option<&str>,
    what: &str,
    zone: time::UtcOffset,
) -> Result<Option<String>, CloudError> {
    crate::timefmt::optional_date(created, &DATE_LAYOUTS, zone).map_err(|text| {
        CloudError::Protocol(format!(
            "iNET answered `createdDate: {text:?}` for {what}: not a date in the form iNET \
                 prints (dd/MM/yyyy HH:mm)"
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_day_first_instants_or_errors() {
        let read = |t| created_at(Some(t), "VPS 1001", time::UtcOffset::UTC);
        assert_eq!(
            read("25/03/2026 14:07").unwrap().as_deref(),
            Some("2026-03-25T14:07:00Z")
        );
        assert_eq!(
            read("5/3/2026 14:07:09").unwrap().as_deref(),
            Some("2026-03-05T14:07:09Z")
        );
        assert_eq!(
            created_at(None, "VPS 1001", time::UtcOffset::UTC).unwrap(),
            None
        );
        let vietnam = crate::timefmt::parse_offset("+07:00").unwrap();
        assert_eq!(
            created_at(Some("25/03/2026 14:07"), "VPS 1001", vietnam)
                .unwrap()
                .as_deref(),
            Some("2026-03-25T07:07:00Z")
        );
        for bad in [
            "03/25/2026 14:07",
            "31/02/2026 10:00",
            "example_createdDate",
        ] {
            let error = read(bad).unwrap_err().to_string();
            assert!(error.contains(bad) && error.contains("VPS 1001"), "{error}");
        }
    }

    use serde_json::json;

    const OP: &str = "iNET GET /vps/1001/snapshot";

    /// The error decoding `value` as `T` gives, as text.
    fn refused<T: DeserializeOwned + std::fmt::Debug>(value: Value) -> String {
        item::<T>(value, "an object", OP).unwrap_err().to_string()
    }

    #[test]
    fn listed_snapshots_need_their_id_and_status() {
        let good: Image =
            item(json!({"id": 501, "status": "AVAILABLE"}), "a snapshot", OP).unwrap();
        assert_eq!(
            (good.id.as_str(), good.status.as_str()),
            ("501", "available")
        );
        for (bad, key) in [
            (json!({"name": "s", "status": "available"}), "`id`"),
            (
                json!({"id": null, "name": "s", "status": "available"}),
                "null",
            ),
            (
                json!({"id": " ", "name": "s", "status": "available"}),
                "\" \"",
            ),
            (json!({"id": 501, "name": "s"}), "`status`"),
            (json!({"id": 501, "name": "s", "status": ""}), "\"\""),
        ] {
            let error = refused::<Image>(bad);
            assert!(error.contains(OP) && error.contains(key), "{error}");
            assert!(
                error.contains("\"name\":\"s\""),
                "the element is shown: {error}"
            );
        }
    }

    #[test]
    fn a_server_needs_its_status_and_power_state() {
        let server = |v: Value| serde_json::from_value::<Server>(v);
        let good = server(json!({"status": "ACTIVE", "OS-EXT-STS:power_state": "1"})).unwrap();
        assert_eq!(
            (good.status.as_str(), good.power_state),
            ("active", Some(1))
        );
        for bad in [
            json!({"OS-EXT-STS:power_state": "1"}),
            json!({"status": null, "OS-EXT-STS:power_state": 1}),
            json!({"status": "active"}),
            json!({"status": "active", "OS-EXT-STS:power_state": "example"}),
        ] {
            assert!(server(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_vps_needs_its_id_name_and_status() {
        let vps = json!({"id": "1001", "name": "web", "status": "active"});
        assert!(serde_json::from_value::<VpsDetail>(vps.clone()).is_ok());
        for key in ["id", "name", "status"] {
            let mut bad = vps.clone();
            bad.as_object_mut().unwrap().remove(key);
            let error = refused::<VpsDetail>(bad);
            assert!(error.contains(&format!("`{key}`")), "{error}");
        }
        let error = refused::<VpsDetail>(json!({"id": "web-1", "name": "web", "status": "active"}));
        assert!(error.contains("is no integer"), "{error}");
    }

    #[test]
    fn a_page_needs_its_content_and_total() {
        let page = |v: Value| serde_json::from_value::<Page<Value>>(v);
        assert!(page(json!({"content": [], "totalPages": 0})).is_ok());
        for bad in [
            json!({}),
            json!({"totalPages": 1}),
            json!({"content": "x", "totalPages": 1}),
            json!({"content": []}),
            json!("x"),
        ] {
            assert!(page(bad.clone()).is_err(), "{bad}");
        }
    }

    #[test]
    fn data_extend_is_json_and_names_its_volumes() {
        let vps = |extend: Value| -> VpsDetail {
            serde_json::from_value(
                json!({"id": 1001, "name": "web", "status": "active", "dataExtend": extend}),
            )
            .unwrap()
        };
        const DETAIL: &str = "iNET GET /vps/1001";
        assert_eq!(vps(Value::Null).extend(DETAIL).unwrap().cpu, None);
        assert_eq!(vps(json!({"cpu": 2})).extend(DETAIL).unwrap().cpu, Some(2));
        for bad in [json!("example_dataExtend"), json!("[1]"), json!(5)] {
            let error = vps(bad.clone()).extend(DETAIL).unwrap_err().to_string();
            assert!(
                error.contains(DETAIL) && error.contains("not the JSON object"),
                "{error}"
            );
            assert!(vps(bad).volumes(DETAIL).is_err());
        }
        let listed = vps(json!(r#"{"volumes": [{"id": 7, "size": "20"}]}"#));
        let volumes = listed.volumes(DETAIL).unwrap();
        assert_eq!((volumes[0].id.as_str(), volumes[0].size), ("7", Some(20)));
        for (bad, says) in [
            (json!(r#"{"cpu": 2}"#), "without `volumes`"),
            (Value::Null, "without `volumes`"),
            (json!(r#"{"volumes": [{"id": 7}]}"#), "`size`"),
            (json!(r#"{"volumes": [{"size": 20}]}"#), "`id`"),
            (
                json!(r#"{"volumes": {"id": 7, "size": 20}}"#),
                "not the JSON object",
            ),
        ] {
            let error = vps(bad).volumes(DETAIL).unwrap_err().to_string();
            assert!(
                error.contains(DETAIL) && error.contains(says),
                "{says}: {error}"
            );
        }
    }

    #[test]
    fn keys_and_console_urls_are_never_empty() {
        assert!(serde_json::from_value::<KeyPair>(
            json!({"name": "k", "public_key": "", "fingerprint": "f"})
        )
        .is_err());
        assert!(
            serde_json::from_value::<KeyPair>(json!({"name": "k", "fingerprint": "f"})).is_err()
        );
        assert!(serde_json::from_value::<PrivateKey>(json!({"privateKey": ""})).is_err());
        assert!(serde_json::from_value::<Console>(json!({"url": null})).is_err());
        assert!(serde_json::from_value::<Console>(json!({"url": "https://c"})).is_ok());
    }

    mod properties {
        use super::super::*;
        use crate::http::arbitrary;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

            /// Every typed shape of iNET's answers, and `dataExtend` (JSON inside a
            /// string), fed arbitrary JSON: an error, never a panic.
            #[test]
            fn every_inet_shape_decodes_or_fails_cleanly(json in arbitrary::json(), extend in "\\PC{0,40}") {
                let _ = serde_json::from_value::<Envelope>(json.clone());
                let _ = serde_json::from_value::<Page<VpsDetail>>(json.clone());
                let _ = serde_json::from_value::<Server>(json.clone()).map(|s| s.first_ipv4());
                let _ = serde_json::from_value::<KeyPair>(json.clone());
                let _ = serde_json::from_value::<PrivateKey>(json.clone());
                let _ = serde_json::from_value::<Console>(json.clone());
                let _ = serde_json::from_value::<Vec<Image>>(json.clone());
                let _ = serde_json::from_value::<Volume>(json.clone());
                let _ = item::<Image>(json.clone(), "an image", "op");
                if let Ok(mut vps) = serde_json::from_value::<VpsDetail>(json.clone()) {
                    let _ = (vps.extend("op").is_ok(), vps.volumes("op").is_ok());
                    vps.data_extend = Value::String(extend);
                    let _ = (vps.extend("op").is_ok(), vps.volumes("op").is_ok());
                    vps.data_extend = Value::String(json.to_string());
                    let _ = (vps.extend("op").is_ok(), vps.volumes("op").is_ok());
                }
            }
        }
    }
}
