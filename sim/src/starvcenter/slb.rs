//! Server load balancers (doc 2.12) and their back-end nodes (2.13). SLB calls are
//! synchronous (the document marks none "异步"). Ranges are checked as printed:
//! front-end port 50–65535, back-end 1–65535, retries 2–10, interval 1–50 s, timeout
//! 1–300 s, idle 1–120 s, connections 10–10000, weight 1–10. `slb.vmid` names the
//! router VM (2.9) serving it; the id is `slb_<router VM id>` (2.12.3 "slb_虚拟机ID").
//! The modify path is served without the document's typo space (docs/design/wire.md, "StarVCenter").

use super::netmodel::{RealNode, Slb, OUTER_IPS};
use super::{fail, paginate, Answer, Call, Fail, Params, StarVCenter};
use serde_json::{json, Value};

/// Integer fields of an SLB with their ranges, as 2.12.2/2.12.3 print them.
const RANGES: [(&str, i64, i64); 7] = [
    ("slb.directport", 50, 65535),
    ("slb.realport", 1, 65535),
    ("slb.health.retrytime", 2, 10),
    ("slb.health.check.interval", 1, 50),
    ("slb.health.check.timeout", 1, 300),
    ("slb.health.emptylink.timeout", 1, 120),
    ("slb.maxoccurs", 10, 10000),
];

/// Text fields modify may change (2.12.3).
const MODIFIABLE: [&str; 4] = [
    "slb.name",
    "slb.desc",
    "slb.directip",
    "slb.health.check.path",
];

/// Checks an integer field's range; `Some(value)` when given.
fn ranged(p: &Params, key: &str) -> Result<Option<i64>, Fail> {
    let Some((_, lo, hi)) = RANGES.iter().find(|(k, _, _)| *k == key) else {
        return p.int(key);
    };
    match p.int(key)? {
        Some(v) if !(*lo..=*hi).contains(&v) => {
            fail(format!("参数错误: {key} must be {lo}-{hi}, got {v}"))
        }
        other => Ok(other),
    }
}

/// The PEM checks of 2.12.7 ("只支持PEM格式").
fn check_pem(cert: &str, key: &str) -> Result<(), Fail> {
    if !(cert.contains("BEGIN CERTIFICATE") && cert.contains("END CERTIFICATE")) {
        return fail("证书格式错误: slb.https.cert.text must be a PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    if !(key.contains("BEGIN") && key.contains("PRIVATE KEY") && key.contains("END")) {
        return fail("证书格式错误: slb.https.cert.key must be a PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    Ok(())
}

impl StarVCenter {
    /// Routes `cloudslb/...`.
    pub(super) fn slb(&mut self, call: &Call) -> Option<Result<Answer, Fail>> {
        Some(match (call.method, &call.segs[1..]) {
            ("POST", ["search"]) => self.search_slbs(call),
            ("POST", ["add"]) => self.add_slb(call),
            // docs/design/wire.md, "StarVCenter": printed "cloud slb/modify"; the space is a typo.
            ("PUT", ["modify"]) => self.modify_slb(call),
            ("POST", [action @ ("start" | "stop")]) => self.switch_slb(call, *action == "start"),
            ("PUT", ["https", "cert", "conf"]) => self.slb_cert(call),
            ("POST", ["realnode", "search"]) => self.search_nodes(call),
            ("POST", ["realnode", "add"]) => self.add_node_call(call),
            ("PUT", ["realnode", "modify"]) => self.modify_node(call),
            ("DELETE", ["realnode", id]) => self.delete_node(call, id),
            ("DELETE", [id]) => self.delete_slb(call, id),
            _ => return None,
        })
    }

    /// An SLB of the caller's tenant.
    fn owned_slb(&self, call: &Call, id: &str) -> Result<String, Fail> {
        match self.net.slbs.get(id.trim()) {
            Some(s) if s.tenant == call.tenant => Ok(s.id.clone()),
            _ => fail(format!("SLB不存在: slb {id} not found")),
        }
    }

    /// `POST cloudslb/search` (2.12.1).
    fn search_slbs(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let exact = [
            "slb.id",
            "slb.appid",
            "slb.enable",
            "slb.protocal.type",
            "slb.network.type",
            "slb.directip",
            "slb.directport",
        ];
        let name = p.str("slb.name");
        let mut found: Vec<&Slb> = self
            .net
            .slbs
            .values()
            .filter(|s| s.tenant == call.tenant)
            .filter(|s| {
                name.as_ref()
                    .is_none_or(|n| s.get("slb.name").contains(n.as_str()))
            })
            .filter(|s| {
                exact.iter().all(|k| match p.str(k) {
                    None => true,
                    Some(want) => {
                        let have = match *k {
                            "slb.id" => s.id.clone(),
                            "slb.appid" => s.tenant.clone(),
                            other => s.get(other),
                        };
                        have.eq_ignore_ascii_case(&want)
                    }
                })
            })
            .collect();
        if p.str("search.orderby").as_deref() == Some("name") {
            found.sort_by_key(|s| s.get("slb.name"));
        }
        let items = found.into_iter().map(Slb::render).collect();
        Ok(Answer::page(paginate(p, items, false)?))
    }

    /// Who already uses an outer address (and port): SLB front ends and mappings.
    pub(super) fn outer_use(
        &self,
        ip: &str,
        port: Option<&str>,
        except_slb: &str,
    ) -> Option<String> {
        for s in self.net.slbs.values().filter(|s| s.id != except_slb) {
            let same_port = port.is_none_or(|p| s.get("slb.directport") == p);
            if s.get("slb.directip") == ip && same_port && s.get("slb.network.type") == "outter" {
                return Some(format!("slb {}", s.id));
            }
        }
        for n in self.net.nats.values().filter(|n| n.outer_ip == ip) {
            if n.kind == "ip" || port.is_none_or(|p| n.outer_port == p) {
                return Some(format!("nat {}", n.id));
            }
        }
        None
    }

    /// Reads and checks every SLB field of a create or modify into `slb`.
    fn slb_fields(&self, p: &Params, slb: &mut Slb) -> Result<(), Fail> {
        for (key, _, _) in RANGES {
            if let Some(v) = ranged(p, key)? {
                slb.fields.insert(key.into(), v.to_string());
            }
        }
        for key in MODIFIABLE.iter().chain(["slb.http.urlpath"].iter()) {
            if let Some(v) = p.str(key) {
                slb.fields.insert((*key).into(), v);
            }
        }
        if let Some(policy) = p.str("slb.policy.type") {
            if !["rr", "wrr", "wlc"].contains(&policy.as_str()) {
                return fail(format!(
                    "参数错误: slb.policy.type must be rr, wrr or wlc, got {policy:?}"
                ));
            }
            slb.fields.insert("slb.policy.type".into(), policy);
        }
        if let Some(own) = p.bool("slb.directip.self") {
            slb.fields
                .insert("slb.directip.self".into(), own.to_string());
        }
        Ok(())
    }

    /// The front end must be free when it is an outer address (2.12.2
    /// "前端IP必须是未使用的IP").
    fn check_front(&self, slb: &Slb) -> Result<(), Fail> {
        if slb.get("slb.network.type") != "outter" {
            return Ok(());
        }
        let ip = slb.get("slb.directip");
        if !OUTER_IPS.contains(&ip.as_str()) {
            return fail(format!(
                "外网IP不存在: {ip} is not an outer address of the IP pool"
            ));
        }
        let own = slb.get("slb.directip.self") != "false";
        let port = slb.get("slb.directport");
        let port = (!own).then_some(port.as_str());
        match self.outer_use(&ip, port, &slb.id) {
            Some(user) => fail(format!("前端IP已被使用: {ip} is already used by {user}")),
            None => Ok(()),
        }
    }

    /// `POST cloudslb/add` (2.12.2), with its `realnode` array.
    fn add_slb(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let name = p.req("slb.name")?;
        // 2.12.2 marks `slb.appid` required ("所属应用(租户)编号*").
        let app = p.req("slb.appid")?;
        if app != call.tenant {
            return fail(format!("租户不存在: tenant {app} not found"));
        }
        let protocol = p.req("slb.protocal.type")?.to_lowercase();
        if !["tcp", "udp", "http", "https"].contains(&protocol.as_str()) {
            return fail(format!(
                "参数错误: slb.protocal.type must be TCP, UDP, HTTP or HTTPS, got {protocol:?}"
            ));
        }
        let network = p.req("slb.network.type")?;
        if network != "outter" && network != "inner" {
            return fail(format!(
                "参数错误: slb.network.type must be outter or inner, got {network:?}"
            ));
        }
        let router = p.req("slb.vmid")?;
        match self.net.routers.get(&router) {
            Some(r) if r.tenant == call.tenant => {}
            _ => {
                return fail(format!(
                    "云路由不存在: slb.vmid {router} is not a router VM"
                ))
            }
        }
        let mut slb = Slb {
            tenant: call.tenant.to_string(),
            created_ms: call.created,
            ..Default::default()
        };
        slb.fields.insert("slb.name".into(), name);
        slb.fields
            .insert("slb.protocal.type".into(), protocol.clone());
        slb.fields
            .insert("slb.network.type".into(), network.clone());
        slb.fields.insert("slb.vmid".into(), router.clone());
        slb.fields
            .insert("slb.directip".into(), p.req("slb.directip")?);
        p.req("slb.directport")?;
        self.slb_fields(p, &mut slb)?;
        let front = slb.get("slb.directport");
        slb.fields.entry("slb.realport".into()).or_insert(front);
        slb.fields
            .entry("slb.policy.type".into())
            .or_insert("rr".into());
        slb.fields
            .entry("slb.http.urlpath".into())
            .or_insert("/".into());
        slb.fields.insert("slb.enable".into(), "false".into());
        if network == "outter" {
            slb.fields
                .entry("slb.directip.self".into())
                .or_insert("true".into());
        }
        if protocol == "https" {
            let cert = p.req("slb.https.cert.text")?;
            let key = p.req("slb.https.cert.key")?;
            check_pem(&cert, &key)?;
            slb.cert = cert;
            slb.key = key;
        }
        slb.id = self.slb_id(&router, p.str("slb.id"))?;
        self.check_front(&slb)?;
        let nodes =
            p.0.get("realnode")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
        let mut checked = Vec::new();
        for node in nodes {
            let params = Params(
                node.as_object()
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| (k.trim().to_string(), v))
                    .collect(),
                call.params.1,
            );
            checked.push(self.node_from(call, &params, &slb.id)?);
        }
        let id = slb.id.clone();
        self.net.slbs.insert(id.clone(), slb);
        for node in checked {
            self.net.nodes.insert(node.id.clone(), node);
        }
        Ok(Answer::data(json!({ "slb.id": id })))
    }

    /// `slb_<router>`, or `slb_<router>_<n>` when the router already serves one; a
    /// given `slb.id` must be free.
    fn slb_id(&self, router: &str, given: Option<String>) -> Result<String, Fail> {
        if let Some(id) = given {
            if self.net.slbs.contains_key(&id) {
                return fail(format!("SLB已存在: slb {id} already exists"));
            }
            return Ok(id);
        }
        let base = format!("slb_{router}");
        let mut id = base.clone();
        let mut n = 2;
        while self.net.slbs.contains_key(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        Ok(id)
    }

    /// `PUT cloudslb/modify` (2.12.3).
    fn modify_slb(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = self.owned_slb(call, &p.req("slb.id")?)?;
        let mut slb = self.net.slbs[&id].clone();
        if p.str("slb.realport").is_some() {
            return fail("参数错误: slb.realport cannot be modified");
        }
        self.slb_fields(p, &mut slb)?;
        self.check_front(&slb)?;
        self.net.slbs.insert(id, slb);
        Ok(Answer::data(json!("")))
    }

    /// `DELETE cloudslb/{id}` (2.12.4), with its nodes.
    fn delete_slb(&mut self, call: &Call, id: &str) -> Result<Answer, Fail> {
        let id = self.owned_slb(call, id)?;
        self.net.slbs.remove(&id);
        self.net.nodes.retain(|_, n| n.slb != id);
        Ok(Answer::data(json!("")))
    }

    /// `POST cloudslb/start|stop` (2.12.5, 2.12.6).
    fn switch_slb(&mut self, call: &Call, on: bool) -> Result<Answer, Fail> {
        let id = self.owned_slb(call, &call.params.req("slb.id")?)?;
        let slb = self.net.slbs.get_mut(&id).expect("owned");
        slb.fields.insert("slb.enable".into(), on.to_string());
        Ok(Answer::data(json!("")))
    }

    /// `PUT cloudslb/https/cert/conf` (2.12.7): PEM only, HTTPS SLBs only.
    fn slb_cert(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = self.owned_slb(call, &p.req("slb.id")?)?;
        let cert = p.req("slb.https.cert.text")?;
        let key = p.req("slb.https.cert.key")?;
        check_pem(&cert, &key)?;
        let slb = self.net.slbs.get_mut(&id).expect("owned");
        if slb.get("slb.protocal.type") != "https" {
            return fail(format!("协议错误: slb {id} is not an https SLB"));
        }
        slb.cert = cert;
        slb.key = key;
        Ok(Answer::data(json!("")))
    }

    /// A checked back-end node from `realnode.*` parameters.
    fn node_from(&mut self, call: &Call, p: &Params, slb: &str) -> Result<RealNode, Fail> {
        let ip = p.req("realnode.ip")?;
        let port = p.req_int("realnode.port")?;
        if !(1..=65535).contains(&port) {
            return fail(format!(
                "参数错误: realnode.port must be 1-65535, got {port}"
            ));
        }
        let vm = self.owned(call, &p.req("realnode.vmid")?)?;
        let weight = p.int("realnode.weight")?.unwrap_or(1);
        if !(1..=10).contains(&weight) {
            return fail(format!(
                "参数错误: realnode.weight must be 1-10, got {weight}"
            ));
        }
        Ok(RealNode {
            id: self.new_id("realnode"),
            slb: slb.to_string(),
            name: p.str("realnode.name").unwrap_or_default(),
            desc: p.str("realnode.desc").unwrap_or_default(),
            ip,
            port,
            vm,
            weight,
            created_ms: call.created,
        })
    }

    /// `POST cloudslb/realnode/search` (2.13.1). The document has no SLB filter; every
    /// node of the tenant's SLBs is answered, narrowed by the printed filters.
    fn search_nodes(&self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let (id, name, ip, port) = (
            p.str("realnode.id"),
            p.str("realnode.name"),
            p.str("realnode.ip"),
            p.str("realnode.port"),
        );
        let mut found: Vec<&RealNode> = self
            .net
            .nodes
            .values()
            .filter(|n| {
                self.net
                    .slbs
                    .get(&n.slb)
                    .is_some_and(|s| s.tenant == call.tenant)
            })
            .filter(|n| id.as_ref().is_none_or(|v| &n.id == v))
            .filter(|n| name.as_ref().is_none_or(|v| n.name.contains(v.as_str())))
            .filter(|n| ip.as_ref().is_none_or(|v| &n.ip == v))
            .filter(|n| port.as_ref().is_none_or(|v| &n.port.to_string() == v))
            .collect();
        if p.str("search.orderby").as_deref() == Some("name") {
            found.sort_by_key(|n| n.name.clone());
        }
        let items = found.into_iter().map(RealNode::render).collect();
        Ok(Answer::page(paginate(p, items, false)?))
    }

    /// `POST cloudslb/realnode/add` (2.13.2).
    fn add_node_call(&mut self, call: &Call) -> Result<Answer, Fail> {
        let slb = self.owned_slb(call, &call.params.req("realnode.slbid")?)?;
        let node = self.node_from(call, call.params, &slb)?;
        let id = node.id.clone();
        self.net.nodes.insert(id.clone(), node);
        Ok(Answer::data(json!({ "realnode.id": id })))
    }

    /// A node of the caller's tenant.
    fn owned_node(&self, call: &Call, id: &str) -> Result<String, Fail> {
        match self.net.nodes.get(id.trim()) {
            Some(n) if self.owned_slb(call, &n.slb).is_ok() => Ok(n.id.clone()),
            _ => fail(format!("后端节点不存在: realnode {id} not found")),
        }
    }

    /// `PUT cloudslb/realnode/modify` (2.13.3): port and weight.
    fn modify_node(&mut self, call: &Call) -> Result<Answer, Fail> {
        let p = call.params;
        let id = self.owned_node(call, &p.req("realnode.id")?)?;
        let port = p.int("realnode.port")?;
        let weight = p.int("realnode.weight")?;
        if port.is_some_and(|v| !(1..=65535).contains(&v)) {
            return fail("参数错误: realnode.port must be 1-65535");
        }
        if weight.is_some_and(|v| !(1..=10).contains(&v)) {
            return fail("参数错误: realnode.weight must be 1-10");
        }
        let node = self.net.nodes.get_mut(&id).expect("owned");
        node.port = port.unwrap_or(node.port);
        node.weight = weight.unwrap_or(node.weight);
        Ok(Answer::data(json!("")))
    }

    /// `DELETE cloudslb/realnode/{id}` (2.13.4).
    fn delete_node(&mut self, call: &Call, id: &str) -> Result<Answer, Fail> {
        let id = self.owned_node(call, id)?;
        self.net.nodes.remove(&id);
        Ok(Answer::data(json!("")))
    }
}
