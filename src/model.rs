//! The domain model every resource speaks. Cloud clients translate it to their wire;
//! resources never see a cloud's shapes and never branch on which cloud it is.

use std::collections::BTreeMap;

/// Desired power state of a VPS.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PowerState {
    /// Running.
    Running,
    /// Stopped / shut down.
    Stopped,
}

impl PowerState {
    /// Parses `running` / `stopped`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "running" => Some(Self::Running),
            "stopped" => Some(Self::Stopped),
            _ => None,
        }
    }

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Stopped => "stopped",
        }
    }
}

/// What a user asks for when creating a VPS.
#[derive(Clone, Default)]
pub struct VpsSpec {
    /// Server name.
    pub name: String,
    /// Image / template / OS.
    pub image: Option<String>,
    /// Plan / price list / model.
    pub plan: Option<String>,
    /// Location / data centre.
    pub location: Option<String>,
    /// vCPUs (where the cloud sizes VMs directly).
    pub cpu: Option<i64>,
    /// Memory in MiB (where the cloud sizes VMs directly).
    pub memory_mb: Option<i64>,
    /// Network to attach (StarVCenter port group).
    pub network_id: Option<String>,
    /// SSH key ids to install.
    pub ssh_key_ids: Vec<String>,
    /// Initial root/administrator password.
    pub password: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Desired power state after creation.
    pub power_state: Option<PowerState>,
    /// Automatic snapshot period in days (0 = off).
    pub auto_snapshot_days: Option<i64>,
}

impl std::fmt::Debug for VpsSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VpsSpec")
            .field("name", &self.name)
            .field("image", &self.image)
            .field("plan", &self.plan)
            .field("location", &self.location)
            .field("cpu", &self.cpu)
            .field("memory_mb", &self.memory_mb)
            .field("network_id", &self.network_id)
            .field("ssh_key_ids", &self.ssh_key_ids)
            .field("password", &crate::secrets::Hidden(&self.password))
            .field("description", &self.description)
            .field("power_state", &self.power_state)
            .field("auto_snapshot_days", &self.auto_snapshot_days)
            .finish()
    }
}

/// A VPS as the cloud reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vps {
    /// Cloud id.
    pub id: String,
    /// Server name.
    pub name: String,
    /// Image it was made from.
    pub image: Option<String>,
    /// Plan.
    pub plan: Option<String>,
    /// Location.
    pub location: Option<String>,
    /// vCPUs.
    pub cpu: Option<i64>,
    /// Memory in MiB.
    pub memory_mb: Option<i64>,
    /// Disk in GB.
    pub disk_gb: Option<i64>,
    /// Attached network.
    pub network_id: Option<String>,
    /// SSH keys installed (when the cloud reports them).
    pub ssh_key_ids: Option<Vec<String>>,
    /// Description.
    pub description: Option<String>,
    /// Whether it runs, when the cloud says so unambiguously.
    pub power_state: Option<PowerState>,
    /// The cloud's own status word.
    pub status: String,
    /// Public IPv4.
    pub ip_address: Option<String>,
    /// Private IPv4.
    pub private_ip_address: Option<String>,
    /// Host name.
    pub hostname: Option<String>,
    /// Creation time, RFC 3339.
    pub created_at: Option<String>,
    /// NIC ids (StarVCenter).
    pub nic_ids: Vec<String>,
    /// Automatic snapshot period in days.
    pub auto_snapshot_days: Option<i64>,
}

/// One in-place change to a VPS. The resource sends them one by one, in this order of
/// declaration, so that e.g. a resize happens before a power-on. `Debug` prints a
/// placeholder for passwords (it appears in "cannot apply … in place" errors).
#[derive(Clone, PartialEq)]
pub enum VpsChange {
    /// Rename.
    Name(String),
    /// New description.
    Description(String),
    /// Reinstall from another image, with the credentials to install.
    Image {
        /// New image.
        image: String,
        /// Password to set, if any.
        password: Option<String>,
        /// SSH keys to install.
        ssh_key_ids: Vec<String>,
    },
    /// Move to another plan.
    Plan(String),
    /// Resize CPU and/or memory.
    Resize {
        /// New vCPU count.
        cpu: Option<i64>,
        /// New memory in MiB.
        memory_mb: Option<i64>,
    },
    /// Set a new password.
    Password(String),
    /// Automatic snapshots.
    AutoSnapshotDays(i64),
    /// Start or stop.
    Power(PowerState),
}

impl std::fmt::Debug for VpsChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::secrets::Hidden;
        match self {
            VpsChange::Name(n) => f.debug_tuple("Name").field(n).finish(),
            VpsChange::Description(d) => f.debug_tuple("Description").field(d).finish(),
            VpsChange::Image {
                image,
                password,
                ssh_key_ids,
            } => f
                .debug_struct("Image")
                .field("image", image)
                .field("password", &Hidden(password))
                .field("ssh_key_ids", ssh_key_ids)
                .finish(),
            VpsChange::Plan(p) => f.debug_tuple("Plan").field(p).finish(),
            VpsChange::Resize { cpu, memory_mb } => f
                .debug_struct("Resize")
                .field("cpu", cpu)
                .field("memory_mb", memory_mb)
                .finish(),
            VpsChange::Password(p) => f.debug_tuple("Password").field(&Hidden(p)).finish(),
            VpsChange::AutoSnapshotDays(d) => f.debug_tuple("AutoSnapshotDays").field(d).finish(),
            VpsChange::Power(p) => f.debug_tuple("Power").field(p).finish(),
        }
    }
}

/// What happened on delete.
#[derive(Clone, Debug, PartialEq)]
pub enum Deleted {
    /// The object is gone from the cloud.
    Gone,
    /// The cloud cannot delete it: it was only removed from state. The text is the
    /// warning to show.
    Forgotten(String),
}

/// An extra network interface of a VPS, as the cloud reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VpsNic {
    /// Cloud id of the NIC.
    pub id: String,
    /// The VPS it belongs to.
    pub vps_id: String,
    /// The network (subnet / port group) it is attached to.
    pub network_id: Option<String>,
    /// Name in the cloud (e.g. `eth1`).
    pub name: Option<String>,
    /// MAC address.
    pub mac_address: Option<String>,
    /// IP address on its network.
    pub ip_address: Option<String>,
    /// Creation time, RFC 3339.
    pub created_at: Option<String>,
}

/// An SSH public key registered with the cloud.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SshKey {
    /// Cloud id.
    pub id: String,
    /// Name.
    pub name: String,
    /// OpenSSH public key.
    pub public_key: String,
    /// SHA256 fingerprint (computed by the provider when the cloud gives none).
    pub fingerprint: String,
}

/// A backup or snapshot of a VPS.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Backup {
    /// Cloud id.
    pub id: String,
    /// The VPS it was taken from.
    pub vps_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Status word.
    pub status: String,
    /// Size in GB.
    pub size_gb: Option<i64>,
    /// Creation time, RFC 3339.
    pub created_at: Option<String>,
    /// Location, where the cloud has them.
    pub location: Option<String>,
}

/// What to create a backup from.
#[derive(Clone, Debug, Default)]
pub struct BackupSpec {
    /// VPS id.
    pub vps_id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
}

/// A snapshot of a VPS: the same facts as a backup (id, server, name, status, size,
/// creation time).
pub type Snapshot = Backup;

/// What to create a snapshot from.
pub type SnapshotSpec = BackupSpec;

/// An extra disk of a VPS.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Volume {
    /// Cloud id.
    pub id: String,
    /// The VPS it belongs to.
    pub vps_id: String,
    /// Size in GB.
    pub size_gb: Option<i64>,
    /// Description.
    pub description: Option<String>,
    /// Image it was made from.
    pub image: Option<String>,
    /// Device name in the guest, e.g. `/dev/vdb`.
    pub device_name: Option<String>,
    /// Creation time, RFC 3339.
    pub created_at: Option<String>,
}

/// What a user asks for when creating a volume.
#[derive(Clone, Debug, Default)]
pub struct VolumeSpec {
    /// The VPS to attach it to.
    pub vps_id: String,
    /// Size in GB, where the cloud sizes volumes.
    pub size_gb: Option<i64>,
    /// Description, where the cloud keeps one.
    pub description: Option<String>,
    /// Image to make it from, where the cloud needs one.
    pub image: Option<String>,
}

/// The SSH key pair a VPS was made with.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct KeyPair {
    /// Key pair name.
    pub name: String,
    /// OpenSSH public key.
    pub public_key: String,
    /// Fingerprint as the cloud prints it.
    pub fingerprint: String,
}

/// The format a private key is wanted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyFormat {
    /// PEM, for OpenSSH (`linux`).
    Linux,
    /// PuTTY PPK (`windows`).
    Windows,
}

impl KeyFormat {
    /// Parses `linux` / `windows`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "linux" => Some(Self::Linux),
            "windows" => Some(Self::Windows),
            _ => None,
        }
    }

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Linux => "linux",
            Self::Windows => "windows",
        }
    }
}

/// Where a restore takes its data from.
#[derive(Clone, Debug, PartialEq)]
pub enum RestoreSource {
    /// A backup id.
    Backup(String),
    /// A snapshot id.
    Snapshot(String),
}

/// An OS image.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Image {
    /// Id to put in `image`.
    pub id: String,
    /// Human description.
    pub description: String,
    /// Locations it is offered in.
    pub locations: Vec<String>,
    /// Plans it may run on.
    pub plans: Vec<String>,
    /// Whether it can be used now.
    pub active: bool,
}

/// A plan (size).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// Id to put in `plan`.
    pub id: String,
    /// vCPUs.
    pub cpu: Option<i64>,
    /// Memory in MiB.
    pub memory_mb: Option<i64>,
    /// Disk in GB.
    pub disk_gb: Option<i64>,
    /// Network bandwidth in Mbit/s or traffic, as the cloud states it.
    pub network: Option<i64>,
    /// Locations it is offered in.
    pub locations: Vec<String>,
    /// Price or other details the cloud gives, as text.
    pub details: BTreeMap<String, String>,
}

/// A location / data centre.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Location {
    /// Id to put in `location`.
    pub id: String,
    /// Human description.
    pub description: String,
    /// Whether it accepts new servers.
    pub active: bool,
    /// Whether servers get private addresses.
    pub private_networking: bool,
    /// Plans offered there.
    pub plans: Vec<String>,
}

/// The account behind the credentials.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Account {
    /// Account id.
    pub id: String,
    /// E-mail.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Balance in the cloud's currency (main unit).
    pub balance: f64,
    /// Bonus balance.
    pub bonus: f64,
    /// Unpaid amount.
    pub unpaid: f64,
    /// Currency code.
    pub currency: String,
}

/// Filters of `polycloud_vps_list`.
#[derive(Clone, Debug, Default)]
pub struct VpsFilter {
    /// Name contains this (case-insensitive).
    pub name: Option<String>,
    /// Status equals this.
    pub status: Option<String>,
    /// Public or private IP equals this.
    pub ip_address: Option<String>,
}

impl VpsFilter {
    /// Whether a VPS passes every filter that is set.
    pub fn matches(&self, vps: &Vps) -> bool {
        let name_ok = self
            .name
            .as_ref()
            .is_none_or(|n| vps.name.to_lowercase().contains(&n.to_lowercase()));
        let status_ok = self
            .status
            .as_ref()
            .is_none_or(|s| vps.status.eq_ignore_ascii_case(s));
        let ip_ok = self.ip_address.as_ref().is_none_or(|ip| {
            vps.ip_address.as_deref() == Some(ip) || vps.private_ip_address.as_deref() == Some(ip)
        });
        name_ok && status_ok && ip_ok
    }
}

// ---- StarVCenter part 1: tenants, VPCs, connection, quota (cloud-neutral names) ----

/// Quotas of a tenant; `None` = not set / unchanged.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Quotas {
    /// vCPU cores.
    pub cpu: Option<i64>,
    /// Memory, MiB.
    pub memory_mb: Option<i64>,
    /// Storage, GB.
    pub storage_gb: Option<i64>,
    /// Subnets (VPCs).
    pub subnet: Option<i64>,
    /// Public IPv4 addresses.
    pub public_ip: Option<i64>,
}

/// What a user asks for when creating a tenant.
#[derive(Clone, Debug, Default)]
pub struct TenantSpec {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Quotas.
    pub quotas: Quotas,
}

/// A tenant as the cloud reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Tenant {
    /// Cloud id.
    pub id: String,
    /// Name, when the cloud reports it.
    pub name: Option<String>,
    /// Description, when the cloud reports it.
    pub description: Option<String>,
    /// Quotas.
    pub quotas: Quotas,
    /// What is still free of each quota.
    pub usable: Quotas,
}

/// A private network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Vpc {
    /// Cloud id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Address range.
    pub cidr: Option<String>,
    /// Gateway address.
    pub gateway: Option<String>,
    /// Addresses still free.
    pub usable_ip_count: Option<i64>,
    /// Creation time, RFC 3339.
    pub created_at: Option<String>,
}

/// How to reach a server's console.
#[derive(Clone, Default, PartialEq)]
pub struct VpsConnection {
    /// Console URL (grants access: sensitive).
    pub console_url: String,
    /// Address of the physical host.
    pub host_ip: Option<String>,
    /// VNC port on that host.
    pub vnc_port: Option<i64>,
}

impl std::fmt::Debug for VpsConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VpsConnection")
            .field("console_url", &crate::secrets::Hidden(&self.console_url))
            .field("host_ip", &self.host_ip)
            .field("vnc_port", &self.vnc_port)
            .finish()
    }
}

/// The account's or resource pool's total quota.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PoolQuota {
    /// vCPU cores.
    pub cpu: Option<i64>,
    /// Memory, MiB.
    pub memory_mb: Option<i64>,
    /// Storage, GB.
    pub storage_gb: Option<i64>,
    /// Public IPv4 addresses.
    pub public_ip: Option<i64>,
}

// ---- StarVCenter part 1 (continued): monitoring, hosts, storages, alarms ----------

/// Resolution of a metrics history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricsInterval {
    /// One point a minute.
    Minute,
    /// One point an hour.
    Hour,
    /// One point a day.
    Day,
}

impl MetricsInterval {
    /// Parses `minute` / `hour` / `day`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "minute" => Some(Self::Minute),
            "hour" => Some(Self::Hour),
            "day" => Some(Self::Day),
            _ => None,
        }
    }

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minute => "minute",
            Self::Hour => "hour",
            Self::Day => "day",
        }
    }
}

/// One CPU/memory point of a history. `None` = the cloud has no data for it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComputeSample {
    /// Sampling time, RFC 3339.
    pub time: Option<String>,
    /// CPU use, percent.
    pub cpu_percent: Option<i64>,
    /// Memory use, percent.
    pub memory_percent: Option<i64>,
}

/// One transfer-rate point of a history (disk: read/write; network: down/up), KB/s.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RateSample {
    /// Sampling time, RFC 3339.
    pub time: Option<String>,
    /// Disk read or network download, KB/s.
    pub in_kbps: Option<f64>,
    /// Disk write or network upload, KB/s.
    pub out_kbps: Option<f64>,
}

/// Current figures of one disk of a VPS.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DiskMetrics {
    /// Disk id.
    pub disk_id: String,
    /// Read, KB/s.
    pub read_kbps: Option<f64>,
    /// Write, KB/s.
    pub write_kbps: Option<f64>,
    /// Read requests per second.
    pub read_iops: Option<i64>,
    /// Write requests per second.
    pub write_iops: Option<i64>,
    /// Capacity, KB.
    pub size_kb: Option<i64>,
    /// Used, KB.
    pub used_kb: Option<i64>,
}

/// Current figures of one network card of a VPS.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NicMetrics {
    /// NIC id.
    pub nic_id: String,
    /// MAC address.
    pub mac: Option<String>,
    /// Download, KB/s.
    pub down_kbps: Option<f64>,
    /// Upload, KB/s.
    pub up_kbps: Option<f64>,
}

/// Monitoring of one VPS: the current sample and a history.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct VpsMetrics {
    /// When the current sample was taken, RFC 3339.
    pub sampled_at: Option<String>,
    /// CPU use now, percent.
    pub cpu_percent: Option<i64>,
    /// Memory use now, percent.
    pub memory_percent: Option<i64>,
    /// vCPUs.
    pub cpu_count: Option<i64>,
    /// Memory, MiB.
    pub memory_mb: Option<i64>,
    /// Memory used, MiB.
    pub memory_used_mb: Option<i64>,
    /// Each disk now.
    pub disks: Vec<DiskMetrics>,
    /// Each network card now.
    pub nics: Vec<NicMetrics>,
    /// CPU/memory history.
    pub compute_history: Vec<ComputeSample>,
    /// Disk read/write history.
    pub disk_history: Vec<RateSample>,
    /// Network down/up history.
    pub network_history: Vec<RateSample>,
}

/// A physical host of an on-premises installation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Host {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Status word (`running`, `stopped`, `offline`, ...).
    pub status: String,
    /// Whether it is connected.
    pub connected: Option<bool>,
    /// Registered IP address.
    pub ip_address: Option<String>,
    /// Whether it is in maintenance mode.
    pub maintenance: Option<bool>,
    /// Operating system.
    pub os: Option<String>,
    /// Virtualisation software version.
    pub hypervisor: Option<String>,
    /// CPU vendor.
    pub cpu_vendor: Option<String>,
    /// CPU cores.
    pub cpu_cores: Option<i64>,
    /// CPU sockets.
    pub cpus: Option<i64>,
    /// Memory, GB.
    pub memory_gb: Option<i64>,
    /// Creation time, RFC 3339.
    pub created_at: Option<String>,
}

/// A storage pool of an on-premises installation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Storage {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Type (`NFS`, `CEPH`, ...).
    pub kind: Option<String>,
    /// Thin provisioning.
    pub thin: Option<bool>,
    /// Capacity, GB.
    pub size_gb: Option<i64>,
    /// Used, GB.
    pub used_gb: Option<i64>,
    /// Access path.
    pub location: Option<String>,
    /// `main` or `secondary`.
    pub usage: Option<String>,
    /// `block`, `file` or `network`.
    pub file_type: Option<String>,
    /// `r` or `rw`.
    pub access: Option<String>,
    /// Creation time, RFC 3339.
    pub created_at: Option<String>,
}

/// Filters of `polycloud_alarms`.
#[derive(Clone, Debug, Default)]
pub struct AlarmFilter {
    /// `high`, `medium` or `low`.
    pub level: Option<String>,
    /// Id of the object alarmed on.
    pub object_id: Option<String>,
    /// `auto`, `manual` or `none` (not relieved).
    pub relieve_way: Option<String>,
}

/// An alarm.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Alarm {
    /// Id.
    pub id: String,
    /// Alarm type.
    pub kind: Option<String>,
    /// `high`, `medium` or `low`.
    pub level: Option<String>,
    /// Object alarmed on.
    pub object_id: Option<String>,
    /// Its name.
    pub object_name: Option<String>,
    /// Its type.
    pub object_type: Option<String>,
    /// What happened.
    pub content: Option<String>,
    /// Raised at, RFC 3339.
    pub created_at: Option<String>,
    /// Relieved at, RFC 3339 (`None` while active).
    pub relieved_at: Option<String>,
    /// `auto`, `manual` or `none`.
    pub relieve_way: Option<String>,
}
// ---- StarVCenter part 2 (issue 4): security groups, SLB, routers, mappings ----------
mod network;
pub use network::*;

#[cfg(test)]
mod tests {
    use super::*;

    /// Secrets print a placeholder: a `Debug` of a change or a spec lands in error
    /// messages ("cannot apply … in place") and logs.
    #[test]
    fn debug_output_of_secret_holders_shows_a_placeholder() {
        let secret = "Hunter2-SECRET";
        let texts = [
            format!("{:?}", VpsChange::Password(secret.into())),
            format!(
                "{:?}",
                VpsChange::Image {
                    image: "img".into(),
                    password: Some(secret.into()),
                    ssh_key_ids: vec![],
                }
            ),
            format!(
                "{:?}",
                VpsSpec {
                    password: Some(secret.into()),
                    ..Default::default()
                }
            ),
            format!(
                "{:?}",
                VpsConnection {
                    console_url: format!("https://c/?token={secret}"),
                    ..Default::default()
                }
            ),
            format!(
                "{:?}",
                SlbSpec {
                    https_private_key: Some(secret.into()),
                    ..Default::default()
                }
            ),
        ];
        for text in texts {
            assert!(!text.contains("SECRET"), "{text}");
            assert!(text.contains(crate::secrets::PLACEHOLDER), "{text}");
        }
        assert_eq!(
            format!("{:?}", VpsChange::Plan("big".into())),
            "Plan(\"big\")"
        );
    }
}
