//! `polycloud_vps` (data source): one server, by `id` or by exact `name`.

use crate::tfplugin::schema::{AttributeType, Schema};
use crate::tfplugin::value::Value;
use crate::tfplugin::{AttributePath, DataSource, Diagnostics};
use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::cloud::{Cloud, Feature};
use crate::data_sources::support::*;
use crate::model::Vps;
use crate::resources::common::*;

/// Terraform state of the `polycloud_vps` data source: the resource's attributes
/// without `password` and `timeouts`.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct VpsDataState {
    /// Server id (argument or computed).
    pub id: Value<String>,
    /// Server name (argument or computed).
    pub name: Value<String>,
    /// Image.
    pub image: Value<String>,
    /// Plan.
    pub plan: Value<String>,
    /// Location.
    pub location: Value<String>,
    /// vCPUs.
    pub cpu: Value<i64>,
    /// Memory, MiB.
    pub memory_mb: Value<i64>,
    /// Disk, GB.
    pub disk_gb: Value<i64>,
    /// Network.
    pub network_id: Value<String>,
    /// SSH key ids.
    pub ssh_key_ids: StringList,
    /// Description.
    pub description: Value<String>,
    /// `running` / `stopped`.
    pub power_state: Value<String>,
    /// Automatic snapshots, days.
    pub auto_snapshot_days: Value<i64>,
    /// Cloud status word.
    pub status: Value<String>,
    /// Public IPv4.
    pub ip_address: Value<String>,
    /// Private IPv4.
    pub private_ip_address: Value<String>,
    /// Host name.
    pub hostname: Value<String>,
    /// RFC 3339.
    pub created_at: Value<String>,
    /// NIC ids.
    pub nic_ids: StringList,
}

impl From<Vps> for VpsDataState {
    fn from(vps: Vps) -> Self {
        Self {
            id: Value::Value(vps.id),
            name: Value::Value(vps.name),
            image: val(vps.image),
            plan: val(vps.plan),
            location: val(vps.location),
            cpu: val(vps.cpu),
            memory_mb: val(vps.memory_mb),
            disk_gb: val(vps.disk_gb),
            network_id: val(vps.network_id),
            ssh_key_ids: vps.ssh_key_ids.map_or(Value::Null, |k| to_list(&k)),
            description: val(vps.description),
            power_state: val(vps.power_state.map(|p| p.as_str().to_string())),
            auto_snapshot_days: val(vps.auto_snapshot_days),
            status: Value::Value(vps.status),
            ip_address: val(vps.ip_address),
            private_ip_address: val(vps.private_ip_address),
            hostname: val(vps.hostname),
            created_at: val(vps.created_at),
            nic_ids: to_list(&vps.nic_ids),
        }
    }
}

crate::shared::over_shared_cloud! {
    /// The `polycloud_vps` data source, on the provider's configured cloud.
    VpsDataSource
}

/// `name (id)` of each server, for messages.
fn describe(servers: &[&Vps]) -> String {
    servers
        .iter()
        .map(|v| format!("{:?} (id {})", v.name, v.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The one server named exactly `name`, or the message explaining why there is none.
pub fn pick_by_name(name: &str, servers: Vec<Vps>) -> Result<Vps, String> {
    let exact: Vec<&Vps> = servers.iter().filter(|v| v.name == name).collect();
    match exact.len() {
        1 => {
            let id = exact[0].id.clone();
            Ok(servers.into_iter().find(|v| v.id == id).unwrap_or_default())
        }
        0 => {
            let lower = name.to_lowercase();
            let similar: Vec<&Vps> = servers
                .iter()
                .filter(|v| v.name.to_lowercase().contains(&lower))
                .collect();
            let hint = if similar.is_empty() {
                format!(
                    "The account has {} server(s); list them with data source polycloud_vps_list.",
                    servers.len()
                )
            } else {
                format!("Servers with similar names: {}.", describe(&similar))
            };
            Err(format!("No server is named {name:?}. {hint}"))
        }
        n => Err(format!(
            "{n} servers are named {name:?}: {}. Use `id` to pick one.",
            describe(&exact)
        )),
    }
}

/// Whether the attribute is written (known or not yet known).
fn written(value: &Value<String>) -> bool {
    !value.is_null()
}

impl VpsDataSource {
    async fn by_id(&self, diags: &mut Diagnostics, cloud: &dyn Cloud, id: &str) -> Option<Vps> {
        match cloud.read_vps(id).await {
            Ok(Some(vps)) => Some(vps),
            Ok(None) => {
                diags.error(
                    "Server not found",
                    format!(
                        "No server with id {id:?} exists on {}.",
                        cloud.kind().name()
                    ),
                    AttributePath::new("id"),
                );
                None
            }
            Err(e) => {
                report(diags, &format!("Cannot read server {id}"), &e, None);
                None
            }
        }
    }

    async fn by_name(&self, diags: &mut Diagnostics, cloud: &dyn Cloud, name: &str) -> Option<Vps> {
        let servers = match cloud.list_vps().await {
            Ok(servers) => servers,
            Err(e) => {
                report(diags, "Cannot list servers", &e, None);
                return None;
            }
        };
        match pick_by_name(name, servers) {
            // A list may carry less than a read (StarVCenter lists no NICs or disks).
            Ok(vps) => self.by_id(diags, cloud, &vps.id).await,
            Err(message) => {
                diags.error(
                    "No single server with this name",
                    message,
                    AttributePath::new("name"),
                );
                None
            }
        }
    }
}

#[async_trait]
impl DataSource for VpsDataSource {
    type State = VpsDataState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(
            SchemaBuilder::new("One existing server, found by `id` or by exact `name` (set exactly one). Its attributes are those of the `polycloud_vps` resource, without `password`.")
                .optional_computed("id", AttributeType::String, "The server's id. Set this or `name`.")
                .optional_computed("name", AttributeType::String, "The server's exact name; exactly one server must have it. Set this or `id`.")
                .computed("image", AttributeType::String, "Image it was made from.")
                .computed("plan", AttributeType::String, "Plan (size).")
                .computed("location", AttributeType::String, "Location / data centre.")
                .computed("cpu", AttributeType::Number, "vCPUs.")
                .computed("memory_mb", AttributeType::Number, "Memory in MiB.")
                .computed("disk_gb", AttributeType::Number, "System disk in GB.")
                .computed("network_id", AttributeType::String, "Attached network, where the cloud has them.")
                .computed("ssh_key_ids", string_list(), "SSH key ids installed, when the cloud reports them.")
                .computed("description", AttributeType::String, "Description, where the cloud keeps one.")
                .computed("power_state", AttributeType::String, "`running` or `stopped`.")
                .computed("auto_snapshot_days", AttributeType::Number, "Automatic snapshot period in days (iNET).")
                .computed("status", AttributeType::String, "The cloud's own status word.")
                .computed("ip_address", AttributeType::String, "Public IPv4 address.")
                .computed("private_ip_address", AttributeType::String, "Private IPv4 address.")
                .computed("hostname", AttributeType::String, "Host name given by the cloud.")
                .computed("created_at", AttributeType::String, "Creation time, RFC 3339.")
                .computed("nic_ids", string_list(), "Network interface ids (StarVCenter).")
                .build(),
        )
    }

    async fn validate(&self, diags: &mut Diagnostics, config: Self::State) -> Option<()> {
        match (written(&config.id), written(&config.name)) {
            (true, true) => diags.error(
                "Conflicting arguments",
                "Set either `id` or `name`, not both.",
                AttributePath::new("name"),
            ),
            (false, false) => diags.root_error(
                "Missing argument",
                "Set `id` (the server's id) or `name` (its exact name) to choose the server.",
            ),
            _ => {}
        }
        refuse_empty(diags, &config.id, "id");
        refuse_empty(diags, &config.name, "name");
        Some(())
    }

    async fn read(&self, diags: &mut Diagnostics, config: Self::State) -> Option<Self::State> {
        let cloud = ready(&self.shared, diags, Feature::DataVps)?;
        let vps = match (known(&config.id), known(&config.name)) {
            (Some(id), _) => self.by_id(diags, cloud.as_ref(), id.trim()).await?,
            (None, Some(name)) => self.by_name(diags, cloud.as_ref(), name).await?,
            (None, None) => {
                diags.root_error("Missing argument", "Set `id` or `name`.");
                return None;
            }
        };
        Some(vps.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(id: &str, name: &str) -> Vps {
        Vps {
            id: id.into(),
            name: name.into(),
            ..Default::default()
        }
    }

    #[test]
    fn picks_the_exact_name() {
        let servers = vec![server("1", "web-1"), server("2", "web-10")];
        assert_eq!(pick_by_name("web-1", servers).unwrap().id, "1");
    }

    #[test]
    fn several_matches_list_their_ids() {
        let servers = vec![server("1", "web"), server("2", "web")];
        let err = pick_by_name("web", servers).unwrap_err();
        assert!(err.contains("id 1") && err.contains("id 2"), "{err}");
    }

    #[test]
    fn no_match_suggests_similar_names() {
        let servers = vec![server("7", "Web-Frontend"), server("8", "db")];
        let err = pick_by_name("web", servers).unwrap_err();
        assert!(err.contains("No server is named \"web\""), "{err}");
        assert!(err.contains("id 7") && !err.contains("id 8"), "{err}");
    }
}
