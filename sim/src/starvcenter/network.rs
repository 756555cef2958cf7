//! Tenant private networks (doc 2.3.1–2.3.4) and NICs (2.5). The document's
//! `" vpc.desc"` (create, modify) is accepted with or without its stray space.

use super::model::Vpc;
use super::{fail, paginate, Answer, Call, Fail, StarVCenter};
use serde_json::{json, Value};

impl StarVCenter {
    /// Routes `cloudnetwork/vpc/...` and `cloudvm/vnic/...`.
    pub(super) fn network(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        Some(match (call.method, call.segs) {
            ("POST", ["cloudnetwork", "vpc", "create"]) => self.create_vpc(call),
            ("PUT", ["cloudnetwork", "vpc", "modify"]) => self.modify_vpc(call),
            // docs/design/wire.md, "StarVCenter": VPC delete is POST, as printed.
            ("POST", ["cloudnetwork", "vpc", "delete"]) => self.delete_vpc(call),
            ("POST", ["cloudnetwork", "vpc", "search"]) => self.search_vpcs(call),
            ("POST", ["cloudvm", "vnic", "search"]) => self.search_nics(call),
            ("POST", ["cloudvm", "vnic", "add"]) => self.add_nic_call(call),
            _ => return None,
        })
    }

    /// Addresses still free in a network (a /24 minus network, gateway, broadcast and
    /// the NICs in it).
    fn usable_ips(&self, vpc: &str) -> u64 {
        let used = self.nics.values().filter(|n| n.vpc == vpc).count() as u64;
        253u64.saturating_sub(used)
    }

    /// A network of the caller's tenant.
    fn owned_vpc(&self, call: &Call, id: &str) -> Result<String, Fail> {
        match self.vpcs.get(id.trim()) {
            Some(v) if v.tenant == call.tenant => Ok(v.id.clone()),
            _ => fail(format!("私网不存在: vpc {id} not found")),
        }
    }

    /// `POST cloudnetwork/vpc/create` (2.3.1); the tenant's subnet quota applies.
    fn create_vpc(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let name = p.req("vpc.name")?;
        let desc = p.str("vpc.desc").unwrap_or_default();
        let quota = self
            .tenants
            .get(call.tenant)
            .map(|t| t.portgroup)
            .unwrap_or(0);
        let used = self
            .vpcs
            .values()
            .filter(|v| v.tenant == call.tenant)
            .count() as i64;
        if used + 1 > quota {
            return fail(format!(
                "配额不足: subnet quota exceeded (using {used} of {quota} subnets)"
            ));
        }
        let id = self.new_id("vpc");
        let octet = self.vpcs.values().map(|v| v.octet - 9).max().unwrap_or(0);
        let vpc = Vpc::new(id.clone(), call.tenant, &name, &desc, octet, call.created);
        let data = vpc.render_created();
        self.vpcs.insert(id, vpc);
        Ok(Answer::data(data))
    }

    /// `PUT cloudnetwork/vpc/modify` (2.3.2).
    fn modify_vpc(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = self.owned_vpc(call, &p.req("vpc.id")?)?;
        let vpc = self.vpcs.get_mut(&id).expect("owned");
        if let Some(name) = p.str("vpc.name") {
            vpc.name = name;
        }
        if p.0.contains_key("vpc.desc") {
            vpc.desc = p.str("vpc.desc").unwrap_or_default();
        }
        Ok(Answer::data(json!("")))
    }

    /// `POST cloudnetwork/vpc/delete` (2.3.3); refused while NICs use it.
    fn delete_vpc(&mut self, call: &Call) -> Result<Answer, Fail> {
        let id = self.owned_vpc(call, &call.params.req("vpc.id")?)?;
        let users: Vec<&str> = self
            .nics
            .values()
            .filter(|n| n.vpc == id)
            .map(|n| n.vm.as_str())
            .collect();
        if !users.is_empty() {
            return fail(format!(
                "私网使用中: vpc {id} is used by vm {}",
                users.join(", ")
            ));
        }
        self.vpcs.remove(&id);
        Ok(Answer::data(json!("")))
    }

    /// `POST cloudnetwork/vpc/search` (2.3.4). The document lists no parameters;
    /// `vpc.id`, `vpc.name` and paging narrow it when given.
    fn search_vpcs(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = p.str("vpc.id");
        let name = p.str("vpc.name");
        let items: Vec<Value> = self
            .vpcs
            .values()
            .filter(|v| v.tenant == call.tenant)
            .filter(|v| id.as_ref().is_none_or(|i| v.id == *i))
            .filter(|v| name.as_ref().is_none_or(|n| v.name.contains(n.as_str())))
            .map(|v| v.render(self.usable_ips(&v.id)))
            .collect();
        let total = items.len();
        let mut page = paginate(p, items, false)?;
        page.total = Some(page.total.unwrap_or(total));
        Ok(Answer::page(page))
    }

    /// `POST cloudvm/vnic/search` (2.5.1).
    fn search_nics(&self, call: &Call) -> Result<Answer, Fail> {
        let vm = self.owned(call, &call.params.req("vnic.vmid")?)?;
        let mut nics: Vec<_> = self.nics.values().filter(|n| n.vm == vm).collect();
        nics.sort_by_key(|n| n.index);
        let items = nics
            .into_iter()
            .map(|n| n.render(self.vpcs.get(&n.vpc).map(|v| v.name.as_str()).unwrap_or("")))
            .collect();
        Ok(Answer::data(Value::Array(items)))
    }

    /// `POST cloudvm/vnic/add` (2.5.2).
    fn add_nic_call(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let vm = self.owned_unlocked(call, &p.req("vnic.vmid")?)?;
        let vpc = self.owned_vpc(call, &p.req("vnic.portgroupid")?)?;
        let ip = self.allocate_ip(&vpc);
        let id = self.add_nic(&vm, &vpc, ip, call.created);
        Ok(Answer::data(json!({"vnic.id": id})))
    }
}
