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
pub(crate) fn changes(sim: &Sim) -> Vec<String> {
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
    assert_plan_fails_reading(ws2.plan(), 503);
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

pub(crate) const CERT: &str =
    "-----BEGIN CERTIFICATE-----\\nMIIBsimulated\\n-----END CERTIFICATE-----\\n";
pub(crate) const CERT2: &str =
    "-----BEGIN CERTIFICATE-----\\nMIIBrenewed\\n-----END CERTIFICATE-----\\n";
pub(crate) const KEY: &str =
    "-----BEGIN PRIVATE KEY-----\\nTOPSECRETKEYMATERIAL\\n-----END PRIVATE KEY-----\\n";

/// A router with `vpc-default` attached and an SLB over `backends`
/// (`(name, vm, ip, port, weight)`); `extra` goes into the SLB block.
pub(crate) fn slb_config(
    sim: &Sim,
    extra: &str,
    backends: &[(&str, &str, &str, i64, i64)],
) -> String {
    let nodes: String = backends
        .iter()
        .map(|(name, vm, ip, port, weight)| {
            format!("  backend {{\n    name   = \"{name}\"\n    ip     = \"{ip}\"\n    port   = {port}\n    vps_id = \"{vm}\"\n    weight = {weight}\n  }}\n")
        })
        .collect();
    format!(
        "{}\nresource \"polycloud_router\" \"edge\" {{\n  name    = \"edge\"\n  vpc_ids = [\"vpc-default\"]\n}}\n\nresource \"polycloud_slb\" \"web\" {{\n  tenant_id     = \"app-000000\"\n  router_vps_id = polycloud_router.edge.id\n  network_type  = \"outer\"\n  frontend_ip   = \"203.0.113.10\"\n  backend_port  = 8080\n{extra}\n  health_check {{\n    retries  = 3\n    interval = 5\n    timeout  = 10\n    idle     = 30\n  }}\n{nodes}}}\n",
        svc_provider(sim)
    )
}

const HTTP: &str = "  name = \"web\"\n  protocol = \"http\"\n  frontend_port = 80\n  policy = \"wrr\"\n  max_connections = 1000\n";

fn node_id(sim: &Sim, name: &str) -> String {
    svc(sim, "realnodes")
        .into_iter()
        .find(|n| n["realnode.name"] == name)
        .map(|n| n["realnode.id"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no realnode {name}"))
}

#[test]
fn starvcenter_slb_lifecycle() {
    let sim = Sim::start();
    let (a, _, ip_a) = seed_vm(&sim, "a");
    let (b, _, ip_b) = seed_vm(&sim, "b");
    let (c, _, ip_c) = seed_vm(&sim, "c");
    let three = [
        ("a", a.as_str(), ip_a.as_str(), 8080, 5),
        ("b", b.as_str(), ip_b.as_str(), 8080, 5),
        ("c", c.as_str(), ip_c.as_str(), 8080, 5),
    ];
    let ws = Workspace::new();
    ws.write(&slb_config(&sim, HTTP, &three));
    ws.apply().ok();
    let slbs = svc(&sim, "slbs");
    assert_eq!(slbs.len(), 1);
    let id = slbs[0]["slb.id"].as_str().unwrap().to_string();
    let router = svc(&sim, "routers")[0]["vroute.id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(id, format!("slb_{router}"));
    assert_eq!(
        (
            slbs[0]["slb.enable"].as_str(),
            slbs[0]["slb.network.type"].as_str(),
            slbs[0]["slb.policy.type"].as_str(),
            slbs[0]["slb.health.retrytime"].as_str()
        ),
        (Some("true"), Some("outter"), Some("wrr"), Some("3")),
        "outer is sent as the document's `outtter`, and the SLB is started"
    );
    assert_eq!(svc(&sim, "realnodes").len(), 3);
    let state = ws.resource("polycloud_slb.web");
    assert_eq!(state["backend_ids"].as_array().unwrap().len(), 3);
    ws.assert_no_changes();

    // Removing one back end touches only that node.
    let gone = node_id(&sim, "b");
    sim.clear_requests();
    ws.write(&slb_config(&sim, HTTP, &[three[0], three[2]]));
    ws.apply().ok();
    assert_eq!(
        changes(&sim),
        vec![format!("DELETE /cloudslb/realnode/{gone}")]
    );
    ws.assert_no_changes();

    // A weight and `enabled`: one modify of that node, then stop.
    let c_id = node_id(&sim, "c");
    sim.clear_requests();
    let stopped = format!("{HTTP}  enabled = false\n");
    ws.write(&slb_config(
        &sim,
        &stopped,
        &[three[0], ("c", &c, &ip_c, 8080, 7)],
    ));
    ws.apply().ok();
    assert_eq!(
        changes(&sim),
        vec![
            "PUT /cloudslb/realnode/modify".to_string(),
            "POST /cloudslb/stop".to_string()
        ]
    );
    assert_eq!(
        sent(&sim, "PUT", "cloudslb/realnode/modify")[0],
        json!({"realnode.id": c_id, "realnode.port": "8080", "realnode.weight": "7"})
    );
    assert_eq!(svc(&sim, "slbs")[0]["slb.enable"], "false");
    ws.assert_no_changes();

    // Settings in place through cloudslb/modify (SPEC §6 path, no typo space).
    let two = [three[0], ("c", c.as_str(), ip_c.as_str(), 8080, 7)];
    let renamed = stopped
        .replace("\"web\"", "\"web-2\"")
        .replace("wrr", "wlc");
    ws.write(&slb_config(&sim, &renamed, &two));
    sim.clear_requests();
    ws.apply().ok();
    assert_eq!(changes(&sim), vec!["PUT /cloudslb/modify".to_string()]);
    let slb = &svc(&sim, "slbs")[0];
    assert_eq!(
        (slb["slb.name"].as_str(), slb["slb.policy.type"].as_str()),
        (Some("web-2"), Some("wlc"))
    );
    ws.assert_no_changes();

    // Import into a second directory; drift (stopped, node weight) is planned back.
    let ws2 = Workspace::new();
    ws2.write(&slb_config(&sim, &renamed, &two).replace("polycloud_router.edge.id", &format!("\"{router}\"")).replace("resource \"polycloud_router\" \"edge\" {\n  name    = \"edge\"\n  vpc_ids = [\"vpc-default\"]\n}\n", ""));
    ws2.tf(&[
        "import",
        "-no-color",
        "-input=false",
        "polycloud_slb.web",
        &id,
    ])
    .ok();
    ws2.assert_no_changes();
    svc_ctl(
        &sim,
        "PATCH",
        &format!("realnodes/{c_id}"),
        Some(json!({"realnode.weight": "2"})),
    );
    assert_eq!(ws.plan().code, 2);
    sim.fault(json!({"count": 20, "status": 503, "cloud": "starvcenter"}));
    assert_plan_fails_reading(ws.plan(), 503);
    sim.call("DELETE", "/_sim/faults", None, &[]);
    ws.apply().ok();
    assert!(svc(&sim, "realnodes")
        .iter()
        .any(|n| n["realnode.weight"] == "7"));

    // Protocol replaces it; deleted by hand it is planned again.
    let tcp = renamed.replace("\"http\"", "\"tcp\"");
    ws.write(&slb_config(&sim, &tcp, &two));
    let plan = ws.plan();
    assert!(
        plan.output().contains("forces replacement"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    let slbs = svc(&sim, "slbs");
    assert_eq!(
        (slbs.len(), slbs[0]["slb.protocal.type"].as_str()),
        (1, Some("tcp"))
    );
    svc_ctl(
        &sim,
        "DELETE",
        &format!("slbs/{}", slbs[0]["slb.id"].as_str().unwrap()),
        None,
    );
    let plan = ws.plan();
    assert!(
        plan.output().contains("will be created"),
        "{}",
        plan.output()
    );
    let run = ws.destroy().ok();
    assert!(
        run.output().contains("only removed from state"),
        "router: {}",
        run.output()
    );
    assert!(svc(&sim, "slbs").is_empty() && svc(&sim, "realnodes").is_empty());
}

#[test]
fn starvcenter_slb_https_certificate_is_secret() {
    let sim = Sim::start();
    let (a, _, ip_a) = seed_vm(&sim, "a");
    let node = [("a", a.as_str(), ip_a.as_str(), 8443, 1)];
    let https = |cert: &str| {
        format!("  name = \"tls\"\n  protocol = \"https\"\n  frontend_port = 443\n  https_certificate = \"{cert}\"\n  https_private_key = \"{KEY}\"\n")
    };
    let mut ws = Workspace::new();
    ws.env("TF_LOG", "TRACE");
    ws.write(&slb_config(&sim, &https(CERT), &node));
    let run = ws.apply().ok();
    assert!(
        !run.output().contains("TOPSECRETKEYMATERIAL"),
        "the private key leaked into the log"
    );
    assert!(
        run.output().contains("cloudslb/add"),
        "TRACE logs the requests"
    );
    let slb = &svc(&sim, "slbs")[0];
    assert_eq!(
        (
            slb["slb.https.cert.enable"].as_str(),
            slb["slb.https.cert.key.set"].as_bool()
        ),
        (Some("true"), Some(true))
    );
    ws.assert_no_changes();
    sim.clear_requests();
    ws.write(&slb_config(&sim, &https(CERT2), &node));
    let run = ws.apply().ok();
    assert!(!run.output().contains("TOPSECRETKEYMATERIAL"));
    assert_eq!(
        changes(&sim),
        vec!["PUT /cloudslb/https/cert/conf".to_string()]
    );
    assert!(svc(&sim, "slbs")[0]["slb.https.cert.text"]
        .as_str()
        .unwrap()
        .contains("renewed"));
}

#[test]
fn starvcenter_slb_bad_ranges_fail_at_plan_without_requests() {
    let sim = Sim::start();
    let bad = "  name = \"web\"\n  protocol = \"https\"\n  frontend_port = 49\n  max_connections = 5\n  policy = \"random\"\n  https_certificate = \"not a pem\"\n";
    let config = slb_config(&sim, bad, &[("a", "vm-1", "10.0.0.1", 70000, 11)])
        .replace("retries  = 3", "retries  = 1")
        .replace("interval = 5", "interval = 51")
        .replace("timeout  = 10", "timeout  = 301")
        .replace("idle     = 30", "idle     = 121");
    let ws = Workspace::new();
    ws.write(&config);
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    let out = run
        .output()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "frontend_port must be between 50 and 65535",
        "max_connections must be between 10 and 10000",
        "`policy` must be one of",
        "health_check.retries must be between 2 and 10",
        "health_check.interval (seconds) must be between 1 and 50",
        "health_check.timeout (seconds) must be between 1 and 300",
        "health_check.idle (seconds) must be between 1 and 120",
        "backend.port must be between 1 and 65535",
        "backend.weight must be between 1 and 10",
        "`https_certificate` must be PEM",
        "needs `https_private_key`",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert!(
        all_svc_requests(&sim).is_empty(),
        "no request before the plan is valid"
    );
}
