//! The seam between resources and clouds.
//!
//! [`Cloud`] is the one interface every resource and data source calls. Each cloud's
//! module implements it by translating the domain model ([`crate::model`]) to its own
//! wire. What a cloud cannot do answers [`CloudError::Unsupported`] with advice, and its
//! [`Cloud::capability`] / [`Cloud::rule`] tables let plan fail early, on the
//! attribute, before any API call.

pub mod batch;
pub mod in_flight;
pub mod inet;
pub mod poller;
pub mod safe_create;
pub mod starvcenter;
pub mod vscale;
pub mod zomro;

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use crate::config::{CloudKind, Settings};
pub use crate::error::{CloudError, CreateError};
use crate::model::*;

/// Every resource and data source of the capability matrix (README.md, "What each cloud can do").
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Feature {
    Vps,
    Snapshot,
    Backup,
    Volume,
    Tenant,
    Vpc,
    SecurityGroup,
    Slb,
    SshKey,
    Router,
    PortMapping,
    IpMapping,
    AccessRule,
    VpsRestore,
    VpsReboot,
    VpsNic,
    DataVps,
    DataVpsList,
    DataImages,
    DataPlans,
    DataLocations,
    DataSnapshots,
    DataBackups,
    DataVpsKeypair,
    DataVpsPrivateKey,
    DataVpsConsole,
    DataVpsMetrics,
    DataQuota,
    DataPublicIps,
    DataHosts,
    DataStorages,
    DataAlarms,
    DataVpsConnection,
    DataAccount,
    DataSecurityGroups,
}

impl Feature {
    /// The Terraform type name.
    pub fn type_name(self) -> &'static str {
        use Feature::*;
        match self {
            Vps | DataVps => "polycloud_vps",
            Snapshot => "polycloud_snapshot",
            Backup => "polycloud_backup",
            Volume => "polycloud_volume",
            Tenant => "polycloud_tenant",
            Vpc => "polycloud_vpc",
            SecurityGroup => "polycloud_security_group",
            Slb => "polycloud_slb",
            SshKey => "polycloud_ssh_key",
            Router => "polycloud_router",
            PortMapping => "polycloud_port_mapping",
            IpMapping => "polycloud_ip_mapping",
            AccessRule => "polycloud_access_rule",
            VpsRestore => "polycloud_vps_restore",
            VpsReboot => "polycloud_vps_reboot",
            VpsNic => "polycloud_vps_nic",
            DataVpsList => "polycloud_vps_list",
            DataImages => "polycloud_images",
            DataPlans => "polycloud_plans",
            DataLocations => "polycloud_locations",
            DataSnapshots => "polycloud_snapshots",
            DataBackups => "polycloud_backups",
            DataVpsKeypair => "polycloud_vps_keypair",
            DataVpsPrivateKey => "polycloud_vps_private_key",
            DataVpsConsole => "polycloud_vps_console",
            DataVpsMetrics => "polycloud_vps_metrics",
            DataQuota => "polycloud_quota",
            DataPublicIps => "polycloud_public_ips",
            DataHosts => "polycloud_hosts",
            DataStorages => "polycloud_storages",
            DataAlarms => "polycloud_alarms",
            DataVpsConnection => "polycloud_vps_connection",
            DataAccount => "polycloud_account",
            DataSecurityGroups => "polycloud_security_groups",
        }
    }
}

/// What deleting does on a cloud.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeleteMode {
    /// Deletes remotely.
    Delete,
    /// The cloud has no delete: the object is only removed from state, with a warning.
    Forget,
    /// Not supported.
    No,
}

/// What a cloud can do with one resource or data source.
#[derive(Clone, Debug)]
pub struct Capability {
    /// Create (for data sources: read).
    pub create: bool,
    /// Read and import.
    pub read: bool,
    /// In-place update.
    pub update: bool,
    /// Delete.
    pub delete: DeleteMode,
    /// What to do instead, shown when an operation is not supported.
    pub advice: String,
}

impl Capability {
    /// Create, read, update and delete.
    pub fn crud() -> Self {
        Self::from_letters("CRUD", "")
    }

    /// Nothing: every operation fails at plan with `advice`.
    pub fn none(advice: impl Into<String>) -> Self {
        Self::from_letters("", advice)
    }

    /// From the matrix's letters: `C`, `R`, `U`, `D`, and `F` for delete = forget.
    pub fn from_letters(letters: &str, advice: impl Into<String>) -> Self {
        Self {
            create: letters.contains('C'),
            read: letters.contains('R'),
            update: letters.contains('U'),
            delete: if letters.contains('D') {
                DeleteMode::Delete
            } else if letters.contains('F') {
                DeleteMode::Forget
            } else {
                DeleteMode::No
            },
            advice: advice.into(),
        }
    }

    /// Whether the resource (or data source) can be used at all.
    pub fn usable(&self) -> bool {
        self.create || self.read
    }
}

/// Whether a user may write an attribute when creating.
#[derive(Clone, Debug, PartialEq)]
pub enum Setting {
    /// Must be written.
    Required,
    /// May be written.
    Optional,
    /// The cloud decides it; writing it is an error with this advice.
    Unsupported(String),
}

/// What a change of an attribute does.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// Changed in place.
    InPlace,
    /// Forces a new resource; the text says why (shown in the plan's warning).
    Replace(String),
    /// Cannot be changed; the text says what to do instead.
    Unsupported(String),
}

/// How one `polycloud_vps` attribute behaves on a cloud.
#[derive(Clone, Debug, PartialEq)]
pub struct AttrRule {
    /// At create.
    pub set: Setting,
    /// On change.
    pub change: Change,
}

impl AttrRule {
    /// Optional and changed in place.
    pub fn in_place() -> Self {
        Self {
            set: Setting::Optional,
            change: Change::InPlace,
        }
    }

    /// Optional; a change forces replacement for `why`.
    pub fn replace(why: &str) -> Self {
        Self {
            set: Setting::Optional,
            change: Change::Replace(why.into()),
        }
    }

    /// Not available on this cloud.
    pub fn unsupported(advice: &str) -> Self {
        Self {
            set: Setting::Unsupported(advice.into()),
            change: Change::Unsupported(advice.into()),
        }
    }

    /// Marks the attribute required at create.
    pub fn required(mut self) -> Self {
        self.set = Setting::Required;
        self
    }
}

fn unsupported<T>(what: &str) -> Result<T, CloudError> {
    Err(CloudError::Unsupported(format!(
        "{what} is not available on this cloud"
    )))
}

/// One cloud account, as resources see it. Every method has a default that answers
/// [`CloudError::Unsupported`]; plan-time checks use [`Cloud::capability`] and
/// [`Cloud::rule`] so users see the advice before apply.
#[async_trait]
pub trait Cloud: Send + Sync {
    /// Which cloud.
    fn kind(&self) -> CloudKind;

    /// What the cloud can do with a resource or data source.
    fn capability(&self, feature: Feature) -> Capability;

    /// How an attribute of a resource behaves on this cloud; `None` keeps the
    /// resource's own default rule.
    fn rule(&self, feature: Feature, attribute: &str) -> Option<AttrRule>;

    /// What changing the VPS plan from `from` to `to` does (Vscale: up in place, down
    /// replaces). Defaults to the `plan` rule.
    async fn vps_plan_change(&self, from: &str, to: &str) -> Result<Option<Change>, CloudError> {
        let _ = (from, to);
        Ok(self.rule(Feature::Vps, "plan").map(|r| r.change))
    }

    /// Cloud-specific checks of a VPS request, before any API call: attribute name
    /// and message for each problem.
    fn check_vps_spec(&self, spec: &VpsSpec) -> Vec<(&'static str, String)> {
        let _ = spec;
        Vec::new()
    }

    /// Creates a VPS and waits until it is usable.
    async fn create_vps(&self, spec: &VpsSpec, timeout: Duration) -> Result<Vps, CreateError> {
        let _ = (spec, timeout);
        Ok(unsupported("creating a VPS")?)
    }

    /// Reads a VPS; `Ok(None)` only when the cloud says it does not exist.
    async fn read_vps(&self, id: &str) -> Result<Option<Vps>, CloudError> {
        let _ = id;
        unsupported("reading a VPS")
    }

    /// Applies one in-place change and waits for it.
    async fn update_vps(
        &self,
        id: &str,
        change: &VpsChange,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let _ = (id, change, timeout);
        unsupported("changing a VPS")
    }

    /// Deletes a VPS and waits until it is gone.
    async fn delete_vps(&self, id: &str, timeout: Duration) -> Result<Deleted, CloudError> {
        let _ = (id, timeout);
        unsupported("deleting a VPS")
    }

    /// Lists every VPS of the account (all pages).
    async fn list_vps(&self) -> Result<Vec<Vps>, CloudError> {
        unsupported("listing VPSs")
    }

    /// The VPSs passing `filter`, all pages. Clouds that filter on the server side
    /// override it; the default lists everything and filters here.
    async fn find_vps(&self, filter: &VpsFilter) -> Result<Vec<Vps>, CloudError> {
        Ok(self
            .list_vps()
            .await?
            .into_iter()
            .filter(|v| filter.matches(v))
            .collect())
    }

    /// Reboots a VPS (`hard`: forced, like pulling the plug) and waits until it
    /// runs again.
    async fn reboot_vps(&self, id: &str, hard: bool, timeout: Duration) -> Result<(), CloudError> {
        let _ = (id, hard, timeout);
        unsupported("rebooting a VPS")
    }

    /// The SSH key pair a VPS was made with.
    async fn vps_keypair(&self, vps_id: &str) -> Result<KeyPair, CloudError> {
        let _ = vps_id;
        unsupported("reading a VPS key pair")
    }

    /// The private key of the VPS's key pair, in `format`. The client registers it
    /// with [`crate::secrets`] before returning it.
    async fn vps_private_key(&self, vps_id: &str, format: KeyFormat) -> Result<String, CloudError> {
        let _ = (vps_id, format);
        unsupported("reading a VPS private key")
    }

    /// A URL of the VPS's web console.
    async fn vps_console_url(&self, vps_id: &str) -> Result<String, CloudError> {
        let _ = vps_id;
        unsupported("opening a VPS console")
    }

    /// Creates a snapshot and waits until it is complete.
    async fn create_snapshot(
        &self,
        spec: &SnapshotSpec,
        timeout: Duration,
    ) -> Result<Snapshot, CreateError> {
        let _ = (spec, timeout);
        Ok(unsupported("creating a snapshot")?)
    }

    /// Reads a snapshot; `Ok(None)` when it does not exist.
    async fn read_snapshot(&self, id: &str) -> Result<Option<Snapshot>, CloudError> {
        let _ = id;
        unsupported("reading a snapshot")
    }

    /// Deletes a snapshot.
    async fn delete_snapshot(&self, id: &str, timeout: Duration) -> Result<Deleted, CloudError> {
        let _ = (id, timeout);
        unsupported("deleting a snapshot")
    }

    /// Lists snapshots, of one VPS or of all.
    async fn list_snapshots(&self, vps_id: Option<&str>) -> Result<Vec<Snapshot>, CloudError> {
        let _ = vps_id;
        unsupported("listing snapshots")
    }

    /// Creates a volume and waits until it is attached.
    async fn create_volume(
        &self,
        spec: &VolumeSpec,
        timeout: Duration,
    ) -> Result<Volume, CreateError> {
        let _ = (spec, timeout);
        Ok(unsupported("creating a volume")?)
    }

    /// Reads a volume; `Ok(None)` when it does not exist.
    async fn read_volume(&self, id: &str) -> Result<Option<Volume>, CloudError> {
        let _ = id;
        unsupported("reading a volume")
    }

    /// Deletes a volume.
    async fn delete_volume(&self, id: &str, timeout: Duration) -> Result<Deleted, CloudError> {
        let _ = (id, timeout);
        unsupported("deleting a volume")
    }

    /// Restores a VPS from a backup or snapshot and waits for it.
    async fn restore_vps(
        &self,
        vps_id: &str,
        source: &RestoreSource,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let _ = (vps_id, source, timeout);
        unsupported("restoring a VPS")
    }

    /// Registers an SSH key.
    async fn create_ssh_key(&self, name: &str, public_key: &str) -> Result<SshKey, CreateError> {
        let _ = (name, public_key);
        Ok(unsupported("registering an SSH key")?)
    }

    /// Reads an SSH key; `Ok(None)` when it does not exist.
    async fn read_ssh_key(&self, id: &str) -> Result<Option<SshKey>, CloudError> {
        let _ = id;
        unsupported("reading an SSH key")
    }

    /// Deletes an SSH key.
    async fn delete_ssh_key(&self, id: &str) -> Result<(), CloudError> {
        let _ = id;
        unsupported("deleting an SSH key")
    }

    /// Creates a backup and waits until it is complete.
    async fn create_backup(
        &self,
        spec: &BackupSpec,
        timeout: Duration,
    ) -> Result<Backup, CreateError> {
        let _ = (spec, timeout);
        Ok(unsupported("creating a backup")?)
    }

    /// Reads a backup; `Ok(None)` when it does not exist.
    async fn read_backup(&self, id: &str) -> Result<Option<Backup>, CloudError> {
        let _ = id;
        unsupported("reading a backup")
    }

    /// Renames a backup or changes its description.
    async fn update_backup(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Result<(), CloudError> {
        let _ = (id, name, description);
        unsupported("changing a backup")
    }

    /// Deletes a backup.
    async fn delete_backup(&self, id: &str, timeout: Duration) -> Result<Deleted, CloudError> {
        let _ = (id, timeout);
        unsupported("deleting a backup")
    }

    /// Lists backups, of one VPS or of all.
    async fn list_backups(&self, vps_id: Option<&str>) -> Result<Vec<Backup>, CloudError> {
        let _ = vps_id;
        unsupported("listing backups")
    }

    /// OS images, optionally only those offered in `location`.
    async fn images(&self, location: Option<&str>) -> Result<Vec<Image>, CloudError> {
        let _ = location;
        unsupported("listing images")
    }

    /// Plans, optionally only those offered in `location`.
    async fn plans(&self, location: Option<&str>) -> Result<Vec<Plan>, CloudError> {
        let _ = location;
        unsupported("listing plans")
    }

    /// Locations.
    async fn locations(&self) -> Result<Vec<Location>, CloudError> {
        unsupported("listing locations")
    }

    /// The account and its balance.
    async fn account(&self) -> Result<Account, CloudError> {
        unsupported("reading the account")
    }

    // ---- StarVCenter part 1: tenants, VPCs, connection, quota --------------------
    // (kept together at the end of the trait to ease merging with other clouds' work)

    /// Creates a tenant with its quotas, within `timeout`.
    async fn create_tenant(
        &self,
        spec: &TenantSpec,
        timeout: Duration,
    ) -> Result<Tenant, CreateError> {
        let _ = (spec, timeout);
        Ok(unsupported("creating a tenant")?)
    }

    /// Reads a tenant; `Ok(None)` when it does not exist.
    async fn read_tenant(&self, id: &str) -> Result<Option<Tenant>, CloudError> {
        let _ = id;
        unsupported("reading a tenant")
    }

    /// Sets a tenant's quotas (`None` = keep the current value).
    async fn update_tenant_quotas(&self, id: &str, quotas: &Quotas) -> Result<(), CloudError> {
        let _ = (id, quotas);
        unsupported("changing a tenant's quotas")
    }

    /// Deletes a tenant (or says it can only be forgotten).
    async fn delete_tenant(&self, id: &str) -> Result<Deleted, CloudError> {
        let _ = id;
        unsupported("deleting a tenant")
    }

    /// Creates a private network within `timeout`.
    async fn create_vpc(
        &self,
        name: &str,
        description: Option<&str>,
        timeout: Duration,
    ) -> Result<Vpc, CreateError> {
        let _ = (name, description, timeout);
        Ok(unsupported("creating a VPC")?)
    }

    /// Reads a private network; `Ok(None)` when it does not exist.
    async fn read_vpc(&self, id: &str) -> Result<Option<Vpc>, CloudError> {
        let _ = id;
        unsupported("reading a VPC")
    }

    /// Renames a private network or changes its description.
    async fn update_vpc(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Result<(), CloudError> {
        let _ = (id, name, description);
        unsupported("changing a VPC")
    }

    /// Deletes a private network.
    async fn delete_vpc(&self, id: &str) -> Result<Deleted, CloudError> {
        let _ = id;
        unsupported("deleting a VPC")
    }

    /// Console connection details of a VPS.
    async fn vps_connection(&self, id: &str) -> Result<VpsConnection, CloudError> {
        let _ = id;
        unsupported("reading a VPS connection")
    }

    /// The total quota of the account / resource pool.
    async fn pool_quota(&self) -> Result<PoolQuota, CloudError> {
        unsupported("reading the quota")
    }

    // ---- StarVCenter part 1 (continued): snapshots, volumes, monitoring ----------
    // (kept together after the block above to ease merging with StarVCenter part 2)

    /// Renames a snapshot or changes its description.
    async fn update_snapshot(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Result<(), CloudError> {
        let _ = (id, name, description);
        unsupported("changing a snapshot")
    }

    /// What changing a volume's size from `from` to `to` GB does; defaults to the
    /// `size_gb` rule (StarVCenter: up in place, down replaces).
    fn volume_size_change(&self, from: i64, to: i64) -> Option<Change> {
        let _ = (from, to);
        self.rule(Feature::Volume, "size_gb").map(|r| r.change)
    }

    /// Grows a volume to `size_gb` and waits for it.
    async fn resize_volume(
        &self,
        id: &str,
        size_gb: i64,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let _ = (id, size_gb, timeout);
        unsupported("resizing a volume")
    }

    /// Monitoring of a VPS: the current sample and the history at `interval`.
    async fn vps_metrics(
        &self,
        id: &str,
        interval: MetricsInterval,
    ) -> Result<VpsMetrics, CloudError> {
        let _ = (id, interval);
        unsupported("reading VPS metrics")
    }

    /// The physical hosts of the installation.
    async fn hosts(&self) -> Result<Vec<Host>, CloudError> {
        unsupported("listing hosts")
    }

    /// The storages of the installation.
    async fn storages(&self) -> Result<Vec<Storage>, CloudError> {
        unsupported("listing storages")
    }

    /// Alarms passing `filter`.
    async fn alarms(&self, filter: &AlarmFilter) -> Result<Vec<Alarm>, CloudError> {
        let _ = filter;
        unsupported("listing alarms")
    }

    // ---- StarVCenter part 2 (issue 4): security groups, SLB, routers, mappings -------

    /// Creates an empty security group within `timeout`; its id.
    async fn create_security_group(
        &self,
        name: &str,
        description: Option<&str>,
        timeout: Duration,
    ) -> Result<String, CreateError> {
        let _ = (name, description, timeout);
        Ok(unsupported("creating a security group")?)
    }

    /// Reads a security group with its rules and bound NICs; `Ok(None)` when absent.
    async fn read_security_group(&self, id: &str) -> Result<Option<SecurityGroup>, CloudError> {
        let _ = id;
        unsupported("reading a security group")
    }

    /// Lists the security groups (without rules and NICs).
    async fn list_security_groups(&self) -> Result<Vec<SecurityGroup>, CloudError> {
        unsupported("listing security groups")
    }

    /// Deletes a security group (its NICs must be unbound first).
    async fn delete_security_group(&self, id: &str) -> Result<Deleted, CloudError> {
        let _ = id;
        unsupported("deleting a security group")
    }

    /// Adds one rule to a group; the rule's id.
    async fn add_security_rule(
        &self,
        group_id: &str,
        rule: &SecurityRule,
    ) -> Result<String, CloudError> {
        let _ = (group_id, rule);
        unsupported("adding a security group rule")
    }

    /// Deletes one rule.
    async fn delete_security_rule(&self, rule_id: &str) -> Result<(), CloudError> {
        let _ = rule_id;
        unsupported("deleting a security group rule")
    }

    /// Binds (`bind`) or unbinds NICs to/from a group.
    async fn bind_security_group(
        &self,
        group_id: &str,
        nic_ids: &[String],
        bind: bool,
    ) -> Result<(), CloudError> {
        let _ = (group_id, nic_ids, bind);
        unsupported("binding NICs to a security group")
    }

    /// Ids of the group's rules the cloud reports as not in effect.
    async fn rules_not_in_effect(&self, group_id: &str) -> Result<Vec<String>, CloudError> {
        let _ = group_id;
        unsupported("checking security group rules")
    }

    /// Asks the cloud to apply the group's rules that are not in effect again.
    async fn reapply_security_rules(&self, group_id: &str) -> Result<(), CloudError> {
        let _ = group_id;
        unsupported("re-applying security group rules")
    }

    /// Creates a load balancer (without back ends), stopped, within `timeout`; its id.
    async fn create_slb(&self, spec: &SlbSpec, timeout: Duration) -> Result<String, CreateError> {
        let _ = (spec, timeout);
        Ok(unsupported("creating a load balancer")?)
    }

    /// Reads a load balancer with its back ends; `Ok(None)` when absent.
    async fn read_slb(&self, id: &str) -> Result<Option<Slb>, CloudError> {
        let _ = id;
        unsupported("reading a load balancer")
    }

    /// Changes the settings a load balancer can change in place.
    async fn update_slb(&self, id: &str, spec: &SlbSpec) -> Result<(), CloudError> {
        let _ = (id, spec);
        unsupported("changing a load balancer")
    }

    /// Starts or stops a load balancer.
    async fn set_slb_enabled(&self, id: &str, enabled: bool) -> Result<(), CloudError> {
        let _ = (id, enabled);
        unsupported("starting or stopping a load balancer")
    }

    /// Installs an HTTPS certificate and key (the key is a secret).
    async fn set_slb_certificate(
        &self,
        id: &str,
        certificate: &str,
        private_key: &str,
    ) -> Result<(), CloudError> {
        let _ = (id, certificate, private_key);
        unsupported("configuring a load balancer certificate")
    }

    /// Deletes a load balancer and its back ends.
    async fn delete_slb(&self, id: &str) -> Result<Deleted, CloudError> {
        let _ = id;
        unsupported("deleting a load balancer")
    }

    /// Adds one back end; its id.
    async fn add_slb_backend(
        &self,
        slb_id: &str,
        backend: &SlbBackend,
    ) -> Result<String, CloudError> {
        let _ = (slb_id, backend);
        unsupported("adding a load balancer back end")
    }

    /// Changes a back end's port and weight (`backend.id` names it).
    async fn update_slb_backend(&self, backend: &SlbBackend) -> Result<(), CloudError> {
        let _ = backend;
        unsupported("changing a load balancer back end")
    }

    /// Deletes one back end.
    async fn delete_slb_backend(&self, backend_id: &str) -> Result<(), CloudError> {
        let _ = backend_id;
        unsupported("deleting a load balancer back end")
    }

    /// Creates a router and waits until it is online.
    async fn create_router(
        &self,
        name: &str,
        ha: bool,
        timeout: Duration,
    ) -> Result<Router, CreateError> {
        let _ = (name, ha, timeout);
        Ok(unsupported("creating a router")?)
    }

    /// Reads a router; `Ok(None)` when absent.
    async fn read_router(&self, id: &str) -> Result<Option<Router>, CloudError> {
        let _ = id;
        unsupported("reading a router")
    }

    /// Attaches (`attach`) or detaches a network to/from a router.
    async fn attach_router_network(
        &self,
        router_id: &str,
        vpc_id: &str,
        attach: bool,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let _ = (router_id, vpc_id, attach, timeout);
        unsupported("attaching a network to a router")
    }

    /// Deletes a router (or says it can only be forgotten).
    async fn delete_router(&self, id: &str) -> Result<Deleted, CloudError> {
        let _ = id;
        unsupported("deleting a router")
    }

    /// Forwards a public IP:port to a server port.
    async fn create_port_mapping(&self, spec: &PortMapping) -> Result<PortMapping, CreateError> {
        let _ = spec;
        Ok(unsupported("creating a port mapping")?)
    }

    /// Reads a port mapping; `Ok(None)` when absent.
    async fn read_port_mapping(&self, id: &str) -> Result<Option<PortMapping>, CloudError> {
        let _ = id;
        unsupported("reading a port mapping")
    }

    /// Maps a server to an address of its own.
    async fn create_ip_mapping(&self, spec: &IpMapping) -> Result<IpMapping, CreateError> {
        let _ = spec;
        Ok(unsupported("creating an IP mapping")?)
    }

    /// Reads an IP mapping; `Ok(None)` when absent.
    async fn read_ip_mapping(&self, id: &str) -> Result<Option<IpMapping>, CloudError> {
        let _ = id;
        unsupported("reading an IP mapping")
    }

    /// Deletes an IP or port mapping.
    async fn delete_address_mapping(&self, id: &str) -> Result<Deleted, CloudError> {
        let _ = id;
        unsupported("deleting an address mapping")
    }

    /// Adds an access rule (opening the network's boundary firewall for `gate` rules).
    async fn create_access_rule(&self, spec: &AccessRule) -> Result<AccessRule, CreateError> {
        let _ = spec;
        Ok(unsupported("creating an access rule")?)
    }

    /// Reads an access rule; `Ok(None)` when absent.
    async fn read_access_rule(&self, id: &str) -> Result<Option<AccessRule>, CloudError> {
        let _ = id;
        unsupported("reading an access rule")
    }

    /// Deletes an access rule (closing the boundary firewall after the last `gate` rule).
    async fn delete_access_rule(&self, id: &str) -> Result<Deleted, CloudError> {
        let _ = id;
        unsupported("deleting an access rule")
    }

    // ---- Extra NICs of a VPS (issue 4) ---------------------------------------------

    /// Adds a NIC on `network_id` to VPS `vps_id` (waiting for it within `timeout`
    /// where the cloud works asynchronously) and reads it back.
    async fn create_vps_nic(
        &self,
        vps_id: &str,
        network_id: &str,
        timeout: Duration,
    ) -> Result<VpsNic, CreateError> {
        let _ = (vps_id, network_id, timeout);
        Ok(unsupported("adding a network interface")?)
    }

    /// Reads one NIC of a VPS; `Ok(None)` when the cloud says the VPS or the NIC does
    /// not exist.
    async fn read_vps_nic(&self, vps_id: &str, nic_id: &str) -> Result<Option<VpsNic>, CloudError> {
        let _ = (vps_id, nic_id);
        unsupported("reading a network interface")
    }

    /// Removes a NIC (or says it can only be forgotten).
    async fn delete_vps_nic(&self, vps_id: &str, nic_id: &str) -> Result<Deleted, CloudError> {
        let _ = (vps_id, nic_id);
        unsupported("removing a network interface")
    }

    /// The public addresses of the account's pool with the ports used on each.
    async fn public_ips(&self) -> Result<Vec<PublicIp>, CloudError> {
        unsupported("listing public IPs")
    }
}

/// Builds the client for the configured cloud.
pub fn connect(settings: &Settings) -> Result<Arc<dyn Cloud>, CloudError> {
    Ok(match settings.cloud {
        CloudKind::Vscale => Arc::new(vscale::VscaleClient::new(settings)?),
        CloudKind::Zomro => Arc::new(zomro::ZomroClient::new(settings)?),
        CloudKind::Inet => Arc::new(inet::InetClient::new(settings)?),
        CloudKind::StarVCenter => Arc::new(starvcenter::StarVCenterClient::new(settings)?),
    })
}

/// Longest excerpt of an answer a loud failure shows.
const SHOWN_ANSWER: usize = 600;

/// An answer as an error message shows it (docs/design/wire.md, loud failures):
/// secret-named fields and registered secrets masked, cut after a few hundred
/// characters.
pub fn shown_answer(value: &serde_json::Value) -> String {
    let text = crate::secrets::redact(&crate::http::redact_json(value).to_string());
    match text.char_indices().nth(SHOWN_ANSWER) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text,
    }
}

/// The failure of an answer the client cannot understand: what was asked, what it
/// lacks, and the (redacted) answer itself.
pub fn not_understood(operation: &str, lacks: &str, answer: &serde_json::Value) -> CloudError {
    CloudError::Protocol(format!(
        "{operation}: the answer {lacks}: {}",
        shown_answer(answer)
    ))
}
