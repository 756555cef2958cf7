//! Empty is absent: against a cloud that answers `""` for every optional text nobody
//! wrote (`POST /_sim/config {"empty_texts": true}`), each resource with optional
//! texts applies without them, keeps them null in state and plans nothing more; a
//! written `""` stays `""`. Every such resource is on StarVCenter, the one cloud whose
//! objects carry optional texts (descriptions, sources, targets, ports).

use serde_json::{json, Value};

use crate::harness::*;
use crate::starvcenter_common::*;
use crate::starvcenter_net::seed_vm;

/// A simulator answering `""` for unwritten optional texts.
fn empty_texts_sim() -> Sim {
    let sim = Sim::start();
    let (status, body) = sim.call(
        "POST",
        "/_sim/config",
        Some(json!({"empty_texts": true})),
        &[],
    );
    assert_eq!(
        (status, &body["empty_texts"]),
        (200, &json!(true)),
        "{body}"
    );
    sim
}

/// Asserts that each of `attributes` of `address` is null in state.
fn null_in_state(ws: &Workspace, address: &str, attributes: &[&str]) {
    let state = ws.resource(address);
    assert!(state.is_object(), "{address} is not in state");
    for attribute in attributes {
        assert_eq!(
            state[attribute],
            Value::Null,
            "{address}.{attribute}: {state}"
        );
    }
}

/// The one object of `collection` the simulator holds.
fn only(sim: &Sim, collection: &str) -> Value {
    let all = svc(sim, collection);
    assert_eq!(all.len(), 1, "one in {collection}: {all:#?}");
    all[0].clone()
}

#[test]
fn storage_tenants_networks_and_groups_keep_unwritten_texts_null() {
    let sim = empty_texts_sim();
    let (vm, _, _) = seed_vm(&sim, "app");
    let ws = Workspace::new();
    ws.write(&format!(
        r#"{provider}
resource "polycloud_backup" "b" {{
  vps_id = "{vm}"
}}

resource "polycloud_snapshot" "s" {{
  vps_id = "{vm}"
}}

resource "polycloud_volume" "d" {{
  vps_id  = "{vm}"
  size_gb = 10
}}

resource "polycloud_tenant" "t" {{
  name = "team"
}}

resource "polycloud_vpc" "n" {{
  name = "net"
}}

resource "polycloud_vpc" "written" {{
  name        = "net-2"
  description = ""
}}

resource "polycloud_security_group" "g" {{
  name = "web"
  rule {{
    direction = "in"
  }}
}}
"#,
        provider = svc_provider(&sim)
    ));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    // The cloud answers "" for each unwritten text (what it holds is what it answers).
    for (collection, field) in [
        ("backups", "backup.desc"),
        ("snapshots", "snapshot.desc"),
        ("security_groups", "securitygroup.desc"),
    ] {
        assert_eq!(only(&sim, collection)[field], "", "{collection}.{field}");
    }
    let disks = svc(&sim, "disks");
    let data_disk = disks.iter().find(|d| d["vdisk.size"] == "10");
    assert_eq!(
        data_disk.map(|d| &d["vdisk.desc"]),
        Some(&json!("")),
        "{disks:#?}"
    );
    let vpcs = svc(&sim, "vpcs");
    assert!(
        vpcs.iter()
            .any(|v| v["vpc.name"] == "net" && v["vpc.desc"] == ""),
        "{vpcs:#?}"
    );
    for (address, attributes) in [
        ("polycloud_backup.b", &["description"][..]),
        ("polycloud_snapshot.s", &["description"]),
        ("polycloud_volume.d", &["description", "image"]),
        ("polycloud_tenant.t", &["description"]),
        ("polycloud_vpc.n", &["description"]),
        ("polycloud_security_group.g", &["description"]),
    ] {
        null_in_state(&ws, address, attributes);
    }
    let rule = &ws.resource("polycloud_security_group.g")["rule"][0];
    for attribute in ["protocol", "port", "source", "target"] {
        assert_eq!(rule[attribute], Value::Null, "rule.{attribute}: {rule}");
    }
    assert_eq!(ws.resource("polycloud_vpc.written")["description"], "");
    ws.assert_no_changes();
    // A refresh reads the same "" again and keeps it null.
    let refresh = ws.tf(&["apply", "-refresh-only", "-auto-approve", "-no-color"]);
    assert_eq!(refresh.code, 0, "{}", refresh.output());
    null_in_state(&ws, "polycloud_vpc.n", &["description"]);
    ws.assert_no_changes();
}

#[test]
fn routers_mappings_rules_and_load_balancers_keep_unwritten_texts_null() {
    let sim = empty_texts_sim();
    let (vm, _, ip) = seed_vm(&sim, "web");
    let ws = Workspace::new();
    ws.write(&format!(
        r#"{provider}
resource "polycloud_router" "edge" {{
  name    = "edge"
  vpc_ids = ["vpc-default"]
}}

resource "polycloud_port_mapping" "ssh" {{
  public_ip    = "203.0.113.11"
  public_port  = 2222
  vps_id       = "{vm}"
  private_port = 22
  depends_on   = [polycloud_router.edge]
}}

resource "polycloud_ip_mapping" "db" {{
  vps_id = "{vm}"
}}

resource "polycloud_access_rule" "web" {{
  vps_id     = "{vm}"
  scope      = "gate"
  depends_on = [polycloud_router.edge]
}}

resource "polycloud_slb" "web" {{
  tenant_id     = "app-000000"
  name          = "web"
  protocol      = "tcp"
  network_type  = "outer"
  frontend_ip   = "203.0.113.10"
  frontend_port = 80
  router_vps_id = polycloud_router.edge.id
  backend {{
    name   = "a"
    ip     = "{ip}"
    port   = 8080
    vps_id = "{vm}"
  }}
}}
"#,
        provider = svc_provider(&sim)
    ));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    let nats = svc(&sim, "nats");
    assert_eq!(nats.len(), 2, "{nats:#?}");
    assert!(nats
        .iter()
        .all(|n| n["nat_desc"] == "" && n["nat_srcip"] == ""));
    // The detail the cloud answers (the dump renders it the same way, 2.12.1).
    assert_eq!(only(&sim, "slbs")["slb.desc"], "", "an empty description");
    for (address, attributes) in [
        ("polycloud_port_mapping.ssh", &["source", "description"][..]),
        (
            "polycloud_ip_mapping.db",
            &["public_ip", "source", "description"],
        ),
        (
            "polycloud_access_rule.web",
            &[
                "direction",
                "protocol",
                "port",
                "source",
                "target",
                "description",
            ],
        ),
        (
            "polycloud_slb.web",
            &["description", "https_certificate", "https_private_key"],
        ),
    ] {
        null_in_state(&ws, address, attributes);
    }
    ws.assert_no_changes();
}
