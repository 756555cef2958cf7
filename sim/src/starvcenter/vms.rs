//! Cloud hosts (doc 2.2): create, search, detail, power, delete, modify, connection,
//! passwords, CPU and memory, models.

use super::catalog;
use super::dictionary;
use super::model::{lock, state, Disk, Effect, Nic, Vm};
use super::{fail, paginate, Answer, Call, Fail, StarVCenter};
use serde_json::{json, Value};

impl StarVCenter {
    /// Routes `cloudvm/...` (except disks, NICs, backups, snapshots).
    pub(super) fn vm(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        let p = call.params;
        Some(match (call.method, &call.segs[1..]) {
            ("POST", ["create"]) => self.create_vms(call),
            ("POST", ["search"]) => self.search_vms(call),
            ("GET", ["model"]) => Ok(Answer::data(self.models_json())),
            ("POST", ["addVhostModelAndType"]) => self.add_dictionary_entry(call),
            ("DELETE", ["delVhostModelAndType", id]) => self.delete_dictionary_entry(id),
            ("GET", ["connection", id]) => self.connection(call, id),
            ("PUT", [action @ ("start" | "destroy" | "shutdown" | "restart")]) => {
                self.power(call, action)
            }
            ("PUT", ["modify"]) => self.modify_vm(call),
            ("PUT", ["cpu", "modify"]) => self.resize(call, true),
            ("PUT", ["mem", "modify"]) => self.resize(call, false),
            ("POST", ["setadminpwd"]) => self.set_admin_password(call),
            ("POST", ["resumeCloudAgent"]) => self
                .owned_unlocked(call, &p.req("vm.id").unwrap_or_default())
                .map(|id| {
                    Answer::task(self.start_task(
                        "vm.resumeagent",
                        &id,
                        lock::OTHER,
                        Effect::ResumeAgent,
                        call.now,
                    ))
                }),
            ("POST", ["editvncpwd" | "setvncpwd" | "switchfirewalld"]) => {
                self.vnc_and_firewall(call)
            }
            ("GET", [id]) => self.vm_detail(call, id),
            ("DELETE", [id]) => self.delete_vm(call, id),
            _ => return None,
        })
    }

    /// The id of a VM of the caller's tenant, or `result: "1"`.
    pub(super) fn owned(&self, call: &Call, id: &str) -> Result<String, Fail> {
        match self.vms.get(id.trim()) {
            Some(vm) if vm.tenant == call.tenant => Ok(vm.id.clone()),
            _ => fail(format!("云主机不存在: vm {id} not found")),
        }
    }

    /// Like [`Self::owned`], and the VM must not be locked.
    pub(super) fn owned_unlocked(&self, call: &Call, id: &str) -> Result<String, Fail> {
        if id.is_empty() {
            return fail("参数缺失: vm.id is required");
        }
        let id = self.owned(call, id)?;
        self.ensure_unlocked(&id)?;
        Ok(id)
    }

    /// A VM as the API renders it.
    fn render_vm(&self, vm: &Vm) -> Value {
        vm.render(self.lock_of(&vm.id))
    }

    /// `POST cloudvm/create` (2.2.1, 异步): `vm.num` VMs, each with its `jobstartid`.
    fn create_vms(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let source = match (p.str("vm.tenant.model"), p.str("vm.template.id")) {
            (Some(_), Some(_)) => {
                return fail("参数错误: give vm.tenant.model or vm.template.id, not both")
            }
            (None, None) => return fail("参数缺失: vm.tenant.model or vm.template.id is required"),
            (Some(m), None) => catalog::model(&m)
                .or_else(|| self.added_model_type(&m).map(|_| &dictionary::ADDED_MODEL))
                .ok_or_else(|| Fail::Failed(format!("云主机型号不存在: model {m} not found")))?,
            (None, Some(t)) => catalog::template(&t)
                .ok_or_else(|| Fail::Failed(format!("模板不存在: template {t} not found")))?,
        };
        let is_model = p.str("vm.tenant.model").is_some();
        let cpu = p.req_int("vm.vcpu.num")?;
        let memory = p.req_int("vm.memory.mem")?;
        let vpc = p.req("vnic.portgroupid")?;
        let num = p.int("vm.num")?.unwrap_or(1);
        let data_disks = p.int("vm.vdisk.num")?.unwrap_or(0);
        let data_size = p.int("vm.vdisk.size")?.unwrap_or(0);
        if !(1..=10).contains(&num) {
            return fail(format!("参数错误: vm.num must be 1-10, got {num}"));
        }
        if !(1..=128).contains(&cpu) {
            return fail(format!("参数错误: vm.vcpu.num must be 1-128, got {cpu}"));
        }
        if !(1..=999_999_999).contains(&memory) {
            return fail(format!(
                "参数错误: vm.memory.mem must be 1-999999999, got {memory}"
            ));
        }
        if data_disks < 0 || (data_disks > 0 && data_size < 1) {
            return fail("参数错误: vm.vdisk.num needs a positive vm.vdisk.size");
        }
        match self.vpcs.get(&vpc) {
            Some(v) if v.tenant == call.tenant => {}
            _ => return fail(format!("私网不存在: vnic.portgroupid {vpc} not found")),
        }
        let disk = source.disk_gb + data_disks * data_size;
        self.check_quota(call.tenant, cpu * num, memory * num, disk * num)?;
        let name = p.str("vm.name");
        let mut created = Vec::new();
        for i in 0..num {
            let name = match (&name, num) {
                (Some(n), 1) => n.clone(),
                (Some(n), _) => format!("{n}-{}", i + 1),
                (None, _) => String::new(),
            };
            let id = self.add_vm(call, source, is_model, &name, cpu, memory, &vpc);
            if id.is_empty() {
                continue;
            }
            let vm_name = self.vms[&id].name.clone();
            for d in 0..data_disks {
                self.add_disk(
                    &id,
                    &format!("vd{}", (b'b' + d as u8) as char),
                    "",
                    data_size,
                    call.created,
                );
            }
            let startid =
                self.start_task("vm.create", &id, lock::INSTALLING, Effect::Create, call.now);
            created.push(json!({"vm.id": id, "vm.name": vm_name, "jobstartid": startid}));
        }
        Ok(Answer::data(self.shape.created_vms(created)))
    }

    /// Stores one new VM (installing), its system disk and its NIC.
    #[allow(clippy::too_many_arguments)]
    fn add_vm(
        &mut self,
        call: &Call,
        source: &catalog::Source,
        is_model: bool,
        name: &str,
        cpu: i64,
        memory: i64,
        vpc: &str,
    ) -> String {
        let id = self.new_id("vm");
        let name = if name.is_empty() {
            id.clone()
        } else {
            name.to_string()
        };
        let ip = self.allocate_ip(vpc);
        let p = call.params;
        let host = catalog::HOSTS[(self.vms.len()) % 2].0.to_string();
        let vm = Vm {
            id: id.clone(),
            tenant: call.tenant.to_string(),
            name,
            desc: String::new(),
            created_ms: call.created,
            state: state::INSTALLING,
            lock: 0,
            cpu,
            memory,
            tenant_type: match p.str("vm.tenant.model") {
                Some(m) if is_model => self
                    .added_model_type(&m)
                    .unwrap_or_else(|| source.tenant_type.to_string()),
                _ => source.tenant_type.to_string(),
            },
            model: if is_model {
                p.str("vm.tenant.model").unwrap_or_default()
            } else {
                String::new()
            },
            template: if is_model {
                String::new()
            } else {
                source.id.to_string()
            },
            ip: ip.clone(),
            host,
            reboot_enable: true,
            shutdown_enable: source.soft_shutdown,
            password: p.str("vm.account.pwd").unwrap_or_default(),
            vnc_password: p.str("vm.vncpasswd").unwrap_or_default(),
            vnc_port: 5900 + self.vms.len() as u16,
        };
        self.vms.insert(id.clone(), vm);
        self.add_disk(&id, "vda", "system disk", source.disk_gb, call.created);
        self.add_nic(&id, vpc, ip, call.created);
        id
    }

    /// Stores a disk; returns its id.
    pub(super) fn add_disk(
        &mut self,
        vm: &str,
        devname: &str,
        desc: &str,
        size: i64,
        now: u64,
    ) -> String {
        let id = self.new_id("vdisk");
        self.disks.insert(
            id.clone(),
            Disk {
                id: id.clone(),
                vm: vm.into(),
                devname: devname.into(),
                desc: desc.into(),
                size,
                created_ms: now,
            },
        );
        id
    }

    /// Stores a NIC; returns its id.
    pub(super) fn add_nic(&mut self, vm: &str, vpc: &str, ip: String, now: u64) -> String {
        let id = self.new_id("vnic");
        let index = self.nics.values().filter(|n| n.vm == vm).count();
        let n = self.next_id;
        let mac = format!(
            "52:54:00:{:02x}:{:02x}:{:02x}",
            (n >> 16) & 0xff,
            (n >> 8) & 0xff,
            n & 0xff
        );
        self.nics.insert(
            id.clone(),
            Nic {
                id: id.clone(),
                vm: vm.into(),
                vpc: vpc.into(),
                ip,
                mac,
                index,
                created_ms: now,
            },
        );
        id
    }

    /// The next free address of a network.
    pub(super) fn allocate_ip(&mut self, vpc: &str) -> String {
        match self.vpcs.get_mut(vpc) {
            Some(v) => {
                let ip = format!("192.168.{}.{}", v.octet, v.next_host);
                v.next_host += 1;
                ip
            }
            None => String::new(),
        }
    }

    /// Removes a VM with its disks, NICs, backups and snapshots.
    pub(super) fn remove_vm(&mut self, id: &str) -> Option<Vm> {
        self.disks.retain(|_, d| d.vm != id);
        self.nics.retain(|_, n| n.vm != id);
        self.backups.retain(|_, b| b.vm != id);
        self.snapshots.retain(|_, b| b.vm != id);
        self.vms.remove(id)
    }

    /// `POST cloudvm/search` (2.2.2): fuzzy name/id, exact state/ip/host, paging.
    fn search_vms(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let name = p.str("vm.name");
        let id = p.str("vm.id");
        let st = p.str("vm.state");
        let ip = p.str("vm.ip");
        let host = p.str("vm.hostid");
        let items: Vec<Value> = self
            .vms
            .values()
            .filter(|vm| vm.tenant == call.tenant)
            .filter(|vm| name.as_ref().is_none_or(|n| vm.name.contains(n.as_str())))
            .filter(|vm| id.as_ref().is_none_or(|i| vm.id.contains(i.as_str())))
            .filter(|vm| st.as_ref().is_none_or(|s| vm.state.to_string() == *s))
            .filter(|vm| ip.as_ref().is_none_or(|i| vm.ip == *i))
            .filter(|vm| host.as_ref().is_none_or(|h| vm.host == *h))
            .map(|vm| self.render_vm(vm))
            .collect();
        let total = items.len();
        let mut page = paginate(p, items, false)?;
        page.total = Some(page.total.unwrap_or(total));
        Ok(Answer::page(page))
    }

    /// `GET cloudvm/{vmId}` (2.2.3).
    fn vm_detail(&self, call: &Call, id: &str) -> Result<Answer, Fail> {
        let id = self.owned(call, id)?;
        Ok(Answer::data(self.render_vm(&self.vms[&id])))
    }

    /// `GET cloudvm/connection/{vmId}` (2.2.9).
    fn connection(&self, call: &Call, id: &str) -> Result<Answer, Fail> {
        let id = self.owned(call, id)?;
        let vm = &self.vms[&id];
        let host_ip = catalog::HOSTS
            .iter()
            .position(|h| h.0 == vm.host)
            .map(|i| format!("10.10.0.{}", 11 + i))
            .unwrap_or_default();
        Ok(Answer::data(json!({
            "vm.console.url": format!("https://console.starvcenter.local/vnc/{id}?token={}", console_token(&id, call.now)),
            "vm.hostip": host_ip,
            "vm.vncport": vm.vnc_port.to_string(),
        })))
    }

    /// `PUT cloudvm/start|destroy|shutdown|restart` (2.2.4–2.2.6, 2.2.14).
    fn power(&mut self, call: &Call, action: &str) -> Result<Answer, Fail> {
        let id = self.owned_unlocked(call, &call.params.req("vm.id")?)?;
        let vm = &self.vms[&id];
        let running = vm.state == state::RUNNING;
        let (effect, code) = match action {
            "start" if running => return fail(format!("云主机已运行: vm {id} is already running")),
            "start" => (Effect::Start, lock::STARTING),
            "restart" if !running => return fail(format!("云主机未运行: vm {id} is not running")),
            // 2.2.2 "vm.reboot.enable": whether the VM can restart its system.
            "restart" if !vm.reboot_enable => {
                return fail(format!("不支持重启系统: vm {id} cannot restart (vm.reboot.enable is false); use cloudvm/destroy and cloudvm/start"))
            }
            "restart" => (Effect::Restart, lock::STARTING),
            _ if !running => return fail(format!("云主机未运行: vm {id} is not running")),
            "shutdown" if !vm.shutdown_enable => {
                return fail(format!("不支持软关机: vm {id} cannot shut down softly (vm.shutdown.enable is false); use cloudvm/destroy"))
            }
            _ => (Effect::Stop, lock::STOPPING),
        };
        Ok(Answer::task(self.start_task(
            &format!("vm.{action}"),
            &id,
            code,
            effect,
            call.now,
        )))
    }

    /// `DELETE cloudvm/{vmId}` (2.2.7, asynchronous: it answers `startid`).
    fn delete_vm(&mut self, call: &Call, id: &str) -> Result<Answer, Fail> {
        let id = self.owned_unlocked(call, id)?;
        Ok(Answer::task(self.start_task(
            "vm.delete",
            &id,
            lock::OTHER,
            Effect::Delete,
            call.now,
        )))
    }

    /// `PUT cloudvm/modify` (2.2.8): name and description, at once.
    fn modify_vm(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = self.owned_unlocked(call, &p.req("vm.id")?)?;
        let vm = self.vms.get_mut(&id).expect("owned");
        if let Some(name) = p.str("vm.name") {
            vm.name = name;
        }
        if p.0.contains_key("vm.desc") {
            vm.desc = p.str("vm.desc").unwrap_or_default();
        }
        Ok(Answer::data(json!("")))
    }

    /// `PUT cloudvm/cpu/modify` (2.2.15) and `cloudvm/mem/modify` (2.2.16).
    fn resize(&mut self, call: &Call, cpu: bool) -> Result<Answer, Fail> {
        let p = call.params;
        let id = self.owned_unlocked(call, &p.req("vm.id")?)?;
        let vm = &self.vms[&id];
        let (kind, effect, extra_cpu, extra_mem) = if cpu {
            let n = p.req_int("vm.vcpu.num")?;
            if !(1..=128).contains(&n) {
                return fail(format!("参数错误: vm.vcpu.num must be 1-128, got {n}"));
            }
            ("vm.cpu", Effect::Cpu(n), n - vm.cpu, 0)
        } else {
            let n = p.req_int("vm.memory.mem")?;
            if !(1..=999_999_999).contains(&n) {
                return fail(format!(
                    "参数错误: vm.memory.mem must be 1-999999999, got {n}"
                ));
            }
            ("vm.mem", Effect::Memory(n), 0, n - vm.memory)
        };
        self.check_quota(call.tenant, extra_cpu.max(0), extra_mem.max(0), 0)?;
        Ok(Answer::task(self.start_task(
            kind,
            &id,
            lock::OTHER,
            effect,
            call.now,
        )))
    }

    /// `POST cloudvm/setadminpwd` (2.2.10).
    fn set_admin_password(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = self.owned_unlocked(call, &p.req("vm.id")?)?;
        let pwd = p.req("pwd")?;
        if self.vms[&id].state != state::RUNNING {
            return fail(format!(
                "云主机未运行: vm {id} must be running to reset its password"
            ));
        }
        Ok(Answer::task(self.start_task(
            "vm.setadminpwd",
            &id,
            lock::OTHER,
            Effect::Password(pwd),
            call.now,
        )))
    }

    /// `POST cloudvm/editvncpwd`, `setvncpwd`, `switchfirewalld` (2.2.12, 2.2.13, 2.2.18).
    fn vnc_and_firewall(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = self.owned_unlocked(call, &p.req("vm.id")?)?;
        match call.segs[1] {
            "editvncpwd" => {
                let pwd = p.req("vm.vncpasswd")?;
                self.vms.get_mut(&id).expect("owned").vnc_password = pwd;
                Ok(Answer::default())
            }
            "setvncpwd" => Ok(Answer::default()),
            _ => {
                p.req("vm.firewalld.enable")?;
                Ok(Answer::data(json!([])))
            }
        }
    }
}

/// A one-time console token (2.2.9 "运控制台云主机远程连接地址"): it grants access,
/// so it differs per VM and per call time.
fn console_token(id: &str, now: u64) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (id, now, "polycloud-sim-console").hash(&mut hasher);
    format!("vnc-{:016x}", hasher.finish())
}
