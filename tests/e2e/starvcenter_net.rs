//! `polycloud_security_group` and `polycloud_slb` on StarVCenter, through Terraform:
//! lifecycle, order-free rules, changes that touch only what changed (request log),
//! rule effect, plan-time ranges, import and drift.

use serde_json::{json, Value};

use crate::harness::*;
use crate::starvcenter_common::*;

/// Seeds a running VM; its id, first NIC id and address.
pub fn seed_vm(sim: &Sim, name: &str) -> (String, String, String) {
    let vm = svc_ctl(sim, "POST", "vms", Some(json!({ "vm.name": name })));
    let id = vm["vm.id"].as_str().unwrap().to_string();
    let nic = svc(sim, "nics")
        .into_iter()
        .find(|n| n["vnic.vmid"] == id.as_str())
        .unwrap();
    (
        id,
        nic["vnic.id"].as_str().unwrap().to_string(),
        nic["vnic.ipaddress"].as_str().unwrap().to_string(),
    )
}

/// Decoded KEY_PARAM of the requests to `suffix`.
fn sent(sim: &Sim, method: &str, suffix: &str) -> Vec<Value> {
    svc_requests(sim, method, suffix)
        .into_iter()
        .map(|r| r["body"]["KEY_PARAM"].clone())
        .collect()
}

/// Paths of StarVCenter requests that change something (not searches or reads).
fn changes(sim: &Sim) -> Vec<String> {
    all_svc_requests(sim)
        .into_iter()
        .filter(|r| {
            let p = r["path"].as_str().unwrap_or_default();
            r["method"] != "GET" && !p.ends_with("search") && !p.ends_with("/vm")
        })
        .map(|r| {
            format!(
                "{} {}",
                r["method"].as_str().unwrap(),
                r["path"].as_str().unwrap().trim_start_matches(SVC_BASE)
            )
        })
        .collect()
}

const IN_443: &str = "  rule {\n    direction = \"in\"\n    protocol  = \"tcp\"\n    port      = \"443\"\n    source    = \"0.0.0.0/0\"\n  }\n";
const OUT_ALL: &str = "  rule {\n    direction = \"out\"\n    target    = \"0.0.0.0/0\"\n  }\n";
const IN_53: &str =
    "  rule {\n    direction = \"in\"\n    protocol  = \"udp\"\n    port      = \"53\"\n  }\n";
const IN_22: &str = "  rule {\n    direction = \"in\"\n    protocol  = \"tcp\"\n    port      = \"22\"\n    source    = \"10.0.0.0/8\"\n  }\n";

fn sg_config(sim: &Sim, name: &str, nics: &[&str], rules: &[&str]) -> String {
    let nics: Vec<String> = nics.iter().map(|n| format!("\"{n}\"")).collect();
    format!(
        "{}\nresource \"polycloud_security_group\" \"web\" {{\n  name        = \"{name}\"\n  description = \"web tier\"\n  nic_ids     = [{}]\n{}}}\n",
        svc_provider(sim),
        nics.join(", "),
        rules.concat()
    )
}

fn rules(sim: &Sim) -> Vec<Value> {
    svc(sim, "sg_rules")
}

fn rule_id(sim: &Sim, port: &str) -> String {
    rules(sim)
        .into_iter()
        .find(|r| r["aclrule_vmport"] == port)
        .map(|r| r["aclrule_id"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no rule on port {port:?}"))
}

#[test]
fn starvcenter_security_group_lifecycle() {
    let sim = Sim::start();
    let (_, nic_a, _) = seed_vm(&sim, "a");
    let (_, nic_b, _) = seed_vm(&sim, "b");
    let ws = Workspace::new();
    ws.write(&sg_config(&sim, "web", &[&nic_a], &[IN_443, OUT_ALL]));
    ws.apply().ok();
    let groups = svc(&sim, "security_groups");
    assert_eq!(groups.len(), 1);
    let id = groups[0][" securitygroup.id"].as_str().unwrap().to_string();
    assert_eq!(groups[0]["nics"], json!([nic_a]));
    assert_eq!(rules(&sim).len(), 2);
    assert_eq!(
        sent(&sim, "POST", "cloudsegroup/create")[0],
        json!({"securitygroup.name": "web", "securitygroup.desc": "web tier"}),
        "keys sent trimmed"
    );
    let state = ws.resource("polycloud_security_group.web");
    assert_eq!(state["rule"].as_array().unwrap().len(), 2);
    assert!(state["rule"][0]["id"]
        .as_str()
        .unwrap()
        .starts_with("rule-"));
    ws.assert_no_changes();

    // The same rules in another order: no change.
    ws.write(&sg_config(&sim, "web", &[&nic_a], &[OUT_ALL, IN_443]));
    ws.assert_no_changes();

    // Only what changed: one rule out, one in, one NIC unbound, one bound.
    let kept = rule_id(&sim, "443");
    let out = rule_id(&sim, "");
    sim.clear_requests();
    ws.write(&sg_config(&sim, "web", &[&nic_b], &[IN_53, IN_443]));
    ws.apply().ok();
    let done = changes(&sim);
    assert_eq!(
        done,
        vec![
            format!("DELETE /cloudsegroup/rule/{out}"),
            "POST /cloudsegroup/rule/add".to_string(),
            "POST /cloudsegroup/vnic/unbind".to_string(),
            "POST /cloudsegroup/vnic/bind".to_string(),
        ],
        "only the changed rule and NICs are touched"
    );
    assert_eq!(
        sent(&sim, "POST", "cloudsegroup/rule/add")[0],
        json!({"aclrule.securitygroupid": id, "aclrule.direction": "in", "aclrule.protocal": "udp", "aclrule.vmport": "53"})
    );
    assert_eq!(
        rule_id(&sim, "443"),
        kept,
        "the unchanged rule keeps its id"
    );
    assert_eq!(svc(&sim, "security_groups")[0]["nics"], json!([nic_b]));
    ws.assert_no_changes();

    // A rule reported not in effect: re-applied once; a warning if it stays so.
    svc_ctl(
        &sim,
        "POST",
        "rule_effect",
        Some(json!({"count": 1, "resets": 0})),
    );
    sim.clear_requests();
    ws.write(&sg_config(&sim, "web", &[&nic_b], &[IN_53, IN_443, IN_22]));
    let run = ws.apply().ok();
    assert!(!run.output().contains("not in effect"), "{}", run.output());
    assert_eq!(
        svc_requests(&sim, "PUT", "cloudsegroup/retryrule/reset").len(),
        1
    );
    svc_ctl(
        &sim,
        "POST",
        "rule_effect",
        Some(json!({"count": 1, "resets": 5})),
    );
    sim.clear_requests();
    ws.write(&sg_config(
        &sim,
        "web",
        &[&nic_b],
        &[IN_53, IN_443, IN_22, OUT_ALL],
    ));
    let run = ws.apply().ok();
    let text = run
        .output()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("Security group rules not in effect"),
        "{text}"
    );
    assert_eq!(
        svc_requests(&sim, "PUT", "cloudsegroup/retryrule/reset").len(),
        1,
        "re-applied once"
    );
    ws.assert_no_changes();

    // Import into a second directory: the same configuration plans nothing.
    let ws2 = Workspace::new();
    ws2.write(&sg_config(
        &sim,
        "web",
        &[&nic_b],
        &[OUT_ALL, IN_22, IN_443, IN_53],
    ));
    ws2.tf(&[
        "import",
        "-no-color",
        "-input=false",
        "polycloud_security_group.web",
        &id,
    ])
    .ok();
    ws2.assert_no_changes();

    // Drift: a rule deleted by hand is planned back; a failing read keeps the group.
    svc_ctl(&sim, "DELETE", &format!("sg_rules/{kept}"), None);
    assert_eq!(ws2.plan().code, 2);
    sim.fault(json!({"count": 20, "status": 503, "cloud": "starvcenter"}));
    ws2.plan().failed();
    sim.call("DELETE", "/_sim/faults", None, &[]);
    assert!(ws2.resource("polycloud_security_group.web")["id"] == id.as_str());
    ws.apply().ok();
    assert_eq!(rules(&sim).len(), 4);

    // A new name replaces the group (no rename in the API).
    ws.write(&sg_config(&sim, "web2", &[&nic_b], &[IN_443]));
    let plan = ws.plan();
    assert!(
        plan.output().contains("forces replacement"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    let groups = svc(&sim, "security_groups");
    assert_eq!(groups.len(), 1);
    assert_ne!(groups[0][" securitygroup.id"], id.as_str());
    assert_eq!(rules(&sim).len(), 1);

    // Deleted by hand: planned again.
    let new_id = groups[0][" securitygroup.id"].as_str().unwrap().to_string();
    svc_ctl(&sim, "DELETE", &format!("security_groups/{new_id}"), None);
    let plan = ws.plan();
    assert!(
        plan.output().contains("will be created"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    ws.destroy().ok();
    assert!(svc(&sim, "security_groups").is_empty() && rules(&sim).is_empty());
}

#[test]
fn starvcenter_security_group_bad_rule_fails_at_plan() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let bad = "  rule {\n    direction = \"sideways\"\n    protocol  = \"all\"\n  }\n";
    ws.write(&sg_config(&sim, "web", &[], &[bad]));
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.output().contains("`in` or `out`") && run.output().contains("`tcp`"),
        "{}",
        run.output()
    );
    assert!(all_svc_requests(&sim).is_empty());
}
