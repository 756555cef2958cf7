//! StarVCenter part 2 as the simulator serves it (seeds/003 2.3.5–2.3.12, 2.9, 2.11–2.13,
//! 2.17–2.18): security groups and rule effect, SLBs and their nodes, routers, mappings
//! and their conflicts, access rules, the outer IP pool.

mod common;

use base64::Engine as _;
use common::Sim;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const TOKEN: &str = "sim-starvcenter-token";
const BASE: &str = "/starvcenter/services/cloudresource";

/// One call; the decoded answer (HTTP 200 asserted).
fn svc(sim: &Sim, method: &str, path: &str, params: Option<Value>) -> Value {
    let body = params
        .map(|p| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(p.to_string());
            format!(
                "KEY_PARAM={}",
                b64.replace('+', "%2B")
                    .replace('/', "%2F")
                    .replace('=', "%3D")
            )
        })
        .unwrap_or_default();
    let headers = [
        ("KEY_TOKEN", TOKEN),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    let resp = sim
        .raw(method, &format!("{BASE}/{path}"), &headers, &body)
        .unwrap();
    assert_eq!(resp.status, 200, "{method} {path}: {}", resp.body);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(resp.body.trim())
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn ok(sim: &Sim, method: &str, path: &str, params: Option<Value>) -> Value {
    let body = svc(sim, method, path, params);
    assert_eq!(body["result"], "0", "{method} {path}: {body}");
    body["data"].clone()
}

fn refused(sim: &Sim, method: &str, path: &str, params: Option<Value>) -> String {
    let body = svc(sim, method, path, params);
    assert_eq!(body["result"], "1", "{method} {path}: {body}");
    body["resultinfo"].as_str().unwrap().to_string()
}

/// A seeded running VM: (id, NIC id, IP).
fn vm(sim: &Sim, name: &str) -> (String, String, String) {
    let body = sim
        .ctl("POST", "/starvcenter/vms", Some(json!({"vm.name": name})))
        .json();
    let id = body["vm.id"].as_str().unwrap().to_string();
    let nics = ok(
        sim,
        "POST",
        "cloudvm/vnic/search",
        Some(json!({"vnic.vmid": id})),
    );
    let nic = &nics[0];
    (
        id,
        nic["vnic.id"].as_str().unwrap().into(),
        nic["vnic.ipaddress"].as_str().unwrap().into(),
    )
}

/// A router, online, with `vpc-default` attached.
fn router(sim: &Sim) -> String {
    let data = ok(
        sim,
        "POST",
        "vroute/create",
        Some(json!({"vroute.name": "edge", "vroute.ha.enable": "true"})),
    );
    let id = data[0]["vm.id"].as_str().unwrap().to_string();
    let job = data[0]["jobstartid"].as_str().unwrap().to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let t = ok(
            sim,
            "POST",
            "cloudtask/search",
            Some(json!({"task.startid": job})),
        );
        if t["task.result"] == "0" {
            break;
        }
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(50));
    }
    ok(
        sim,
        "POST",
        "vroute/vpcAdd",
        Some(json!({"vroute.id": id, "portgroup.id": "vpc-default"})),
    );
    id
}

#[test]
fn security_groups_rules_binding_and_rule_effect() {
    let sim = Sim::start();
    let (vm_id, nic, _) = vm(&sim, "web");
    // 2.17.2 with the printed stray spaces.
    let g = ok(
        &sim,
        "POST",
        "cloudsegroup/create",
        Some(json!({" securitygroup.name": "web", " securitygroup.desc": "d"})),
    );
    let gid = g["securitygroup.id"].as_str().unwrap().to_string();
    let found = ok(
        &sim,
        "POST",
        "cloudsegroup/search",
        Some(json!({" securitygroup.id": gid})),
    );
    assert_eq!(
        found[0][" securitygroup.name"], "web",
        "rendered as printed"
    );
    ok(
        &sim,
        "POST",
        "cloudsegroup/vnic/bind",
        Some(json!({"securitygroup.id": gid, "vnic.id": nic})),
    );
    let nics = ok(
        &sim,
        "POST",
        "cloudsegroup/vnic/search",
        Some(json!({"securitygroup.id": gid})),
    );
    assert_eq!(nics[0]["vnic.id"], nic.as_str());

    // A rule; the next one is made not in effect, resisting one reset.
    let r1 = ok(
        &sim,
        "POST",
        "cloudsegroup/rule/add",
        Some(
            json!({"aclrule. securitygroupid": gid, "aclrule.direction": "in", "aclrule.protocal": "tcp", "aclrule.vmport": "443", "aclrule.srcip": "0.0.0.0/0"}),
        ),
    );
    assert!(r1["aclrule.id"].is_string());
    sim.ctl(
        "POST",
        "/starvcenter/rule_effect",
        Some(json!({"count": 1, "resets": 1})),
    );
    let r2 = ok(
        &sim,
        "POST",
        "cloudsegroup/rule/add",
        Some(json!({"aclrule.securitygroupid": gid, "aclrule.direction": "out"})),
    );
    let r2 = r2["aclrule.id"].as_str().unwrap().to_string();
    let bad = refused(
        &sim,
        "POST",
        "cloudsegroup/rule/add",
        Some(json!({"aclrule.securitygroupid": gid, "aclrule.direction": "sideways"})),
    );
    assert!(bad.contains("in or out"), "{bad}");
    let rules = ok(
        &sim,
        "POST",
        "cloudsegroup/rule/search",
        Some(json!({"aclrule.securitygroupid": gid})),
    );
    assert_eq!(rules.as_array().unwrap().len(), 2);
    assert_eq!(rules[0]["aclrule_ securitygroupid"], gid.as_str());
    let pending = ok(
        &sim,
        "POST",
        "cloudsegroup/retryrule/search",
        Some(json!({"securitygroup.id": gid})),
    );
    assert_eq!(
        (
            pending[0]["aclrule.id"].as_str(),
            pending[0]["vm.id"].as_str()
        ),
        (Some(r2.as_str()), Some(vm_id.as_str()))
    );
    ok(&sim, "PUT", "cloudsegroup/retryrule/reset", Some(json!({})));
    let pending = ok(
        &sim,
        "POST",
        "cloudsegroup/retryrule/search",
        Some(json!({})),
    );
    assert_eq!(
        pending[0]["retry.num"], "1",
        "still not in effect after one reset"
    );
    ok(&sim, "PUT", "cloudsegroup/retryrule/reset", Some(json!({})));
    let pending = ok(
        &sim,
        "POST",
        "cloudsegroup/retryrule/search",
        Some(json!({})),
    );
    assert!(pending.as_array().unwrap().is_empty());
    let on_vm = ok(
        &sim,
        "POST",
        "cloudsegroup/rule/vm",
        Some(json!({"vm.id": vm_id})),
    );
    assert!(on_vm
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["aclrule_status"] == "true"));

    // Delete refused while bound; unbind (SPEC §6 path), then delete.
    let busy = refused(&sim, "DELETE", &format!("cloudsegroup/{gid}"), None);
    assert!(busy.contains("unbind"), "{busy}");
    ok(
        &sim,
        "POST",
        "cloudsegroup/vnic/unbind",
        Some(json!({"securitygroup.id": gid, "vnic.id": nic})),
    );
    ok(&sim, "DELETE", &format!("cloudsegroup/rule/{r2}"), None);
    ok(&sim, "DELETE", &format!("cloudsegroup/{gid}"), None);
    let state = sim.ctl("GET", "/state", None).json();
    assert!(state["starvcenter"]["security_groups"]
        .as_array()
        .unwrap()
        .is_empty());
    assert!(state["starvcenter"]["sg_rules"]
        .as_array()
        .unwrap()
        .is_empty());
}

const CERT: &str = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
const KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";

#[test]
fn slb_ranges_nodes_switch_and_certificate() {
    let sim = Sim::start();
    let (vm_id, _, ip) = vm(&sim, "app");
    let rid = router(&sim);
    let base = json!({"slb.name": "web", "slb.appid": "app-000000", "slb.protocal.type": "HTTP", "slb.network.type": "outter",
        "slb.directip": "203.0.113.10", "slb.directport": "80", "slb.realport": "8080", "slb.vmid ": rid,
        "slb.maxoccurs": "100",
        "realnode": [{"realnode.ip": ip, "realnode.port": "8080", "realnode.vmid": vm_id, "realnode.weight": "5"}]});
    let mut no_tenant = base.clone();
    no_tenant.as_object_mut().unwrap().remove("slb.appid");
    let why = refused(&sim, "POST", "cloudslb/add", Some(no_tenant));
    assert!(why.contains("slb.appid"), "{why}");
    for (key, value) in [
        ("slb.directport", "49"),
        ("slb.health.retrytime", "11"),
        ("slb.maxoccurs", "5"),
        ("slb.health.check.timeout", "301"),
    ] {
        let mut p = base.clone();
        p[key] = json!(value);
        let why = refused(&sim, "POST", "cloudslb/add", Some(p));
        assert!(why.contains(key), "{why}");
    }
    let mut https = base.clone();
    https["slb.protocal.type"] = json!("HTTPS");
    assert!(
        refused(&sim, "POST", "cloudslb/add", Some(https.clone())).contains("slb.https.cert.text")
    );
    https["slb.https.cert.text"] = json!("not pem");
    https["slb.https.cert.key"] = json!(KEY);
    assert!(refused(&sim, "POST", "cloudslb/add", Some(https)).contains("PEM"));

    let id = ok(&sim, "POST", "cloudslb/add", Some(base.clone()))["slb.id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(id, format!("slb_{rid}"));
    let slb = &ok(&sim, "POST", "cloudslb/search", Some(json!({"slb.id": id})))[0];
    assert_eq!(
        (
            slb["slb.vmid "].as_str(),
            slb["slb.enable"].as_str(),
            slb["slb.protocal.type"].as_str()
        ),
        (Some(rid.as_str()), Some("false"), Some("http"))
    );
    // The front end is taken now.
    let taken = refused(&sim, "POST", "cloudslb/add", Some(base));
    assert!(taken.contains("203.0.113.10"), "{taken}");

    ok(&sim, "POST", "cloudslb/start", Some(json!({"slb.id": id})));
    ok(
        &sim,
        "PUT",
        "cloudslb/modify",
        Some(json!({"slb.id": id, "slb.name": "web2", "slb.policy.type": "wrr"})),
    );
    let slb = &ok(&sim, "POST", "cloudslb/search", Some(json!({"slb.id": id})))[0];
    assert_eq!(
        (
            slb["slb.enable"].as_str(),
            slb["slb.name"].as_str(),
            slb["slb.policy.type"].as_str()
        ),
        (Some("true"), Some("web2"), Some("wrr"))
    );
    assert!(refused(
        &sim,
        "PUT",
        "cloudslb/https/cert/conf",
        Some(json!({"slb.id": id, "slb.https.cert.text": CERT, "slb.https.cert.key": KEY}))
    )
    .contains("https"));

    let nodes = ok(&sim, "POST", "cloudslb/realnode/search", Some(json!({})));
    let first = nodes[0]["realnode.id"].as_str().unwrap().to_string();
    let second = ok(&sim, "POST", "cloudslb/realnode/add", Some(json!({"realnode.slbid": id, "realnode.ip": ip, "realnode.port": "8081", "realnode.vmid": vm_id})))["realnode.id"].as_str().unwrap().to_string();
    assert!(refused(
        &sim,
        "PUT",
        "cloudslb/realnode/modify",
        Some(json!({"realnode.id": second, "realnode.weight": "11"}))
    )
    .contains("1-10"));
    ok(
        &sim,
        "PUT",
        "cloudslb/realnode/modify",
        Some(json!({"realnode.id": second, "realnode.weight": "7"})),
    );
    ok(&sim, "DELETE", &format!("cloudslb/realnode/{first}"), None);
    let nodes = ok(&sim, "POST", "cloudslb/realnode/search", Some(json!({})));
    assert_eq!(nodes.as_array().unwrap().len(), 1);
    assert_eq!(nodes[0]["realnode.weight"], "7");
    ok(&sim, "DELETE", &format!("cloudslb/{id}"), None);
    assert!(
        ok(&sim, "POST", "cloudslb/realnode/search", Some(json!({})))
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[test]
fn routers_mappings_conflicts_access_rules_and_outer_ips() {
    let sim = Sim::start();
    let (vm_id, _, ip) = vm(&sim, "db");
    // No router yet: a port mapping has nowhere to go.
    let port = json!({"innerIp": ip, "innerPort": "22", "ipaddress": "203.0.113.11", "outerPort": "2222", "protocal": "tcp"});
    assert!(refused(
        &sim,
        "POST",
        "cloudnetwork/portMapping/create",
        Some(port.clone())
    )
    .contains("vpcAdd"));
    let rid = router(&sim);
    let detail = ok(&sim, "GET", &format!("vroute/{rid}"), None);
    assert_eq!(
        (
            detail["vroute.name"].as_str(),
            detail["vroute.online"].as_str()
        ),
        (Some("edge"), Some("true"))
    );
    ok(
        &sim,
        "POST",
        "cloudnetwork/portMapping/create",
        Some(port.clone()),
    );
    // Conflict: the same public IP:port.
    let conflict = refused(&sim, "POST", "cloudnetwork/portMapping/create", Some(port));
    assert!(
        conflict.contains("外网IP端口已被映射") && conflict.contains("203.0.113.11:2222"),
        "{conflict}"
    );
    let nats = ok(
        &sim,
        "POST",
        "vroute/Mapping/search",
        Some(json!({"natType": "port"})),
    );
    assert_eq!(
        (
            nats[0]["nat_outerport"].as_str(),
            nats[0]["nat_vrouteid"].as_str()
        ),
        (Some("2222"), Some(rid.as_str()))
    );
    let nat = nats[0]["nat_id"].as_str().unwrap().to_string();
    let ips = ok(
        &sim,
        "POST",
        "cloudip/mapping/outerIp/search",
        Some(json!({"ipaddress.only": "203.0.113.11"})),
    );
    assert_eq!(ips[0]["ports"], "2222");
    // An IP mapping cannot take an address with ports mapped on it.
    let taken = refused(
        &sim,
        "POST",
        "cloudnetwork/sharenet/connect",
        Some(json!({"vm.id": vm_id, "vm.outer.ipaddress": "203.0.113.11"})),
    );
    assert!(taken.contains("外网IP已被使用"), "{taken}");
    let share = ok(
        &sim,
        "POST",
        "cloudnetwork/sharenet/connect",
        Some(json!({"vm.id": vm_id, "vm.outer.ipaddress": "203.0.113.12"})),
    );
    assert!(share["tenant.shareip"]
        .as_str()
        .unwrap()
        .starts_with("10.250."));
    let shares = ok(
        &sim,
        "POST",
        "cloudnetwork/sharenet/search",
        Some(json!({"page.startnum": "1", "page.everypagenum": "10"})),
    );
    assert_eq!(shares[0]["vm.id"], vm_id.as_str());
    let ips = ok(
        &sim,
        "POST",
        "cloudip/mapping/outerIp/search",
        Some(json!({})),
    );
    assert!(
        ips.as_array()
            .unwrap()
            .iter()
            .all(|i| i["ipaddress"] != "203.0.113.12"),
        "IP-mapped address not usable"
    );
    // Detaching the subnet is refused while a mapping goes through it.
    assert!(refused(
        &sim,
        "POST",
        "vroute/vpcDelete",
        Some(json!({"portgroup.id": "vpc-default"}))
    )
    .contains(&nat));
    ok(
        &sim,
        "DELETE",
        &format!("cloudnetwork/ipmapping/{nat}"),
        None,
    );

    // Access rules (underscore keys on search) and the boundary firewall.
    let rule = ok(
        &sim,
        "POST",
        "cloudnetwork/acessrule/add",
        Some(
            json!({"vm.ip": ip, "aclrule.type": "net_gate", "allow.internalport": "80:83,85", "allow.protocol": "tcp", "allow.sourceips": "10.0.0.0/8"}),
        ),
    );
    let rule = rule["rule.id"].as_str().unwrap().to_string();
    assert!(refused(
        &sim,
        "POST",
        "cloudnetwork/acessrule/add",
        Some(json!({"vm.ip": ip, "aclrule.type": "net_inner"}))
    )
    .contains("allow.direction"));
    assert!(refused(
        &sim,
        "POST",
        "cloudnetwork/acessrule/search",
        Some(json!({}))
    )
    .contains("page"));
    let found = ok(
        &sim,
        "POST",
        "cloudnetwork/acessrule/search",
        Some(
            json!({"aclrule_vnetid": "vpc-default", "page.startnum": "1", "page.everypagenum": "30"}),
        ),
    );
    assert_eq!(
        (
            found[0]["aclrule_id"].as_str(),
            found[0]["aclrule_vmport"].as_str(),
            found[0]["aclrule_vrouteid"].as_str()
        ),
        (Some(rule.as_str()), Some("80:83,85"), Some(rid.as_str()))
    );
    ok(
        &sim,
        "POST",
        "cloudnetwork/netgate",
        Some(json!({"portgroup.id": "vpc-default", "type": "open"})),
    );
    let state = sim.ctl("GET", "/state", None).json();
    assert_eq!(state["starvcenter"]["netgates"], json!(["vpc-default"]));
    ok(
        &sim,
        "DELETE",
        &format!("cloudnetwork/acessrule/{rule}"),
        None,
    );
    ok(
        &sim,
        "POST",
        "cloudnetwork/netgate",
        Some(json!({"portgroup.id": "vpc-default", "type": "close"})),
    );
    let share_id = shares[0]["nat.id"].as_str().unwrap().to_string();
    ok(
        &sim,
        "DELETE",
        &format!("cloudnetwork/ipmapping/{share_id}"),
        None,
    );
    ok(
        &sim,
        "POST",
        "vroute/vpcDelete",
        Some(json!({"portgroup.id": "vpc-default"})),
    );
}
