//! `polycloud_vps` on iNET, through Terraform: adoption (iNET's API cannot create
//! servers), in-place updates, drift, and destroy = forget.

use serde_json::json;

use crate::harness::*;
use crate::inet_helpers::*;

fn adopted(sim: &Sim, id: &str, body: &str) -> String {
    format!(
        "{}\nimport {{\n  to = polycloud_vps.web\n  id = \"{id}\"\n}}\n\nresource \"polycloud_vps\" \"web\" {{\n  name = \"web\"\n{body}}}\n",
        inet_provider(sim)
    )
}

#[test]
fn inet_vps_adopt_update_power_password_forget() {
    let sim = Sim::start();
    let id = seed_one(&sim, "web");
    let ws = Workspace::new();
    ws.write(&adopted(
        &sim,
        &id,
        "  description = \"front\"\n  auto_snapshot_days = 3\n  password = \"Initial-pw-1\"\n",
    ));
    let run = ws.apply().ok();
    assert!(
        run.stdout
            .contains("1 imported, 0 added, 1 changed, 0 destroyed"),
        "{}",
        run.stdout
    );

    // The note and auto-snapshot went over the wire as the document says.
    let held = server(&sim, &id);
    assert_eq!(held["note"], "front");
    assert_eq!(held["autoSnapshot"], 3);
    let notes = sim.requests_to("PATCH", &format!("/vps/{id}/note"));
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["body"], json!({"note": "front"}));
    assert_eq!(
        notes[0]["headers"]["authorization"],
        format!("Bearer {INET_TOKEN}")
    );
    let autos = sim.requests_to("PATCH", &format!("/vps/{id}/auto-snapshot"));
    assert_eq!(autos[0]["body"], json!({"autoSnapshot": 3}));
    // Adopting the written password resets nothing.
    assert!(sim
        .requests_to("POST", &format!("/vps/{id}/password"))
        .is_empty());

    // dataExtend and the dates became attributes.
    let state = ws.resource("polycloud_vps.web");
    assert_eq!(state["id"], id.as_str());
    assert_eq!(state["cpu"], 2);
    assert_eq!(state["memory_mb"], 2048);
    assert_eq!(state["disk_gb"], 40);
    let extend: serde_json::Value =
        serde_json::from_str(held["dataExtend"].as_str().unwrap()).unwrap();
    assert_eq!(state["ip_address"], extend["ip"]);
    assert_eq!(state["image"], "Ubuntu-22.04");
    assert_eq!(state["plan"], "VPS-2");
    assert_eq!(state["status"], "active");
    assert_eq!(state["power_state"], "running");
    assert!(
        state["created_at"].as_str().unwrap().ends_with(":00Z"),
        "{state}"
    );
    ws.assert_no_changes();

    // Shut down in place, waited on through getserver.
    sim.clear_requests();
    ws.write(&adopted(&sim, &id, "  description = \"front\"\n  auto_snapshot_days = 3\n  password = \"Initial-pw-1\"\n  power_state = \"stopped\"\n"));
    ws.apply().ok();
    let held = server(&sim, &id);
    assert_eq!(held["server"]["status"], "shutoff");
    assert_eq!(held["server"]["OS-EXT-STS:power_state"], "4");
    assert_eq!(
        sim.requests_to("POST", &format!("/vps/{id}/shutdown"))
            .len(),
        1
    );
    assert!(!sim
        .requests_to("GET", &format!("/vps/{id}/getserver"))
        .is_empty());
    ws.assert_no_changes();

    // Start again, change the password (= reset, body `{}` as documented), turn
    // auto-snapshots off.
    sim.clear_requests();
    ws.write(&adopted(
        &sim,
        &id,
        "  description = \"front\"\n  auto_snapshot_days = 0\n  password = \"Second-pw-2\"\n",
    ));
    ws.apply().ok();
    let held = server(&sim, &id);
    assert_eq!(held["server"]["OS-EXT-STS:power_state"], "1");
    assert_eq!(held["autoSnapshot"], 0);
    let resets = sim.requests_to("POST", &format!("/vps/{id}/password"));
    assert_eq!(resets.len(), 1);
    assert_eq!(resets[0]["body"], json!({}));
    ws.assert_no_changes();

    // Destroy forgets with a warning: no request changes anything, the server runs on.
    sim.clear_requests();
    let run = ws.destroy().ok();
    assert!(
        run.output().contains("was only removed from state"),
        "{}",
        run.output()
    );
    assert!(run.output().contains("keeps running"), "{}", run.output());
    assert!(writes(&sim).is_empty(), "{:#?}", writes(&sim));
    assert_eq!(server(&sim, &id)["server"]["status"], "active");
}

#[test]
fn inet_vps_create_is_refused_at_plan_with_an_import_block() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\nresource \"polycloud_vps\" \"web\" {{\n  name = \"web\"\n}}\n",
        inet_provider(&sim)
    ));
    let run = ws.plan().failed();
    let out = run.output();
    assert!(
        out.contains("polycloud_vps cannot be created on inet"),
        "{out}"
    );
    assert!(
        out.contains("import {") && out.contains("to = polycloud_vps.web"),
        "{out}"
    );
    assert!(sim.requests().is_empty(), "{:#?}", sim.requests());
}

#[test]
fn inet_vps_import_rename_drift_and_read_errors() {
    let sim = Sim::start();
    let id = seed_one(&sim, "db");
    let ws = Workspace::new();
    let config = |name: &str| {
        format!(
            "{}\nresource \"polycloud_vps\" \"web\" {{\n  name = \"{name}\"\n  description = \"\"\n}}\n",
            inet_provider(&sim)
        )
    };
    ws.write(&config("db"));
    ws.tf(&["import", "-no-color", "polycloud_vps.web", &id])
        .ok();
    assert_eq!(ws.resource("polycloud_vps.web")["name"], "db");
    ws.assert_no_changes();

    // iNET cannot rename: plan says so on the attribute, before any write.
    ws.write(&config("db-renamed"));
    let run = ws.plan().failed();
    assert!(run.output().contains("cannot rename"), "{}", run.output());
    ws.write(&config("db"));

    // A note and the power changed by hand are planned back.
    patch(
        &sim,
        &id,
        json!({"note": "edited in the portal", "power": "stopped"}),
    );
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.stdout.contains("\"edited in the portal\" -> null")
            || plan.stdout.contains("\"edited in the portal\" -> \"\""),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("\"stopped\" -> \"running\""),
        "{}",
        plan.stdout
    );
    ws.apply().ok();
    assert_eq!(server(&sim, &id)["note"], "");
    assert_eq!(server(&sim, &id)["server"]["status"], "active");
    ws.assert_no_changes();

    // A 500 on read is an error; the server stays in state.
    sim.fault(json!({"count": 20, "status": 500, "cloud": "inet", "method": "GET"}));
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.output().contains("Cannot read server"),
        "{}",
        run.output()
    );
    sim.call("DELETE", "/_sim/faults", None, &[]);
    assert_eq!(ws.resource("polycloud_vps.web")["id"], id.as_str());

    // Cancelled in the portal: dropped from state on refresh, and the plan to create
    // it again is refused with the adoption advice.
    remove(&sim, &id);
    let run = ws.plan().failed();
    assert!(
        run.output().contains("cannot be created on inet") && run.output().contains("import {"),
        "{}",
        run.output()
    );

    // Importing what does not exist says so.
    let other = Workspace::new();
    other.write(&config("db"));
    let run = other
        .tf(&["import", "-no-color", "polycloud_vps.web", "999999"])
        .failed();
    assert!(
        run.output().contains("No server \"999999\" exists"),
        "{}",
        run.output()
    );
}
