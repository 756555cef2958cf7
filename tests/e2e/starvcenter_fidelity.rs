//! StarVCenter where its document is silent (docs/design/wire.md, "StarVCenter"): the
//! same configuration against each answer shape the simulator can serve
//! (`POST /_sim/starvcenter/shape`): lock refusals in any wording, a task log that
//! answers no task record, `page.startnum` read as a page or as a position; and what
//! the document does print: `slb.appid` required (2.12.2), `cloudvm/restart`
//! (2.2.14) and the hard reboot through `cloudvm/destroy` and `cloudvm/start`.

use std::collections::BTreeSet;

use serde_json::{json, Value};

use crate::harness::*;
use crate::starvcenter_common::*;

/// A run's output on one line (Terraform wraps long diagnostics).
fn flat(run: &TfRun) -> String {
    run.output()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sets answer shapes of the simulated StarVCenter.
fn shape(sim: &Sim, body: Value) {
    svc_ctl(sim, "POST", "shape", Some(body));
}

/// The VM configuration with this description.
fn vm_config(sim: &Sim, description: &str) -> String {
    format!(
        "{}\n{}",
        svc_provider(sim),
        include_str!("fixtures/starvcenter_fidelity_vm.tf").replace("DESCRIPTION", description)
    )
}

/// The one VM the simulator holds.
fn only_vm(sim: &Sim) -> Value {
    let vms = svc(sim, "vms");
    assert_eq!(vms.len(), 1, "expected one VM: {vms:#?}");
    vms[0].clone()
}

/// A running VM seeded at once (no task), its id.
fn seed_vm(sim: &Sim, name: &str) -> String {
    let vm = svc_ctl(sim, "POST", "vms", Some(json!({ "vm.name": name })));
    vm["vm.id"].as_str().unwrap().to_string()
}

#[test]
fn a_locked_vm_is_waited_out_whatever_its_refusal_says() {
    for wording in ["locked", "table_name", "plain"] {
        let sim = Sim::start();
        shape(&sim, json!({ "lock_message": wording }));
        let ws = Workspace::new();
        ws.write(&vm_config(&sim, "first"));
        ws.apply().ok();
        let id = only_vm(&sim)["vm.id"].as_str().unwrap().to_string();

        // A backup (lock code 3, 备份创建中) holds the VM for 2 s while the change
        // arrives: refused at first, then sent again once the lock is gone.
        svc_ctl(
            &sim,
            "POST",
            &format!("vms/{id}/lock"),
            Some(json!({"code": 3, "ms": 2000})),
        );
        sim.clear_requests();
        ws.write(&vm_config(&sim, "second"));
        let run = ws.apply();
        assert_eq!(run.code, 0, "{wording}: {}", run.output());
        let modifies = svc_requests(&sim, "PUT", "cloudvm/modify");
        assert!(
            modifies.len() >= 2,
            "{wording}: refused first: {modifies:#?}"
        );
        assert!(modifies
            .iter()
            .all(|m| m["body"]["KEY_PARAM"]["vm.desc"] == "second"));
        assert_eq!(only_vm(&sim)["vm.desc"], "second", "{wording}");
        ws.assert_no_changes();
    }
}

#[test]
fn a_refusal_on_an_unlocked_vm_stays_an_error() {
    let sim = Sim::start();
    shape(&sim, json!({ "lock_message": "plain" }));
    let ws = Workspace::new();
    ws.write(&vm_config(&sim, "first"));
    ws.apply().ok();
    let id = only_vm(&sim)["vm.id"].as_str().unwrap().to_string();
    // The refusal is the sim's own quota check: nothing is locked, so one request.
    let tenant = svc(&sim, "tenants")[0]["app.id"]
        .as_str()
        .unwrap()
        .to_string();
    svc_ctl(
        &sim,
        "PATCH",
        &format!("tenants/{tenant}"),
        Some(json!({"cpu": 2})),
    );
    sim.clear_requests();
    ws.write(&vm_config(&sim, "first").replace("cpu         = 2", "cpu         = 8"));
    let run = ws.apply();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(run.output().contains("配额不足"), "{}", run.output());
    assert_eq!(svc_requests(&sim, "PUT", "cloudvm/cpu/modify").len(), 1);
    assert_eq!(only_vm(&sim)["vm.id"], id.as_str());
}

#[test]
fn the_task_log_falls_back_to_the_object_on_any_answer_that_is_not_a_record() {
    for answer in ["record", "refused", "empty", "not_base64"] {
        let sim = Sim::start();
        shape(&sim, json!({ "task_log": answer }));
        let ws = Workspace::new();
        ws.write(&vm_config(&sim, "first"));
        let run = ws.apply();
        assert_eq!(run.code, 0, "{answer}: {}", run.output());
        let vm = only_vm(&sim);
        assert_eq!(vm["vm.state"], "1", "{answer}");
        assert_eq!(ws.resource("polycloud_vps.app")["id"], vm["vm.id"]);
        let log = svc_requests(&sim, "POST", "cloudtask/search");
        if answer == "record" {
            assert!(!log.is_empty());
        } else {
            // One look at the log, then the provider instance polls objects only.
            assert_eq!(log.len(), 1, "{answer}: {log:#?}");
        }
        ws.assert_no_changes();
    }
}

/// Seeds `count` VMs, applies `polycloud_vps_list` over them: the workspace, the
/// seeded ids and the ids the data source listed, in its order.
fn list_seeded_vms(sim: &Sim, count: usize) -> (Workspace, BTreeSet<String>, Vec<String>) {
    let seeded = (0..count)
        .map(|i| seed_vm(sim, &format!("s{i:02}")))
        .collect();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\n{}",
        svc_provider(sim),
        include_str!("fixtures/starvcenter_fidelity_list.tf")
    ));
    ws.apply().ok();
    let list = ws.resource("data.polycloud_vps_list.all");
    let ids = list["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    (ws, seeded, ids)
}

#[test]
fn every_vm_is_read_once_whether_startnum_is_a_page_or_a_position() {
    // An installation that caps a search without paging at 30 (`dataCount` says 35):
    // the provider then reads page by page ("" = the first search, unpaged).
    let both = [
        ("page", vec!["", "1", "2"]),
        ("position", vec!["", "1", "2", "32"]),
    ];
    for (paging, starts) in both {
        let sim = Sim::start();
        shape(&sim, json!({ "paging": paging, "unpaged": "first_page" }));
        let (ws, seeded, ids) = list_seeded_vms(&sim, 35);
        assert_eq!(ids.len(), 35, "{paging}: {ids:?}");
        assert_eq!(
            ids.iter().cloned().collect::<BTreeSet<_>>(),
            seeded,
            "{paging}"
        );
        let asked: Vec<String> = svc_requests(&sim, "POST", "cloudvm/search")
            .iter()
            .map(|r| {
                r["body"]["KEY_PARAM"]["page.startnum"]
                    .as_str()
                    .unwrap_or("")
                    .to_string()
            })
            .collect();
        // Each read of the list asks for these starts, in this order.
        assert_eq!(
            &asked[..starts.len()],
            starts.as_slice(),
            "{paging}: {asked:?}"
        );
        ws.assert_no_changes();
    }
}

#[test]
fn a_search_refused_without_paging_is_read_page_by_page_from_then_on() {
    // An installation that refuses searches without paging parameters, as the alarm
    // search of 2.15.1 does: the first list read asks unpaged, is refused and pages;
    // the provider instance pages from then on.
    let sim = Sim::start();
    shape(&sim, json!({ "unpaged": "refused" }));
    let seeded: BTreeSet<String> = (0..35)
        .map(|i| seed_vm(&sim, &format!("s{i:02}")))
        .collect();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\n{}\ndata \"polycloud_vps\" \"one\" {{\n  name = \"s07\"\n}}\n",
        svc_provider(&sim),
        include_str!("fixtures/starvcenter_fidelity_list.tf")
    ));
    let run = ws.plan();
    // Exit 2: the list's output is new; its count is every VM.
    assert_eq!(run.code, 2, "{}", run.output());
    assert!(run.output().contains("count = 35"), "{}", run.output());
    let starts: Vec<String> = svc_requests(&sim, "POST", "cloudvm/search")
        .iter()
        .map(|r| {
            r["body"]["KEY_PARAM"]["page.startnum"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    // The two data sources read at once: each asks unpaged first, is refused and
    // pages; the search of every VM after them pages straight away.
    assert_eq!(starts.first().map(String::as_str), Some(""), "{starts:?}");
    let unpaged = starts.iter().filter(|s| s.is_empty()).count();
    assert!(unpaged <= 2, "{starts:?}");
    let paged_reads = starts.iter().filter(|s| *s == "1").count();
    assert!(paged_reads > unpaged, "{starts:?}");
    ws.apply().ok();
    let ids: BTreeSet<String> = ws.resource("data.polycloud_vps_list.all")["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, seeded);
}

#[test]
fn a_search_without_paging_reads_every_vm_in_one_request() {
    // StarVCenter API 2.2.2: "无分页参数默认查询所有虚拟机".
    let sim = Sim::start();
    let (ws, seeded, ids) = list_seeded_vms(&sim, 65);
    assert_eq!(ids.len(), 65, "{ids:?}");
    assert_eq!(ids.into_iter().collect::<BTreeSet<_>>(), seeded);
    let searches = svc_requests(&sim, "POST", "cloudvm/search");
    // One search per read of the list (plan, apply), none of them paged.
    assert!((1..=2).contains(&searches.len()), "{searches:#?}");
    for search in &searches {
        let params = &search["body"]["KEY_PARAM"];
        assert!(params.get("page.startnum").is_none(), "{params}");
        assert!(params.get("page.everypagenum").is_none(), "{params}");
    }
    ws.assert_no_changes();
}

#[test]
fn a_load_balancer_needs_its_tenant_at_plan_and_sends_it_as_slb_appid() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let config = |tenant: &str| {
        format!(
            "{}\n{}",
            svc_provider(&sim),
            include_str!("fixtures/starvcenter_fidelity_slb.tf").replace("TENANT", tenant)
        )
    };
    ws.write(&config(""));
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.output()
            .contains("`tenant_id` is required on starvcenter"),
        "{}",
        run.output()
    );
    assert!(svc_requests(&sim, "POST", "cloudslb/add").is_empty());
    assert!(svc_requests(&sim, "POST", "vroute/create").is_empty());

    ws.write(&config("  tenant_id     = \"app-000000\""));
    ws.apply().ok();
    let adds = svc_requests(&sim, "POST", "cloudslb/add");
    assert_eq!(adds.len(), 1);
    assert_eq!(adds[0]["body"]["KEY_PARAM"]["slb.appid"], "app-000000");
    assert_eq!(svc(&sim, "slbs")[0]["slb.appid"], "app-000000");
    assert_eq!(ws.resource("polycloud_slb.web")["tenant_id"], "app-000000");
    ws.assert_no_changes();
}

/// The reboot configuration.
fn reboot_config(sim: &Sim, vm: &str, hard: bool, run: &str) -> String {
    format!(
        "{}\n{}",
        svc_provider(sim),
        include_str!("fixtures/starvcenter_fidelity_reboot.tf")
            .replace("VPS_ID", vm)
            .replace("HARD", &hard.to_string())
            .replace("RUN", run)
    )
}

/// The paths of the StarVCenter power calls received, in order.
fn power_calls(sim: &Sim) -> Vec<String> {
    all_svc_requests(sim)
        .iter()
        .filter(|r| r["method"] == "PUT")
        .filter_map(|r| r["path"].as_str())
        .filter_map(|p| p.strip_prefix(&format!("{SVC_BASE}/cloudvm/")))
        .filter(|p| ["restart", "destroy", "start", "shutdown"].contains(p))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_reboot_restarts_softly_or_powers_off_and_on() {
    let sim = Sim::start();
    let vm = seed_vm(&sim, "web");
    let ws = Workspace::new();
    ws.write(&reboot_config(&sim, &vm, false, "1"));
    ws.apply().ok();
    assert_eq!(power_calls(&sim), ["restart"]);
    let restart = &svc_requests(&sim, "PUT", "cloudvm/restart")[0];
    assert_eq!(restart["body"]["KEY_PARAM"], json!({ "vm.id": vm }));
    let state = ws.resource("polycloud_vps_reboot.r");
    assert_eq!(state["id"], vm.as_str());
    assert!(state["rebooted_at"].as_str().unwrap().ends_with('Z'));
    ws.assert_no_changes();

    sim.clear_requests();
    ws.write(&reboot_config(&sim, &vm, true, "1"));
    ws.apply().ok();
    assert_eq!(power_calls(&sim), ["destroy", "start"]);
    assert_eq!(only_vm(&sim)["vm.state"], "1");
    ws.assert_no_changes();
}

#[test]
fn a_vm_that_cannot_restart_softly_asks_for_a_hard_reboot() {
    let sim = Sim::start();
    let vm = seed_vm(&sim, "legacy");
    svc_ctl(
        &sim,
        "PATCH",
        &format!("vms/{vm}"),
        Some(json!({"vm.reboot.enable": "false"})),
    );
    let ws = Workspace::new();
    ws.write(&reboot_config(&sim, &vm, false, "1"));
    let run = ws.apply();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        flat(&run).contains("vm.reboot.enable is false"),
        "{}",
        flat(&run)
    );
    assert!(flat(&run).contains("set `hard = true`"), "{}", flat(&run));
    assert!(power_calls(&sim).is_empty());

    ws.write(&reboot_config(&sim, &vm, true, "1"));
    ws.apply().ok();
    assert_eq!(power_calls(&sim), ["destroy", "start"]);
}

#[test]
fn a_stopped_vm_is_not_rebooted() {
    let sim = Sim::start();
    let vm = seed_vm(&sim, "off");
    svc_ctl(
        &sim,
        "PATCH",
        &format!("vms/{vm}"),
        Some(json!({"vm.state": "0"})),
    );
    let ws = Workspace::new();
    ws.write(&reboot_config(&sim, &vm, true, "1"));
    let run = ws.apply();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        flat(&run).contains("is not running (stopped)"),
        "{}",
        run.output()
    );
    assert!(power_calls(&sim).is_empty());
}

/// 2026-03-25T14:07:09Z; StarVCenter prints it `2026-03-25 14:07:09`.
const FIXED_MS: u64 = 1_774_447_629_000;

#[test]
fn dates_are_read_by_value_at_the_clock_offset() {
    for (zone, created) in [
        ("", "2026-03-25T14:07:09Z"),
        ("  time_zone   = \"+08:00\"\n", "2026-03-25T06:07:09Z"),
    ] {
        let sim = Sim::start();
        shape(&sim, json!({ "date_ms": FIXED_MS }));
        let ws = Workspace::new();
        let provider = svc_provider(&sim).replace("}\n", &format!("{zone}}}\n"));
        ws.write(&format!(
            "{provider}\n{}",
            include_str!("fixtures/starvcenter_fidelity_vm.tf").replace("DESCRIPTION", "d")
        ));
        ws.apply().ok();
        assert_eq!(only_vm(&sim)["vm.createtime"], "2026-03-25 14:07:09");
        let state = ws.resource("polycloud_vps.app");
        assert_eq!(state["created_at"], created, "{zone}");
        ws.assert_no_changes();
    }
}

#[test]
fn a_vm_create_is_read_whether_data_is_the_array_or_its_element() {
    for answer in ["array", "object"] {
        let sim = Sim::start();
        shape(&sim, json!({ "create_answer": answer }));
        let ws = Workspace::new();
        ws.write(&vm_config(&sim, "first"));
        let run = ws.apply();
        assert_eq!(run.code, 0, "{answer}: {}", run.output());
        assert_eq!(svc_requests(&sim, "POST", "cloudvm/create").len(), 1);
        assert_eq!(
            ws.resource("polycloud_vps.app")["id"],
            only_vm(&sim)["vm.id"]
        );
        ws.assert_no_changes();
    }
}
