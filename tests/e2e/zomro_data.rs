//! Zomro data sources through Terraform, compared with what the simulator holds:
//! `polycloud_vps` (by id and by name), `polycloud_vps_list` (name filter, every page
//! of `func=instances` read and no more) and `polycloud_locations`.

use serde_json::{json, Value};

use crate::harness::*;
use crate::inet_helpers::outputs;
use crate::zomro_support::*;

/// Orders an instance through the simulator's own BILLmanager API (not through the
/// provider); returns its service id.
fn order(sim: &Sim, name: &str, plan: &str, datacenter: &str, os: &str) -> String {
    let path = format!(
        "/zomro/billmgr?func=v2.instances.order.param&auth={ZOMRO_TOKEN}&out=json&sok=ok&skipbasket=on&pricelist={plan}&datacenter={datacenter}&servername={name}&instances_os={os}&password={VPS_PASSWORD}"
    );
    let (status, answer) = sim.call("GET", &path, None, &[]);
    assert_eq!(status, 200, "{answer}");
    let id = &answer["doc"]["id"]["$"];
    id.as_str()
        .map(String::from)
        .unwrap_or_else(|| panic!("the order answered no id: {answer}"))
}

/// BILLmanager's `{"$": v}` text values made plain, deeply.
fn plain(value: &Value) -> Value {
    match value {
        Value::Object(map) if map.len() == 1 && map.contains_key("$") => plain(&map["$"]),
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), plain(v))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(plain).collect()),
        other => other.clone(),
    }
}

/// A BILLmanager list that may be one object.
fn list(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        Value::Null => Vec::new(),
        one => vec![one.clone()],
    }
}

/// The instance the simulator holds with this id.
fn held(sim: &Sim, id: &str) -> Value {
    instances(sim)
        .into_iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("the simulator holds no instance {id}"))
}

/// Polls the simulator until every instance is `active`.
fn wait_all_active(sim: &Sim) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while instances(sim)
        .iter()
        .any(|i| i["instance_status"] != "active")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{:#?}",
            instances(sim)
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The `p_num` of every logged `func=instances`, in order; each must carry the session
/// and ask for 100 per page.
fn instance_pages(sim: &Sim) -> Vec<String> {
    calls(sim, "instances")
        .iter()
        .map(|r| {
            assert_eq!(r["body"]["auth"], ZOMRO_TOKEN, "{r}");
            assert_eq!(r["body"]["out"], "json", "{r}");
            assert_eq!(r["body"]["p_cnt"], "100", "{r}");
            assert_eq!(r["status"], 200, "{r}");
            r["body"]["p_num"].as_str().unwrap_or("-").to_string()
        })
        .collect()
}

#[test]
fn zomro_vps_list_and_locations_data_sources_match_the_simulator() {
    let sim = Sim::start_with(50);
    let web1 = order(&sim, "web-1", "6143", "1", UBUNTU20);
    let db = order(&sim, "db-1", "6144", "2", UBUNTU22);
    let web2 = order(&sim, "web-2", "6145", "1", ALMA);
    wait_all_active(&sim);
    sim.clear_requests();

    let ws = Workspace::new();
    ws.write(&format!(
        "{}
data \"polycloud_vps\" \"by_id\" {{
  id = \"{db}\"
}}
data \"polycloud_vps\" \"by_name\" {{
  name = \"web-2\"
}}
data \"polycloud_vps_list\" \"web\" {{
  name = \"WEB\"
}}
data \"polycloud_locations\" \"all\" {{}}
output \"by_id\" {{
  value = data.polycloud_vps.by_id
}}
output \"by_name\" {{
  value = data.polycloud_vps.by_name
}}
output \"web\" {{
  value = data.polycloud_vps_list.web
}}
output \"locations\" {{
  value = data.polycloud_locations.all
}}
",
        zomro_token_provider(&sim)
    ));
    ws.apply().ok();
    let out = outputs(&ws);

    // By id: every attribute is the simulator's instance.
    let instance = held(&sim, &db);
    let by_id = &out["by_id"];
    assert_eq!(by_id["id"], db.as_str());
    assert_eq!(by_id["name"], "db-1");
    assert_eq!(by_id["plan"], "6144");
    assert_eq!(by_id["location"], "2");
    assert_eq!(by_id["image"], UBUNTU22);
    assert_eq!(by_id["cpu"], 2);
    assert_eq!(by_id["memory_mb"], 2048);
    assert_eq!(by_id["disk_gb"], 50);
    assert_eq!(by_id["status"], "active");
    assert_eq!(by_id["power_state"], "running");
    assert_eq!(by_id["ip_address"], instance["ip"]);
    assert_eq!(by_id["hostname"], instance["domain"]);
    assert_eq!(
        by_id["created_at"],
        format!("{}T00:00:00Z", instance["createdate"].as_str().unwrap())
    );

    // By name: the one instance with that exact name.
    let by_name = &out["by_name"];
    let instance = held(&sim, &web2);
    assert_eq!(by_name["id"], web2.as_str());
    assert_eq!(by_name["name"], "web-2");
    assert_eq!(by_name["plan"], "6145");
    assert_eq!(by_name["image"], ALMA);
    assert_eq!(by_name["memory_mb"], 8192);
    assert_eq!(by_name["ip_address"], instance["ip"]);

    // The list: the name filter (contains, case-insensitive) keeps the two web servers.
    let web = &out["web"];
    assert_eq!(web["ids"], json!([web1, web2]));
    let servers = web["servers"].as_array().unwrap();
    assert_eq!(servers.len(), 2, "{servers:#?}");
    for server in servers {
        let instance = held(&sim, server["id"].as_str().unwrap());
        assert_eq!(server["name"], instance["name"]);
        assert_eq!(server["status"], instance["instance_status"]);
        assert_eq!(server["ip_address"], instance["ip"]);
        assert_eq!(server["plan"], instance["pricelist"]);
        assert_eq!(server["location"], instance["datacenter"]);
        assert_eq!(server["image"], instance["instances_os"]);
        assert_eq!(server["power_state"], "running");
    }

    // Only reads went over the wire, all with the session; one page of instances per
    // read (three instances fit in one page of 100).
    let requests: Vec<Value> = sim
        .requests()
        .into_iter()
        .filter(|r| r["cloud"] == "zomro")
        .collect();
    assert!(writes(&sim).is_empty(), "{:#?}", writes(&sim));
    assert!(!requests.is_empty());
    for r in &requests {
        assert_eq!(r["method"], "POST", "{r}");
        assert_eq!(r["body"]["auth"], ZOMRO_TOKEN, "{r}");
    }
    let pages = instance_pages(&sim);
    assert!(!pages.is_empty());
    assert!(pages.iter().all(|p| p == "1"), "{pages:?}");
    assert!(!calls(&sim, "v2.instances.order.pricelist").is_empty());

    // Locations: the data centres of the simulator's own price-list answer, each with
    // the price lists offered there.
    let (status, answer) = sim.call(
        "GET",
        &format!("/zomro/billmgr?func=v2.instances.order.pricelist&auth={ZOMRO_TOKEN}&out=json"),
        None,
        &[],
    );
    assert_eq!(status, 200, "{answer}");
    let catalog = plain(&answer["doc"]);
    let centres = list(&catalog["datacenter"]);
    assert_eq!(centres.len(), 2, "{catalog:#}");
    let locations = out["locations"]["locations"].as_array().unwrap();
    assert_eq!(locations.len(), centres.len(), "{locations:#?}");
    for (location, centre) in locations.iter().zip(&centres) {
        assert_eq!(location["id"], centre["id"]);
        assert_eq!(location["description"], centre["name"]);
        assert_eq!(location["active"], true);
        assert_eq!(location["private_networking"], false);
    }
    assert_eq!(out["locations"]["ids"], json!(["1", "2"]));
    assert_eq!(locations[0]["plans"], json!(["6143", "6144", "6145"]));
    assert_eq!(locations[1]["plans"], json!(["6143", "6144"]));

    // Data sources change nothing: a second plan is empty.
    ws.assert_no_changes();
}

#[test]
fn zomro_vps_list_reads_every_page_and_no_more() {
    let sim = Sim::start_with(20);
    // 201 instances: pages of 100, 100 and 1 (BILLmanager renders a one-element list
    // as the element itself). Two of them do not match the name filter.
    let mut nodes = Vec::new();
    for n in 1..=150 {
        nodes.push(order(&sim, &format!("node-{n:03}"), "6143", "1", UBUNTU20));
    }
    order(&sim, "db-1", "6143", "1", UBUNTU20);
    order(&sim, "db-2", "6143", "2", UBUNTU20);
    for n in 151..=199 {
        nodes.push(order(&sim, &format!("node-{n:03}"), "6143", "1", UBUNTU20));
    }
    assert_eq!(instances(&sim).len(), 201);
    wait_all_active(&sim);
    let last = nodes.last().unwrap().clone();

    // The list alone: every page once, then no more.
    let ws = Workspace::new();
    ws.write(&format!(
        "{}
data \"polycloud_vps_list\" \"nodes\" {{
  name = \"node-\"
}}
output \"ids\" {{
  value = data.polycloud_vps_list.nodes.ids
}}
",
        zomro_token_provider(&sim)
    ));
    sim.clear_requests();
    ws.tf(&["plan", "-no-color", "-input=false"]).ok();
    assert_eq!(
        instance_pages(&sim),
        ["1", "2", "3"],
        "one read: every page once"
    );

    sim.clear_requests();
    ws.apply().ok();
    let ids: Vec<String> = outputs(&ws)["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len(), 199);
    assert_eq!(ids, nodes, "every node, in the simulator's order");
    let pages = instance_pages(&sim);
    assert!(!pages.is_empty());
    assert_eq!(pages.len() % 3, 0, "{pages:?}");
    for read in pages.chunks(3) {
        assert_eq!(read, ["1", "2", "3"], "{pages:?}");
    }

    // The server alone on the last page is found by name and by id.
    let ws = Workspace::new();
    ws.write(&format!(
        "{}
data \"polycloud_vps\" \"by_name\" {{
  name = \"node-199\"
}}
data \"polycloud_vps\" \"by_id\" {{
  id = \"{last}\"
}}
output \"by_name\" {{
  value = data.polycloud_vps.by_name.id
}}
output \"by_id\" {{
  value = data.polycloud_vps.by_id.name
}}
",
        zomro_token_provider(&sim)
    ));
    ws.apply().ok();
    let out = outputs(&ws);
    assert_eq!(out["by_name"], last.as_str());
    assert_eq!(out["by_id"], "node-199");
    assert_eq!(held(&sim, &last)["name"], "node-199");
}
