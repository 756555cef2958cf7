//! `polycloud_snapshot`: an on-demand snapshot of a VPS. Creating it
//! waits until the snapshot is complete.

use crate::model::{Snapshot, SnapshotSpec};
use crate::resources::common::*;

/// Terraform state of `polycloud_snapshot`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SnapshotState {
    /// Cloud id (`<vps_id>/<snapshot_id>` on iNET).
    pub id: Value<String>,
    /// The VPS it was taken from.
    pub vps_id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// Status word.
    pub status: Value<String>,
    /// RFC 3339.
    pub created_at: Value<String>,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

/// The `polycloud_snapshot` resource.
pub struct SnapshotResource;

/// The cloud's rules for what is written.
fn check(plan: &mut Plan<'_, SnapshotState>, cloud: &dyn Cloud) {
    let config = plan.config;
    let written = [
        ("name", !config.name.is_null()),
        ("description", !config.description.is_null()),
    ];
    check_written(plan.diags, cloud, Feature::Snapshot, "snapshot", &written);
}

#[async_trait]
impl Managed for SnapshotResource {
    type State = SnapshotState;
    type Object = Snapshot;
    const FEATURE: Feature = Feature::Snapshot;
    const NOUN: &'static str = "snapshot";

    fn schema(&self) -> SchemaBuilder {
        use AttributeType::String as Str;
        SchemaBuilder::new("A snapshot of a server, made on demand. Creating it waits until the snapshot is complete; destroying it deletes the snapshot (the server is untouched).")
            .computed("id", Str, "The cloud's id of the snapshot (`<vps_id>/<snapshot_id>` on iNET); also the import id.")
            .required("vps_id", Str, "The server to snapshot. Changing it makes a new snapshot.")
            .replaces()
            .optional_computed("name", Str, "Name, where the cloud lets you choose it (iNET names snapshots itself).")
            .optional("description", Str, "Description, where the cloud keeps one.")
            .computed("status", Str, "The cloud's status word (e.g. `available`).")
            .computed("created_at", Str, "Creation time, RFC 3339.")
            .timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &SnapshotState) {
        refuse_blank(diags, &config.vps_id, "vps_id");
    }

    fn apply(&self, state: &mut SnapshotState, snapshot: Snapshot) {
        state.id = Value::Value(snapshot.id);
        if !snapshot.vps_id.is_empty() {
            state.vps_id = Value::Value(snapshot.vps_id);
        }
        state.name = Value::Value(snapshot.name);
        if snapshot.description.is_some() || state.description.is_unknown() {
            state.description = val(snapshot.description);
        }
        state.status = Value::Value(snapshot.status);
        state.created_at = val(snapshot.created_at);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<Snapshot> {
        cloud.read_snapshot(id).await
    }

    async fn plan_create(&self, mut plan: Plan<'_, SnapshotState>) {
        if let Some(cloud) = plan.cloud {
            check(&mut plan, cloud);
        }
    }

    async fn plan_update(&self, mut plan: Plan<'_, SnapshotState>, prior: &SnapshotState) -> bool {
        let Some(cloud) = plan.cloud else {
            return false;
        };
        check(&mut plan, cloud);
        let p = &*plan.planned;
        let changes = name_and_description(
            cloud,
            Feature::Snapshot,
            (&prior.name, &p.name),
            (&prior.description, &p.description),
        );
        sort_changes(plan.diags, cloud, "snapshot", changes, plan.replace)
    }

    async fn create(&self, op: Call<'_, SnapshotState>, state: &mut SnapshotState) -> Made {
        let vps_id = known(&state.vps_id).unwrap_or_default().to_string();
        let spec = SnapshotSpec {
            name: known(&state.name).map_or_else(|| format!("terraform-{vps_id}"), String::from),
            description: known(&state.description).map(String::from),
            vps_id,
        };
        let snapshot = op.cloud.create_snapshot(&spec, op.limit).await?;
        self.apply(state, snapshot);
        Ok(())
    }

    async fn update(
        &self,
        op: Call<'_, SnapshotState>,
        prior: SnapshotState,
        planned: SnapshotState,
    ) -> Option<SnapshotState> {
        let (name, description) = renamed(
            (&prior.name, &planned.name),
            (&prior.description, &planned.description),
        );
        if name.is_none() && description.is_none() {
            // Only `timeouts` changed: nothing to send.
            return Some(planned);
        }
        if let Err(e) = op.cloud.update_snapshot(op.id, name, description).await {
            report(
                op.diags,
                &format!("Cannot update snapshot {}", op.id),
                &e,
                None,
            );
            return Some(prior);
        }
        Some(planned)
    }

    async fn delete(&self, op: Call<'_, SnapshotState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_snapshot(op.id, op.limit).await
    }
}
