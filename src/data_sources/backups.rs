//! `polycloud_backups`: the backups of the account, optionally of one server.

use crate::data_sources::listed::Listed;
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

/// The filters of `polycloud_backups`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BackupsFilters {
    /// Only backups of this server.
    pub vps_id: Value<String>,
}

/// The `polycloud_backups` data source.
pub struct BackupsDataSource;

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
impl Listed for BackupsDataSource {
    type Filters = BackupsFilters;
    type Item = BackupItem;
    const FEATURE: Feature = Feature::DataBackups;
    const LIST: &'static str = "backups";
    const WHAT: &'static str = "backups";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("The backups of the account, optionally only those of one server. A backup `id` can restore a server with `polycloud_vps_restore`.")
            .computed("id", AttributeType::String, "Stable id: the cloud and the filter.")
            .optional("vps_id", AttributeType::String, "Only backups taken from this server (a `polycloud_vps` id).")
            .computed("backups", backup_type(), "The backups: `id`, `vps_id`, `name`, `status`, `size_gb`, `created_at` (RFC 3339).")
            .computed("ids", string_list(), "The backups' ids, in the same order.")
    }

    fn validate(&self, diags: &mut Diagnostics, f: &BackupsFilters) {
        refuse_empty(diags, &f.vps_id, "vps_id");
    }

    fn set_filters(&self, f: &BackupsFilters) -> Vec<(&'static str, Option<String>)> {
        vec![("vps_id", filter(&f.vps_id))]
    }

    async fn list(
        &self,
        cloud: &dyn Cloud,
        f: &BackupsFilters,
    ) -> Result<Vec<BackupItem>, CloudError> {
        let vps_id = filter(&f.vps_id);
        let vps_id = vps_id.as_deref().map(str::trim);
        let all = cloud.list_backups(vps_id).await?;
        let mine = all
            .into_iter()
            .filter(|b| vps_id.is_none_or(|v| b.vps_id == v));
        Ok(mine.map(BackupItem::from).collect())
    }
}
