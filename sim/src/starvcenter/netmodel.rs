//! Objects of StarVCenter's networking part 2 (StarVCenter API 2.3.5–2.3.12, 2.9, 2.11–2.13,
//! 2.17–2.18) and how the API renders them. Kept apart from `model.rs` so that part 1
//! and part 2 evolve in separate files.

use crate::util::task_date;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The outer (public) addresses of the IP pool (doc 2.11), seeded at startup.
pub const OUTER_IPS: [&str; 4] = [
    "203.0.113.10",
    "203.0.113.11",
    "203.0.113.12",
    "203.0.113.13",
];
/// Gateway of the outer pool.
pub const OUTER_GATEWAY: &str = "203.0.113.1";
/// Netmask of the outer pool.
pub const OUTER_NETMASK: &str = "255.255.255.0";

/// A security group (doc 2.17).
#[derive(Clone, Debug)]
pub struct SecGroup {
    /// `securitygroup.id`
    pub id: String,
    /// Owning tenant (`securitygroup.appid`).
    pub tenant: String,
    /// `securitygroup.name`
    pub name: String,
    /// `securitygroup.desc`
    pub desc: String,
    /// Creation, epoch ms.
    pub created_ms: u64,
    /// Bound NIC ids (2.17.4).
    pub nics: BTreeSet<String>,
}

impl SecGroup {
    /// The detail of 2.17.1, with the stray spaces the document prints.
    pub fn render(&self, tenant_name: &str) -> Value {
        json!({" securitygroup.id": self.id, " securitygroup.name": self.name,
               "securitygroup.desc": self.desc, "securitygroup.appid": self.tenant,
               "securitygroup.appname": tenant_name,
               " securitygroup.createtime": task_date(self.created_ms)})
    }
}

/// A security group rule (doc 2.18).
#[derive(Clone, Debug)]
pub struct SgRule {
    /// `aclrule.id`
    pub id: String,
    /// Group it belongs to.
    pub group: String,
    /// `in` / `out`.
    pub direction: String,
    /// tcp / udp / icmp, or empty for any.
    pub protocol: String,
    /// Target port(s), or empty.
    pub port: String,
    /// Allowed sources.
    pub srcip: String,
    /// Allowed targets.
    pub target: String,
    /// Whether the rule is in effect on the hosts (2.18.4 `aclrule_status`).
    pub effective: bool,
    /// Resets (2.18.6) that still fail to bring it into effect.
    pub stubborn: u32,
    /// Times it was re-applied (2.18.5 `retry.num`).
    pub retries: u32,
}

impl SgRule {
    /// The detail of 2.18.1, `"aclrule_ securitygroupid"` with its stray space.
    pub fn render(&self) -> Value {
        json!({"aclrule_id": self.id, "aclrule_srcip": self.srcip,
               "aclrule_target": self.target, "aclrule_direction": self.direction,
               "aclrule_vmport": self.port, "aclrule_protocal": self.protocol,
               "aclrule_ securitygroupid": self.group})
    }
}

/// An SLB instance (doc 2.12).
#[derive(Clone, Debug, Default)]
pub struct Slb {
    /// `slb.id` (`slb_<router VM id>`).
    pub id: String,
    /// Owning tenant (`slb.appid`).
    pub tenant: String,
    /// Every other field, by its API key (values as rendered).
    pub fields: BTreeMap<String, String>,
    /// HTTPS certificate text (never rendered).
    pub cert: String,
    /// HTTPS private key (never rendered).
    pub key: String,
    /// Creation, epoch ms.
    pub created_ms: u64,
}

impl Slb {
    /// A field, or empty.
    pub fn get(&self, key: &str) -> String {
        self.fields.get(key).cloned().unwrap_or_default()
    }

    /// The detail of 2.12.1, `"slb.vmid "` and `"slb.maxoccurs "` with their stray spaces.
    pub fn render(&self) -> Value {
        let mut v = json!({"slb.id": self.id, "slb.appid": self.tenant,
                           "slb.createtime": task_date(self.created_ms),
                           "slb.https.cert.enable": (!self.cert.is_empty()).to_string()});
        for (k, val) in &self.fields {
            let key = match k.as_str() {
                "slb.vmid" => "slb.vmid ",
                "slb.maxoccurs" => "slb.maxoccurs ",
                other => other,
            };
            v[key] = json!(val);
        }
        // 2.12.1 lists `slb.desc` among the detail's fields: a text, `""` when unset.
        if crate::util::empty_texts() && v.get("slb.desc").is_none() {
            v["slb.desc"] = json!("");
        }
        v
    }
}

/// An SLB back-end node (doc 2.13).
#[derive(Clone, Debug)]
pub struct RealNode {
    /// `realnode.id`
    pub id: String,
    /// `realnode.slbid`
    pub slb: String,
    /// `realnode.name`
    pub name: String,
    /// `realnode.desc`
    pub desc: String,
    /// `realnode.ip`
    pub ip: String,
    /// `realnode.port`
    pub port: i64,
    /// `realnode.vmid`
    pub vm: String,
    /// `realnode.weight`
    pub weight: i64,
    /// Creation, epoch ms.
    pub created_ms: u64,
}

impl RealNode {
    /// The detail of 2.13.1.
    pub fn render(&self) -> Value {
        json!({"realnode.id": self.id, "realnode.name": self.name, "realnode.desc": self.desc,
               "realnode.createtime": task_date(self.created_ms), "realnode.slbid": self.slb,
               "realnode.enable": "true", "realnode.ip": self.ip,
               "realnode.port": self.port.to_string(), "realnode.vmid": self.vm,
               "realnode.weight": self.weight.to_string()})
    }
}

/// A cloud router (doc 2.9): a router VM with attached subnets.
#[derive(Clone, Debug)]
pub struct Router {
    /// `vroute.id` / `vm.id`
    pub id: String,
    /// Owning tenant.
    pub tenant: String,
    /// `vroute.name`
    pub name: String,
    /// `vroute.manageip` (WAN address).
    pub manage_ip: String,
    /// `vroute.ha.enable`
    pub ha: bool,
    /// Start id of its create task (online once it succeeded).
    pub startid: String,
    /// Attached subnets (2.9.2).
    pub vpcs: BTreeSet<String>,
    /// Creation, epoch ms.
    pub created_ms: u64,
}

/// An IP or port mapping (doc 2.3.5, 2.3.7, 2.9.5).
#[derive(Clone, Debug)]
pub struct Nat {
    /// `nat_id`
    pub id: String,
    /// Owning tenant.
    pub tenant: String,
    /// `ip` or `port`.
    pub kind: String,
    /// Outer (public) address; empty for a share-net mapping without one.
    pub outer_ip: String,
    /// Outer port (port mappings).
    pub outer_port: String,
    /// Inner address.
    pub inner_ip: String,
    /// Inner port (port mappings).
    pub inner_port: String,
    /// Protocol (port mappings).
    pub protocol: String,
    /// Allowed sources.
    pub srcip: String,
    /// Description.
    pub desc: String,
    /// VM behind it.
    pub vm: String,
    /// Subnet of the VM.
    pub vpc: String,
    /// Router doing the NAT.
    pub router: String,
    /// `tenant.shareip` (IP mappings).
    pub share_ip: String,
    /// Creation, epoch ms.
    pub created_ms: u64,
}

impl Nat {
    /// The detail of 2.9.5 (`"nat_outerport"=...` as printed, as JSON keys).
    pub fn render(&self, vm_name: &str) -> Value {
        json!({"nat_outerport": self.outer_port, "nat_id": self.id,
               "nat_protocal": self.protocol, "nat_usedtime": task_date(self.created_ms),
               "nat_innerport": self.inner_port, "nat_innerip": self.inner_ip,
               "net_vmid": self.vm, "net_vmname": vm_name, "nat_type": self.kind,
               "nat_vnetid": self.vpc, "nat_outerip": self.outer_ip,
               "nat_vrouteid": self.router, "nat_desc": self.desc, "nat_srcip": self.srcip})
    }
}

/// An access-control rule of a subnet (doc 2.3.9–2.3.11).
#[derive(Clone, Debug)]
pub struct AclRule {
    /// `aclrule_id`
    pub id: String,
    /// Owning tenant.
    pub tenant: String,
    /// `net_gate` / `net_inner`.
    pub kind: String,
    /// `in` / `out` (net_inner).
    pub direction: String,
    /// Controlled VM address (`vm.ip`).
    pub vm_ip: String,
    /// VM name.
    pub vm_name: String,
    /// Subnet of the VM.
    pub vpc: String,
    /// Router of the subnet, if any.
    pub router: String,
    /// Allowed targets.
    pub target: String,
    /// Allowed sources.
    pub srcip: String,
    /// Ports.
    pub port: String,
    /// Protocol.
    pub protocol: String,
    /// Description.
    pub desc: String,
}

impl AclRule {
    /// The detail of 2.3.9.
    pub fn render(&self, router_name: &str, tenant_name: &str) -> Value {
        let mut v = json!({"aclrule_id": self.id, "aclrule_type": self.kind,
               "aclrule_vrouteid": self.router, "aclrule_vnetid": self.vpc,
               "aclrule_target": self.target, "vmname": self.vm_name,
               "aclrule_srcip": self.srcip, "aclrule_vmport": self.port,
               "aclrule_protocal": self.protocol, "aclrule_appid": self.tenant,
               "aclrule_appname": tenant_name});
        if !self.router.is_empty() {
            v["aclrule_vroutename"] = json!(router_name);
        }
        v
    }
}

/// Everything of part 2, one field of [`super::StarVCenter`].
#[derive(Debug, Default)]
pub struct NetState {
    /// Security groups by id.
    pub groups: BTreeMap<String, SecGroup>,
    /// Security group rules by id.
    pub rules: BTreeMap<String, SgRule>,
    /// SLBs by id.
    pub slbs: BTreeMap<String, Slb>,
    /// Back-end nodes by id.
    pub nodes: BTreeMap<String, RealNode>,
    /// Routers by id.
    pub routers: BTreeMap<String, Router>,
    /// IP and port mappings by id.
    pub nats: BTreeMap<String, Nat>,
    /// Access rules by id.
    pub acls: BTreeMap<String, AclRule>,
    /// Subnets whose boundary firewall is open (2.3.12).
    pub netgates: BTreeSet<String>,
    /// The next rules added are not in effect (control endpoint): how many, and how
    /// many resets each one resists.
    pub ineffective_next: Option<(u32, u32)>,
}
