//! `polycloud_vpc`: a private network. Name and description change in
//! place; read lists the networks and finds it by id.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::model::Vpc;
use crate::resources::common::*;

/// Terraform state of `polycloud_vpc`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VpcState {
    /// Cloud id.
    pub id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// Address range.
    pub cidr: Value<String>,
    /// Gateway.
    pub gateway: Value<String>,
    /// Free addresses.
    pub usable_ip_count: Value<i64>,
    /// RFC 3339.
    pub created_at: Value<String>,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

/// Writes what the cloud reports; an empty description stays null when none is written.
fn apply_vpc(state: &mut VpcState, vpc: Vpc) {
    state.id = Value::Value(vpc.id);
    state.name = Value::Value(vpc.name);
    let desc = vpc.description.filter(|d| !d.is_empty());
    if desc.is_some() || !state.description.is_null() {
        state.description = Value::Value(desc.unwrap_or_default());
    }
    state.cidr = val(vpc.cidr);
    state.gateway = val(vpc.gateway);
    state.usable_ip_count = val(vpc.usable_ip_count);
    state.created_at = val(vpc.created_at);
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_vpc` resource, on the provider's configured cloud.
    VpcResource
}

#[async_trait]
impl Resource for VpcResource {
    type State = VpcState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("A private network (StarVCenter VPC / port group). Name and description change in place.")
                .computed("id", AttributeType::String, "VPC id (`vpc.id`); use it as `network_id` of polycloud_vps.")
                .required("name", AttributeType::String, "Name.")
                .optional("description", AttributeType::String, "Description.")
                .computed("cidr", AttributeType::String, "Address range the cloud assigned.")
                .computed("gateway", AttributeType::String, "Gateway address.")
                .computed("usable_ip_count", AttributeType::Number, "Addresses still free.")
                .computed("created_at", AttributeType::String, "Creation time, RFC 3339.")
                .timeouts()
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        if known(&config.name).is_some_and(|n| n.trim().is_empty()) {
            diags.error(
                "Invalid name",
                "`name` must not be empty.",
                AttributePath::new("name"),
            );
        }
        validate_timeouts(diags, &config.timeouts);
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&state.id).unwrap_or_default().to_string();
        let result = cloud.read_vpc(&id).await;
        refreshed(diags, &format!("VPC {id}"), state, result, apply_vpc)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::Vpc, Op::Create) {
                return None;
            }
        }
        let planned = proposed;
        Some(planned)
    }

    async fn plan_update(
        &self,
        diags: &mut Diagnostics,
        prior: Self::State,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<(Self::State, Vec<AttributePath>)> {
        let changed = proposed.name != prior.name || proposed.description != prior.description;
        if changed {
            if let Some(cloud) = self.shared.get() {
                if !check_capability(diags, cloud.as_ref(), Feature::Vpc, Op::Update) {
                    return None;
                }
            }
        }
        Some((proposed, Vec::new()))
    }

    async fn create(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let name = known(&planned.name).unwrap_or_default().to_string();
        let description = known(&planned.description).map(String::from);
        let limit = timeout(&planned.timeouts, Phase::Create);
        let mut state = planned;
        match cloud.create_vpc(&name, description.as_deref(), limit).await {
            Ok(vpc) => {
                apply_vpc(&mut state, vpc);
                Some(state)
            }
            Err(failure) => {
                report(diags, "Cannot create the VPC", &failure.error, None);
                state.id = Value::Value(failure.id?);
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
        let deadline = crate::http::deadline_in(timeout(&planned.timeouts, Phase::Update));
        let updated = cloud.update_vpc(&id, name, description);
        if let Err(e) = crate::http::within(deadline, updated).await {
            report(diags, &format!("Cannot update VPC {id}"), &e, None);
            return Some(prior);
        }
        let mut state = planned;
        match cloud.read_vpc(&id).await {
            Ok(Some(vpc)) => apply_vpc(&mut state, vpc),
            Ok(None) => diags.root_error(
                "VPC not found after the change",
                format!("VPC {id} is no longer reported."),
            ),
            Err(e) => report(diags, &format!("Cannot read VPC {id}"), &e, None),
        }
        Some(state)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        let deadline = crate::http::deadline_in(timeout(&prior.timeouts, Phase::Delete));
        let result = crate::http::within(deadline, cloud.delete_vpc(&id)).await;
        deleted(diags, &format!("VPC {id}"), result)
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        if !check_capability(diags, cloud.as_ref(), Feature::Vpc, Op::Read) {
            return None;
        }
        let result = cloud.read_vpc(&id).await;
        imported(diags, &format!("VPC {id:?}"), result, apply_vpc)
    }
}
