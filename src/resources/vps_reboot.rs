//! `polycloud_vps_reboot`: reboots a server, as an action kept in state. Creating it
//! reboots (soft, or `hard` = forced) and waits until the server runs again; a change
//! of `triggers` or `hard` reboots again; destroying it changes nothing remotely.
//! Clouds that cannot reboot refuse it at plan (`Cloud::capability`).

use std::collections::BTreeMap;

use crate::model::Vps;
use crate::resources::common::*;

/// Terraform state of `polycloud_vps_reboot`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RebootState {
    /// The server's id.
    pub id: Value<String>,
    /// The server to reboot.
    pub vps_id: Value<String>,
    /// Forced reboot.
    pub hard: Value<bool>,
    /// Arbitrary values; any change reboots again.
    pub triggers: Value<BTreeMap<String, Value<String>>>,
    /// When the last reboot finished, RFC 3339; null after an import.
    pub rebooted_at: Value<String>,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

/// The `polycloud_vps_reboot` resource.
pub struct VpsRebootResource;

/// Reboots the server of `state` and records when.
async fn reboot(op: &Call<'_, RebootState>, state: &mut RebootState) -> Result<(), CloudError> {
    let vps_id = known(&state.vps_id).unwrap_or_default().to_string();
    let hard = state.hard.as_ref_option().copied().unwrap_or(false);
    op.cloud.reboot_vps(&vps_id, hard, op.limit).await?;
    state.id = Value::Value(vps_id);
    state.rebooted_at = Value::Value(now_rfc3339());
    Ok(())
}

/// Refuses `hard = true` where the cloud has no forced reboot, on the attribute.
fn check_hard(plan: &mut Plan<'_, RebootState>) {
    let hard = plan.config.hard.as_ref_option().copied().unwrap_or(false);
    if let Some(cloud) = plan.cloud.filter(|_| hard) {
        check_written(
            plan.diags,
            cloud,
            Feature::VpsReboot,
            "reboot",
            &[("hard", true)],
        );
    }
    // Unwritten, it is a soft reboot (the plan of a new one has it unknown until now).
    if plan.config.hard.is_null() && !plan.planned.hard.is_value() {
        plan.planned.hard = Value::Value(false);
    }
}

#[async_trait]
impl Managed for VpsRebootResource {
    type State = RebootState;
    type Object = Vps;
    const FEATURE: Feature = Feature::VpsReboot;
    const NOUN: &'static str = "server";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("Reboots a server and waits until it runs again. Runs on create and again whenever `triggers` or `hard` change (a new `vps_id` reboots that server); destroying it changes nothing remotely.")
            .computed("id", AttributeType::String, "The server's id; also the import id (an import reboots nothing).")
            .required("vps_id", AttributeType::String, "The server to reboot.").replaces()
            .optional_computed("hard", AttributeType::Bool, "`true` forces the reboot (like pulling the plug); `false` (default) asks the OS to restart.")
            .optional("triggers", string_map(), "Arbitrary values; any change reboots again.")
            .computed("rebooted_at", AttributeType::String, "When the last reboot finished, RFC 3339 (null after an import).")
            .timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &RebootState) {
        refuse_blank(diags, &config.vps_id, "vps_id");
    }

    /// The server exists: nothing changes, except on import (the reboot of that
    /// server, soft, never run by Terraform).
    fn apply(&self, state: &mut RebootState, vps: Vps) {
        if state.vps_id.is_null() {
            state.id = Value::Value(vps.id.clone());
            state.vps_id = Value::Value(vps.id);
            state.hard = Value::Value(false);
        }
    }

    /// The reboot stands for its server.
    fn address(&self, state: &RebootState, _id: &str) -> String {
        known(&state.vps_id).unwrap_or_default().to_string()
    }

    async fn fetch(&self, cloud: &dyn Cloud, vps_id: &str) -> Found<Vps> {
        cloud.read_vps(vps_id).await
    }

    async fn plan_create(&self, mut plan: Plan<'_, RebootState>) {
        check_hard(&mut plan);
    }

    async fn plan_update(&self, mut plan: Plan<'_, RebootState>, prior: &RebootState) -> bool {
        check_hard(&mut plan);
        let planned = plan.planned;
        let again = planned.hard != prior.hard || planned.triggers != prior.triggers;
        // After an import nothing was rebooted by Terraform: adopt the written values.
        if again && prior.rebooted_at.is_value() {
            planned.rebooted_at = Value::Unknown;
        }
        false
    }

    fn create_failed(&self, planned: &RebootState) -> String {
        format!(
            "Cannot reboot server {}",
            known(&planned.vps_id).unwrap_or_default()
        )
    }

    async fn create(&self, op: Call<'_, RebootState>, state: &mut RebootState) -> Made {
        Ok(reboot(&op, state).await?)
    }

    async fn update(
        &self,
        op: Call<'_, RebootState>,
        prior: RebootState,
        planned: RebootState,
    ) -> Option<RebootState> {
        let mut state = planned;
        if !state.rebooted_at.is_unknown() {
            // Adopting written values after an import: no reboot.
            return Some(state);
        }
        let Err(e) = reboot(&op, &mut state).await else {
            return Some(state);
        };
        let summary = self.create_failed(&state);
        report(op.diags, &summary, &e, None);
        Some(prior)
    }

    async fn delete(&self, _op: Call<'_, RebootState>) -> Result<Deleted, CloudError> {
        Ok(Deleted::Gone)
    }
}
