//! Security groups (doc 2.17) and their rules (2.18): groups, NIC binding, rules, the
//! rules that are not in effect on the hosts (2.18.5) and their re-application
//! (2.18.6). Keys printed with stray spaces (`" securitygroup.id"`,
//! `"aclrule. securitygroupid"`) are accepted trimmed or not; answers render them as
//! printed. The unbind path is served without the document's typo space (docs/design/wire.md, "StarVCenter").

use super::netmodel::{SecGroup, SgRule};
use super::{fail, paginate, Answer, Call, Fail, Params, StarVCenter};
use serde_json::{json, Value};

/// `aclrule.securitygroupid`, also under the document's spelling with a space.
fn rule_group(p: &Params) -> Option<String> {
    p.str("aclrule.securitygroupid")
        .or_else(|| p.str("aclrule. securitygroupid"))
}

/// Comma-separated ids, trimmed, blanks dropped.
fn id_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

impl StarVCenter {
    /// Routes `cloudsegroup/...`.
    pub(super) fn secgroups(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        Some(match (call.method, &call.segs[1..]) {
            ("POST", ["search"]) => self.search_groups(call),
            ("POST", ["create"]) => self.create_group(call),
            ("POST", ["vnic", "bind"]) => self.bind_nics(call, true),
            // docs/design/wire.md, "StarVCenter": printed "cloudsegroup /vnic/unbind"; the space is a typo.
            ("POST", ["vnic", "unbind"]) => self.bind_nics(call, false),
            ("POST", ["vnic", "search"]) => self.group_nics(call),
            ("POST", ["rule", "search"]) => self.search_rules(call),
            ("POST", ["rule", "add"]) => self.add_rule(call),
            ("POST", ["rule", "vm"]) => self.vm_rules(call),
            ("DELETE", ["rule", id]) => self.delete_rule(call, id),
            ("POST", ["retryrule", "search"]) => self.retry_search(call),
            ("PUT", ["retryrule", "reset"]) => self.retry_reset(call),
            ("DELETE", [id]) => self.delete_group(call, id),
            _ => return None,
        })
    }

    /// A group of the caller's tenant.
    fn owned_group(&self, call: &Call, id: &str) -> Result<String, Fail> {
        match self.net.groups.get(id.trim()) {
            Some(g) if g.tenant == call.tenant => Ok(g.id.clone()),
            _ => fail(format!("安全组不存在: security group {id} not found")),
        }
    }

    /// Name of a tenant, or empty.
    pub(super) fn tenant_name(&self, id: &str) -> String {
        self.tenants
            .get(id)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    }

    /// `POST cloudsegroup/search` (2.17.1): exact id, fuzzy name, paging.
    fn search_groups(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = p.str("securitygroup.id");
        let name = p.str("securitygroup.name");
        let items: Vec<Value> = self
            .net
            .groups
            .values()
            .filter(|g| g.tenant == call.tenant)
            .filter(|g| id.as_ref().is_none_or(|i| &g.id == i))
            .filter(|g| name.as_ref().is_none_or(|n| g.name.contains(n.as_str())))
            .map(|g| g.render(&self.tenant_name(&g.tenant)))
            .collect();
        Ok(Answer::page(paginate(p, items, false)?))
    }

    /// `POST cloudsegroup/create` (2.17.2), synchronous.
    fn create_group(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let name = p.req("securitygroup.name")?;
        if let Some(app) = p.str("securitygroup.appid") {
            if app != call.tenant {
                return fail(format!("租户不存在: tenant {app} not found"));
            }
        }
        let id = self.new_id("sg");
        let group = SecGroup {
            id: id.clone(),
            tenant: call.tenant.to_string(),
            name,
            desc: p.str("securitygroup.desc").unwrap_or_default(),
            created_ms: call.created,
            nics: Default::default(),
        };
        self.net.groups.insert(id.clone(), group);
        Ok(Answer::data(json!({ "securitygroup.id": id })))
    }

    /// `DELETE cloudsegroup/{id}` (2.17.3): refused while NICs are bound.
    fn delete_group(&mut self, call: &Call, id: &str) -> Result<Answer, Fail> {
        let id = self.owned_group(call, id)?;
        let bound = &self.net.groups[&id].nics;
        if !bound.is_empty() {
            let list: Vec<&str> = bound.iter().map(String::as_str).collect();
            return fail(format!(
                "安全组使用中: security group {id} is bound to NIC {}; unbind them first",
                list.join(", ")
            ));
        }
        self.net.groups.remove(&id);
        self.net.rules.retain(|_, r| r.group != id);
        Ok(Answer::data(json!("")))
    }

    /// `POST cloudsegroup/vnic/bind` (2.17.4) and `.../unbind` (2.17.5).
    fn bind_nics(&mut self, call: &Call, bind: bool) -> Result<Answer, Fail> {
        let p = call.params;
        let id = self.owned_group(call, &p.req("securitygroup.id")?)?;
        let nics = id_list(&p.req("vnic.id")?);
        for nic in &nics {
            let owner = self.nics.get(nic).map(|n| n.vm.clone());
            let ok =
                owner.is_some_and(|vm| self.vms.get(&vm).is_some_and(|v| v.tenant == call.tenant));
            if !ok {
                return fail(format!("网卡不存在: vnic {nic} not found"));
            }
        }
        let group = self.net.groups.get_mut(&id).expect("owned");
        for nic in nics {
            if bind {
                group.nics.insert(nic);
            } else {
                group.nics.remove(&nic);
            }
        }
        Ok(Answer::data(json!("")))
    }

    /// `POST cloudsegroup/vnic/search` (2.17.6).
    fn group_nics(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = self.owned_group(call, &p.req("securitygroup.id")?)?;
        let ip = p.str("vnic.ipaddress");
        let items: Vec<Value> = self.net.groups[&id]
            .nics
            .iter()
            .filter_map(|n| self.nics.get(n))
            .filter(|n| ip.as_ref().is_none_or(|i| &n.ip == i))
            .map(|n| n.render(self.vpcs.get(&n.vpc).map(|v| v.name.as_str()).unwrap_or("")))
            .collect();
        Ok(Answer::page(paginate(p, items, false)?))
    }

    /// `POST cloudsegroup/rule/search` (2.18.1): groups (comma list) required.
    fn search_rules(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let groups =
            id_list(&rule_group(p).ok_or_else(|| {
                Fail::Failed("参数缺失: aclrule.securitygroupid is required".into())
            })?);
        for g in &groups {
            self.owned_group(call, g)?;
        }
        let filters: Vec<(&str, Option<String>)> = [
            "aclrule.id",
            "aclrule.vmport",
            "aclrule.protocal",
            "aclrule.srcip",
            "aclrule.target",
            "aclrule.direction",
        ]
        .iter()
        .map(|k| (*k, p.str(k)))
        .collect();
        let items: Vec<Value> = self
            .net
            .rules
            .values()
            .filter(|r| groups.contains(&r.group))
            .filter(|r| {
                filters.iter().all(|(k, want)| {
                    let Some(want) = want else { return true };
                    let have = match *k {
                        "aclrule.id" => &r.id,
                        "aclrule.vmport" => &r.port,
                        "aclrule.protocal" => &r.protocol,
                        "aclrule.srcip" => &r.srcip,
                        "aclrule.target" => &r.target,
                        _ => &r.direction,
                    };
                    have == want
                })
            })
            .map(SgRule::render)
            .collect();
        Ok(Answer::page(paginate(p, items, false)?))
    }

    /// `POST cloudsegroup/rule/add` (2.18.2); a rule may start not in effect when the
    /// control API asked for it (`/_sim/starvcenter/rule_effect`).
    fn add_rule(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let group = rule_group(p)
            .ok_or_else(|| Fail::Failed("参数缺失: aclrule.securitygroupid is required".into()))?;
        let group = self.owned_group(call, &group)?;
        let direction = p.req("aclrule.direction")?;
        if direction != "in" && direction != "out" {
            return fail(format!(
                "参数错误: aclrule.direction must be in or out, got {direction:?}"
            ));
        }
        let protocol = p.str("aclrule.protocal").unwrap_or_default().to_lowercase();
        if !["", "tcp", "udp", "icmp"].contains(&protocol.as_str()) {
            return fail(format!(
                "参数错误: aclrule.protocal must be tcp, udp or icmp, got {protocol:?}"
            ));
        }
        let (effective, stubborn) = match self.net.ineffective_next.take() {
            Some((n, resets)) => {
                if n > 1 {
                    self.net.ineffective_next = Some((n - 1, resets));
                }
                (false, resets)
            }
            None => (true, 0),
        };
        let id = self.new_id("rule");
        let rule = SgRule {
            id: id.clone(),
            group,
            direction,
            protocol,
            port: p.str("aclrule.vmport").unwrap_or_default(),
            srcip: p.str("aclrule.srcip").unwrap_or_default(),
            target: p.str("aclrule.target").unwrap_or_default(),
            effective,
            stubborn,
            retries: 0,
        };
        self.net.rules.insert(id.clone(), rule);
        Ok(Answer::data(json!({ "aclrule.id": id })))
    }

    /// `DELETE cloudsegroup/rule/{id}` (2.18.3).
    fn delete_rule(&mut self, call: &Call, id: &str) -> Result<Answer, Fail> {
        let group = match self.net.rules.get(id.trim()) {
            Some(r) => r.group.clone(),
            None => return fail(format!("规则不存在: rule {id} not found")),
        };
        self.owned_group(call, &group)
            .map_err(|_| Fail::Failed(format!("规则不存在: rule {id} not found")))?;
        self.net.rules.remove(id.trim());
        Ok(Answer::data(json!("")))
    }

    /// The VMs whose NICs are bound to a group.
    fn group_vms(&self, group: &str) -> Vec<String> {
        let mut vms: Vec<String> = self
            .net
            .groups
            .get(group)
            .map(|g| {
                g.nics
                    .iter()
                    .filter_map(|n| self.nics.get(n))
                    .map(|n| n.vm.clone())
                    .collect()
            })
            .unwrap_or_default();
        vms.sort();
        vms.dedup();
        vms
    }

    /// `POST cloudsegroup/rule/vm` (2.18.4): the rules that apply to a VM, with
    /// `aclrule_status`.
    fn vm_rules(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let vm = self.owned(call, &p.req("vm.id")?)?;
        let items: Vec<Value> = self
            .net
            .rules
            .values()
            .filter(|r| self.group_vms(&r.group).contains(&vm))
            .map(|r| {
                let mut v = r.render();
                let name = self.net.groups.get(&r.group).map(|g| g.name.clone());
                v["aclrule_securitygroupid"] = json!(r.group);
                v["aclrule_securitygroupname"] = json!(name.unwrap_or_default());
                v["aclrule_status"] = json!(r.effective.to_string());
                v
            })
            .collect();
        Ok(Answer::page(paginate(p, items, false)?))
    }

    /// The rules not in effect, narrowed by `securitygroup.id` / `vm.id` when given.
    fn ineffective(&self, p: &Params) -> Vec<(SgRule, String)> {
        let group = p.str("securitygroup.id");
        let vm = p.str("vm.id");
        let mut out = Vec::new();
        for r in self.net.rules.values().filter(|r| !r.effective) {
            if group.as_ref().is_some_and(|g| g != &r.group) {
                continue;
            }
            let vms = self.group_vms(&r.group);
            let vms = if vms.is_empty() {
                vec![String::new()]
            } else {
                vms
            };
            for v in vms {
                if vm.as_ref().is_none_or(|want| want == &v) {
                    out.push((r.clone(), v));
                }
            }
        }
        out
    }

    /// `POST cloudsegroup/retryrule/search` (2.18.5).
    fn retry_search(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        if let Some(g) = p.str("securitygroup.id") {
            self.owned_group(call, &g)?;
        }
        let items: Vec<Value> = self
            .ineffective(p)
            .into_iter()
            .filter(|(r, _)| {
                self.net
                    .groups
                    .get(&r.group)
                    .is_some_and(|g| g.tenant == call.tenant)
            })
            .map(|(r, vm)| {
                json!({"issue.id": format!("issue-{}", r.id), "aclrule.id": r.id,
                       "vm.id": vm, "retry.num": r.retries.to_string()})
            })
            .collect();
        Ok(Answer::page(paginate(p, items, false)?))
    }

    /// `PUT cloudsegroup/retryrule/reset` (2.18.6). The document prints no parameters:
    /// without any it re-applies every rule not in effect of the tenant;
    /// `securitygroup.id`, `vm.id` or `aclrule.id` narrow it. A rule comes into effect
    /// unless the control API made it resist more resets.
    fn retry_reset(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        if let Some(g) = p.str("securitygroup.id") {
            self.owned_group(call, &g)?;
        }
        let only = p.str("aclrule.id");
        let ids = self
            .ineffective(p)
            .into_iter()
            .filter(|(r, _)| {
                self.net
                    .groups
                    .get(&r.group)
                    .is_some_and(|g| g.tenant == call.tenant)
            })
            .filter(|(r, _)| only.as_ref().is_none_or(|o| o == &r.id))
            .map(|(r, _)| r.id)
            .collect::<std::collections::BTreeSet<_>>();
        for id in ids {
            if let Some(r) = self.net.rules.get_mut(&id) {
                r.retries += 1;
                if r.stubborn > 0 {
                    r.stubborn -= 1;
                } else {
                    r.effective = true;
                }
            }
        }
        Ok(Answer::data(json!("")))
    }
}
