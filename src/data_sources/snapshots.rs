//! `polycloud_snapshots`: the snapshots of the account, optionally of one server.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
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

/// Terraform state of `polycloud_snapshots`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SnapshotsState {
    /// Stable id: cloud and filter.
    pub id: Value<String>,
    /// Only snapshots of this server.
    pub vps_id: Value<String>,
    /// The snapshots.
    pub snapshots: Value<Vec<Value<SnapshotItem>>>,
    /// Their ids, in the same order.
    pub ids: StringList,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_snapshots` data source, on the provider's configured cloud.
    SnapshotsDataSource
}

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
impl DataSource for SnapshotsDataSource {
    type State = SnapshotsState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("The snapshots of the account, optionally only those of one server (on iNET, without `vps_id` every server is asked in turn).")
                .computed("id", AttributeType::String, "Stable id: the cloud and the filter.")
                .optional("vps_id", AttributeType::String, "Only snapshots of this server (a `polycloud_vps` id).")
                .computed("snapshots", snapshot_type(), "The snapshots: `id`, `vps_id`, `name`, `status`, `size_gb`, `created_at` (RFC 3339).")
                .computed("ids", string_list(), "The snapshots' ids, in the same order.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        refuse_empty(diags, &config.vps_id, "vps_id");
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataSnapshots)?;
        let vps_id = filter(&config.vps_id);
        let snapshots = match cloud.list_snapshots(vps_id.as_deref().map(str::trim)).await {
            Ok(all) => all,
            Err(e) => {
                report(diags, "Cannot list snapshots", &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(data_id(
            cloud.as_ref(),
            "snapshots",
            &[("vps_id", vps_id.as_deref())],
        ));
        state.ids = ids_of(snapshots.iter().map(|s| s.id.as_str()));
        state.snapshots = to_objects(snapshots.into_iter().map(SnapshotItem::from).collect());
        Some(state)
    }
}
