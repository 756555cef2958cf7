//! terraform-provider-polycloud: one Terraform/OpenTofu provider for Vscale, iNET Cloud
//! VPS, Zomro (BILLmanager) and StarVCenter.
//!
//! Layout: [`provider`] (configuration and registry of resources), [`resources`] and
//! [`data_sources`] (one file each, cloud-agnostic), [`cloud`] (one module per cloud,
//! translating [`model`] to the wire), and the shared mechanisms [`http`] (retries,
//! backoff, redaction) and [`waiter`] (all asynchronous work).

#![warn(missing_docs)]

pub mod cancel;
pub mod cloud;
pub mod config;
pub mod data_sources;
pub mod docs;
pub mod duration;
pub mod error;
pub mod http;
pub mod model;
pub mod plugin;
pub mod provider;
pub mod resources;
pub mod schema_builder;
pub mod secret_scan;
pub mod secrets;
pub mod shared;
pub mod sshkey;
pub mod tfplugin;
pub mod timefmt;
pub mod waiter;
