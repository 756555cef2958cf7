//! `polycloud_plans`: the plans (sizes) a server can have.

use std::collections::BTreeMap;

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::model::Plan;
use crate::resources::common::*;

/// One element of `plans`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PlanItem {
    /// Id to put in `polycloud_vps.plan`.
    pub id: Value<String>,
    /// vCPUs.
    pub cpu: Value<i64>,
    /// Memory, MiB.
    pub memory_mb: Value<i64>,
    /// Disk, GB.
    pub disk_gb: Value<i64>,
    /// Bandwidth or traffic, as the cloud states it.
    pub network: Value<i64>,
    /// Locations it is offered in.
    pub locations: StringList,
    /// Price and other details, as text.
    pub details: Value<BTreeMap<String, Value<String>>>,
}

impl From<Plan> for PlanItem {
    fn from(plan: Plan) -> Self {
        Self {
            id: Value::Value(plan.id),
            cpu: val(plan.cpu),
            memory_mb: val(plan.memory_mb),
            disk_gb: val(plan.disk_gb),
            network: val(plan.network),
            locations: to_list(&plan.locations),
            details: Value::Value(
                plan.details
                    .into_iter()
                    .map(|(k, v)| (k, Value::Value(v)))
                    .collect(),
            ),
        }
    }
}

/// Terraform state of `polycloud_plans`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PlansState {
    /// Stable id: cloud and filter.
    pub id: Value<String>,
    /// Only plans offered in this location.
    pub location: Value<String>,
    /// The plans.
    pub plans: Value<Vec<Value<PlanItem>>>,
    /// Their ids, in the same order.
    pub ids: StringList,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_plans` data source, on the provider's configured cloud.
    PlansDataSource
}

/// The attribute types of one plan.
fn plan_type() -> AttributeType {
    object_list(&[
        ("id", AttributeType::String),
        ("cpu", AttributeType::Number),
        ("memory_mb", AttributeType::Number),
        ("disk_gb", AttributeType::Number),
        ("network", AttributeType::Number),
        ("locations", string_list()),
        ("details", string_map()),
    ])
}

#[async_trait]
impl DataSource for PlansDataSource {
    type State = PlansState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("The plans (sizes) the configured cloud offers, optionally only those of one location. Put an `id` in `polycloud_vps.plan`.")
                .computed("id", AttributeType::String, "Stable id: the cloud and the filter.")
                .optional("location", AttributeType::String, "Only plans offered in this location (see `polycloud_locations`).")
                .computed("plans", plan_type(), "The plans: `id`, `cpu`, `memory_mb`, `disk_gb`, `network`, `locations`, `details` (map of text).")
                .computed("ids", string_list(), "The plans' ids, in the same order.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        refuse_empty(diags, &config.location, "location");
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataPlans)?;
        let location = filter(&config.location);
        let plans = match cloud.plans(location.as_deref()).await {
            Ok(plans) => plans,
            Err(e) => {
                report(diags, "Cannot list plans", &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(data_id(
            cloud.as_ref(),
            "plans",
            &[("location", location.as_deref())],
        ));
        state.ids = ids_of(plans.iter().map(|p| p.id.as_str()));
        state.plans = to_objects(plans.into_iter().map(PlanItem::from).collect());
        Some(state)
    }
}
