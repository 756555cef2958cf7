//! `polycloud_volume`: an extra disk of a VPS. Which attributes a cloud
//! takes is its own rule (`Cloud::rule(Feature::Volume, ..)`): iNET makes a volume
//! from an `image` and sizes it itself; other clouds take `size_gb`.

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

/// The `polycloud_volume` resource.
pub struct VolumeResource;

/// Arguments whose meaning each cloud decides, with whether `config` writes them.
fn written(config: &VolumeState) -> [(&'static str, bool); 3] {
    [
        ("size_gb", !config.size_gb.is_null()),
        ("description", !config.description.is_null()),
        ("image", !config.image.is_null()),
    ]
}

/// The changed arguments and what their change does on the cloud: its rule, or for a
/// size change the cloud's answer for that direction.
fn changes(
    cloud: &dyn Cloud,
    prior: &VolumeState,
    planned: &VolumeState,
) -> Vec<(&'static str, Change)> {
    let mut out = Vec::new();
    if planned.size_gb.is_value() && prior.size_gb != planned.size_gb {
        let sizes = (
            prior.size_gb.as_ref_option(),
            planned.size_gb.as_ref_option(),
        );
        let change = match sizes {
            (Some(from), Some(to)) => cloud.volume_size_change(*from, *to),
            _ => None,
        };
        out.push((
            "size_gb",
            change.unwrap_or_else(|| change_rule(cloud, Feature::Volume, "size_gb")),
        ));
    }
    if prior.description != planned.description {
        out.push((
            "description",
            change_rule(cloud, Feature::Volume, "description"),
        ));
    }
    if planned.image.is_value() && prior.image != planned.image {
        let made = Change::Replace("the image is only used when the volume is made".into());
        out.push((
            "image",
            cloud
                .rule(Feature::Volume, "image")
                .map_or(made, |r| r.change),
        ));
    }
    out
}

#[async_trait]
impl Managed for VolumeResource {
    type State = VolumeState;
    type Object = Volume;
    const FEATURE: Feature = Feature::Volume;
    const NOUN: &'static str = "volume";

    fn schema(&self) -> SchemaBuilder {
        use AttributeType::{Number, String as Str};
        SchemaBuilder::new("An extra disk attached to a server. Creating it waits until the server lists it; destroying it deletes the disk and its data.")
            .computed("id", Str, "The cloud's id of the volume (`<vps_id>/<volume_id>` on iNET); also the import id.")
            .required("vps_id", Str, "The server it is attached to. Changing it makes a new volume.")
            .replaces()
            .optional_computed("size_gb", Number, "Size in GB where the cloud sizes volumes (grows in place where it can); computed on iNET.")
            .optional("description", Str, "Description, where the cloud keeps one.")
            .optional("image", Str, "Image to make it from (required on iNET, e.g. `Ubuntu-22.04`); changing it makes a new volume.")
            .computed("device_name", Str, "Device name in the guest, e.g. `/dev/vdb`.")
            .computed("created_at", Str, "Creation time, RFC 3339.")
            .timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &VolumeState) {
        refuse_blank(diags, &config.vps_id, "vps_id");
        refuse_blank(diags, &config.image, "image");
        if config.size_gb.as_ref_option().is_some_and(|s| *s < 1) {
            let path = AttributePath::new("size_gb");
            diags.error("Invalid size_gb", "`size_gb` must be at least 1.", path);
        }
    }

    fn apply(&self, state: &mut VolumeState, volume: Volume) {
        state.id = Value::Value(volume.id);
        if !volume.vps_id.is_empty() {
            state.vps_id = Value::Value(volume.vps_id);
        }
        state.size_gb = val(volume.size_gb);
        if volume.description.is_some() || state.description.is_unknown() {
            state.description = val(volume.description);
        }
        if volume.image.is_some() || state.image.is_unknown() {
            state.image = val(volume.image);
        }
        state.device_name = val(volume.device_name);
        state.created_at = val(volume.created_at);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<Volume> {
        cloud.read_volume(id).await
    }

    async fn plan_create(&self, plan: Plan<'_, VolumeState>) {
        if let Some(cloud) = plan.cloud {
            let written = written(plan.config);
            check_written(plan.diags, cloud, Feature::Volume, "volume", &written);
        }
    }

    async fn plan_update(&self, plan: Plan<'_, VolumeState>, prior: &VolumeState) -> bool {
        let Some(cloud) = plan.cloud else {
            return false;
        };
        let changes = changes(cloud, prior, plan.planned);
        if changes.is_empty() {
            return false;
        }
        let written = written(plan.config);
        check_written(plan.diags, cloud, Feature::Volume, "volume", &written);
        sort_changes(plan.diags, cloud, "volume", changes, plan.replace)
    }

    async fn create(&self, op: Call<'_, VolumeState>, state: &mut VolumeState) -> Made {
        let spec = VolumeSpec {
            vps_id: known(&state.vps_id).unwrap_or_default().to_string(),
            size_gb: state.size_gb.as_ref_option().copied(),
            description: known(&state.description).map(String::from),
            image: known(&state.image).map(String::from),
        };
        let volume = op.cloud.create_volume(&spec, op.limit).await?;
        self.apply(state, volume);
        Ok(())
    }

    async fn update(
        &self,
        op: Call<'_, VolumeState>,
        prior: VolumeState,
        planned: VolumeState,
    ) -> Option<VolumeState> {
        let size = planned.size_gb.as_ref_option().copied();
        let Some(size) = size.filter(|s| Some(s) != prior.size_gb.as_ref_option()) else {
            // Only `timeouts` changed: nothing to send.
            return Some(planned);
        };
        if let Err(e) = op.cloud.resize_volume(op.id, size, op.limit).await {
            report(op.diags, &format!("Cannot grow volume {}", op.id), &e, None);
            return Some(prior);
        }
        let mut state = planned;
        match op.cloud.read_volume(op.id).await {
            Ok(Some(volume)) => self.apply(&mut state, volume),
            Ok(None) => {}
            Err(e) => {
                let summary = format!("Cannot read volume {} after growing it", op.id);
                report(op.diags, &summary, &e, None);
            }
        }
        Some(state)
    }

    async fn delete(&self, op: Call<'_, VolumeState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_volume(op.id, op.limit).await
    }
}
