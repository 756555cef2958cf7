//! Vscale wire objects: scalets, SSH keys, backups and tasks, stored exactly
//! as the API renders them (unknown fields set out of band are kept).

use crate::util::task_date;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

/// A key reference inside a scalet (Vscale doc, "Создаём новый сервер":
/// `"keys": [{"name": "key", "id": 92}]`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct KeyRef {
    /// SSH key id.
    pub id: u64,
    /// SSH key name.
    pub name: String,
}

/// A scalet (server); fields as in the Vscale doc's answers to
/// "Создаём новый сервер" and "Апгрейд конфигурации".
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Scalet {
    /// Server id (starts at 12600 as in the doc's example).
    pub ctid: u64,
    /// Name given at creation (docs/design/wire.md, "Vscale": kept, unlike the doc's example).
    pub name: String,
    /// `defined`, `started`, `stopped`, `updated`.
    pub status: String,
    /// Location id, e.g. `spb0`.
    pub location: String,
    /// Plan id.
    pub rplan: String,
    /// Image id it was installed from.
    pub made_from: String,
    /// `cs<ctid>.vscale.io`.
    pub hostname: String,
    /// `dd.mm.yyyy HH:MM:SS` (UTC).
    pub created: String,
    /// Keys installed on it.
    pub keys: Vec<KeyRef>,
    /// `{}` until assigned, then `address`, `netmask`, `gateway`.
    pub public_address: Map<String, Value>,
    /// `{}`, or the private address in locations with private networking.
    pub private_address: Map<String, Value>,
    /// Whether it is installed and usable.
    pub active: bool,
    /// Whether a task holds it.
    pub locked: bool,
    /// Always `null` for a listed scalet.
    pub deleted: Option<Value>,
    /// Fields added out of band (`PATCH /_sim/vscale/scalets/{id}`).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// An SSH key (real Vscale API v1, `GET /sshkeys`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SshKey {
    /// Key id (starts at 92 as in the doc's example).
    pub id: u64,
    /// OpenSSH public key text.
    pub key: String,
    /// Key name.
    pub name: String,
    /// Fields added out of band.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A backup (real Vscale API v1, `GET /backups`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Backup {
    /// UUID.
    pub id: String,
    /// Name given at creation.
    pub name: String,
    /// Image of the scalet it was made from.
    pub made_from: String,
    /// Location of that scalet.
    pub location: String,
    /// That scalet's ctid.
    pub scalet: u64,
    /// Size in GB, 0 until finished.
    pub size: u64,
    /// `dd.mm.yyyy HH:MM:SS` (UTC).
    pub created: String,
    /// `creating`, `finished` or `failed`.
    pub status: String,
    /// Whether it can be restored from.
    pub active: bool,
    /// Fields added out of band.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a task does to the account when it ends successfully.
#[derive(Clone, Debug)]
pub enum Effect {
    /// `scalet_create`: install, then start unless `do_start` was false.
    Create {
        /// Start the scalet after installation.
        do_start: bool,
    },
    /// `scalet_start`.
    Start,
    /// `scalet_stop`.
    Stop,
    /// `scalet_restart`.
    Restart,
    /// `scalet_upgrade` to `rplan`; `status` is restored when done.
    Upgrade {
        /// Target plan.
        rplan: String,
        /// Status before the upgrade answer set it to `updated`.
        status: String,
    },
    /// `scalet_rebuild`: reinstall, or restore a backup of `made_from`.
    Rebuild {
        /// The restored backup's image, `None` for a plain reinstall.
        made_from: Option<String>,
    },
    /// `scalet_delete`.
    Delete,
    /// `scalet_backup` filling the backup `backup_id`.
    Backup {
        /// Backup being made.
        backup_id: String,
        /// Its final size in GB.
        size_gb: u64,
    },
}

impl Effect {
    /// Task method names (Vscale doc, "Статус текущих операций":
    /// `"method": "scalet_create"`; the others by the same pattern).
    pub const METHODS: [&'static str; 8] = [
        "scalet_create",
        "scalet_start",
        "scalet_stop",
        "scalet_restart",
        "scalet_upgrade",
        "scalet_rebuild",
        "scalet_delete",
        "scalet_backup",
    ];

    /// The task `method` this effect is shown as.
    pub fn method(&self) -> &'static str {
        let index = match self {
            Effect::Create { .. } => 0,
            Effect::Start => 1,
            Effect::Stop => 2,
            Effect::Restart => 3,
            Effect::Upgrade { .. } => 4,
            Effect::Rebuild { .. } => 5,
            Effect::Delete => 6,
            Effect::Backup { .. } => 7,
        };
        Self::METHODS[index]
    }
}

/// An asynchronous operation on a scalet.
#[derive(Clone, Debug)]
pub struct Task {
    /// UUID, also sent as the `VSCALE-TASK-ID` header (docs/design/wire.md, "Vscale").
    pub id: String,
    /// Location of the scalet.
    pub location: String,
    /// The scalet's ctid.
    pub scalet: u64,
    /// When it was queued (epoch ms).
    pub inserted_ms: u64,
    /// When it ends (epoch ms).
    pub ends_ms: u64,
    /// When it was completed, `None` while running.
    pub finished_ms: Option<u64>,
    /// Whether it ended with an error.
    pub error: bool,
    /// Whether it must end with an error (`/_sim/vscale/fail_next_tasks`).
    pub fail: bool,
    /// What it does.
    pub effect: Effect,
}

impl Task {
    /// Whether it has ended.
    pub fn done(&self) -> bool {
        self.finished_ms.is_some()
    }

    /// The task object (Vscale doc, "Статус текущих операций"). The doc's
    /// example shows `d_insert` 3 hours after `d_start` (a time-zone artefact);
    /// the simulator prints both in UTC.
    pub fn to_json(&self) -> Value {
        json!({
            "location": self.location,
            "d_insert": task_date(self.inserted_ms),
            "id": self.id,
            "done": self.done(),
            "scalet": self.scalet,
            "error": self.error,
            "d_start": task_date(self.inserted_ms),
            "method": self.effect.method(),
            "d_end": self.finished_ms.map(task_date),
        })
    }
}

/// Renders a wire object (never fails for these types).
pub fn render<T: Serialize>(object: &T) -> Value {
    serde_json::to_value(object).unwrap_or(Value::Null)
}

/// Merges `patch` shallowly into `object` (out-of-band change); an error when
/// the result no longer has the object's shape.
pub fn merge<T: Serialize + DeserializeOwned>(
    object: &T,
    patch: &Map<String, Value>,
) -> Result<T, String> {
    let mut value = render(object);
    if let Value::Object(map) = &mut value {
        map.extend(patch.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    serde_json::from_value(value).map_err(|e| format!("patch does not fit the object: {e}"))
}
