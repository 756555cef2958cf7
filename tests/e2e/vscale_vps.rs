//! `polycloud_vps` on Vscale, through Terraform: the whole life cycle.

use serde_json::{json, Value};

use crate::harness::*;

fn vps_config(sim: &Sim, plan: &str, extra: &str) -> String {
    format!(
        "{}\nresource \"polycloud_vps\" \"web\" {{\n  name     = \"web-1\"\n  image    = \"ubuntu_22.04_64_001_master\"\n  plan     = \"{plan}\"\n  location = \"spb0\"\n  password = \"Sup3r-secret-pw\"\n{extra}}}\n",
        vscale_provider(sim)
    )
}

fn only_scalet(sim: &Sim) -> Value {
    let scalets = sim.scalets();
    assert_eq!(
        scalets.len(),
        1,
        "expected exactly one scalet: {scalets:#?}"
    );
    scalets[0].clone()
}

#[test]
fn vps_create_update_replace_destroy() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&vps_config(&sim, "small", ""));
    ws.apply().ok();

    // Created as asked, and the wire followed the document (SPEC §6).
    let scalet = only_scalet(&sim);
    assert_eq!(scalet["name"], "web-1");
    assert_eq!(scalet["rplan"], "small");
    assert_eq!(scalet["status"], "started");
    assert_eq!(scalet["locked"], false);
    let creates = sim.requests_to("POST", "/vscale/v1/scalets");
    assert_eq!(creates.len(), 1, "one create request");
    let body = &creates[0]["body"];
    assert_eq!(body["make_from"], "ubuntu_22.04_64_001_master");
    assert_eq!(body["location"], "spb0");
    assert_eq!(body["do_start"], true);
    assert_eq!(body["password"], "Sup3r-secret-pw");
    assert_eq!(creates[0]["headers"]["x-token"], VSCALE_TOKEN);
    assert!(
        !sim.requests_to("GET", "/vscale/v1/tasks").is_empty(),
        "the waiter polled /tasks"
    );
    let ctid = scalet["ctid"].to_string();
    let state = ws.resource("polycloud_vps.web");
    assert_eq!(state["id"], ctid.as_str());
    assert_eq!(state["ip_address"], scalet["public_address"]["address"]);
    assert_eq!(state["power_state"], "running");
    assert_eq!(state["cpu"], 1);
    assert!(state["created_at"].as_str().unwrap().ends_with('Z'));

    // A second plan is empty.
    ws.assert_no_changes();

    // Upgrade in place: same scalet, POST .../upgrade.
    sim.clear_requests();
    ws.write(&vps_config(&sim, "medium", ""));
    ws.apply().ok();
    let scalet = only_scalet(&sim);
    assert_eq!(scalet["ctid"].to_string(), ctid, "upgrade keeps the scalet");
    assert_eq!(scalet["rplan"], "medium");
    let upgrades = sim.requests_to("POST", &format!("/scalets/{ctid}/upgrade"));
    assert_eq!(upgrades.len(), 1);
    assert_eq!(upgrades[0]["body"], json!({"rplan": "medium"}));
    ws.assert_no_changes();

    // Power off in place: PATCH .../stop.
    ws.write(&vps_config(&sim, "medium", "  power_state = \"stopped\"\n"));
    ws.apply().ok();
    assert_eq!(only_scalet(&sim)["status"], "stopped");
    assert_eq!(
        sim.requests_to("PATCH", &format!("/scalets/{ctid}/stop"))
            .len(),
        1
    );
    ws.assert_no_changes();

    // Downgrade forces replacement, with the reason shown at plan.
    ws.write(&vps_config(&sim, "small", ""));
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.output().contains("forces replacement"),
        "{}",
        plan.output()
    );
    assert!(
        plan.output().contains("cannot downgrade"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    let replaced = only_scalet(&sim);
    assert_ne!(
        replaced["ctid"].to_string(),
        ctid,
        "a new scalet replaced the old one"
    );
    assert_eq!(replaced["rplan"], "small");
    assert_eq!(replaced["status"], "started");
    ws.assert_no_changes();

    // Destroy leaves the simulator empty.
    ws.destroy().ok();
    assert!(sim.scalets().is_empty(), "{:#?}", sim.scalets());
}

#[test]
fn vps_name_change_forces_replacement() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&vps_config(&sim, "small", ""));
    ws.apply().ok();
    let before = only_scalet(&sim)["ctid"].clone();
    ws.write(&vps_config(&sim, "small", "").replace("web-1", "web-2"));
    ws.apply().ok();
    let after = only_scalet(&sim);
    assert_ne!(after["ctid"], before);
    assert_eq!(after["name"], "web-2");
    ws.destroy().ok();
}

#[test]
fn vps_import_then_empty_plan() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&vps_config(&sim, "small", ""));
    ws.apply().ok();
    let ctid = only_scalet(&sim)["ctid"].to_string();

    let other = Workspace::new();
    other.write(&format!(
        "{}\nimport {{\n  to = polycloud_vps.web\n  id = \"{ctid}\"\n}}\n",
        vps_config(&sim, "small", "")
    ));
    let run = other.apply().ok();
    assert!(run.stdout.contains("1 imported"), "{}", run.stdout);
    assert_eq!(
        only_scalet(&sim)["ctid"].to_string(),
        ctid,
        "import creates nothing"
    );
    other.assert_no_changes();

    // The CLI form too.
    let third = Workspace::new();
    third.write(&vps_config(&sim, "small", ""));
    third
        .tf(&["import", "-no-color", "polycloud_vps.web", &ctid])
        .ok();
    assert_eq!(third.resource("polycloud_vps.web")["plan"], "small");
    // The cloud never returns the password: the next apply only records the written
    // one in state, with no request that changes anything.
    let plan = third.plan();
    assert!(
        plan.stdout.contains("+ password")
            && plan.stdout.contains("0 to add, 1 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    sim.clear_requests();
    third.apply().ok();
    let writes: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect();
    assert!(
        writes.is_empty(),
        "adopting the password must not call the cloud: {writes:#?}"
    );
    third.assert_no_changes();

    // Importing what does not exist says so.
    let fourth = Workspace::new();
    fourth.write(&vps_config(&sim, "small", ""));
    let run = fourth
        .tf(&["import", "-no-color", "polycloud_vps.web", "999999"])
        .failed();
    assert!(
        run.output().contains("No server \"999999\" exists"),
        "{}",
        run.output()
    );
}

#[test]
fn vps_drift_deleted_by_hand_and_read_errors() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&vps_config(&sim, "small", ""));
    ws.apply().ok();
    let ctid = only_scalet(&sim)["ctid"].to_string();

    // Stopped by hand: the plan brings it back to running.
    sim.vscale_patch("scalets", &ctid, json!({"status": "stopped"}));
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.stdout.contains("\"stopped\" -> \"running\""),
        "{}",
        plan.stdout
    );

    // A 500 on read is an error, and the server stays in state.
    sim.fault(json!({"count": 10, "status": 500, "cloud": "vscale", "method": "GET"}));
    let plan = ws.plan();
    assert_eq!(plan.code, 1, "{}", plan.output());
    assert!(
        plan.output().contains("Cannot read server"),
        "{}",
        plan.output()
    );
    sim.call("DELETE", "/_sim/faults", None, &[]);
    assert_eq!(ws.resource("polycloud_vps.web")["id"], ctid.as_str());

    // Deleted by hand: the plan proposes to create it again.
    sim.vscale_remove("scalets", &ctid);
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(plan.stdout.contains("will be created"), "{}", plan.stdout);
    ws.apply().ok();
    assert_ne!(only_scalet(&sim)["ctid"].to_string(), ctid);
    ws.destroy().ok();
    assert!(sim.scalets().is_empty());
}
