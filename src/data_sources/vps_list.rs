//! `polycloud_vps_list`: the servers of the account, filtered.

use crate::data_sources::listed::Listed;
use crate::data_sources::support::*;
use crate::model::{Vps, VpsFilter};
use crate::resources::common::*;

/// One element of `servers`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ServerItem {
    /// Server id.
    pub id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// The cloud's status word.
    pub status: Value<String>,
    /// `running` / `stopped`, when the cloud says so.
    pub power_state: Value<String>,
    /// Public IPv4.
    pub ip_address: Value<String>,
    /// Private IPv4.
    pub private_ip_address: Value<String>,
    /// Image.
    pub image: Value<String>,
    /// Plan.
    pub plan: Value<String>,
    /// Location.
    pub location: Value<String>,
}

impl From<Vps> for ServerItem {
    fn from(vps: Vps) -> Self {
        Self {
            id: Value::Value(vps.id),
            name: Value::Value(vps.name),
            status: Value::Value(vps.status),
            power_state: val(vps.power_state.map(|p| p.as_str().to_string())),
            ip_address: val(vps.ip_address),
            private_ip_address: val(vps.private_ip_address),
            image: val(vps.image),
            plan: val(vps.plan),
            location: val(vps.location),
        }
    }
}

/// The filters of `polycloud_vps_list`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VpsListFilters {
    /// Name contains this (case-insensitive).
    pub name: Value<String>,
    /// Status equals this (case-insensitive).
    pub status: Value<String>,
    /// Public or private address equals this.
    pub ip_address: Value<String>,
}

impl VpsListFilters {
    fn filter(&self) -> VpsFilter {
        VpsFilter {
            name: filter(&self.name),
            status: filter(&self.status),
            ip_address: filter(&self.ip_address),
        }
    }
}

/// The `polycloud_vps_list` data source.
pub struct VpsListDataSource;

/// The attribute types of one server.
fn server_type() -> AttributeType {
    let names = [
        "id",
        "name",
        "status",
        "power_state",
        "ip_address",
        "private_ip_address",
        "image",
        "plan",
        "location",
    ];
    let fields: Vec<(&str, AttributeType)> =
        names.iter().map(|n| (*n, AttributeType::String)).collect();
    object_list(&fields)
}

#[async_trait]
impl Listed for VpsListDataSource {
    type Filters = VpsListFilters;
    type Item = ServerItem;
    const FEATURE: Feature = Feature::DataVpsList;
    const LIST: &'static str = "servers";
    const NAME: &'static str = "vps_list";
    const WHAT: &'static str = "servers";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("The servers of the account, filtered by name, status or address. Every filter that is set must match.")
            .computed("id", AttributeType::String, "Stable id: the cloud and the filters.")
            .optional("name", AttributeType::String, "Only servers whose name contains this text (case-insensitive).")
            .optional("status", AttributeType::String, "Only servers with this status word of the cloud (case-insensitive), e.g. `started` on Vscale, `active` on iNET.")
            .optional("ip_address", AttributeType::String, "Only the server with this public or private address.")
            .computed("servers", server_type(), "The servers: `id`, `name`, `status`, `power_state`, `ip_address`, `private_ip_address`, `image`, `plan`, `location`.")
            .computed("ids", string_list(), "The servers' ids, in the same order.")
    }

    fn validate(&self, diags: &mut Diagnostics, f: &VpsListFilters) {
        for (value, attribute) in [
            (&f.name, "name"),
            (&f.status, "status"),
            (&f.ip_address, "ip_address"),
        ] {
            refuse_empty(diags, value, attribute);
        }
    }

    fn set_filters(&self, f: &VpsListFilters) -> Vec<(&'static str, Option<String>)> {
        vec![
            ("name", filter(&f.name)),
            ("status", filter(&f.status)),
            ("ip_address", filter(&f.ip_address)),
        ]
    }

    async fn list(
        &self,
        cloud: &dyn Cloud,
        f: &VpsListFilters,
    ) -> Result<Vec<ServerItem>, CloudError> {
        let wanted = f.filter();
        let found = cloud.find_vps(&wanted).await?;
        Ok(found
            .into_iter()
            .filter(|v| wanted.matches(v))
            .map(ServerItem::from)
            .collect())
    }
}
