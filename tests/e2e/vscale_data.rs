//! Vscale data sources through Terraform. Expected values come from the simulator's own
//! answers (its catalog, account and state), and the request log shows what was sent.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::harness::*;

/// `terraform output -json`, as name → value.
fn outputs(ws: &Workspace) -> Value {
    let run = ws.tf(&["output", "-json"]).ok();
    let raw: Value = serde_json::from_str(&run.stdout).expect("terraform output -json");
    let map = raw
        .as_object()
        .expect("outputs object")
        .iter()
        .map(|(k, v)| (k.clone(), v["value"].clone()))
        .collect();
    Value::Object(map)
}

/// The simulator's own Vscale answer to `GET path`.
fn vscale_get(sim: &Sim, path: &str) -> Value {
    let (status, body) = sim.call(
        "GET",
        &format!("/vscale/v1{path}"),
        None,
        &[("X-Token", VSCALE_TOKEN)],
    );
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// The `id` strings of a JSON array.
fn ids(items: &Value) -> Vec<Value> {
    items
        .as_array()
        .expect("array")
        .iter()
        .map(|i| i["id"].clone())
        .collect()
}

/// A `polycloud_vps` resource block.
fn server(label: &str, name: &str) -> String {
    format!(
        "resource \"polycloud_vps\" \"{label}\" {{\n  name     = \"{name}\"\n  image    = \"ubuntu_22.04_64_001_master\"\n  plan     = \"small\"\n  location = \"spb0\"\n}}\n"
    )
}

/// Asserts every logged request to `path` carried the full-rights token.
fn assert_sent_with_token(sim: &Sim, path: &str) {
    let sent = sim.requests_to("GET", path);
    assert!(!sent.is_empty(), "no GET {path} in the request log");
    for request in sent {
        assert_eq!(request["headers"]["x-token"], VSCALE_TOKEN, "{request}");
    }
}

#[test]
fn data_images_filtered_by_location() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\ndata \"polycloud_images\" \"msk\" {{\n  location = \"msk0\"\n}}\ndata \"polycloud_images\" \"all\" {{}}\n\noutput \"msk\" {{\n  value = data.polycloud_images.msk\n}}\noutput \"all_ids\" {{\n  value = data.polycloud_images.all.ids\n}}\n",
        vscale_provider(&sim)
    ));
    ws.apply().ok();
    let out = outputs(&ws);

    let catalog = vscale_get(&sim, "/images");
    let in_msk: Vec<&Value> = catalog
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["locations"].as_array().unwrap().contains(&json!("msk0")))
        .collect();
    assert!(!in_msk.is_empty() && in_msk.len() < catalog.as_array().unwrap().len());
    let want: Vec<Value> = in_msk.iter().map(|i| i["id"].clone()).collect();
    assert_eq!(out["msk"]["ids"], Value::Array(want.clone()));
    assert_eq!(ids(&out["msk"]["images"]), want);
    assert_eq!(out["all_ids"], Value::Array(ids(&catalog)));
    assert_eq!(out["msk"]["id"], "vscale/images/location=msk0");

    for (got, wire) in out["msk"]["images"].as_array().unwrap().iter().zip(in_msk) {
        assert_eq!(got["description"], wire["description"]);
        assert_eq!(got["locations"], wire["locations"]);
        assert_eq!(got["plans"], wire["rplans"]);
        assert_eq!(got["active"], wire["active"]);
    }
    assert_sent_with_token(&sim, "/vscale/v1/images");
}

#[test]
fn data_plans_and_locations() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\ndata \"polycloud_plans\" \"msk\" {{\n  location = \"msk0\"\n}}\ndata \"polycloud_locations\" \"all\" {{}}\n\noutput \"plans\" {{\n  value = data.polycloud_plans.msk\n}}\noutput \"locations\" {{\n  value = data.polycloud_locations.all\n}}\n",
        vscale_provider(&sim)
    ));
    ws.apply().ok();
    let out = outputs(&ws);

    let rplans = vscale_get(&sim, "/rplans");
    let plans = &out["plans"]["plans"];
    assert_eq!(ids(plans), ids(&rplans), "every plan is offered in msk0");
    assert_eq!(out["plans"]["ids"], Value::Array(ids(&rplans)));
    for (got, wire) in plans
        .as_array()
        .unwrap()
        .iter()
        .zip(rplans.as_array().unwrap())
    {
        assert_eq!(got["cpu"], wire["cpus"]);
        assert_eq!(got["memory_mb"], wire["memory"]);
        assert_eq!(
            got["disk_gb"],
            wire["disk"].as_i64().unwrap() / 1024,
            "GB, not MB"
        );
        assert_eq!(got["network"], wire["network"]);
        assert_eq!(got["locations"], wire["locations"]);
        assert_eq!(got["details"]["addresses"], wire["addresses"].to_string());
    }
    assert_sent_with_token(&sim, "/vscale/v1/rplans");

    let wire_locations = vscale_get(&sim, "/locations");
    let locations = &out["locations"]["locations"];
    assert_eq!(ids(locations), ids(&wire_locations));
    assert_eq!(out["locations"]["ids"], Value::Array(ids(&wire_locations)));
    assert_eq!(out["locations"]["id"], "vscale/locations");
    for (got, wire) in locations
        .as_array()
        .unwrap()
        .iter()
        .zip(wire_locations.as_array().unwrap())
    {
        assert_eq!(got["description"], wire["description"]);
        assert_eq!(got["active"], wire["active"]);
        assert_eq!(got["private_networking"], wire["private_networking"]);
        assert_eq!(got["plans"], wire["rplans"]);
    }
    assert_sent_with_token(&sim, "/vscale/v1/locations");
}

#[test]
fn data_account_balance_in_roubles() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\ndata \"polycloud_account\" \"me\" {{}}\n\noutput \"account\" {{\n  value = data.polycloud_account.me\n}}\n",
        vscale_provider(&sim)
    ));
    ws.apply().ok();
    let account = &outputs(&ws)["account"];

    let balance = vscale_get(&sim, "/billing/balance");
    let kopecks = balance["balance"].as_f64().unwrap();
    assert_eq!(
        account["balance"].as_f64(),
        Some(kopecks / 100.0),
        "{account}"
    );
    assert_eq!(
        account["bonus"].as_f64(),
        Some(balance["bonus"].as_f64().unwrap() / 100.0)
    );
    assert_eq!(
        account["unpaid"].as_f64(),
        Some(balance["unpaid"].as_f64().unwrap() / 100.0)
    );
    let info = &vscale_get(&sim, "/account")["info"];
    assert_eq!(account["email"], info["email"]);
    assert_eq!(account["id"], info["id"]);
    assert_eq!(account["currency"], "RUB");
    assert_sent_with_token(&sim, "/vscale/v1/billing/balance");
    assert_sent_with_token(&sim, "/vscale/v1/account");
    ws.assert_no_changes();
}

#[test]
fn data_vps_by_id_and_by_name() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let base = format!("{}\n{}", vscale_provider(&sim), server("web", "web-1"));
    ws.write(&base);
    ws.apply().ok();
    let scalet = sim.scalets()[0].clone();
    let ctid = scalet["ctid"].to_string();

    ws.write(&format!(
        "{base}\ndata \"polycloud_vps\" \"by_id\" {{\n  id = polycloud_vps.web.id\n}}\ndata \"polycloud_vps\" \"by_name\" {{\n  name = \"web-1\"\n}}\n\noutput \"by_id\" {{\n  value = data.polycloud_vps.by_id\n}}\noutput \"by_name\" {{\n  value = data.polycloud_vps.by_name\n}}\n"
    ));
    sim.clear_requests();
    ws.apply().ok();
    let out = outputs(&ws);

    for key in ["by_id", "by_name"] {
        let got = &out[key];
        assert_eq!(got["id"], ctid.as_str(), "{key}: {got}");
        assert_eq!(got["name"], scalet["name"], "{key}");
        assert_eq!(got["image"], scalet["made_from"], "{key}");
        assert_eq!(got["plan"], scalet["rplan"], "{key}");
        assert_eq!(got["location"], scalet["location"], "{key}");
        assert_eq!(
            got["ip_address"], scalet["public_address"]["address"],
            "{key}"
        );
        assert_eq!(
            got["private_ip_address"], scalet["private_address"]["address"],
            "{key}"
        );
        assert_eq!(got["hostname"], scalet["hostname"], "{key}");
        assert_eq!(got["status"], scalet["status"], "{key}");
        assert_eq!(got["power_state"], "running", "{key}");
        assert_eq!(got["cpu"], 1, "{key}");
        assert_eq!(got["memory_mb"], 512, "{key}");
        assert_eq!(got["disk_gb"], 20, "{key}");
        assert!(got["created_at"].as_str().unwrap().ends_with('Z'), "{key}");
        assert!(
            got.get("password").is_none(),
            "{key}: no password attribute"
        );
    }
    // By name lists the scalets; by id is answered from that same kind of list
    // (batched reads), not by one GET per scalet.
    assert!(sim
        .requests_to("GET", &format!("/vscale/v1/scalets/{ctid}"))
        .is_empty());
    assert!(!sim.requests_to("GET", "/vscale/v1/scalets").is_empty());
    assert_eq!(
        sim.scalets().len(),
        1,
        "reading data sources creates nothing"
    );
    ws.assert_no_changes();
    ws.destroy().ok();
}

#[test]
fn data_vps_errors_name_the_attribute() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let base = format!(
        "{}\n{}{}",
        vscale_provider(&sim),
        server("a", "web-1"),
        server("b", "web-1")
    );
    ws.write(&base);
    ws.apply().ok();
    let ctids: Vec<String> = sim
        .scalets()
        .iter()
        .map(|s| s["ctid"].to_string())
        .collect();
    assert_eq!(ctids.len(), 2);

    // A name that matches nothing: the error says so and suggests similar names.
    ws.write(&format!(
        "{base}\ndata \"polycloud_vps\" \"x\" {{\n  name = \"web\"\n}}\n"
    ));
    let run = ws.plan().failed();
    let text = run.output();
    assert!(text.contains("No server is named \"web\""), "{text}");
    assert!(ctids.iter().all(|c| text.contains(c.as_str())), "{text}");

    // A name that matches two servers lists their ids.
    ws.write(&format!(
        "{base}\ndata \"polycloud_vps\" \"x\" {{\n  name = \"web-1\"\n}}\n"
    ));
    let run = ws.plan().failed();
    let text = run.output();
    assert!(text.contains("2 servers are named \"web-1\""), "{text}");
    assert!(ctids.iter().all(|c| text.contains(c.as_str())), "{text}");

    // An id that does not exist.
    ws.write(&format!(
        "{base}\ndata \"polycloud_vps\" \"x\" {{\n  id = \"999999\"\n}}\n"
    ));
    let run = ws.plan().failed();
    assert!(
        run.output().contains("No server with id \"999999\""),
        "{}",
        run.output()
    );

    // Bad arguments fail before any API call.
    for (args, message) in [
        ("", "Set `id` (the server's id) or `name`"),
        ("  id = \"1\"\n  name = \"web-1\"\n", "not both"),
        ("  name = \"\"\n", "`name` must not be empty"),
    ] {
        let other = Workspace::new();
        other.write(&format!(
            "{}\ndata \"polycloud_vps\" \"x\" {{\n{args}}}\n",
            vscale_provider(&sim)
        ));
        sim.clear_requests();
        let run = other.plan().failed();
        assert!(run.output().contains(message), "{}", run.output());
        assert!(sim.requests().is_empty(), "{:#?}", sim.requests());
    }
    ws.write(&base);
    ws.destroy().ok();
}

#[test]
fn data_vps_list_filters() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let base = format!(
        "{}\n{}{}",
        vscale_provider(&sim),
        server("web", "Web-Frontend"),
        server("db", "db-1")
    );
    ws.write(&base);
    ws.apply().ok();
    let scalets = sim.scalets();
    let web = scalets
        .iter()
        .find(|s| s["name"] == "Web-Frontend")
        .unwrap()
        .clone();
    let web_ip = web["public_address"]["address"]
        .as_str()
        .unwrap()
        .to_string();

    ws.write(&format!(
        "{base}\ndata \"polycloud_vps_list\" \"web\" {{\n  name = \"web\"\n}}\ndata \"polycloud_vps_list\" \"started\" {{\n  status = \"started\"\n}}\ndata \"polycloud_vps_list\" \"by_ip\" {{\n  ip_address = \"{web_ip}\"\n}}\ndata \"polycloud_vps_list\" \"none\" {{\n  name = \"mail\"\n}}\n\noutput \"web\" {{\n  value = data.polycloud_vps_list.web\n}}\noutput \"started\" {{\n  value = data.polycloud_vps_list.started.ids\n}}\noutput \"by_ip\" {{\n  value = data.polycloud_vps_list.by_ip.ids\n}}\noutput \"none\" {{\n  value = data.polycloud_vps_list.none.ids\n}}\n"
    ));
    ws.apply().ok();
    let out = outputs(&ws);

    let web_id = web["ctid"].to_string();
    assert_eq!(
        out["web"]["ids"],
        json!([web_id]),
        "case-insensitive substring"
    );
    assert_eq!(out["web"]["id"], "vscale/vps_list/name=web");
    let item = &out["web"]["servers"][0];
    assert_eq!(item["name"], "Web-Frontend");
    assert_eq!(item["ip_address"], web_ip.as_str());
    assert_eq!(item["status"], web["status"]);
    assert_eq!(item["power_state"], "running");
    assert_eq!(item["plan"], "small");
    assert_eq!(item["location"], "spb0");
    assert_eq!(item["image"], "ubuntu_22.04_64_001_master");
    let mut started: Vec<String> = out["started"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    started.sort();
    let mut all: Vec<String> = scalets.iter().map(|s| s["ctid"].to_string()).collect();
    all.sort();
    assert_eq!(started, all);
    assert_eq!(out["by_ip"], json!([web_id]));
    assert_eq!(out["none"], json!([]));
    assert_sent_with_token(&sim, "/vscale/v1/scalets");
    ws.assert_no_changes();
    ws.destroy().ok();
}

/// Makes a backup through the simulator's API and waits until it is finished.
fn backup_by_api(sim: &Sim, ctid: &str, name: &str) -> String {
    let (status, body) = sim.call(
        "POST",
        &format!("/vscale/v1/scalets/{ctid}/backup"),
        Some(json!({ "name": name })),
        &[("X-Token", VSCALE_TOKEN)],
    );
    assert_eq!(status, 200, "{body}");
    let id = body["id"].as_str().expect("backup id").to_string();
    let start = Instant::now();
    loop {
        let backup = vscale_get(sim, &format!("/backups/{id}"));
        let locked = sim.scalets().iter().any(|s| s["locked"] == true);
        if backup["status"] == "finished" && !locked {
            return id;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{backup}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn data_backups_filtered_by_vps() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let base = format!("{}\n{}", vscale_provider(&sim), server("web", "web-1"));
    ws.write(&base);
    ws.apply().ok();
    let ctid = sim.scalets()[0]["ctid"].to_string();
    let backup_id = backup_by_api(&sim, &ctid, "nightly");

    ws.write(&format!(
        "{base}\ndata \"polycloud_backups\" \"web\" {{\n  vps_id = polycloud_vps.web.id\n}}\ndata \"polycloud_backups\" \"other\" {{\n  vps_id = \"999999\"\n}}\ndata \"polycloud_backups\" \"all\" {{}}\n\noutput \"web\" {{\n  value = data.polycloud_backups.web\n}}\noutput \"other\" {{\n  value = data.polycloud_backups.other.ids\n}}\noutput \"all\" {{\n  value = data.polycloud_backups.all.ids\n}}\n"
    ));
    ws.apply().ok();
    let out = outputs(&ws);

    let wire = vscale_get(&sim, &format!("/backups/{backup_id}"));
    assert_eq!(out["web"]["ids"], json!([backup_id]));
    assert_eq!(out["web"]["id"], format!("vscale/backups/vps_id={ctid}"));
    let got = &out["web"]["backups"][0];
    assert_eq!(got["id"], backup_id.as_str());
    assert_eq!(got["vps_id"], ctid.as_str());
    assert_eq!(got["name"], "nightly");
    assert_eq!(got["status"], "finished");
    assert_eq!(got["size_gb"].as_f64(), wire["size"].as_f64());
    assert!(got["created_at"].as_str().unwrap().ends_with('Z'), "{got}");
    assert_eq!(out["other"], json!([]));
    assert_eq!(out["all"], json!([backup_id]));
    assert_sent_with_token(&sim, "/vscale/v1/backups");
    ws.destroy().ok();
}

#[test]
fn data_source_refused_at_plan_where_the_cloud_cannot_read_it() {
    // The console URL is an iNET data source: on Vscale, plan fails with the advice,
    // before any API call.
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\ndata \"polycloud_vps_console\" \"c\" {{\n  vps_id = \"12600\"\n}}\n",
        vscale_provider(&sim)
    ));
    let run = ws.plan().failed();
    let text = run.output();
    assert!(
        text.contains("polycloud_vps_console cannot be read or imported on vscale"),
        "{text}"
    );
    assert!(text.contains("it exists on iNET"), "{text}");
    assert!(sim.requests().is_empty(), "{:#?}", sim.requests());
}

#[test]
fn data_backups_after_polycloud_backup_in_one_apply() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\n{}\nresource \"polycloud_backup\" \"nightly\" {{\n  vps_id = polycloud_vps.web.id\n  name   = \"nightly\"\n}}\n\ndata \"polycloud_backups\" \"web\" {{\n  vps_id     = polycloud_vps.web.id\n  depends_on = [polycloud_backup.nightly]\n}}\n\noutput \"made\" {{\n  value = polycloud_backup.nightly.id\n}}\noutput \"listed\" {{\n  value = data.polycloud_backups.web.backups\n}}\n",
        vscale_provider(&sim),
        server("web", "web-1")
    ));
    ws.apply().ok();
    let out = outputs(&ws);

    let held = sim.state()["vscale"]["backups"].clone();
    assert_eq!(ids(&held), vec![out["made"].clone()], "{held}");
    let listed = &out["listed"];
    assert_eq!(ids(listed), vec![out["made"].clone()], "{listed}");
    assert_eq!(listed[0]["name"], "nightly");
    assert_eq!(listed[0]["status"], held[0]["status"]);
    assert_eq!(listed[0]["size_gb"].as_f64(), held[0]["size"].as_f64());
    ws.assert_no_changes();
    ws.destroy().ok();
}
