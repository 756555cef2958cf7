//! iNET when things are slow or go wrong, through Terraform: a power change that
//! outlasts `timeouts.update`, iNET's busy 409 during a transition (retried), and a
//! snapshot create whose outcome is unknown (looked up before it is repeated).

use serde_json::{json, Value};

use crate::harness::*;
use crate::inet_helpers::*;

/// Terraform wraps diagnostics: compare with single spaces.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A provider block (default `max_retries`: busy answers are waited out until the
/// operation's timeout, not for a number of retries), adopting server `id` as
/// `polycloud_vps.web`.
fn adopted(sim: &Sim, id: &str, body: &str) -> String {
    format!(
        "{}\nimport {{\n  to = polycloud_vps.web\n  id = \"{id}\"\n}}\n\nresource \"polycloud_vps\" \"web\" {{\n  name = \"web\"\n{body}}}\n",
        inet_provider(sim)
    )
}

/// `seq` of a logged request.
fn seq(r: &Value) -> u64 {
    r["seq"].as_u64().unwrap()
}

#[test]
fn inet_power_change_longer_than_the_update_timeout_names_the_wait() {
    let sim = Sim::start_with(12000);
    let id = seed_one(&sim, "web");
    let ws = Workspace::new();
    ws.write(&adopted(
        &sim,
        &id,
        "  power_state = \"stopped\"\n  timeouts {\n    update = \"1s\"\n  }\n",
    ));
    let started = std::time::Instant::now();
    let run = ws.apply().failed();
    let out = flat(&run.output());
    assert!(
        out.contains(&format!("waiting for iNET VPS {id} to shut down")),
        "{out}"
    );
    assert!(out.contains("timed out after 1s"), "{out}");
    assert!(
        out.contains("powering-off"),
        "the last status is shown: {out}"
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "the apply did not wait for the transition to end"
    );
    // The shutdown was sent once and is still under way in the simulator.
    let shutdowns = sim.requests_to("POST", &format!("/vps/{id}/shutdown"));
    assert_eq!(shutdowns.len(), 1, "{shutdowns:#?}");
    assert_eq!(shutdowns[0]["status"], 200);
    let held = server(&sim, &id);
    assert_eq!(
        held["server"]["OS-EXT-STS:task_state"], "powering-off",
        "{held:#}"
    );
}

#[test]
fn inet_busy_409_during_a_transition_is_retried_and_the_apply_succeeds() {
    let sim = Sim::start_with(10_000);
    let id = seed_one(&sim, "web");
    let ws = Workspace::new();
    ws.write(&adopted(&sim, &id, "  power_state = \"running\"\n"));
    ws.apply().ok();
    assert_eq!(ws.resource("polycloud_vps.web")["power_state"], "running");

    // A reboot started in the portal (through the API, out of Terraform's sight): while
    // it runs, iNET answers every action with 409 "VPS … is busy".
    let (status, body) = sim.call(
        "POST",
        &format!("/inet/api/gateway/v1/vps/{id}/reboot-soft"),
        Some(json!({})),
        &[("Authorization", &format!("Bearer {INET_TOKEN}"))],
    );
    assert_eq!(status, 200, "{body}");
    sim.clear_requests();
    ws.write(&adopted(&sim, &id, "  power_state = \"stopped\"\n"));
    ws.apply().ok();

    let shutdowns = sim.requests_to("POST", &format!("/vps/{id}/shutdown"));
    let statuses: Vec<u64> = shutdowns
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert!(statuses.len() >= 2, "{statuses:?}");
    assert!(
        statuses[..statuses.len() - 1].iter().all(|s| *s == 409),
        "busy answers first: {statuses:?}"
    );
    assert_eq!(statuses.last(), Some(&200), "then carried out once");
    let held = server(&sim, &id);
    assert_eq!(held["server"]["status"], "shutoff", "{held:#}");
    assert_eq!(held["server"]["OS-EXT-STS:power_state"], "4");
    assert_eq!(ws.resource("polycloud_vps.web")["power_state"], "stopped");
    ws.assert_no_changes();
}

#[test]
fn inet_snapshot_create_with_an_ambiguous_503_is_looked_up_then_made_once() {
    let sim = Sim::start();
    let vps = seed_one(&sim, "web");
    sim.fault(json!({"count": 1, "status": 503, "cloud": "inet", "method": "POST", "path_contains": "/snapshot"}));
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\nresource \"polycloud_snapshot\" \"s\" {{\n  vps_id = \"{vps}\"\n}}\n",
        inet_provider(&sim)
    ));
    ws.apply().ok();

    // Exactly one snapshot, the one in state.
    let held = server(&sim, &vps)["snapshots"].clone();
    assert_eq!(held.as_array().unwrap().len(), 1, "{held:#}");
    assert_eq!(held[0]["status"], "available");
    let id = format!("{vps}/{}", held[0]["id"]);
    assert_eq!(ws.resource("polycloud_snapshot.s")["id"], id.as_str());

    // The 503 create was not repeated blindly: the list was read between the two POSTs.
    let posts = sim.requests_to("POST", &format!("/vps/{vps}/snapshot"));
    let statuses: Vec<&Value> = posts.iter().map(|r| &r["status"]).collect();
    assert_eq!(statuses, [&json!(503), &json!(200)], "{posts:#?}");
    let lookups: Vec<Value> = sim
        .requests_to("GET", &format!("/vps/{vps}/snapshot"))
        .into_iter()
        .filter(|r| seq(r) > seq(&posts[0]) && seq(r) < seq(&posts[1]))
        .collect();
    assert!(
        !lookups.is_empty(),
        "looked up before repeating: {:#?}",
        sim.requests()
    );
    ws.assert_no_changes();
}
