//! `polycloud_backup`, `polycloud_vps_restore`, `polycloud_tenant` and `polycloud_vpc`
//! on StarVCenter, through Terraform.

use serde_json::{json, Value};

use crate::harness::*;
use crate::starvcenter_common::*;

const VM: &str = "resource \"polycloud_vps\" \"app\" {\n  name       = \"app\"\n  image      = \"tpl-ubuntu-2204\"\n  cpu        = 1\n  memory_mb  = 1024\n  network_id = \"vpc-default\"\n}\n";

fn backup_config(sim: &Sim, name: &str, desc: &str, restore: &str) -> String {
    format!("{}\n{VM}\nresource \"polycloud_backup\" \"b\" {{\n  vps_id      = polycloud_vps.app.id\n  name        = \"{name}\"\n  description = \"{desc}\"\n}}\n{restore}", svc_provider(sim))
}

#[test]
fn starvcenter_backup_and_restore() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&backup_config(&sim, "b1", "first", ""));
    ws.apply().ok();
    let backups = svc(&sim, "backups");
    assert_eq!(backups.len(), 1);
    assert_eq!(
        (
            backups[0]["backup.name"].as_str(),
            backups[0]["backup.desc"].as_str(),
            backups[0]["backup.enable"].as_str()
        ),
        (Some("b1"), Some("first"), Some("true"))
    );
    let id = backups[0]["backup.id"].as_str().unwrap().to_string();
    assert_eq!(ws.resource("polycloud_backup.b")["status"], "available");
    ws.assert_no_changes();

    // Description in place (2.6.5), name forces a new backup.
    ws.write(&backup_config(&sim, "b1", "second", ""));
    ws.apply().ok();
    assert_eq!(svc(&sim, "backups")[0]["backup.desc"], "second");
    assert_eq!(
        svc_requests(&sim, "PUT", "cloudvm/backup/modify")[0]["body"]["KEY_PARAM"],
        json!({"backup.id": id, "backup.desc": "second"})
    );
    ws.write(&backup_config(&sim, "b2", "second", ""));
    let plan = ws.plan();
    assert!(
        plan.output().contains("forces replacement"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    let backups = svc(&sim, "backups");
    assert_eq!(backups.len(), 1);
    assert_ne!(backups[0]["backup.id"], id.as_str());
    let id = backups[0]["backup.id"].as_str().unwrap().to_string();

    // Restore from it.
    let restore = "resource \"polycloud_vps_restore\" \"r\" {\n  vps_id    = polycloud_vps.app.id\n  backup_id = polycloud_backup.b.id\n}\n";
    ws.write(&backup_config(&sim, "b2", "second", restore));
    ws.apply().ok();
    assert_eq!(
        svc_requests(&sim, "PUT", "cloudvm/backup/restore")[0]["body"]["KEY_PARAM"],
        json!({"backup.id": id})
    );
    ws.assert_no_changes();

    // Import by id, in a second directory.
    let ws2 = Workspace::new();
    ws2.write(&format!("{}\nresource \"polycloud_backup\" \"b\" {{\n  vps_id      = \"{}\"\n  name        = \"b2\"\n  description = \"second\"\n}}\n", svc_provider(&sim), backups[0]["backup.vmid"].as_str().unwrap()));
    ws2.tf(&[
        "import",
        "-no-color",
        "-input=false",
        "polycloud_backup.b",
        &id,
    ])
    .ok();
    ws2.assert_no_changes();

    // Drift: deleted by hand → planned again; a failing read keeps it.
    sim.fault(
        json!({"count": 10, "status": 503, "cloud": "starvcenter", "path_contains": "/backup/"}),
    );
    assert_plan_fails_reading(ws2.plan(), 503);
    sim.call("DELETE", "/_sim/faults", None, &[]);
    svc_ctl(&sim, "DELETE", &format!("backups/{id}"), None);
    let plan = ws2.plan();
    assert!(
        plan.output().contains("will be created"),
        "{}",
        plan.output()
    );

    ws.destroy().ok();
    assert!(svc(&sim, "backups").is_empty() && svc(&sim, "vms").is_empty());
}

#[test]
fn starvcenter_backup_failure_gives_the_tasks_message() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!("{}\n{VM}", svc_provider(&sim)));
    ws.apply().ok();
    svc_fail_next(
        &sim,
        "backup.create",
        7,
        "已取消: cancelled by the operator",
    );
    ws.write(&backup_config(&sim, "b1", "x", ""));
    let out = ws
        .apply()
        .failed()
        .output()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        out.contains("cancelled by the operator") && out.contains("code 7"),
        "{out}"
    );
}

fn tenant_config(sim: &Sim, name: &str, cpu: i64) -> String {
    format!("{}\nresource \"polycloud_tenant\" \"t\" {{\n  name             = \"{name}\"\n  description      = \"team\"\n  cpu_quota        = {cpu}\n  memory_mb_quota  = 8192\n  storage_gb_quota = 200\n  subnet_quota     = 2\n  public_ip_quota  = 1\n}}\n", svc_provider(sim))
}

fn tenants(sim: &Sim) -> Vec<Value> {
    svc(sim, "tenants")
        .into_iter()
        .filter(|t| t["app.id"] != "app-000000")
        .collect()
}

#[test]
fn starvcenter_tenant_quotas() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&tenant_config(&sim, "team-a", 4));
    ws.apply().ok();
    let t = tenants(&sim);
    assert_eq!(t.len(), 1);
    assert_eq!(
        (
            t[0]["app.name"].as_str(),
            t[0]["app.cpu.quota"].as_i64(),
            t[0]["app.portgroup.quota"].as_i64()
        ),
        (Some("team-a"), Some(4), Some(2))
    );
    let id = t[0]["app.id"].as_str().unwrap().to_string();
    let state = ws.resource("polycloud_tenant.t");
    assert_eq!(
        (
            state["cpu_usable"].as_i64(),
            state["subnet_usable"].as_i64()
        ),
        (Some(4), Some(2))
    );
    ws.assert_no_changes();

    // Quotas in place through resourcequota/modify (every field sent).
    ws.write(&tenant_config(&sim, "team-a", 8));
    ws.apply().ok();
    assert_eq!(tenants(&sim)[0]["app.cpu.quota"], 8);
    let sent = &svc_requests(&sim, "PUT", "resourcequota/modify")[0]["body"]["KEY_PARAM"];
    assert_eq!(
        sent,
        &json!({"tenantId": id, "cpu": "8", "memory": "8192", "storage": "200", "ip": "1", "vpc": "2"})
    );
    ws.assert_no_changes();

    // Drift of a quota is put back.
    svc_ctl(
        &sim,
        "PATCH",
        &format!("tenants/{id}"),
        Some(json!({"cpu": 2})),
    );
    assert_eq!(ws.plan().code, 2);
    ws.apply().ok();
    assert_eq!(tenants(&sim)[0]["app.cpu.quota"], 8);

    // A new name makes a new tenant (with a warning).
    ws.write(&tenant_config(&sim, "team-b", 8));
    let plan = ws.plan();
    assert!(
        plan.output().contains("forces replacement")
            && plan.output().contains("makes a new tenant"),
        "{}",
        plan.output()
    );

    // Import, then destroy only forgets (warning), the tenant stays.
    let ws2 = Workspace::new();
    ws2.write(&tenant_config(&sim, "team-a", 8));
    ws2.tf(&[
        "import",
        "-no-color",
        "-input=false",
        "polycloud_tenant.t",
        &id,
    ])
    .ok();
    ws2.apply().ok();
    ws2.assert_no_changes();
    let run = ws.destroy().ok();
    assert!(
        run.output().contains("only removed from state"),
        "{}",
        run.output()
    );
    assert_eq!(tenants(&sim).len(), 1, "the API has no delete");

    // Deleted out of band: the read finds nothing and Terraform plans a create.
    svc_ctl(&sim, "DELETE", &format!("tenants/{id}"), None);
    let plan = ws2.plan();
    assert!(
        plan.output().contains("will be created"),
        "{}",
        plan.output()
    );

    // Bad input: a negative quota, refused at validate with no request.
    sim.clear_requests();
    ws.write(&tenant_config(&sim, "team-c", -1));
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(run.output().contains("cpu_quota"), "{}", run.output());
    assert!(all_svc_requests(&sim).is_empty());
}

#[test]
fn starvcenter_vpc_lifecycle() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let cfg = |name: &str, desc: &str| {
        format!("{}\nresource \"polycloud_vpc\" \"n\" {{\n  name        = \"{name}\"\n  description = \"{desc}\"\n}}\n", svc_provider(&sim))
    };
    ws.write(&cfg("backend", "b"));
    ws.apply().ok();
    let vpc = svc(&sim, "vpcs")
        .into_iter()
        .find(|v| v["vpc.name"] == "backend")
        .unwrap();
    let id = vpc["vpc.id"].as_str().unwrap().to_string();
    let created = &svc_requests(&sim, "POST", "cloudnetwork/vpc/create")[0]["body"]["KEY_PARAM"];
    assert_eq!(
        created,
        &json!({"vpc.name": "backend", "vpc.desc": "b"}),
        "keys sent trimmed"
    );
    let state = ws.resource("polycloud_vpc.n");
    assert_eq!(
        (
            state["cidr"].as_str(),
            state["gateway"].as_str(),
            state["usable_ip_count"].as_i64()
        ),
        (Some("192.168.11.0/24"), Some("192.168.11.1"), Some(253))
    );
    ws.assert_no_changes();

    ws.write(&cfg("backend-2", "c"));
    ws.apply().ok();
    let vpc = svc(&sim, "vpcs")
        .into_iter()
        .find(|v| v["vpc.id"] == id.as_str())
        .unwrap();
    assert_eq!(
        (vpc["vpc.name"].as_str(), vpc["vpc.desc"].as_str()),
        (Some("backend-2"), Some("c"))
    );
    ws.assert_no_changes();

    let ws2 = Workspace::new();
    ws2.write(&cfg("backend-2", "c"));
    ws2.tf(&[
        "import",
        "-no-color",
        "-input=false",
        "polycloud_vpc.n",
        &id,
    ])
    .ok();
    ws2.assert_no_changes();

    svc_ctl(
        &sim,
        "PATCH",
        &format!("vpcs/{id}"),
        Some(json!({"vpc.name": "hand"})),
    );
    assert_eq!(ws.plan().code, 2);
    sim.fault(json!({"count": 10, "status": 503, "cloud": "starvcenter"}));
    assert_plan_fails_reading(ws.plan(), 503);
    sim.call("DELETE", "/_sim/faults", None, &[]);

    ws.destroy().ok();
    assert!(svc(&sim, "vpcs").iter().all(|v| v["vpc.id"] != id.as_str()));
    assert_eq!(
        svc_requests(&sim, "POST", "cloudnetwork/vpc/delete").len(),
        1,
        "VPC delete is POST"
    );
    let plan = ws2.plan();
    assert!(
        plan.output().contains("will be created"),
        "{}",
        plan.output()
    );
}
