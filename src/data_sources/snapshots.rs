//! `polycloud_snapshots`: the snapshots of the account, optionally of one server.

use crate::data_sources::listed::Listed;
use crate::data_sources::support::*;
use crate::model::Snapshot;
use crate::resources::common::*;

/// One element of `snapshots`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SnapshotItem {
    /// Snapshot id (the `polycloud_snapshot` import id).
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

impl From<Snapshot> for SnapshotItem {
    fn from(s: Snapshot) -> Self {
        Self {
            id: Value::Value(s.id),
            vps_id: Value::Value(s.vps_id),
            name: Value::Value(s.name),
            status: Value::Value(s.status),
            size_gb: val(s.size_gb),
            created_at: val(s.created_at),
        }
    }
}

/// The filters of `polycloud_snapshots`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SnapshotsFilters {
    /// Only snapshots of this server.
    pub vps_id: Value<String>,
}

/// The `polycloud_snapshots` data source.
pub struct SnapshotsDataSource;

fn snapshot_type() -> AttributeType {
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
impl Listed for SnapshotsDataSource {
    type Filters = SnapshotsFilters;
    type Item = SnapshotItem;
    const FEATURE: Feature = Feature::DataSnapshots;
    const LIST: &'static str = "snapshots";
    const WHAT: &'static str = "snapshots";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("The snapshots of the account, optionally only those of one server (on iNET, without `vps_id` every server is asked in turn).")
            .computed("id", AttributeType::String, "Stable id: the cloud and the filter.")
            .optional("vps_id", AttributeType::String, "Only snapshots of this server (a `polycloud_vps` id).")
            .computed("snapshots", snapshot_type(), "The snapshots: `id`, `vps_id`, `name`, `status`, `size_gb`, `created_at` (RFC 3339).")
            .computed("ids", string_list(), "The snapshots' ids, in the same order.")
    }

    fn validate(&self, diags: &mut Diagnostics, f: &SnapshotsFilters) {
        refuse_empty(diags, &f.vps_id, "vps_id");
    }

    fn set_filters(&self, f: &SnapshotsFilters) -> Vec<(&'static str, Option<String>)> {
        vec![("vps_id", filter(&f.vps_id))]
    }

    async fn list(
        &self,
        cloud: &dyn Cloud,
        f: &SnapshotsFilters,
    ) -> Result<Vec<SnapshotItem>, CloudError> {
        let vps_id = filter(&f.vps_id);
        let all = cloud
            .list_snapshots(vps_id.as_deref().map(str::trim))
            .await?;
        Ok(all.into_iter().map(SnapshotItem::from).collect())
    }
}
