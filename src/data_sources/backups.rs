//! `polycloud_backups`: the backups of the account, optionally of one server.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::model::Backup;
use crate::resources::common::*;

/// One element of `backups`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BackupItem {
    /// Backup id.
    pub id: Value<String>,
    /// The server it was taken from.
    pub vps_id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// The cloud's status word.
    pub status: Value<String>,
    /// Size in GB.
    pub size_gb: Value<i64>,
    /// Creation time, RFC 3339.
    pub created_at: Value<String>,
}

impl From<Backup> for BackupItem {
    fn from(backup: Backup) -> Self {
        Self {
            id: Value::Value(backup.id),
            vps_id: Value::Value(backup.vps_id),
            name: Value::Value(backup.name),
            status: Value::Value(backup.status),
            size_gb: val(backup.size_gb),
            created_at: val(backup.created_at),
        }
    }
}

/// Terraform state of `polycloud_backups`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BackupsState {
    /// Stable id: cloud and filter.
    pub id: Value<String>,
    /// Only backups of this server.
    pub vps_id: Value<String>,
    /// The backups.
    pub backups: Value<Vec<Value<BackupItem>>>,
    /// Their ids, in the same order.
    pub ids: StringList,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_backups` data source, on the provider's configured cloud.
    BackupsDataSource
}

/// The attribute types of one backup.
fn backup_type() -> AttributeType {
    object_list(&[
        ("id", AttributeType::String),
        ("vps_id", AttributeType::String),
        ("name", AttributeType::String),
        ("status", AttributeType::String),
        ("size_gb", AttributeType::Number),
        ("created_at", AttributeType::String),
    ])
}

#[async_trait]
impl DataSource for BackupsDataSource {
    type State = BackupsState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("The backups of the account, optionally only those of one server. A backup `id` can restore a server with `polycloud_vps_restore`.")
                .computed("id", AttributeType::String, "Stable id: the cloud and the filter.")
                .optional("vps_id", AttributeType::String, "Only backups taken from this server (a `polycloud_vps` id).")
                .computed("backups", backup_type(), "The backups: `id`, `vps_id`, `name`, `status`, `size_gb`, `created_at` (RFC 3339).")
                .computed("ids", string_list(), "The backups' ids, in the same order.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        refuse_empty(diags, &config.vps_id, "vps_id");
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataBackups)?;
        let vps_id = filter(&config.vps_id);
        let backups: Vec<Backup> = match cloud.list_backups(vps_id.as_deref().map(str::trim)).await
        {
            Ok(all) => all
                .into_iter()
                .filter(|b| vps_id.as_deref().is_none_or(|v| b.vps_id == v.trim()))
                .collect(),
            Err(e) => {
                report(diags, "Cannot list backups", &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(data_id(
            cloud.as_ref(),
            "backups",
            &[("vps_id", vps_id.as_deref())],
        ));
        state.ids = ids_of(backups.iter().map(|b| b.id.as_str()));
        state.backups = to_objects(backups.into_iter().map(BackupItem::from).collect());
        Some(state)
    }
}
