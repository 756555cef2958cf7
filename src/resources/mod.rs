//! Resources: one file each. They speak the domain model and never branch on the cloud.

pub mod access_rule;
pub mod backup;
pub mod common;
pub mod ip_mapping;
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

use crate::provider::boxed_resource;
use common::SharedCloud;

/// Every resource, keyed by its name without the `polycloud_` prefix.
pub fn all(shared: &SharedCloud) -> HashMap<String, Box<dyn DynamicResource>> {
    let mut map = HashMap::new();
    let mut add = |name: &str, resource| {
        map.insert(name.to_string(), resource);
    };
    add("vps", boxed_resource(vps::VpsResource::new(shared.clone())));
    add(
        "ssh_key",
        boxed_resource(ssh_key::SshKeyResource::new(shared.clone())),
    );
    add(
        "backup",
        boxed_resource(backup::BackupResource::new(shared.clone())),
    );
    add(
        "vps_restore",
        boxed_resource(vps_restore::VpsRestoreResource::new(shared.clone())),
    );
    add(
        "vps_reboot",
        boxed_resource(vps_reboot::VpsRebootResource::new(shared.clone())),
    );
    add(
        "snapshot",
        boxed_resource(snapshot::SnapshotResource::new(shared.clone())),
    );
    add(
        "volume",
        boxed_resource(volume::VolumeResource::new(shared.clone())),
    );
    add(
        "tenant",
        boxed_resource(tenant::TenantResource::new(shared.clone())),
    );
    add("vpc", boxed_resource(vpc::VpcResource::new(shared.clone())));
    // StarVCenter part 2 (issue 4).
    add(
        "security_group",
        boxed_resource(security_group::SecurityGroupResource::new(shared.clone())),
    );
    add("slb", boxed_resource(slb::SlbResource::new(shared.clone())));
    add(
        "router",
        boxed_resource(router::RouterResource::new(shared.clone())),
    );
    add(
        "port_mapping",
        boxed_resource(port_mapping::PortMappingResource::new(shared.clone())),
    );
    add(
        "ip_mapping",
        boxed_resource(ip_mapping::IpMappingResource::new(shared.clone())),
    );
    add(
        "access_rule",
        boxed_resource(access_rule::AccessRuleResource::new(shared.clone())),
    );
    add(
        "vps_nic",
        boxed_resource(vps_nic::VpsNicResource::new(shared.clone())),
    );
    map
}
