//! Resources: one file each. They speak the domain model and never branch on the cloud;
//! each implements [`managed::Managed`], and [`managed::Layer`] does what they share.

pub mod access_rule;
pub mod backup;
pub mod common;
pub mod ip_mapping;
pub mod managed;
pub mod port_mapping;
pub mod router;
pub mod security_group;
pub mod slb;
pub mod snapshot;
pub mod ssh_key;
pub mod tenant;
pub mod volume;
pub mod vpc;
pub mod vps;
pub mod vps_nic;
pub mod vps_reboot;
pub mod vps_restore;

use std::collections::HashMap;

use crate::tfplugin::DynamicResource;

use common::SharedCloud;
use managed::layer;

/// Every resource, keyed by its name without the `polycloud_` prefix.
pub fn all(shared: &SharedCloud) -> HashMap<String, Box<dyn DynamicResource>> {
    let s = shared;
    HashMap::from([
        ("vps", layer(vps::VpsResource, s)),
        ("ssh_key", layer(ssh_key::SshKeyResource, s)),
        ("backup", layer(backup::BackupResource, s)),
        ("vps_restore", layer(vps_restore::VpsRestoreResource, s)),
        ("vps_reboot", layer(vps_reboot::VpsRebootResource, s)),
        ("snapshot", layer(snapshot::SnapshotResource, s)),
        ("volume", layer(volume::VolumeResource, s)),
        ("tenant", layer(tenant::TenantResource, s)),
        ("vpc", layer(vpc::VpcResource, s)),
        (
            "security_group",
            layer(security_group::SecurityGroupResource, s),
        ),
        ("slb", layer(slb::SlbResource, s)),
        ("router", layer(router::RouterResource, s)),
        ("port_mapping", layer(port_mapping::PortMappingResource, s)),
        ("ip_mapping", layer(ip_mapping::IpMappingResource, s)),
        ("access_rule", layer(access_rule::AccessRuleResource, s)),
        ("vps_nic", layer(vps_nic::VpsNicResource, s)),
    ])
    .into_iter()
    .map(|(name, resource)| (name.to_string(), resource))
    .collect()
}
