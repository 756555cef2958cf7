//! StarVCenter snapshots (StarVCenter API 2.7) and VM disks (2.4). The API lists both per
//! VM (`GET cloudvm/snapshot/{vmId}`, `POST cloudvm/vdisk/search {"vdisk.vmid"}`) but
//! changes them by their own id, so Terraform ids are the API's ids; the VM of an id
//! is remembered from creates and scans, else found by asking every VM in turn.

use std::time::Duration;

use serde_json::{json, Value};

use super::tasks::Target;
use super::wire::{self, identified, int, items, text};
use super::{absent_is_none, StarVCenterClient};
use crate::cloud::safe_create::{safe_create_ids, Intent};
use crate::cloud::{CloudError, CreateError};
use crate::http::Method;
use crate::model::*;

/// What kind of per-VM object an id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Owned {
    /// A snapshot (2.7).
    Snapshot,
    /// A disk (2.4).
    Disk,
}

/// A snapshot detail (2.7.1) in the domain model.
fn snapshot_from_wire(s: &Value, vm: &str) -> Snapshot {
    Snapshot {
        id: text(s, "snapshot.id").unwrap_or_default(),
        vps_id: text(s, "snapshot.vmid").unwrap_or_else(|| vm.to_string()),
        name: text(s, "snapshot.name").unwrap_or_default(),
        // Blank = none written: a snapshot made without a description keeps a null one.
        description: text(s, "snapshot.desc"),
        status: if wire::flag(s, "snapshot.enable") == Some(true) {
            "available"
        } else {
            "creating"
        }
        .into(),
        size_gb: None,
        created_at: text(s, "snapshot.createtime").and_then(|t| wire::to_rfc3339(&t)),
        location: None,
    }
}

/// A disk detail (2.4.4) in the domain model; the device as the guest sees it.
fn disk_from_wire(d: &Value, vm: &str) -> Volume {
    Volume {
        id: text(d, "vdisk.id").unwrap_or_default(),
        vps_id: text(d, "vdisk.vmid").unwrap_or_else(|| vm.to_string()),
        size_gb: int(d, "vdisk.size"),
        description: Some(text(d, "vdisk.desc").unwrap_or_default()),
        image: None,
        device_name: text(d, "vdisk.devname").map(|n| device_path(&n)),
        created_at: text(d, "vdisk.createtime").and_then(|t| wire::to_rfc3339(&t)),
    }
}

/// `vdb` → `/dev/vdb` (names already absolute are kept).
fn device_path(name: &str) -> String {
    if name.starts_with('/') {
        name.to_string()
    } else {
        format!("/dev/{name}")
    }
}

impl StarVCenterClient {
    /// Remembers the VM an object belongs to.
    fn remember(&self, kind: Owned, id: &str, vm: &str) {
        self.owners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((kind, id.to_string()), vm.to_string());
    }

    /// The VM an object belongs to, if remembered.
    fn remembered(&self, kind: Owned, id: &str) -> Option<String> {
        self.owners
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(kind, id.to_string()))
            .cloned()
    }

    /// The snapshots of one VM (2.7.1).
    pub(super) async fn vm_snapshots(&self, vm: &str) -> Result<Vec<Snapshot>, CloudError> {
        let reply = self
            .read(Method::Get, &format!("cloudvm/snapshot/{vm}"), None)
            .await?;
        let listed = identified(
            items(&reply.data),
            "snapshot.id",
            &format!("GET cloudvm/snapshot/{vm}"),
        )?;
        let list: Vec<Snapshot> = listed.iter().map(|s| snapshot_from_wire(s, vm)).collect();
        for s in &list {
            self.remember(Owned::Snapshot, &s.id, vm);
        }
        Ok(list)
    }

    /// The disks of one VM (2.4.4), the system disk included.
    pub(super) async fn vm_disks(&self, vm: &str) -> Result<Vec<Volume>, CloudError> {
        let params = json!({ "vdisk.vmid": vm });
        let reply = self
            .read(Method::Post, "cloudvm/vdisk/search", Some(params))
            .await?;
        let listed = identified(items(&reply.data), "vdisk.id", "POST cloudvm/vdisk/search")?;
        let list: Vec<Volume> = listed.iter().map(|d| disk_from_wire(d, vm)).collect();
        for d in &list {
            self.remember(Owned::Disk, &d.id, vm);
        }
        Ok(list)
    }

    /// The ids of the objects of `kind` on one VM; `None` when the VM is gone.
    async fn owned_ids(&self, kind: Owned, vm: &str) -> Result<Option<Vec<String>>, CloudError> {
        Ok(match kind {
            Owned::Snapshot => absent_is_none(self.vm_snapshots(vm).await, vm)?
                .map(|l| l.into_iter().map(|s| s.id).collect()),
            Owned::Disk => absent_is_none(self.vm_disks(vm).await, vm)?
                .map(|l| l.into_iter().map(|d| d.id).collect()),
        })
    }

    /// The VM an object belongs to: remembered, else found by asking every VM.
    async fn owner_of(&self, kind: Owned, id: &str) -> Result<Option<String>, CloudError> {
        if let Some(vm) = self.remembered(kind, id) {
            return Ok(Some(vm));
        }
        for vm in self.search_all("cloudvm/search", json!({})).await? {
            let Some(vm) = text(&vm, "vm.id") else {
                continue;
            };
            if let Some(ids) = self.owned_ids(kind, &vm).await? {
                if ids.iter().any(|i| i == id) {
                    return Ok(Some(vm));
                }
            }
        }
        Ok(None)
    }

    /// One snapshot; `None` when it (or its VM) does not exist.
    pub(super) async fn find_snapshot(&self, id: &str) -> Result<Option<Snapshot>, CloudError> {
        let id = id.trim();
        let Some(vm) = self.owner_of(Owned::Snapshot, id).await? else {
            return Ok(None);
        };
        Ok(absent_is_none(self.vm_snapshots(&vm).await, &vm)?
            .and_then(|list| list.into_iter().find(|s| s.id == id)))
    }

    /// One disk; `None` when it (or its VM) does not exist.
    pub(super) async fn find_disk(&self, id: &str) -> Result<Option<Volume>, CloudError> {
        let id = id.trim();
        let Some(vm) = self.owner_of(Owned::Disk, id).await? else {
            return Ok(None);
        };
        Ok(absent_is_none(self.vm_disks(&vm).await, &vm)?
            .and_then(|list| list.into_iter().find(|d| d.id == id)))
    }

    /// Snapshots of one VM, or of every VM.
    pub(super) async fn all_snapshots(
        &self,
        vps_id: Option<&str>,
    ) -> Result<Vec<Snapshot>, CloudError> {
        if let Some(vm) = vps_id {
            return Ok(absent_is_none(self.vm_snapshots(vm.trim()).await, vm)?.unwrap_or_default());
        }
        let mut out = Vec::new();
        for vm in self.search_all("cloudvm/search", json!({})).await? {
            if let Some(id) = text(&vm, "vm.id") {
                out.extend(absent_is_none(self.vm_snapshots(&id).await, &id)?.unwrap_or_default());
            }
        }
        Ok(out)
    }

    /// `POST cloudvm/snapshot/create` (2.7.2, 异步), then the wait until
    /// `snapshot.enable`. An ambiguous answer is resolved by looking for a new
    /// snapshot of that name.
    pub(super) async fn make_snapshot(
        &self,
        spec: &SnapshotSpec,
        timeout: Duration,
    ) -> Result<Snapshot, CreateError> {
        let vm = spec.vps_id.trim().to_string();
        let mut params = json!({"snapshot.vmid": vm, "snapshot.name": spec.name});
        if let Some(desc) = spec.description.as_deref() {
            params["snapshot.desc"] = json!(desc);
        }
        let intent = Intent::new(
            "starvcenter snapshot",
            format!("StarVCenter snapshot {:?} of VM {vm}", spec.name),
            format!("the snapshots of VM {vm} (console, GET cloudvm/snapshot/{vm})"),
            timeout,
        );
        let created = safe_create_ids(
            &intent,
            || async {
                Ok(self
                    .vm_snapshots(&vm)
                    .await?
                    .into_iter()
                    .filter(|s| s.name == spec.name)
                    .map(|s| s.id)
                    .collect())
            },
            || self.post_owned(&params, "cloudvm/snapshot/create", "snapshot.id", timeout),
        )
        .await?;
        let (id, startid) = (created.id, created.value.flatten());
        let timeout = intent.wait_limit();
        self.remember(Owned::Snapshot, &id, &vm);
        let fail = |error| CreateError {
            id: Some(id.clone()),
            error,
        };
        let target = Target::Snapshot(vm.clone(), id.clone());
        self.wait(
            startid.as_deref(),
            &target,
            "cloudvm/snapshot/create",
            timeout,
        )
        .await
        .map_err(fail)?;
        match self.find_snapshot(&id).await {
            Ok(Some(s)) => Ok(s),
            Ok(None) => Err(CreateError {
                id: None,
                error: CloudError::TaskFailed {
                    task: format!("snapshot {id}"),
                    message: "the snapshot disappeared after it was made".into(),
                },
            }),
            Err(e) => Err(fail(e)),
        }
    }

    /// A create answering `data.{id_key}` and `startid`, retried while the VM is locked.
    async fn post_owned(
        &self,
        params: &Value,
        path: &str,
        id_key: &str,
        timeout: Duration,
    ) -> Result<(String, Option<String>), CloudError> {
        let reply = self
            .change(Method::Post, path, params.clone(), timeout)
            .await?;
        let id = wire::id_of(&reply, path, id_key)?;
        Ok((id, reply.startid))
    }

    /// `PUT cloudvm/snapshot/modify` (2.7.5): only the description can change.
    pub(super) async fn modify_snapshot(
        &self,
        id: &str,
        name: Option<&str>,
        description: Option<&str>,
    ) -> Result<(), CloudError> {
        if name.is_some() {
            return Err(CloudError::Unsupported(
                "StarVCenter cannot rename a snapshot (cloudvm/snapshot/modify changes only the description)".into(),
            ));
        }
        let params =
            json!({"snapshot.id": id.trim(), "snapshot.desc": description.unwrap_or_default()});
        self.change(
            Method::Put,
            "cloudvm/snapshot/modify",
            params,
            super::sync_limit(),
        )
        .await
        .map(|_| ())
    }

    /// `DELETE cloudvm/snapshot/{id}` (2.7.4, synchronous); already gone = deleted.
    pub(super) async fn remove_snapshot(
        &self,
        id: &str,
        timeout: Duration,
    ) -> Result<Deleted, CloudError> {
        let path = format!("cloudvm/snapshot/{}", id.trim());
        match self.change(Method::Delete, &path, json!({}), timeout).await {
            Ok(_) => Ok(Deleted::Gone),
            Err(e) if super::is_gone(&e, id) => Ok(Deleted::Gone),
            Err(e) => Err(e),
        }
    }

    /// `POST cloudvm/vdisk/add` (2.4.1, 异步), then the wait until the VM lists the
    /// disk. An ambiguous answer is resolved by looking for a disk that was not there.
    pub(super) async fn add_disk(
        &self,
        spec: &VolumeSpec,
        timeout: Duration,
    ) -> Result<Volume, CreateError> {
        let vm = spec.vps_id.trim().to_string();
        let size = spec.size_gb.ok_or_else(|| {
            CloudError::Unsupported("StarVCenter needs `size_gb` to add a disk.".into())
        })?;
        let mut params = json!({"vdisk.vmid": vm, "vdisk.size": size.to_string()});
        if let Some(desc) = spec.description.as_deref() {
            params["vdisk.desc"] = json!(desc);
        }
        let intent = Intent::new(
            "starvcenter disk",
            format!("StarVCenter disk of {size} GB on VM {vm}"),
            format!("the disks of VM {vm} (console, cloudvm/vdisk/search)"),
            timeout,
        );
        let created = safe_create_ids(
            &intent,
            || async {
                Ok(self
                    .vm_disks(&vm)
                    .await?
                    .into_iter()
                    .filter(|d| d.size_gb == Some(size) && d.device_name.as_deref() != Some("vda"))
                    .map(|d| d.id)
                    .collect())
            },
            || self.post_owned(&params, "cloudvm/vdisk/add", "vdisk.id", timeout),
        )
        .await?;
        let (id, startid) = (created.id, created.value.flatten());
        let timeout = intent.wait_limit();
        self.remember(Owned::Disk, &id, &vm);
        let fail = |error| CreateError {
            id: Some(id.clone()),
            error,
        };
        let target = Target::Disk(vm.clone(), id.clone(), size);
        self.wait(startid.as_deref(), &target, "cloudvm/vdisk/add", timeout)
            .await
            .map_err(fail)?;
        match self.find_disk(&id).await {
            Ok(Some(d)) => Ok(d),
            Ok(None) => Err(CreateError {
                id: None,
                error: CloudError::TaskFailed {
                    task: format!("disk {id}"),
                    message: "the disk disappeared after it was added".into(),
                },
            }),
            Err(e) => Err(fail(e)),
        }
    }

    /// `PUT cloudvm/vdisk/extend` (2.4.3, 异步): grows a disk, then waits for the size.
    pub(super) async fn extend_disk(
        &self,
        id: &str,
        size_gb: i64,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let id = id.trim();
        let vm = self
            .owner_of(Owned::Disk, id)
            .await?
            .ok_or_else(|| CloudError::NotFound(format!("StarVCenter disk {id}")))?;
        let params = json!({"vdisk.id": id, "vdisk.size": size_gb.to_string()});
        let target = Target::Disk(vm, id.to_string(), size_gb);
        self.run(Method::Put, "cloudvm/vdisk/extend", params, target, timeout)
            .await
            .map(|_| ())
    }

    /// `DELETE cloudvm/vdisk/{id}` (2.4.2, 异步), then the wait until it is gone.
    pub(super) async fn remove_disk(
        &self,
        id: &str,
        timeout: Duration,
    ) -> Result<Deleted, CloudError> {
        let id = id.trim();
        let Some(vm) = self.owner_of(Owned::Disk, id).await? else {
            return Ok(Deleted::Gone);
        };
        let path = format!("cloudvm/vdisk/{id}");
        let reply = match self.change(Method::Delete, &path, json!({}), timeout).await {
            Err(e) if super::is_gone(&e, id) => return Ok(Deleted::Gone),
            other => other?,
        };
        let target = Target::DiskGone(vm, id.to_string());
        self.wait(
            reply.startid.as_deref(),
            &target,
            "cloudvm/vdisk delete",
            timeout,
        )
        .await?;
        Ok(Deleted::Gone)
    }
}
