//! `polycloud_public_ips`: the public addresses of the account's pool that mappings and
//! load balancers can use, with the ports already forwarded on each.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::Feature;
use crate::data_sources::support::*;
use crate::model::PublicIp;
use crate::resources::common::*;

/// One element of `public_ips`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PublicIpItem {
    /// The address.
    pub address: Value<String>,
    /// Ports already forwarded on it.
    pub used_ports: Value<Vec<Value<i64>>>,
    /// Whether any port is forwarded.
    pub in_use: Value<bool>,
    /// Gateway.
    pub gateway: Value<String>,
    /// Netmask.
    pub netmask: Value<String>,
}

impl From<PublicIp> for PublicIpItem {
    fn from(ip: PublicIp) -> Self {
        Self {
            address: Value::Value(ip.address),
            in_use: Value::Value(!ip.used_ports.is_empty()),
            used_ports: Value::Value(ip.used_ports.into_iter().map(Value::Value).collect()),
            gateway: val(ip.gateway),
            netmask: val(ip.netmask),
        }
    }
}

/// Terraform state of `polycloud_public_ips`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PublicIpsState {
    /// Stable id.
    pub id: Value<String>,
    /// The addresses.
    pub public_ips: Value<Vec<Value<PublicIpItem>>>,
    /// Addresses with no port forwarded yet.
    pub free_addresses: StringList,
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_public_ips` data source, on the provider's configured cloud.
    PublicIpsDataSource
}

#[async_trait]
impl DataSource for PublicIpsDataSource {
    type State = PublicIpsState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        let item = object_list(&[
            ("address", AttributeType::String),
            (
                "used_ports",
                AttributeType::List(Box::new(AttributeType::Number)),
            ),
            ("in_use", AttributeType::Bool),
            ("gateway", AttributeType::String),
            ("netmask", AttributeType::String),
        ]);
        Some(
            SchemaBuilder::new("The public addresses of the pool that port mappings, IP mappings and outer load balancers can use (StarVCenter cloudip), with the ports already forwarded on each. An address mapped wholly to a server (polycloud_ip_mapping) is not listed.")
                .computed("id", AttributeType::String, "Stable id.")
                .computed("public_ips", item, "The addresses: `address`, `used_ports` (forwarded ports), `in_use`, `gateway`, `netmask`.")
                .computed("free_addresses", string_list(), "Addresses with no port forwarded yet.")
                .build(),
        )
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataPublicIps)?;
        let ips = match cloud.public_ips().await {
            Ok(ips) => ips,
            Err(e) => {
                report(diags, "Cannot list public IPs", &e, None);
                return None;
            }
        };
        let mut state = config;
        state.id = Value::Value(data_id(cloud.as_ref(), "public_ips", &[]));
        state.free_addresses = ids_of(
            ips.iter()
                .filter(|i| i.used_ports.is_empty())
                .map(|i| i.address.as_str()),
        );
        state.public_ips = to_objects(ips.into_iter().map(PublicIpItem::from).collect());
        Some(state)
    }
}
