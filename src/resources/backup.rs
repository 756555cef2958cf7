//! `polycloud_backup`: a backup of a VPS.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::{Change, Feature};
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

crate::shared::over_shared_cloud! {
    /// The `polycloud_backup` resource, on the provider's configured cloud.
    BackupResource
}

fn apply_backup(state: &mut BackupState, backup: Backup) {
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

#[async_trait]
impl Resource for BackupResource {
    type State = BackupState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new(
                "A backup of a server. Creating it waits until the backup is complete.",
            )
            .computed("id", AttributeType::String, "The cloud's id of the backup.")
            .required(
                "vps_id",
                AttributeType::String,
                "The server to back up. Changing it makes a new backup.",
            )
            .optional_computed("name", AttributeType::String, "Name of the backup.")
            .optional(
                "description",
                AttributeType::String,
                "Description, where the cloud keeps one.",
            )
            .computed("status", AttributeType::String, "The cloud's status word.")
            .computed("size_gb", AttributeType::Number, "Size in GB.")
            .computed(
                "created_at",
                AttributeType::String,
                "Creation time, RFC 3339.",
            )
            .timeouts()
            .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        if known(&config.vps_id).is_some_and(|v| v.trim().is_empty()) {
            diags.error(
                "Invalid vps_id",
                "`vps_id` must not be empty.",
                AttributePath::new("vps_id"),
            );
        }
        validate_timeouts(diags, &config.timeouts);
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&state.id).unwrap_or_default().to_string();
        let result = cloud.read_backup(&id).await;
        refreshed(diags, &format!("backup {id}"), state, result, apply_backup)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::Backup, Op::Create) {
                return None;
            }
            check_written(
                diags,
                cloud.as_ref(),
                Feature::Backup,
                "backup",
                &[
                    ("name", !config.name.is_null()),
                    ("description", !config.description.is_null()),
                ],
            );
        }
        let mut planned = proposed;
        planned.created_at = Value::Unknown;
        Some(planned)
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        proposed: Self::State,
        config: Self::State,
    ) -> Option<(Self::State, Vec<AttributePath>)> {
        let mut replace = Vec::new();
        if proposed.vps_id != prior.vps_id {
            replace.push(AttributePath::new("vps_id"));
        }
        let Some(cloud) = self.shared.get() else {
            return Some((proposed, replace));
        };
        check_written(
            diags,
            cloud.as_ref(),
            Feature::Backup,
            "backup",
            &[
                ("name", !config.name.is_null()),
                ("description", !config.description.is_null()),
            ],
        );
        let mut in_place = false;
        for (attribute, changed) in [
            (
                "name",
                proposed.name.is_value() && proposed.name != prior.name,
            ),
            ("description", proposed.description != prior.description),
        ] {
            if !changed {
                continue;
            }
            match cloud
                .rule(Feature::Backup, attribute)
                .map(|r| r.change)
                .unwrap_or(Change::InPlace)
            {
                Change::InPlace => in_place = true,
                Change::Replace(why) => {
                    diags.warning(
                        format!("Changing `{attribute}` makes a new backup"),
                        why,
                        AttributePath::new(attribute),
                    );
                    replace.push(AttributePath::new(attribute));
                }
                Change::Unsupported(advice) => diags.error(
                    format!("`{attribute}` cannot change"),
                    advice,
                    AttributePath::new(attribute),
                ),
            }
        }
        if in_place
            && replace.is_empty()
            && !check_capability(diags, cloud.as_ref(), Feature::Backup, Op::Update)
        {
            return None;
        }
        Some((proposed, replace))
    }

    async fn create(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let vps_id = known(&planned.vps_id).unwrap_or_default().to_string();
        let spec = BackupSpec {
            vps_id: vps_id.clone(),
            name: known(&planned.name)
                .map(String::from)
                .unwrap_or_else(|| format!("terraform-{vps_id}")),
            description: known(&planned.description).map(String::from),
        };
        let mut state = planned;
        match cloud
            .create_backup(&spec, timeout(&state.timeouts, Phase::Create))
            .await
        {
            Ok(backup) => {
                apply_backup(&mut state, backup);
                Some(state)
            }
            Err(failure) => {
                report(diags, "Cannot create the backup", &failure.error, None);
                let id = failure.id?;
                if let Ok(Some(backup)) = cloud.read_backup(&id).await {
                    apply_backup(&mut state, backup);
                }
                state.id = Value::Value(id);
                for v in [
                    &mut state.name,
                    &mut state.status,
                    &mut state.created_at,
                    &mut state.description,
                ] {
                    if v.is_unknown() {
                        *v = Value::Null;
                    }
                }
                if state.size_gb.is_unknown() {
                    state.size_gb = Value::Null;
                }
                Some(state)
            }
        }
    }

    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        let name = (planned.name != prior.name)
            .then(|| known(&planned.name))
            .flatten();
        let description = (planned.description != prior.description)
            .then(|| known(&planned.description).unwrap_or_default());
        if name.is_none() && description.is_none() {
            // Only `timeouts` changed: nothing to send.
            return Some(planned);
        }
        let deadline = crate::http::deadline_in(timeout(&planned.timeouts, Phase::Update));
        let updated = cloud.update_backup(&id, name, description);
        if let Err(e) = crate::http::within(deadline, updated).await {
            report(diags, &format!("Cannot update backup {id}"), &e, None);
            return Some(prior);
        }
        Some(planned)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        let limit = timeout(&prior.timeouts, Phase::Delete);
        deleted(
            diags,
            &format!("backup {id}"),
            cloud.delete_backup(&id, limit).await,
        )
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let result = cloud.read_backup(&id).await;
        imported(diags, &format!("backup {id:?}"), result, apply_backup)
    }
}
