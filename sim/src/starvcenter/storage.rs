//! VM disks (doc 2.4.1–2.4.4), backups (2.6) and snapshots (2.7).

use super::model::{lock, Backup, Effect};
use super::{fail, Answer, Call, Fail, StarVCenter};
use serde_json::{json, Value};

/// Backups or snapshots: the two sections differ only in prefix, lock codes and names.
#[derive(Clone, Copy)]
enum Kind {
    Backup,
    Snapshot,
}

impl Kind {
    fn prefix(self) -> &'static str {
        match self {
            Kind::Backup => "backup",
            Kind::Snapshot => "snapshot",
        }
    }
}

impl StarVCenter {
    /// Routes `cloudvm/vdisk|backup|snapshot/...`.
    pub(super) fn storage(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        let kind = match call.segs[1] {
            "backup" => Kind::Backup,
            "snapshot" => Kind::Snapshot,
            _ => return self.disk_call(call),
        };
        Some(match (call.method, &call.segs[2..]) {
            ("POST", ["create"]) => self.create_image(call, kind),
            ("PUT", ["restore"]) => self.restore_image(call, kind),
            ("PUT", ["modify"]) => self.modify_image(call, kind),
            ("GET", [vm]) => self.list_images(call, kind, vm),
            ("DELETE", [id]) => self.delete_image(call, kind, id),
            _ => return None,
        })
    }

    fn images(&mut self, kind: Kind) -> &mut std::collections::BTreeMap<String, Backup> {
        match kind {
            Kind::Backup => &mut self.backups,
            Kind::Snapshot => &mut self.snapshots,
        }
    }

    /// An image of a VM of the caller's tenant.
    fn owned_image(&mut self, call: &Call, kind: Kind, id: &str) -> Result<Backup, Fail> {
        let found = self.images(kind).get(id.trim()).cloned();
        match found {
            Some(b) if self.owned(call, &b.vm).is_ok() => Ok(b),
            _ => fail(format!(
                "{}不存在: {} {id} not found",
                if matches!(kind, Kind::Backup) {
                    "备份"
                } else {
                    "快照"
                },
                kind.prefix()
            )),
        }
    }

    /// `POST cloudvm/backup/create` (2.6.2) / `snapshot/create` (2.7.2), 异步.
    fn create_image(&mut self, call: &Call, kind: Kind) -> Result<Answer, Fail> {
        let p = call.params;
        let prefix = kind.prefix();
        let vm = self.owned_unlocked(call, &p.req(&format!("{prefix}.vmid"))?)?;
        let name = p.req(&format!("{prefix}.name"))?;
        let desc = p.str(&format!("{prefix}.desc")).unwrap_or_default();
        let id = self.new_id(prefix);
        let image = Backup {
            id: id.clone(),
            vm: vm.clone(),
            name,
            desc,
            created_ms: call.created,
            enable: false,
        };
        self.images(kind).insert(id.clone(), image);
        let (effect, code) = match kind {
            Kind::Backup => (Effect::BackupCreate(id.clone()), lock::BACKUP_CREATE),
            Kind::Snapshot => (Effect::SnapshotCreate(id.clone()), lock::SNAPSHOT_CREATE),
        };
        let startid = self.start_task(&format!("{prefix}.create"), &vm, code, effect, call.now);
        Ok(Answer {
            data: Some(json!({format!("{prefix}.id"): id})),
            startid: Some(startid),
            data_count: None,
        })
    }

    /// `PUT cloudvm/backup/restore` (2.6.4) / `snapshot/restore` (2.7.3), 异步.
    fn restore_image(&mut self, call: &Call, kind: Kind) -> Result<Answer, Fail> {
        let prefix = kind.prefix();
        let image = self.owned_image(call, kind, &call.params.req(&format!("{prefix}.id"))?)?;
        if !image.enable {
            return fail(format!("{prefix} {} is not usable yet", image.id));
        }
        self.ensure_unlocked(&image.vm)?;
        let code = match kind {
            Kind::Backup => lock::BACKUP_RESTORE,
            Kind::Snapshot => lock::SNAPSHOT_RESTORE,
        };
        let startid = self.start_task(
            &format!("{prefix}.restore"),
            &image.vm,
            code,
            Effect::Restore,
            call.now,
        );
        Ok(Answer::task(startid))
    }

    /// `PUT cloudvm/backup/modify` (2.6.5) / `snapshot/modify` (2.7.5): description.
    fn modify_image(&mut self, call: &Call, kind: Kind) -> Result<Answer, Fail> {
        let prefix = kind.prefix();
        let p = call.params;
        let image = self.owned_image(call, kind, &p.req(&format!("{prefix}.id"))?)?;
        let desc = p.str(&format!("{prefix}.desc")).unwrap_or_default();
        if let Some(b) = self.images(kind).get_mut(&image.id) {
            b.desc = desc;
        }
        Ok(Answer::data(json!("")))
    }

    /// `GET cloudvm/backup/{vmId}` (2.6.1) / `snapshot/{vmId}` (2.7.1).
    fn list_images(&mut self, call: &Call, kind: Kind, vm: &str) -> Result<Answer, Fail> {
        let vm = self.owned(call, vm)?;
        let prefix = kind.prefix();
        let items: Vec<Value> = self
            .images(kind)
            .values()
            .filter(|b| b.vm == vm)
            .map(|b| b.render(prefix))
            .collect();
        Ok(Answer::data(Value::Array(items)))
    }

    /// `DELETE cloudvm/backup/{id}` (2.6.3) / `snapshot/{id}` (2.7.4): synchronous.
    fn delete_image(&mut self, call: &Call, kind: Kind, id: &str) -> Result<Answer, Fail> {
        let image = self.owned_image(call, kind, id)?;
        if !image.enable && self.lock_of(&image.vm) != 0 {
            return fail(format!(
                "{} {} is still being made",
                kind.prefix(),
                image.id
            ));
        }
        self.images(kind).remove(&image.id);
        Ok(Answer::data(json!("")))
    }

    /// Routes `cloudvm/vdisk/...`.
    fn disk_call(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        Some(match (call.method, &call.segs[2..]) {
            ("POST", ["add"]) => self.add_disk_call(call),
            ("POST", ["create", "pv"]) => self.create_pv_disk(call),
            ("DELETE", [id]) if self.pv_disks.contains_key(id.trim()) => {
                self.delete_pv_disk(call, id)
            }
            ("PUT", ["extend"]) => self.extend_disk(call),
            ("POST", ["search"]) => self.search_disks(call),
            ("DELETE", [id]) => self.delete_disk(call, id),
            _ => return None,
        })
    }

    /// A disk of a VM of the caller's tenant: (disk id, vm id).
    fn owned_disk(&self, call: &Call, id: &str) -> Result<(String, String), Fail> {
        match self.disks.get(id.trim()) {
            Some(d) if self.owned(call, &d.vm).is_ok() => Ok((d.id.clone(), d.vm.clone())),
            _ => fail(format!("磁盘不存在: vdisk {id} not found")),
        }
    }

    /// `POST cloudvm/vdisk/add` (2.4.1): the disk exists at once; `startid` attaches it.
    fn add_disk_call(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let vm = self.owned_unlocked(call, &p.req("vdisk.vmid")?)?;
        let size = p.req_int("vdisk.size")?;
        if size < 1 {
            return fail(format!("参数错误: vdisk.size must be positive, got {size}"));
        }
        self.check_quota(call.tenant, 0, 0, size)?;
        let devname = self.free_devname(&vm)?;
        let desc = p.str("vdisk.desc").unwrap_or_default();
        let id = self.add_disk(&vm, &devname, &desc, size, call.created);
        let startid = self.start_task("vdisk.add", &vm, lock::OTHER, Effect::DiskAdd, call.now);
        Ok(Answer {
            data: Some(json!({"vdisk.id": id, "vdisk.devname": devname})),
            startid: Some(startid),
            data_count: None,
        })
    }

    /// The first device name (`vdb`, `vdc`, ...) no disk of the VM uses: a disk
    /// removed earlier frees its name.
    fn free_devname(&self, vm: &str) -> Result<String, Fail> {
        (b'b'..=b'z')
            .map(|c| format!("vd{}", c as char))
            .find(|name| {
                !self
                    .disks
                    .values()
                    .any(|d| d.vm == vm && &d.devname == name)
            })
            .map_or_else(
                || fail(format!("磁盘数量已达上限: vm {vm} has no free device name")),
                Ok,
            )
    }

    /// `PUT cloudvm/vdisk/extend` (2.4.3): grow only.
    fn extend_disk(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let (id, vm) = self.owned_disk(call, &p.req("vdisk.id")?)?;
        self.ensure_unlocked(&vm)?;
        let size = p.req_int("vdisk.size")?;
        let old = self.disks[&id].size;
        if size <= old {
            return fail(format!(
                "参数错误: vdisk.size must be larger than the current {old} GB (disks only grow)"
            ));
        }
        self.check_quota(call.tenant, 0, 0, size - old)?;
        let startid = self.start_task(
            "vdisk.extend",
            &vm,
            lock::OTHER,
            Effect::DiskExtend(id, size),
            call.now,
        );
        Ok(Answer::task(startid))
    }

    /// `POST cloudvm/vdisk/search` (2.4.4).
    fn search_disks(&self, call: &Call) -> Result<Answer, Fail> {
        let vm = self.owned(call, &call.params.req("vdisk.vmid")?)?;
        let mut disks: Vec<_> = self.disks.values().filter(|d| d.vm == vm).collect();
        disks.sort_by(|a, b| a.devname.cmp(&b.devname));
        Ok(Answer::data(Value::Array(
            disks.into_iter().map(|d| d.render()).collect(),
        )))
    }

    /// `DELETE cloudvm/vdisk/{id}` (2.4.2), 异步; the system disk cannot go.
    fn delete_disk(&mut self, call: &Call, id: &str) -> Result<Answer, Fail> {
        let (id, vm) = self.owned_disk(call, id)?;
        self.ensure_unlocked(&vm)?;
        if self.disks[&id].devname == "vda" {
            return fail(format!("系统盘不能删除: vdisk {id} is the system disk"));
        }
        let startid = self.start_task(
            "vdisk.delete",
            &vm,
            lock::OTHER,
            Effect::DiskDelete(id),
            call.now,
        );
        Ok(Answer::task(startid))
    }
}

/// A blank disk made for a PVC (doc 2.4.5), attached to no VM.
#[derive(Clone, Debug)]
pub struct PvDisk {
    /// `vdisk.id`
    pub id: String,
    /// Owning tenant.
    pub tenant: String,
    /// `vdisk.name`
    pub name: String,
    /// `vdisk.desc`
    pub desc: String,
    /// `vdisk.size`, GB.
    pub size: i64,
    /// `vdisk.storageid`
    pub storage: String,
    /// `vdisk.use.type`: `vm` or `volume`.
    pub use_type: String,
}

impl PvDisk {
    /// The simulator's view (not an API shape).
    pub fn to_json(&self) -> Value {
        json!({"vdisk.id": self.id, "vdisk.name": self.name, "vdisk.desc": self.desc,
               "vdisk.size": self.size.to_string(), "vdisk.storageid": self.storage,
               "vdisk.use.type": self.use_type, "tenant": self.tenant})
    }
}

impl StarVCenter {
    /// `POST cloudvm/vdisk/create/pv` (2.4.5): a blank disk on a storage of 2.16.1,
    /// synchronous; the answer carries the Ceph credentials to mount it
    /// (`volume` use needs a Ceph storage: "特指ceph rbd").
    fn create_pv_disk(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let name = p.req("vdisk.name")?;
        let size = p.req_int("vdisk.size")?;
        let storage_id = p.req("vdisk.storageid")?;
        let use_type = p.str("vdisk.use.type").unwrap_or_else(|| "vm".into());
        if size < 1 {
            return fail(format!("参数错误: vdisk.size must be positive, got {size}"));
        }
        if use_type != "vm" && use_type != "volume" {
            return fail(format!(
                "参数错误: vdisk.use.type must be vm or volume, got {use_type:?}"
            ));
        }
        let storages = super::catalog::storages_json();
        let Some(storage) = storages
            .iter()
            .find(|s| s["storage.id"] == storage_id.as_str())
        else {
            return fail(format!("存储不存在: storage {storage_id} not found"));
        };
        let ceph = storage["storage.type"] == "CEPH";
        if use_type == "volume" && !ceph {
            return fail(format!(
                "参数错误: vdisk.use.type volume needs a Ceph storage, {storage_id} is not one"
            ));
        }
        self.check_quota(call.tenant, 0, 0, size)?;
        let id = self.new_id("vdisk");
        let (key, pool, monitor) = if ceph {
            let text = |k: &str| storage[k].as_str().unwrap_or_default().trim().to_string();
            (
                format!("AQ{}==", id.replace('-', "")),
                text("storage.location"),
                text("storage.ceph.monitorip "),
            )
        } else {
            Default::default()
        };
        self.pv_disks.insert(
            id.clone(),
            PvDisk {
                id: id.clone(),
                tenant: call.tenant.to_string(),
                name,
                desc: p.str("vdisk.desc").unwrap_or_default(),
                size,
                storage: storage_id,
                use_type,
            },
        );
        Ok(Answer::data(json!([{
            "ceph.key": key, "ceph.poolname": pool, "ceph.monitor": monitor, "vdisk.id": id
        }])))
    }

    /// `DELETE cloudvm/vdisk/{id}` (2.4.2) of a disk made by 2.4.5: it holds no VM, so
    /// it goes at once.
    fn delete_pv_disk(&mut self, call: &Call, id: &str) -> Result<Answer, Fail> {
        match self.pv_disks.get(id.trim()) {
            Some(d) if d.tenant == call.tenant => {}
            _ => return fail(format!("磁盘不存在: vdisk {id} not found")),
        }
        self.pv_disks.remove(id.trim());
        Ok(Answer::data(json!("")))
    }
}
