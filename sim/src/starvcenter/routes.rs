//! Cloud routers (doc 2.9), IP and port mappings (2.3.5–2.3.8, 2.9.5), access-control
//! rules and the subnet boundary firewall (2.3.9–2.3.12), and the outer IP pool
//! (2.11). A mapping whose public IP (and port) is already taken fails with
//! `外网IP端口已被映射` / `外网IP已被使用`, naming the mapping or SLB that holds it.

use super::model::{lock, Effect};
use super::netmodel::{AclRule, Nat, Router, OUTER_GATEWAY, OUTER_IPS, OUTER_NETMASK};
use super::{fail, paginate, Answer, Call, Fail, StarVCenter};
use crate::util::task_date;
use serde_json::{json, Value};

impl StarVCenter {
    /// Routes `vroute/...`.
    pub(super) fn vroute(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        Some(match (call.method, &call.segs[1..]) {
            ("POST", ["create"]) => self.create_router(call),
            ("POST", ["vpcAdd"]) => self.router_subnet(call, true),
            ("POST", ["vpcDelete"]) => self.router_subnet(call, false),
            ("POST", ["Mapping", "search"]) => self.search_nats(call),
            ("GET", [id]) => self.router_detail(call, id),
            _ => return None,
        })
    }

    /// Routes the part-2 paths under `cloudnetwork/` and `cloudip/`.
    pub(super) fn mappings(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        Some(match (call.method, call.segs) {
            ("POST", ["cloudnetwork", "sharenet", "connect"]) => self.share_connect(call),
            ("POST", ["cloudnetwork", "sharenet", "search"]) => self.share_search(call),
            ("POST", ["cloudnetwork", "portMapping", "create"]) => self.port_mapping(call),
            ("DELETE", ["cloudnetwork", "ipmapping", id]) => self.delete_nat(call, id),
            ("POST", ["cloudnetwork", "acessrule", "search"]) => self.search_acls(call),
            ("POST", ["cloudnetwork", "acessrule", "add"]) => self.add_acl(call),
            ("DELETE", ["cloudnetwork", "acessrule", id]) => self.delete_acl(call, id),
            ("POST", ["cloudnetwork", "netgate"]) => self.netgate(call),
            ("POST", ["cloudip", "mapping", "outerIp", "search"]) => self.outer_ips(call),
            _ => return None,
        })
    }

    /// A router of the caller's tenant.
    fn owned_router(&self, call: &Call, id: &str) -> Result<String, Fail> {
        match self.net.routers.get(id.trim()) {
            Some(r) if r.tenant == call.tenant => Ok(r.id.clone()),
            _ => fail(format!("云路由不存在: vroute {id} not found")),
        }
    }

    /// Whether a router's create task succeeded (or is long forgotten).
    fn router_online(&self, router: &Router) -> bool {
        match self.tasks.iter().find(|t| t.startid == router.startid) {
            Some(t) => t.result == Some(0),
            None => true,
        }
    }

    /// `POST vroute/create` (2.9.1, async like VM creation: `jobstartid` per element).
    fn create_router(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = self.new_id("vm");
        let name = p
            .str("vroute.name")
            .unwrap_or_else(|| format!("vroute-{id}"));
        let n = self.net.routers.len() + 2;
        let manage_ip = p
            .str("vroute.manageip")
            .unwrap_or_else(|| format!("198.51.100.{n}"));
        let startid = self.start_task(
            "vroute.create",
            &id,
            lock::INSTALLING,
            Effect::Hold,
            call.now,
        );
        let router = Router {
            id: id.clone(),
            tenant: call.tenant.to_string(),
            name: name.clone(),
            manage_ip: manage_ip.clone(),
            ha: p.bool("vroute.ha.enable").unwrap_or(false),
            startid: startid.clone(),
            vpcs: Default::default(),
            created_ms: call.created,
        };
        self.net.routers.insert(id.clone(), router);
        Ok(Answer::data(json!([{"vm.id": id, "vm.name": name,
                                 "vm.manageip": manage_ip, "jobstartid": startid}])))
    }

    /// `GET vroute/{vmId}` (2.9.4).
    fn router_detail(&self, call: &Call, id: &str) -> Result<Answer, Fail> {
        let id = self.owned_router(call, id)?;
        let r = &self.net.routers[&id];
        Ok(Answer::data(
            json!({"vroute.id": r.id, "vroute.name": r.name, "vroute.desc": "",
            "vroute.createtime": task_date(r.created_ms), "vroute.register.address": r.manage_ip,
            "vroute.online": self.router_online(r).to_string(), "vroute.manageip": r.manage_ip}),
        ))
    }

    /// The router a `vpcAdd`/`vpcDelete` call means: `vroute.id` (or `vm.id`) when
    /// given — the document prints only `portgroup.id` — else the tenant's only router.
    fn call_router(&self, call: &Call) -> Result<String, Fail> {
        let p = call.params;
        if let Some(id) = p.str("vroute.id").or_else(|| p.str("vm.id")) {
            return self.owned_router(call, &id);
        }
        let mine: Vec<&String> = self
            .net
            .routers
            .values()
            .filter(|r| r.tenant == call.tenant)
            .map(|r| &r.id)
            .collect();
        match mine.as_slice() {
            [one] => Ok((*one).clone()),
            [] => fail("云路由不存在: the tenant has no router"),
            _ => fail("参数缺失: vroute.id is required when the tenant has several routers"),
        }
    }

    /// `POST vroute/vpcAdd` (2.9.2) and `vroute/vpcDelete` (2.9.3). Attaching a subnet
    /// already attached to this router is a no-op; to another router, a failure.
    fn router_subnet(&mut self, call: &Call, attach: bool) -> Result<Answer, Fail> {
        let router = self.call_router(call)?;
        self.ensure_unlocked(&router)?;
        let vpc = self.owned_vpc_id(call, &call.params.req("portgroup.id")?)?;
        if attach {
            if let Some(other) = self.subnet_router(&vpc).filter(|r| *r != router) {
                return fail(format!(
                    "子网已接入云路由: subnet {vpc} is attached to router {other}"
                ));
            }
            self.net
                .routers
                .get_mut(&router)
                .expect("owned")
                .vpcs
                .insert(vpc);
        } else {
            if !self.net.routers[&router].vpcs.contains(&vpc) {
                return fail(format!(
                    "子网未接入云路由: subnet {vpc} is not attached to router {router}"
                ));
            }
            if let Some(nat) = self
                .net
                .nats
                .values()
                .find(|n| n.vpc == vpc && n.router == router)
            {
                return fail(format!(
                    "子网使用中: mapping {} of subnet {vpc} goes through router {router}",
                    nat.id
                ));
            }
            self.net
                .routers
                .get_mut(&router)
                .expect("owned")
                .vpcs
                .remove(&vpc);
        }
        Ok(Answer::data(json!("")))
    }

    /// A subnet of the caller's tenant.
    fn owned_vpc_id(&self, call: &Call, id: &str) -> Result<String, Fail> {
        match self.vpcs.get(id.trim()) {
            Some(v) if v.tenant == call.tenant => Ok(v.id.clone()),
            _ => fail(format!("子网不存在: subnet {id} not found")),
        }
    }

    /// The router a subnet is attached to.
    fn subnet_router(&self, vpc: &str) -> Option<String> {
        self.net
            .routers
            .values()
            .find(|r| r.vpcs.contains(vpc))
            .map(|r| r.id.clone())
    }

    /// The tenant VM NIC with this address: (vm, vpc).
    fn nic_by_ip(&self, call: &Call, ip: &str) -> Result<(String, String), Fail> {
        self.nics
            .values()
            .find(|n| n.ip == ip && self.vms.get(&n.vm).is_some_and(|v| v.tenant == call.tenant))
            .map(|n| (n.vm.clone(), n.vpc.clone()))
            .ok_or_else(|| {
                Fail::Failed(format!(
                    "云主机不存在: no VM of the tenant has address {ip}"
                ))
            })
    }

    /// A VM's name, or empty.
    fn vm_name(&self, id: &str) -> String {
        self.vms.get(id).map(|v| v.name.clone()).unwrap_or_default()
    }

    /// `POST vroute/Mapping/search` (2.9.5); without paging, every mapping.
    fn search_nats(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        type Get = fn(&Nat) -> String;
        let filters: [(&str, Get); 7] = [
            ("natOuterip", |n: &Nat| n.outer_ip.clone()),
            ("natType", |n: &Nat| n.kind.clone()),
            ("natOuterport", |n: &Nat| n.outer_port.clone()),
            ("natInnerport", |n: &Nat| n.inner_port.clone()),
            ("natInnerip", |n: &Nat| n.inner_ip.clone()),
            ("natVrouteid", |n: &Nat| n.router.clone()),
            ("natAppid", |n: &Nat| n.tenant.clone()),
        ];
        let items: Vec<Value> = self
            .net
            .nats
            .values()
            .filter(|n| n.tenant == call.tenant)
            .filter(|n| {
                filters
                    .iter()
                    .all(|(k, get)| p.str(k).is_none_or(|want| get(n) == want))
            })
            .map(|n| n.render(&self.vm_name(&n.vm)))
            .collect();
        Ok(Answer::page(paginate(p, items, false)?))
    }

    /// An outer address of the pool, or a failure.
    fn pool_ip(ip: &str) -> Result<(), Fail> {
        if OUTER_IPS.contains(&ip) {
            Ok(())
        } else {
            fail(format!(
                "外网IP不存在: {ip} is not an outer address of the IP pool"
            ))
        }
    }

    /// `POST cloudnetwork/portMapping/create` (2.3.7). The document prints no `data`;
    /// the simulator answers `""` (find the mapping with `vroute/Mapping/search`).
    fn port_mapping(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let inner_ip = p.req("innerIp")?;
        let inner_port = p.req_int("innerPort")?;
        let outer_ip = p.req("ipaddress")?;
        let outer_port = p.req_int("outerPort")?;
        let protocol = p.req("protocal")?.to_lowercase();
        for (key, port) in [("innerPort", inner_port), ("outerPort", outer_port)] {
            if !(1..=65535).contains(&port) {
                return fail(format!("参数错误: {key} must be 1-65535, got {port}"));
            }
        }
        if protocol != "tcp" && protocol != "udp" {
            return fail(format!(
                "参数错误: protocal must be tcp or udp, got {protocol:?}"
            ));
        }
        Self::pool_ip(&outer_ip)?;
        let (vm, vpc) = self.nic_by_ip(call, &inner_ip)?;
        let router = self.subnet_router(&vpc).ok_or_else(|| {
            Fail::Failed(format!("子网未接入云路由: subnet {vpc} of {inner_ip} is not attached to a router (vroute/vpcAdd)"))
        })?;
        if let Some(user) = self.outer_use(&outer_ip, Some(&outer_port.to_string()), "") {
            return fail(format!(
                "外网IP端口已被映射: {outer_ip}:{outer_port} is already mapped ({user})"
            ));
        }
        let id = self.new_id("nat");
        let nat = Nat {
            id: id.clone(),
            tenant: call.tenant.to_string(),
            kind: "port".into(),
            outer_ip,
            outer_port: outer_port.to_string(),
            inner_ip,
            inner_port: inner_port.to_string(),
            protocol,
            srcip: p.str("sourceIp").unwrap_or_default(),
            desc: p.str("desc").unwrap_or_default(),
            vm,
            vpc,
            router,
            share_ip: String::new(),
            created_ms: call.created,
        };
        self.net.nats.insert(id, nat);
        Ok(Answer::data(json!("")))
    }

    /// `POST cloudnetwork/sharenet/connect` (2.3.5): one IP mapping per VM; a given
    /// outer address must be wholly free.
    fn share_connect(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let vm = self.owned(call, &p.req("vm.id")?)?;
        if let Some(n) = self
            .net
            .nats
            .values()
            .find(|n| n.kind == "ip" && n.vm == vm)
        {
            return fail(format!(
                "云主机已存在IP映射: vm {vm} is already mapped (nat {})",
                n.id
            ));
        }
        let outer = p.str("vm.outer.ipaddress").unwrap_or_default();
        if !outer.is_empty() {
            Self::pool_ip(&outer)?;
            if let Some(user) = self.outer_use(&outer, None, "") {
                return fail(format!(
                    "外网IP已被使用: {outer} is already mapped ({user})"
                ));
            }
        }
        let nic = self
            .nics
            .values()
            .filter(|n| n.vm == vm)
            .min_by_key(|n| n.index)
            .cloned();
        let (inner_ip, vpc) = nic.map(|n| (n.ip, n.vpc)).unwrap_or_default();
        let id = self.new_id("nat");
        let share_ip = format!(
            "10.250.0.{}",
            10 + self.net.nats.values().filter(|n| n.kind == "ip").count()
        );
        let nat = Nat {
            id: id.clone(),
            tenant: call.tenant.to_string(),
            kind: "ip".into(),
            outer_ip: outer,
            outer_port: String::new(),
            inner_ip,
            inner_port: String::new(),
            protocol: String::new(),
            srcip: p.str("vm.allow.srcip").unwrap_or_default(),
            desc: p.str("desc").unwrap_or_default(),
            router: self.subnet_router(&vpc).unwrap_or_default(),
            vm,
            vpc,
            share_ip: share_ip.clone(),
            created_ms: call.created,
        };
        self.net.nats.insert(id, nat);
        Ok(Answer::data(json!({ "tenant.shareip": share_ip })))
    }

    /// `POST cloudnetwork/sharenet/search` (2.3.6): paging required.
    fn share_search(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let name = p.str("vm.name");
        let ip = p.str("tenant.shareip");
        let items: Vec<Value> = self
            .net
            .nats
            .values()
            .filter(|n| n.tenant == call.tenant && n.kind == "ip")
            .filter(|n| {
                name.as_ref()
                    .is_none_or(|v| self.vm_name(&n.vm).contains(v.as_str()))
            })
            .filter(|n| ip.as_ref().is_none_or(|v| n.share_ip.contains(v.as_str())))
            .map(|n| {
                json!({"nat.id": n.id, "vm.id": n.vm, "vm.name": self.vm_name(&n.vm),
                            "tenant.shareip": n.share_ip})
            })
            .collect();
        Ok(Answer::page(paginate(p, items, true)?))
    }

    /// `DELETE cloudnetwork/ipmapping/{natId}` (2.3.8): an IP or port mapping.
    fn delete_nat(&mut self, call: &Call, id: &str) -> Result<Answer, Fail> {
        match self.net.nats.get(id.trim()) {
            Some(n) if n.tenant == call.tenant => {}
            _ => return fail(format!("映射不存在: mapping {id} not found")),
        }
        self.net.nats.remove(id.trim());
        Ok(Answer::data(json!({})))
    }

    /// `POST cloudnetwork/acessrule/search` (2.3.9): underscore keys, paging required.
    fn search_acls(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let fuzzy = |key: &str, have: &str| p.str(key).is_none_or(|w| have.contains(w.as_str()));
        let exact = |key: &str, have: &str| p.str(key).is_none_or(|w| have == w);
        let items: Vec<Value> = self
            .net
            .acls
            .values()
            .filter(|a| a.tenant == call.tenant)
            .filter(|a| fuzzy("aclrule_target", &a.target) && fuzzy("aclrule_vnetid", &a.vpc))
            .filter(|a| exact("aclrule_type", &a.kind) && exact("aclrule_vmport", &a.port))
            .filter(|a| exact("aclrule_vrouteid", &a.router))
            .map(|a| {
                let router = self.net.routers.get(&a.router).map(|r| r.name.clone());
                a.render(&router.unwrap_or_default(), &self.tenant_name(&a.tenant))
            })
            .collect();
        Ok(Answer::page(paginate(p, items, true)?))
    }

    /// Checks a port list like `80:83,85,87` (2.3.10).
    fn check_ports(ports: &str) -> Result<(), Fail> {
        let ok = ports.split(',').all(|part| {
            part.split(':')
                .all(|n| n.trim().parse::<u16>().is_ok_and(|v| v > 0))
                && part.split(':').count() <= 2
        });
        if ok {
            Ok(())
        } else {
            fail(format!(
                "参数错误: allow.internalport {ports:?} is not a port list like 80:83,85"
            ))
        }
    }

    /// `POST cloudnetwork/acessrule/add` (2.3.10). `net_gate` rules live on the
    /// subnet's router, so the subnet must be attached to one.
    fn add_acl(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let vm_ip = p.req("vm.ip")?;
        let kind = p.req("aclrule.type")?;
        if kind != "net_gate" && kind != "net_inner" {
            return fail(format!(
                "参数错误: aclrule.type must be net_gate or net_inner, got {kind:?}"
            ));
        }
        let direction = p.str("allow.direction").unwrap_or_default();
        if kind == "net_inner" && direction != "in" && direction != "out" {
            return fail("参数错误: allow.direction (in/out) is required for net_inner");
        }
        let port = p.str("allow.internalport").unwrap_or_default();
        let protocol = p.str("allow.protocol").unwrap_or_default().to_lowercase();
        if !port.is_empty() {
            Self::check_ports(&port)?;
            if protocol.is_empty() {
                return fail("参数缺失: allow.protocol is required with allow.internalport");
            }
        }
        if !["", "tcp", "udp", "icmp"].contains(&protocol.as_str()) {
            return fail(format!(
                "参数错误: allow.protocol must be tcp, udp or icmp, got {protocol:?}"
            ));
        }
        let (vm, vpc) = self.nic_by_ip(call, &vm_ip)?;
        let router = self.subnet_router(&vpc).unwrap_or_default();
        if kind == "net_gate" && router.is_empty() {
            return fail(format!(
                "子网未接入云路由: subnet {vpc} has no router for a net_gate rule"
            ));
        }
        let mut target = p.str("allow.dstips").unwrap_or_default();
        let mut srcip = p.str("allow.sourceips").unwrap_or_default();
        match direction.as_str() {
            "in" => target = vm_ip.clone(),
            "out" => srcip = vm_ip.clone(),
            _ => {}
        }
        let id = self.new_id("acl");
        let rule = AclRule {
            id: id.clone(),
            tenant: call.tenant.to_string(),
            kind,
            direction,
            vm_name: self.vm_name(&vm),
            vm_ip,
            vpc,
            router,
            target,
            srcip,
            port,
            protocol,
            desc: p.str("aclrule.desc").unwrap_or_default(),
        };
        self.net.acls.insert(id.clone(), rule);
        Ok(Answer::data(json!({ "rule.id": id })))
    }

    /// `DELETE cloudnetwork/acessrule/{ruleId}` (2.3.11).
    fn delete_acl(&mut self, call: &Call, id: &str) -> Result<Answer, Fail> {
        match self.net.acls.get(id.trim()) {
            Some(a) if a.tenant == call.tenant => {}
            _ => return fail(format!("规则不存在: access rule {id} not found")),
        }
        self.net.acls.remove(id.trim());
        Ok(Answer::data(json!("")))
    }

    /// `POST cloudnetwork/netgate` (2.3.12): `type` open or close.
    fn netgate(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let vpc = self.owned_vpc_id(call, &p.req("portgroup.id")?)?;
        match p.req("type")?.as_str() {
            "open" => self.net.netgates.insert(vpc),
            "close" => self.net.netgates.remove(&vpc),
            other => {
                return fail(format!(
                    "参数错误: type must be open or close, got {other:?}"
                ))
            }
        };
        Ok(Answer::data(json!("")))
    }

    /// The outer ports in use on an address (mappings and SLB front ends).
    fn used_ports(&self, ip: &str) -> Vec<String> {
        let mut ports: Vec<String> = self
            .net
            .nats
            .values()
            .filter(|n| n.outer_ip == ip && n.kind == "port")
            .map(|n| n.outer_port.clone())
            .chain(
                self.net
                    .slbs
                    .values()
                    .filter(|s| {
                        s.get("slb.directip") == ip && s.get("slb.network.type") == "outter"
                    })
                    .map(|s| s.get("slb.directport")),
            )
            .collect();
        ports.sort_by_key(|p| p.parse::<u32>().unwrap_or(0));
        ports
    }

    /// `POST cloudip/mapping/outerIp/search` (2.11.1): the outer addresses still
    /// usable (an IP-mapped address is not), with the ports mapped on each; with
    /// `nat.type` `ip` the `ports` key is absent, as printed.
    fn outer_ips(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let ip_only = p.str("nat.type").as_deref() == Some("ip");
        let inner = p.str("inner.ip");
        let items: Vec<Value> = OUTER_IPS
            .iter()
            .filter(|ip| {
                !self
                    .net
                    .nats
                    .values()
                    .any(|n| n.kind == "ip" && &n.outer_ip == *ip)
            })
            .filter(|ip| p.str("ipaddress").is_none_or(|w| ip.contains(w.as_str())))
            .filter(|ip| p.str("ipaddress.only").is_none_or(|w| **ip == w))
            .filter(|ip| {
                inner.as_ref().is_none_or(|w| {
                    self.net
                        .nats
                        .values()
                        .any(|n| &n.outer_ip == *ip && &n.inner_ip == w)
                })
            })
            .map(|ip| {
                let mut v =
                    json!({"ipaddress": ip, "gateway": OUTER_GATEWAY, "netmask": OUTER_NETMASK});
                if !ip_only {
                    v["ports"] = json!(self.used_ports(ip).join(","));
                }
                v
            })
            .collect();
        Ok(Answer::page(paginate(p, items, false)?))
    }
}
