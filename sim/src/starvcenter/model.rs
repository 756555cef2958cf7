//! Stored objects and how the API renders them. Values are strings as the document
//! prints them (e.g. `"vm.vcpu.num": "2"`), except quotas, which 2.10 types as long.

use crate::util::task_date;
use serde_json::{json, Value};

/// VM state codes (doc 附表1 "虚拟机状态码").
pub mod state {
    /// 停止
    pub const STOPPED: i32 = 0;
    /// 运行
    pub const RUNNING: i32 = 1;
    /// 安装中
    pub const INSTALLING: i32 = 3;
    /// 创建失败
    pub const CREATE_FAILED: i32 = -2;
}

/// Lock codes (doc 附表2 "虚拟锁定代码"); 0 = unlocked.
pub mod lock {
    /// 备份创建中
    pub const BACKUP_CREATE: i32 = 3;
    /// 备份还原中
    pub const BACKUP_RESTORE: i32 = 4;
    /// 快照创建中
    pub const SNAPSHOT_CREATE: i32 = 5;
    /// 快照还原中
    pub const SNAPSHOT_RESTORE: i32 = 6;
    /// 启动中
    pub const STARTING: i32 = 7;
    /// 停止中
    pub const STOPPING: i32 = 8;
    /// 安装中
    pub const INSTALLING: i32 = 12;
    /// 移动中 — used for the tasks the table has no code of its own for (CPU, memory,
    /// password, disks, delete); documented in sim/README.md.
    pub const OTHER: i32 = 14;

    /// The table's name of a lock code.
    pub fn name(code: i32) -> &'static str {
        match code {
            0 => "未锁定",
            1 => "跨主机迁移中",
            2 => "跨存储迁移中",
            3 => "备份创建中",
            4 => "备份还原中",
            5 => "快照创建中",
            6 => "快照还原中",
            7 => "启动中",
            8 => "停止中",
            9 => "导出中",
            10 => "导入中",
            11 => "被克隆中",
            12 => "安装中",
            13 => "克隆中",
            _ => "移动中",
        }
    }
}

/// A tenant and its quotas (doc 2.1.1, 2.10).
#[derive(Clone, Debug)]
pub struct Tenant {
    /// `app.id`
    pub id: String,
    /// `app.name`
    pub name: String,
    /// `app.desc`
    pub desc: String,
    /// CPU cores.
    pub cpu: i64,
    /// Memory MB.
    pub memory: i64,
    /// Storage GB.
    pub storage: i64,
    /// Subnets (port groups).
    pub portgroup: i64,
    /// Public IPs.
    pub outerip: i64,
}

impl Tenant {
    /// The tenant the default token belongs to.
    pub fn seeded() -> Self {
        Tenant {
            id: "app-000000".into(),
            name: "default".into(),
            desc: "seeded tenant of sim-starvcenter-token".into(),
            cpu: 32,
            memory: 65536,
            storage: 1000,
            portgroup: 10,
            outerip: 8,
        }
    }

    /// The simulator's view (not an API shape).
    pub fn to_json(&self) -> Value {
        json!({"app.id": self.id, "app.name": self.name, "app.desc": self.desc,
               "app.cpu.quota": self.cpu, "app.memory.quota": self.memory,
               "app.storage.quota": self.storage, "app.portgroup.quota": self.portgroup,
               "app.outerip.quota": self.outerip})
    }
}

/// A virtual machine (doc 2.2.2 detail, 2.2.3).
#[derive(Clone, Debug)]
pub struct Vm {
    /// `vm.id`
    pub id: String,
    /// Owning tenant.
    pub tenant: String,
    /// `vm.name`
    pub name: String,
    /// `vm.desc`
    pub desc: String,
    /// Creation, epoch ms.
    pub created_ms: u64,
    /// State code (附表1).
    pub state: i32,
    /// Lock code (附表2) set out of band; running tasks lock on their own.
    pub lock: i32,
    /// `vm.vcpu.num`
    pub cpu: i64,
    /// `vm.memory.mem`
    pub memory: i64,
    /// `vm.tenant.type`
    pub tenant_type: String,
    /// `vm.tenant.model`
    pub model: String,
    /// Template it was made from (not rendered: the document's detail has no field).
    pub template: String,
    /// `vm.ip`
    pub ip: String,
    /// Host it runs on.
    pub host: String,
    /// `vm.reboot.enable`
    pub reboot_enable: bool,
    /// `vm.shutdown.enable` (soft shutdown needs the guest agent).
    pub shutdown_enable: bool,
    /// `vm.account.pwd` (never rendered).
    pub password: String,
    /// `vm.vncpasswd` (never rendered).
    pub vnc_password: String,
    /// VNC port (2.2.9).
    pub vnc_port: u16,
}

impl Vm {
    /// The detail as 2.2.2/2.2.3 print it, `"vm.tenant.type "` with its stray space.
    pub fn render(&self, lock: i32) -> Value {
        json!({
            "vm.id": self.id,
            "vm.name": self.name,
            "vm.desc": self.desc,
            "vm.createtime": task_date(self.created_ms),
            "vm.state": self.state.to_string(),
            "vm.vcpu.num": self.cpu.to_string(),
            "vm.memory.mem": self.memory.to_string(),
            "vm.tenant.type ": self.tenant_type,
            "vm.tenant.model": self.model,
            "vm.ip": self.ip,
            "vm.reboot.enable": self.reboot_enable.to_string(),
            "vm.shutdown.enable": self.shutdown_enable.to_string(),
            "vm.lock": lock.to_string(),
        })
    }
}

/// A tenant private network (doc 2.3).
#[derive(Clone, Debug)]
pub struct Vpc {
    /// `vpc.id`
    pub id: String,
    /// Owning tenant.
    pub tenant: String,
    /// `vpc.name`
    pub name: String,
    /// `vpc.desc`
    pub desc: String,
    /// Third octet of its 192.168.x.0/24.
    pub octet: u64,
    /// Creation, epoch ms.
    pub created_ms: u64,
    /// Next host number to hand out.
    pub next_host: u64,
}

impl Vpc {
    /// A network `192.168.{10+octet}.0/24`.
    pub fn new(id: String, tenant: &str, name: &str, desc: &str, octet: u64, now: u64) -> Self {
        Vpc {
            id,
            tenant: tenant.to_string(),
            name: name.to_string(),
            desc: desc.to_string(),
            octet: 10 + octet,
            created_ms: now,
            next_host: 10,
        }
    }

    /// `vpc.cidr`
    pub fn cidr(&self) -> String {
        format!("192.168.{}.0/24", self.octet)
    }

    /// `vpc.gateway`
    pub fn gateway(&self) -> String {
        format!("192.168.{}.1", self.octet)
    }

    /// The answer of 2.3.1 (create).
    pub fn render_created(&self) -> Value {
        json!({"vpc.id": self.id, "vpc.name": self.name, "vpc.cidr": self.cidr(),
               "vpc.gateway": self.gateway()})
    }

    /// The detail of 2.3.4 (search), `" vpc.cidr"` with its stray space as printed.
    pub fn render(&self, usable: u64) -> Value {
        json!({"vpc.id": self.id, "vpc.name": self.name, " vpc.cidr": self.cidr(),
               "vpc.gateway": self.gateway(), "vpc.usable.ipcount": usable.to_string(),
               "vpc.desc": self.desc, "vpc.createtime": task_date(self.created_ms)})
    }
}

/// A virtual NIC (doc 2.5).
#[derive(Clone, Debug)]
pub struct Nic {
    /// `vnic.id`
    pub id: String,
    /// `vnic.vmid`
    pub vm: String,
    /// `vnic.vpc.id`
    pub vpc: String,
    /// `vnic.ipaddress`
    pub ip: String,
    /// `vnic.macaddress`
    pub mac: String,
    /// Position on the VM (eth0, eth1, ...).
    pub index: usize,
    /// Creation, epoch ms.
    pub created_ms: u64,
}

impl Nic {
    /// The detail of 2.5.1.
    pub fn render(&self, vpc_name: &str) -> Value {
        json!({"vnic.id": self.id, "vnic.name": format!("eth{}", self.index), "vnic.desc": "",
               "vnic.createtime": task_date(self.created_ms), "vnic.vmid": self.vm,
               "vnic.macaddress": self.mac, "vnic.ipaddress": self.ip,
               "vnic.vpc.id": self.vpc, "vnic.vpc.name": vpc_name})
    }
}

/// A virtual disk (doc 2.4).
#[derive(Clone, Debug)]
pub struct Disk {
    /// `vdisk.id`
    pub id: String,
    /// `vdisk.vmid`
    pub vm: String,
    /// `vdisk.devname` (`vda` is the system disk).
    pub devname: String,
    /// `vdisk.desc`
    pub desc: String,
    /// `vdisk.size`, GB.
    pub size: i64,
    /// Creation, epoch ms.
    pub created_ms: u64,
}

impl Disk {
    /// The detail of 2.4.4.
    pub fn render(&self) -> Value {
        json!({"vdisk.id": self.id, "vdisk.name": format!("{}-{}", self.vm, self.devname),
               "vdisk.devname": self.devname, "vdisk.desc": self.desc,
               "vdisk.createtime": task_date(self.created_ms), "vdisk.vmid": self.vm,
               "vdisk.size": self.size.to_string()})
    }
}

/// A backup (doc 2.6) or snapshot (doc 2.7): the same fields under another prefix.
#[derive(Clone, Debug)]
pub struct Backup {
    /// `backup.id` / `snapshot.id`
    pub id: String,
    /// `*.vmid`
    pub vm: String,
    /// `*.name`
    pub name: String,
    /// `*.desc`
    pub desc: String,
    /// Creation, epoch ms.
    pub created_ms: u64,
    /// `*.enable`: usable once its task succeeded.
    pub enable: bool,
}

impl Backup {
    /// The detail of 2.6.1 (`prefix` = `backup`) or 2.7.1 (`snapshot`).
    pub fn render(&self, prefix: &str) -> Value {
        json!({
            format!("{prefix}.id"): self.id,
            format!("{prefix}.name"): self.name,
            format!("{prefix}.desc"): self.desc,
            format!("{prefix}.vmid"): self.vm,
            format!("{prefix}.createtime"): task_date(self.created_ms),
            format!("{prefix}.enable"): self.enable.to_string(),
        })
    }
}

/// What a task does when it ends.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// VM created: running.
    Create,
    /// Power on.
    Start,
    /// Soft shutdown or power off.
    Stop,
    /// Reboot.
    Restart,
    /// Delete the VM and everything on it.
    Delete,
    /// New vCPU count.
    Cpu(i64),
    /// New memory.
    Memory(i64),
    /// New administrator password.
    Password(String),
    /// A disk was added (it exists from the call on).
    DiskAdd,
    /// Remove a disk.
    DiskDelete(String),
    /// Grow a disk.
    DiskExtend(String, i64),
    /// A backup is made usable.
    BackupCreate(String),
    /// A snapshot is made usable.
    SnapshotCreate(String),
    /// Restore (no visible change).
    Restore,
    /// Locks the VM for a while and does nothing (control endpoint).
    Hold,
    /// Wakes the cloud agent.
    ResumeAgent,
}

/// A task of the task log.
#[derive(Clone, Debug)]
pub struct Task {
    /// `task.startid`
    pub startid: String,
    /// Kind, e.g. `vm.create` (for fail rules).
    pub kind: String,
    /// VM it holds.
    pub vm: String,
    /// Lock code it holds the VM with.
    pub lock: i32,
    /// Start, epoch ms.
    pub start_ms: u64,
    /// End, epoch ms.
    pub end_ms: u64,
    /// Final code (附表4) once ended.
    pub result: Option<u8>,
    /// How it will end: code 0 or a failure code.
    pub outcome: u8,
    /// `task.resultinfo` when it ends badly.
    pub resultinfo: String,
    /// What it does on success.
    pub effect: Effect,
}

impl Task {
    /// Code now: 3 queued (first fifth), 2 running, else the final code.
    pub fn code(&self, now: u64) -> u8 {
        match self.result {
            Some(code) => code,
            None if now < self.start_ms + (self.end_ms - self.start_ms) / 5 => 3,
            None => 2,
        }
    }

    /// Progress in percent.
    pub fn progress(&self, now: u64) -> u64 {
        if self.result.is_some() {
            return 100;
        }
        let span = (self.end_ms - self.start_ms).max(1);
        (now.saturating_sub(self.start_ms) * 100 / span).min(99)
    }

    /// The `data` of the task-log query (docs/design/wire.md, "StarVCenter").
    pub fn render(&self, now: u64) -> Value {
        let code = self.code(now);
        let info = match code {
            0 => "成功".to_string(),
            2 => "执行中".to_string(),
            3 => "排队等待中".to_string(),
            _ => self.resultinfo.clone(),
        };
        json!({"task.startid": self.startid, "task.result": code.to_string(),
               "task.progress": self.progress(now).to_string(), "task.resultinfo": info,
               "task.kind": self.kind, "task.vmid": self.vm})
    }
}
