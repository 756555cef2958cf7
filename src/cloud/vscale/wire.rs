//! Vscale's wire shapes (seeds/001: "Создаём новый сервер", "Статус текущих операций",
//! "Апгрейд конфигурации"; SPEC §6 for `location` and `keys`). Fields the document
//! does not show (backups, SSH keys, catalog, account) follow the public Vscale API v1.

use serde::{Deserialize, Serialize};

/// Body of `POST /scalets` (SPEC §6: `location`, `keys` as integers).
#[derive(Serialize)]
pub struct CreateScalet<'a> {
    /// Image id.
    pub make_from: &'a str,
    /// Plan id.
    pub rplan: &'a str,
    /// Start after install.
    pub do_start: bool,
    /// Server name (kept as given, SPEC §6).
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

/// An address block of a scalet; `{}` until assigned.
#[derive(Debug, Default, Deserialize)]
pub struct Address {
    /// IPv4 address.
    #[serde(default)]
    pub address: Option<String>,
}

/// A key as listed inside a scalet.
#[derive(Debug, Deserialize)]
pub struct ScaletKey {
    /// Key id.
    pub id: i64,
}

/// A scalet as the API renders it.
#[derive(Debug, Deserialize)]
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
    /// `dd.mm.yyyy HH:MM:SS`.
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
#[derive(Debug, Deserialize)]
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
#[derive(Debug, Deserialize)]
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
#[derive(Debug, Deserialize)]
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
