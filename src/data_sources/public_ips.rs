//! `polycloud_public_ips`: the public addresses of the account's pool that mappings and
//! load balancers can use, with the ports already forwarded on each.

use crate::data_sources::listed::Listed;
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

/// The `polycloud_public_ips` data source.
pub struct PublicIpsDataSource;

#[async_trait]
impl Listed for PublicIpsDataSource {
    type Filters = crate::tfplugin::value::Empty;
    type Item = PublicIpItem;
    const FEATURE: Feature = Feature::DataPublicIps;
    const LIST: &'static str = "public_ips";
    const WHAT: &'static str = "public IPs";
    const IDS: &'static str = "free_addresses";

    fn schema(&self) -> SchemaBuilder {
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
        SchemaBuilder::new("The public addresses of the pool that port mappings, IP mappings and outer load balancers can use (StarVCenter cloudip), with the ports already forwarded on each. An address mapped wholly to a server (polycloud_ip_mapping) is not listed.")
            .computed("id", AttributeType::String, "Stable id.")
            .computed("public_ips", item, "The addresses: `address`, `used_ports` (forwarded ports), `in_use`, `gateway`, `netmask`.")
            .computed("free_addresses", string_list(), "Addresses with no port forwarded yet.")
    }

    /// Addresses with no port forwarded yet.
    fn ids(&self, items: &[serde_json::Value]) -> serde_json::Value {
        let free = items
            .iter()
            .filter(|i| i["used_ports"].as_array().is_some_and(Vec::is_empty));
        free.map(|i| i["address"].clone()).collect()
    }

    async fn list(
        &self,
        cloud: &dyn Cloud,
        _: &crate::tfplugin::value::Empty,
    ) -> Result<Vec<PublicIpItem>, CloudError> {
        Ok(cloud
            .public_ips()
            .await?
            .into_iter()
            .map(PublicIpItem::from)
            .collect())
    }
}
