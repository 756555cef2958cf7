//! Vscale's wire shapes (Vscale API: "Создаём новый сервер", "Статус текущих операций",
//! "Апгрейд конфигурации"; docs/design/wire.md, "Vscale" for `location` and `keys`). Fields the document
//! does not show (backups, SSH keys, catalog, account) follow the public Vscale API v1.

use serde::{Deserialize, Serialize};

use crate::cloud::CloudError;
use crate::model::PowerState;

/// Body of `POST /scalets` (docs/design/wire.md, "Vscale": `location`, `keys` as integers).
#[derive(Serialize)]
pub struct CreateScalet<'a> {
    /// Image id.
    pub make_from: &'a str,
    /// Plan id.
    pub rplan: &'a str,
    /// Start after install.
    pub do_start: bool,
    /// Server name (kept as given, docs/design/wire.md, "Vscale").
    pub name: &'a str,
    /// SSH key ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<i64>,
    /// Password, when access by password is wanted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<&'a str>,
    /// Data centre, e.g. `spb0`.
    pub location: &'a str,
}

impl std::fmt::Debug for CreateScalet<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateScalet")
            .field("make_from", &self.make_from)
            .field("rplan", &self.rplan)
            .field("do_start", &self.do_start)
            .field("name", &self.name)
            .field("keys", &self.keys)
            .field("password", &crate::secrets::Hidden(&self.password))
            .field("location", &self.location)
            .finish()
    }
}

/// An address block of a scalet. The document shows `{}` until one is assigned;
/// `null`, a missing field, an empty `address` and a bare address string are read
/// too (docs/design/wire.md, "Vscale", row "no address").
#[derive(Clone, Debug, Default)]
pub struct Address {
    /// IPv4 address; `None` when the scalet has none.
    pub address: Option<String>,
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        let address = match &value {
            serde_json::Value::Object(map) => map.get("address").and_then(|a| a.as_str()),
            serde_json::Value::String(s) => Some(s.as_str()),
            _ => None,
        };
        Ok(Address {
            address: address
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_string),
        })
    }
}

/// Layouts of Vscale's dates besides RFC 3339 (docs/design/wire.md, "Dates"): `27.08.2015 10:03:07` as the document's answers and public clients show
/// `created`, and `2015-08-28 12:37:48` as the document shows task dates.
const DATE_LAYOUTS: [&str; 2] = [
    "[day padding:none].[month padding:none].[year] [hour padding:none]:[minute]:[second]",
    "[year]-[month]-[day] [hour]:[minute]:[second]",
];

/// `created` of a scalet or backup as RFC 3339 in UTC, Vscale's clock read at `zone`
/// (UTC unless `time_zone` says otherwise, docs/design/wire.md, "Dates"). Absent or
/// empty is `None`; a text that is no date (or a day that does not exist) is an
/// error naming `what`, never state.
pub fn created_at(
    created: Option<&str>,
    what: &str,
    zone: time::UtcOffset,
) -> Result<Option<String>, CloudError> {
    crate::timefmt::optional_date(created, &DATE_LAYOUTS, zone).map_err(|text| {
        CloudError::Protocol(format!(
            "Vscale answered `created: {text:?}` for {what}: not a date in any form Vscale prints \
                 (dd.mm.yyyy HH:MM:SS, yyyy-mm-dd HH:MM:SS, RFC 3339)"
        ))
    })
}

/// Whether a scalet's status is a settled one, in any case: `started`, `stopped`,
/// or `updated`, the status the document's upgrade answer shows ("Апгрейд
/// конфигурации"), which a scalet may keep after the upgrade.
pub fn settled_status(status: &str) -> bool {
    ["started", "stopped", "updated"]
        .iter()
        .any(|s| status.trim().eq_ignore_ascii_case(s))
}

/// The power state a status names, in any case; `None` for `updated`, `defined`
/// and words the client does not know (the resource then keeps what it knew).
pub fn power_of(status: &str) -> Option<PowerState> {
    let status = status.trim();
    if status.eq_ignore_ascii_case("started") {
        Some(PowerState::Running)
    } else if status.eq_ignore_ascii_case("stopped") {
        Some(PowerState::Stopped)
    } else {
        None
    }
}

/// A key as listed inside a scalet.
#[derive(Clone, Debug, Deserialize)]
pub struct ScaletKey {
    /// Key id.
    pub id: i64,
}

/// A scalet as the API renders it.
#[derive(Clone, Debug, Deserialize)]
pub struct Scalet {
    /// Container id: the server's id.
    pub ctid: i64,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// `defined`, `started`, `stopped`, ...
    #[serde(default)]
    pub status: String,
    /// Data centre.
    #[serde(default)]
    pub location: Option<String>,
    /// Plan.
    #[serde(default)]
    pub rplan: Option<String>,
    /// Image.
    #[serde(default)]
    pub made_from: Option<String>,
    /// Host name.
    #[serde(default)]
    pub hostname: Option<String>,
    /// `dd.mm.yyyy HH:MM:SS` as the document shows, or RFC 3339 (see [`created_at`]).
    #[serde(default)]
    pub created: Option<String>,
    /// Installed keys.
    #[serde(default)]
    pub keys: Vec<ScaletKey>,
    /// Public address.
    #[serde(default)]
    pub public_address: Option<Address>,
    /// Private address.
    #[serde(default)]
    pub private_address: Option<Address>,
    /// A task holds the scalet.
    #[serde(default)]
    pub locked: bool,
}

/// One entry of `GET /tasks`.
#[derive(Clone, Debug, Deserialize)]
pub struct Task {
    /// Task id (also the `VSCALE-TASK-ID` header).
    pub id: String,
    /// Finished.
    #[serde(default)]
    pub done: bool,
    /// Finished with an error.
    #[serde(default)]
    pub error: bool,
    /// e.g. `scalet_create`.
    #[serde(default)]
    pub method: String,
}

/// An SSH key of the account.
#[derive(Clone, Debug, Deserialize)]
pub struct SshKey {
    /// Id.
    pub id: i64,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// OpenSSH public key.
    #[serde(default)]
    pub key: String,
}

/// A backup.
#[derive(Clone, Debug, Deserialize)]
pub struct Backup {
    /// Id.
    pub id: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// The scalet it was taken from.
    #[serde(default)]
    pub scalet: Option<serde_json::Value>,
    /// `creating`, `finished`, ...
    #[serde(default)]
    pub status: String,
    /// Size in GB.
    #[serde(default)]
    pub size: Option<f64>,
    /// `dd.mm.yyyy HH:MM:SS`.
    #[serde(default)]
    pub created: Option<String>,
    /// Data centre.
    #[serde(default)]
    pub location: Option<String>,
}

/// An image of `GET /images`.
#[derive(Debug, Deserialize)]
pub struct Image {
    /// Id.
    pub id: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Usable.
    #[serde(default)]
    pub active: bool,
    /// Locations.
    #[serde(default)]
    pub locations: Vec<String>,
    /// Plans.
    #[serde(default)]
    pub rplans: Vec<String>,
}

/// A plan of `GET /rplans`.
#[derive(Debug, Clone, Deserialize)]
pub struct Rplan {
    /// Id.
    pub id: String,
    /// vCPUs.
    #[serde(default)]
    pub cpus: Option<i64>,
    /// MiB.
    #[serde(default)]
    pub memory: Option<i64>,
    /// MiB of disk.
    #[serde(default)]
    pub disk: Option<i64>,
    /// Mbit/s.
    #[serde(default)]
    pub network: Option<i64>,
    /// Public addresses.
    #[serde(default)]
    pub addresses: Option<i64>,
    /// Locations.
    #[serde(default)]
    pub locations: Vec<String>,
}

/// A location of `GET /locations`.
#[derive(Debug, Deserialize)]
pub struct Location {
    /// Id.
    pub id: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Accepts servers.
    #[serde(default)]
    pub active: bool,
    /// Private networking.
    #[serde(default)]
    pub private_networking: bool,
    /// Plans.
    #[serde(default)]
    pub rplans: Vec<String>,
}

/// `GET /account`.
#[derive(Debug, Deserialize)]
pub struct Account {
    /// Account details.
    pub info: AccountInfo,
}

/// `info` of `GET /account`.
#[derive(Debug, Deserialize)]
pub struct AccountInfo {
    /// Id.
    #[serde(default)]
    pub id: Option<serde_json::Value>,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// First name.
    #[serde(default)]
    pub name: String,
    /// Surname.
    #[serde(default)]
    pub surname: String,
}

/// `GET /billing/balance`, amounts in kopecks.
#[derive(Debug, Deserialize)]
pub struct Balance {
    /// Balance.
    #[serde(default)]
    pub balance: f64,
    /// Bonus.
    #[serde(default)]
    pub bonus: f64,
    /// Unpaid.
    #[serde(default)]
    pub unpaid: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shape_of_no_address_reads_as_none() {
        for json in [
            r#"{"ctid": 1, "public_address": {}}"#,
            r#"{"ctid": 1, "public_address": null}"#,
            r#"{"ctid": 1}"#,
            r#"{"ctid": 1, "public_address": {"address": ""}}"#,
            r#"{"ctid": 1, "public_address": []}"#,
        ] {
            let scalet: Scalet = serde_json::from_str(json).unwrap();
            assert_eq!(
                scalet.public_address.and_then(|a| a.address),
                None,
                "{json}"
            );
        }
        let bare: Scalet =
            serde_json::from_str(r#"{"ctid": 1, "public_address": "95.213.195.101"}"#).unwrap();
        assert_eq!(
            bare.public_address.and_then(|a| a.address).as_deref(),
            Some("95.213.195.101")
        );
    }

    #[test]
    fn status_words_are_read_in_any_case() {
        assert!(
            settled_status("Updated") && settled_status("STARTED") && settled_status("stopped")
        );
        assert!(!settled_status("defined") && !settled_status("rebooting"));
        assert_eq!(power_of("Started"), Some(PowerState::Running));
        assert_eq!(power_of("updated"), None);
    }

    #[test]
    fn created_is_an_instant_or_an_error() {
        let read = |t| created_at(Some(t), "scalet 1", time::UtcOffset::UTC);
        assert_eq!(
            read("13.02.2018 08:58:57").unwrap().as_deref(),
            Some("2018-02-13T08:58:57Z")
        );
        assert_eq!(
            read("2018-02-13 08:58:57").unwrap().as_deref(),
            Some("2018-02-13T08:58:57Z")
        );
        assert_eq!(
            read("2018-02-13T11:58:57+03:00").unwrap().as_deref(),
            Some("2018-02-13T08:58:57Z")
        );
        assert_eq!(
            created_at(Some(" "), "scalet 1", time::UtcOffset::UTC).unwrap(),
            None
        );
        let error = read("31.02.2018 08:58:57").unwrap_err().to_string();
        assert!(
            error.contains("31.02.2018 08:58:57") && error.contains("scalet 1"),
            "{error}"
        );
    }

    mod properties {
        use super::super::*;
        use crate::http::arbitrary;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

            /// Every typed shape of Vscale's answers, fed arbitrary JSON (fields with
            /// the wrong types, huge and negative numbers): an error, never a panic.
            #[test]
            fn every_vscale_shape_decodes_or_fails_cleanly(json in arbitrary::json()) {
                let _ = serde_json::from_value::<Scalet>(json.clone());
                let _ = serde_json::from_value::<Vec<Scalet>>(json.clone());
                let _ = serde_json::from_value::<Vec<Task>>(json.clone());
                let _ = serde_json::from_value::<SshKey>(json.clone());
                let _ = serde_json::from_value::<Backup>(json.clone());
                let _ = serde_json::from_value::<Vec<Image>>(json.clone());
                let _ = serde_json::from_value::<Vec<Rplan>>(json.clone());
                let _ = serde_json::from_value::<Vec<Location>>(json.clone());
                let _ = serde_json::from_value::<Account>(json.clone());
                let _ = serde_json::from_value::<Balance>(json);
            }
        }
    }
}
