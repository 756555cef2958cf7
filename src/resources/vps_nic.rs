//! `polycloud_vps_nic`: an extra network interface of a VPS (StarVCenter 2.5: C R,
//! delete = forget). Both arguments replace it. The API cannot remove a NIC, so
//! destroying one only removes it from state, with a warning and no API call. Import
//! id: `<vps_id>/<nic_id>` (the cloud lists NICs per VPS).

use crate::model::VpsNic;
use crate::resources::common::*;
use crate::resources::managed::fresh;

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

/// `<vps_id>/<nic_id>`, both non-empty.
fn parse_import_id(id: &str) -> Option<(&str, &str)> {
    let (vps, nic) = id.trim().split_once('/')?;
    (!vps.is_empty() && !nic.is_empty() && !nic.contains('/')).then_some((vps, nic))
}

/// The `polycloud_vps_nic` resource.
pub struct VpsNicResource;

#[async_trait]
impl Managed for VpsNicResource {
    type State = VpsNicState;
    type Object = VpsNic;
    const FEATURE: Feature = Feature::VpsNic;
    const NOUN: &'static str = "NIC";

    fn schema(&self) -> SchemaBuilder {
        use AttributeType::String as Str;
        SchemaBuilder::new("An extra network interface of a server, attached to a network. The cloud's API cannot remove a NIC: destroying this resource only removes it from state (with a warning); detach it in the cloud's console if needed.")
            .computed("id", Str, "The cloud's id of the NIC (`vnic.id`).")
            .required("vps_id", Str, "The server (a polycloud_vps id). Changing it makes a new NIC.").replaces()
            .required("network_id", Str, "The network (subnet / port group, e.g. a polycloud_vpc id) to attach it to. Changing it makes a new NIC.").replaces()
            .computed("name", Str, "Name in the cloud, e.g. `eth1`.")
            .computed("mac_address", Str, "MAC address.")
            .computed("ip_address", Str, "IP address on its network.")
            .computed("created_at", Str, "Creation time, RFC 3339.")
            .timeouts()
    }

    fn validate(&self, diags: &mut Diagnostics, config: &VpsNicState) {
        refuse_blank(diags, &config.vps_id, "vps_id");
        refuse_blank(diags, &config.network_id, "network_id");
    }

    fn apply(&self, state: &mut VpsNicState, nic: VpsNic) {
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

    /// The cloud finds a NIC through its server: `<vps_id>/<nic_id>`.
    fn address(&self, state: &VpsNicState, id: &str) -> String {
        format!("{}/{id}", known(&state.vps_id).unwrap_or_default())
    }

    async fn fetch(&self, cloud: &dyn Cloud, address: &str) -> Found<VpsNic> {
        let (vps, nic) = address.split_once('/').unwrap_or((address, ""));
        cloud.read_vps_nic(vps, nic).await
    }

    async fn create(&self, op: Call<'_, VpsNicState>, state: &mut VpsNicState) -> Made {
        let vps = known(&state.vps_id).unwrap_or_default();
        let network = known(&state.network_id).unwrap_or_default();
        let nic = op.cloud.create_vps_nic(vps, network, op.limit).await?;
        self.apply(state, nic);
        Ok(())
    }

    async fn delete(&self, op: Call<'_, VpsNicState>) -> Result<Deleted, CloudError> {
        op.cloud
            .delete_vps_nic(known(&op.config.vps_id).unwrap_or_default(), op.id)
            .await
    }

    async fn import(
        &self,
        diags: &mut Diagnostics,
        cloud: &dyn Cloud,
        id: &str,
    ) -> Option<VpsNicState> {
        if parse_import_id(id).is_none() {
            diags.root_error(
                "Invalid import id",
                format!("Import a NIC as `<vps_id>/<nic_id>` (got {id:?}); the NIC ids of a server are its `nic_ids`."),
            );
            return None;
        }
        fresh(self, diags, cloud, id.trim(), |s, o| self.apply(s, o)).await
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
