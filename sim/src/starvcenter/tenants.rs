//! Tenants (doc 2.1.1) and quotas (2.10): creation, the pool's total quota, a
//! tenant's quota update and its usable amounts. VM, disk and network creation
//! beyond the token's tenant's quota fails with `resultinfo` naming the quota.

use super::model::Tenant;
use super::{fail, Answer, Call, Fail, StarVCenter};
use serde_json::json;

/// The resource pool's total quota (2.10.1): CPU cores, memory MB, storage GB, IPs.
const POOL: (i64, i64, i64, i64) = (256, 524_288, 20_480, 64);

/// What a tenant uses now.
#[derive(Default)]
struct Usage {
    cpu: i64,
    memory: i64,
    storage: i64,
    vpcs: i64,
}

impl StarVCenter {
    /// Routes `cloudTenant/...` and `resourcequota/...`.
    pub(super) fn tenancy(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        Some(match (call.method, call.segs) {
            ("POST", ["cloudTenant", "create"]) => self.create_tenant(call),
            ("POST", ["resourcequota", "search"]) => Ok(Answer::data(json!({
                "cpu": POOL.0, "memory": POOL.1, "storage": POOL.2, "ip": POOL.3
            }))),
            ("PUT", ["resourcequota", "modify"]) => self.modify_quota(call),
            ("POST", ["resourcequota", "usableQuota"]) => self.usable_quota(call),
            _ => return None,
        })
    }

    /// What `tenant` uses.
    fn usage(&self, tenant: &str) -> Usage {
        let mut u = Usage::default();
        for vm in self.vms.values().filter(|v| v.tenant == tenant) {
            u.cpu += vm.cpu;
            u.memory += vm.memory;
            u.storage += self
                .disks
                .values()
                .filter(|d| d.vm == vm.id)
                .map(|d| d.size)
                .sum::<i64>();
        }
        u.storage += self
            .pv_disks
            .values()
            .filter(|d| d.tenant == tenant)
            .map(|d| d.size)
            .sum::<i64>();
        u.vpcs = self.vpcs.values().filter(|v| v.tenant == tenant).count() as i64;
        u
    }

    /// Fails when adding this much would exceed the tenant's quota.
    pub(super) fn check_quota(
        &self,
        tenant: &str,
        cpu: i64,
        memory: i64,
        storage: i64,
    ) -> Result<(), Fail> {
        let Some(t) = self.tenants.get(tenant) else {
            return fail(format!("租户不存在: tenant {tenant} not found"));
        };
        let u = self.usage(tenant);
        for (what, used, add, quota) in [
            ("CPU", u.cpu, cpu, t.cpu),
            ("memory (MB)", u.memory, memory, t.memory),
            ("storage (GB)", u.storage, storage, t.storage),
        ] {
            if add > 0 && used + add > quota {
                return fail(format!(
                    "配额不足: {what} quota of tenant {} exceeded: using {used} of {quota}, asked for {add} more",
                    t.id
                ));
            }
        }
        Ok(())
    }

    /// `POST cloudTenant/create` (2.1.1): quotas default to the pool's total.
    fn create_tenant(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let name = p.req("app.name")?;
        let quota = |key: &str, default: i64| -> Result<i64, Fail> {
            let v = p.int(key)?.unwrap_or(default);
            if v < 0 {
                return fail(format!("参数错误: {key} must not be negative"));
            }
            Ok(v)
        };
        let tenant = Tenant {
            id: self.new_id("app"),
            name,
            desc: p.str("app.desc").unwrap_or_default(),
            cpu: quota("app.cpu.quota", POOL.0)?,
            memory: quota("app.memory.quota", POOL.1)?,
            storage: quota("app.storage.quota", POOL.2)?,
            portgroup: quota("app.portgroup.quota", 10)?,
            outerip: quota("app.outerip.quota", POOL.3)?,
        };
        let id = tenant.id.clone();
        self.tenants.insert(id.clone(), tenant);
        Ok(Answer::data(json!({"app.id": id})))
    }

    /// `PUT resourcequota/modify` (2.10.2): every quota required; not below usage.
    fn modify_quota(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = p.req("tenantId")?;
        if !self.tenants.contains_key(&id) {
            return fail(format!("租户不存在: tenant {id} not found"));
        }
        let (cpu, memory, storage, ip, vpc) = (
            p.req_int("cpu")?,
            p.req_int("memory")?,
            p.req_int("storage")?,
            p.req_int("ip")?,
            p.req_int("vpc")?,
        );
        let u = self.usage(&id);
        for (what, used, quota) in [
            ("cpu", u.cpu, cpu),
            ("memory", u.memory, memory),
            ("storage", u.storage, storage),
            ("vpc", u.vpcs, vpc),
        ] {
            if quota < used {
                return fail(format!("配额不能小于已使用量: {what} quota {quota} is below what tenant {id} uses ({used})"));
            }
        }
        if ip < 0 {
            return fail("参数错误: ip must not be negative");
        }
        let t = self.tenants.get_mut(&id).expect("checked");
        (t.cpu, t.memory, t.storage, t.outerip, t.portgroup) = (cpu, memory, storage, ip, vpc);
        Ok(Answer::default())
    }

    /// `POST resourcequota/usableQuota` (2.10.3).
    fn usable_quota(&self, call: &Call) -> Result<Answer, Fail> {
        let id = call.params.req("tenant.id")?;
        let Some(t) = self.tenants.get(&id) else {
            return fail(format!("租户不存在: tenant {id} not found"));
        };
        let u = self.usage(&id);
        Ok(Answer::data(json!({
            "cpu": t.cpu - u.cpu, "memory": t.memory - u.memory, "storage": t.storage - u.storage,
            "outerIpSize": t.outerip, "portGroupSize": t.portgroup - u.vpcs, "oss": 0,
            "countCpu": t.cpu, "countMemory": t.memory, "countStorage": t.storage,
            "countOuterIpSize": t.outerip, "countPortGroupSize": t.portgroup, "countOss": 0
        })))
    }
}
