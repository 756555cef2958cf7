//! `polycloud_vps_restore`: restores a server from a backup or snapshot. It is an
//! action kept in state: it runs on create, runs again when `triggers` (or its source)
//! change, and destroying it changes nothing remotely.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::cloud::Feature;
use crate::model::RestoreSource;
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

crate::shared::over_shared_cloud! {
    /// The `polycloud_vps_restore` resource, on the provider's configured cloud.
    VpsRestoreResource
}

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

fn now_rfc3339() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64;
    crate::timefmt::rfc3339_from_unix_millis(millis)
}

#[async_trait]
impl Resource for VpsRestoreResource {
    type State = RestoreState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("Restores a server from a backup or a snapshot (the server's disk is overwritten). Runs on create and again whenever `vps_id`, the source or `triggers` change; destroying it changes nothing remotely.")
                .computed("id", AttributeType::String, "`<vps_id>:backup:<id>` or `<vps_id>:snapshot:<id>`; also the import id.")
                .required("vps_id", AttributeType::String, "The server to restore.")
                .optional("backup_id", AttributeType::String, "Backup to restore from (exactly one of `backup_id`, `snapshot_id`).")
                .optional("snapshot_id", AttributeType::String, "Snapshot to restore from.")
                .optional("triggers", string_map(), "Arbitrary values; any change runs the restore again.")
                .computed("restored_at", AttributeType::String, "When the restore finished, RFC 3339.")
                .timeouts()
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        let both_known = !config.backup_id.is_unknown() && !config.snapshot_id.is_unknown();
        if both_known && config.backup_id.is_null() == config.snapshot_id.is_null() {
            diags.error(
                "Exactly one restore source",
                "Set either `backup_id` or `snapshot_id`, not both and not neither.",
                AttributePath::new(if config.backup_id.is_null() {
                    "backup_id"
                } else {
                    "snapshot_id"
                }),
            );
        }
        validate_timeouts(diags, &config.timeouts);
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let vps_id = known(&state.vps_id).unwrap_or_default().to_string();
        match cloud.read_vps(&vps_id).await {
            Ok(Some(_)) => Some(state),
            Ok(None) => None,
            Err(e) => {
                report(diags, &format!("Cannot read server {vps_id}"), &e, None);
                Some(state)
            }
        }
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::VpsRestore, Op::Create) {
                return None;
            }
            check_written(
                diags,
                cloud.as_ref(),
                Feature::VpsRestore,
                "restore",
                &[
                    ("backup_id", !config.backup_id.is_null()),
                    ("snapshot_id", !config.snapshot_id.is_null()),
                ],
            );
        }
        let planned = proposed;
        Some(planned)
    }

    async fn plan_update(
        &self,
        _diags: &mut Diagnostics,
        prior: Self::State,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<(Self::State, Vec<AttributePath>)> {
        let mut replace = Vec::new();
        for (name, changed) in [
            ("vps_id", proposed.vps_id != prior.vps_id),
            ("backup_id", proposed.backup_id != prior.backup_id),
            ("snapshot_id", proposed.snapshot_id != prior.snapshot_id),
            ("triggers", proposed.triggers != prior.triggers),
        ] {
            if changed {
                replace.push(AttributePath::new(name));
            }
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
        let Some(source) = source_of(&planned) else {
            diags.root_error("No restore source", "Set `backup_id` or `snapshot_id`.");
            return None;
        };
        if let Err(e) = cloud
            .restore_vps(&vps_id, &source, timeout(&planned.timeouts, Phase::Create))
            .await
        {
            report(diags, &format!("Cannot restore server {vps_id}"), &e, None);
            if !e.work_started() {
                return None;
            }
            // The restore started (its wait failed): recorded, so Terraform keeps it
            // tainted and a new restore shows in the plan instead of running silently.
        }
        let mut state = planned;
        state.id = Value::Value(id_of(&vps_id, &source));
        state.restored_at = Value::Value(now_rfc3339());
        Some(state)
    }

    async fn destroy(&self, _diags: &mut Diagnostics, _prior: Self::State) -> Option<()> {
        Some(())
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let parts: Vec<&str> = id.splitn(3, ':').collect();
        let (vps_id, kind, source) = match parts.as_slice() {
            [v, k @ ("backup" | "snapshot"), s] if !v.is_empty() && !s.is_empty() => (*v, *k, *s),
            _ => {
                diags.root_error("Invalid import id", format!("{id:?}: use `<vps_id>:backup:<backup_id>` or `<vps_id>:snapshot:<snapshot_id>`."));
                return None;
            }
        };
        let mut state = RestoreState {
            id: Value::Value(id.clone()),
            vps_id: Value::Value(vps_id.into()),
            ..Default::default()
        };
        if kind == "backup" {
            state.backup_id = Value::Value(source.into());
        } else {
            state.snapshot_id = Value::Value(source.into());
        }
        Some(state)
    }
}
