//! `polycloud_router`: a cloud router with the networks attached to it (SPEC §3: C R U).
//! Networks attach and detach in place, one by one; `name` and `ha` are fixed at
//! creation. The API has no router delete: destroy only forgets it, with a warning.
//! The API does not report attached networks or `ha`; they are kept as written.

use std::collections::BTreeSet;

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::{Cloud, Feature};
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

/// Writes what the cloud reports.
fn apply_router(state: &mut RouterState, r: Router) {
    state.id = Value::Value(r.id);
    state.name = Value::Value(r.name);
    state.management_ip = val(r.management_ip);
    state.online = val(r.online);
    state.created_at = val(r.created_at);
}

/// Attaches and detaches networks from `prior` to `planned`.
async fn converge(
    cloud: &dyn Cloud,
    id: &str,
    prior: &StringList,
    planned: &StringList,
    timeout: std::time::Duration,
) -> Result<(), String> {
    let was: BTreeSet<String> = list_strings(prior).into_iter().collect();
    let want: BTreeSet<String> = list_strings(planned).into_iter().collect();
    for vpc in was.difference(&want) {
        cloud
            .attach_router_network(id, vpc, false, timeout)
            .await
            .map_err(|e| format!("Cannot detach network {vpc} from router {id}: {e}"))?;
    }
    for vpc in want.difference(&was) {
        cloud
            .attach_router_network(id, vpc, true, timeout)
            .await
            .map_err(|e| format!("Cannot attach network {vpc} to router {id}: {e}"))?;
    }
    Ok(())
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_router` resource, on the provider's configured cloud.
    RouterResource
}

#[async_trait]
impl Resource for RouterResource {
    type State = RouterState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("A cloud router (StarVCenter vroute: a router VM doing NAT between networks) with the networks attached to it. Networks change in place; the API has no router delete, so destroy only forgets it (with a warning).")
                .computed("id", AttributeType::String, "Router id (its VM id); use it as `router_vps_id` of polycloud_slb.")
                .required("name", AttributeType::String, "Name (a change makes a new router).")
                .optional("ha", AttributeType::Bool, "High-availability router group (default false; a change makes a new router).")
                .optional("vpc_ids", AttributeType::Set(Box::new(AttributeType::String)), "Networks (polycloud_vpc ids) attached to the router; attached and detached in place.")
                .computed("management_ip", AttributeType::String, "Management (WAN) address.")
                .computed("online", AttributeType::Bool, "Whether the router is online.")
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
        let result = cloud.read_router(&id).await;
        refreshed(diags, &format!("router {id}"), state, result, apply_router)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::Router, Op::Create) {
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
        let mut replace = Vec::new();
        if prior.name != proposed.name {
            replace.push(AttributePath::new("name"));
        }
        // After an import the API has not said whether it is HA: adopt what is written.
        let ha = |v: &Value<bool>| v.as_ref_option().copied().unwrap_or(false);
        if !prior.ha.is_null() && ha(&prior.ha) != ha(&proposed.ha) {
            replace.push(AttributePath::new("ha"));
        }
        if replace.is_empty() && prior.vpc_ids != proposed.vpc_ids {
            if let Some(cloud) = self.shared.get() {
                if !check_capability(diags, cloud.as_ref(), Feature::Router, Op::Update) {
                    return None;
                }
            }
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
        let limit = timeout(&planned.timeouts, Phase::Create);
        let name = known(&planned.name).unwrap_or_default().to_string();
        let ha = planned.ha.as_ref_option().copied().unwrap_or(false);
        let mut state = planned.clone();
        match cloud.create_router(&name, ha, limit).await {
            Ok(router) => apply_router(&mut state, router),
            Err(failure) => {
                report(diags, "Cannot create the router", &failure.error, None);
                state.id = Value::Value(failure.id?);
                state.vpc_ids = Value::Null;
                return Some(state);
            }
        }
        let id = known(&state.id).unwrap_or_default().to_string();
        if let Err(message) =
            converge(cloud.as_ref(), &id, &Value::Null, &planned.vpc_ids, limit).await
        {
            diags.root_error(
                "Cannot attach the router's networks",
                crate::secrets::redact(&message),
            );
        }
        Some(state)
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
        let limit = timeout(&planned.timeouts, Phase::Update);
        if let Err(message) =
            converge(cloud.as_ref(), &id, &prior.vpc_ids, &planned.vpc_ids, limit).await
        {
            diags.root_error("Cannot update the router", crate::secrets::redact(&message));
            return Some(prior);
        }
        let mut state = planned;
        match cloud.read_router(&id).await {
            Ok(Some(r)) => apply_router(&mut state, r),
            Ok(None) => diags.root_error(
                "Router not found after the change",
                format!("Router {id} is no longer reported."),
            ),
            Err(e) => report(diags, &format!("Cannot read router {id}"), &e, None),
        }
        Some(state)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()> {
        let cloud = self.shared.cloud(diags)?;
        let id = known(&prior.id).unwrap_or_default().to_string();
        deleted(
            diags,
            &format!("router {id}"),
            cloud.delete_router(&id).await,
        )
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        if !check_capability(diags, cloud.as_ref(), Feature::Router, Op::Read) {
            return None;
        }
        let result = cloud.read_router(&id).await;
        imported(diags, &format!("router {id:?}"), result, apply_router)
    }
}
