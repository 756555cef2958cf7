//! `polycloud_hosts`: the physical hosts of an on-premises installation (StarVCenter
//! 2.14, every page).

use crate::data_sources::listed::Listed;
use crate::data_sources::support::*;
use crate::model::Host;
use crate::resources::common::*;

/// One element of `hosts`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct HostItem {
    /// Id.
    pub id: Value<String>,
    /// Name.
    pub name: Value<String>,
    /// Description.
    pub description: Value<String>,
    /// Status word.
    pub status: Value<String>,
    /// Connected.
    pub connected: Value<bool>,
    /// Registered IP.
    pub ip_address: Value<String>,
    /// Maintenance mode.
    pub maintenance: Value<bool>,
    /// Operating system.
    pub os: Value<String>,
    /// Virtualisation software.
    pub hypervisor: Value<String>,
    /// CPU vendor.
    pub cpu_vendor: Value<String>,
    /// CPU cores.
    pub cpu_cores: Value<i64>,
    /// CPU sockets.
    pub cpus: Value<i64>,
    /// Memory, GB.
    pub memory_gb: Value<i64>,
    /// RFC 3339.
    pub created_at: Value<String>,
}

impl From<Host> for HostItem {
    fn from(h: Host) -> Self {
        Self {
            id: Value::Value(h.id),
            name: Value::Value(h.name),
            description: val(h.description),
            status: Value::Value(h.status),
            connected: val(h.connected),
            ip_address: val(h.ip_address),
            maintenance: val(h.maintenance),
            os: val(h.os),
            hypervisor: val(h.hypervisor),
            cpu_vendor: val(h.cpu_vendor),
            cpu_cores: val(h.cpu_cores),
            cpus: val(h.cpus),
            memory_gb: val(h.memory_gb),
            created_at: val(h.created_at),
        }
    }
}

/// The `polycloud_hosts` data source.
pub struct HostsDataSource;

fn host_type() -> AttributeType {
    use AttributeType::{Bool, Number, String as Str};
    object_list(&[
        ("id", Str),
        ("name", Str),
        ("description", Str),
        ("status", Str),
        ("connected", Bool),
        ("ip_address", Str),
        ("maintenance", Bool),
        ("os", Str),
        ("hypervisor", Str),
        ("cpu_vendor", Str),
        ("cpu_cores", Number),
        ("cpus", Number),
        ("memory_gb", Number),
        ("created_at", Str),
    ])
}

#[async_trait]
impl Listed for HostsDataSource {
    type Filters = crate::tfplugin::value::Empty;
    type Item = HostItem;
    const FEATURE: Feature = Feature::DataHosts;
    const LIST: &'static str = "hosts";
    const WHAT: &'static str = "hosts";

    fn schema(&self) -> SchemaBuilder {
        SchemaBuilder::new("The physical hosts of an on-premises installation (StarVCenter), every page.")
            .computed("id", AttributeType::String, "Stable id: the cloud.")
            .computed("hosts", host_type(), "The hosts: `id`, `name`, `description`, `status` (`running`, `stopped`, `offline`, `checking`, `ha_checking`), `connected`, `ip_address`, `maintenance`, `os`, `hypervisor`, `cpu_vendor`, `cpu_cores`, `cpus` (sockets), `memory_gb`, `created_at` (RFC 3339).")
            .computed("ids", string_list(), "The hosts' ids, in the same order.")
    }

    async fn list(
        &self,
        cloud: &dyn Cloud,
        _: &crate::tfplugin::value::Empty,
    ) -> Result<Vec<HostItem>, CloudError> {
        Ok(cloud
            .hosts()
            .await?
            .into_iter()
            .map(HostItem::from)
            .collect())
    }
}
