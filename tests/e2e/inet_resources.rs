//! iNET snapshots, volumes, backups and reboots, through Terraform.

use serde_json::json;

use crate::harness::*;
use crate::inet_helpers::*;

fn config(sim: &Sim, body: &str) -> String {
    format!("{}\n{body}", inet_provider(sim))
}

#[test]
fn inet_snapshot_create_import_drift_destroy() {
    let sim = Sim::start();
    let vps = seed_one(&sim, "web");
    let ws = Workspace::new();
    let body = format!("resource \"polycloud_snapshot\" \"s\" {{\n  vps_id = \"{vps}\"\n}}\n");
    ws.write(&config(&sim, &body));
    ws.apply().ok();
    let held = server(&sim, &vps)["snapshots"].clone();
    assert_eq!(held.as_array().unwrap().len(), 1, "{held}");
    assert_eq!(
        held[0]["status"], "available",
        "apply waited for the snapshot"
    );
    let posts = sim.requests_to("POST", &format!("/vps/{vps}/snapshot"));
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["body"], json!({}));
    let id = format!("{vps}/{}", held[0]["id"]);
    let state = ws.resource("polycloud_snapshot.s");
    assert_eq!(state["id"], id.as_str());
    assert_eq!(state["name"], held[0]["name"]);
    assert_eq!(state["status"], "available");
    assert!(state["created_at"].as_str().unwrap().ends_with('Z'));
    ws.assert_no_changes();

    // Import into another working directory.
    let other = Workspace::new();
    other.write(&config(&sim, &body));
    other
        .tf(&["import", "-no-color", "polycloud_snapshot.s", &id])
        .ok();
    other.assert_no_changes();

    // A 500 on read is an error and keeps it; deleted by hand, it is made again.
    sim.fault(json!({"count": 20, "status": 500, "cloud": "inet", "method": "GET"}));
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    sim.call("DELETE", "/_sim/faults", None, &[]);
    assert_eq!(ws.resource("polycloud_snapshot.s")["id"], id.as_str());
    let sub = held[0]["id"].to_string();
    sim.call(
        "DELETE",
        &format!("/_sim/inet/vps/{vps}/snapshots/{sub}"),
        None,
        &[],
    );
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(plan.stdout.contains("will be created"), "{}", plan.stdout);
    ws.apply().ok();
    let again = ws.resource("polycloud_snapshot.s")["id"].clone();
    assert_ne!(again, json!(id));

    // Destroy deletes it through the API.
    ws.destroy().ok();
    assert_eq!(server(&sim, &vps)["snapshots"], json!([]));
    assert_eq!(
        sim.requests_to(
            "DELETE",
            &format!(
                "/vps/{vps}/snapshot/{}",
                again.as_str().unwrap().split('/').nth(1).unwrap()
            )
        )
        .len(),
        1
    );
}

#[test]
fn inet_snapshot_and_volume_refuse_what_inet_cannot_take() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&config(&sim, "resource \"polycloud_snapshot\" \"s\" {\n  vps_id = \"1001\"\n  name = \"mine\"\n}\nresource \"polycloud_volume\" \"v\" {\n  vps_id = \"1001\"\n  size_gb = 50\n}\n"));
    let run = ws.plan().failed();
    let out = run.output();
    assert!(out.contains("iNET names snapshots itself"), "{out}");
    assert!(out.contains("iNET sizes a volume by its image"), "{out}");
    assert!(out.contains("`image` is required on inet"), "{out}");
    assert!(sim.requests().is_empty(), "{:#?}", sim.requests());
}

#[test]
fn inet_volume_create_replace_import_drift_destroy() {
    let sim = Sim::start();
    let vps = seed_one(&sim, "web");
    let ws = Workspace::new();
    let body = |image: &str| {
        format!("resource \"polycloud_volume\" \"data\" {{\n  vps_id = \"{vps}\"\n  image  = \"{image}\"\n}}\n")
    };
    ws.write(&config(&sim, &body("Ubuntu-22.04")));
    ws.apply().ok();
    let volumes = server(&sim, &vps)["volumes"].clone();
    assert_eq!(volumes.as_array().unwrap().len(), 1, "{volumes}");
    let posts = sim.requests_to("POST", &format!("/vps/{vps}/volume"));
    assert_eq!(posts[0]["body"], json!({"image": "Ubuntu-22.04"}));
    let state = ws.resource("polycloud_volume.data");
    let id = format!("{vps}/{}", volumes[0]["id"]);
    assert_eq!(state["id"], id.as_str());
    assert_eq!(state["device_name"], "/dev/vdb");
    assert_eq!(state["size_gb"], 20);
    ws.assert_no_changes();

    // Another image makes a new volume.
    ws.write(&config(&sim, &body("Debian-12")));
    let plan = ws.plan();
    assert!(
        plan.stdout.contains("forces replacement"),
        "{}",
        plan.stdout
    );
    ws.apply().ok();
    let volumes = server(&sim, &vps)["volumes"].clone();
    assert_eq!(volumes.as_array().unwrap().len(), 1, "{volumes}");
    assert_eq!(volumes[0]["image"], "Debian-12");
    let id = format!("{vps}/{}", volumes[0]["id"]);
    ws.assert_no_changes();

    let other = Workspace::new();
    other.write(&config(&sim, &body("Debian-12")));
    other
        .tf(&["import", "-no-color", "polycloud_volume.data", &id])
        .ok();
    other.assert_no_changes();

    // Deleted by hand: planned again.
    sim.call(
        "DELETE",
        &format!("/_sim/inet/vps/{vps}/volumes/{}", volumes[0]["id"]),
        None,
        &[],
    );
    let plan = ws.plan();
    assert!(plan.stdout.contains("will be created"), "{}", plan.stdout);
    ws.apply().ok();
    ws.destroy().ok();
    assert_eq!(server(&sim, &vps)["volumes"], json!([]));
}

#[test]
fn inet_backup_import_and_delete_create_refused() {
    let sim = Sim::start();
    let vps = seed_one(&sim, "web");
    let id = seed_backup(&sim, &vps, "nightly");
    let ws = Workspace::new();
    let resource = format!("resource \"polycloud_backup\" \"b\" {{\n  vps_id = \"{vps}\"\n}}\n");
    ws.write(&config(&sim, &resource));
    let run = ws.plan().failed();
    assert!(
        run.output()
            .contains("polycloud_backup cannot be created on inet"),
        "{}",
        run.output()
    );
    assert!(run.output().contains("import block"), "{}", run.output());
    assert!(sim.requests().is_empty());

    ws.write(&config(
        &sim,
        &format!("import {{\n  to = polycloud_backup.b\n  id = \"{id}\"\n}}\n{resource}"),
    ));
    let run = ws.apply().ok();
    assert!(run.stdout.contains("1 imported"), "{}", run.stdout);
    let state = ws.resource("polycloud_backup.b");
    assert_eq!(state["name"], "nightly");
    assert_eq!(state["size_gb"], 40);
    ws.assert_no_changes();

    sim.fault(json!({"count": 20, "status": 500, "cloud": "inet", "method": "GET"}));
    assert_eq!(ws.plan().code, 1);
    sim.call("DELETE", "/_sim/faults", None, &[]);

    ws.destroy().ok();
    assert_eq!(server(&sim, &vps)["backups"], json!([]));
    let sub = id.split('/').nth(1).unwrap();
    assert_eq!(
        sim.requests_to("DELETE", &format!("/vps/{vps}/backup/{sub}"))
            .len(),
        1
    );
}

#[test]
fn inet_reboot_soft_hard_and_triggers() {
    let sim = Sim::start();
    let vps = seed_one(&sim, "web");
    let ws = Workspace::new();
    let body = |hard: bool, n: u32| {
        format!("resource \"polycloud_vps_reboot\" \"r\" {{\n  vps_id   = \"{vps}\"\n  hard     = {hard}\n  triggers = {{ release = \"{n}\" }}\n}}\n")
    };
    ws.write(&config(&sim, &body(false, 1)));
    ws.apply().ok();
    assert_eq!(
        sim.requests_to("POST", &format!("/vps/{vps}/reboot-soft"))
            .len(),
        1
    );
    let polls = sim.requests_to("GET", &format!("/vps/{vps}/getserver"));
    assert!(!polls.is_empty(), "the reboot was waited on");
    assert_eq!(
        server(&sim, &vps)["server"]["status"],
        "active",
        "apply returned after the reboot"
    );
    assert!(ws.resource("polycloud_vps_reboot.r")["rebooted_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    ws.assert_no_changes();

    ws.write(&config(&sim, &body(true, 2)));
    ws.apply().ok();
    assert_eq!(
        sim.requests_to("POST", &format!("/vps/{vps}/reboot-hard"))
            .len(),
        1
    );
    ws.assert_no_changes();

    // Import reboots nothing; destroy changes nothing.
    let other = Workspace::new();
    other.write(&config(&sim, &body(true, 2)));
    sim.clear_requests();
    other
        .tf(&["import", "-no-color", "polycloud_vps_reboot.r", &vps])
        .ok();
    other.apply().ok();
    ws.destroy().ok();
    assert!(writes(&sim).is_empty(), "{:#?}", writes(&sim));
}

#[test]
fn vscale_refuses_hard_reboot_at_plan() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!("{}\nresource \"polycloud_vps_reboot\" \"r\" {{\n  vps_id = \"12600\"\n  hard   = true\n}}\n", vscale_provider(&sim)));
    let run = ws.plan().failed();
    assert!(
        run.output().contains("one kind of restart"),
        "{}",
        run.output()
    );
    assert!(sim.requests().is_empty());
}
