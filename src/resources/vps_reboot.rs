//! `polycloud_vps_reboot`: reboots a server, as an action kept in state. Creating it
//! reboots (soft, or `hard` = forced) and waits until the server runs again; a change
//! of `triggers` or `hard` reboots again; destroying it changes nothing remotely.
//! Clouds that cannot reboot refuse it at plan (`Cloud::capability`).

use std::collections::BTreeMap;

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::{Cloud, Feature, Setting};
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

/// The resource.
pub struct VpsRebootResource {
    shared: SharedCloud,
}

impl VpsRebootResource {
    /// Over the provider's shared cloud.
    pub fn new(shared: SharedCloud) -> Self {
        Self { shared }
    }

    /// Reboots and records when; reports failures.
    async fn reboot(&self, diags: &mut Diagnostics, state: &mut RebootState) -> bool {
        let Some(cloud) = self.shared.cloud(diags) else {
            return false;
        };
        let vps_id = known(&state.vps_id).unwrap_or_default().to_string();
        let hard = state.hard.as_ref_option().copied().unwrap_or(false);
        let limit = timeout(&state.timeouts, Phase::Create);
        match cloud.reboot_vps(&vps_id, hard, limit).await {
            Ok(()) => {
                state.id = Value::Value(vps_id);
                state.rebooted_at = Value::Value(now_rfc3339());
                true
            }
            Err(e) => {
                report(diags, &format!("Cannot reboot server {vps_id}"), &e, None);
                false
            }
        }
    }
}

fn now_rfc3339() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64;
    crate::timefmt::rfc3339_from_unix_millis(millis)
}

/// Refuses `hard = true` where the cloud has no forced reboot, on the attribute.
fn check_hard(diags: &mut Diagnostics, cloud: &dyn Cloud, config: &RebootState) {
    let hard = config.hard.as_ref_option().copied().unwrap_or(false);
    if let Some(rule) = cloud.rule(Feature::VpsReboot, "hard") {
        if let (Setting::Unsupported(advice), true) = (&rule.set, hard) {
            diags.error(
                format!("`hard` is not available on {}", cloud.kind().name()),
                advice.clone(),
                AttributePath::new("hard"),
            );
        }
    }
}

#[async_trait]
impl Resource for VpsRebootResource {
    type State = RebootState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("Reboots a server and waits until it runs again. Runs on create and again whenever `triggers` or `hard` change (a new `vps_id` reboots that server); destroying it changes nothing remotely.")
                .computed("id", AttributeType::String, "The server's id; also the import id (an import reboots nothing).")
                .required("vps_id", AttributeType::String, "The server to reboot.")
                .optional_computed("hard", AttributeType::Bool, "`true` forces the reboot (like pulling the plug); `false` (default) asks the OS to restart.")
                .optional("triggers", string_map(), "Arbitrary values; any change reboots again.")
                .computed("rebooted_at", AttributeType::String, "When the last reboot finished, RFC 3339 (null after an import).")
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
        let vps_id = known(&state.vps_id).unwrap_or_default().to_string();
        let result = cloud.read_vps(&vps_id).await;
        refreshed(diags, &format!("server {vps_id}"), state, result, |_, _| {})
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::VpsReboot, Op::Create) {
                return None;
            }
            check_hard(diags, cloud.as_ref(), &config);
        }
        let mut planned = proposed;
        if config.hard.is_null() {
            planned.hard = Value::Value(false);
        }
        Some(planned)
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        proposed: Self::State,
        config: Self::State,
    ) -> Option<(Self::State, Vec<AttributePath>)> {
        let mut planned = proposed;
        if planned.hard.is_null() {
            planned.hard = Value::Value(false);
        }
        let mut replace = Vec::new();
        if planned.vps_id != prior.vps_id {
            replace.push(AttributePath::new("vps_id"));
        }
        let again = planned.hard != prior.hard || planned.triggers != prior.triggers;
        if let Some(cloud) = self.shared.get() {
            check_hard(diags, cloud.as_ref(), &config);
        }
        // After an import nothing was rebooted by Terraform: adopt the written values.
        if again && prior.rebooted_at.is_value() {
            planned.rebooted_at = Value::Unknown;
        }
        Some((planned, replace))
    }

    async fn create(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let mut state = planned;
        self.reboot(diags, &mut state).await.then_some(state)
    }

    async fn update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let mut state = planned;
        if !state.rebooted_at.is_unknown() {
            // Adopting written values after an import: no reboot.
            return Some(state);
        }
        if self.reboot(diags, &mut state).await {
            Some(state)
        } else {
            Some(prior)
        }
    }

    async fn destroy(&self, _diags: &mut Diagnostics, _prior: Self::State) -> Option<()> {
        Some(())
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let result = cloud.read_vps(&id).await;
        let state = imported(
            diags,
            &format!("server {id:?}"),
            result,
            |s: &mut RebootState, _| {
                s.id = Value::Value(id.clone());
                s.vps_id = Value::Value(id.clone());
                s.hard = Value::Value(false);
            },
        )?;
        Some(state)
    }
}
