//! `polycloud_vps` on StarVCenter, through Terraform: life cycle, the wire, the task
//! log and its fallback, locks, faults, drift, import and plan-time refusals.

use serde_json::{json, Value};

use crate::harness::*;
use crate::starvcenter_common::*;

fn vm_config(sim: &Sim, body: &str) -> String {
    format!(
        "{}\nresource \"polycloud_vps\" \"app\" {{\n{body}}}\n",
        svc_provider(sim)
    )
}

fn base(name: &str, cpu: i64, extra: &str) -> String {
    format!("  name        = \"{name}\"\n  image       = \"tpl-centos-7\"\n  cpu         = {cpu}\n  memory_mb   = 2048\n  network_id  = \"vpc-default\"\n  password    = \"Init-pw-1\"\n  timeouts {{\n    create = \"1m\"\n    update = \"1m\"\n    delete = \"1m\"\n  }}\n{extra}")
}

fn only_vm(sim: &Sim) -> Value {
    let vms = svc(sim, "vms");
    assert_eq!(vms.len(), 1, "expected one VM: {vms:#?}");
    vms[0].clone()
}

#[test]
fn starvcenter_vps_lifecycle() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&vm_config(
        &sim,
        &base("app-1", 2, "  description = \"first\"\n"),
    ));
    ws.apply().ok();

    let vm = only_vm(&sim);
    let id = vm["vm.id"].as_str().unwrap().to_string();
    assert_eq!(
        (
            vm["vm.state"].as_str(),
            vm["vm.vcpu.num"].as_str(),
            vm["vm.desc"].as_str()
        ),
        (Some("1"), Some("2"), Some("first"))
    );
    let creates = svc_requests(&sim, "POST", "cloudvm/create");
    assert_eq!(creates.len(), 1);
    let p = &creates[0]["body"]["KEY_PARAM"];
    assert_eq!(
        (
            p["vm.template.id"].as_str(),
            p["vnic.portgroupid"].as_str(),
            p["vm.account.pwd"].as_str()
        ),
        (Some("tpl-centos-7"), Some("vpc-default"), Some("Init-pw-1"))
    );
    assert_eq!(creates[0]["headers"]["key_token"], SVC_TOKEN);
    assert!(
        !svc_requests(&sim, "POST", "cloudtask/search").is_empty(),
        "the waiter used the task log"
    );
    let state = ws.resource("polycloud_vps.app");
    assert_eq!(state["id"], id.as_str());
    assert_eq!(state["power_state"], "running");
    assert_eq!(state["network_id"], "vpc-default");
    assert_eq!(state["disk_gb"], 40);
    assert_eq!(state["nic_ids"].as_array().unwrap().len(), 1);
    assert_eq!(state["private_ip_address"], vm["vm.ip"]);
    assert!(state["created_at"].as_str().unwrap().ends_with('Z'));
    ws.assert_no_changes();

    // In place: name, description, cpu, password, power (soft shutdown).
    sim.clear_requests();
    ws.write(&vm_config(
        &sim,
        &base(
            "app-renamed",
            4,
            "  description = \"second\"\n  power_state = \"stopped\"\n",
        )
        .replace("Init-pw-1", "New-pw-2"),
    ));
    ws.apply().ok();
    let vm = only_vm(&sim);
    assert_eq!(vm["vm.id"], id.as_str(), "same VM");
    assert_eq!(
        (
            vm["vm.name"].as_str(),
            vm["vm.desc"].as_str(),
            vm["vm.vcpu.num"].as_str(),
            vm["vm.state"].as_str()
        ),
        (Some("app-renamed"), Some("second"), Some("4"), Some("0"))
    );
    assert_eq!(vm["vm.account.pwd"], "New-pw-2");
    assert_eq!(
        svc_requests(&sim, "PUT", "cloudvm/cpu/modify")[0]["body"]["KEY_PARAM"],
        json!({"vm.id": id, "vm.vcpu.num": "4"})
    );
    assert!(
        svc_requests(&sim, "PUT", "cloudvm/mem/modify").is_empty(),
        "memory unchanged: no call"
    );
    assert_eq!(
        svc_requests(&sim, "POST", "cloudvm/setadminpwd")[0]["body"]["KEY_PARAM"]["pwd"],
        "New-pw-2"
    );
    assert_eq!(
        svc_requests(&sim, "PUT", "cloudvm/shutdown").len(),
        1,
        "soft shutdown when vm.shutdown.enable"
    );
    ws.assert_no_changes();

    // Hard power-off when the guest cannot shut down softly.
    ws.write(&vm_config(
        &sim,
        &base("app-renamed", 4, "  description = \"second\"\n").replace("Init-pw-1", "New-pw-2"),
    ));
    ws.apply().ok();
    svc_ctl(
        &sim,
        "PATCH",
        &format!("vms/{id}"),
        Some(json!({"vm.shutdown.enable": "false"})),
    );
    ws.write(&vm_config(
        &sim,
        &base(
            "app-renamed",
            4,
            "  description = \"second\"\n  power_state = \"stopped\"\n",
        )
        .replace("Init-pw-1", "New-pw-2"),
    ));
    ws.apply().ok();
    assert_eq!(svc_requests(&sim, "PUT", "cloudvm/destroy").len(), 1);
    assert_eq!(only_vm(&sim)["vm.state"], "0");

    // A new network replaces the VM.
    ws.write(&format!("{}\nresource \"polycloud_vpc\" \"n\" {{\n  name = \"n2\"\n}}\nresource \"polycloud_vps\" \"app\" {{\n{}}}\n", svc_provider(&sim), base("app-renamed", 4, "").replace("\"vpc-default\"", "polycloud_vpc.n.id")));
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.output().contains("forces replacement"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    let vm = only_vm(&sim);
    assert_ne!(vm["vm.id"], id.as_str(), "replaced");
    ws.assert_no_changes();

    // Import into a second directory: empty plan once the password is adopted.
    let new_id = vm["vm.id"].as_str().unwrap().to_string();
    let ws2 = Workspace::new();
    ws2.write(&format!("{}\nresource \"polycloud_vps\" \"app\" {{\n  name = \"app-renamed\"\n  image = \"tpl-centos-7\"\n  cpu = 4\n  memory_mb = 2048\n  network_id = \"{}\"\n  description = \"\"\n}}\n", svc_provider(&sim), vm_nic_vpc(&sim, &new_id)));
    ws2.tf(&[
        "import",
        "-no-color",
        "-input=false",
        "polycloud_vps.app",
        &new_id,
    ])
    .ok();
    // The API does not report the template: the first apply only records `image`
    // (and the password) from the configuration, without a single change request.
    sim.clear_requests();
    ws2.apply().ok();
    let writes: Vec<Value> = all_svc_requests(&sim)
        .into_iter()
        .filter(|r| r["method"] != "GET" && !r["path"].as_str().unwrap().ends_with("search"))
        .collect();
    assert!(writes.is_empty(), "{writes:#?}");
    assert_eq!(ws2.resource("polycloud_vps.app")["image"], "tpl-centos-7");
    ws2.assert_no_changes();

    ws.destroy().ok();
    assert!(svc(&sim, "vms").is_empty());
    assert_eq!(
        svc(&sim, "vpcs").len(),
        1,
        "only the seeded network is left"
    );
}

fn vm_nic_vpc(sim: &Sim, vm: &str) -> String {
    svc(sim, "nics")
        .into_iter()
        .find(|n| n["vnic.vmid"] == vm)
        .unwrap()["vnic.vpc.id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn starvcenter_vps_drift_and_read_failures() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&vm_config(&sim, &base("drift", 1, "")));
    ws.apply().ok();
    let id = only_vm(&sim)["vm.id"].as_str().unwrap().to_string();

    // Changed by hand: the plan puts it back in place.
    svc_ctl(
        &sim,
        "PATCH",
        &format!("vms/{id}"),
        Some(json!({"vm.vcpu.num": 3, "vm.name": "hand"})),
    );
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        !plan.output().contains("forces replacement"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    assert_eq!(only_vm(&sim)["vm.vcpu.num"], "1");

    // A failing read is an error and keeps the VM in state.
    sim.fault(json!({"count": 10, "status": 503, "cloud": "starvcenter"}));
    assert_plan_fails_reading(ws.plan(), 503);
    sim.call("DELETE", "/_sim/faults", None, &[]);
    assert_eq!(ws.resource("polycloud_vps.app")["id"], id.as_str());

    // Deleted by hand: the plan proposes to create it again.
    svc_ctl(&sim, "DELETE", &format!("vms/{id}"), None);
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.output().contains("will be created"),
        "{}",
        plan.output()
    );
}

#[test]
fn starvcenter_task_failures_carry_the_tasks_resultinfo() {
    let sim = Sim::start();
    let ws = Workspace::new();
    svc_fail_next(
        &sim,
        "vm.create",
        5,
        "执行超时: storage did not answer in 600s",
    );
    ws.write(&vm_config(&sim, &base("fails", 1, "")));
    let out = flat(&ws.apply().failed().output());
    assert!(out.contains("storage did not answer in 600s"), "{out}");
    assert!(out.contains("task-log code 5"), "{out}");
    // The VM exists (state -2): kept in state, tainted.
    let id = only_vm(&sim)["vm.id"].as_str().unwrap().to_string();
    assert_eq!(ws.resource("polycloud_vps.app")["id"], id.as_str());
    let plan = ws.plan();
    assert!(plan.output().contains("tainted"), "{}", plan.output());
    ws.apply().ok();

    // A failed CPU change reports the task's own message.
    svc_fail_next(&sim, "vm.cpu", 1, "宿主机资源不足: host has no free cores");
    ws.write(&vm_config(&sim, &base("fails", 2, "")));
    let out = flat(&ws.apply().failed().output());
    assert!(out.contains("host has no free cores"), "{out}");
}

#[test]
fn starvcenter_locked_vm_makes_a_cpu_change_wait() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&vm_config(&sim, &base("locked", 1, "")));
    ws.apply().ok();
    let id = only_vm(&sim)["vm.id"].as_str().unwrap().to_string();
    // A snapshot is being made (lock code 5) for 6 seconds.
    svc_ctl(
        &sim,
        "POST",
        &format!("vms/{id}/lock"),
        Some(json!({"code": 5, "ms": 6000})),
    );
    sim.clear_requests();
    ws.write(&vm_config(&sim, &base("locked", 2, "")));
    ws.apply().ok();
    assert_eq!(only_vm(&sim)["vm.vcpu.num"], "2");
    let tries = svc_requests(&sim, "PUT", "cloudvm/cpu/modify");
    assert!(
        tries.len() >= 2,
        "the locked answer was retried: {}",
        tries.len()
    );
}

#[test]
fn starvcenter_task_log_fallback_polls_the_vm() {
    let sim = Sim::start();
    svc_ctl(&sim, "POST", "config", Some(json!({"task_log": false})));
    let ws = Workspace::new();
    ws.write(&vm_config(&sim, &base("fallback", 1, "")));
    ws.apply().ok();
    assert_eq!(only_vm(&sim)["vm.state"], "1");
    let task_log = svc_requests(&sim, "POST", "cloudtask/search");
    assert_eq!(task_log.len(), 1, "asked once, then polled the VM");
    assert_eq!(task_log[0]["status"], 404);
}

#[test]
fn starvcenter_wrong_token_and_bad_input() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\nresource \"polycloud_vps\" \"app\" {{\n{}}}\n",
        svc_provider_with(&sim, "wrong-token"),
        base("auth", 1, "")
    ));
    let run = ws.apply().failed();
    let out = run.output();
    assert_eq!(out.matches("Authentication failed").count(), 1, "{out}");
    assert!(out.contains("1003"), "{out}");
    assert!(svc(&sim, "vms").is_empty());

    // Bad input fails at plan with zero requests.
    sim.clear_requests();
    for (body, attribute) in [
        (base("bad", 1, "  plan = \"k8s-1-16-8\"\n"), "plan"),
        (
            base("bad", 1, "").replace("  image       = \"tpl-centos-7\"\n", ""),
            "image",
        ),
        (base("bad", 1, "  ssh_key_ids = [\"1\"]\n"), "ssh_key_ids"),
        (base("bad", 1, "  location = \"x\"\n"), "location"),
        (base("bad", 0, ""), "cpu"),
        (
            base("bad", 1, "").replace("  network_id  = \"vpc-default\"\n", ""),
            "network_id",
        ),
    ] {
        ws.write(&vm_config(&sim, &body));
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

/// Terraform output with line wrapping undone.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
