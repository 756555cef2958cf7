//! What users count on when the cloud or what stands before it misbehaves, through
//! Terraform (SPEC §9): only the cloud's own not-found drops a resource (a proxy's
//! HTML 404 is an error and the server stays); busy answers are waited out until the
//! operation's timeout, not for a few retries; a transient error during a wait does
//! not fail it; a restore that started is kept in state (tainted), never forgotten.

use serde_json::json;

use crate::harness::*;
use crate::inet_helpers::*;

const IMAGE: &str = "ubuntu_22.04_64_001_master";

fn vps_with(plan: &str, extra: &str) -> String {
    format!(
        "resource \"polycloud_vps\" \"web\" {{\n  name     = \"web-1\"\n  image    = \"{IMAGE}\"\n  plan     = \"{plan}\"\n  location = \"spb0\"\n{extra}}}\n"
    )
}

fn provider_retries(sim: &Sim, retries: u32) -> String {
    format!(
        "provider \"polycloud\" {{\n  cloud       = \"vscale\"\n  endpoint    = \"{}\"\n  token       = \"{VSCALE_TOKEN}\"\n  max_retries = {retries}\n}}\n",
        sim.vscale_endpoint()
    )
}

fn tainted(ws: &Workspace, address: &str) -> bool {
    ws.state_json()["values"]["root_module"]["resources"]
        .as_array()
        .and_then(|rs| rs.iter().find(|r| r["address"] == address))
        .is_some_and(|r| r["tainted"] == true)
}

#[test]
fn proxy_html_404_is_an_error_and_the_vscale_server_stays_in_state() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}{}",
        vscale_provider(&sim),
        vps_with("small", "")
    ));
    ws.apply().ok();
    let ctid = sim.scalets()[0]["ctid"].to_string();
    sim.fault(json!({"count": 50, "status": 404, "html": true, "path": format!("/vscale/v1/scalets/{ctid}")}));
    // Refresh reads are batched (GET /scalets): the proxy answers that too, and the
    // failed list falls back to the direct read, which fails the same way.
    sim.fault(json!({"count": 50, "status": 404, "html": true, "path": "/vscale/v1/scalets"}));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(
        run.code, 1,
        "a proxy's 404 must not drop the server:\n{out}"
    );
    assert!(out.contains("Cannot read"), "{out}");
    assert!(out.contains("not Vscale's own answer"), "{out}");
    assert!(!out.contains("will be created"), "{out}");
    assert_eq!(ws.resource("polycloud_vps.web")["id"], ctid.as_str());
    // Vscale's own not-found still removes it.
    sim.call("DELETE", "/_sim/faults", None, &[]);
    sim.vscale_remove("scalets", &ctid);
    let run = ws.plan();
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(run.stdout.contains("will be created"), "{}", run.stdout);
}

#[test]
fn proxy_html_404_is_an_error_and_the_inet_server_stays_in_state() {
    let sim = Sim::start();
    let id = seed_one(&sim, "web");
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\nimport {{\n  to = polycloud_vps.web\n  id = \"{id}\"\n}}\n\nresource \"polycloud_vps\" \"web\" {{\n  name = \"web\"\n}}\n",
        inet_provider(&sim)
    ));
    ws.apply().ok();
    sim.fault(json!({"count": 50, "status": 404, "html": true, "cloud": "inet", "path_contains": format!("/vps/{id}")}));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Cannot read"), "{out}");
    assert!(out.contains("without iNET's"), "{out}");
    assert_eq!(ws.resource("polycloud_vps.web")["id"], id.as_str());
}

#[test]
fn scalet_locked_longer_than_the_retries_is_waited_out_until_the_update_timeout() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}{}",
        vscale_provider(&sim),
        vps_with("small", "")
    ));
    ws.apply().ok();
    let ctid = sim.scalets()[0]["ctid"].to_string();
    // Seven "locked" answers: more than the default max_retries (4) allows.
    sim.fault(json!({"count": 7, "busy": true, "method": "POST", "path": format!("/vscale/v1/scalets/{ctid}/upgrade")}));
    ws.write(&format!(
        "{}{}",
        vscale_provider(&sim),
        vps_with("medium", "  timeouts {\n    update = \"2m\"\n  }\n")
    ));
    ws.apply().ok();
    let statuses: Vec<u64> = sim
        .requests_to("POST", &format!("/scalets/{ctid}/upgrade"))
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![409, 409, 409, 409, 409, 409, 409, 200]);
    assert_eq!(sim.scalets()[0]["rplan"], "medium");
    ws.assert_no_changes();
}

#[test]
fn busy_answers_stop_at_the_update_timeout_with_a_message_naming_the_lock() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}{}",
        vscale_provider(&sim),
        vps_with("small", "")
    ));
    ws.apply().ok();
    let ctid = sim.scalets()[0]["ctid"].to_string();
    sim.fault(json!({"count": 1000, "busy": true, "method": "POST", "path": format!("/vscale/v1/scalets/{ctid}/upgrade")}));
    ws.write(&format!(
        "{}{}",
        vscale_provider(&sim),
        vps_with("medium", "  timeouts {\n    update = \"6s\"\n  }\n")
    ));
    let started = std::time::Instant::now();
    let run = ws.apply();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("locked"), "{out}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "no retry goes past the timeout: {:?}",
        started.elapsed()
    );
}

#[test]
fn transient_errors_during_the_create_wait_do_not_fail_it_even_with_max_retries_0() {
    let sim = Sim::start_with(1500);
    // Three 503s on the task poll: with max_retries = 0 each reaches the waiter.
    sim.fault(json!({"count": 3, "status": 503, "method": "GET", "path": "/vscale/v1/tasks"}));
    let ws = Workspace::new();
    ws.write(&format!(
        "{}{}",
        provider_retries(&sim, 0),
        vps_with("small", "")
    ));
    ws.apply().ok();
    assert!(!tainted(&ws, "polycloud_vps.web"));
    let polls = sim.requests_to("GET", "/vscale/v1/tasks");
    assert_eq!(
        polls.iter().filter(|r| r["status"] == 503).count(),
        3,
        "{polls:#?}"
    );
    assert_eq!(sim.scalets()[0]["status"], "started");
}

#[test]
fn restore_that_started_but_whose_wait_failed_stays_in_state_tainted() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let config = format!(
        "{}{}resource \"polycloud_backup\" \"nightly\" {{\n  vps_id = polycloud_vps.web.id\n  name   = \"nightly\"\n}}\n",
        vscale_provider(&sim),
        vps_with("small", "")
    );
    ws.write(&config);
    ws.apply().ok();
    let ctid = sim.scalets()[0]["ctid"].to_string();
    let (status, body) = sim.call(
        "POST",
        "/_sim/vscale/fail_next_tasks",
        Some(json!({"method": "scalet_rebuild"})),
        &[],
    );
    assert_eq!(status, 200, "{body}");
    ws.write(&format!(
        "{config}resource \"polycloud_vps_restore\" \"rollback\" {{\n  vps_id    = polycloud_vps.web.id\n  backup_id = polycloud_backup.nightly.id\n}}\n"
    ));
    let run = ws.apply();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.output().contains("Cannot restore server"),
        "{}",
        run.output()
    );
    assert_eq!(
        sim.requests_to("PATCH", &format!("/scalets/{ctid}/rebuild"))
            .len(),
        1
    );
    // Kept, tainted: the next plan shows the restore again instead of running it
    // silently as a new resource.
    assert!(ws.resource("polycloud_vps_restore.rollback").is_object());
    assert!(tainted(&ws, "polycloud_vps_restore.rollback"));
    let plan = ws.plan();
    assert!(
        plan.stdout.contains("is tainted, so must be replaced"),
        "{}",
        plan.stdout
    );
}

#[test]
fn starvcenter_power_change_whose_answer_is_lost_is_watched_not_sent_twice() {
    use crate::starvcenter_common::*;
    let sim = Sim::start();
    let vm = |power: &str| {
        format!(
            "{}resource \"polycloud_vps\" \"app\" {{\n  name        = \"app\"\n  image       = \"tpl-ubuntu-2204\"\n  cpu         = 1\n  memory_mb   = 1024\n  network_id  = \"vpc-default\"\n  power_state = \"{power}\"\n  timeouts {{\n    update = \"30s\"\n  }}\n}}\n",
            svc_provider(&sim)
        )
    };
    let ws = Workspace::new();
    ws.write(&vm("running"));
    ws.apply().ok();
    // The shutdown runs, then the gateway answers 503: watched, not repeated.
    sim.fault(
        json!({"status": 503, "after": true, "method": "PUT", "path_contains": "cloudvm/shutdown"}),
    );
    ws.write(&vm("stopped"));
    ws.apply().ok();
    let puts = svc_requests(&sim, "PUT", "cloudvm/shutdown");
    assert_eq!(puts.len(), 1, "{puts:#?}");
    assert_eq!(svc(&sim, "vms")[0]["vm.state"], "0");
    ws.assert_no_changes();
}

#[test]
fn starvcenter_not_found_about_another_object_keeps_the_security_group() {
    use crate::starvcenter_common::*;
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}resource \"polycloud_security_group\" \"g\" {{\n  name = \"web\"\n}}\n",
        svc_provider(&sim)
    ));
    ws.apply().ok();
    let id = ws.resource("polycloud_security_group.g")["id"]
        .as_str()
        .unwrap()
        .to_string();
    // The NIC sub-search answers that some NIC does not exist: not about the group.
    sim.fault(json!({"count": 20, "status": 200, "message": "网卡不存在: vnic nic-9 not found", "cloud": "starvcenter", "path_contains": "cloudsegroup/vnic/search"}));
    let run = ws.plan();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Cannot read"), "{out}");
    assert!(out.contains("vnic nic-9 not found"), "{out}");
    assert_eq!(ws.resource("polycloud_security_group.g")["id"], id.as_str());
    // StarVCenter's own answer that this group does not exist does drop it.
    sim.call("DELETE", "/_sim/faults", None, &[]);
    let gone = format!("安全组不存在: security group {id} not found");
    sim.fault(json!({"count": 20, "status": 200, "message": gone, "cloud": "starvcenter", "path_contains": "cloudsegroup/rule/search"}));
    let run = ws.plan();
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(run.stdout.contains("will be created"), "{}", run.stdout);
}
