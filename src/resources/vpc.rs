//! `polycloud_vpc`: a private network. Name and description change in
//! place; read lists the networks and finds it by id.

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

/// The `polycloud_vpc` resource.
pub struct VpcResource;

#[async_trait]
impl Managed for VpcResource {
    type State = VpcState;
    type Object = Vpc;
    const FEATURE: Feature = Feature::Vpc;
    const NOUN: &'static str = "VPC";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("A private network (StarVCenter VPC / port group). Name and description change in place.")
            .computed("id", AttributeType::String, "VPC id (`vpc.id`); use it as `network_id` of polycloud_vps.")
            .required("name", AttributeType::String, "Name.")
            .optional("description", AttributeType::String, "Description.")
            .computed("cidr", AttributeType::String, "Address range the cloud assigned.")
            .computed("gateway", AttributeType::String, "Gateway address.")
            .computed("usable_ip_count", AttributeType::Number, "Addresses still free.")
            .computed("created_at", AttributeType::String, "Creation time, RFC 3339.")
            .timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &VpcState) {
        refuse_blank(diags, &config.name, "name");
    }

    fn apply(&self, state: &mut VpcState, vpc: Vpc) {
        state.id = Value::Value(vpc.id);
        state.name = Value::Value(vpc.name);
        if vpc.description.is_some() || !state.description.is_null() {
            state.description = Value::Value(vpc.description.unwrap_or_default());
        }
        state.cidr = val(vpc.cidr);
        state.gateway = val(vpc.gateway);
        state.usable_ip_count = val(vpc.usable_ip_count);
        state.created_at = val(vpc.created_at);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<Vpc> {
        cloud.read_vpc(id).await
    }

    async fn plan_update(&self, plan: Plan<'_, VpcState>, prior: &VpcState) -> bool {
        plan.planned.name != prior.name || plan.planned.description != prior.description
    }

    async fn create(&self, op: Call<'_, VpcState>, state: &mut VpcState) -> Made {
        let name = known(&state.name).unwrap_or_default();
        let description = known(&state.description);
        let vpc = op.cloud.create_vpc(name, description, op.limit).await?;
        self.apply(state, vpc);
        Ok(())
    }

    async fn update(
        &self,
        op: Call<'_, VpcState>,
        prior: VpcState,
        planned: VpcState,
    ) -> Option<VpcState> {
        let (name, description) = renamed(
            (&prior.name, &planned.name),
            (&prior.description, &planned.description),
        );
        if let Err(e) = op.cloud.update_vpc(op.id, name, description).await {
            report(op.diags, &format!("Cannot update VPC {}", op.id), &e, None);
            return Some(prior);
        }
        let mut state = planned;
        self.read_back(op.diags, op.cloud, &mut state, op.id).await;
        Some(state)
    }

    async fn delete(&self, op: Call<'_, VpcState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_vpc(op.id).await
    }
}
