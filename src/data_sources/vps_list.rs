//! `polycloud_vps_list`: the servers of the account, filtered.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
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

/// Terraform state of `polycloud_vps_list`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VpsListState {
    /// Stable id: cloud and filters.
    pub id: Value<String>,
    /// Name contains this (case-insensitive).
    pub name: Value<String>,
    /// Status equals this (case-insensitive).
    pub status: Value<String>,
    /// Public or private address equals this.
    pub ip_address: Value<String>,
    /// The servers.
    pub servers: Value<Vec<Value<ServerItem>>>,
    /// Their ids, in the same order.
    pub ids: StringList,
}

impl VpsListState {
    fn filter(&self) -> VpsFilter {
        VpsFilter {
            name: filter(&self.name),
            status: filter(&self.status),
            ip_address: filter(&self.ip_address),
        }
    }
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_vps_list` data source, on the provider's configured cloud.
    VpsListDataSource
}

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
impl DataSource for VpsListDataSource {
    type State = VpsListState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("The servers of the account, filtered by name, status or address. Every filter that is set must match.")
                .computed("id", AttributeType::String, "Stable id: the cloud and the filters.")
                .optional("name", AttributeType::String, "Only servers whose name contains this text (case-insensitive).")
                .optional("status", AttributeType::String, "Only servers with this status word of the cloud (case-insensitive), e.g. `started` on Vscale, `active` on iNET.")
                .optional("ip_address", AttributeType::String, "Only the server with this public or private address.")
                .computed("servers", server_type(), "The servers: `id`, `name`, `status`, `power_state`, `ip_address`, `private_ip_address`, `image`, `plan`, `location`.")
                .computed("ids", string_list(), "The servers' ids, in the same order.")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        for (value, attribute) in [
            (&config.name, "name"),
            (&config.status, "status"),
            (&config.ip_address, "ip_address"),
        ] {
            refuse_empty(diags, value, attribute);
        }
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataVpsList)?;
        let wanted = config.filter();
        let servers: Vec<Vps> = match cloud.find_vps(&wanted).await {
            Ok(found) => found.into_iter().filter(|v| wanted.matches(v)).collect(),
            Err(e) => {
                report(diags, "Cannot list servers", &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(data_id(
            cloud.as_ref(),
            "vps_list",
            &[
                ("name", wanted.name.as_deref()),
                ("status", wanted.status.as_deref()),
                ("ip_address", wanted.ip_address.as_deref()),
            ],
        ));
        state.ids = ids_of(servers.iter().map(|v| v.id.as_str()));
        state.servers = to_objects(servers.into_iter().map(ServerItem::from).collect());
        Some(state)
    }
}
