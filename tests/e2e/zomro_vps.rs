//! `polycloud_vps` on Zomro (BILLmanager), through Terraform: order, in-place plan
//! change, rebuild and power, replace on location, import, drift, destroy.

use serde_json::json;

use crate::harness::*;
use crate::zomro_support::*;

fn config(sim: &Sim, image: &str, plan: &str, location: &str, extra: &str) -> String {
    format!(
        "{}\n{}",
        zomro_token_provider(sim),
        zomro_vps(image, plan, location, extra)
    )
}

#[test]
fn zomro_vps_order_change_rebuild_power_replace_destroy() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let pw = password_line(VPS_PASSWORD);
    ws.write(&config(&sim, UBUNTU20, "6143", "1", &pw));
    ws.apply().ok();

    // Ordered as SPEC §6 fixes it, then waited on through func=instances.
    let instance = only_instance(&sim);
    assert_eq!(instance["name"], "web-1");
    assert_eq!(instance["instance_status"], "active");
    let orders = calls(&sim, "v2.instances.order.param");
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0]["method"], "POST");
    assert_eq!(orders[0]["path"], "/zomro/billmgr");
    assert_eq!(
        orders[0]["body"],
        json!({"func": "v2.instances.order.param", "auth": ZOMRO_TOKEN, "out": "json",
               "sok": "ok", "skipbasket": "on", "pricelist": "6143", "datacenter": "1",
               "servername": "web-1", "instances_os": UBUNTU20, "password": VPS_PASSWORD})
    );
    assert!(
        calls(&sim, "instances").len() >= 2,
        "the waiter polled func=instances"
    );
    let id = instance["id"].as_str().unwrap().to_string();
    let state = ws.resource("polycloud_vps.web");
    assert_eq!(state["id"], id.as_str());
    assert_eq!(state["ip_address"], instance["ip"]);
    assert_eq!(state["power_state"], "running");
    assert_eq!(state["status"], "active");
    assert_eq!(state["memory_mb"], 1024);
    assert_eq!(state["disk_gb"], 25);
    assert!(state["created_at"].as_str().unwrap().ends_with('Z'));
    ws.assert_no_changes();

    // Plan change in place: service.changepricelist.
    sim.clear_requests();
    ws.write(&config(&sim, UBUNTU20, "6144", "1", &pw));
    ws.apply().ok();
    let instance = only_instance(&sim);
    assert_eq!(instance["id"], id.as_str());
    assert_eq!(instance["pricelist"], "6144");
    let changes = calls(&sim, "service.changepricelist");
    assert_eq!(changes.len(), 1);
    assert_eq!(
        changes[0]["body"],
        json!({"func": "service.changepricelist", "auth": ZOMRO_TOKEN, "out": "json",
               "pricelist": "6144", "sok": "ok", "elid": id})
    );
    assert_eq!(ws.resource("polycloud_vps.web")["memory_mb"], 2048);
    ws.assert_no_changes();

    // Image change with a new password: rebuilt in place with exactly seeds/002's fields.
    sim.clear_requests();
    ws.write(&config(
        &sim,
        ALMA,
        "6144",
        "1",
        &password_line("Newpassword2"),
    ));
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        !plan.output().contains("forces replacement"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    let instance = only_instance(&sim);
    assert_eq!(instance["id"], id.as_str(), "rebuilt in place");
    assert_eq!(instance["instances_os"], ALMA);
    let rebuilds = calls(&sim, "instances.fleio.rebuild");
    assert_eq!(rebuilds.len(), 1);
    assert_eq!(
        field_names(&rebuilds[0]),
        [
            "auth",
            "elid",
            "enablessh",
            "func",
            "out",
            "password",
            "select_rebuild",
            "sok",
            "zone"
        ]
    );
    assert_eq!(
        rebuilds[0]["body"],
        json!({"func": "instances.fleio.rebuild", "auth": ZOMRO_TOKEN, "out": "json",
               "sok": "ok", "elid": id, "zone": "image", "select_rebuild": ALMA,
               "enablessh": "off", "password": "Newpassword2"})
    );
    assert!(writes(&sim).len() == 1, "{:#?}", writes(&sim));
    ws.assert_no_changes();

    // Image change with an SSH key: enablessh=on and ssh_keys.
    sim.clear_requests();
    let keyed = format!(
        "{}  ssh_key_ids = [\"490\"]\n",
        password_line("Newpassword2")
    );
    ws.write(&config(&sim, UBUNTU22, "6144", "1", &keyed));
    ws.apply().ok();
    let rebuilds = calls(&sim, "instances.fleio.rebuild");
    assert_eq!(rebuilds.len(), 1);
    assert_eq!(rebuilds[0]["body"]["enablessh"], "on");
    assert_eq!(rebuilds[0]["body"]["ssh_keys"], "490");
    assert_eq!(rebuilds[0]["body"]["select_rebuild"], UBUNTU22);
    assert_eq!(only_instance(&sim)["ssh_keys"], "490");
    ws.assert_no_changes();

    // Power off in place: service.stop.
    sim.clear_requests();
    let stopped = format!("{keyed}  power_state = \"stopped\"\n");
    ws.write(&config(&sim, UBUNTU22, "6144", "1", &stopped));
    ws.apply().ok();
    assert_eq!(only_instance(&sim)["instance_status"], "stopped");
    let stops = calls(&sim, "service.stop");
    assert_eq!(stops.len(), 1);
    assert_eq!(stops[0]["body"]["elid"], id.as_str());
    ws.assert_no_changes();

    // Location (data centre) forces a new instance.
    ws.write(&config(&sim, UBUNTU22, "6144", "2", &stopped));
    let plan = ws.plan();
    assert!(
        plan.output().contains("forces replacement"),
        "{}",
        plan.output()
    );
    assert!(
        plan.output().contains("between data centres"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    let replaced = only_instance(&sim);
    assert_ne!(replaced["id"], id.as_str());
    assert_eq!(replaced["datacenter"], "2");
    assert_eq!(replaced["instance_status"], "stopped");
    ws.assert_no_changes();

    // Destroy leaves the simulator empty.
    sim.clear_requests();
    ws.destroy().ok();
    assert!(instances(&sim).is_empty(), "{:#?}", instances(&sim));
    assert_eq!(calls(&sim, "instances.delete").len(), 1);
}

#[test]
fn zomro_vps_import_and_drift() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let pw = password_line(VPS_PASSWORD);
    ws.write(&config(&sim, UBUNTU20, "6143", "1", &pw));
    ws.apply().ok();
    let id = only_instance(&sim)["id"].as_str().unwrap().to_string();

    // Import with an import block, then an empty plan.
    let other = Workspace::new();
    other.write(&format!(
        "{}\nimport {{\n  to = polycloud_vps.web\n  id = \"{id}\"\n}}\n",
        config(&sim, UBUNTU20, "6143", "1", &pw)
    ));
    let run = other.apply().ok();
    assert!(run.stdout.contains("1 imported"), "{}", run.stdout);
    assert_eq!(instances(&sim).len(), 1, "import creates nothing");
    other.assert_no_changes();
    let imported = other.resource("polycloud_vps.web");
    assert_eq!(imported["plan"], "6143");
    assert_eq!(imported["location"], "1");
    assert_eq!(imported["image"], UBUNTU20);

    // Importing what does not exist says so.
    let third = Workspace::new();
    third.write(&config(&sim, UBUNTU20, "6143", "1", &pw));
    let run = third
        .tf(&["import", "-no-color", "polycloud_vps.web", "999"])
        .failed();
    assert!(
        run.output().contains("No server \"999\" exists"),
        "{}",
        run.output()
    );

    // Stopped by hand: the plan starts it again.
    patch_instance(&sim, &id, json!({"instance_status": "stopped"}));
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.stdout.contains("\"stopped\" -> \"running\""),
        "{}",
        plan.stdout
    );
    ws.apply().ok();
    assert_eq!(only_instance(&sim)["instance_status"], "active");

    // A 500 on read is an error; the server stays in state.
    sim.fault(json!({"count": 20, "status": 500, "cloud": "zomro"}));
    let plan = ws.plan();
    assert_eq!(plan.code, 1, "{}", plan.output());
    assert!(
        plan.output().contains("Cannot read server"),
        "{}",
        plan.output()
    );
    sim.call("DELETE", "/_sim/faults", None, &[]);
    assert_eq!(ws.resource("polycloud_vps.web")["id"], id.as_str());

    // A doc.error (HTTP 200) on read is an error too, with the cloud's message. Two:
    // the batched list falls back to the direct read, which is a list too on Zomro.
    queue_error(&sim, "instances", 2, "Billing database unavailable");
    let plan = ws.plan();
    assert_eq!(plan.code, 1, "{}", plan.output());
    assert!(
        plan.output().contains("Billing database unavailable"),
        "{}",
        plan.output()
    );
    assert_eq!(ws.resource("polycloud_vps.web")["id"], id.as_str());
    ws.assert_no_changes();

    // Deleted by hand: the plan proposes to create it again.
    remove_instance(&sim, &id);
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(plan.stdout.contains("will be created"), "{}", plan.stdout);
    ws.apply().ok();
    assert_ne!(only_instance(&sim)["id"], id.as_str());
    ws.destroy().ok();
    assert!(instances(&sim).is_empty());
}

#[test]
fn zomro_reboot_is_service_reboot_and_hard_is_refused() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let body = |trigger: &str, hard: &str| {
        format!(
            "{}{}resource \"polycloud_vps_reboot\" \"r\" {{\n  vps_id = polycloud_vps.web.id\n  triggers = {{ run = \"{trigger}\" }}\n{hard}}}\n",
            zomro_token_provider(&sim),
            zomro_vps(ALMA, "6143", "1", &password_line(VPS_PASSWORD))
        )
    };
    ws.write(&body("1", ""));
    ws.apply().ok();
    let reboots = calls(&sim, "service.reboot");
    assert_eq!(reboots.len(), 1, "{reboots:#?}");
    let id = ws.resource("polycloud_vps.web")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(reboots[0]["body"]["elid"], id.as_str());
    ws.assert_no_changes();
    ws.write(&body("2", ""));
    ws.apply().ok();
    assert_eq!(calls(&sim, "service.reboot").len(), 2);
    sim.clear_requests();
    ws.write(&body("2", "  hard = true\n"));
    let plan = ws.plan();
    assert_eq!(plan.code, 1, "{}", plan.output());
    assert!(
        plan.output().contains("reboots gracefully only"),
        "{}",
        plan.output()
    );
    assert!(calls(&sim, "service.reboot").is_empty());
    ws.write(&body("2", ""));
    ws.destroy().ok();
}
