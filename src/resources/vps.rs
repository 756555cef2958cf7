//! `polycloud_vps`: a virtual server on any of the four clouds.

use crate::model::{PowerState, Vps, VpsChange, VpsSpec};
use crate::resources::common::*;

/// Terraform state of `polycloud_vps`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VpsState {
    /// Cloud id.
    pub id: Value<String>,
    /// Server name.
    pub name: Value<String>,
    /// Image.
    pub image: Value<String>,
    /// Plan.
    pub plan: Value<String>,
    /// Location.
    pub location: Value<String>,
    /// vCPUs.
    pub cpu: Value<i64>,
    /// Memory, MiB.
    pub memory_mb: Value<i64>,
    /// Disk, GB.
    pub disk_gb: Value<i64>,
    /// Network.
    pub network_id: Value<String>,
    /// SSH key ids.
    pub ssh_key_ids: StringList,
    /// Password (sensitive, stored in state).
    pub password: Value<String>,
    /// Password, write-only: in configuration only, never in state or plan.
    pub password_wo: Value<String>,
    /// Bump to apply a new `password_wo`.
    pub password_wo_version: Value<i64>,
    /// Description.
    pub description: Value<String>,
    /// `running` / `stopped`.
    pub power_state: Value<String>,
    /// Automatic snapshots, days.
    pub auto_snapshot_days: Value<i64>,
    /// Cloud status word.
    pub status: Value<String>,
    /// Public IPv4.
    pub ip_address: Value<String>,
    /// Private IPv4.
    pub private_ip_address: Value<String>,
    /// Host name.
    pub hostname: Value<String>,
    /// RFC 3339.
    pub created_at: Value<String>,
    /// NIC ids.
    pub nic_ids: StringList,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

/// The `polycloud_vps` resource.
pub struct VpsResource;

/// Attributes whose meaning each cloud decides (`Cloud::rule(Feature::Vps, ..)`).
const RULED: [&str; 13] = [
    "name",
    "image",
    "plan",
    "location",
    "cpu",
    "memory_mb",
    "network_id",
    "ssh_key_ids",
    "password",
    "password_wo",
    "description",
    "power_state",
    "auto_snapshot_days",
];

/// Computed-only attributes that may move when anything changes.
fn mark_volatile_unknown(state: &mut VpsState) {
    state.status = Value::Unknown;
}

/// Writes what the cloud reports into `state`, keeping what the cloud cannot report
/// (password, timeouts) and the user's order of SSH keys.
fn apply_vps(state: &mut VpsState, vps: Vps) {
    state.id = Value::Value(vps.id);
    state.name = Value::Value(vps.name);
    // A cloud that does not report the image (StarVCenter) keeps the one we know.
    if vps.image.is_some() || !state.image.is_value() {
        state.image = val(vps.image);
    }
    state.plan = val(vps.plan);
    state.location = val(vps.location);
    state.cpu = val(vps.cpu);
    state.memory_mb = val(vps.memory_mb);
    state.disk_gb = val(vps.disk_gb);
    state.network_id = val(vps.network_id);
    state.ssh_key_ids = match vps.ssh_key_ids {
        Some(keys) => same_set_keep_order(&state.ssh_key_ids, keys),
        None if state.ssh_key_ids.is_unknown() => Value::Null,
        None => state.ssh_key_ids.clone(),
    };
    state.description = val(vps.description);
    if let Some(power) = vps.power_state {
        state.power_state = Value::Value(power.as_str().into());
    } else if state.power_state.is_unknown() {
        state.power_state = Value::Null;
    }
    state.auto_snapshot_days = val(vps.auto_snapshot_days);
    state.status = Value::Value(vps.status);
    state.ip_address = val(vps.ip_address);
    state.private_ip_address = val(vps.private_ip_address);
    state.hostname = val(vps.hostname);
    state.created_at = val(vps.created_at);
    state.nic_ids = to_list(&vps.nic_ids);
}

/// Whether the attribute is set in configuration (known or unknown, not null).
fn is_set(config: &VpsState, attribute: &str) -> bool {
    match attribute {
        "name" => !config.name.is_null(),
        "image" => !config.image.is_null(),
        "plan" => !config.plan.is_null(),
        "location" => !config.location.is_null(),
        "cpu" => !config.cpu.is_null(),
        "memory_mb" => !config.memory_mb.is_null(),
        "network_id" => !config.network_id.is_null(),
        "ssh_key_ids" => !config.ssh_key_ids.is_null(),
        "password" => !config.password.is_null(),
        "password_wo" => !config.password_wo.is_null(),
        "description" => !config.description.is_null(),
        "power_state" => !config.power_state.is_null(),
        "auto_snapshot_days" => !config.auto_snapshot_days.is_null(),
        _ => false,
    }
}

/// Whether the attribute differs between prior state and plan (both known).
fn differs(prior: &VpsState, planned: &VpsState, attribute: &str) -> bool {
    match attribute {
        "name" => !planned.name.is_null() && prior.name != planned.name,
        // After an import from a cloud that does not report the image, the written
        // one is adopted instead of forcing a new server.
        "image" => {
            !planned.image.is_null() && prior.image.is_value() && prior.image != planned.image
        }
        "plan" => !planned.plan.is_null() && prior.plan != planned.plan,
        "location" => !planned.location.is_null() && prior.location != planned.location,
        "cpu" => planned.cpu.is_value() && prior.cpu != planned.cpu,
        "memory_mb" => planned.memory_mb.is_value() && prior.memory_mb != planned.memory_mb,
        "network_id" => !planned.network_id.is_null() && prior.network_id != planned.network_id,
        "ssh_key_ids" => {
            planned.ssh_key_ids.is_value()
                && (list_unknown(&planned.ssh_key_ids) || {
                    let (mut a, mut b) = (
                        list_strings(&prior.ssh_key_ids),
                        list_strings(&planned.ssh_key_ids),
                    );
                    a.sort();
                    b.sort();
                    a != b
                })
        }
        // After an import the password is unknown to the provider: adopt the written
        // one instead of planning a change.
        "password" => prior.password.is_value() && prior.password != planned.password,
        // Only a new version sends the write-only password again; after an import
        // (no version in state) the written one is adopted.
        "password_wo" => {
            prior.password_wo_version.is_value()
                && !planned.password_wo_version.is_null()
                && prior.password_wo_version != planned.password_wo_version
        }
        "description" => !planned.description.is_null() && prior.description != planned.description,
        "power_state" => !planned.power_state.is_null() && prior.power_state != planned.power_state,
        "auto_snapshot_days" => {
            planned.auto_snapshot_days.is_value()
                && prior.auto_snapshot_days != planned.auto_snapshot_days
        }
        _ => false,
    }
}

fn spec_of(state: &VpsState) -> VpsSpec {
    VpsSpec {
        name: known(&state.name).unwrap_or_default().to_string(),
        image: known(&state.image).map(String::from),
        plan: known(&state.plan).map(String::from),
        location: known(&state.location).map(String::from),
        cpu: state.cpu.as_ref_option().copied(),
        memory_mb: state.memory_mb.as_ref_option().copied(),
        network_id: known(&state.network_id).map(String::from),
        ssh_key_ids: list_strings(&state.ssh_key_ids),
        password: known(&state.password)
            .or(known(&state.password_wo))
            .map(String::from),
        description: known(&state.description).map(String::from),
        power_state: known(&state.power_state).and_then(PowerState::parse),
        auto_snapshot_days: state.auto_snapshot_days.as_ref_option().copied(),
    }
}

/// The password to install: the stored one, or the write-only one of the configuration.
fn password_of(planned: &VpsState, config: &VpsState) -> Option<String> {
    known(&planned.password)
        .or(known(&config.password_wo))
        .map(String::from)
}

/// The in-place changes from `prior` to `planned`, in the order they are applied.
fn changes(prior: &VpsState, planned: &VpsState, config: &VpsState) -> Vec<VpsChange> {
    let mut out = Vec::new();
    if differs(prior, planned, "name") {
        out.push(VpsChange::Name(
            known(&planned.name).unwrap_or_default().into(),
        ));
    }
    if differs(prior, planned, "description") {
        out.push(VpsChange::Description(
            known(&planned.description).unwrap_or_default().into(),
        ));
    }
    if differs(prior, planned, "image") {
        out.push(VpsChange::Image {
            image: known(&planned.image).unwrap_or_default().into(),
            password: password_of(planned, config),
            ssh_key_ids: list_strings(&planned.ssh_key_ids),
        });
    }
    if differs(prior, planned, "plan") {
        out.push(VpsChange::Plan(
            known(&planned.plan).unwrap_or_default().into(),
        ));
    }
    if differs(prior, planned, "cpu") || differs(prior, planned, "memory_mb") {
        out.push(VpsChange::Resize {
            cpu: planned.cpu.as_ref_option().copied(),
            memory_mb: planned.memory_mb.as_ref_option().copied(),
        });
    }
    // A rebuild (the image change above) installs the password itself.
    if differs(prior, planned, "password") && !differs(prior, planned, "image") {
        if let Some(p) = known(&planned.password) {
            out.push(VpsChange::Password(p.into()));
        }
    }
    if differs(prior, planned, "password_wo") && !differs(prior, planned, "image") {
        if let Some(p) = known(&config.password_wo) {
            out.push(VpsChange::Password(p.into()));
        }
    }
    if differs(prior, planned, "auto_snapshot_days") {
        out.push(VpsChange::AutoSnapshotDays(
            planned
                .auto_snapshot_days
                .as_ref_option()
                .copied()
                .unwrap_or(0),
        ));
    }
    if differs(prior, planned, "power_state") {
        if let Some(p) = known(&planned.power_state).and_then(PowerState::parse) {
            out.push(VpsChange::Power(p));
        }
    }
    out
}

impl VpsResource {
    /// Plan-time checks of what is written against the cloud's rules.
    fn check_settings(&self, diags: &mut Diagnostics, cloud: &dyn Cloud, config: &VpsState) {
        let written = RULED.map(|a| (a, is_set(config, a)));
        check_written(diags, cloud, Feature::Vps, "server", &written);
        for (attribute, message) in cloud.check_vps_spec(&spec_of(config)) {
            diags.error(
                format!("Invalid `{attribute}`"),
                message,
                AttributePath::new(attribute),
            );
        }
    }

    /// What changing each attribute does; adds replacement paths and errors.
    async fn plan_changes(
        &self,
        diags: &mut Diagnostics,
        cloud: &dyn Cloud,
        prior: &VpsState,
        planned: &VpsState,
    ) -> Vec<AttributePath> {
        let mut replace = Vec::new();
        for attribute in RULED {
            if !differs(prior, planned, attribute)
                || rides_on_rebuild(cloud, prior, planned, attribute)
            {
                continue;
            }
            let change = if attribute == "plan" {
                match (known(&prior.plan), known(&planned.plan)) {
                    (Some(from), Some(to)) => match cloud.vps_plan_change(from, to).await {
                        Ok(change) => change,
                        Err(e) => {
                            report(
                                diags,
                                "Cannot plan the plan change",
                                &e,
                                Some(AttributePath::new("plan")),
                            );
                            continue;
                        }
                    },
                    _ => cloud.rule(Feature::Vps, attribute).map(|r| r.change),
                }
            } else {
                cloud.rule(Feature::Vps, attribute).map(|r| r.change)
            };
            match change.unwrap_or(Change::InPlace) {
                Change::InPlace => {}
                Change::Replace(why) => {
                    let path = AttributePath::new(changed_by(attribute));
                    diags.warning(
                        format!("Changing `{}` replaces the server", changed_by(attribute)),
                        format!("{why}: Terraform will destroy this server and create a new one."),
                        path.clone(),
                    );
                    replace.push(path);
                }
                Change::Unsupported(advice) => diags.error(
                    format!("`{attribute}` cannot change on {}", cloud.kind().name()),
                    advice,
                    AttributePath::new(attribute),
                ),
            }
        }
        replace
    }
}

/// The attribute whose change the plan shows: a write-only value is never in the
/// plan, so its version attribute stands for it.
fn changed_by(attribute: &str) -> &str {
    match attribute {
        "password_wo" => "password_wo_version",
        other => other,
    }
}

/// Whether a changed `password` or `ssh_key_ids` is installed by an in-place image
/// change in the same plan (`VpsChange::Image` carries both), so it needs no rule of
/// its own.
fn rides_on_rebuild(
    cloud: &dyn Cloud,
    prior: &VpsState,
    planned: &VpsState,
    attribute: &str,
) -> bool {
    matches!(attribute, "password" | "password_wo" | "ssh_key_ids")
        && differs(prior, planned, "image")
        && cloud
            .rule(Feature::Vps, "image")
            .is_some_and(|r| r.change == Change::InPlace)
}

fn validate_config(diags: &mut Diagnostics, config: &VpsState) {
    if let Some(name) = known(&config.name) {
        if name.trim().is_empty() {
            diags.error(
                "Invalid name",
                "`name` must not be empty.",
                AttributePath::new("name"),
            );
        }
    }
    if let Some(p) = known(&config.power_state) {
        if PowerState::parse(p).is_none() {
            diags.error(
                "Invalid power_state",
                format!("{p:?} is not a power state; use \"running\" or \"stopped\"."),
                AttributePath::new("power_state"),
            );
        }
    }
    for (attribute, value, min) in [
        ("cpu", &config.cpu, 1),
        ("memory_mb", &config.memory_mb, 1),
        ("auto_snapshot_days", &config.auto_snapshot_days, 0),
    ] {
        if let Some(v) = value.as_ref_option() {
            if *v < min {
                diags.error(
                    format!("Invalid {attribute}"),
                    format!("`{attribute}` must be at least {min}, got {v}."),
                    AttributePath::new(attribute),
                );
            }
        }
    }
    if let Some(keys) = config.ssh_key_ids.as_ref_option() {
        for (i, key) in keys.iter().enumerate() {
            if known(key).is_some_and(|k| k.trim().is_empty()) {
                diags.error(
                    "Invalid SSH key id",
                    "SSH key ids must not be empty.",
                    AttributePath::new("ssh_key_ids").index(i as i64),
                );
            }
        }
    }
    if let Some(password) = known(&config.password) {
        if password.is_empty() {
            diags.error(
                "Invalid password",
                "`password` must not be empty; remove it to use SSH keys only.",
                AttributePath::new("password"),
            );
        }
    }
    validate_write_only_password(diags, config);
    validate_timeouts(diags, &config.timeouts);
}

fn validate_write_only_password(diags: &mut Diagnostics, config: &VpsState) {
    if !config.password.is_null() && !config.password_wo.is_null() {
        diags.error(
            "Conflicting passwords",
            "Write either `password` (stored in state) or `password_wo` (write-only, never stored), not both.",
            AttributePath::new("password_wo"),
        );
    }
    if known(&config.password_wo).is_some_and(str::is_empty) {
        diags.error(
            "Invalid password_wo",
            "`password_wo` must not be empty; remove it to use SSH keys only.",
            AttributePath::new("password_wo"),
        );
    }
    if !config.password_wo_version.is_null() && config.password_wo.is_null() {
        diags.error(
            "password_wo_version without password_wo",
            "`password_wo_version` says when to send `password_wo` again; write `password_wo` too, or remove the version.",
            AttributePath::new("password_wo_version"),
        );
    }
}

#[async_trait]
impl Managed for VpsResource {
    type State = VpsState;
    type Object = Vps;
    const FEATURE: Feature = Feature::Vps;
    const NOUN: &'static str = "server";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("A virtual server. One schema for every cloud; what a cloud cannot do fails at plan with advice. See the capability table in the docs.")
            .computed("id", AttributeType::String, "The cloud's id of the server.")
            .required("name", AttributeType::String, "Server name.")
            .optional_computed("image", AttributeType::String, "Image / template / OS to install (see `polycloud_images`).")
            .optional_computed("plan", AttributeType::String, "Plan (size) of the server (see `polycloud_plans`).")
            .optional_computed("location", AttributeType::String, "Location / data centre (see `polycloud_locations`).")
            .optional_computed("cpu", AttributeType::Number, "vCPUs, where the cloud sizes servers directly; computed elsewhere.")
            .optional_computed("memory_mb", AttributeType::Number, "Memory in MiB, where the cloud sizes servers directly; computed elsewhere.")
            .computed("disk_gb", AttributeType::Number, "System disk in GB.")
            .optional_computed("network_id", AttributeType::String, "Network (port group) to attach, where the cloud has them.")
            .optional_computed("ssh_key_ids", string_list(), "SSH key ids to install (see `polycloud_ssh_key`).")
            .secret("password", "Root/administrator password. Never logged, but stored in state: prefer `password_wo`.")
            .write_only_secret("password_wo", "Root/administrator password, write-only (Terraform 1.11 or later): sent to the cloud, never stored in state or plan. Conflicts with `password`. Changing it alone does nothing: raise `password_wo_version` to send it again.")
            .optional("password_wo_version", AttributeType::Number, "Version of `password_wo`; a new value sends the password again, which does what a change of `password` does on the cloud (Vscale and Zomro: a new server; StarVCenter: reset in place).")
            .optional_computed("description", AttributeType::String, "Free-text description, where the cloud keeps one.")
            .optional_computed("power_state", AttributeType::String, "`running` (default) or `stopped`.")
            .optional_computed("auto_snapshot_days", AttributeType::Number, "Automatic snapshot period in days, 0 = off (iNET).")
            .computed("status", AttributeType::String, "The cloud's own status word.")
            .computed("ip_address", AttributeType::String, "Public IPv4 address.")
            .computed("private_ip_address", AttributeType::String, "Private IPv4 address.")
            .computed("hostname", AttributeType::String, "Host name given by the cloud.")
            .computed("created_at", AttributeType::String, "Creation time, RFC 3339.")
            .computed("nic_ids", string_list(), "Network interface ids (StarVCenter).")
            .timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &VpsState) {
        validate_config(diags, config);
    }

    fn apply(&self, state: &mut VpsState, vps: Vps) {
        apply_vps(state, vps);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<Vps> {
        cloud.read_vps(id).await
    }

    async fn plan_create(&self, plan: Plan<'_, VpsState>) {
        if let Some(cloud) = plan.cloud {
            self.check_settings(plan.diags, cloud, plan.config);
        }
        if plan.config.power_state.is_null() {
            plan.planned.power_state = Value::Value(PowerState::Running.as_str().into());
        }
    }

    async fn plan_update(&self, plan: Plan<'_, VpsState>, prior: &VpsState) -> bool {
        let (planned, config) = (plan.planned, plan.config);
        if config.power_state.is_null() {
            planned.power_state = Value::Value(PowerState::Running.as_str().into());
        }
        if prior.password.is_null() && config.password.is_value() {
            // Imported: adopt the written password silently (see `differs`).
            planned.password = config.password.clone();
        }
        let any_change = RULED.iter().any(|a| differs(prior, planned, a));
        if let Some(cloud) = plan.cloud {
            // A write-only password is never in state, so writing it is no "change":
            // where the cloud cannot take one, say so whenever it is written.
            if !config.password_wo.is_null() && !any_change {
                let written = [("password_wo", true)];
                check_written(plan.diags, cloud, Feature::Vps, "server", &written);
            }
            if any_change {
                self.check_settings(plan.diags, cloud, config);
                let replace = self.plan_changes(plan.diags, cloud, prior, planned).await;
                plan.replace.extend(replace);
            }
        }
        if any_change {
            mark_volatile_unknown(planned);
            if differs(prior, planned, "plan") || differs(prior, planned, "image") {
                for value in [&mut planned.cpu, &mut planned.memory_mb] {
                    if value.is_value() && config.cpu.is_null() {
                        *value = Value::Unknown;
                    }
                }
                planned.disk_gb = Value::Unknown;
            }
        }
        any_change && plan.cloud.is_some()
    }

    async fn create(&self, op: Call<'_, VpsState>, state: &mut VpsState) -> Made {
        let mut spec = spec_of(state);
        spec.password = password_of(state, op.config);
        let vps = op.cloud.create_vps(&spec, op.limit).await?;
        let id = vps.id.clone();
        apply_vps(state, vps);
        let wanted = spec.power_state.unwrap_or(PowerState::Running);
        let actual = known(&state.power_state).and_then(PowerState::parse);
        if actual.is_none() || actual == Some(wanted) {
            return Ok(());
        }
        let change = VpsChange::Power(wanted);
        if let Err(e) = op.cloud.update_vps(&id, &change, op.limit).await {
            let summary = format!(
                "Server {id} was created but could not be set {}",
                wanted.as_str()
            );
            report(
                op.diags,
                &summary,
                &e,
                Some(AttributePath::new("power_state")),
            );
            return Ok(());
        }
        self.read_back(op.diags, op.cloud, state, &id).await;
        Ok(())
    }

    async fn update(
        &self,
        op: Call<'_, VpsState>,
        prior: VpsState,
        planned: VpsState,
    ) -> Option<VpsState> {
        for change in changes(&prior, &planned, op.config) {
            if let Err(e) = op.cloud.update_vps(op.id, &change, op.limit).await {
                report(
                    op.diags,
                    &format!("Cannot update server {}", op.id),
                    &e,
                    None,
                );
                // Record what is true now, so the next plan retries what is left.
                let mut current = prior;
                if let Ok(Some(vps)) = op.cloud.read_vps(op.id).await {
                    apply_vps(&mut current, vps);
                }
                current.timeouts = planned.timeouts;
                return Some(current);
            }
        }
        let mut state = planned;
        self.read_back(op.diags, op.cloud, &mut state, op.id).await;
        Some(state)
    }

    async fn delete(&self, op: Call<'_, VpsState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_vps(op.id, op.limit).await
    }
}
