//! `polycloud_snapshot`: an on-demand snapshot of a VPS. Creating it
//! waits until the snapshot is complete.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::{Change, Cloud, Feature};
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

crate::shared::over_shared_cloud! {
    /// The `polycloud_snapshot` resource, on the provider's configured cloud.
    SnapshotResource
}

/// The schema (also the one the docs describe).
pub fn schema() -> Schema {
    use AttributeType::String as Str;
    SchemaBuilder::new("A snapshot of a server, made on demand. Creating it waits until the snapshot is complete; destroying it deletes the snapshot (the server is untouched).")
        .computed("id", Str, "The cloud's id of the snapshot (`<vps_id>/<snapshot_id>` on iNET); also the import id.")
        .required("vps_id", Str, "The server to snapshot. Changing it makes a new snapshot.")
        .optional_computed("name", Str, "Name, where the cloud lets you choose it (iNET names snapshots itself).")
        .optional("description", Str, "Description, where the cloud keeps one.")
        .computed("status", Str, "The cloud's status word (e.g. `available`).")
        .computed("created_at", Str, "Creation time, RFC 3339.")
        .timeouts()
        .build()
}

fn apply_snapshot(state: &mut SnapshotState, snapshot: Snapshot) {
    state.id = Value::Value(snapshot.id);
    if !snapshot.vps_id.is_empty() {
        state.vps_id = Value::Value(snapshot.vps_id);
    }
    state.name = Value::Value(snapshot.name);
    let unset = snapshot.description.as_deref() == Some("") && state.description.is_null();
    if !unset && (snapshot.description.is_some() || state.description.is_unknown()) {
        state.description = val(snapshot.description);
    }
    state.status = Value::Value(snapshot.status);
    state.created_at = val(snapshot.created_at);
}

/// Sorts changed attributes into in place (returned) and replacements (pushed, with
/// the cloud's reason as a warning); refused changes are errors on the attribute.
fn plan_changes(
    diags: &mut Diagnostics,
    cloud: &dyn Cloud,
    prior: &SnapshotState,
    proposed: &SnapshotState,
    replace: &mut Vec<AttributePath>,
) -> bool {
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
            .rule(Feature::Snapshot, attribute)
            .map(|r| r.change)
            .unwrap_or(Change::InPlace)
        {
            Change::InPlace => in_place = true,
            Change::Replace(why) => {
                diags.warning(
                    format!("Changing `{attribute}` makes a new snapshot"),
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
    in_place
}

#[async_trait]
impl Resource for SnapshotResource {
    type State = SnapshotState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
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
        let result = cloud.read_snapshot(&id).await;
        let state = refreshed(
            diags,
            &format!("snapshot {id}"),
            state,
            result,
            apply_snapshot,
        )?;
        Some(state)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::Snapshot, Op::Create) {
                return None;
            }
            check_written(
                diags,
                cloud.as_ref(),
                Feature::Snapshot,
                "snapshot",
                &[
                    ("name", !config.name.is_null()),
                    ("description", !config.description.is_null()),
                ],
            );
        }
        let planned = proposed;
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
            Feature::Snapshot,
            "snapshot",
            &[
                ("name", !config.name.is_null()),
                ("description", !config.description.is_null()),
            ],
        );
        let in_place = plan_changes(diags, cloud.as_ref(), &prior, &proposed, &mut replace);
        if in_place
            && replace.is_empty()
            && !check_capability(diags, cloud.as_ref(), Feature::Snapshot, Op::Update)
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
        let spec = SnapshotSpec {
            vps_id: vps_id.clone(),
            name: known(&planned.name)
                .map(String::from)
                .unwrap_or_else(|| format!("terraform-{vps_id}")),
            description: known(&planned.description).map(String::from),
        };
        let mut state = planned;
        match cloud
            .create_snapshot(&spec, timeout(&state.timeouts, Phase::Create))
            .await
        {
            Ok(snapshot) => {
                apply_snapshot(&mut state, snapshot);
                Some(state)
            }
            Err(failure) => {
                report(diags, "Cannot create the snapshot", &failure.error, None);
                let id = failure.id?;
                if let Ok(Some(snapshot)) = cloud.read_snapshot(&id).await {
                    apply_snapshot(&mut state, snapshot);
                }
                state.id = Value::Value(id);
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
        let updated = cloud.update_snapshot(&id, name, description);
        if let Err(e) = crate::http::within(deadline, updated).await {
            report(diags, &format!("Cannot update snapshot {id}"), &e, None);
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
            &format!("snapshot {id}"),
            cloud.delete_snapshot(&id, limit).await,
        )
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        if !check_capability(diags, cloud.as_ref(), Feature::Snapshot, Op::Read) {
            return None;
        }
        let result = cloud.read_snapshot(&id).await;
        imported(diags, &format!("snapshot {id:?}"), result, apply_snapshot)
    }
}
