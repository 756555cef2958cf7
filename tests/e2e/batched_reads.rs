//! Batched reads and shared pollers, counted through the simulator's
//! request log: a refresh of many servers costs a few list requests and no single
//! reads; a write is read back as written; a vanished server is confirmed by a direct
//! read before it leaves state; waits of many creates share their polls.

use serde_json::Value;

use crate::harness::*;
use crate::starvcenter_common::*;
use crate::zomro_support::*;

/// `count` Vscale servers.
fn vscale_servers(count: usize) -> String {
    format!("resource \"polycloud_vps\" \"s\" {{\n  count    = {count}\n  name     = \"batch-${{count.index}}\"\n  image    = \"ubuntu_22.04_64_001_master\"\n  plan     = \"small\"\n  location = \"spb0\"\n}}\n")
}

/// Logged requests of `method` whose path is exactly `path`.
fn exactly(sim: &Sim, method: &str, path: &str) -> Vec<Value> {
    sim.requests()
        .into_iter()
        .filter(|r| r["method"] == method && r["path"] == path)
        .collect()
}

/// Logged `GET /vscale/v1/scalets/{ctid}` reads (any ctid).
fn single_scalet_reads(sim: &Sim) -> Vec<Value> {
    sim.requests()
        .into_iter()
        .filter(|r| {
            r["method"] == "GET"
                && r["path"]
                    .as_str()
                    .is_some_and(|p| p.starts_with("/vscale/v1/scalets/"))
        })
        .collect()
}

#[test]
fn refresh_of_100_vscale_servers_costs_few_lists_and_no_single_reads() {
    let sim = Sim::start_with(20);
    let ws = Workspace::new();
    ws.write(&format!("{}{}", vscale_provider(&sim), vscale_servers(100)));
    ws.apply().ok();
    assert_eq!(sim.scalets().len(), 100);

    sim.clear_requests();
    let run = ws.plan();
    // Exit 0: every server read from the list maps to the state the create wrote.
    assert_eq!(run.code, 0, "{}", run.output());
    let lists = exactly(&sim, "GET", "/vscale/v1/scalets").len();
    assert!(
        (1..=3).contains(&lists),
        "{lists} GET /scalets for 100 servers"
    );
    let singles = single_scalet_reads(&sim);
    assert!(singles.is_empty(), "no single reads: {singles:?}");
}

#[test]
fn refresh_of_100_zomro_instances_costs_few_lists() {
    let sim = Sim::start_with(20);
    let ws = Workspace::new();
    ws.write(&format!(
        "{}resource \"polycloud_vps\" \"s\" {{\n  count    = 100\n  name     = \"batch-${{count.index}}\"\n  image    = \"{ALMA}\"\n  plan     = \"6143\"\n  location = \"1\"\n{}}}\n",
        zomro_token_provider(&sim),
        password_line(VPS_PASSWORD)
    ));
    ws.apply().ok();
    assert_eq!(instances(&sim).len(), 100);

    sim.clear_requests();
    let run = ws.plan();
    assert_eq!(run.code, 0, "{}", run.output());
    let lists = calls(&sim, "instances").len();
    assert!(
        (1..=3).contains(&lists),
        "{lists} func=instances for 100 instances"
    );
    let others: Vec<Value> = sim
        .requests()
        .into_iter()
        .filter(|r| r["body"]["func"] != "instances")
        .collect();
    assert!(others.is_empty(), "only lists: {others:?}");
}

#[test]
fn refresh_of_60_starvcenter_vms_costs_one_search_of_every_vm_and_their_nic_and_disk_searches() {
    let sim = Sim::start_with(20);
    // The seeded tenant's quota holds 25 VMs of this size.
    let quota = serde_json::json!({"cpu": 100000, "memory": 100000000, "storage": 100000000});
    svc_ctl(&sim, "PATCH", "tenants/app-000000", Some(quota));
    let ws = Workspace::new();
    ws.write(&format!(
        "{}resource \"polycloud_vps\" \"s\" {{\n  count      = 60\n  name       = \"batch-${{count.index}}\"\n  image      = \"tpl-centos-7\"\n  cpu        = 1\n  memory_mb  = 2048\n  network_id = \"vpc-default\"\n}}\n",
        svc_provider(&sim)
    ));
    ws.apply().ok();
    assert_eq!(svc(&sim, "vms").len(), 60);

    sim.clear_requests();
    let run = ws.plan();
    assert_eq!(run.code, 0, "{}", run.output());
    let searches = svc_requests(&sim, "POST", "cloudvm/search");
    // One search of every VM, unpaged (StarVCenter API 2.2.2), more than two pages'
    // worth; no VM searched by id or read on its own.
    assert_eq!(searches.len(), 1, "{searches:#?}");
    assert_eq!(searches[0]["body"]["KEY_PARAM"], serde_json::json!({}));
    let singles: Vec<Value> = sim
        .requests()
        .into_iter()
        .filter(|r| {
            r["method"] == "GET"
                && r["path"]
                    .as_str()
                    .is_some_and(|p| p.contains("/cloudvm/vm-"))
        })
        .collect();
    assert!(singles.is_empty(), "no single reads: {singles:#?}");
    // Their NICs and disks are searched per VM: those searches need the VM id.
    assert_eq!(svc_requests(&sim, "POST", "cloudvm/vnic/search").len(), 60);
    assert_eq!(svc_requests(&sim, "POST", "cloudvm/vdisk/search").len(), 60);
}

#[test]
fn a_write_in_the_apply_is_read_back_as_written_not_from_the_list() {
    let sim = Sim::start_with(300);
    let ws = Workspace::new();
    let config = |plan: &str, round: u32| {
        format!(
            "{}resource \"polycloud_vps\" \"other\" {{\n  name = \"other\"\n  image = \"ubuntu_22.04_64_001_master\"\n  plan = \"small\"\n  location = \"spb0\"\n}}\n\
             resource \"terraform_data\" \"round\" {{\n  input = {round}\n}}\n\
             # Read in the apply (after terraform_data changes): fetches the list of scalets.\n\
             data \"polycloud_vps\" \"probe\" {{\n  id = polycloud_vps.other.id\n  depends_on = [terraform_data.round]\n}}\n\
             resource \"polycloud_vps\" \"web\" {{\n  name = \"web\"\n  image = \"ubuntu_22.04_64_001_master\"\n  plan = \"{plan}\"\n  location = \"spb0\"\n  depends_on = [data.polycloud_vps.probe]\n}}\n\
             data \"polycloud_vps\" \"after\" {{\n  id = polycloud_vps.web.id\n  depends_on = [polycloud_vps.web]\n}}\n\
             output \"after_plan\" {{\n  value = data.polycloud_vps.after.plan\n}}\n",
            vscale_provider(&sim)
        )
    };
    ws.write(&config("small", 1));
    ws.apply().ok();
    let web = sim
        .scalets()
        .into_iter()
        .find(|s| s["name"] == "web")
        .expect("web");
    let ctid = web["ctid"].to_string();

    sim.clear_requests();
    ws.write(&config("medium", 2));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    // The probe listed the scalets (web still small) before the upgrade; the reads
    // after the upgrade are direct and see the new plan.
    let log = sim.requests();
    let upgrade = log
        .iter()
        .position(|r| {
            r["method"] == "POST" && r["path"] == format!("/vscale/v1/scalets/{ctid}/upgrade")
        })
        .expect("one upgrade");
    assert!(
        log[..upgrade]
            .iter()
            .any(|r| r["method"] == "GET" && r["path"] == "/vscale/v1/scalets"),
        "the list was fetched before the write: {log:?}"
    );
    let direct_after = log[upgrade..]
        .iter()
        .filter(|r| r["method"] == "GET" && r["path"] == format!("/vscale/v1/scalets/{ctid}"))
        .count();
    assert!(
        direct_after >= 1,
        "the written scalet is read directly: {log:?}"
    );
    assert_eq!(ws.resource("polycloud_vps.web")["plan"], "medium");
    let out = ws.tf(&["output", "-raw", "after_plan"]).ok();
    assert_eq!(
        out.stdout.trim(),
        "medium",
        "a read after the write in the same apply"
    );
    ws.assert_no_changes();
}

#[test]
fn a_vanished_server_is_confirmed_by_a_direct_read_then_dropped() {
    let sim = Sim::start_with(20);
    let ws = Workspace::new();
    ws.write(&format!("{}{}", vscale_provider(&sim), vscale_servers(3)));
    ws.apply().ok();
    let gone = sim.scalets()[1]["ctid"].to_string();
    sim.vscale_remove("scalets", &gone);

    sim.clear_requests();
    let run = ws.plan();
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(run.output().contains("will be created"), "{}", run.output());
    assert_eq!(exactly(&sim, "GET", "/vscale/v1/scalets").len(), 1);
    // Only the server missing from the list is read on its own, and Vscale's own 404
    // answered that read.
    let singles = single_scalet_reads(&sim);
    assert_eq!(singles.len(), 1, "{singles:?}");
    assert_eq!(singles[0]["path"], format!("/vscale/v1/scalets/{gone}"));
    assert_eq!(singles[0]["status"], 404);
}

#[test]
fn creates_waiting_together_share_their_polls() {
    // 20 servers whose tasks take 2 s, Terraform's parallelism 10: two waves of ten
    // waits. Waits of their own would poll GET /tasks 3-4 times each (80 in all).
    let sim = Sim::start_with(2000);
    let ws = Workspace::new();
    ws.write(&format!("{}{}", vscale_provider(&sim), vscale_servers(20)));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(sim.scalets().len(), 20);
    let tasks = exactly(&sim, "GET", "/vscale/v1/tasks").len();
    let lists = exactly(&sim, "GET", "/vscale/v1/scalets").len();
    assert!(tasks >= 2, "the waits polled the task list ({tasks})");
    assert!(
        tasks <= 20,
        "{tasks} GET /tasks for 20 creates: one per round, not one per wait"
    );
    // One look-up per create (safe creates list the scalets first), then one per round.
    assert!(
        lists <= 20 + tasks,
        "{lists} GET /scalets for 20 creates and {tasks} rounds"
    );
    assert!(single_scalet_reads(&sim).is_empty(), "waits poll the list");
    ws.assert_no_changes();
}

#[test]
fn creates_asking_together_share_their_ids_before_list() {
    // 20 SSH keys at Terraform's parallelism 10, every request taking 100 ms: creates
    // that start together list the keys once for all of them (their ids-before), where
    // each used to list them on its own (20 GET /sshkeys).
    let sim = Sim::start();
    sim.call(
        "POST",
        "/_sim/config",
        Some(serde_json::json!({"latency_ms": 100})),
        &[],
    );
    let ws = Workspace::new();
    let keys = "resource \"polycloud_ssh_key\" \"k\" {\n  count      = 20\n  name       = \"shared-${count.index}\"\n  public_key = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl shared@example\"\n}\n";
    ws.write(&format!("{}{keys}", vscale_provider(&sim)));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    let creates = exactly(&sim, "POST", "/vscale/v1/sshkeys").len();
    let lists = exactly(&sim, "GET", "/vscale/v1/sshkeys").len();
    assert_eq!(creates, 20, "one create per key");
    assert!(
        (1..=10).contains(&lists),
        "{lists} GET /sshkeys for 20 creates: shared by the creates asking together"
    );
    let held = sim.state()["vscale"]["sshkeys"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(held, 20, "the simulator holds every key once");
    ws.assert_no_changes();
}
