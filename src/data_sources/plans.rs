//! `polycloud_plans`: the plans (sizes) a server can have.

use std::collections::BTreeMap;

use crate::data_sources::listed::Listed;
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

/// The filters of `polycloud_plans`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PlansFilters {
    /// Only plans offered in this location.
    pub location: Value<String>,
}

/// The `polycloud_plans` data source.
pub struct PlansDataSource;

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
impl Listed for PlansDataSource {
    type Filters = PlansFilters;
    type Item = PlanItem;
    const FEATURE: Feature = Feature::DataPlans;
    const LIST: &'static str = "plans";
    const WHAT: &'static str = "plans";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("The plans (sizes) the configured cloud offers, optionally only those of one location. Put an `id` in `polycloud_vps.plan`.")
            .computed("id", AttributeType::String, "Stable id: the cloud and the filter.")
            .optional("location", AttributeType::String, "Only plans offered in this location (see `polycloud_locations`).")
            .computed("plans", plan_type(), "The plans: `id`, `cpu`, `memory_mb`, `disk_gb`, `network`, `locations`, `details` (map of text).")
            .computed("ids", string_list(), "The plans' ids, in the same order.")
    }

    fn validate(&self, diags: &mut Diagnostics, f: &PlansFilters) {
        refuse_empty(diags, &f.location, "location");
    }

    fn set_filters(&self, f: &PlansFilters) -> Vec<(&'static str, Option<String>)> {
        vec![("location", filter(&f.location))]
    }

    async fn list(&self, cloud: &dyn Cloud, f: &PlansFilters) -> Result<Vec<PlanItem>, CloudError> {
        Ok(cloud
            .plans(filter(&f.location).as_deref())
            .await?
            .into_iter()
            .map(PlanItem::from)
            .collect())
    }
}
