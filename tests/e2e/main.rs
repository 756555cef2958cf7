//! End-to-end tests: the real Terraform CLI, the freshly built plugin through
//! dev_overrides, and `polycloud-sim`. Assertions read the simulator's state and its
//! request log, not only exit codes.

mod chaos;
mod examples;
mod harness;
mod inet_data;
mod inet_helpers;
mod inet_reliability;
mod inet_resources;
mod inet_vps;
mod reliability;
mod safe_create;
mod starvcenter_common;
mod starvcenter_data;
mod starvcenter_net;
mod starvcenter_net_map;
mod starvcenter_nic;
mod starvcenter_resources;
mod starvcenter_storage;
mod starvcenter_vps;
mod strict_reads_and_waits;
mod vscale_data;
mod vscale_resources;
mod vscale_vps;
mod zomro_data;
mod zomro_support;
mod zomro_vps;
mod zomro_wire;
