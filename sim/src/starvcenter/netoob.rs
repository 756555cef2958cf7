//! Control-API helpers of StarVCenter part 2: the state dump of security groups, SLBs,
//! routers, mappings and access rules; out-of-band changes (drift) and removals; and
//! the switch that makes the next security-group rules "not in effect" (2.18.5).

use super::netmodel::{RealNode, SgRule, Slb};
use super::StarVCenter;
use crate::http::SimError;
use serde_json::{json, Map, Value};

/// A string field of a control body.
fn text(patch: &Map<String, Value>, key: &str) -> Option<String> {
    match patch.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// 404 for an absent object.
fn absent(kind: &str, id: &str) -> SimError {
    SimError::new(404, format!("no {id} in {kind}"))
}

impl StarVCenter {
    /// Adds part 2's collections to the `/_sim/state` dump.
    pub(super) fn net_state_into(&self, out: &mut Value) {
        let n = &self.net;
        out["security_groups"] = json!(n
            .groups
            .values()
            .map(|g| {
                let mut v = g.render("");
                v["nics"] = json!(g.nics);
                v
            })
            .collect::<Vec<_>>());
        out["sg_rules"] = json!(n
            .rules
            .values()
            .map(|r| {
                let mut v = r.render();
                v["aclrule_status"] = json!(r.effective.to_string());
                v["retry.num"] = json!(r.retries.to_string());
                v
            })
            .collect::<Vec<_>>());
        out["slbs"] = json!(n
            .slbs
            .values()
            .map(|s| {
                let mut v = s.render();
                v["slb.https.cert.text"] = json!(s.cert);
                v["slb.https.cert.key.set"] = json!(!s.key.is_empty());
                v
            })
            .collect::<Vec<_>>());
        out["realnodes"] = json!(n.nodes.values().map(RealNode::render).collect::<Vec<_>>());
        out["routers"] = json!(n
            .routers
            .values()
            .map(|r| json!({
            "vroute.id": r.id, "vroute.name": r.name, "vroute.manageip": r.manage_ip,
            "vroute.ha.enable": r.ha.to_string(), "vroute.online": self_online(self, &r.startid),
            "vpcs": r.vpcs}))
            .collect::<Vec<_>>());
        out["nats"] = json!(n
            .nats
            .values()
            .map(|x| {
                let mut v = x.render("");
                v["tenant.shareip"] = json!(x.share_ip);
                v
            })
            .collect::<Vec<_>>());
        out["acls"] = json!(n
            .acls
            .values()
            .map(|a| {
                let mut v = a.render("", "");
                v["vm.ip"] = json!(a.vm_ip);
                v["allow.direction"] = json!(a.direction);
                v["aclrule.desc"] = json!(a.desc);
                v
            })
            .collect::<Vec<_>>());
        out["netgates"] = json!(n.netgates);
    }

    /// Makes the next `count` rules added not in effect, each resisting `resets`
    /// re-applications (2.18.6) before it comes into effect.
    pub fn rules_ineffective(&mut self, count: u32, resets: u32) -> Value {
        self.net.ineffective_next = (count > 0).then_some((count, resets));
        json!({"ok": true})
    }

    /// Out-of-band change of a part-2 object, with the API's key names:
    /// `security_groups` (`securitygroup.name`, `securitygroup.desc`, `nics` list),
    /// `sg_rules` (`aclrule_status` "false" makes it not in effect, `resets`),
    /// `slbs` (any `slb.*` key), `realnodes` (`realnode.port`, `realnode.weight`),
    /// `routers` (`vroute.name`).
    pub(super) fn net_patch(
        &mut self,
        kind: &str,
        id: &str,
        patch: &Map<String, Value>,
    ) -> Result<Value, SimError> {
        let f = |k: &str| text(patch, k);
        match kind {
            "security_groups" => {
                let g = self
                    .net
                    .groups
                    .get_mut(id)
                    .ok_or_else(|| absent(kind, id))?;
                if let Some(v) = f("securitygroup.name") {
                    g.name = v;
                }
                if let Some(v) = f("securitygroup.desc") {
                    g.desc = v;
                }
                if let Some(list) = patch.get("nics").and_then(Value::as_array) {
                    g.nics = list
                        .iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect();
                }
                Ok(g.render(""))
            }
            "sg_rules" => {
                let r = self.net.rules.get_mut(id).ok_or_else(|| absent(kind, id))?;
                if let Some(v) = f("aclrule_status") {
                    r.effective = v == "true";
                }
                if let Some(v) = f("resets").and_then(|v| v.parse().ok()) {
                    r.stubborn = v;
                }
                Ok(SgRule::render(r))
            }
            "slbs" => {
                let s = self.net.slbs.get_mut(id).ok_or_else(|| absent(kind, id))?;
                for (k, v) in patch {
                    let k = k.trim();
                    if k.starts_with("slb.") && k != "slb.id" {
                        s.fields
                            .insert(k.to_string(), text(patch, k).unwrap_or_default());
                    }
                    let _ = v;
                }
                Ok(Slb::render(s))
            }
            "realnodes" => {
                let n = self.net.nodes.get_mut(id).ok_or_else(|| absent(kind, id))?;
                if let Some(v) = f("realnode.port").and_then(|v| v.parse().ok()) {
                    n.port = v;
                }
                if let Some(v) = f("realnode.weight").and_then(|v| v.parse().ok()) {
                    n.weight = v;
                }
                Ok(n.render())
            }
            "routers" => {
                let r = self
                    .net
                    .routers
                    .get_mut(id)
                    .ok_or_else(|| absent(kind, id))?;
                if let Some(v) = f("vroute.name") {
                    r.name = v;
                }
                Ok(json!({"vroute.id": r.id, "vroute.name": r.name}))
            }
            _ => Err(SimError::new(404, format!("unknown object kind {kind}"))),
        }
    }

    /// Removes a part-2 object at once: `security_groups` (with its rules),
    /// `sg_rules`, `slbs` (with their nodes), `realnodes`, `routers`, `nats`, `acls`.
    pub(super) fn net_remove(&mut self, kind: &str, id: &str) -> Result<Value, SimError> {
        let n = &mut self.net;
        let removed = match kind {
            "security_groups" => {
                n.rules.retain(|_, r| r.group != id);
                n.groups.remove(id).map(|g| g.render(""))
            }
            "sg_rules" => n.rules.remove(id).map(|r| r.render()),
            "slbs" => {
                n.nodes.retain(|_, x| x.slb != id);
                n.slbs.remove(id).map(|s| s.render())
            }
            "realnodes" => n.nodes.remove(id).map(|x| x.render()),
            "routers" => n.routers.remove(id).map(|r| json!({"vroute.id": r.id})),
            "nats" => n.nats.remove(id).map(|x| x.render("")),
            "acls" => n.acls.remove(id).map(|a| a.render("", "")),
            _ => return Err(SimError::new(404, format!("unknown object kind {kind}"))),
        };
        removed.ok_or_else(|| absent(kind, id))
    }
}

/// Whether the router created by task `startid` is online.
fn self_online(sim: &StarVCenter, startid: &str) -> String {
    sim.tasks
        .iter()
        .find(|t| t.startid == startid)
        .is_none_or(|t| t.result == Some(0))
        .to_string()
}
