//! `polycloud_vps_nic`: an extra network interface of a VPS (StarVCenter 2.5: C R,
//! delete = forget). Both arguments replace it. The API cannot remove a NIC, so
//! destroying one only removes it from state, with a warning and no API call. Import
//! id: `<vps_id>/<nic_id>` (the cloud lists NICs per VPS).

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, Diagnostics, Resource};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::model::VpsNic;
use crate::resources::common::*;

/// Terraform state of `polycloud_vps_nic`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VpsNicState {
    /// Cloud id of the NIC.
    pub id: Value<String>,
    /// The VPS it belongs to.
    pub vps_id: Value<String>,
    /// The network (subnet / port group) it is attached to.
    pub network_id: Value<String>,
    /// Name in the cloud (computed).
    pub name: Value<String>,
    /// MAC address (computed).
    pub mac_address: Value<String>,
    /// IP address (computed).
    pub ip_address: Value<String>,
    /// RFC 3339 (computed).
    pub created_at: Value<String>,
    /// `timeouts` block.
    pub timeouts: Value<Timeouts>,
}

/// The schema (also the one the docs describe).
pub fn schema() -> Schema {
    use AttributeType::String as Str;
    SchemaBuilder::new("An extra network interface of a server, attached to a network. The cloud's API cannot remove a NIC: destroying this resource only removes it from state (with a warning); detach it in the cloud's console if needed.")
        .computed("id", Str, "The cloud's id of the NIC (`vnic.id`).")
        .required("vps_id", Str, "The server (a polycloud_vps id). Changing it makes a new NIC.")
        .required("network_id", Str, "The network (subnet / port group, e.g. a polycloud_vpc id) to attach it to. Changing it makes a new NIC.")
        .computed("name", Str, "Name in the cloud, e.g. `eth1`.")
        .computed("mac_address", Str, "MAC address.")
        .computed("ip_address", Str, "IP address on its network.")
        .computed("created_at", Str, "Creation time, RFC 3339.")
        .timeouts()
        .build()
}

/// Writes what the cloud reports.
fn apply(state: &mut VpsNicState, nic: VpsNic) {
    state.id = Value::Value(nic.id);
    state.vps_id = Value::Value(nic.vps_id);
    if nic.network_id.is_some() || !state.network_id.is_value() {
        state.network_id = val(nic.network_id);
    }
    state.name = val(nic.name);
    state.mac_address = val(nic.mac_address);
    state.ip_address = val(nic.ip_address);
    state.created_at = val(nic.created_at);
}

/// Marks every computed attribute unknown (a new NIC).
fn unknown_computed(state: &mut VpsNicState) {
    for v in [
        &mut state.id,
        &mut state.name,
        &mut state.mac_address,
        &mut state.ip_address,
        &mut state.created_at,
    ] {
        *v = Value::Unknown;
    }
}

/// `<vps_id>/<nic_id>`, both non-empty.
fn parse_import_id(id: &str) -> Option<(&str, &str)> {
    let (vps, nic) = id.trim().split_once('/')?;
    (!vps.is_empty() && !nic.is_empty() && !nic.contains('/')).then_some((vps, nic))
}

/// Errors for an empty required argument.
fn check_not_empty(diags: &mut Diagnostics, config: &VpsNicState) {
    for (name, value) in [
        ("vps_id", &config.vps_id),
        ("network_id", &config.network_id),
    ] {
        if known(value).is_some_and(|v| v.trim().is_empty()) {
            diags.error(
                format!("Invalid {name}"),
                format!("`{name}` must not be empty."),
                AttributePath::new(name),
            );
        }
    }
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_vps_nic` resource, on the provider's configured cloud.
    VpsNicResource
}

#[async_trait]
impl Resource for VpsNicResource {
    type State = VpsNicState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema())
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        check_not_empty(diags, &config);
        validate_timeouts(diags, &config.timeouts);
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, state: Self::State) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let vps = known(&state.vps_id).unwrap_or_default().to_string();
        let id = known(&state.id).unwrap_or_default().to_string();
        let result = cloud.read_vps_nic(&vps, &id).await;
        let what = format!("NIC {id} of VPS {vps}");
        refreshed(diags, &what, state, result, apply)
    }

    async fn plan_create(
        &self,
        diags: &mut Diagnostics,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        if let Some(cloud) = self.shared.get() {
            if !check_capability(diags, cloud.as_ref(), Feature::VpsNic, Op::Create) {
                return None;
            }
        }
        let mut planned = proposed;
        unknown_computed(&mut planned);
        Some(planned)
    }

    async fn plan_update(
        &self,
        _diags: &mut Diagnostics,
        prior: Self::State,
        proposed: Self::State,
        _config: Self::State,
    ) -> Option<(Self::State, Vec<AttributePath>)> {
        let mut replace = Vec::new();
        for (name, a, b) in [
            ("vps_id", &prior.vps_id, &proposed.vps_id),
            ("network_id", &prior.network_id, &proposed.network_id),
        ] {
            if a != b {
                replace.push(AttributePath::new(name));
            }
        }
        let mut planned = proposed;
        if !replace.is_empty() {
            unknown_computed(&mut planned);
        }
        Some((planned, replace))
    }

    async fn create(
        &self,
        diags: &mut Diagnostics,
        planned: Self::State,
        _config: Self::State,
    ) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        let vps = known(&planned.vps_id).unwrap_or_default().to_string();
        let network = known(&planned.network_id).unwrap_or_default().to_string();
        let limit = timeout(&planned.timeouts, Phase::Create);
        let mut state = planned;
        match cloud.create_vps_nic(&vps, &network, limit).await {
            Ok(nic) => apply(&mut state, nic),
            Err(failure) => {
                report(diags, "Cannot add the NIC", &failure.error, None);
                state.id = Value::Value(failure.id?);
                for v in [
                    &mut state.name,
                    &mut state.mac_address,
                    &mut state.ip_address,
                    &mut state.created_at,
                ] {
                    *v = Value::Null;
                }
            }
        }
        Some(state)
    }

    async fn destroy(&self, diags: &mut Diagnostics, prior: Self::State) -> Option<()> {
        let cloud = self.shared.cloud(diags)?;
        let vps = known(&prior.vps_id).unwrap_or_default().to_string();
        let id = known(&prior.id).unwrap_or_default().to_string();
        deleted(
            diags,
            &format!("NIC {id}"),
            cloud.delete_vps_nic(&vps, &id).await,
        )
    }

    async fn import(&self, diags: &mut Diagnostics, id: String) -> Option<Self::State> {
        let cloud = self.shared.cloud(diags)?;
        if !check_capability(diags, cloud.as_ref(), Feature::VpsNic, Op::Read) {
            return None;
        }
        let Some((vps, nic)) = parse_import_id(&id) else {
            diags.root_error(
                "Invalid import id",
                format!("Import a NIC as `<vps_id>/<nic_id>` (got {id:?}); the NIC ids of a server are its `nic_ids`."),
            );
            return None;
        };
        let result = cloud.read_vps_nic(vps, nic).await;
        let what = format!("NIC {nic:?} of VPS {vps:?}");
        imported(diags, &what, result, apply)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_import_id;

    #[test]
    fn import_id_is_vps_slash_nic() {
        assert_eq!(parse_import_id("vm-1/nic-2"), Some(("vm-1", "nic-2")));
        for bad in ["nic-2", "/nic-2", "vm-1/", "a/b/c", ""] {
            assert_eq!(parse_import_id(bad), None, "{bad}");
        }
    }
}
