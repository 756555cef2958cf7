//! The networking part of the domain model: security groups and their rules, load
//! balancers and their back ends, routers, address mappings, access rules and public
//! addresses. Cloud-neutral names; each cloud module translates them to its wire.

/// One security-group rule. Two rules are the same rule when [`SecurityRule::key`]
/// is equal (the id is the cloud's, not part of what the user wrote).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SecurityRule {
    /// Cloud id, once the rule exists.
    pub id: Option<String>,
    /// `in` or `out`.
    pub direction: String,
    /// `tcp`, `udp`, `icmp`; `None` = any protocol.
    pub protocol: Option<String>,
    /// Port or range; `None` = any.
    pub port: Option<String>,
    /// Allowed sources (IPs/CIDRs, comma-separated).
    pub source: Option<String>,
    /// Allowed targets (IPs/CIDRs, comma-separated).
    pub target: Option<String>,
}

impl SecurityRule {
    /// What identifies the rule: everything the user writes.
    pub fn key(&self) -> (String, String, String, String, String) {
        let s = |v: &Option<String>| v.clone().unwrap_or_default();
        (
            self.direction.clone(),
            s(&self.protocol),
            s(&self.port),
            s(&self.source),
            s(&self.target),
        )
    }
}

/// A security group as the cloud reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SecurityGroup {
    /// Cloud id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Its rules (with ids).
    pub rules: Vec<SecurityRule>,
    /// NICs bound to it.
    pub nic_ids: Vec<String>,
    /// Creation time, RFC 3339.
    pub created_at: Option<String>,
}

/// Health check of a load balancer; `None` = the cloud's default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SlbHealth {
    /// Retries before a node is marked down.
    pub retries: Option<i64>,
    /// Seconds between checks.
    pub interval: Option<i64>,
    /// Seconds a check may take.
    pub timeout: Option<i64>,
    /// Seconds an idle connection is kept.
    pub idle: Option<i64>,
    /// HTTP path checked (http/https).
    pub path: Option<String>,
}

/// One back-end node of a load balancer.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SlbBackend {
    /// Cloud id, once it exists.
    pub id: Option<String>,
    /// Name (identifies the node in configuration).
    pub name: String,
    /// Address.
    pub ip: String,
    /// Port.
    pub port: i64,
    /// Server behind it.
    pub vps_id: String,
    /// Weight.
    pub weight: Option<i64>,
}

/// A load balancer's settings (what the user writes).
#[derive(Clone, Default, PartialEq)]
pub struct SlbSpec {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// `tcp`, `udp`, `http`, `https`.
    pub protocol: String,
    /// `inner` or `outer`.
    pub network_type: String,
    /// Front-end address.
    pub frontend_ip: String,
    /// Front-end port.
    pub frontend_port: i64,
    /// Back-end port.
    pub backend_port: Option<i64>,
    /// Router VM serving it.
    pub router_vps_id: String,
    /// `rr`, `wrr`, `wlc`.
    pub policy: Option<String>,
    /// Concurrent connection limit.
    pub max_connections: Option<i64>,
    /// HTTP application path.
    pub url_path: Option<String>,
    /// Tenant owning it.
    pub tenant_id: Option<String>,
    /// Health check.
    pub health: SlbHealth,
    /// HTTPS certificate (PEM).
    pub https_certificate: Option<String>,
    /// HTTPS private key (PEM, secret).
    pub https_private_key: Option<String>,
}

impl std::fmt::Debug for SlbSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlbSpec")
            .field("name", &self.name)
            .field("description", &self.description)
            .field("protocol", &self.protocol)
            .field("network_type", &self.network_type)
            .field("frontend_ip", &self.frontend_ip)
            .field("frontend_port", &self.frontend_port)
            .field("backend_port", &self.backend_port)
            .field("router_vps_id", &self.router_vps_id)
            .field("policy", &self.policy)
            .field("max_connections", &self.max_connections)
            .field("url_path", &self.url_path)
            .field("tenant_id", &self.tenant_id)
            .field("health", &self.health)
            .field("https_certificate", &self.https_certificate)
            .field(
                "https_private_key",
                &crate::secrets::Hidden(&self.https_private_key),
            )
            .finish()
    }
}

/// A load balancer as the cloud reports it (the private key is never readable).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slb {
    /// Cloud id.
    pub id: String,
    /// Its settings (certificate and key are not reported).
    pub spec: SlbSpec,
    /// Started.
    pub enabled: Option<bool>,
    /// Whether an HTTPS certificate is installed.
    pub certificate_installed: Option<bool>,
    /// Back-end nodes.
    pub backends: Vec<SlbBackend>,
    /// Creation time, RFC 3339.
    pub created_at: Option<String>,
}

/// A router as the cloud reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Router {
    /// Cloud id (the router VM's id).
    pub id: String,
    /// Name.
    pub name: String,
    /// High availability, when the cloud reports it.
    pub ha: Option<bool>,
    /// Management (WAN) address.
    pub management_ip: Option<String>,
    /// Whether it is online.
    pub online: Option<bool>,
    /// Creation time, RFC 3339.
    pub created_at: Option<String>,
}

/// A public IP:port forwarded to a server port.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PortMapping {
    /// Cloud id.
    pub id: String,
    /// Public address.
    pub public_ip: String,
    /// Public port.
    pub public_port: i64,
    /// Server behind it.
    pub vps_id: String,
    /// Server address.
    pub private_ip: String,
    /// Server port.
    pub private_port: i64,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// Allowed sources.
    pub source: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Router doing the translation.
    pub router_id: Option<String>,
}

/// A server mapped to an address of its own.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IpMapping {
    /// Cloud id.
    pub id: String,
    /// Server.
    pub vps_id: String,
    /// Public address mapped, if any.
    pub public_ip: Option<String>,
    /// The address the server got on the shared network.
    pub shared_ip: Option<String>,
    /// Allowed sources.
    pub source: Option<String>,
    /// Description.
    pub description: Option<String>,
}

/// An access rule of a server's network.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccessRule {
    /// Cloud id.
    pub id: String,
    /// Server it controls.
    pub vps_id: String,
    /// `gate` (network boundary) or `inner` (inside the network).
    pub scope: String,
    /// `in` or `out` (inner rules).
    pub direction: Option<String>,
    /// `tcp`, `udp`, `icmp`.
    pub protocol: Option<String>,
    /// Ports, e.g. `80:83,85`.
    pub port: Option<String>,
    /// Allowed sources.
    pub source: Option<String>,
    /// Allowed targets.
    pub target: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Network (subnet) of the server.
    pub vpc_id: Option<String>,
    /// Router of that network.
    pub router_id: Option<String>,
}

/// A public address of the account's pool.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PublicIp {
    /// The address.
    pub address: String,
    /// Ports already forwarded on it.
    pub used_ports: Vec<i64>,
    /// Gateway.
    pub gateway: Option<String>,
    /// Netmask.
    pub netmask: Option<String>,
}
