//! Vscale where the document is silent or public clients show another shape
//! (docs/design/wire.md, "Vscale"): the same configuration runs against each answer
//! shape the simulator can serve (`POST /_sim/vscale/shape`), and state holds the
//! same values whichever shape the cloud chose.

use serde_json::{json, Value};

use crate::harness::*;

/// The configuration of every test here, for `plan`.
fn config(sim: &Sim, plan: &str) -> String {
    include_str!("fixtures/vscale_fidelity.tf")
        .replace("ENDPOINT", &sim.vscale_endpoint())
        .replace("TOKEN", VSCALE_TOKEN)
        .replace("PLAN", plan)
}

/// A simulator serving `shape`.
fn sim_with(shape: Value) -> Sim {
    let sim = Sim::start();
    let (status, body) = sim.call("POST", "/_sim/vscale/shape", Some(shape), &[]);
    assert_eq!(status, 200, "{body}");
    sim
}

/// The one scalet as the API answers it (not the control dump).
fn api_scalet(sim: &Sim) -> Value {
    let scalets = sim.scalets();
    assert_eq!(scalets.len(), 1, "{scalets:#?}");
    let ctid = &scalets[0]["ctid"];
    let (status, body) = sim.call(
        "GET",
        &format!("/vscale/v1/scalets/{ctid}"),
        None,
        &[("X-Token", VSCALE_TOKEN)],
    );
    assert_eq!(status, 200, "{body}");
    body
}

/// 2026-03-25T14:07:09Z: a day above 12, so day and month cannot be swapped.
const FIXED_MS: u64 = 1_774_447_629_000;

#[test]
fn upgrade_settles_whether_the_status_returns_or_stays_updated() {
    for (upgrade_status, settled) in [("restore", "started"), ("updated", "updated")] {
        let sim = sim_with(json!({ "upgrade_status": upgrade_status }));
        let ws = Workspace::new();
        ws.write(&config(&sim, "small"));
        ws.apply().ok();
        sim.clear_requests();

        ws.write(&config(&sim, "medium"));
        ws.apply().ok();
        let scalet = api_scalet(&sim);
        assert_eq!(scalet["rplan"], "medium", "{upgrade_status}");
        assert_eq!(scalet["status"], settled, "{upgrade_status}");
        assert_eq!(scalet["locked"], false, "{upgrade_status}");
        let upgrades = sim.requests_to("POST", "/upgrade");
        assert_eq!(upgrades.len(), 1, "{upgrade_status}: one upgrade request");
        assert_eq!(upgrades[0]["body"], json!({"rplan": "medium"}));
        assert!(
            !sim.requests_to("GET", "/vscale/v1/tasks").is_empty(),
            "{upgrade_status}: the waiter polled the task"
        );
        let state = ws.resource("polycloud_vps.web");
        assert_eq!(state["plan"], "medium", "{upgrade_status}");
        assert_eq!(state["status"], settled, "{upgrade_status}");
        assert_eq!(state["power_state"], "running", "{upgrade_status}");
        ws.assert_no_changes();
    }
}

#[test]
fn an_empty_or_null_address_is_no_address() {
    for no_address in ["object", "null"] {
        let sim = sim_with(json!({ "no_address": no_address, "public_address": false }));
        let ws = Workspace::new();
        ws.write(&config(&sim, "small"));
        ws.apply().ok();
        let scalet = api_scalet(&sim);
        let expected = if no_address == "null" {
            Value::Null
        } else {
            json!({})
        };
        assert_eq!(scalet["public_address"], expected, "{no_address}");
        assert_eq!(scalet["private_address"], expected, "{no_address}");
        let state = ws.resource("polycloud_vps.web");
        assert_eq!(state["ip_address"], Value::Null, "{no_address}: {state}");
        assert_eq!(state["private_ip_address"], Value::Null, "{no_address}");
        assert_eq!(state["status"], "started", "{no_address}");
        ws.assert_no_changes();
    }
}

#[test]
fn created_reads_as_the_same_instant_in_either_form() {
    for (form, served) in [
        ("dotted", "25.03.2026 14:07:09"),
        ("rfc3339", "2026-03-25T17:07:09+03:00"),
    ] {
        let sim = sim_with(json!({ "created": form, "date_ms": FIXED_MS }));
        let ws = Workspace::new();
        ws.write(&config(&sim, "small"));
        ws.apply().ok();
        assert_eq!(api_scalet(&sim)["created"], served, "{form}");
        let state = ws.resource("polycloud_vps.web");
        assert_eq!(state["created_at"], "2026-03-25T14:07:09Z", "{form}");
        ws.assert_no_changes();
    }
}

#[test]
fn a_created_date_that_does_not_exist_fails_the_refresh_and_keeps_state() {
    let sim = sim_with(json!({ "date_ms": FIXED_MS }));
    let ws = Workspace::new();
    ws.write(&config(&sim, "small"));
    ws.apply().ok();
    let ctid = api_scalet(&sim)["ctid"].to_string();
    sim.vscale_patch("scalets", &ctid, json!({"created": "31.02.2026 14:07:09"}));

    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    let output = run.output();
    assert!(
        output.contains("31.02.2026 14:07:09") && output.contains("not a date"),
        "{output}"
    );
    let state = ws.resource("polycloud_vps.web");
    assert_eq!(state["id"], ctid.as_str(), "the scalet stays in state");
    assert_eq!(state["created_at"], "2026-03-25T14:07:09Z");
}

#[test]
fn without_a_task_header_the_upgrade_waits_for_the_new_plan() {
    // The upgrade answer is already `updated` and unlocked with the old plan: only
    // the plan tells that the upgrade has not happened yet.
    let sim = sim_with(json!({ "upgrade_status": "updated", "task_header": false }));
    let (status, body) = sim.call("POST", "/_sim/config", Some(json!({"task_ms": 1500})), &[]);
    assert_eq!(status, 200, "{body}");
    let ws = Workspace::new();
    ws.write(&config(&sim, "small"));
    ws.apply().ok();
    let ctid = api_scalet(&sim)["ctid"].as_i64().expect("ctid");
    sim.clear_requests();

    ws.write(&config(&sim, "medium"));
    ws.apply().ok();
    // Waits poll the shared list of scalets (one GET /scalets per round).
    let polls = sim.requests_to("GET", "/vscale/v1/scalets").len();
    let upgrades = sim.requests_to("POST", "/upgrade");
    assert_eq!(upgrades.len(), 1);
    assert_eq!(upgrades[0]["status"], 200, "{upgrades:?}");
    assert!(
        sim.requests_to("GET", "/vscale/v1/tasks").is_empty(),
        "no task id, so no task polling"
    );
    assert!(
        polls >= 2,
        "the waiter polled scalet {ctid} until the plan showed ({polls})"
    );
    let state = ws.resource("polycloud_vps.web");
    assert_eq!(state["plan"], "medium");
    assert_eq!(api_scalet(&sim)["rplan"], "medium");
    ws.assert_no_changes();
}
