//! `polycloud_router`, `polycloud_port_mapping`, `polycloud_ip_mapping`,
//! `polycloud_access_rule` and the data sources `polycloud_public_ips` and
//! `polycloud_security_groups` on StarVCenter, through Terraform.

use serde_json::json;

use crate::harness::*;
use crate::starvcenter_common::*;
use crate::starvcenter_net::seed_vm;

fn config(sim: &Sim, vm: &str, port: i64, vpcs: &str, extra: &str) -> String {
    format!(
        r#"{provider}
resource "polycloud_router" "edge" {{
  name    = "edge"
  ha      = true
  vpc_ids = [{vpcs}]
}}

resource "polycloud_port_mapping" "ssh" {{
  public_ip    = "203.0.113.11"
  public_port  = {port}
  vps_id       = "{vm}"
  private_port = 22
  source       = "198.51.100.0/24"
  depends_on   = [polycloud_router.edge]
}}

resource "polycloud_ip_mapping" "db" {{
  vps_id      = "{vm}"
  public_ip   = "203.0.113.12"
  description = "db"
}}

resource "polycloud_access_rule" "web" {{
  vps_id     = "{vm}"
  scope      = "gate"
  protocol   = "tcp"
  port       = "80:83,85"
  source     = "10.0.0.0/8"
  depends_on = [polycloud_router.edge]
}}

data "polycloud_public_ips" "all" {{
  depends_on = [polycloud_port_mapping.ssh, polycloud_ip_mapping.db]
}}
{extra}"#,
        provider = svc_provider(sim)
    )
}

#[test]
fn starvcenter_router_mappings_and_access_rules() {
    let sim = Sim::start();
    let (vm, _, ip) = seed_vm(&sim, "db");
    let ws = Workspace::new();
    ws.write(&config(&sim, &vm, 2222, "\"vpc-default\"", ""));
    ws.apply().ok();
    let routers = svc(&sim, "routers");
    assert_eq!(routers.len(), 1);
    let router = routers[0]["vroute.id"].as_str().unwrap().to_string();
    assert_eq!(
        (
            routers[0]["vroute.ha.enable"].as_str(),
            routers[0]["vpcs"].clone()
        ),
        (Some("true"), json!(["vpc-default"]))
    );
    assert_eq!(
        svc_requests(&sim, "POST", "vroute/vpcAdd")[0]["body"]["KEY_PARAM"],
        json!({"vroute.id": router, "portgroup.id": "vpc-default"})
    );
    let nats = svc(&sim, "nats");
    assert_eq!(nats.len(), 2);
    let port_nat = nats.iter().find(|n| n["nat_type"] == "port").unwrap();
    assert_eq!(
        (
            port_nat["nat_outerport"].as_str(),
            port_nat["nat_innerip"].as_str(),
            port_nat["nat_vrouteid"].as_str()
        ),
        (Some("2222"), Some(ip.as_str()), Some(router.as_str()))
    );
    assert_eq!(
        svc_requests(&sim, "POST", "cloudnetwork/portMapping/create")[0]["body"]["KEY_PARAM"],
        json!({"innerIp": ip, "innerPort": "22", "ipaddress": "203.0.113.11", "outerPort": "2222", "protocal": "tcp", "sourceIp": "198.51.100.0/24"})
    );
    let acls = svc(&sim, "acls");
    assert_eq!(
        (acls.len(), acls[0]["aclrule_type"].as_str()),
        (1, Some("net_gate"))
    );
    assert_eq!(
        svc_state(&sim)["netgates"],
        json!(["vpc-default"]),
        "gate rules open the boundary firewall"
    );
    let ips = ws.resource("data.polycloud_public_ips.all");
    let used = ips["public_ips"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["address"] == "203.0.113.11")
        .unwrap()["used_ports"]
        .clone();
    assert_eq!(used, json!([2222]));
    assert!(ips["public_ips"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["address"] != "203.0.113.12"));
    assert!(ws.resource("polycloud_ip_mapping.db")["shared_ip"]
        .as_str()
        .unwrap()
        .starts_with("10.250."));
    ws.assert_no_changes();

    // A second mapping of the same public IP:port fails with the platform's message.
    let clash = "resource \"polycloud_port_mapping\" \"clash\" {\n  public_ip    = \"203.0.113.11\"\n  public_port  = 2222\n  vps_id       = polycloud_port_mapping.ssh.vps_id\n  private_port = 80\n}\n";
    ws.write(&config(&sim, &vm, 2222, "\"vpc-default\"", clash));
    let out = ws
        .apply()
        .failed()
        .output()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        out.contains("外网IP端口已被映射") && out.contains("203.0.113.11:2222"),
        "{out}"
    );
    assert_eq!(svc(&sim, "nats").len(), 2);

    // Router in place: one more network attached, nothing else.
    let vpc = "resource \"polycloud_vpc\" \"b\" {\n  name = \"b\"\n}\n";
    ws.write(&config(
        &sim,
        &vm,
        2222,
        "\"vpc-default\", polycloud_vpc.b.id",
        vpc,
    ));
    sim.clear_requests();
    ws.apply().ok();
    assert_eq!(svc_requests(&sim, "POST", "vroute/vpcAdd").len(), 1);
    assert_eq!(svc(&sim, "routers")[0]["vpcs"].as_array().unwrap().len(), 2);
    ws.assert_no_changes();

    // A new public port replaces the mapping.
    ws.write(&config(
        &sim,
        &vm,
        2223,
        "\"vpc-default\", polycloud_vpc.b.id",
        vpc,
    ));
    let plan = ws.plan();
    assert!(
        plan.output().contains("forces replacement"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    let port_nat = svc(&sim, "nats")
        .into_iter()
        .find(|n| n["nat_type"] == "port")
        .unwrap();
    assert_eq!(port_nat["nat_outerport"], "2223");
    let nat_id = port_nat["nat_id"].as_str().unwrap().to_string();

    // Import each into a second directory.
    let ws2 = Workspace::new();
    let vpc_b = svc(&sim, "vpcs")
        .into_iter()
        .find(|v| v["vpc.name"] == "b")
        .unwrap()["vpc.id"]
        .as_str()
        .unwrap()
        .to_string();
    let vpcs = format!("\"vpc-default\", \"{vpc_b}\"");
    ws2.write(&config(&sim, &vm, 2223, &vpcs, "").replace(
        "data \"polycloud_public_ips\"",
        "data \"polycloud_security_groups\"",
    ));
    let ip_nat = svc(&sim, "nats")
        .into_iter()
        .find(|n| n["nat_type"] == "ip")
        .unwrap()["nat_id"]
        .as_str()
        .unwrap()
        .to_string();
    let acl = svc(&sim, "acls")[0]["aclrule_id"]
        .as_str()
        .unwrap()
        .to_string();
    for (address, id) in [
        ("polycloud_router.edge", router.as_str()),
        ("polycloud_port_mapping.ssh", nat_id.as_str()),
        ("polycloud_ip_mapping.db", ip_nat.as_str()),
        ("polycloud_access_rule.web", acl.as_str()),
    ] {
        ws2.tf(&["import", "-no-color", "-input=false", address, id])
            .ok();
    }
    let plan = ws2.plan();
    let text = plan.output();
    assert!(
        !text.contains("must be replaced") && !text.contains("will be created"),
        "{text}"
    );
    ws2.apply().ok();
    ws2.assert_no_changes();

    // Drift: a mapping deleted by hand is planned again; a failing read keeps it.
    sim.fault(json!({"count": 20, "status": 503, "cloud": "starvcenter"}));
    assert_plan_fails_reading(ws.plan(), 503);
    sim.call("DELETE", "/_sim/faults", None, &[]);
    svc_ctl(&sim, "DELETE", &format!("nats/{nat_id}"), None);
    let plan = ws.plan();
    assert!(
        plan.output().contains("will be created"),
        "{}",
        plan.output()
    );

    let run = ws.destroy().ok();
    assert!(
        run.output().contains("only removed from state"),
        "{}",
        run.output()
    );
    assert!(svc(&sim, "nats").is_empty() && svc(&sim, "acls").is_empty());
    assert_eq!(
        svc_state(&sim)["netgates"],
        json!([]),
        "closed after the last gate rule"
    );
}

#[test]
fn starvcenter_security_groups_data_source_and_bad_mapping_input() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!("{}\nresource \"polycloud_security_group\" \"a\" {{\n  name = \"web-a\"\n}}\nresource \"polycloud_security_group\" \"b\" {{\n  name = \"db\"\n}}\ndata \"polycloud_security_groups\" \"web\" {{\n  name_contains = \"web\"\n  depends_on    = [polycloud_security_group.a, polycloud_security_group.b]\n}}\n", svc_provider(&sim)));
    ws.apply().ok();
    let data = ws.resource("data.polycloud_security_groups.web");
    assert_eq!(data["security_groups"].as_array().unwrap().len(), 1);
    assert_eq!(data["security_groups"][0]["name"], "web-a");
    ws.destroy().ok();

    sim.clear_requests();
    ws.write(&format!("{}\nresource \"polycloud_port_mapping\" \"p\" {{\n  public_ip    = \"203.0.113.11\"\n  public_port  = 70000\n  vps_id       = \"vm-1\"\n  private_port = 0\n  protocol     = \"icmp\"\n}}\nresource \"polycloud_access_rule\" \"r\" {{\n  vps_id    = \"vm-1\"\n  scope     = \"inner\"\n  port      = \"80-x\"\n}}\n", svc_provider(&sim)));
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    let out = run
        .output()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for expected in [
        "`public_port` must be 1–65535",
        "`private_port` must be 1–65535",
        "`protocol` must be `tcp` or `udp`",
        "need `direction`",
        "like `80:83,85`",
        "`port` needs `protocol`",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in {out}");
    }
    assert!(all_svc_requests(&sim).is_empty());
}
