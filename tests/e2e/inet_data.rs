//! iNET data sources through Terraform: every page of the list, filters, one server,
//! key pair, private key (never in logs), console, snapshots, backups, and a
//! `success: false` answer with HTTP 200 taken as the error it is.

use serde_json::{json, Value};

use crate::harness::*;
use crate::inet_helpers::*;

#[test]
fn inet_list_of_250_servers_reads_every_page() {
    let sim = Sim::start();
    seed(&sim, json!({"name": "node", "count": 250}));
    seed(&sim, json!({"name": "old", "status": "suspended"}));
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\ndata \"polycloud_vps_list\" \"all\" {{}}\ndata \"polycloud_vps_list\" \"some\" {{\n  name = \"node-24\"\n}}\ndata \"polycloud_vps_list\" \"off\" {{\n  status = \"suspended\"\n}}\noutput \"all\" {{\n  value = data.polycloud_vps_list.all.ids\n}}\noutput \"some\" {{\n  value = data.polycloud_vps_list.some.servers\n}}\noutput \"off\" {{\n  value = data.polycloud_vps_list.off.servers\n}}\n",
        inet_provider(&sim)
    ));
    ws.apply().ok();
    let out = outputs(&ws);
    assert_eq!(out["all"].as_array().unwrap().len(), 251);
    assert_eq!(
        out["some"].as_array().unwrap().len(),
        11,
        "node-24 and node-240..249"
    );
    assert_eq!(out["off"].as_array().unwrap().len(), 1);
    assert_eq!(out["off"][0]["name"], "old");
    assert_eq!(out["off"][0]["status"], "suspended");
    let lists = sim.requests_to("GET", "/inet/api/gateway/v1/vps");
    let all: Vec<&Value> = lists
        .iter()
        .filter(|r| {
            !r["query"].as_str().unwrap().contains("name=")
                && !r["query"].as_str().unwrap().contains("status=")
        })
        .collect();
    let pages: Vec<&str> = all.iter().map(|r| r["query"].as_str().unwrap()).collect();
    assert!(pages.iter().any(|q| q.contains("page=1&")), "{pages:?}");
    assert!(pages.iter().any(|q| q.contains("page=3&")), "{pages:?}");
    assert!(!pages.iter().any(|q| q.contains("page=4&")), "{pages:?}");
    assert!(
        lists
            .iter()
            .any(|r| r["query"].as_str().unwrap().contains("status=suspended")),
        "the status filter is sent to iNET"
    );
    assert!(lists
        .iter()
        .all(|r| r["headers"]["authorization"] == format!("Bearer {INET_TOKEN}")));
    ws.assert_no_changes();
}

#[test]
fn inet_success_false_with_http_200_is_an_error() {
    let sim = Sim::start();
    let id = seed_one(&sim, "web");
    sim.fault(json!({"count": 1, "status": 200, "cloud": "inet"}));
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\ndata \"polycloud_vps\" \"one\" {{\n  id = \"{id}\"\n}}\n",
        inet_provider(&sim)
    ));
    let run = ws.plan().failed();
    assert!(
        run.output().contains("injected fault 200"),
        "{}",
        run.output()
    );
    assert!(
        run.output().contains("Cannot read server"),
        "{}",
        run.output()
    );
    let first = &sim.requests()[0];
    assert_eq!(first["status"], 200, "the answer really was HTTP 200");
    // Without the fault the same configuration reads fine.
    ws.plan().ok();
}

fn private_key_from_api(sim: &Sim, id: &str, kind: &str) -> String {
    let (status, body) = sim.call(
        "GET",
        &format!("/inet/api/gateway/v1/vps/{id}/privatekey?typeKey={kind}"),
        None,
        &[("Authorization", &format!("Bearer {INET_TOKEN}"))],
    );
    assert_eq!(status, 200);
    body["data"]["privateKey"].as_str().unwrap().to_string()
}

#[test]
fn inet_key_pair_private_key_and_console_keep_secrets_out_of_logs() {
    let sim = Sim::start();
    let id = seed_one(&sim, "web");
    let pem = private_key_from_api(&sim, &id, "linux");
    let ppk = private_key_from_api(&sim, &id, "windows");
    let mut ws = Workspace::new();
    ws.env("TF_LOG", "TRACE");
    ws.write(&format!(
        "{}\ndata \"polycloud_vps_keypair\" \"k\" {{\n  vps_id = \"{id}\"\n}}\ndata \"polycloud_vps_private_key\" \"pem\" {{\n  vps_id = \"{id}\"\n}}\ndata \"polycloud_vps_private_key\" \"ppk\" {{\n  vps_id   = \"{id}\"\n  key_type = \"windows\"\n}}\ndata \"polycloud_vps_console\" \"c\" {{\n  vps_id = \"{id}\"\n}}\noutput \"pub\" {{\n  value = data.polycloud_vps_keypair.k.public_key\n}}\n",
        inet_provider(&sim)
    ));
    let run = ws.apply().ok();
    let logs = run.output();
    assert!(logs.contains("/privatekey"), "the request itself is traced");
    for secret in [&pem, &ppk] {
        for line in secret.lines().filter(|l| l.len() > 20) {
            assert!(
                !logs.contains(line),
                "a private key line leaked into TRACE logs: {line}"
            );
        }
    }
    assert!(!logs.contains(INET_TOKEN), "the token leaked");
    let pem_state = ws.resource("data.polycloud_vps_private_key.pem");
    assert_eq!(pem_state["private_key"], pem.as_str());
    assert_eq!(pem_state["key_type"], "linux");
    assert_eq!(
        ws.resource("data.polycloud_vps_private_key.ppk")["private_key"],
        ppk.as_str()
    );
    let pair = ws.resource("data.polycloud_vps_keypair.k");
    assert!(pair["public_key"].as_str().unwrap().starts_with("ssh-rsa "));
    assert!(pair["fingerprint"].as_str().unwrap().starts_with("SHA256:"));
    assert!(ws.resource("data.polycloud_vps_console.c")["url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    // The attribute is sensitive in the schema: the CLI hides it.
    let shown = ws
        .tf(&[
            "state",
            "show",
            "-no-color",
            "data.polycloud_vps_private_key.pem",
        ])
        .ok();
    assert!(
        shown.stdout.contains("(sensitive value)"),
        "{}",
        shown.stdout
    );

    // A wrong key_type fails at validate, before any request.
    sim.clear_requests();
    let bad = Workspace::new();
    bad.write(&format!("{}\ndata \"polycloud_vps_private_key\" \"x\" {{\n  vps_id   = \"{id}\"\n  key_type = \"mac\"\n}}\n", inet_provider(&sim)));
    let run = bad.plan().failed();
    assert!(
        run.output().contains("Invalid key_type"),
        "{}",
        run.output()
    );
    assert!(sim.requests().is_empty());
}

#[test]
fn inet_vps_by_name_snapshots_and_backups() {
    let sim = Sim::start();
    let id = seed_one(&sim, "web");
    seed_one(&sim, "db");
    let backup = seed_backup(&sim, &id, "nightly");
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\nresource \"polycloud_snapshot\" \"s\" {{\n  vps_id = \"{id}\"\n}}\ndata \"polycloud_vps\" \"web\" {{\n  name = \"web\"\n}}\ndata \"polycloud_snapshots\" \"web\" {{\n  vps_id     = \"{id}\"\n  depends_on = [polycloud_snapshot.s]\n}}\ndata \"polycloud_backups\" \"all\" {{}}\noutput \"snaps\" {{\n  value = data.polycloud_snapshots.web.ids\n}}\noutput \"backups\" {{\n  value = data.polycloud_backups.all.backups\n}}\noutput \"vps\" {{\n  value = data.polycloud_vps.web\n}}\n",
        inet_provider(&sim)
    ));
    ws.apply().ok();
    let out = outputs(&ws);
    assert_eq!(out["vps"]["id"], id.as_str());
    assert_eq!(out["vps"]["cpu"], 2);
    assert_eq!(out["vps"]["power_state"], "running");
    assert_eq!(
        out["snaps"],
        json!([ws.resource("polycloud_snapshot.s")["id"]])
    );
    assert_eq!(out["backups"].as_array().unwrap().len(), 1);
    assert_eq!(out["backups"][0]["id"], backup.as_str());
    assert_eq!(out["backups"][0]["name"], "nightly");
    assert!(out["backups"][0]["created_at"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    ws.assert_no_changes();
    ws.destroy().ok();
}
