//! End-to-end tests of the StarVCenter API as the simulator serves it: the codec,
//! the task log, locks, quotas, paging, monitoring and the control endpoints.

mod common;

use base64::Engine as _;
use common::Sim;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const TOKEN: &str = "sim-starvcenter-token";
const BASE: &str = "/starvcenter/services/cloudresource";

/// One call: KEY_PARAM = base64(JSON) as a form field for POST/PUT; the answer's
/// HTTP status and decoded body.
fn svc_as(sim: &Sim, token: &str, method: &str, path: &str, params: Option<Value>) -> (u16, Value) {
    let body = params
        .map(|p| {
            let b64 = base64::engine::general_purpose::STANDARD.encode(p.to_string());
            format!(
                "KEY_PARAM={}",
                b64.replace('+', "%2B")
                    .replace('/', "%2F")
                    .replace('=', "%3D")
            )
        })
        .unwrap_or_default();
    let headers = [
        ("KEY_TOKEN", token),
        ("Content-Type", "application/x-www-form-urlencoded"),
    ];
    let resp = sim
        .raw(method, &format!("{BASE}/{path}"), &headers, &body)
        .unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(resp.body.trim())
        .unwrap_or_else(|e| panic!("not base64 ({e}): {:?}", resp.body));
    (resp.status, serde_json::from_slice(&bytes).unwrap())
}

fn svc(sim: &Sim, method: &str, path: &str, params: Option<Value>) -> Value {
    let (status, body) = svc_as(sim, TOKEN, method, path, params);
    assert_eq!(status, 200, "{body}");
    body
}

fn ok(sim: &Sim, method: &str, path: &str, params: Option<Value>) -> Value {
    let body = svc(sim, method, path, params);
    assert_eq!(body["result"], "0", "{method} {path}: {body}");
    body
}

/// Polls the task log until the task is terminal; returns its `data`.
fn wait(sim: &Sim, startid: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let task = ok(
            sim,
            "POST",
            "cloudtask/search",
            Some(json!({"task.startid": startid})),
        )["data"]
            .clone();
        if !["2", "3"].contains(&task["task.result"].as_str().unwrap()) {
            return task;
        }
        assert!(Instant::now() < deadline, "task {startid} never ended");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn create_vm(sim: &Sim, name: &str) -> (String, String) {
    let body = ok(
        sim,
        "POST",
        "cloudvm/create",
        Some(json!({
        "vm.name": name, "vm.template.id": "tpl-centos-7", "vm.vcpu.num": "2",
        "vm.memory.mem": "2048", "vnic.portgroupid": "vpc-default", "vm.account.pwd": "Pw-1"})),
    );
    let first = &body["data"][0];
    (
        first["vm.id"].as_str().unwrap().to_string(),
        first["jobstartid"].as_str().unwrap().to_string(),
    )
}

#[test]
fn codec_tokens_and_unknown_paths() {
    let sim = Sim::start();
    let (status, body) = svc_as(&sim, "wrong", "POST", "cloudvm/search", Some(json!({})));
    assert_eq!((status, body["result"].as_str()), (200, Some("1003")));
    let (status, body) = svc_as(&sim, TOKEN, "POST", "cloudvm/nosuch", Some(json!({})));
    assert_eq!((status, body["result"].as_str()), (404, Some("1")));
    // Stray spaces in keys are accepted (doc 2.3.1 prints " vpc.desc").
    let created = ok(
        &sim,
        "POST",
        "cloudnetwork/vpc/create",
        Some(json!({"vpc.name": "n1", " vpc.desc": "spaced"})),
    );
    let id = created["data"]["vpc.id"].as_str().unwrap().to_string();
    assert_eq!(created["data"]["vpc.cidr"], "192.168.11.0/24");
    let found = ok(
        &sim,
        "POST",
        "cloudnetwork/vpc/search",
        Some(json!({"vpc.id": id})),
    );
    assert_eq!(found["data"][0]["vpc.desc"], "spaced");
    assert_eq!(
        found["data"][0][" vpc.cidr"], "192.168.11.0/24",
        "rendered as printed"
    );
    // The request log shows KEY_PARAM decoded.
    let log = sim.ctl("GET", "/requests", None).json();
    let last = log.as_array().unwrap().last().unwrap();
    assert_eq!(last["body"]["KEY_PARAM"], json!({"vpc.id": id}));
}

#[test]
fn vm_lifecycle_through_the_task_log_with_locks() {
    let sim = Sim::start();
    let (id, job) = create_vm(&sim, "web");
    let vm = ok(&sim, "GET", &format!("cloudvm/{id}"), None)["data"].clone();
    assert_eq!(vm["vm.state"], "3", "installing while the task runs");
    assert_eq!(vm["vm.lock"], "12");
    // Locked: another change answers result 1 naming the lock.
    let locked = svc(
        &sim,
        "PUT",
        "cloudvm/cpu/modify",
        Some(json!({"vm.id": id, "vm.vcpu.num": "4"})),
    );
    assert_eq!(locked["result"], "1");
    assert!(
        locked["resultinfo"]
            .as_str()
            .unwrap()
            .contains("lock code 12"),
        "{locked}"
    );
    let task = wait(&sim, &job);
    assert_eq!(task["task.result"], "0");
    assert_eq!(task["task.progress"], "100");
    let vm = ok(&sim, "GET", &format!("cloudvm/{id}"), None)["data"].clone();
    assert_eq!(
        (
            vm["vm.state"].as_str(),
            vm["vm.vcpu.num"].as_str(),
            vm["vm.tenant.type "].as_str()
        ),
        (Some("1"), Some("2"), Some(""))
    );
    // CPU, memory, modify, shutdown, start, delete.
    let job = ok(
        &sim,
        "PUT",
        "cloudvm/cpu/modify",
        Some(json!({"vm.id": id, "vm.vcpu.num": 4})),
    )["startid"]
        .as_str()
        .unwrap()
        .to_string();
    wait(&sim, &job);
    ok(
        &sim,
        "PUT",
        "cloudvm/modify",
        Some(json!({"vm.id": id, "vm.name": "web2", "vm.desc": "d"})),
    );
    let vm = ok(
        &sim,
        "POST",
        "cloudvm/search",
        Some(json!({"vm.name": "web"})),
    )["data"][0]
        .clone();
    assert_eq!(
        (vm["vm.vcpu.num"].as_str(), vm["vm.name"].as_str()),
        (Some("4"), Some("web2"))
    );
    let job = ok(&sim, "PUT", "cloudvm/shutdown", Some(json!({"vm.id": id})))["startid"]
        .as_str()
        .unwrap()
        .to_string();
    wait(&sim, &job);
    assert_eq!(
        ok(&sim, "GET", &format!("cloudvm/{id}"), None)["data"]["vm.state"],
        "0"
    );
    let nics = ok(
        &sim,
        "POST",
        "cloudvm/vnic/search",
        Some(json!({"vnic.vmid": id})),
    );
    assert_eq!(nics["data"][0]["vnic.vpc.id"], "vpc-default");
    let disks = ok(
        &sim,
        "POST",
        "cloudvm/vdisk/search",
        Some(json!({"vdisk.vmid": id})),
    );
    assert_eq!(disks["data"][0]["vdisk.size"], "40");
    let job = ok(&sim, "DELETE", &format!("cloudvm/{id}"), None)["startid"]
        .as_str()
        .unwrap()
        .to_string();
    wait(&sim, &job);
    assert_eq!(
        svc(&sim, "GET", &format!("cloudvm/{id}"), None)["result"],
        "1"
    );
}

#[test]
fn forced_task_outcomes_carry_their_codes_and_resultinfo() {
    let sim = Sim::start();
    for (code, info) in [
        (1, "disk array offline"),
        (5, "took too long"),
        (7, "cancelled by admin"),
    ] {
        sim.ctl(
            "POST",
            "/starvcenter/fail_next_tasks",
            Some(json!({"kind": "vm.create", "result": code, "resultinfo": info})),
        );
        let (id, job) = create_vm(&sim, "f");
        let task = wait(&sim, &job);
        assert_eq!(task["task.result"], code.to_string());
        assert_eq!(task["task.resultinfo"], info);
        assert_eq!(
            ok(&sim, "GET", &format!("cloudvm/{id}"), None)["data"]["vm.state"],
            "-2"
        );
        sim.ctl("DELETE", &format!("/starvcenter/vms/{id}"), None);
    }
    // The task log can be switched off: 404 (the provider then polls objects).
    sim.ctl(
        "POST",
        "/starvcenter/config",
        Some(json!({"task_log": false})),
    );
    let (status, body) = svc_as(
        &sim,
        TOKEN,
        "POST",
        "cloudtask/search",
        Some(json!({"task.startid": "1"})),
    );
    assert_eq!((status, body["result"].as_str()), (404, Some("1")));
}

#[test]
fn quotas_are_enforced_and_modifiable() {
    let sim = Sim::start();
    let tenant = ok(&sim, "POST", "cloudTenant/create", Some(json!({"app.name": "t", "app.cpu.quota": "2", "app.memory.quota": 4096, "app.storage.quota": 100, "app.portgroup.quota": 1})))["data"]["app.id"].as_str().unwrap().to_string();
    sim.ctl(
        "POST",
        "/starvcenter/tokens",
        Some(json!({"token": "t-token", "tenant_id": tenant})),
    );
    let (_, vpc) = svc_as(
        &sim,
        "t-token",
        "POST",
        "cloudnetwork/vpc/create",
        Some(json!({"vpc.name": "n"})),
    );
    let vpc = vpc["data"]["vpc.id"].as_str().unwrap().to_string();
    let (_, second) = svc_as(
        &sim,
        "t-token",
        "POST",
        "cloudnetwork/vpc/create",
        Some(json!({"vpc.name": "n2"})),
    );
    assert!(
        second["resultinfo"]
            .as_str()
            .unwrap()
            .contains("subnet quota"),
        "{second}"
    );
    let create = json!({"vm.template.id": "tpl-centos-7", "vm.vcpu.num": 4, "vm.memory.mem": 1024, "vnic.portgroupid": vpc});
    let (_, refused) = svc_as(&sim, "t-token", "POST", "cloudvm/create", Some(create));
    assert_eq!(refused["result"], "1");
    assert!(
        refused["resultinfo"]
            .as_str()
            .unwrap()
            .contains("CPU quota"),
        "{refused}"
    );
    let usable = ok(
        &sim,
        "POST",
        "resourcequota/usableQuota",
        Some(json!({"tenant.id": tenant})),
    )["data"]
        .clone();
    assert_eq!(
        (
            usable["cpu"].as_i64(),
            usable["portGroupSize"].as_i64(),
            usable["countCpu"].as_i64()
        ),
        (Some(2), Some(0), Some(2))
    );
    ok(
        &sim,
        "PUT",
        "resourcequota/modify",
        Some(
            json!({"tenantId": tenant, "cpu": 8, "memory": 8192, "storage": 200, "ip": 1, "vpc": 2}),
        ),
    );
    let usable = ok(
        &sim,
        "POST",
        "resourcequota/usableQuota",
        Some(json!({"tenant.id": tenant})),
    )["data"]
        .clone();
    assert_eq!(usable["countCpu"], 8);
    let below = svc(
        &sim,
        "PUT",
        "resourcequota/modify",
        Some(
            json!({"tenantId": tenant, "cpu": 8, "memory": 8192, "storage": 200, "ip": 1, "vpc": 0}),
        ),
    );
    assert_eq!(below["result"], "1");
}

#[test]
fn paging_monitoring_hosts_alarms() {
    let sim = Sim::start();
    for i in 0..5 {
        sim.ctl(
            "POST",
            "/starvcenter/vms",
            Some(json!({"vm.name": format!("s{i}")})),
        );
    }
    let page = ok(
        &sim,
        "POST",
        "cloudvm/search",
        Some(json!({"page.startnum": "2", "page.everypagenum": "2"})),
    );
    assert_eq!(page["dataCount"], "5");
    assert_eq!(page["data"].as_array().unwrap().len(), 2);
    assert_eq!(page["data"][0]["vm.name"], "s2");
    let bad = svc(
        &sim,
        "POST",
        "cloudvm/search",
        Some(json!({"page.startnum": 1, "page.everypagenum": 31})),
    );
    assert_eq!(bad["result"], "1");
    let id = page["data"][0]["vm.id"].as_str().unwrap().to_string();
    let cur = ok(
        &sim,
        "POST",
        "cloudmonitor/compute/current",
        Some(json!({"monitor.obj.type": "vm", "monitor.obj": id})),
    );
    assert!(cur["data"]["monitor.cpu.rate"]
        .as_str()
        .unwrap()
        .parse::<u32>()
        .is_ok());
    let hist = ok(
        &sim,
        "POST",
        "cloudmonitor/net/history",
        Some(json!({"monitor.obj.type": "vm", "monitor.obj": id, "lineType": "hour"})),
    );
    assert_eq!(hist["data"].as_array().unwrap().len(), 24);
    // Values move over time.
    let first = cur["data"]["monitor.createtime"].clone();
    std::thread::sleep(Duration::from_millis(1100));
    let later = ok(
        &sim,
        "POST",
        "cloudmonitor/compute/current",
        Some(json!({"monitor.obj.type": "vm", "monitor.obj": id})),
    );
    assert_ne!(later["data"]["monitor.createtime"], first);
    assert_eq!(
        ok(&sim, "POST", "cloudhost/search", None)["data"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        svc(&sim, "POST", "cloudalarm/search", Some(json!({})))["result"],
        "1",
        "paging is required"
    );
    let alarms = ok(
        &sim,
        "POST",
        "cloudalarm/search",
        Some(json!({"page.startnum": 1, "page.everypagenum": 2, "alarm.level": "medium"})),
    );
    assert_eq!(alarms["dataCount"], "2");
    assert_eq!(
        ok(
            &sim,
            "POST",
            "cloudstorage/search",
            Some(json!({"isfindPage": true}))
        )["data"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[test]
fn backups_snapshots_and_out_of_band_locks() {
    let sim = Sim::start();
    let (id, job) = create_vm(&sim, "b");
    wait(&sim, &job);
    let made = ok(
        &sim,
        "POST",
        "cloudvm/snapshot/create",
        Some(json!({"snapshot.vmid": id, "snapshot.name": "s1"})),
    );
    let snap = made["data"]["snapshot.id"].as_str().unwrap().to_string();
    let busy = svc(
        &sim,
        "POST",
        "cloudvm/backup/create",
        Some(json!({"backup.vmid": id, "backup.name": "b1"})),
    );
    assert!(
        busy["resultinfo"].as_str().unwrap().contains("lock code 5"),
        "{busy}"
    );
    wait(&sim, made["startid"].as_str().unwrap());
    let list = ok(&sim, "GET", &format!("cloudvm/snapshot/{id}"), None);
    assert_eq!(list["data"][0]["snapshot.enable"], "true");
    let made = ok(
        &sim,
        "POST",
        "cloudvm/backup/create",
        Some(json!({"backup.vmid": id, "backup.name": "b1", "backup.desc": "x"})),
    );
    wait(&sim, made["startid"].as_str().unwrap());
    let backup = made["data"]["backup.id"].as_str().unwrap().to_string();
    ok(
        &sim,
        "PUT",
        "cloudvm/backup/modify",
        Some(json!({"backup.id": backup, "backup.desc": "y"})),
    );
    assert_eq!(
        ok(&sim, "GET", &format!("cloudvm/backup/{id}"), None)["data"][0]["backup.desc"],
        "y"
    );
    ok(&sim, "DELETE", &format!("cloudvm/backup/{backup}"), None);
    ok(&sim, "DELETE", &format!("cloudvm/snapshot/{snap}"), None);
    // A lock set through the control API holds the VM for a while.
    let held = sim
        .ctl(
            "POST",
            &format!("/starvcenter/vms/{id}/lock"),
            Some(json!({"code": 5, "ms": 400})),
        )
        .json();
    assert_eq!(held["ok"], true);
    assert_eq!(
        svc(
            &sim,
            "PUT",
            "cloudvm/modify",
            Some(json!({"vm.id": id, "vm.name": "z"}))
        )["result"],
        "1"
    );
    std::thread::sleep(Duration::from_millis(500));
    ok(
        &sim,
        "PUT",
        "cloudvm/modify",
        Some(json!({"vm.id": id, "vm.name": "z"})),
    );
    // Drift by hand, then the state dump shows it.
    sim.ctl(
        "PATCH",
        &format!("/starvcenter/vms/{id}"),
        Some(json!({"vm.vcpu.num": 8})),
    );
    let state = sim.ctl("GET", "/state", None).json();
    assert_eq!(state["starvcenter"]["vms"][0]["vm.vcpu.num"], "8");
}

#[test]
fn disks_take_the_first_free_device_name_and_consoles_a_fresh_token() {
    let sim = Sim::start();
    let (id, job) = create_vm(&sim, "disks");
    wait(&sim, &job);
    let add = |size: i64| {
        let answer = ok(
            &sim,
            "POST",
            "cloudvm/vdisk/add",
            Some(json!({"vdisk.vmid": id, "vdisk.size": size.to_string()})),
        );
        wait(&sim, answer["startid"].as_str().unwrap());
        (
            answer["data"]["vdisk.id"].as_str().unwrap().to_string(),
            answer["data"]["vdisk.devname"]
                .as_str()
                .unwrap()
                .to_string(),
        )
    };
    let (vdb, name_b) = add(10);
    let (_, name_c) = add(10);
    assert_eq!((name_b.as_str(), name_c.as_str()), ("vdb", "vdc"));
    // 2.4.2: the removed disk frees its device name for the next one.
    let gone = ok(&sim, "DELETE", &format!("cloudvm/vdisk/{vdb}"), None);
    wait(&sim, gone["startid"].as_str().unwrap());
    let (_, again) = add(10);
    assert_eq!(again, "vdb");

    // 2.2.9: the console URL carries a token that changes between calls.
    let first = ok(&sim, "GET", &format!("cloudvm/connection/{id}"), None)["data"].clone();
    std::thread::sleep(std::time::Duration::from_millis(5));
    let second = ok(&sim, "GET", &format!("cloudvm/connection/{id}"), None)["data"].clone();
    assert_ne!(first["vm.console.url"], second["vm.console.url"]);
    assert_eq!(first["vm.vncport"], second["vm.vncport"]);
}

#[test]
fn model_dictionary_entries_are_added_listed_used_and_deleted() {
    let sim = Sim::start();
    // 2.2.19: a VM type, then a model of that type.
    let ty = ok(
        &sim,
        "POST",
        "cloudvm/addVhostModelAndType",
        Some(json!({"type": "tenant_type", "label": "缓存服务器", "value": "tenant_cache_model"})),
    )["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let model = ok(
        &sim,
        "POST",
        "cloudvm/addVhostModelAndType",
        Some(json!({"type": "tenant_cache_model", "label": "REDIS_7", "value": "redis-7", "description": "缓存服务器云主机型号"})),
    )["data"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let missing = svc(
        &sim,
        "POST",
        "cloudvm/addVhostModelAndType",
        Some(json!({"type": "tenant_type", "label": "x"})),
    );
    assert_eq!(missing["result"], "1");
    assert!(missing["resultinfo"].as_str().unwrap().contains("value"));
    // 2.2.17 lists the new type with its model.
    let types = ok(&sim, "GET", "cloudvm/model", None)["data"].clone();
    let cache = types
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["vm.tenant.type"] == "tenant_cache_model")
        .expect("the added type");
    assert_eq!(cache["vm.tenant.typename"], "缓存服务器");
    assert_eq!(cache["model"][0]["vm.tenant.mode"], "redis-7");
    // A VM installs from it.
    let created = ok(
        &sim,
        "POST",
        "cloudvm/create",
        Some(
            json!({"vm.name": "cache", "vm.tenant.model": "redis-7", "vm.vcpu.num": "1",
                    "vm.memory.mem": "1024", "vnic.portgroupid": "vpc-default"}),
        ),
    );
    let vm = created["data"][0]["vm.id"].as_str().unwrap().to_string();
    // 2.2.20: the type keeps while it has a model, the model while a VM uses it.
    let held = svc(
        &sim,
        "DELETE",
        &format!("cloudvm/delVhostModelAndType/{ty}"),
        None,
    );
    assert_eq!(held["result"], "1", "{held}");
    let used = svc(
        &sim,
        "DELETE",
        &format!("cloudvm/delVhostModelAndType/{model}"),
        None,
    );
    assert_eq!(used["result"], "1", "{used}");
    wait(&sim, created["data"][0]["jobstartid"].as_str().unwrap());
    wait(
        &sim,
        ok(&sim, "DELETE", &format!("cloudvm/{vm}"), None)["startid"]
            .as_str()
            .unwrap(),
    );
    let gone = ok(
        &sim,
        "DELETE",
        &format!("cloudvm/delVhostModelAndType/{model}"),
        None,
    );
    assert_eq!(gone["data"], json!({}));
    ok(
        &sim,
        "DELETE",
        &format!("cloudvm/delVhostModelAndType/{ty}"),
        None,
    );
    let types = ok(&sim, "GET", "cloudvm/model", None)["data"].clone();
    assert!(!types.to_string().contains("tenant_cache_model"));
    let again = svc(
        &sim,
        "DELETE",
        &format!("cloudvm/delVhostModelAndType/{ty}"),
        None,
    );
    assert_eq!(again["result"], "1");
}

#[test]
fn blank_pv_disks_are_made_on_a_storage_with_their_ceph_credentials() {
    let sim = Sim::start();
    let made = ok(
        &sim,
        "POST",
        "cloudvm/vdisk/create/pv",
        Some(json!({"vdisk.name": "pvc-1", "vdisk.size": "20", "vdisk.storageid": "stor-01", "vdisk.use.type": "volume"})),
    )["data"][0]
        .clone();
    let id = made["vdisk.id"].as_str().unwrap().to_string();
    assert_eq!(made["ceph.poolname"], "rbd/vms");
    assert_eq!(made["ceph.monitor"], "10.10.1.1,10.10.1.2");
    assert!(!made["ceph.key"].as_str().unwrap().is_empty());
    for (params, why) in [
        (
            json!({"vdisk.name": "x", "vdisk.size": "20"}),
            "vdisk.storageid",
        ),
        (
            json!({"vdisk.name": "x", "vdisk.size": "20", "vdisk.storageid": "stor-99"}),
            "stor-99",
        ),
        (
            json!({"vdisk.name": "x", "vdisk.size": "20", "vdisk.storageid": "stor-02", "vdisk.use.type": "volume"}),
            "Ceph",
        ),
        (
            json!({"vdisk.name": "x", "vdisk.size": "0", "vdisk.storageid": "stor-01"}),
            "vdisk.size",
        ),
    ] {
        let refused = svc(&sim, "POST", "cloudvm/vdisk/create/pv", Some(params));
        assert_eq!(refused["result"], "1");
        assert!(
            refused["resultinfo"].as_str().unwrap().contains(why),
            "{refused}"
        );
    }
    let state = sim.ctl("GET", "/state", None).json();
    assert_eq!(state["starvcenter"]["pv_disks"][0]["vdisk.size"], "20");
    ok(&sim, "DELETE", &format!("cloudvm/vdisk/{id}"), None);
    let state = sim.ctl("GET", "/state", None).json();
    assert!(state["starvcenter"]["pv_disks"]
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn shapes_switch_paging_lock_wording_and_the_task_log_answer() {
    let sim = Sim::start();
    for i in 0..5 {
        sim.ctl(
            "POST",
            "/starvcenter/vms",
            Some(json!({"vm.name": format!("s{i}")})),
        );
    }
    let page = |start: &str| {
        ok(
            &sim,
            "POST",
            "cloudvm/search",
            Some(json!({"page.startnum": start, "page.everypagenum": "2"})),
        )["data"][0]["vm.name"]
            .clone()
    };
    assert_eq!(page("2"), "s2");
    sim.ctl(
        "POST",
        "/starvcenter/shape",
        Some(json!({"paging": "position"})),
    );
    assert_eq!(
        page("2"),
        "s1",
        "startnum as the position of the first item"
    );

    let (vm, job) = create_vm(&sim, "locked");
    for (wording, expect) in [("table_name", "安装中"), ("plain", "操作失败")] {
        sim.ctl(
            "POST",
            "/starvcenter/shape",
            Some(json!({"lock_message": wording})),
        );
        let refused = svc(
            &sim,
            "PUT",
            "cloudvm/modify",
            Some(json!({"vm.id": vm, "vm.desc": "x"})),
        );
        let why = refused["resultinfo"].as_str().unwrap();
        assert!(why.contains(expect) && !why.contains("locked"), "{why}");
        let detail = ok(&sim, "GET", &format!("cloudvm/{vm}"), None);
        assert_eq!(detail["data"]["vm.lock"], "12");
    }
    sim.ctl(
        "POST",
        "/starvcenter/shape",
        Some(json!({"task_log": "refused"})),
    );
    let refused = svc(
        &sim,
        "POST",
        "cloudtask/search",
        Some(json!({"task.startid": job})),
    );
    assert_eq!(refused["result"], "1");
    sim.ctl(
        "POST",
        "/starvcenter/shape",
        Some(json!({"task_log": "empty"})),
    );
    let empty = ok(
        &sim,
        "POST",
        "cloudtask/search",
        Some(json!({"task.startid": job})),
    );
    assert_eq!(empty["data"], "");
    sim.ctl(
        "POST",
        "/starvcenter/shape",
        Some(json!({"task_log": "not_base64"})),
    );
    let headers = [("KEY_TOKEN", TOKEN)];
    let page = sim
        .raw("POST", &format!("{BASE}/cloudtask/search"), &headers, "")
        .unwrap();
    assert_eq!(page.status, 200);
    assert!(page.body.starts_with("<html>"), "{}", page.body);
    let bad = sim.ctl(
        "POST",
        "/starvcenter/shape",
        Some(json!({"paging": "sideways"})),
    );
    assert_eq!(bad.status, 400);
}
