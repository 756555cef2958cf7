//! StarVCenter part 2 (StarVCenter API 2.3.5–2.3.12, 2.9, 2.11–2.13, 2.17–2.18): security
//! groups and rules, load balancers and back-end nodes, routers, IP/port mappings,
//! access rules and the outer IP pool. Keys the document prints with stray spaces
//! (`" securitygroup.id"`, `"aclrule. securitygroupid"`, `"slb.vmid "`) are sent
//! trimmed; answers are read trimmed (`wire::decode`). The `Cloud` trait methods in
//! `mod.rs` delegate here.

use std::time::Duration;

use serde_json::{json, Map, Value};

use super::tasks::Target;
use super::wire::{self, flag, int, items, text};
use super::{absent_is_none, StarVCenterClient};
use crate::cloud::safe_create::{create_unlisted, Intent};
use crate::cloud::{CloudError, CreateError};
use crate::http::Method;
use crate::model::*;
use crate::waiter::Poll;

/// Limit of creates whose resources have no `timeouts` (mappings, access rules).
const CREATE_LIMIT: Duration = Duration::from_secs(5 * 60);

/// A text field, `None` when blank.
fn opt(v: &Value, key: &str) -> Option<String> {
    text(v, key)
}

/// Adds `key` to `params` when `value` is set.
fn put(params: &mut Map<String, Value>, key: &str, value: Option<impl ToString>) {
    if let Some(v) = value {
        params.insert(key.into(), json!(v.to_string()));
    }
}

/// A delete of `id` whose answer "`id` does not exist" means it is already gone.
fn deleted(result: Result<wire::Reply, CloudError>, id: &str) -> Result<Deleted, CloudError> {
    match result {
        Ok(_) => Ok(Deleted::Gone),
        Err(e) if super::is_gone(&e, id) => Ok(Deleted::Gone),
        Err(e) => Err(e),
    }
}

/// A rule detail (2.18.1) in the domain model.
fn rule_from_wire(r: &Value) -> SecurityRule {
    SecurityRule {
        id: opt(r, "aclrule_id"),
        direction: text(r, "aclrule_direction").unwrap_or_default(),
        protocol: opt(r, "aclrule_protocal").map(|p| p.to_lowercase()),
        port: opt(r, "aclrule_vmport"),
        source: opt(r, "aclrule_srcip"),
        target: opt(r, "aclrule_target"),
    }
}

/// A group detail (2.17.1) in the domain model.
fn group_from_wire(g: &Value) -> SecurityGroup {
    SecurityGroup {
        id: text(g, "securitygroup.id").unwrap_or_default(),
        name: text(g, "securitygroup.name").unwrap_or_default(),
        description: Some(text(g, "securitygroup.desc").unwrap_or_default()),
        created_at: text(g, "securitygroup.createtime").and_then(|t| wire::to_rfc3339(&t)),
        ..Default::default()
    }
}

/// `outer` is printed `outter` by the document (2.12.1/2.12.2).
fn network_to_wire(network: &str) -> &str {
    if network == "outer" {
        "outter"
    } else {
        network
    }
}

/// An SLB detail (2.12.1) in the domain model.
fn slb_from_wire(s: &Value) -> Slb {
    let network = text(s, "slb.network.type").unwrap_or_default();
    let spec = SlbSpec {
        name: text(s, "slb.name").unwrap_or_default(),
        description: Some(text(s, "slb.desc").unwrap_or_default()),
        protocol: text(s, "slb.protocal.type")
            .unwrap_or_default()
            .to_lowercase(),
        network_type: if network == "outter" {
            "outer".into()
        } else {
            network
        },
        frontend_ip: text(s, "slb.directip").unwrap_or_default(),
        frontend_port: int(s, "slb.directport").unwrap_or_default(),
        backend_port: int(s, "slb.realport"),
        router_vps_id: text(s, "slb.vmid").unwrap_or_default(),
        policy: text(s, "slb.policy.type"),
        max_connections: int(s, "slb.maxoccurs"),
        url_path: text(s, "slb.http.urlpath"),
        tenant_id: text(s, "slb.appid"),
        health: SlbHealth {
            retries: int(s, "slb.health.retrytime"),
            interval: int(s, "slb.health.check.interval"),
            timeout: int(s, "slb.health.check.timeout"),
            idle: int(s, "slb.health.emptylink.timeout"),
            path: text(s, "slb.health.check.path"),
        },
        https_certificate: None,
        https_private_key: None,
    };
    Slb {
        id: text(s, "slb.id").unwrap_or_default(),
        spec,
        enabled: flag(s, "slb.enable"),
        certificate_installed: flag(s, "slb.https.cert.enable"),
        backends: Vec::new(),
        created_at: text(s, "slb.createtime").and_then(|t| wire::to_rfc3339(&t)),
    }
}

/// A back-end node (2.13.1) in the domain model.
fn backend_from_wire(n: &Value) -> SlbBackend {
    SlbBackend {
        id: opt(n, "realnode.id"),
        name: text(n, "realnode.name").unwrap_or_default(),
        ip: text(n, "realnode.ip").unwrap_or_default(),
        port: int(n, "realnode.port").unwrap_or_default(),
        vps_id: text(n, "realnode.vmid").unwrap_or_default(),
        weight: int(n, "realnode.weight"),
    }
}

/// The modifiable SLB fields (2.12.3) of `spec`.
fn slb_settings(spec: &SlbSpec) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert("slb.name".into(), json!(spec.name));
    p.insert(
        "slb.desc".into(),
        json!(spec.description.clone().unwrap_or_default()),
    );
    p.insert("slb.directip".into(), json!(spec.frontend_ip));
    p.insert(
        "slb.directport".into(),
        json!(spec.frontend_port.to_string()),
    );
    put(&mut p, "slb.policy.type", spec.policy.as_ref());
    put(&mut p, "slb.maxoccurs", spec.max_connections);
    let h = &spec.health;
    put(&mut p, "slb.health.retrytime", h.retries);
    put(&mut p, "slb.health.check.interval", h.interval);
    put(&mut p, "slb.health.check.timeout", h.timeout);
    put(&mut p, "slb.health.emptylink.timeout", h.idle);
    put(&mut p, "slb.health.check.path", h.path.as_ref());
    p
}

/// Registers a private key (and its JSON-escaped form) as a secret for the logs.
fn register_key(key: &str) {
    crate::secrets::register(key);
    crate::secrets::register(json!(key).to_string().trim_matches('"'));
}

/// A mapping detail (2.9.5) as a port mapping.
fn port_mapping_from_wire(n: &Value) -> PortMapping {
    PortMapping {
        id: text(n, "nat_id").unwrap_or_default(),
        public_ip: text(n, "nat_outerip").unwrap_or_default(),
        public_port: int(n, "nat_outerport").unwrap_or_default(),
        vps_id: text(n, "net_vmid").unwrap_or_default(),
        private_ip: text(n, "nat_innerip").unwrap_or_default(),
        private_port: int(n, "nat_innerport").unwrap_or_default(),
        protocol: text(n, "nat_protocal").unwrap_or_default().to_lowercase(),
        source: opt(n, "nat_srcip"),
        description: opt(n, "nat_desc"),
        router_id: opt(n, "nat_vrouteid"),
    }
}

/// An access-rule detail (2.3.9) in the domain model.
fn access_rule_from_wire(a: &Value) -> AccessRule {
    AccessRule {
        id: text(a, "aclrule_id").unwrap_or_default(),
        scope: match text(a, "aclrule_type").as_deref() {
            Some("net_gate") => "gate".into(),
            _ => "inner".into(),
        },
        protocol: opt(a, "aclrule_protocal").map(|p| p.to_lowercase()),
        port: opt(a, "aclrule_vmport"),
        source: opt(a, "aclrule_srcip"),
        target: opt(a, "aclrule_target"),
        vpc_id: opt(a, "aclrule_vnetid"),
        router_id: opt(a, "aclrule_vrouteid"),
        ..Default::default()
    }
}

impl StarVCenterClient {
    /// A VM's address (`vm.ip`), or not-found.
    async fn vm_ip(&self, vps_id: &str) -> Result<String, CloudError> {
        self.vm_raw(vps_id)
            .await?
            .and_then(|v| text(&v, "vm.ip"))
            .ok_or_else(|| {
                CloudError::NotFound(format!("StarVCenter VM {vps_id} (or its address)"))
            })
    }

    /// `POST cloudsegroup/create` (2.17.2), under the safe-create rule (a group of the
    /// same name made before is never taken).
    pub(super) async fn sg_create(
        &self,
        name: &str,
        desc: Option<&str>,
        timeout: Duration,
    ) -> Result<String, CreateError> {
        let mut params = json!({ "securitygroup.name": name });
        if let Some(d) = desc {
            params["securitygroup.desc"] = json!(d);
        }
        let intent = Intent::new(
            "starvcenter security group",
            format!("StarVCenter security group {name:?}"),
            "the security groups of the tenant (console, cloudsegroup/search)",
            timeout,
        );
        let (id, _) = self
            .post_safely(
                &intent,
                "cloudsegroup/create",
                params,
                |r| text(&r.data, "securitygroup.id"),
                || async {
                    Ok(self
                        .sg_list()
                        .await?
                        .into_iter()
                        .filter(|g| g.name == name)
                        .map(|g| g.id)
                        .collect())
                },
            )
            .await?;
        Ok(id)
    }

    /// A group (2.17.1) with its rules (2.18.1) and bound NICs (2.17.6).
    pub(super) async fn sg_read(&self, id: &str) -> Result<Option<SecurityGroup>, CloudError> {
        let id = id.trim();
        let found = self
            .search_all("cloudsegroup/search", json!({ "securitygroup.id": id }))
            .await?;
        let Some(raw) = found
            .iter()
            .find(|g| text(g, "securitygroup.id").as_deref() == Some(id))
        else {
            return Ok(None);
        };
        let mut group = group_from_wire(raw);
        let rules = self.search_all(
            "cloudsegroup/rule/search",
            json!({ "aclrule.securitygroupid": id }),
        );
        let Some(rules) = absent_is_none(rules.await, id)? else {
            return Ok(None);
        };
        group.rules = rules.iter().map(rule_from_wire).collect();
        let nics = self.search_all(
            "cloudsegroup/vnic/search",
            json!({ "securitygroup.id": id }),
        );
        let Some(nics) = absent_is_none(nics.await, id)? else {
            return Ok(None);
        };
        group.nic_ids = nics.iter().filter_map(|n| text(n, "vnic.id")).collect();
        Ok(Some(group))
    }

    /// Every group (2.17.1).
    pub(super) async fn sg_list(&self) -> Result<Vec<SecurityGroup>, CloudError> {
        let all = self.search_all("cloudsegroup/search", json!({})).await?;
        Ok(all.iter().map(group_from_wire).collect())
    }

    /// `DELETE cloudsegroup/{id}` (2.17.3).
    pub(super) async fn sg_delete(&self, id: &str) -> Result<Deleted, CloudError> {
        let path = format!("cloudsegroup/{}", id.trim());
        deleted(
            self.change(Method::Delete, &path, json!({}), super::sync_limit())
                .await,
            id,
        )
    }

    /// `POST cloudsegroup/rule/add` (2.18.2).
    pub(super) async fn sg_add_rule(
        &self,
        group: &str,
        rule: &SecurityRule,
    ) -> Result<String, CloudError> {
        let mut p = Map::new();
        // Printed "aclrule. securitygroupid"; sent without the stray space (docs/design/wire.md, "StarVCenter").
        p.insert("aclrule.securitygroupid".into(), json!(group));
        p.insert("aclrule.direction".into(), json!(rule.direction));
        put(&mut p, "aclrule.protocal", rule.protocol.as_ref());
        put(&mut p, "aclrule.vmport", rule.port.as_ref());
        put(&mut p, "aclrule.srcip", rule.source.as_ref());
        put(&mut p, "aclrule.target", rule.target.as_ref());
        let reply = self
            .change(
                Method::Post,
                "cloudsegroup/rule/add",
                Value::Object(p),
                super::sync_limit(),
            )
            .await?;
        wire::id_of(&reply, "cloudsegroup/rule/add", "aclrule.id")
    }

    /// `DELETE cloudsegroup/rule/{id}` (2.18.3); an absent rule is fine.
    pub(super) async fn sg_delete_rule(&self, id: &str) -> Result<(), CloudError> {
        let path = format!("cloudsegroup/rule/{}", id.trim());
        deleted(
            self.change(Method::Delete, &path, json!({}), super::sync_limit())
                .await,
            id,
        )
        .map(|_| ())
    }

    /// `POST cloudsegroup/vnic/bind` (2.17.4) or `.../unbind` (2.17.5, docs/design/wire.md, "StarVCenter" path).
    pub(super) async fn sg_bind(
        &self,
        group: &str,
        nics: &[String],
        bind: bool,
    ) -> Result<(), CloudError> {
        if nics.is_empty() {
            return Ok(());
        }
        let path = if bind {
            "cloudsegroup/vnic/bind"
        } else {
            "cloudsegroup/vnic/unbind"
        };
        let params = json!({"securitygroup.id": group, "vnic.id": nics.join(",")});
        self.change(Method::Post, path, params, super::sync_limit())
            .await
            .map(|_| ())
    }

    /// `POST cloudsegroup/retryrule/search` (2.18.5): ids of rules not in effect.
    pub(super) async fn sg_not_in_effect(&self, group: &str) -> Result<Vec<String>, CloudError> {
        let found = self
            .search_all(
                "cloudsegroup/retryrule/search",
                json!({ "securitygroup.id": group }),
            )
            .await?;
        let mut ids: Vec<String> = found.iter().filter_map(|r| text(r, "aclrule.id")).collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// `PUT cloudsegroup/retryrule/reset` (2.18.6). The document prints no parameters;
    /// `securitygroup.id` narrows it to this group.
    pub(super) async fn sg_reapply(&self, group: &str) -> Result<(), CloudError> {
        let params = json!({ "securitygroup.id": group });
        self.change(
            Method::Put,
            "cloudsegroup/retryrule/reset",
            params,
            super::sync_limit(),
        )
        .await
        .map(|_| ())
    }

    /// The ids of the SLBs with this name on this router (ids-before and look-up).
    async fn slbs_named(&self, spec: &SlbSpec) -> Result<Vec<String>, CloudError> {
        let found = self
            .search_all("cloudslb/search", json!({ "slb.name": spec.name }))
            .await?;
        Ok(found
            .iter()
            .map(slb_from_wire)
            .filter(|s| s.spec.name == spec.name && s.spec.router_vps_id == spec.router_vps_id)
            .map(|s| s.id)
            .collect())
    }

    /// `POST cloudslb/add` (2.12.2) without nodes (they are added one by one).
    async fn slb_post(&self, spec: &SlbSpec) -> Result<String, CloudError> {
        let mut p = slb_settings(spec);
        p.insert(
            "slb.protocal.type".into(),
            json!(spec.protocol.to_uppercase()),
        );
        p.insert(
            "slb.network.type".into(),
            json!(network_to_wire(&spec.network_type)),
        );
        p.insert("slb.vmid".into(), json!(spec.router_vps_id));
        put(&mut p, "slb.realport", spec.backend_port);
        put(&mut p, "slb.http.urlpath", spec.url_path.as_ref());
        // 2.12.2 requires `slb.appid`; the plan refuses a load balancer without it.
        let tenant = spec.tenant_id.as_ref().filter(|t| !t.trim().is_empty());
        let tenant = tenant.ok_or_else(|| {
            CloudError::Unsupported("set `tenant_id`: StarVCenter requires the owning tenant (slb.appid) to add a load balancer".into())
        })?;
        p.insert("slb.appid".into(), json!(tenant));
        if let (Some(cert), Some(key)) = (&spec.https_certificate, &spec.https_private_key) {
            register_key(key);
            p.insert("slb.https.cert.text".into(), json!(cert));
            p.insert("slb.https.cert.key".into(), json!(key));
        }
        let reply = self
            .send(self.request(Method::Post, "cloudslb/add", Some(Value::Object(p))))
            .await?;
        wire::id_of(&reply, "cloudslb/add", "slb.id")
    }

    /// Creates an SLB under the safe-create rule.
    pub(super) async fn slb_create(
        &self,
        spec: &SlbSpec,
        timeout: Duration,
    ) -> Result<String, CreateError> {
        let intent = Intent::new(
            "starvcenter slb",
            format!("StarVCenter load balancer {:?}", spec.name),
            "the load balancers of the tenant (console, cloudslb/search)",
            timeout,
        );
        let created = crate::cloud::safe_create::safe_create_ids(
            &intent,
            || self.slbs_named(spec),
            || async { Ok((self.slb_post(spec).await?, ())) },
        )
        .await?;
        Ok(created.id)
    }

    /// An SLB (2.12.1) with its nodes (2.13.1, filtered by `realnode.slbid`).
    pub(super) async fn slb_read(&self, id: &str) -> Result<Option<Slb>, CloudError> {
        let id = id.trim();
        let found = self
            .search_all("cloudslb/search", json!({ "slb.id": id }))
            .await?;
        let Some(raw) = found
            .iter()
            .find(|s| text(s, "slb.id").as_deref() == Some(id))
        else {
            return Ok(None);
        };
        let mut slb = slb_from_wire(raw);
        let nodes = self
            .search_all("cloudslb/realnode/search", json!({}))
            .await?;
        slb.backends = nodes
            .iter()
            .filter(|n| text(n, "realnode.slbid").as_deref() == Some(id))
            .map(backend_from_wire)
            .collect();
        Ok(Some(slb))
    }

    /// `PUT cloudslb/modify` (2.12.3, docs/design/wire.md, "StarVCenter" path).
    pub(super) async fn slb_update(&self, id: &str, spec: &SlbSpec) -> Result<(), CloudError> {
        let mut p = slb_settings(spec);
        p.insert("slb.id".into(), json!(id));
        self.change(
            Method::Put,
            "cloudslb/modify",
            Value::Object(p),
            super::sync_limit(),
        )
        .await
        .map(|_| ())
    }

    /// `POST cloudslb/start` / `stop` (2.12.5, 2.12.6).
    pub(super) async fn slb_switch(&self, id: &str, on: bool) -> Result<(), CloudError> {
        let path = if on {
            "cloudslb/start"
        } else {
            "cloudslb/stop"
        };
        let params = json!({ "slb.id": id });
        match self
            .change(Method::Post, path, params.clone(), super::sync_limit())
            .await
        {
            Ok(_) => Ok(()),
            // The answer was lost: the SLB's own `slb.enable` says whether it ran; it
            // is sent once more only if not.
            Err(CloudError::Http(e)) if e.is_ambiguous() => match self.slb_read(id).await? {
                Some(slb) if slb.enabled == Some(on) => Ok(()),
                _ => self
                    .change(Method::Post, path, params, super::sync_limit())
                    .await
                    .map(|_| ()),
            },
            Err(e) => Err(e),
        }
    }

    /// `PUT cloudslb/https/cert/conf` (2.12.7).
    pub(super) async fn slb_cert(&self, id: &str, cert: &str, key: &str) -> Result<(), CloudError> {
        register_key(key);
        let params = json!({"slb.id": id, "slb.https.cert.text": cert, "slb.https.cert.key": key});
        self.change(
            Method::Put,
            "cloudslb/https/cert/conf",
            params,
            super::sync_limit(),
        )
        .await
        .map(|_| ())
    }

    /// `DELETE cloudslb/{id}` (2.12.4).
    pub(super) async fn slb_delete(&self, id: &str) -> Result<Deleted, CloudError> {
        let path = format!("cloudslb/{}", id.trim());
        deleted(
            self.change(Method::Delete, &path, json!({}), super::sync_limit())
                .await,
            id,
        )
    }

    /// `POST cloudslb/realnode/add` (2.13.2).
    pub(super) async fn node_add(&self, slb: &str, b: &SlbBackend) -> Result<String, CloudError> {
        let mut p = Map::new();
        p.insert("realnode.slbid".into(), json!(slb));
        p.insert("realnode.name".into(), json!(b.name));
        p.insert("realnode.ip".into(), json!(b.ip));
        p.insert("realnode.port".into(), json!(b.port.to_string()));
        p.insert("realnode.vmid".into(), json!(b.vps_id));
        put(&mut p, "realnode.weight", b.weight);
        let reply = self
            .change(
                Method::Post,
                "cloudslb/realnode/add",
                Value::Object(p),
                super::sync_limit(),
            )
            .await?;
        wire::id_of(&reply, "cloudslb/realnode/add", "realnode.id")
    }

    /// `PUT cloudslb/realnode/modify` (2.13.3): port and weight.
    pub(super) async fn node_update(&self, b: &SlbBackend) -> Result<(), CloudError> {
        let mut p = Map::new();
        p.insert(
            "realnode.id".into(),
            json!(b.id.clone().unwrap_or_default()),
        );
        p.insert("realnode.port".into(), json!(b.port.to_string()));
        put(&mut p, "realnode.weight", b.weight);
        self.change(
            Method::Put,
            "cloudslb/realnode/modify",
            Value::Object(p),
            super::sync_limit(),
        )
        .await
        .map(|_| ())
    }

    /// `DELETE cloudslb/realnode/{id}` (2.13.4); an absent node is fine.
    pub(super) async fn node_delete(&self, id: &str) -> Result<(), CloudError> {
        let path = format!("cloudslb/realnode/{}", id.trim());
        deleted(
            self.change(Method::Delete, &path, json!({}), super::sync_limit())
                .await,
            id,
        )
        .map(|_| ())
    }

    /// `POST vroute/create` (2.9.1, asynchronous: `jobstartid`), then the wait until
    /// the router is online.
    pub(super) async fn router_create(
        &self,
        name: &str,
        ha: bool,
        timeout: Duration,
    ) -> Result<Router, CreateError> {
        let params = json!({"vroute.name": name, "vroute.ha.enable": ha.to_string()});
        // the StarVCenter API document (2.9) lists no routers: an unknown outcome cannot be looked up.
        let intent = Intent::new(
            "starvcenter router",
            format!("StarVCenter router {name:?}"),
            "the routers in the StarVCenter console (the API cannot list them)",
            timeout,
        );
        let (id, job) = create_unlisted(&intent, async {
            let reply = self
                .send(self.request(Method::Post, "vroute/create", Some(params.clone())))
                .await?;
            let id = wire::id_of(&reply, "vroute/create", "vm.id")?;
            let first = items(&reply.data).into_iter().next().unwrap_or_default();
            Ok((id, text(&first, "jobstartid").or(reply.startid)))
        })
        .await?;
        let timeout = intent.wait_limit();
        let fail = |error| CreateError {
            id: Some(id.clone()),
            error,
        };
        self.wait(
            job.as_deref(),
            &Target::Router(id.clone()),
            "vroute/create",
            timeout,
        )
        .await
        .map_err(fail)?;
        match self.router_read(&id).await {
            Ok(Some(mut r)) => {
                r.ha = Some(ha);
                Ok(r)
            }
            Ok(None) => Err(fail(CloudError::NotFound(format!(
                "router {id} right after it was created"
            )))),
            Err(e) => Err(fail(e)),
        }
    }

    /// `GET vroute/{vmId}` (2.9.4).
    pub(super) async fn router_read(&self, id: &str) -> Result<Option<Router>, CloudError> {
        let reply = self
            .read(Method::Get, &format!("vroute/{}", id.trim()), None)
            .await;
        let Some(reply) = absent_is_none(reply, id)? else {
            return Ok(None);
        };
        let d = &reply.data;
        Ok(Some(Router {
            id: text(d, "vroute.id").unwrap_or_else(|| id.trim().to_string()),
            name: text(d, "vroute.name").unwrap_or_default(),
            ha: None,
            management_ip: text(d, "vroute.manageip"),
            online: flag(d, "vroute.online"),
            created_at: text(d, "vroute.createtime").and_then(|t| wire::to_rfc3339(&t)),
        }))
    }

    /// One poll of a router being created: done once `vroute.online` is true.
    pub(super) async fn router_poll(&self, id: &str) -> Result<Poll<()>, CloudError> {
        Ok(match self.router_read(id).await? {
            None => Poll::Failed(format!(
                "router {id} disappeared while it was being created"
            )),
            Some(r) if r.online == Some(true) => Poll::Done(()),
            Some(_) => Poll::Pending(format!("router {id} not online yet")),
        })
    }

    /// `POST vroute/vpcAdd` / `vpcDelete` (2.9.2, 2.9.3). The document prints only
    /// `portgroup.id`; `vroute.id` is sent too so the router is never ambiguous.
    pub(super) async fn router_subnet(
        &self,
        router: &str,
        vpc: &str,
        attach: bool,
        timeout: Duration,
    ) -> Result<(), CloudError> {
        let path = if attach {
            "vroute/vpcAdd"
        } else {
            "vroute/vpcDelete"
        };
        let params = json!({"vroute.id": router, "portgroup.id": vpc});
        match self.change(Method::Post, path, params, timeout).await {
            Ok(_) => Ok(()),
            Err(CloudError::Api { message, .. }) if !attach && message.contains("未接入") => {
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    /// Every mapping (2.9.5; without paging parameters the whole list, page by page
    /// where an installation answers less, [`Self::search_all`]).
    async fn mappings(&self, filter: Value) -> Result<Vec<Value>, CloudError> {
        self.search_all("vroute/Mapping/search", filter).await
    }

    /// `POST cloudnetwork/portMapping/create` (2.3.7); the document prints no answer,
    /// so the mapping is found by its public IP and port (2.9.5) unless `nat_id` came.
    pub(super) async fn port_mapping_create(
        &self,
        spec: &PortMapping,
    ) -> Result<PortMapping, CreateError> {
        let inner = self.vm_ip(&spec.vps_id).await?;
        let mut p = Map::new();
        p.insert("innerIp".into(), json!(inner));
        p.insert("innerPort".into(), json!(spec.private_port.to_string()));
        p.insert("ipaddress".into(), json!(spec.public_ip));
        p.insert("outerPort".into(), json!(spec.public_port.to_string()));
        p.insert("protocal".into(), json!(spec.protocol));
        put(&mut p, "sourceIp", spec.source.as_ref());
        put(&mut p, "desc", spec.description.as_ref());
        let filter = json!({"natOuterip": spec.public_ip, "natOuterport": spec.public_port.to_string(), "natType": "port"});
        let matching = || async {
            Ok::<_, CloudError>(
                self.mappings(filter.clone())
                    .await?
                    .iter()
                    .map(port_mapping_from_wire)
                    .filter(|m| m.public_ip == spec.public_ip && m.public_port == spec.public_port)
                    .collect::<Vec<_>>(),
            )
        };
        let intent = Intent::new(
            "starvcenter port mapping",
            format!(
                "StarVCenter port mapping {}:{}",
                spec.public_ip, spec.public_port
            ),
            "the mappings of the tenant (console, vroute/Mapping/search)",
            CREATE_LIMIT,
        );
        // The document prints no answer: the new mapping is the one listed afterwards
        // that was not there before (an id in the answer, when one comes, must agree).
        let before: Vec<String> = matching().await?.into_iter().map(|m| m.id).collect();
        let (id, _) = self
            .post_safely(
                &intent,
                "cloudnetwork/portMapping/create",
                Value::Object(p),
                |r| {
                    text(&r.data, "nat_id")
                        .or_else(|| text(&r.data, "nat.id"))
                        .or_else(|| Some(String::new()))
                },
                || async { Ok(matching().await?.into_iter().map(|m| m.id).collect()) },
            )
            .await?;
        let found = matching().await?.into_iter().find(|m| {
            if id.is_empty() {
                !before.contains(&m.id)
            } else {
                m.id == id
            }
        });
        found.ok_or_else(|| {
            CloudError::Unsettled(format!(
                "the port mapping {}:{} was accepted but is not listed by vroute/Mapping/search; check the mappings of the tenant and import it if it is there",
                spec.public_ip, spec.public_port
            ))
            .into()
        })
    }

    /// A port mapping by `nat_id` (2.9.5).
    pub(super) async fn port_mapping_read(
        &self,
        id: &str,
    ) -> Result<Option<PortMapping>, CloudError> {
        let all = self.mappings(json!({ "natType": "port" })).await?;
        Ok(all
            .iter()
            .filter(|n| text(n, "nat_id").as_deref() == Some(id.trim()))
            .map(port_mapping_from_wire)
            .next())
    }

    /// `POST cloudnetwork/sharenet/connect` (2.3.5), then its id from 2.3.6.
    pub(super) async fn ip_mapping_create(
        &self,
        spec: &IpMapping,
    ) -> Result<IpMapping, CreateError> {
        let mut p = Map::new();
        p.insert("vm.id".into(), json!(spec.vps_id));
        put(&mut p, "vm.outer.ipaddress", spec.public_ip.as_ref());
        put(&mut p, "vm.allow.srcip", spec.source.as_ref());
        put(&mut p, "desc", spec.description.as_ref());
        let shares_of_vm = || async {
            let all = self
                .search_all("cloudnetwork/sharenet/search", json!({}))
                .await?;
            Ok::<_, CloudError>(
                all.iter()
                    .filter(|n| text(n, "vm.id").as_deref() == Some(spec.vps_id.trim()))
                    .filter_map(|n| Some((text(n, "nat.id")?, text(n, "tenant.shareip"))))
                    .collect::<Vec<_>>(),
            )
        };
        let intent = Intent::new(
            "starvcenter ip mapping",
            format!("StarVCenter IP mapping of VM {}", spec.vps_id.trim()),
            "the IP mappings of the tenant (console, cloudnetwork/sharenet/search)",
            CREATE_LIMIT,
        );
        // The answer names the shared address; its mapping id comes from 2.3.6.
        let (share, _) = self
            .post_safely(
                &intent,
                "cloudnetwork/sharenet/connect",
                Value::Object(p),
                |r| text(&r.data, "tenant.shareip"),
                || async {
                    Ok(shares_of_vm()
                        .await?
                        .into_iter()
                        .filter_map(|(_, share)| share)
                        .collect())
                },
            )
            .await?;
        let id = shares_of_vm()
            .await?
            .into_iter()
            .find(|(_, s)| s.as_deref() == Some(share.as_str()))
            .map(|(id, _)| id)
            .ok_or_else(|| {
                CloudError::Unsettled(format!(
                    "IP mapping {share} was made but is not listed by sharenet/search; check the IP mappings of the tenant and import it"
                ))
            })?;
        match self.ip_mapping_read(&id).await {
            Ok(Some(m)) => Ok(m),
            // Made but not read back: its id is kept, so it stays in state (tainted).
            Ok(None) => Err(CreateError {
                error: CloudError::Protocol(format!(
                    "IP mapping {id} was made but cannot be read back yet"
                )),
                id: Some(id),
            }),
            Err(error) => Err(CreateError {
                id: Some(id),
                error,
            }),
        }
    }

    /// An IP mapping (2.3.6), with its public IP, sources and description from 2.9.5.
    pub(super) async fn ip_mapping_read(&self, id: &str) -> Result<Option<IpMapping>, CloudError> {
        let all = self
            .search_all("cloudnetwork/sharenet/search", json!({}))
            .await?;
        let Some(raw) = all
            .iter()
            .find(|n| text(n, "nat.id").as_deref() == Some(id.trim()))
        else {
            return Ok(None);
        };
        let nat = self.mappings(json!({ "natType": "ip" })).await?;
        let nat = nat
            .iter()
            .find(|n| text(n, "nat_id").as_deref() == Some(id.trim()));
        Ok(Some(IpMapping {
            id: id.trim().to_string(),
            vps_id: text(raw, "vm.id").unwrap_or_default(),
            shared_ip: text(raw, "tenant.shareip"),
            public_ip: nat.and_then(|n| opt(n, "nat_outerip")),
            source: nat.and_then(|n| opt(n, "nat_srcip")),
            description: nat.and_then(|n| opt(n, "nat_desc")),
        }))
    }

    /// `DELETE cloudnetwork/ipmapping/{natId}` (2.3.8).
    pub(super) async fn mapping_delete(&self, id: &str) -> Result<Deleted, CloudError> {
        let path = format!("cloudnetwork/ipmapping/{}", id.trim());
        deleted(
            self.change(Method::Delete, &path, json!({}), super::sync_limit())
                .await,
            id,
        )
    }

    /// `POST cloudnetwork/acessrule/add` (2.3.10); a `gate` rule then opens the
    /// subnet's boundary firewall (2.3.12).
    pub(super) async fn acl_create(&self, spec: &AccessRule) -> Result<AccessRule, CreateError> {
        let ip = self.vm_ip(&spec.vps_id).await?;
        let mut p = Map::new();
        p.insert("vm.ip".into(), json!(ip));
        let kind = if spec.scope == "gate" {
            "net_gate"
        } else {
            "net_inner"
        };
        p.insert("aclrule.type".into(), json!(kind));
        put(&mut p, "aclrule.desc", spec.description.as_ref());
        put(&mut p, "allow.direction", spec.direction.as_ref());
        put(&mut p, "allow.dstips", spec.target.as_ref());
        put(&mut p, "allow.internalport", spec.port.as_ref());
        put(&mut p, "allow.sourceips", spec.source.as_ref());
        put(&mut p, "allow.protocol", spec.protocol.as_ref());
        let intent = Intent::new(
            "starvcenter access rule",
            format!(
                "StarVCenter access rule for VM {} ({kind})",
                spec.vps_id.trim()
            ),
            "the access rules of the tenant (console, cloudnetwork/acessrule/search)",
            CREATE_LIMIT,
        );
        let same = |a: &AccessRule| {
            a.scope == spec.scope
                && a.port == spec.port
                && a.source == spec.source
                && a.protocol == spec.protocol
        };
        let (id, _) = self
            .post_safely(
                &intent,
                "cloudnetwork/acessrule/add",
                Value::Object(p),
                |r| text(&r.data, "rule.id"),
                || async {
                    let all = self
                        .search_all("cloudnetwork/acessrule/search", json!({}))
                        .await?;
                    Ok(all
                        .iter()
                        .map(access_rule_from_wire)
                        .filter(|a| same(a))
                        .map(|a| a.id)
                        .collect())
                },
            )
            .await?;
        let fail = |error| CreateError {
            id: Some(id.clone()),
            error,
        };
        let rule = self.acl_read(&id).await.map_err(fail)?;
        let Some(mut rule) = rule else {
            // Made but not read back: its id is kept, so it stays in state (tainted).
            return Err(fail(CloudError::Protocol(format!(
                "access rule {id} was made but cannot be read back yet"
            ))));
        };
        if let (true, Some(vpc)) = (spec.scope == "gate", rule.vpc_id.clone()) {
            self.netgate(&vpc, true).await.map_err(fail)?;
        }
        rule.vps_id = spec.vps_id.clone();
        Ok(rule)
    }

    /// An access rule by id (2.3.9, every page).
    pub(super) async fn acl_read(&self, id: &str) -> Result<Option<AccessRule>, CloudError> {
        let all = self
            .search_all("cloudnetwork/acessrule/search", json!({}))
            .await?;
        Ok(all
            .iter()
            .find(|a| text(a, "aclrule_id").as_deref() == Some(id.trim()))
            .map(access_rule_from_wire))
    }

    /// `POST cloudnetwork/netgate` (2.3.12).
    async fn netgate(&self, vpc: &str, open: bool) -> Result<(), CloudError> {
        let params = json!({"portgroup.id": vpc, "type": if open { "open" } else { "close" }});
        self.change(
            Method::Post,
            "cloudnetwork/netgate",
            params,
            super::sync_limit(),
        )
        .await
        .map(|_| ())
    }

    /// `DELETE cloudnetwork/acessrule/{id}` (2.3.11); after the subnet's last `gate`
    /// rule, its boundary firewall is closed again.
    pub(super) async fn acl_delete(&self, id: &str) -> Result<Deleted, CloudError> {
        let Some(rule) = self.acl_read(id).await? else {
            return Ok(Deleted::Gone);
        };
        let path = format!("cloudnetwork/acessrule/{}", id.trim());
        let done = deleted(
            self.change(Method::Delete, &path, json!({}), super::sync_limit())
                .await,
            id,
        )?;
        if let (true, Some(vpc)) = (rule.scope == "gate", rule.vpc_id) {
            let filter = json!({"aclrule_vnetid": vpc, "aclrule_type": "net_gate"});
            let left = self
                .search_all("cloudnetwork/acessrule/search", filter)
                .await?;
            let same: Vec<&Value> = left
                .iter()
                .filter(|a| text(a, "aclrule_vnetid").as_deref() == Some(vpc.as_str()))
                .collect();
            if same.is_empty() {
                self.netgate(&vpc, false).await?;
            }
        }
        Ok(done)
    }

    /// `POST cloudip/mapping/outerIp/search` (2.11.1), every outer IP
    /// ([`Self::search_all`]).
    pub(super) async fn outer_ips(&self) -> Result<Vec<PublicIp>, CloudError> {
        let found = self
            .search_all("cloudip/mapping/outerIp/search", json!({}))
            .await?;
        Ok(found
            .iter()
            .map(|ip| PublicIp {
                address: text(ip, "ipaddress").unwrap_or_default(),
                used_ports: text(ip, "ports")
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|p| p.trim().parse().ok())
                    .collect(),
                gateway: text(ip, "gateway"),
                netmask: text(ip, "netmask"),
            })
            .collect())
    }
}
