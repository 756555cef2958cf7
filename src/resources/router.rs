//! `polycloud_router`: a cloud router with the networks attached to it.
//! Networks attach and detach in place, one by one; `name` and `ha` are fixed at
//! creation. The API has no router delete: destroy only forgets it, with a warning.
//! The API does not report attached networks or `ha`; they are kept as written.

use std::collections::BTreeSet;

use crate::model::Router;
use crate::resources::common::*;

/// Terraform state of `polycloud_router`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RouterState {
    /// Cloud id (the router VM).
    pub id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// High availability.
    pub ha: Value<bool>,
    /// Attached networks (a set).
    pub vpc_ids: StringList,
    /// Management (WAN) address.
    pub management_ip: Value<String>,
    /// Online.
    pub online: Value<bool>,
    /// RFC 3339.
    pub created_at: Value<String>,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

/// Attaches and detaches networks from `prior` to `planned`.
async fn converge(
    op: &Call<'_, RouterState>,
    id: &str,
    prior: &StringList,
    planned: &StringList,
) -> Result<(), String> {
    let was: BTreeSet<String> = list_strings(prior).into_iter().collect();
    let want: BTreeSet<String> = list_strings(planned).into_iter().collect();
    for vpc in was.difference(&want) {
        let detached = op
            .cloud
            .attach_router_network(id, vpc, false, op.limit)
            .await;
        detached.map_err(|e| format!("Cannot detach network {vpc} from router {id}: {e}"))?;
    }
    for vpc in want.difference(&was) {
        let attached = op
            .cloud
            .attach_router_network(id, vpc, true, op.limit)
            .await;
        attached.map_err(|e| format!("Cannot attach network {vpc} to router {id}: {e}"))?;
    }
    Ok(())
}

/// The `polycloud_router` resource.
pub struct RouterResource;

#[async_trait]
impl Managed for RouterResource {
    type State = RouterState;
    type Object = Router;
    const FEATURE: Feature = Feature::Router;
    const NOUN: &'static str = "router";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("A cloud router (StarVCenter vroute: a router VM doing NAT between networks) with the networks attached to it. Networks change in place; the API has no router delete, so destroy only forgets it (with a warning).")
            .computed("id", AttributeType::String, "Router id (its VM id); use it as `router_vps_id` of polycloud_slb.")
            .required("name", AttributeType::String, "Name (a change makes a new router).")
            .replaces()
            .optional("ha", AttributeType::Bool, "High-availability router group (default false; a change makes a new router).")
            .optional("vpc_ids", AttributeType::Set(Box::new(AttributeType::String)), "Networks (polycloud_vpc ids) attached to the router; attached and detached in place.")
            .computed("management_ip", AttributeType::String, "Management (WAN) address.")
            .computed("online", AttributeType::Bool, "Whether the router is online.")
            .computed("created_at", AttributeType::String, "Creation time, RFC 3339.")
            .timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &RouterState) {
        refuse_blank(diags, &config.name, "name");
    }

    fn apply(&self, state: &mut RouterState, r: Router) {
        state.id = Value::Value(r.id);
        state.name = Value::Value(r.name);
        state.management_ip = val(r.management_ip);
        state.online = val(r.online);
        state.created_at = val(r.created_at);
    }

    async fn fetch(&self, cloud: &dyn Cloud, id: &str) -> Found<Router> {
        cloud.read_router(id).await
    }

    async fn plan_update(&self, plan: Plan<'_, RouterState>, prior: &RouterState) -> bool {
        // After an import the API has not said whether it is HA: adopt what is written.
        let ha = |v: &Value<bool>| v.as_ref_option().copied().unwrap_or(false);
        if !prior.ha.is_null() && ha(&prior.ha) != ha(&plan.planned.ha) {
            plan.replace.push(AttributePath::new("ha"));
        }
        prior.vpc_ids != plan.planned.vpc_ids
    }

    async fn create(&self, op: Call<'_, RouterState>, state: &mut RouterState) -> Made {
        let name = known(&state.name).unwrap_or_default();
        let ha = state.ha.as_ref_option().copied().unwrap_or(false);
        let planned = std::mem::replace(&mut state.vpc_ids, Value::Null);
        let router = op.cloud.create_router(name, ha, op.limit).await?;
        self.apply(state, router);
        state.vpc_ids = planned;
        let id = known(&state.id).unwrap_or_default().to_string();
        if let Err(message) = converge(&op, &id, &Value::Null, &state.vpc_ids).await {
            let detail = crate::secrets::redact(&message);
            op.diags
                .root_error("Cannot attach the router's networks", detail);
        }
        Ok(())
    }

    async fn update(
        &self,
        op: Call<'_, RouterState>,
        prior: RouterState,
        planned: RouterState,
    ) -> Option<RouterState> {
        if let Err(message) = converge(&op, op.id, &prior.vpc_ids, &planned.vpc_ids).await {
            op.diags
                .root_error("Cannot update the router", crate::secrets::redact(&message));
            return Some(prior);
        }
        let mut state = planned;
        self.read_back(op.diags, op.cloud, &mut state, op.id).await;
        Some(state)
    }

    async fn delete(&self, op: Call<'_, RouterState>) -> Result<Deleted, CloudError> {
        op.cloud.delete_router(op.id).await
    }
}
