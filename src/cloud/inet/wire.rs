//! iNET's wire shapes (iNET API, "Quản lý Cloud VPS"; docs/design/wire.md, "iNET" for the envelope,
//! paging and dates). The document types ids as integers and the power state as a
//! string; both are accepted either way, since the document's examples and tables
//! disagree in places.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::cloud::CloudError;

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

/// An id the document types as integer; kept as text.
fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

/// A status word in lower case: iNET's status words are read in any case
/// (docs/design/wire.md, "iNET").
fn lower_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(id_text(d)?.trim().to_lowercase())
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
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f.round() as i64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f.round() as i64),
        _ => None,
    })
}

/// iNET doc, "Danh sách Cloud VPS": the page object in `data`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    /// Page number (1-based, echoes `page`: docs/design/wire.md, "iNET").
    #[serde(default)]
    pub number: i64,
    /// The servers of this page.
    #[serde(default = "Vec::new")]
    pub content: Vec<T>,
    /// Pages in all.
    #[serde(default)]
    pub total_pages: i64,
    /// Servers in all.
    #[serde(default)]
    pub total_elements: i64,
}

/// iNET doc, "Chi tiết Cloud VPS" (and the list's `content[]`, without `note`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpsDetail {
    /// VPS id.
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    /// Name.
    #[serde(default)]
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
    /// trial, active, suspended, expired.
    #[serde(default)]
    pub status: String,
    /// `dd/MM/yyyy HH:mm`.
    #[serde(default)]
    pub created_date: Option<String>,
    /// JSON inside a string: cpu, ram, disk, ip, volumes.
    #[serde(default)]
    pub data_extend: Option<String>,
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
    /// Extra volumes.
    #[serde(default)]
    pub volumes: Vec<Volume>,
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
    /// active, shutoff, error (and transition words), in lower case.
    #[serde(default, deserialize_with = "lower_text")]
    pub status: String,
    /// Hardware.
    #[serde(default)]
    pub flavor: Option<Flavor>,
    /// IPs by network.
    #[serde(default)]
    pub addresses: Value,
    /// 1 = running, 4 = shut down (a string in the document's table).
    #[serde(
        rename = "OS-EXT-STS:power_state",
        default,
        deserialize_with = "lenient_i64"
    )]
    pub power_state: Option<i64>,
    /// A transition in progress, when the cloud reports one.
    #[serde(rename = "OS-EXT-STS:task_state", default)]
    pub task_state: Option<String>,
}

/// iNET doc, "Lấy SSH Key Pair".
#[derive(Debug, Deserialize)]
pub struct KeyPair {
    /// Key pair name.
    #[serde(default)]
    pub name: String,
    /// SSH public key.
    #[serde(default)]
    pub public_key: String,
    /// Fingerprint.
    #[serde(default)]
    pub fingerprint: String,
}

/// "Lấy Private Key" answer (shape: sim/README.md; the document shows none).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateKey {
    /// PEM or PPK text.
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
    /// noVNC URL.
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
    /// Id.
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// creating, available, error, in lower case.
    #[serde(default, deserialize_with = "lower_text")]
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
    /// Id.
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    /// Image.
    #[serde(default)]
    pub image: Option<String>,
    /// GB.
    #[serde(default, deserialize_with = "lenient_i64")]
    pub size: Option<i64>,
    /// Guest device.
    #[serde(default)]
    pub device: Option<String>,
    /// `dd/MM/yyyy HH:mm`.
    #[serde(default)]
    pub created_date: Option<String>,
}

impl VpsDetail {
    /// `dataExtend` parsed from its JSON-in-a-string (docs/design/wire.md, "iNET"); empty when absent
    /// or not JSON.
    pub fn extend(&self) -> DataExtend {
        self.data_extend
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .unwrap_or_default()
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
                if let Ok(mut vps) = serde_json::from_value::<VpsDetail>(json.clone()) {
                    let _ = vps.extend();
                    vps.data_extend = Some(extend);
                    let _ = vps.extend();
                    vps.data_extend = Some(json.to_string());
                    let _ = vps.extend();
                }
            }
        }
    }
}
