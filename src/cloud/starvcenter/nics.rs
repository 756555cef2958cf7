//! Extra NICs of a VM (StarVCenter API 2.5): `POST cloudvm/vnic/search` (2.5.1, by
//! `vnic.vmid`) and `POST cloudvm/vnic/add` (2.5.2, `vnic.vmid` + `vnic.portgroupid`,
//! answering `vnic.id` at once: no task to wait on). The document has no NIC delete,
//! so a NIC can only be forgotten. The `Cloud` trait methods in `mod.rs` delegate here.

use std::time::Duration;

use serde_json::{json, Value};

use super::tasks::Target;
use super::wire::{self, items, text};
use super::{absent_is_none, StarVCenterClient};
use crate::cloud::safe_create::Intent;
use crate::cloud::{CloudError, CreateError};
use crate::http::Method;
use crate::model::*;

/// A 2.5.1 detail in the domain model.
fn nic_from_wire(n: &Value, vps_id: &str) -> VpsNic {
    VpsNic {
        id: text(n, "vnic.id").unwrap_or_default(),
        vps_id: text(n, "vnic.vmid").unwrap_or_else(|| vps_id.to_string()),
        network_id: text(n, "vnic.vpc.id"),
        name: text(n, "vnic.name"),
        mac_address: text(n, "vnic.macaddress"),
        ip_address: text(n, "vnic.ipaddress"),
        created_at: text(n, "vnic.createtime").and_then(|t| wire::to_rfc3339(&t)),
    }
}

impl StarVCenterClient {
    /// The NICs of one VM (2.5.1); `None` when the VM does not exist.
    pub(super) async fn vm_nics(&self, vps_id: &str) -> Result<Option<Vec<VpsNic>>, CloudError> {
        let params = json!({ "vnic.vmid": vps_id.trim() });
        let reply = self
            .read(Method::Post, "cloudvm/vnic/search", Some(params))
            .await;
        Ok(absent_is_none(reply, vps_id)?.map(|reply| {
            items(&reply.data)
                .iter()
                .map(|n| nic_from_wire(n, vps_id))
                .collect()
        }))
    }

    /// One NIC of a VM by id; `None` when the VM or the NIC is gone.
    pub(super) async fn vm_nic(
        &self,
        vps_id: &str,
        nic_id: &str,
    ) -> Result<Option<VpsNic>, CloudError> {
        let nics = self.vm_nics(vps_id).await?.unwrap_or_default();
        Ok(nics.into_iter().find(|n| n.id == nic_id.trim()))
    }

    /// `POST cloudvm/vnic/add` (2.5.2), then the NIC read back. A locked VM is
    /// retried until `timeout`; a task, should one be started, is waited on through the
    /// task log; a NIC made but not read back keeps its id.
    pub(super) async fn nic_add(
        &self,
        vps_id: &str,
        network_id: &str,
        timeout: Duration,
    ) -> Result<VpsNic, CreateError> {
        let params = json!({ "vnic.vmid": vps_id, "vnic.portgroupid": network_id });
        // A NIC cannot be deleted through the API: an orphan would be permanent, so the
        // create follows the safe-create rule like every other.
        let intent = Intent::new(
            "starvcenter nic",
            format!(
                "StarVCenter NIC of VM {} on network {network_id}",
                vps_id.trim()
            ),
            format!(
                "the NICs of VM {} (console, cloudvm/vnic/search)",
                vps_id.trim()
            ),
            timeout,
        );
        let (id, reply) = self
            .post_safely(
                &intent,
                "cloudvm/vnic/add",
                params,
                |r| items(&r.data).first().and_then(|d| text(d, "vnic.id")),
                || async {
                    let nics = self
                        .vm_nics(vps_id)
                        .await?
                        .ok_or_else(|| CloudError::NotFound(format!("StarVCenter VM {vps_id}")))?;
                    Ok(nics
                        .into_iter()
                        .filter(|n| n.network_id.as_deref() == Some(network_id))
                        .map(|n| n.id)
                        .collect())
                },
            )
            .await?;
        let reply = reply.unwrap_or_default();
        let timeout = intent.wait_limit();
        let made = |error| CreateError {
            id: Some(id.clone()),
            error,
        };
        if let Some(job) = reply.startid.as_deref() {
            // 2.5.2 answers at once; should an installation start a task, wait for it.
            let target = Target::VmSettled(vps_id.to_string());
            self.wait(Some(job), &target, "cloudvm/vnic/add", timeout)
                .await
                .map_err(made)?;
        }
        match self.vm_nic(vps_id, &id).await.map_err(made)? {
            Some(nic) => Ok(nic),
            None => Err(made(CloudError::Protocol(format!(
                "NIC {id} was added but cloudvm/vnic/search does not list it on VM {vps_id}"
            )))),
        }
    }
}
