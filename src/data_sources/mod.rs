//! Data sources: one file each. Like resources, they speak the domain model, never
//! branch on the cloud, and check the cloud's capability before any API call.

pub mod account;
pub mod alarms;
pub mod backups;
pub mod ephemeral;
pub mod hosts;
pub mod images;
pub mod listed;
pub mod locations;
pub mod plans;
pub mod public_ips;
pub mod quota;
pub mod security_groups;
pub mod snapshots;
pub mod storages;
pub mod support;
pub mod vps;
pub mod vps_connection;
pub mod vps_console;
pub mod vps_keypair;
pub mod vps_list;
pub mod vps_metrics;
pub mod vps_private_key;

use std::collections::HashMap;

use crate::tfplugin::DynamicDataSource;

use crate::provider::boxed_data_source;
use crate::shared::SharedCloud;

/// Every data source, keyed by its name without the `polycloud_` prefix.
pub fn all(shared: &SharedCloud) -> HashMap<String, Box<dyn DynamicDataSource>> {
    let s = || shared.clone();
    HashMap::from([
        (
            "images".to_string(),
            listed::listed(images::ImagesDataSource, shared),
        ),
        (
            "plans".to_string(),
            listed::listed(plans::PlansDataSource, shared),
        ),
        (
            "locations".to_string(),
            listed::listed(locations::LocationsDataSource, shared),
        ),
        (
            "account".to_string(),
            boxed_data_source(account::AccountDataSource::new(s())),
        ),
        (
            "vps".to_string(),
            boxed_data_source(vps::VpsDataSource::new(s())),
        ),
        (
            "vps_list".to_string(),
            listed::listed(vps_list::VpsListDataSource, shared),
        ),
        (
            "backups".to_string(),
            listed::listed(backups::BackupsDataSource, shared),
        ),
        (
            "snapshots".to_string(),
            listed::listed(snapshots::SnapshotsDataSource, shared),
        ),
        (
            "vps_keypair".to_string(),
            boxed_data_source(vps_keypair::VpsKeypairDataSource::new(s())),
        ),
        (
            "vps_private_key".to_string(),
            boxed_data_source(vps_private_key::VpsPrivateKeyDataSource::new(s())),
        ),
        (
            "vps_console".to_string(),
            boxed_data_source(vps_console::VpsConsoleDataSource::new(s())),
        ),
        // StarVCenter part 1: connection, monitoring, quota, hosts, storages, alarms.
        (
            "vps_connection".to_string(),
            boxed_data_source(vps_connection::VpsConnectionDataSource::new(s())),
        ),
        (
            "vps_metrics".to_string(),
            boxed_data_source(vps_metrics::VpsMetricsDataSource::new(s())),
        ),
        (
            "quota".to_string(),
            boxed_data_source(quota::QuotaDataSource::new(s())),
        ),
        (
            "hosts".to_string(),
            listed::listed(hosts::HostsDataSource, shared),
        ),
        (
            "storages".to_string(),
            listed::listed(storages::StoragesDataSource, shared),
        ),
        (
            "alarms".to_string(),
            listed::listed(alarms::AlarmsDataSource, shared),
        ),
        // StarVCenter part 2 (issue 4).
        (
            "public_ips".to_string(),
            listed::listed(public_ips::PublicIpsDataSource, shared),
        ),
        (
            "security_groups".to_string(),
            listed::listed(security_groups::SecurityGroupsDataSource, shared),
        ),
    ])
}
