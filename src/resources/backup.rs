//! `polycloud_backup`: a backup of a VPS.

use crate::model::{Backup, BackupSpec};
use crate::resources::common::*;

/// Terraform state of `polycloud_backup`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BackupState {
    /// Cloud id.
    pub id: Value<String>,
    /// VPS it backs up.
    pub vps_id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// Status word.
    pub status: Value<String>,
    /// Size in GB.
    pub size_gb: Value<i64>,
    /// RFC 3339.
    pub created_at: Value<String>,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

/// The `polycloud_backup` resource.
pub struct BackupResource;

/// The cloud's rules for what is written.
fn check(plan: &mut Plan<'_, BackupState>, cloud: &dyn Cloud) {
    let config = plan.config;
    let written = [
        ("name", !config.name.is_null()),
        ("description", !config.description.is_null()),
    ];
    check_written(plan.diags, cloud, Feature::Backup, "backup", &written);
}

#[async_trait]
impl Managed for BackupResource {
    type State = BackupState;
    type Object = Backup;
    const FEATURE: Feature = Feature::Backup;
    const NOUN: &'static str = "backup";

    fn schema(&self) -> SchemaBuilder {
        use AttributeType::{Number, String as Str};
        SchemaBuilder::new("A backup of a server. Creating it waits until the backup is complete.")
            .computed("id", Str, "The cloud's id of the backup.")
            .required(
                "vps_id",
                Str,
                "The server to back up. Changing it makes a new backup.",
            )
            .replaces()
            .optional_computed("name", Str, "Name of the backup.")
            .optional(
                "description",
                Str,
                "Description, where the cloud keeps one.",
            )
            .computed("status", Str, "The cloud's status word.")
            .computed("size_gb", Number, "Size in GB.")
            .computed("created_at", Str, "Creation time, RFC 3339.")
            .timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &BackupState) {
        refuse_blank(diags, &config.vps_id, "vps_id");
    }

    fn apply(&self, state: &mut BackupState, backup: Backup) {
        state.id = Value::Value(backup.id);
        if !backup.vps_id.is_empty() {
            state.vps_id = Value::Value(backup.vps_id);
        }
        state.name = Value::Value(backup.name);
        if backup.description.is_some() || state.description.is_unknown() {
            state.description = val(backup.description);
        }
        state.status = Value::Value(backup.status);
        state.size_gb = val(backup.size_gb);
        state.created_at = val(backup.created_at);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<Backup> {
        cloud.read_backup(id).await
    }

    async fn plan_create(&self, mut plan: Plan<'_, BackupState>) {
        if let Some(cloud) = plan.cloud {
            check(&mut plan, cloud);
        }
        plan.planned.created_at = Value::Unknown;
    }

    async fn plan_update(&self, mut plan: Plan<'_, BackupState>, prior: &BackupState) -> bool {
        let Some(cloud) = plan.cloud else {
            return false;
        };
        check(&mut plan, cloud);
        let p = &*plan.planned;
        let changes = name_and_description(
            cloud,
            Feature::Backup,
            (&prior.name, &p.name),
            (&prior.description, &p.description),
        );
        sort_changes(plan.diags, cloud, "backup", changes, plan.replace)
    }

    async fn create(&self, op: Call<'_, BackupState>, state: &mut BackupState) -> Made {
        let vps_id = known(&state.vps_id).unwrap_or_default().to_string();
        let spec = BackupSpec {
            name: known(&state.name).map_or_else(|| format!("terraform-{vps_id}"), String::from),
            description: known(&state.description).map(String::from),
            vps_id,
        };
        let backup = op.cloud.create_backup(&spec, op.limit).await?;
        self.apply(state, backup);
        Ok(())
    }

    async fn update(
        &self,
        op: Call<'_, BackupState>,
        prior: BackupState,
        planned: BackupState,
    ) -> Option<BackupState> {
        let (name, description) = renamed(
            (&prior.name, &planned.name),
            (&prior.description, &planned.description),
        );
        if name.is_none() && description.is_none() {
            // Only `timeouts` changed: nothing to send.
            return Some(planned);
        }
        if let Err(e) = op.cloud.update_backup(op.id, name, description).await {
            report(
                op.diags,
                &format!("Cannot update backup {}", op.id),
                &e,
                None,
            );
            return Some(prior);
        }
        Some(planned)
    }

    async fn delete(&self, op: Call<'_, BackupState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_backup(op.id, op.limit).await
    }
}
