//! StarVCenter VM waits share one poll per round, counted through the simulator's
//! request log: ten creates (and their deletes) whose tasks take 2 s cost about one
//! search of every VM per round and one task-log query per task; a task that fails
//! ends its own wait with the task's `resultinfo`, the VM kept in state as tainted; a
//! Ctrl-C ends waits that share a round at once.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::*;
use crate::starvcenter_common::*;

/// `count` VMs in `power` state ("running" or "stopped").
fn vms_config(sim: &Sim, count: usize, power: &str) -> String {
    format!(
        "{}\n{}",
        svc_provider(sim),
        include_str!("fixtures/starvcenter_shared_waits.tf")
            .replace("COUNT", &count.to_string())
            .replace("POWER", power)
    )
}

/// Every task of the simulator's log of this kind (`vm.create`, `vm.delete`, …).
fn tasks_of(sim: &Sim, kind: &str) -> Vec<Value> {
    svc(sim, "tasks")
        .into_iter()
        .filter(|t| t["task.kind"] == kind)
        .collect()
}

/// The `task.startid` each logged `cloudtask/search` asked for.
fn task_queries(sim: &Sim) -> Vec<String> {
    svc_requests(sim, "POST", "cloudtask/search")
        .iter()
        .map(|r| {
            r["body"]["KEY_PARAM"]["task.startid"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect()
}

/// The logged `cloudvm/search` requests: (those naming a VM by name or id, those
/// naming none: a search of every VM, page by page).
fn vm_searches(sim: &Sim) -> (Vec<Value>, Vec<Value>) {
    svc_requests(sim, "POST", "cloudvm/search")
        .into_iter()
        .partition(|r| {
            let p = &r["body"]["KEY_PARAM"];
            p.get("vm.name").is_some() || p.get("vm.id").is_some()
        })
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn set_task_ms(sim: &Sim, ms: u64) {
    let (status, body) = sim.call("POST", "/_sim/config", Some(json!({ "task_ms": ms })), &[]);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn ten_vm_creates_and_deletes_share_their_polls() {
    let sim = Sim::start();
    set_task_ms(&sim, 2000);
    let ws = Workspace::new();
    ws.write(&vms_config(&sim, 10, "running"));
    ws.apply().ok();
    let vms = svc(&sim, "vms");
    assert_eq!(vms.len(), 10);
    assert!(vms.iter().all(|v| v["vm.state"] == "1"), "{vms:#?}");

    // Each create looks its name up before (vm.name); it reads its VM back from the
    // round that showed it running (no search by vm.id), with its NICs and disks
    // searched; every other search is a shared round.
    let (named, rounds) = vm_searches(&sim);
    assert_eq!(named.len(), 10, "{named:#?}");
    assert!(
        named
            .iter()
            .all(|r| r["body"]["KEY_PARAM"].get("vm.name").is_some()),
        "{named:#?}"
    );
    assert_eq!(svc_requests(&sim, "POST", "cloudvm/vnic/search").len(), 10);
    assert_eq!(svc_requests(&sim, "POST", "cloudvm/vdisk/search").len(), 10);
    let queries = task_queries(&sim);
    let polls = rounds.len() + queries.len();
    assert!(
        polls <= 20,
        "{} rounds + {} task-log queries for 10 tasks",
        rounds.len(),
        queries.len()
    );
    assert!(!rounds.is_empty());
    // The task log is still the authority: every create task was asked about.
    let creates: BTreeSet<String> = tasks_of(&sim, "vm.create")
        .iter()
        .map(|t| t["task.startid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(creates.len(), 10);
    assert_eq!(queries.iter().cloned().collect::<BTreeSet<_>>(), creates);
    ws.assert_no_changes();

    sim.clear_requests();
    let run = ws.destroy();
    assert_eq!(run.code, 0, "{}", run.output());
    assert!(
        run.output().contains("Resources: 10 destroyed"),
        "{}",
        run.output()
    );
    assert!(svc(&sim, "vms").is_empty(), "the simulator holds no VM");
    // Every delete wait settled on its own task's success.
    let deletes = tasks_of(&sim, "vm.delete");
    assert_eq!(deletes.len(), 10);
    assert!(
        deletes.iter().all(|t| t["task.result"] == "0"),
        "{deletes:#?}"
    );
    let asked: BTreeSet<String> = task_queries(&sim).into_iter().collect();
    let deleted: BTreeSet<String> = deletes
        .iter()
        .map(|t| t["task.startid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(asked, deleted);
    // Each delete reads its VM first (vm.id); the waits share their rounds.
    let (named, rounds) = vm_searches(&sim);
    assert_eq!(named.len(), 10, "{named:#?}");
    let polls = rounds.len() + task_queries(&sim).len();
    assert!(
        polls <= 20,
        "{} rounds + task-log queries for 10 deletes",
        polls
    );
}

#[test]
fn a_failing_task_ends_its_own_wait_with_the_tasks_message() {
    let sim = Sim::start();
    set_task_ms(&sim, 2000);
    // 附表4: code 1 失败 (failed), with the installation's own reason.
    svc_fail_next(
        &sim,
        "vm.create",
        1,
        "失败: 存储池空间不足 storage pool is full",
    );
    let ws = Workspace::new();
    ws.write(&vms_config(&sim, 10, "running"));
    let run = ws.apply();
    let out = flat(&run.output());
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("storage pool is full"), "{out}");
    assert!(out.contains("task-log code 1"), "{out}");
    // The failed VM exists (state -2, 附表1 创建失败) and stays in state, tainted;
    // the other nine were created.
    let vms = svc(&sim, "vms");
    assert_eq!(vms.len(), 10);
    let failed: Vec<&Value> = vms.iter().filter(|v| v["vm.state"] == "-2").collect();
    assert_eq!(failed.len(), 1, "{vms:#?}");
    let state = ws.state_json();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(resources.len(), 10);
    let tainted: Vec<&Value> = resources.iter().filter(|r| r["tainted"] == true).collect();
    assert_eq!(tainted.len(), 1, "{resources:#?}");
    assert_eq!(tainted[0]["values"]["id"], failed[0]["vm.id"]);

    // The tainted VM is replaced; then a power change whose task fails leaves its VM
    // running and unlocked, never at the target: the wait ends on the task log.
    set_task_ms(&sim, 20);
    ws.apply().ok();
    set_task_ms(&sim, 2000);
    svc_ctl(
        &sim,
        "POST",
        "fail_next_tasks",
        Some(json!({"result": 6, "resultinfo": "异常终止: the host stopped while shutting down"})),
    );
    sim.clear_requests();
    ws.write(&vms_config(&sim, 10, "stopped"));
    let run = ws.apply();
    let out = flat(&run.output());
    assert_eq!(run.code, 1, "{out}");
    assert!(
        out.contains("the host stopped while shutting down"),
        "{out}"
    );
    let tasks = svc(&sim, "tasks");
    let broken: Vec<&Value> = tasks.iter().filter(|t| t["task.result"] == "6").collect();
    assert_eq!(broken.len(), 1, "{tasks:#?}");
    let startid = broken[0]["task.startid"].as_str().unwrap();
    // Asked as soon as a round showed the VM unlocked short of "stopped", not only on
    // the backstop cadence: once or twice, never once per round.
    let asked = task_queries(&sim).iter().filter(|q| *q == startid).count();
    assert!(
        (1..=2).contains(&asked),
        "{asked} task-log queries of the failed task"
    );
    let vm = svc(&sim, "vms")
        .into_iter()
        .find(|v| v["vm.id"] == broken[0]["task.vmid"])
        .unwrap();
    assert_eq!(vm["vm.state"], "1", "the failed shutdown left it running");
    let stopped = svc(&sim, "vms")
        .iter()
        .filter(|v| v["vm.state"] == "0")
        .count();
    assert_eq!(stopped, 9);
}

#[test]
fn ctrl_c_ends_waits_sharing_a_round_and_keeps_their_vms_tainted() {
    // Tasks of 30 s: an apply that ignored the interrupt would run that long.
    let sim = Sim::start();
    set_task_ms(&sim, 30_000);
    let ws = Workspace::new();
    ws.write(&vms_config(&sim, 3, "running"));
    let apply = ws.spawn_apply();
    let deadline = Instant::now() + Duration::from_secs(60);
    while svc_requests(&sim, "POST", "cloudvm/create").len() < 3 {
        assert!(Instant::now() < deadline, "the creates were never sent");
        std::thread::sleep(Duration::from_millis(50));
    }
    // The waits are in their shared rounds.
    std::thread::sleep(Duration::from_millis(1500));
    let (_, rounds) = vm_searches(&sim);
    assert!(!rounds.is_empty(), "the waits poll in rounds");
    let ended = apply.interrupt(true);
    let (took, output) = (ended.took, ended.output);
    assert!(!ended.succeeded, "{output}");
    assert!(
        took < Duration::from_secs(10),
        "ended {took:?} after Ctrl-C:\n{output}"
    );
    assert!(output.contains("cancelled"), "{output}");
    let vms = svc(&sim, "vms");
    assert_eq!(vms.len(), 3);
    let state = ws.state_json();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .clone();
    let kept: BTreeSet<&str> = resources
        .iter()
        .filter(|r| r["tainted"] == true)
        .filter_map(|r| r["values"]["id"].as_str())
        .collect();
    let made: BTreeSet<&str> = vms.iter().filter_map(|v| v["vm.id"].as_str()).collect();
    assert_eq!(kept, made, "every VM being created is in state, tainted");
}
