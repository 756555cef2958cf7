//! StarVCenter parts of the control API: state dump, forced task outcomes, the
//! task-log switch, extra tokens, VM locks, seeded VMs and out-of-band changes.

use super::model::{state, Effect};
use super::{catalog, FailRule, StarVCenter};
use crate::http::SimError;
use serde_json::{json, Map, Value};

/// 404 for an absent object.
fn absent(kind: &str, id: &str) -> SimError {
    SimError::new(404, format!("no {id} in {kind}"))
}

/// A string field of a control body.
fn text(patch: &Map<String, Value>, key: &str) -> Option<String> {
    match patch.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An integer field of a control body (number or numeric string).
fn int(patch: &Map<String, Value>, key: &str) -> Result<Option<i64>, SimError> {
    match text(patch, key) {
        None => Ok(None),
        Some(s) => s
            .parse()
            .map(Some)
            .map_err(|_| SimError::new(400, format!("{key} must be an integer"))),
    }
}

impl StarVCenter {
    /// `GET /_sim/state` → `"starvcenter"`: every object, tasks and locks.
    pub(super) fn state_json(&self, now: u64) -> Value {
        let vms: Vec<Value> = self
            .vms
            .values()
            .map(|vm| {
                let mut v = vm.render(self.lock_of(&vm.id));
                v["vm.template.id"] = json!(vm.template);
                v["vm.tenant.id"] = json!(vm.tenant);
                v["vm.account.pwd"] = json!(vm.password);
                v["vm.hostid"] = json!(vm.host);
                v
            })
            .collect();
        let mut out = json!({
            "tenants": self.tenants.values().map(|t| t.to_json()).collect::<Vec<_>>(),
            "vms": vms,
            "vpcs": self.vpcs.values().map(|v| {
                let mut r = v.render(0);
                r["vpc.tenant.id"] = json!(v.tenant);
                r
            }).collect::<Vec<_>>(),
            "nics": self.nics.values().map(|n| n.render("")).collect::<Vec<_>>(),
            "disks": self.disks.values().map(|d| d.render()).collect::<Vec<_>>(),
            "backups": self.backups.values().map(|b| b.render("backup")).collect::<Vec<_>>(),
            "snapshots": self.snapshots.values().map(|b| b.render("snapshot")).collect::<Vec<_>>(),
            "pv_disks": self.pv_disks.values().map(|d| d.to_json()).collect::<Vec<_>>(),
            "dictionary": self.dictionary.iter().map(|e| json!({"id": e.id, "type": e.kind, "label": e.label, "value": e.value, "description": e.description})).collect::<Vec<_>>(),
            "shape": self.shape,
            "tasks": self.tasks_json(now),
            "task_log": self.task_log,
        });
        self.net_state_into(&mut out);
        out
    }

    /// Queues forced task outcomes (`result` 1, 4, 5, 6 or 7 of 附表4).
    pub fn fail_next_tasks(
        &mut self,
        count: u32,
        kind: Option<String>,
        result: u8,
        resultinfo: Option<String>,
    ) -> Result<(), SimError> {
        if count == 0 {
            return Err(SimError::new(400, "count must be at least 1"));
        }
        if ![1, 4, 5, 6, 7].contains(&result) {
            return Err(SimError::new(
                400,
                "result must be 1, 4, 5, 6 or 7 (task-log failure codes)",
            ));
        }
        self.fail_rules.push(FailRule {
            count,
            kind,
            result,
            resultinfo,
        });
        Ok(())
    }

    /// Sets the task duration and whether `cloudtask/search` exists.
    pub fn configure(&mut self, task_ms: Option<u64>, task_log: Option<bool>) -> Value {
        if let Some(ms) = task_ms {
            self.task_ms = ms;
        }
        if let Some(on) = task_log {
            self.task_log = on;
        }
        json!({"ok": true, "task_ms": self.task_ms, "task_log": self.task_log})
    }

    /// Accepts another token for a tenant.
    pub fn add_token(&mut self, token: &str, tenant: &str) -> Result<(), SimError> {
        if token.trim().is_empty() {
            return Err(SimError::new(400, "token must not be empty"));
        }
        if !self.tenants.contains_key(tenant) {
            return Err(absent("tenants", tenant));
        }
        self.tokens
            .insert(token.trim().to_string(), tenant.to_string());
        Ok(())
    }

    /// Holds a VM locked with `code` for `ms` through a task doing nothing.
    pub fn lock_vm(&mut self, id: &str, code: i32, ms: u64, now: u64) -> Result<Value, SimError> {
        self.advance(now);
        if !self.vms.contains_key(id) {
            return Err(absent("vms", id));
        }
        if !(1..=14).contains(&code) {
            return Err(SimError::new(400, "code must be a lock code 1-14"));
        }
        let startid = self.hold(id, code, ms, now);
        Ok(json!({"ok": true, "startid": startid}))
    }

    /// Seeds a running VM of the default tenant at once (no task), e.g. for data
    /// sources: `{"vm.name", "vm.template.id", "vm.vcpu.num", "vm.memory.mem"}`.
    pub fn seed_vm(&mut self, body: &Map<String, Value>, now: u64) -> Result<Value, SimError> {
        let tenant = self
            .tokens
            .get(super::DEFAULT_TOKEN)
            .cloned()
            .unwrap_or_default();
        let template = text(body, "vm.template.id").unwrap_or_else(|| "tpl-centos-7".into());
        let source = catalog::template(&template).ok_or_else(|| absent("templates", &template))?;
        let vpc = text(body, "vnic.portgroupid").unwrap_or_else(|| "vpc-default".into());
        if !self.vpcs.contains_key(&vpc) {
            return Err(absent("vpcs", &vpc));
        }
        let id = self.new_id("vm");
        let ip = self.allocate_ip(&vpc);
        let vm = super::model::Vm {
            id: id.clone(),
            tenant,
            name: text(body, "vm.name").unwrap_or_else(|| id.clone()),
            desc: text(body, "vm.desc").unwrap_or_default(),
            created_ms: self.shape.created(now),
            state: int(body, "vm.state")?
                .map(|s| s as i32)
                .unwrap_or(state::RUNNING),
            lock: 0,
            cpu: int(body, "vm.vcpu.num")?.unwrap_or(1),
            memory: int(body, "vm.memory.mem")?.unwrap_or(1024),
            tenant_type: String::new(),
            model: String::new(),
            template,
            ip: ip.clone(),
            host: catalog::HOSTS[0].0.into(),
            reboot_enable: true,
            shutdown_enable: source.soft_shutdown,
            password: String::new(),
            vnc_password: String::new(),
            vnc_port: 5900 + self.vms.len() as u16,
        };
        self.vms.insert(id.clone(), vm);
        let created = self.shape.created(now);
        self.add_disk(&id, "vda", "system disk", source.disk_gb, created);
        self.add_nic(&id, &vpc, ip, created);
        Ok(self.vms[&id].render(0))
    }

    /// Out-of-band change (drift) of a VM, network, backup, snapshot, disk or tenant,
    /// with the API's key names, e.g. `{"vm.name": "x"}`, `{"vm.state": "0"}`,
    /// `{"vdisk.size": "80"}`,
    /// `{"vm.shutdown.enable": "false"}`, `{"vm.lock": "5"}`, `{"cpu": 4}`.
    pub fn patch_object(
        &mut self,
        kind: &str,
        id: &str,
        patch: &Map<String, Value>,
        now: u64,
    ) -> Result<Value, SimError> {
        self.advance(now);
        let f = |k: &str| text(patch, k);
        match kind {
            "vms" => {
                let vm = self.vms.get_mut(id).ok_or_else(|| absent(kind, id))?;
                if let Some(v) = f("vm.name") {
                    vm.name = v;
                }
                if let Some(v) = f("vm.desc") {
                    vm.desc = v;
                }
                if let Some(v) = int(patch, "vm.state")? {
                    vm.state = v as i32;
                }
                if let Some(v) = int(patch, "vm.lock")? {
                    vm.lock = v as i32;
                }
                if let Some(v) = int(patch, "vm.vcpu.num")? {
                    vm.cpu = v;
                }
                if let Some(v) = int(patch, "vm.memory.mem")? {
                    vm.memory = v;
                }
                if let Some(v) = f("vm.shutdown.enable") {
                    vm.shutdown_enable = v == "true";
                }
                if let Some(v) = f("vm.reboot.enable") {
                    vm.reboot_enable = v == "true";
                }
                let lock = self.lock_of(id);
                Ok(self.vms[id].render(lock))
            }
            "vpcs" => {
                let vpc = self.vpcs.get_mut(id).ok_or_else(|| absent(kind, id))?;
                if let Some(v) = f("vpc.name") {
                    vpc.name = v;
                }
                if let Some(v) = f("vpc.desc") {
                    vpc.desc = v;
                }
                Ok(vpc.render(0))
            }
            "backups" | "snapshots" => {
                let prefix = &kind[..kind.len() - 1];
                let map = if kind == "backups" {
                    &mut self.backups
                } else {
                    &mut self.snapshots
                };
                let b = map.get_mut(id).ok_or_else(|| absent(kind, id))?;
                if let Some(v) = f(&format!("{prefix}.name")) {
                    b.name = v;
                }
                if let Some(v) = f(&format!("{prefix}.desc")) {
                    b.desc = v;
                }
                if let Some(v) = f(&format!("{prefix}.enable")) {
                    b.enable = v == "true";
                }
                Ok(b.render(prefix))
            }
            "disks" => {
                let d = self.disks.get_mut(id).ok_or_else(|| absent(kind, id))?;
                if let Some(v) = int(patch, "vdisk.size")? {
                    d.size = v;
                }
                if let Some(v) = f("vdisk.desc") {
                    d.desc = v;
                }
                Ok(d.render())
            }
            "tenants" => {
                let t = self.tenants.get_mut(id).ok_or_else(|| absent(kind, id))?;
                for (key, slot) in [
                    ("cpu", &mut t.cpu),
                    ("memory", &mut t.memory),
                    ("storage", &mut t.storage),
                    ("ip", &mut t.outerip),
                    ("vpc", &mut t.portgroup),
                ] {
                    if let Some(v) = int(patch, key)? {
                        *slot = v;
                    }
                }
                Ok(t.to_json())
            }
            _ => self.net_patch(kind, id, patch),
        }
    }

    /// Removes an object at once (no task): `vms` (with its disks, NICs, backups,
    /// snapshots), `vpcs`, `nics` (a NIC detached by hand), `backups`, `snapshots`,
    /// `disks`, `tenants`.
    pub fn remove_object(&mut self, kind: &str, id: &str, now: u64) -> Result<Value, SimError> {
        self.advance(now);
        let removed = match kind {
            "vms" => self.remove_vm(id).map(|v| v.render(0)),
            "vpcs" => self.vpcs.remove(id).map(|v| v.render(0)),
            "nics" => self.nics.remove(id).map(|n| n.render("")),
            "backups" => self.backups.remove(id).map(|b| b.render("backup")),
            "snapshots" => self.snapshots.remove(id).map(|b| b.render("snapshot")),
            "disks" => self.disks.remove(id).map(|d| d.render()),
            "tenants" => self.tenants.remove(id).map(|t| t.to_json()),
            _ => return self.net_remove(kind, id),
        };
        self.tasks
            .retain(|t| t.vm != id || t.effect != Effect::Hold);
        removed.ok_or_else(|| absent(kind, id))
    }
}
