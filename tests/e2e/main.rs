//! End-to-end tests: the real Terraform CLI, the freshly built plugin through
//! dev_overrides (`mirror`: through a filesystem mirror, as users install it), and
//! `polycloud-sim`. Assertions read the simulator's state and its
//! request log, not only exit codes.

mod batched_reads;
mod cancel;
mod chaos;
mod credentials;
mod empty_is_absent;
mod examples;
mod harness;
mod hostile_answers;
mod hostile_http;
mod inet_data;
mod inet_dates;
mod inet_fidelity;
mod inet_helpers;
mod inet_reliability;
mod inet_resources;
mod inet_vps;
mod mirror;
mod reliability;
mod resource_layer;
mod safe_create;
mod secrets_out_of_state;
mod secrets_sweep;
mod starvcenter_common;
mod starvcenter_data;
mod starvcenter_fidelity;
mod starvcenter_net;
mod starvcenter_net_map;
mod starvcenter_nic;
mod starvcenter_resources;
mod starvcenter_shared_waits;
mod starvcenter_storage;
mod starvcenter_vps;
mod state_upgrade;
mod strict_reads_and_waits;
mod tls;
mod user_docs;
mod vscale_data;
mod vscale_fidelity;
mod vscale_resources;
mod vscale_shared_backup_waits;
mod vscale_vps;
mod zomro_data;
mod zomro_fidelity;
mod zomro_support;
mod zomro_vps;
mod zomro_wire;
