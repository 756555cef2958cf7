//! `polycloud_vps_restore`: restores a server from a backup or snapshot. It is an
//! action kept in state: it runs on create, runs again when `triggers` (or its source)
//! change, and destroying it changes nothing remotely.

use std::collections::BTreeMap;

use crate::model::{RestoreSource, Vps};
use crate::resources::common::*;

/// Terraform state of `polycloud_vps_restore`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RestoreState {
    /// `<vps_id>:<backup|snapshot>:<source id>`.
    pub id: Value<String>,
    /// The server to restore.
    pub vps_id: Value<String>,
    /// Backup to restore from.
    pub backup_id: Value<String>,
    /// Snapshot to restore from.
    pub snapshot_id: Value<String>,
    /// Arbitrary values; any change runs the restore again.
    pub triggers: Value<BTreeMap<String, Value<String>>>,
    /// When the restore finished, RFC 3339.
    pub restored_at: Value<String>,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

/// The `polycloud_vps_restore` resource.
pub struct VpsRestoreResource;

fn source_of(state: &RestoreState) -> Option<RestoreSource> {
    match (known(&state.backup_id), known(&state.snapshot_id)) {
        (Some(b), None) => Some(RestoreSource::Backup(b.into())),
        (None, Some(s)) => Some(RestoreSource::Snapshot(s.into())),
        _ => None,
    }
}

fn id_of(vps_id: &str, source: &RestoreSource) -> String {
    match source {
        RestoreSource::Backup(b) => format!("{vps_id}:backup:{b}"),
        RestoreSource::Snapshot(s) => format!("{vps_id}:snapshot:{s}"),
    }
}

#[async_trait]
impl Managed for VpsRestoreResource {
    type State = RestoreState;
    type Object = Vps;
    const FEATURE: Feature = Feature::VpsRestore;
    const NOUN: &'static str = "server";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("Restores a server from a backup or a snapshot (the server's disk is overwritten). Runs on create and again whenever `vps_id`, the source or `triggers` change; destroying it changes nothing remotely.")
            .computed("id", AttributeType::String, "`<vps_id>:backup:<id>` or `<vps_id>:snapshot:<id>`; also the import id.")
            .required("vps_id", AttributeType::String, "The server to restore.").replaces()
            .optional("backup_id", AttributeType::String, "Backup to restore from (exactly one of `backup_id`, `snapshot_id`).").replaces()
            .optional("snapshot_id", AttributeType::String, "Snapshot to restore from.").replaces()
            .optional("triggers", string_map(), "Arbitrary values; any change runs the restore again.").replaces()
            .computed("restored_at", AttributeType::String, "When the restore finished, RFC 3339.")
            .timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &RestoreState) {
        let both_known = !config.backup_id.is_unknown() && !config.snapshot_id.is_unknown();
        if both_known && config.backup_id.is_null() == config.snapshot_id.is_null() {
            let name = if config.backup_id.is_null() {
                "backup_id"
            } else {
                "snapshot_id"
            };
            diags.error(
                "Exactly one restore source",
                "Set either `backup_id` or `snapshot_id`, not both and not neither.",
                AttributePath::new(name),
            );
        }
    }

    /// The server still exists: nothing to refresh.
    fn apply(&self, _state: &mut RestoreState, _vps: Vps) {}

    /// The restore stands for its server.
    fn address(&self, state: &RestoreState, _id: &str) -> String {
        known(&state.vps_id).unwrap_or_default().to_string()
    }

    async fn fetch(&self, cloud: &dyn Cloud, vps_id: &str) -> Found<Vps> {
        cloud.read_vps(vps_id).await
    }

    async fn plan_create(&self, plan: Plan<'_, RestoreState>) {
        if let Some(cloud) = plan.cloud {
            let c = plan.config;
            let written = [
                ("backup_id", !c.backup_id.is_null()),
                ("snapshot_id", !c.snapshot_id.is_null()),
            ];
            check_written(plan.diags, cloud, Feature::VpsRestore, "restore", &written);
        }
    }

    fn create_failed(&self, planned: &RestoreState) -> String {
        format!(
            "Cannot restore server {}",
            known(&planned.vps_id).unwrap_or_default()
        )
    }

    async fn create(&self, op: Call<'_, RestoreState>, state: &mut RestoreState) -> Made {
        let vps_id = known(&state.vps_id).unwrap_or_default().to_string();
        let Some(source) = source_of(state) else {
            let error = CloudError::Unsupported("Set `backup_id` or `snapshot_id`.".into());
            return Err(error.into());
        };
        state.id = Value::Value(id_of(&vps_id, &source));
        state.restored_at = Value::Value(now_rfc3339());
        if let Err(error) = op.cloud.restore_vps(&vps_id, &source, op.limit).await {
            // A restore that started (its wait failed) is recorded, so Terraform keeps
            // it tainted and a new restore shows in the plan instead of running silently.
            let id = error.work_started().then(|| id_of(&vps_id, &source));
            return Err(CreateError { id, error });
        }
        Ok(())
    }

    async fn delete(&self, _op: Call<'_, RestoreState>) -> Result<Deleted, CloudError> {
        Ok(Deleted::Gone)
    }

    async fn import(
        &self,
        diags: &mut Diagnostics,
        _cloud: &dyn Cloud,
        id: &str,
    ) -> Option<RestoreState> {
        let parts: Vec<&str> = id.splitn(3, ':').collect();
        let (vps_id, kind, source) = match parts.as_slice() {
            [v, k @ ("backup" | "snapshot"), s] if !v.is_empty() && !s.is_empty() => (*v, *k, *s),
            _ => {
                diags.root_error("Invalid import id", format!("{id:?}: use `<vps_id>:backup:<backup_id>` or `<vps_id>:snapshot:<snapshot_id>`."));
                return None;
            }
        };
        let mut state = RestoreState {
            id: Value::Value(id.to_string()),
            vps_id: Value::Value(vps_id.into()),
            ..Default::default()
        };
        let slot = if kind == "backup" {
            &mut state.backup_id
        } else {
            &mut state.snapshot_id
        };
        *slot = Value::Value(source.into());
        Some(state)
    }
}
