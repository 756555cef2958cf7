//! StarVCenter data sources through Terraform: `polycloud_vps_list` (every VM,
//! filters), `polycloud_vps`, `polycloud_plans` (models) and the plan-time refusal of
//! a data source the API cannot serve.

use serde_json::{json, Value};

use crate::harness::*;
use crate::starvcenter_common::*;

fn outputs(ws: &Workspace) -> Value {
    let run = ws.tf(&["output", "-json"]).ok();
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn starvcenter_vps_list_reads_every_vm_in_one_search_and_filters() {
    let sim = Sim::start();
    for i in 0..35 {
        svc_ctl(
            &sim,
            "POST",
            "vms",
            Some(
                json!({"vm.name": format!("web-{i:02}"), "vm.state": if i == 3 { "0" } else { "1" }}),
            ),
        );
    }
    svc_ctl(&sim, "POST", "vms", Some(json!({"vm.name": "db-1"})));
    let ws = Workspace::new();
    ws.write(&format!(
        "{}
data \"polycloud_vps_list\" \"all\" {{}}
data \"polycloud_vps_list\" \"web_stopped\" {{
  name   = \"web\"
  status = \"stopped\"
}}
data \"polycloud_vps\" \"db\" {{
  name = \"db-1\"
}}
data \"polycloud_plans\" \"models\" {{}}
output \"all\" {{ value = length(data.polycloud_vps_list.all.ids) }}
output \"stopped\" {{ value = data.polycloud_vps_list.web_stopped.servers[*].name }}
output \"db_cpu\" {{ value = data.polycloud_vps.db.cpu }}
output \"db_network\" {{ value = data.polycloud_vps.db.network_id }}
output \"models\" {{ value = data.polycloud_plans.models.ids }}
",
        svc_provider(&sim)
    ));
    ws.apply().ok();
    let out = outputs(&ws);
    assert_eq!(out["all"]["value"], 36);
    assert_eq!(out["stopped"]["value"], json!(["web-03"]));
    assert_eq!(out["db_cpu"]["value"], 1);
    assert_eq!(out["db_network"]["value"], "vpc-default");
    assert_eq!(
        out["models"]["value"],
        json!(["k8s-1-16-8", "weblogic-12c", "mysql-8-0", "win-2022"])
    );
    // 36 VMs, more than a page of 30: every search is one unpaged request (2.2.2
    // "无分页参数默认查询所有虚拟机"); the data sources filter what it lists.
    // Paging itself: starvcenter_fidelity::every_vm_is_read_once_whether_startnum_is_a_page_or_a_position.
    let searches = svc_requests(&sim, "POST", "cloudvm/search");
    assert!(!searches.is_empty());
    assert!(
        searches
            .iter()
            .all(|r| r["body"]["KEY_PARAM"].get("page.startnum").is_none()),
        "{searches:#?}"
    );
}

#[test]
fn starvcenter_images_data_source_is_refused_at_plan() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\ndata \"polycloud_images\" \"all\" {{}}\n",
        svc_provider(&sim)
    ));
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(run.output().contains("template"), "{}", run.output());
    assert!(all_svc_requests(&sim).is_empty());
}

/// A string attribute of a data source in state.
fn attr<'a>(state: &'a Value, key: &str) -> &'a Value {
    &state[key]
}

/// The ids of a list of API objects under `key`.
fn api_ids(list: &Value, key: &str) -> Vec<Value> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|o| o[key].clone())
        .collect()
}

/// Waits until the simulator says the snapshot is usable.
fn wait_snapshot(sim: &Sim, id: &str) {
    for _ in 0..100 {
        if svc(sim, "snapshots")
            .iter()
            .any(|s| s["snapshot.id"] == id && s["snapshot.enable"] == "true")
        {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("snapshot {id} never became usable");
}

#[test]
fn starvcenter_inventory_and_monitoring_data_sources_match_the_api() {
    let sim = Sim::start();
    let on = svc_ctl(
        &sim,
        "POST",
        "vms",
        Some(json!({"vm.name": "mon", "vm.vcpu.num": 2, "vm.memory.mem": 4096})),
    );
    let on = on["vm.id"].as_str().unwrap().to_string();
    let off = svc_ctl(
        &sim,
        "POST",
        "vms",
        Some(json!({"vm.name": "off", "vm.state": "0"})),
    );
    let off = off["vm.id"].as_str().unwrap().to_string();
    let made = svc_api(
        &sim,
        "POST",
        "cloudvm/snapshot/create",
        Some(json!({"snapshot.vmid": on, "snapshot.name": "daily"})),
    );
    wait_snapshot(&sim, made["snapshot.id"].as_str().unwrap());
    let mut ws = Workspace::new();
    ws.env("TF_LOG", "TRACE");
    ws.write(&format!(
        "{}
data \"polycloud_vps_connection\" \"c\" {{
  vps_id = \"{on}\"
}}
data \"polycloud_vps_metrics\" \"on\" {{
  vps_id   = \"{on}\"
  interval = \"hour\"
}}
data \"polycloud_vps_metrics\" \"off\" {{
  vps_id = \"{off}\"
}}
data \"polycloud_quota\" \"pool\" {{}}
data \"polycloud_hosts\" \"all\" {{}}
data \"polycloud_storages\" \"all\" {{}}
data \"polycloud_alarms\" \"all\" {{}}
data \"polycloud_alarms\" \"open_medium\" {{
  level       = \"medium\"
  relieve_way = \"manual\"
}}
data \"polycloud_snapshots\" \"mon\" {{
  vps_id = \"{on}\"
}}
",
        svc_provider(&sim)
    ));
    let run = ws.apply().ok();
    let logs = run.output();

    // Connection (2.2.9): host and port as the API says; the URL is secret.
    let api = svc_api(&sim, "GET", &format!("cloudvm/connection/{on}"), None);
    let c = ws.resource("data.polycloud_vps_connection.c");
    assert_eq!(attr(&c, "host_ip"), &api["vm.hostip"]);
    assert_eq!(
        attr(&c, "vnc_port")
            .as_i64()
            .map(|p| p.to_string())
            .as_deref(),
        api["vm.vncport"].as_str()
    );
    let url = c["console_url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!(
            "https://console.starvcenter.local/vnc/{on}?token="
        )),
        "{url}"
    );
    let token = url.rsplit('=').next().unwrap();
    assert!(
        logs.contains("cloudvm/connection"),
        "the request itself is traced"
    );
    assert!(
        !logs.contains(url) && !logs.contains(token),
        "the console URL leaked into TRACE logs"
    );
    assert!(!logs.contains(SVC_TOKEN), "the API token leaked");
    let shown = ws
        .tf(&[
            "state",
            "show",
            "-no-color",
            "data.polycloud_vps_connection.c",
        ])
        .ok();
    assert!(
        shown.stdout.contains("(sensitive value)"),
        "{}",
        shown.stdout
    );

    // Metrics (2.8): sizes, disks and NICs as the API has them; values move over time.
    let m = ws.resource("data.polycloud_vps_metrics.on");
    let now = svc_api(
        &sim,
        "POST",
        "cloudmonitor/compute/current",
        Some(json!({"monitor.obj.type": "vm", "monitor.obj": on})),
    );
    assert_eq!(
        m["cpu_count"].as_i64().map(|n| n.to_string()).as_deref(),
        now["monitor.cpu.num"].as_str()
    );
    assert_eq!(
        m["memory_mb"].as_i64().map(|n| n.to_string()).as_deref(),
        now["monitor.mem.size"].as_str()
    );
    assert!(
        (3..=95).contains(&m["cpu_percent"].as_i64().unwrap()),
        "{m}"
    );
    let disks = svc_api(
        &sim,
        "POST",
        "cloudmonitor/everydisk/current",
        Some(json!({"monitor.obj.type": "vm", "monitor.obj": on})),
    );
    let disk_ids: Vec<Value> = m["disks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["disk_id"].clone())
        .collect();
    assert_eq!(disk_ids, api_ids(&disks, "monitor.diskid"));
    assert_eq!(m["nics"].as_array().unwrap().len(), 1);
    let history = svc_api(
        &sim,
        "POST",
        "cloudmonitor/compute/history",
        Some(json!({"monitor.obj.type": "vm", "monitor.obj": on, "lineType": "hour"})),
    );
    let points = m["compute_history"].as_array().unwrap();
    assert_eq!(points.len(), history.as_array().unwrap().len());
    assert_eq!(m["network_history"].as_array().unwrap().len(), points.len());
    let mut cpus: Vec<i64> = points
        .iter()
        .filter_map(|p| p["cpu_percent"].as_i64())
        .collect();
    cpus.dedup();
    assert!(cpus.len() > 1, "the history moves: {cpus:?}");
    assert!(points[0]["time"].as_str().unwrap().ends_with('Z'));
    let stopped = ws.resource("data.polycloud_vps_metrics.off");
    assert!(
        stopped["cpu_percent"].is_null(),
        "no data is null: {stopped}"
    );
    assert!(stopped["compute_history"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["cpu_percent"].is_null()));
    assert_eq!(stopped["interval"], "minute");

    // Quota (2.10.1), hosts (2.14), storages (2.16), alarms (2.15.1), snapshots (2.7.1).
    let quota = svc_api(&sim, "POST", "resourcequota/search", Some(json!({})));
    let q = ws.resource("data.polycloud_quota.pool");
    for (ours, theirs) in [
        ("cpu", "cpu"),
        ("memory_mb", "memory"),
        ("storage_gb", "storage"),
        ("public_ip", "ip"),
    ] {
        assert_eq!(
            q[ours].as_i64(),
            quota[theirs]
                .as_i64()
                .or_else(|| quota[theirs].as_str().and_then(|s| s.parse().ok())),
            "{ours}"
        );
    }
    let hosts = svc_api(&sim, "POST", "cloudhost/search", Some(json!({})));
    let h = ws.resource("data.polycloud_hosts.all");
    assert_eq!(h["ids"].as_array().unwrap(), &api_ids(&hosts, "host.id"));
    for (ours, api) in h["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .zip(hosts.as_array().unwrap())
    {
        assert_eq!(ours["ip_address"], api["host.register.address"]);
        assert_eq!(
            ours["memory_gb"].as_i64().map(|n| n.to_string()).as_deref(),
            api["host.mem.size"].as_str()
        );
        let running = api["host.state"] == "1";
        assert_eq!(ours["status"] == "running", running, "{ours}");
    }
    let storages = svc_api(&sim, "POST", "cloudstorage/search", Some(json!({})));
    let s = ws.resource("data.polycloud_storages.all");
    assert_eq!(
        s["ids"].as_array().unwrap(),
        &api_ids(&storages, "storage.id")
    );
    for (ours, api) in s["storages"]
        .as_array()
        .unwrap()
        .iter()
        .zip(storages.as_array().unwrap())
    {
        assert_eq!(ours["type"], api["storage.type"]);
        assert_eq!(
            ours["used_gb"].as_i64().map(|n| n.to_string()).as_deref(),
            api["storage.usedsize"].as_str()
        );
    }
    let alarms = svc_api(
        &sim,
        "POST",
        "cloudalarm/search",
        Some(json!({"isfindPage": true})),
    );
    assert_eq!(
        ws.resource("data.polycloud_alarms.all")["ids"]
            .as_array()
            .unwrap(),
        &api_ids(&alarms, "alarm.id")
    );
    let medium = svc_api(
        &sim,
        "POST",
        "cloudalarm/search",
        Some(json!({"isfindPage": true, "alarm.level": "medium", "alarm.relieve.way": "manual"})),
    );
    let filtered = ws.resource("data.polycloud_alarms.open_medium");
    assert_eq!(
        filtered["ids"].as_array().unwrap(),
        &api_ids(&medium, "alarm.id")
    );
    assert!(!filtered["ids"].as_array().unwrap().is_empty());
    let sent = svc_requests(&sim, "POST", "cloudalarm/search");
    assert!(
        sent.iter()
            .any(|r| r["body"]["KEY_PARAM"]["alarm.level"] == "medium"),
        "filtered by the API"
    );
    let snaps = svc_api(&sim, "GET", &format!("cloudvm/snapshot/{on}"), None);
    assert_eq!(
        ws.resource("data.polycloud_snapshots.mon")["ids"]
            .as_array()
            .unwrap(),
        &api_ids(&snaps, "snapshot.id")
    );
}

#[test]
fn starvcenter_data_sources_bad_input_and_other_clouds_refuse_at_plan() {
    let sim = Sim::start();
    let ws = Workspace::new();
    sim.clear_requests();
    for (body, attribute) in [
        ("data \"polycloud_vps_metrics\" \"m\" {\n  vps_id   = \"vm-1\"\n  interval = \"week\"\n}\n", "interval"),
        ("data \"polycloud_alarms\" \"a\" {\n  level = \"urgent\"\n}\n", "level"),
        ("data \"polycloud_vps_connection\" \"c\" {\n  vps_id = \"\"\n}\n", "vps_id"),
    ] {
        ws.write(&format!("{}\n{body}", svc_provider(&sim)));
        let run = ws.plan();
        assert_eq!(run.code, 1, "{attribute}: {}", run.output());
        assert!(run.output().contains(attribute), "{attribute}: {}", run.output());
    }
    assert!(all_svc_requests(&sim).is_empty());
    let others = [
        crate::harness::vscale_provider(&sim),
        crate::inet_helpers::inet_provider(&sim),
        crate::zomro_support::zomro_token_provider(&sim),
    ];
    for provider in others {
        for data in [
            "polycloud_vps_metrics\" \"x\" {\n  vps_id = \"1\"\n}",
            "polycloud_quota\" \"x\" {}",
            "polycloud_hosts\" \"x\" {}",
            "polycloud_storages\" \"x\" {}",
            "polycloud_alarms\" \"x\" {}",
            "polycloud_vps_connection\" \"x\" {\n  vps_id = \"1\"\n}",
        ] {
            ws.write(&format!("{provider}\ndata \"{data}\n"));
            let run = ws.plan();
            assert_eq!(run.code, 1, "{data}: {}", run.output());
            assert!(
                flat(&run.output()).contains("StarVCenter"),
                "advice names where it exists: {}",
                run.output()
            );
        }
    }
    assert!(sim.requests().is_empty(), "{:#?}", sim.requests());
}

/// Terraform output with line wrapping undone.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
