//! Creating safely (SPEC §9), through Terraform: a create whose answer is lost is
//! settled by the new object it made, never by a same-named stranger, and never sent
//! a third time; a look-up that cannot complete ends in an error naming the possible
//! object; an accepted answer that cannot be read is looked up, never re-sent;
//! `max_retries = 0` does not disable the look-up. On every cloud.

use serde_json::{json, Value};

use crate::harness::*;
use crate::starvcenter_common::*;
use crate::zomro_support::*;

const IMAGE: &str = "ubuntu_22.04_64_001_master";

/// A Vscale provider block with `max_retries`.
fn vscale_provider_retries(sim: &Sim, retries: u32) -> String {
    format!(
        "provider \"polycloud\" {{\n  cloud       = \"vscale\"\n  endpoint    = \"{}\"\n  token       = \"{VSCALE_TOKEN}\"\n  max_retries = {retries}\n}}\n",
        sim.vscale_endpoint()
    )
}

/// `polycloud_vps.web` named `web-1` with a create timeout.
fn web(create_timeout: &str) -> String {
    format!(
        "resource \"polycloud_vps\" \"web\" {{\n  name     = \"web-1\"\n  image    = \"{IMAGE}\"\n  plan     = \"small\"\n  location = \"spb0\"\n  timeouts {{\n    create = \"{create_timeout}\"\n  }}\n}}\n"
    )
}

/// A colleague's scalet `web-1`, made through the API before Terraform runs; its ctid.
fn stranger_scalet(sim: &Sim) -> String {
    let body = json!({"make_from": IMAGE, "rplan": "small", "name": "web-1", "location": "spb0"});
    let (status, answer) = sim.call(
        "POST",
        "/vscale/v1/scalets",
        Some(body),
        &[("X-Token", VSCALE_TOKEN)],
    );
    assert_eq!(status, 201, "{answer}");
    answer["ctid"].to_string()
}

fn ctids(sim: &Sim) -> Vec<String> {
    sim.scalets()
        .iter()
        .map(|s| s["ctid"].to_string())
        .collect()
}

/// Creates sent to `POST /vscale/v1/scalets` by the provider.
fn scalet_posts(sim: &Sim) -> Vec<Value> {
    sim.requests_to("POST", "/vscale/v1/scalets")
}

#[test]
fn lost_create_answer_is_settled_by_the_new_scalet_never_the_same_named_stranger() {
    let sim = Sim::start();
    let stranger = stranger_scalet(&sim);
    sim.clear_requests();
    // The create runs, then the gateway answers 503: the outcome looks unknown.
    sim.fault(
        json!({"status": 503, "after": true, "method": "POST", "path": "/vscale/v1/scalets"}),
    );
    let ws = Workspace::new();
    ws.write(&format!("{}{}", vscale_provider(&sim), web("20s")));
    ws.apply().ok();
    let all = ctids(&sim);
    assert_eq!(all.len(), 2, "{all:?}");
    let id = ws.resource("polycloud_vps.web")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(id, stranger, "the colleague's scalet was adopted");
    assert!(all.contains(&id));
    // Sent once: the look-up found it, nothing was sent again.
    let posts = scalet_posts(&sim);
    assert_eq!(posts.len(), 1, "{posts:#?}");
    assert_eq!(posts[0]["fault"], "503_after");
    assert_eq!(posts[0]["body"]["name"], "web-1");
    ws.assert_no_changes();
    ws.destroy().ok();
    assert_eq!(
        ctids(&sim),
        vec![stranger],
        "destroy removed only our scalet"
    );
}

#[test]
fn create_refused_before_processing_is_looked_up_for_the_window_then_sent_once_more() {
    let sim = Sim::start();
    let stranger = stranger_scalet(&sim);
    sim.clear_requests();
    sim.fault(json!({"status": 503, "method": "POST", "path": "/vscale/v1/scalets"}));
    let ws = Workspace::new();
    ws.write(&format!("{}{}", vscale_provider(&sim), web("10s")));
    ws.apply().ok();
    let posts: Vec<u64> = scalet_posts(&sim)
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(posts, vec![503, 201]);
    // Between the two sends the scalets were listed more than once (a settling window
    // with back-off, not one glance).
    let log = sim.requests();
    let first = log
        .iter()
        .position(|r| r["method"] == "POST" && r["path"] == "/vscale/v1/scalets")
        .unwrap();
    let second = log
        .iter()
        .rposition(|r| r["method"] == "POST" && r["path"] == "/vscale/v1/scalets")
        .unwrap();
    let lookups = log[first..second]
        .iter()
        .filter(|r| r["method"] == "GET" && r["path"] == "/vscale/v1/scalets")
        .count();
    assert!(lookups >= 3, "{lookups} look-ups in the window");
    let all = ctids(&sim);
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.contains(&stranger));
}

#[test]
fn two_unknown_outcomes_end_in_an_error_never_a_third_create() {
    let sim = Sim::start();
    sim.fault(json!({"count": 5, "status": 503, "method": "POST", "path": "/vscale/v1/scalets"}));
    let ws = Workspace::new();
    ws.write(&format!("{}{}", vscale_provider(&sim), web("8s")));
    let run = ws.apply();
    assert_eq!(run.code, 1, "{}", run.output());
    let out = run.output();
    assert!(
        out.contains("Vscale scalet \"web-1\" was not created"),
        "{out}"
    );
    assert_eq!(scalet_posts(&sim).len(), 2, "sent at most twice");
    assert!(sim.scalets().is_empty());
}

#[test]
fn failing_look_up_names_the_possible_scalet_and_sends_nothing_more_even_with_max_retries_0() {
    let sim = Sim::start();
    // The list before the create passes (a no-op latency rule takes it); the create
    // runs but its answer is lost; every later list fails.
    sim.fault(json!({"latency_ms": 1, "method": "GET", "path": "/vscale/v1/scalets"}));
    sim.fault(json!({"drop": true, "after": true, "method": "POST", "path": "/vscale/v1/scalets"}));
    sim.fault(json!({"count": 1000, "status": 500, "method": "GET", "path": "/vscale/v1/scalets"}));
    let ws = Workspace::new();
    ws.write(&format!(
        "{}{}",
        vscale_provider_retries(&sim, 0),
        web("8s")
    ));
    let run = ws.apply();
    assert_eq!(run.code, 1, "{}", run.output());
    let out = run.output().replace('\n', " ");
    assert!(
        out.contains("Vscale scalet \"web-1\" may have been created"),
        "{out}"
    );
    assert!(out.contains("GET /scalets"), "says what to check: {out}");
    assert!(out.contains("Nothing was sent again"), "{out}");
    assert_eq!(scalet_posts(&sim).len(), 1);
    let lookups = sim
        .requests_to("GET", "/vscale/v1/scalets")
        .iter()
        .filter(|r| r["status"] == 500)
        .count();
    assert!(lookups >= 2, "max_retries = 0 still looks up: {lookups}");
    // The scalet exists; Terraform did not make a second one.
    assert_eq!(sim.scalets().len(), 1);
}

#[test]
fn accepted_create_whose_answer_cannot_be_read_is_found_never_resent() {
    let sim = Sim::start();
    sim.fault(json!({"html": true, "after": true, "method": "POST", "path": "/vscale/v1/scalets"}));
    let ws = Workspace::new();
    ws.write(&format!("{}{}", vscale_provider(&sim), web("20s")));
    ws.apply().ok();
    let posts = scalet_posts(&sim);
    assert_eq!(posts.len(), 1);
    assert_eq!(
        (posts[0]["status"].clone(), posts[0]["fault"].clone()),
        (json!(201), json!("html_after"))
    );
    let all = ctids(&sim);
    assert_eq!(all.len(), 1);
    assert_eq!(ws.resource("polycloud_vps.web")["id"], all[0].as_str());
    ws.assert_no_changes();
}

#[test]
fn lost_backup_create_takes_the_new_backup_not_an_older_one_of_the_same_name() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let server = format!("{}{}", vscale_provider(&sim), web("20s"));
    ws.write(&server);
    ws.apply().ok();
    let ctid = sim.scalets()[0]["ctid"].to_string();
    // An older backup named like the one Terraform will make.
    let (status, old) = sim.call(
        "POST",
        &format!("/vscale/v1/scalets/{ctid}/backup"),
        Some(json!({"name": "nightly"})),
        &[("X-Token", VSCALE_TOKEN)],
    );
    assert_eq!(status, 200, "{old}");
    let old_id = old["id"].as_str().unwrap().to_string();
    std::thread::sleep(std::time::Duration::from_millis(400));
    sim.clear_requests();
    sim.fault(json!({"drop": true, "after": true, "method": "POST", "path_contains": "/backup"}));
    ws.write(&format!(
        "{server}resource \"polycloud_backup\" \"b\" {{\n  vps_id = polycloud_vps.web.id\n  name   = \"nightly\"\n  timeouts {{\n    create = \"20s\"\n  }}\n}}\n"
    ));
    ws.apply().ok();
    let id = ws.resource("polycloud_backup.b")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(id, old_id, "the older backup was adopted");
    let backups = sim.state()["vscale"]["backups"].as_array().unwrap().len();
    assert_eq!(backups, 2);
    assert_eq!(
        sim.requests_to("POST", &format!("/scalets/{ctid}/backup"))
            .len(),
        1
    );
}

#[test]
fn lost_zomro_order_is_settled_by_the_new_instance_not_the_same_named_one() {
    let sim = Sim::start();
    // A same-named instance ordered earlier by someone else.
    let pw = password_line(VPS_PASSWORD);
    let earlier = Workspace::new();
    earlier.write(&format!(
        "{}{}",
        zomro_token_provider(&sim),
        zomro_vps(UBUNTU20, "6143", "1", &pw)
    ));
    earlier.apply().ok();
    let stranger = only_instance(&sim)["id"].as_str().unwrap().to_string();
    sim.clear_requests();
    sim.fault(json!({"drop": true, "after": true, "cloud": "zomro", "body_contains": "func=v2.instances.order.param"}));
    let ws = Workspace::new();
    ws.write(&format!(
        "{}{}",
        zomro_token_provider(&sim),
        zomro_vps(
            UBUNTU20,
            "6143",
            "1",
            &format!("{pw}  timeouts {{\n    create = \"30s\"\n  }}\n")
        )
    ));
    ws.apply().ok();
    let id = ws.resource("polycloud_vps.web")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_ne!(id, stranger);
    assert_eq!(instances(&sim).len(), 2);
    assert_eq!(calls(&sim, "v2.instances.order.param").len(), 1);
    ws.destroy().ok();
    let left: Vec<Value> = instances(&sim)
        .into_iter()
        .map(|i| i["id"].clone())
        .collect();
    assert_eq!(left, vec![json!(stranger)]);
}

#[test]
fn lost_starvcenter_creates_are_found_never_made_twice_even_for_objects_that_cannot_be_deleted() {
    let sim = Sim::start();
    // A stranger's group of the same name.
    let ws0 = Workspace::new();
    ws0.write(&format!(
        "{}resource \"polycloud_security_group\" \"g\" {{\n  name = \"web\"\n}}\n",
        svc_provider(&sim)
    ));
    ws0.apply().ok();
    // The simulator renders the key as the document prints it, with a space.
    let stranger = svc(&sim, "security_groups")[0][" securitygroup.id"].clone();
    assert!(stranger.is_string(), "{stranger}");
    sim.clear_requests();
    sim.fault(json!({"drop": true, "after": true, "method": "POST", "path_contains": "cloudsegroup/create"}));
    sim.fault(
        json!({"status": 502, "after": true, "method": "POST", "path_contains": "vpc/create"}),
    );
    sim.fault(json!({"drop": true, "after": true, "method": "POST", "path_contains": "vnic/add"}));
    let (vm, _, _) = crate::starvcenter_net::seed_vm(&sim, "app");
    let vpc_config = "resource \"polycloud_vpc\" \"net\" {\n  name = \"back\"\n  timeouts {\n    create = \"20s\"\n  }\n}\n";
    let ws = Workspace::new();
    ws.write(&format!(
        "{}resource \"polycloud_security_group\" \"g\" {{\n  name = \"web\"\n  timeouts {{\n    create = \"20s\"\n  }}\n}}\n{vpc_config}resource \"polycloud_vps_nic\" \"extra\" {{\n  vps_id     = \"{vm}\"\n  network_id = polycloud_vpc.net.id\n  timeouts {{\n    create = \"20s\"\n  }}\n}}\n",
        svc_provider(&sim)
    ));
    ws.apply().ok();
    let groups = svc(&sim, "security_groups");
    assert_eq!(groups.len(), 2, "{groups:#?}");
    assert_ne!(ws.resource("polycloud_security_group.g")["id"], stranger);
    assert_eq!(svc_requests(&sim, "POST", "cloudsegroup/create").len(), 1);
    assert_eq!(
        svc_requests(&sim, "POST", "cloudnetwork/vpc/create").len(),
        1
    );
    assert_eq!(svc_requests(&sim, "POST", "cloudvm/vnic/add").len(), 1);
    let nics: Vec<Value> = svc(&sim, "nics")
        .into_iter()
        .filter(|n| n["vnic.vmid"] == vm.as_str())
        .collect();
    assert_eq!(nics.len(), 2, "one NIC added, not two: {nics:#?}");
    ws.assert_no_changes();
}

#[test]
fn lost_tenant_create_cannot_be_looked_up_so_it_ends_in_an_error_naming_it_and_is_not_resent() {
    let sim = Sim::start();
    let before = svc(&sim, "tenants").len();
    sim.fault(json!({"drop": true, "after": true, "method": "POST", "path_contains": "cloudTenant/create"}));
    let ws = Workspace::new();
    ws.write(&format!(
        "{}resource \"polycloud_tenant\" \"t\" {{\n  name = \"team-a\"\n  timeouts {{\n    create = \"20s\"\n  }}\n}}\n",
        svc_provider(&sim)
    ));
    let run = ws.apply();
    assert_eq!(run.code, 1, "{}", run.output());
    let out = run.output().replace('\n', " ");
    assert!(
        out.contains("StarVCenter tenant \"team-a\" may have been created"),
        "{out}"
    );
    assert!(out.contains("console"), "{out}");
    assert_eq!(svc_requests(&sim, "POST", "cloudTenant/create").len(), 1);
    assert_eq!(svc(&sim, "tenants").len(), before + 1);
}
