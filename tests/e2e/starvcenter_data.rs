//! StarVCenter data sources through Terraform: `polycloud_vps_list` (all pages,
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
fn starvcenter_vps_list_reads_every_page_and_filters() {
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
    let pages: Vec<Value> = svc_requests(&sim, "POST", "cloudvm/search")
        .into_iter()
        .filter(|r| r["body"]["KEY_PARAM"]["page.startnum"] == "2")
        .collect();
    assert!(!pages.is_empty(), "the list asked for page 2");
    assert!(pages
        .iter()
        .all(|r| r["body"]["KEY_PARAM"]["page.everypagenum"] == "30"));
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
