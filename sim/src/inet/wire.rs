//! iNET objects as the simulator stores them, and how the API renders them.
//! Every shape cites the section of the iNET document it follows; what the
//! document leaves open is decided here and written down in `sim/README.md`.

use crate::util::inet_date;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// One day in milliseconds (auto-snapshot periods are in days).
pub const DAY_MS: u64 = 86_400_000;

/// Power of a server, with the transition it is in, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Power {
    /// Running (`status: active`, power state 1).
    Running,
    /// Shut down (`status: shutoff`, power state 4).
    Stopped,
}

/// What a server is doing until `ends_ms`.
#[derive(Clone, Debug)]
pub struct Transition {
    /// `powering-on`, `powering-off`, `rebooting`, `rebooting_hard`.
    pub task_state: &'static str,
    /// Power when it ends.
    pub target: Power,
    /// Wall-clock end.
    pub ends_ms: u64,
}

/// A snapshot of a VPS (shape: sim/README.md; the document lists the
/// endpoints "Danh sách Snapshot", "Tạo Snapshot", "Xóa Snapshot" without
/// an answer schema).
#[derive(Clone, Debug)]
pub struct Snapshot {
    /// Id, unique in the account.
    pub id: u64,
    /// Name the cloud gives (`snapshot-<vps>-<n>`).
    pub name: String,
    /// Size in GB (the server's disk).
    pub size: u64,
    /// Creation time.
    pub created_ms: u64,
    /// `creating` until then, `available` after.
    pub ready_ms: u64,
}

/// A backup volume of a VPS ("Danh sách Backup": "Lấy danh sách backup volume";
/// iNET makes them on its own schedule; the control API seeds them).
#[derive(Clone, Debug)]
pub struct Backup {
    /// Id, unique in the account.
    pub id: u64,
    /// Name.
    pub name: String,
    /// Size in GB.
    pub size: u64,
    /// Creation time.
    pub created_ms: u64,
}

/// An extra volume ("Tạo Volume": body `{"image"}`); listed inside
/// `dataExtend.volumes` (the document: dataExtend holds "CPU, RAM, disk, IP,
/// volume...").
#[derive(Clone, Debug)]
pub struct Volume {
    /// Id, unique in the account.
    pub id: u64,
    /// Image it was made from.
    pub image: String,
    /// Size in GB.
    pub size: u64,
    /// Device in the guest (`/dev/vdb`, ...).
    pub device: String,
    /// Creation time.
    pub created_ms: u64,
}

/// One Cloud VPS with everything hanging from it.
#[derive(Clone, Debug)]
pub struct Vps {
    /// Id ("Chi tiết Cloud VPS": `id` integer).
    pub id: u64,
    /// Name.
    pub name: String,
    /// Note ("Cập nhật ghi chú VPS").
    pub note: String,
    /// OS image name.
    pub image: String,
    /// Plan id.
    pub plan_id: u64,
    /// Plan name.
    pub plan_name: String,
    /// Service status: trial, active, suspended, expired.
    pub status: String,
    /// Days of trial (0 = none).
    pub trial_day: u64,
    /// Activation, creation, expiry.
    pub issue_ms: u64,
    /// Creation.
    pub created_ms: u64,
    /// Expiry.
    pub expire_ms: u64,
    /// Has cPanel.
    pub flag_cpanel: bool,
    /// Auto-snapshot period in days, 0 = off.
    pub auto_snapshot: u64,
    /// Next automatic snapshot.
    pub auto_snapshot_ms: Option<u64>,
    /// Last change of note or auto-snapshot.
    pub modified_ms: u64,
    /// vCPUs.
    pub cpu: u64,
    /// RAM in MB.
    pub ram: u64,
    /// System disk in GB.
    pub disk: u64,
    /// Public IPv4.
    pub ip: String,
    /// Server UUID ("Thông tin Server VPS": `id` string).
    pub uuid: String,
    /// SSH key pair name.
    pub key_name: String,
    /// OpenSSH public key of the pair.
    pub public_key: String,
    /// Its fingerprint.
    pub fingerprint: String,
    /// The pair's private key, PEM.
    pub private_pem: String,
    /// The pair's private key, PuTTY PPK.
    pub private_ppk: String,
    /// Settled power.
    pub power: Power,
    /// Transition in progress.
    pub transition: Option<Transition>,
    /// Snapshots by id.
    pub snapshots: BTreeMap<u64, Snapshot>,
    /// Backups by id.
    pub backups: BTreeMap<u64, Backup>,
    /// Extra volumes by id.
    pub volumes: BTreeMap<u64, Volume>,
}

impl Vps {
    /// Ends the transition if its time has come.
    pub fn advance(&mut self, now: u64) {
        if let Some(t) = &self.transition {
            if t.ends_ms <= now {
                self.power = t.target.clone();
                self.transition = None;
            }
        }
    }

    /// `dataExtend`: JSON inside a string ("Chi tiết Cloud VPS": "JSON chứa
    /// thông số kỹ thuật VPS (CPU, RAM, disk, IP, volume...)"; docs/design/wire.md, "iNET").
    pub fn data_extend(&self) -> String {
        let volumes: Vec<Value> = self.volumes.values().map(Volume::render).collect();
        json!({"cpu": self.cpu, "ram": self.ram, "disk": self.disk, "ip": self.ip,
               "volumes": volumes})
        .to_string()
    }

    /// An element of `content` of "Danh sách Cloud VPS" (no `note`).
    pub fn render_summary(&self) -> Value {
        let mut v = self.render_detail();
        if let Some(map) = v.as_object_mut() {
            map.remove("note");
        }
        v
    }

    /// "Chi tiết Cloud VPS" response `data`.
    pub fn render_detail(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "note": self.note,
            "image": self.image,
            "planId": self.plan_id,
            "status": self.status,
            "planName": self.plan_name,
            "roidType": "vps",
            "trialDay": self.trial_day,
            "issueDate": inet_date(self.issue_ms),
            "dataExtend": self.data_extend(),
            "expireDate": inet_date(self.expire_ms),
            "flagCpanel": self.flag_cpanel,
            "createdDate": inet_date(self.created_ms),
            "autoSnapshot": self.auto_snapshot,
        })
    }

    /// "Thông tin Server VPS" response `data`: `status` active/shutoff (or the
    /// transition's OpenStack word), `OS-EXT-STS:vm_state` active/stopped and
    /// `OS-EXT-STS:power_state` "1" running / "4" shut down (typed string as
    /// the document's table says). During a transition the power state stays
    /// the old one and `OS-EXT-STS:task_state` names the transition.
    pub fn render_server(&self) -> Value {
        let (mut status, vm_state, power_state) = match self.power {
            Power::Running => ("active", "active", "1"),
            Power::Stopped => ("shutoff", "stopped", "4"),
        };
        let task_state = self.transition.as_ref().map(|t| t.task_state);
        status = match task_state {
            Some("rebooting") => "reboot",
            Some("rebooting_hard") => "hard_reboot",
            _ => status,
        };
        json!({
            "id": self.uuid,
            "name": self.name,
            "flavor": {"ram": self.ram, "disk": self.disk, "vcpus": self.cpu},
            "status": status,
            "key_name": self.key_name,
            "addresses": {"public": [{"addr": self.ip, "version": 4}]},
            "OS-EXT-STS:vm_state": vm_state,
            "OS-EXT-STS:power_state": power_state,
            "OS-EXT-STS:task_state": task_state,
        })
    }

    /// "Lấy SSH Key Pair" response `data`.
    pub fn render_keypair(&self) -> Value {
        json!({"name": self.key_name, "public_key": self.public_key,
               "fingerprint": self.fingerprint})
    }

    /// `GET /_sim/state` view: the detail plus what hangs from the VPS.
    pub fn render_state(&self, now: u64) -> Value {
        let mut v = self.render_detail();
        let map = v.as_object_mut().expect("object");
        map.insert("server".into(), self.render_server());
        map.insert(
            "snapshots".into(),
            self.snapshots.values().map(|s| s.render(now)).collect(),
        );
        map.insert(
            "backups".into(),
            self.backups.values().map(Backup::render).collect(),
        );
        map.insert(
            "volumes".into(),
            self.volumes.values().map(Volume::render).collect(),
        );
        map.insert("autoSnapshotDate".into(), self.auto_snapshot_date());
        v
    }

    /// Next automatic snapshot, `dd/MM/yyyy HH:mm`, or null when off.
    pub fn auto_snapshot_date(&self) -> Value {
        self.auto_snapshot_ms
            .map_or(Value::Null, |ms| Value::String(inet_date(ms)))
    }
}

impl Snapshot {
    /// An element of "Danh sách Snapshot" (shape decided in sim/README.md).
    pub fn render(&self, now: u64) -> Value {
        let status = if now >= self.ready_ms {
            "available"
        } else {
            "creating"
        };
        json!({"id": self.id, "name": self.name, "status": status, "size": self.size,
               "createdDate": inet_date(self.created_ms)})
    }
}

impl Backup {
    /// An element of "Danh sách Backup" (shape decided in sim/README.md).
    pub fn render(&self) -> Value {
        json!({"id": self.id, "name": self.name, "status": "available", "size": self.size,
               "createdDate": inet_date(self.created_ms)})
    }
}

impl Volume {
    /// A volume inside `dataExtend.volumes` and the "Tạo Volume" answer.
    pub fn render(&self) -> Value {
        json!({"id": self.id, "image": self.image, "size": self.size,
               "device": self.device, "createdDate": inet_date(self.created_ms)})
    }
}

/// `{"success": true, "data": ..., "meta": {...}}` (document intro, "Response
/// wrapper"; docs/design/wire.md, "iNET").
pub fn envelope(data: Value, meta: Map<String, Value>) -> Value {
    json!({"success": true, "data": data, "meta": Value::Object(meta)})
}
