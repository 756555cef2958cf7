//! `polycloud_snapshot` (with restore from it) and `polycloud_volume` on StarVCenter,
//! through Terraform: create, empty second plan, in place, replace, import, drift,
//! read failures, destroy, locks, bad input with zero requests.

use serde_json::{json, Value};

use crate::harness::*;
use crate::starvcenter_common::*;

const VM: &str = "resource \"polycloud_vps\" \"app\" {\n  name       = \"app\"\n  image      = \"tpl-ubuntu-2204\"\n  cpu        = 1\n  memory_mb  = 1024\n  network_id = \"vpc-default\"\n}\n";

fn snapshot_config(sim: &Sim, name: &str, desc: &str, extra: &str) -> String {
    format!("{}\n{VM}\nresource \"polycloud_snapshot\" \"s\" {{\n  vps_id      = polycloud_vps.app.id\n  name        = \"{name}\"\n  description = \"{desc}\"\n}}\n{extra}", svc_provider(sim))
}

/// Terraform output with line wrapping undone.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn only(sim: &Sim, collection: &str) -> Value {
    let all = svc(sim, collection);
    assert_eq!(all.len(), 1, "expected one in {collection}: {all:#?}");
    all[0].clone()
}

#[test]
fn starvcenter_snapshot_lifecycle_and_restore() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&snapshot_config(&sim, "s1", "first", ""));
    ws.apply().ok();
    let snap = only(&sim, "snapshots");
    let vm = only(&sim, "vms")["vm.id"].as_str().unwrap().to_string();
    assert_eq!(
        (
            snap["snapshot.name"].as_str(),
            snap["snapshot.desc"].as_str(),
            snap["snapshot.enable"].as_str()
        ),
        (Some("s1"), Some("first"), Some("true"))
    );
    let id = snap["snapshot.id"].as_str().unwrap().to_string();
    assert_eq!(
        svc_requests(&sim, "POST", "cloudvm/snapshot/create")[0]["body"]["KEY_PARAM"],
        json!({"snapshot.vmid": vm, "snapshot.name": "s1", "snapshot.desc": "first"})
    );
    assert!(
        !svc_requests(&sim, "POST", "cloudtask/search").is_empty(),
        "waited through the task log"
    );
    let state = ws.resource("polycloud_snapshot.s");
    assert_eq!(
        (state["id"].as_str(), state["status"].as_str()),
        (Some(id.as_str()), Some("available"))
    );
    ws.assert_no_changes();

    // Description in place (2.7.5).
    ws.write(&snapshot_config(&sim, "s1", "second", ""));
    ws.apply().ok();
    assert_eq!(only(&sim, "snapshots")["snapshot.desc"], "second");
    assert_eq!(
        svc_requests(&sim, "PUT", "cloudvm/snapshot/modify")[0]["body"]["KEY_PARAM"],
        json!({"snapshot.id": id, "snapshot.desc": "second"})
    );
    ws.assert_no_changes();

    // A new name makes a new snapshot, and the plan says why.
    ws.write(&snapshot_config(&sim, "s2", "second", ""));
    let plan = flat(&ws.plan().output());
    assert!(
        plan.contains("forces replacement") && plan.contains("cannot rename a snapshot"),
        "{plan}"
    );
    ws.apply().ok();
    let snap = only(&sim, "snapshots");
    assert_ne!(snap["snapshot.id"], id.as_str());
    let id = snap["snapshot.id"].as_str().unwrap().to_string();

    // Restore the VM from it (2.7.3).
    let restore = "resource \"polycloud_vps_restore\" \"r\" {\n  vps_id      = polycloud_vps.app.id\n  snapshot_id = polycloud_snapshot.s.id\n}\n";
    ws.write(&snapshot_config(&sim, "s2", "second", restore));
    ws.apply().ok();
    assert_eq!(
        svc_requests(&sim, "PUT", "cloudvm/snapshot/restore")[0]["body"]["KEY_PARAM"],
        json!({"snapshot.id": id})
    );
    ws.assert_no_changes();

    // Import by id in a second directory.
    let ws2 = Workspace::new();
    ws2.write(&format!("{}\nresource \"polycloud_snapshot\" \"s\" {{\n  vps_id      = \"{vm}\"\n  name        = \"s2\"\n  description = \"second\"\n}}\n", svc_provider(&sim)));
    ws2.tf(&[
        "import",
        "-no-color",
        "-input=false",
        "polycloud_snapshot.s",
        &id,
    ])
    .ok();
    ws2.assert_no_changes();

    // Drift of the description is put back in place.
    svc_ctl(
        &sim,
        "PATCH",
        &format!("snapshots/{id}"),
        Some(json!({"snapshot.desc": "hand"})),
    );
    assert_eq!(ws2.plan().code, 2);
    ws2.apply().ok();
    assert_eq!(only(&sim, "snapshots")["snapshot.desc"], "second");

    // A failing read is an error and keeps the snapshot in state.
    sim.fault(
        json!({"count": 20, "status": 503, "cloud": "starvcenter", "path_contains": "/snapshot/"}),
    );
    ws2.tf(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-no-color",
        "-input=false",
    ])
    .failed();
    sim.call("DELETE", "/_sim/faults", None, &[]);
    assert_eq!(ws2.resource("polycloud_snapshot.s")["id"], id.as_str());

    // Deleted by hand: planned again.
    svc_ctl(&sim, "DELETE", &format!("snapshots/{id}"), None);
    let plan = ws2.plan();
    assert!(
        plan.output().contains("will be created"),
        "{}",
        plan.output()
    );

    ws.destroy().ok();
    assert!(svc(&sim, "snapshots").is_empty() && svc(&sim, "vms").is_empty());
}

#[test]
fn starvcenter_snapshot_failure_and_bad_input() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!("{}\n{VM}", svc_provider(&sim)));
    ws.apply().ok();
    svc_fail_next(
        &sim,
        "snapshot.create",
        5,
        "执行超时: the storage did not answer",
    );
    ws.write(&snapshot_config(&sim, "s1", "x", ""));
    let out = flat(&ws.apply().failed().output());
    assert!(
        out.contains("the storage did not answer") && out.contains("code 5"),
        "{out}"
    );

    // Bad input fails at plan, with no request at all.
    let ws2 = Workspace::new();
    sim.clear_requests();
    ws2.write(&format!(
        "{}\nresource \"polycloud_snapshot\" \"s\" {{\n  vps_id = \"\"\n  name   = \"x\"\n}}\n",
        svc_provider(&sim)
    ));
    let run = ws2.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(run.output().contains("vps_id"), "{}", run.output());
    assert!(
        all_svc_requests(&sim).is_empty(),
        "{:#?}",
        all_svc_requests(&sim)
    );
}

#[test]
fn starvcenter_running_snapshot_makes_a_cpu_change_wait() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!("{}\n{VM}", svc_provider(&sim)));
    ws.apply().ok();
    let vm = only(&sim, "vms")["vm.id"].as_str().unwrap().to_string();
    // Tasks now last 5 s: the snapshot holds the VM locked (附表2 code 5) that long.
    svc_ctl(&sim, "POST", "config", Some(json!({"task_ms": 5000})));
    let snap = Workspace::new();
    snap.write(&format!("{}\nresource \"polycloud_snapshot\" \"s\" {{\n  vps_id = \"{vm}\"\n  name   = \"busy\"\n}}\n", svc_provider(&sim)));
    let making = std::thread::spawn(move || {
        let run = snap.apply();
        (run.code, run.output())
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while only(&sim, "vms")["vm.lock"] != "5" {
        assert!(
            std::time::Instant::now() < deadline,
            "the snapshot never locked the VM"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    sim.clear_requests();
    ws.write(&format!(
        "{}\n{}",
        svc_provider(&sim),
        VM.replace("cpu        = 1", "cpu        = 2")
    ));
    ws.apply().ok();
    let (code, output) = making.join().unwrap();
    assert_eq!(code, 0, "{output}");
    assert_eq!(only(&sim, "vms")["vm.vcpu.num"], "2");
    assert_eq!(only(&sim, "snapshots")["snapshot.enable"], "true");
    let tries = svc_requests(&sim, "PUT", "cloudvm/cpu/modify");
    assert!(
        tries.len() >= 2,
        "the locked answer was waited out: {tries:#?}"
    );
}

fn volume_config(sim: &Sim, size: i64, desc: &str) -> String {
    format!("{}\n{VM}\nresource \"polycloud_volume\" \"d\" {{\n  vps_id      = polycloud_vps.app.id\n  size_gb     = {size}\n  description = \"{desc}\"\n}}\n", svc_provider(sim))
}

/// The disks of the VM other than its system disk.
fn data_disks(sim: &Sim) -> Vec<Value> {
    svc(sim, "disks")
        .into_iter()
        .filter(|d| d["vdisk.devname"] != "vda")
        .collect()
}

fn one_disk(sim: &Sim) -> Value {
    let disks = data_disks(sim);
    assert_eq!(disks.len(), 1, "{disks:#?}");
    disks[0].clone()
}

#[test]
fn starvcenter_volume_lifecycle() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&volume_config(&sim, 10, "data"));
    ws.apply().ok();
    let vm = only(&sim, "vms")["vm.id"].as_str().unwrap().to_string();
    let disk = one_disk(&sim);
    let id = disk["vdisk.id"].as_str().unwrap().to_string();
    assert_eq!(
        (disk["vdisk.size"].as_str(), disk["vdisk.desc"].as_str()),
        (Some("10"), Some("data"))
    );
    assert_eq!(
        svc_requests(&sim, "POST", "cloudvm/vdisk/add")[0]["body"]["KEY_PARAM"],
        json!({"vdisk.vmid": vm, "vdisk.size": "10", "vdisk.desc": "data"})
    );
    let state = ws.resource("polycloud_volume.d");
    assert_eq!(
        (
            state["id"].as_str(),
            state["device_name"].as_str(),
            state["size_gb"].as_i64()
        ),
        (Some(id.as_str()), Some("/dev/vdb"), Some(10))
    );
    ws.assert_no_changes();

    // Growing is in place (2.4.3) and keeps the disk.
    ws.write(&volume_config(&sim, 20, "data"));
    ws.apply().ok();
    assert_eq!(one_disk(&sim)["vdisk.id"], id.as_str());
    assert_eq!(one_disk(&sim)["vdisk.size"], "20");
    assert_eq!(
        svc_requests(&sim, "PUT", "cloudvm/vdisk/extend")[0]["body"]["KEY_PARAM"],
        json!({"vdisk.id": id, "vdisk.size": "20"})
    );
    ws.assert_no_changes();

    // Shrinking replaces it, and the plan says why.
    ws.write(&volume_config(&sim, 15, "data"));
    let plan = flat(&ws.plan().output());
    assert!(
        plan.contains("forces replacement") && plan.contains("only grow"),
        "{plan}"
    );
    ws.apply().ok();
    let disk = one_disk(&sim);
    assert_ne!(disk["vdisk.id"], id.as_str());
    assert_eq!(disk["vdisk.size"], "15");
    assert_eq!(
        svc_requests(&sim, "DELETE", &format!("cloudvm/vdisk/{id}")).len(),
        1
    );
    let id = disk["vdisk.id"].as_str().unwrap().to_string();
    ws.assert_no_changes();

    // Import by id in a second directory.
    let ws2 = Workspace::new();
    ws2.write(&format!("{}\nresource \"polycloud_volume\" \"d\" {{\n  vps_id      = \"{vm}\"\n  size_gb     = 15\n  description = \"data\"\n}}\n", svc_provider(&sim)));
    ws2.tf(&[
        "import",
        "-no-color",
        "-input=false",
        "polycloud_volume.d",
        &id,
    ])
    .ok();
    ws2.assert_no_changes();

    // Drift: a size changed by hand shows up; a failing read keeps the volume.
    svc_ctl(
        &sim,
        "PATCH",
        &format!("disks/{id}"),
        Some(json!({"vdisk.size": 12})),
    );
    assert_eq!(ws2.plan().code, 2);
    ws2.apply().ok();
    assert_eq!(one_disk(&sim)["vdisk.size"], "15", "grown back in place");
    assert_eq!(one_disk(&sim)["vdisk.id"], id.as_str());
    sim.fault(json!({"count": 20, "status": 503, "cloud": "starvcenter", "path_contains": "vdisk/search"}));
    ws2.tf(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-no-color",
        "-input=false",
    ])
    .failed();
    sim.call("DELETE", "/_sim/faults", None, &[]);
    assert_eq!(ws2.resource("polycloud_volume.d")["id"], id.as_str());
    svc_ctl(&sim, "DELETE", &format!("disks/{id}"), None);
    let plan = ws2.plan();
    assert!(
        plan.output().contains("will be created"),
        "{}",
        plan.output()
    );

    ws.destroy().ok();
    assert!(svc(&sim, "disks").is_empty() && svc(&sim, "vms").is_empty());
}

#[test]
fn starvcenter_volume_bad_input_fails_at_plan_without_requests() {
    let sim = Sim::start();
    let ws = Workspace::new();
    sim.clear_requests();
    for (body, attribute) in [
        ("  size_gb = -1\n", "size_gb"),
        ("  size_gb = 0\n", "size_gb"),
        ("", "size_gb"),
        ("  size_gb = 10\n  image   = \"Ubuntu-22.04\"\n", "image"),
    ] {
        ws.write(&format!(
            "{}\nresource \"polycloud_volume\" \"d\" {{\n  vps_id = \"vm-000001\"\n{body}}}\n",
            svc_provider(&sim)
        ));
        let run = ws.plan();
        assert_eq!(run.code, 1, "{attribute}: {}", run.output());
        assert!(
            run.output().contains(attribute),
            "{attribute}: {}",
            run.output()
        );
    }
    assert!(
        all_svc_requests(&sim).is_empty(),
        "{:#?}",
        all_svc_requests(&sim)
    );
}

#[test]
fn starvcenter_volume_task_failure_keeps_the_disk_tainted() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!("{}\n{VM}", svc_provider(&sim)));
    ws.apply().ok();
    svc_fail_next(
        &sim,
        "vdisk.add",
        6,
        "异常终止: the host stopped while attaching",
    );
    ws.write(&volume_config(&sim, 10, "data"));
    let out = flat(&ws.apply().failed().output());
    assert!(out.contains("the host stopped while attaching"), "{out}");
    let disk = one_disk(&sim);
    let state = ws.resource("polycloud_volume.d");
    assert_eq!(
        state["id"], disk["vdisk.id"],
        "the disk that exists is kept in state"
    );
    let plan = ws.plan();
    assert!(
        plan.output().contains("tainted") || plan.output().contains("must be replaced"),
        "{}",
        plan.output()
    );
}
