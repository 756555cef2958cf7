//! `polycloud_volume`: an extra disk of a VPS (SPEC §4b). Which attributes a cloud
//! takes is its own rule (`Cloud::rule(Feature::Volume, ..)`): iNET makes a volume
//! from an `image` and sizes it itself; other clouds take `size_gb`.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::{Change, Cloud, Feature};
use crate::model::{Volume, VolumeSpec};
use crate::resources::common::*;

/// Terraform state of `polycloud_volume`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VolumeState {
    /// Cloud id (`<vps_id>/<volume_id>` on iNET).
    pub id: Value<String>,
    /// The VPS it belongs to.
    pub vps_id: Value<String>,
    /// Size in GB.
    pub size_gb: Value<i64>,
    /// Description.
    pub description: Value<String>,
    /// Image it is made from.
    pub image: Value<String>,
    /// Device in the guest.
    pub device_name: Value<String>,
    /// RFC 3339.
    pub created_at: Value<String>,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_volume` resource, on the provider's configured cloud.
    VolumeResource
}

/// Arguments whose meaning each cloud decides.
const RULED: [&str; 3] = ["size_gb", "description", "image"];

/// The schema (also the one the docs describe).
pub fn schema() -> Schema {
    use AttributeType::{Number, String as Str};
    SchemaBuilder::new("An extra disk attached to a server. Creating it waits until the server lists it; destroying it deletes the disk and its data.")
        .computed("id", Str, "The cloud's id of the volume (`<vps_id>/<volume_id>` on iNET); also the import id.")
        .required("vps_id", Str, "The server it is attached to. Changing it makes a new volume.")
        .optional_computed("size_gb", Number, "Size in GB where the cloud sizes volumes (grows in place where it can); computed on iNET.")
        .optional("description", Str, "Description, where the cloud keeps one.")
        .optional("image", Str, "Image to make it from (required on iNET, e.g. `Ubuntu-22.04`); changing it makes a new volume.")
        .computed("device_name", Str, "Device name in the guest, e.g. `/dev/vdb`.")
        .computed("created_at", Str, "Creation time, RFC 3339.")
        .timeouts()
        .build()
}

fn apply_volume(state: &mut VolumeState, volume: Volume) {
    state.id = Value::Value(volume.id);
    if !volume.vps_id.is_empty() {
        state.vps_id = Value::Value(volume.vps_id);
    }
    state.size_gb = val(volume.size_gb);
    let unset = volume.description.as_deref() == Some("") && state.description.is_null();
    if !unset && (volume.description.is_some() || state.description.is_unknown()) {
        state.description = val(volume.description);
    }
    if volume.image.is_some() || state.image.is_unknown() {
        state.image = val(volume.image);
    }
    state.device_name = val(volume.device_name);
    state.created_at = val(volume.created_at);
}

fn written(config: &VolumeState, attribute: &str) -> bool {
    match attribute {
        "size_gb" => !config.size_gb.is_null(),
        "description" => !config.description.is_null(),
        "image" => !config.image.is_null(),
        _ => false,
    }
}

fn differs(prior: &VolumeState, planned: &VolumeState, attribute: &str) -> bool {
    match attribute {
        "size_gb" => planned.size_gb.is_value() && prior.size_gb != planned.size_gb,
        "description" => prior.description != planned.description,
        "image" => planned.image.is_value() && prior.image != planned.image,
        _ => false,
    }
}

/// What a change of `attribute` does on the cloud: its rule, or for a size change the
/// cloud's answer for that direction.
fn change_of(
    cloud: &dyn Cloud,
    prior: &VolumeState,
    planned: &VolumeState,
    attribute: &str,
) -> Change {
    let sizes = (
        prior.size_gb.as_ref_option(),
        planned.size_gb.as_ref_option(),
    );
    if let ("size_gb", (Some(from), Some(to))) = (attribute, sizes) {
        if let Some(change) = cloud.volume_size_change(*from, *to) {
            return change;
        }
    }
    let default = if attribute == "image" {
        Change::Replace("the image is only used when the volume is made".into())
    } else {
        Change::InPlace
    };
    cloud
        .rule(Feature::Volume, attribute)
        .map_or(default, |r| r.change)
}

/// Replacement paths for changed attributes; errors for changes the cloud refuses.
/// Returns whether an in-place change remains.
fn plan_changes(
    diags: &mut Diagnostics,
    cloud: &dyn Cloud,
    prior: &VolumeState,
    planned: &VolumeState,
    replace: &mut Vec<AttributePath>,
) -> bool {
    let mut in_place = false;
    for attribute in RULED {
        if !differs(prior, planned, attribute) {
            continue;
        }
        match change_of(cloud, prior, planned, attribute) {
            Change::InPlace => in_place = true,
            Change::Replace(why) => {
                diags.warning(
                    format!("Changing `{attribute}` makes a new volume"),
                    why,
                    AttributePath::new(attribute),
                );
                replace.push(AttributePath::new(attribute));
            }
            Change::Unsupported(advice) => diags.error(
                format!("`{attribute}` cannot change on {}", cloud.kind().name()),
                advice,
                AttributePath::new(attribute),
            ),
        }
    }
    in_place
}

#[async_trait]
impl Resource for VolumeResource {
    type State = VolumeState;

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
        if known(&config.image).is_some_and(|v| v.trim().is_empty()) {
            diags.error(
                "Invalid image",
                "`image` must not be empty.",
                AttributePath::new("image"),
            );
        }
        if config.size_gb.as_ref_option().is_some_and(|s| *s < 1) {
            diags.error(
                "Invalid size_gb",
                "`size_gb` must be at least 1.",
                AttributePath::new("size_gb"),
            );
        }
        validate_timeouts(diags, &config.timeouts);
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&state.id).unwrap_or_default().to_string();
        let result = cloud.read_volume(&id).await;
        refreshed(diags, &format!("volume {id}"), state, result, apply_volume)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::Volume, Op::Create) {
                return None;
            }
            check_written(
                diags,
                cloud.as_ref(),
                Feature::Volume,
                "volume",
                &RULED.map(|a| (a, written(&config, a))),
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
        let any = RULED.iter().any(|a| differs(&prior, &proposed, a));
        if !any {
            return Some((proposed, replace));
        }
        check_written(
            diags,
            cloud.as_ref(),
            Feature::Volume,
            "volume",
            &RULED.map(|a| (a, written(&config, a))),
        );
        let in_place = plan_changes(diags, cloud.as_ref(), &prior, &proposed, &mut replace);
        if in_place
            && replace.is_empty()
            && !check_capability(diags, cloud.as_ref(), Feature::Volume, Op::Update)
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
        let spec = VolumeSpec {
            vps_id: known(&planned.vps_id).unwrap_or_default().to_string(),
            size_gb: planned.size_gb.as_ref_option().copied(),
            description: known(&planned.description).map(String::from),
            image: known(&planned.image).map(String::from),
        };
        let mut state = planned;
        match cloud
            .create_volume(&spec, timeout(&state.timeouts, Phase::Create))
            .await
        {
            Ok(volume) => {
                apply_volume(&mut state, volume);
                Some(state)
            }
            Err(failure) => {
                report(diags, "Cannot create the volume", &failure.error, None);
                let id = failure.id?;
                if let Ok(Some(volume)) = cloud.read_volume(&id).await {
                    apply_volume(&mut state, volume);
                }
                state.id = Value::Value(id);
                for v in [&mut state.device_name, &mut state.created_at] {
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
        let size = planned.size_gb.as_ref_option().copied();
        let Some(size) = size.filter(|s| Some(s) != prior.size_gb.as_ref_option()) else {
            // Only `timeouts` changed: nothing to send.
            return Some(planned);
        };
        let limit = timeout(&planned.timeouts, Phase::Update);
        if let Err(e) = cloud.resize_volume(&id, size, limit).await {
            report(diags, &format!("Cannot grow volume {id}"), &e, None);
            return Some(prior);
        }
        let mut state = planned;
        match cloud.read_volume(&id).await {
            Ok(Some(volume)) => apply_volume(&mut state, volume),
            Ok(None) => {}
            Err(e) => report(
                diags,
                &format!("Cannot read volume {id} after growing it"),
                &e,
                None,
            ),
        }
        Some(state)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        let limit = timeout(&prior.timeouts, Phase::Delete);
        deleted(
            diags,
            &format!("volume {id}"),
            cloud.delete_volume(&id, limit).await,
        )
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        if !check_capability(diags, cloud.as_ref(), Feature::Volume, Op::Read) {
            return None;
        }
        let result = cloud.read_volume(&id).await;
        imported(diags, &format!("volume {id:?}"), result, apply_volume)
    }
}
