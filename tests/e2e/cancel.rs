//! Ctrl-C cancels: Terraform's StopProvider (and a SIGINT reaching the plugin's
//! process group) ends every wait within seconds, the server being created stays in
//! state (tainted), and a later apply converges with exactly one server.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::harness::*;

/// A Vscale task this long would keep an uncancelled apply busy for its whole length.
const LONG_TASK_MS: u64 = 20_000;

fn one_server(sim: &Sim) -> String {
    format!(
        "{}\nresource \"polycloud_vps\" \"web\" {{\n  name     = \"web-1\"\n  image    = \"ubuntu_22.04_64_001_master\"\n  plan     = \"small\"\n  location = \"spb0\"\n}}\n",
        vscale_provider(sim)
    )
}

/// Whom the interrupt reaches.
#[derive(Clone, Copy)]
enum Interrupt {
    /// Terraform alone: it asks the plugin to stop through StopProvider.
    Terraform,
    /// The whole process group, as a terminal's Ctrl-C does.
    ProcessGroup,
}

/// Starts an apply, interrupts it once the create was sent, and returns how long the
/// apply took to end after the interrupt, with its output.
fn interrupted_apply(sim: &Sim, ws: &Workspace, whom: Interrupt) -> (Duration, String) {
    let apply = ws.spawn_apply();
    let deadline = Instant::now() + Duration::from_secs(60);
    while sim.requests_to("POST", "/vscale/v1/scalets").is_empty() {
        assert!(Instant::now() < deadline, "the create was never sent");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The create was answered and the waiter is polling the task.
    std::thread::sleep(Duration::from_millis(1500));
    let ended = apply.interrupt(matches!(whom, Interrupt::ProcessGroup));
    let (took, output) = (ended.took, ended.output);
    eprintln!("the apply ended {took:?} after the interrupt");
    assert!(!ended.succeeded, "an interrupted apply fails:\n{output}");
    (took, output)
}

fn tainted(ws: &Workspace, address: &str) -> bool {
    ws.state_json()["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == address))
        .is_some_and(|r| r["tainted"] == true)
}

fn assert_cancelled_and_kept(sim: &Sim, ws: &Workspace, whom: Interrupt) {
    let (took, output) = interrupted_apply(sim, ws, whom);
    // Terraform gives up waiting on its own only after the whole task; a provider that
    // ignores the stop keeps the apply running until the task is done.
    assert!(
        took < Duration::from_millis(LONG_TASK_MS / 2),
        "the apply took {took:?} to end after Ctrl-C:\n{output}"
    );
    assert!(output.contains("cancelled"), "{output}");
    let scalets = sim.scalets();
    assert_eq!(scalets.len(), 1, "{scalets:#?}");
    assert_eq!(
        ws.resource("polycloud_vps.web")["id"],
        scalets[0]["ctid"].to_string().as_str(),
        "the server being created must be in state"
    );
    assert!(tainted(ws, "polycloud_vps.web"), "and tainted");

    // A later apply replaces the tainted server: one server in the end, no duplicate.
    // (The cancelled wait left the create task running: let it finish first.)
    let deadline = Instant::now() + Duration::from_millis(LONG_TASK_MS + 10_000);
    while sim.scalets().iter().any(|s| s["locked"] == true) {
        assert!(Instant::now() < deadline, "the create task never finished");
        std::thread::sleep(Duration::from_millis(200));
    }
    sim.call("POST", "/_sim/config", Some(json!({"task_ms": 200})), &[]);
    ws.apply().ok();
    let scalets = sim.scalets();
    assert_eq!(scalets.len(), 1, "{scalets:#?}");
    assert_eq!(
        ws.resource("polycloud_vps.web")["id"],
        scalets[0]["ctid"].to_string().as_str()
    );
    assert!(!tainted(ws, "polycloud_vps.web"));
    ws.assert_no_changes();
}

#[test]
fn stop_provider_ends_the_wait_within_seconds_and_keeps_the_server_tainted() {
    let sim = Sim::start_with(LONG_TASK_MS);
    let ws = Workspace::new();
    ws.write(&one_server(&sim));
    assert_cancelled_and_kept(&sim, &ws, Interrupt::Terraform);
}

#[test]
fn sigint_to_the_process_group_cancels_the_same_way() {
    let sim = Sim::start_with(LONG_TASK_MS);
    let ws = Workspace::new();
    ws.write(&one_server(&sim));
    assert_cancelled_and_kept(&sim, &ws, Interrupt::ProcessGroup);
}
