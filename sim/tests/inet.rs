//! The iNET gateway through raw HTTP: envelope, authentication, paging,
//! power transitions, and the endpoints under `/vps/{id}`.

mod common;

use common::{Resp, Sim};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const TOKEN: &str = "Bearer sim-inet-token";

fn inet(sim: &Sim, method: &str, path: &str, body: Option<Value>) -> Resp {
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let headers = [
        ("Authorization", TOKEN),
        ("Content-Type", "application/json"),
    ];
    sim.raw(
        method,
        &format!("/inet/api/gateway/v1{path}"),
        &headers,
        &body,
    )
    .expect("inet request")
}

fn seed(sim: &Sim, body: Value) -> Vec<Value> {
    let resp = sim.ctl("POST", "/inet/vps", Some(body));
    assert_eq!(resp.status, 200, "{}", resp.body);
    resp.json().as_array().cloned().unwrap()
}

fn data(resp: &Resp) -> Value {
    let body = resp.json();
    assert_eq!(body["success"], true, "{body}");
    assert!(body["meta"].is_object(), "{body}");
    body["data"].clone()
}

#[test]
fn every_answer_is_an_envelope_and_the_token_is_checked() {
    let sim = Sim::start();
    let resp = sim.raw("GET", "/inet/api/gateway/v1/vps", &[], "").unwrap();
    assert_eq!(resp.status, 401);
    assert_eq!(resp.json()["success"], false);
    assert!(resp.json()["meta"]["message"]
        .as_str()
        .unwrap()
        .contains("Bearer"));
    let wrong = [("Authorization", "Bearer nope")];
    let resp = sim
        .raw("GET", "/inet/api/gateway/v1/vps", &wrong, "")
        .unwrap();
    assert_eq!(resp.status, 401);
    let resp = inet(&sim, "GET", "/vps/999", None);
    assert_eq!(resp.status, 404);
    assert_eq!(
        resp.json(),
        json!({"success": false, "data": null, "meta": {"message": "VPS 999 not found"}})
    );
    let resp = inet(&sim, "DELETE", "/vps", None);
    assert_eq!(resp.status, 405);
}

#[test]
fn list_pages_are_one_based_and_filter_by_name_and_status() {
    let sim = Sim::start();
    seed(&sim, json!({"name": "web", "count": 25}));
    seed(&sim, json!({"name": "db", "status": "suspended"}));
    let page = data(&inet(&sim, "GET", "/vps?page=2&pageSize=10", None));
    assert_eq!(page["number"], 2);
    assert_eq!(page["size"], 10);
    assert_eq!(page["totalElements"], 26);
    assert_eq!(page["totalPages"], 3);
    assert_eq!(page["numberOfElements"], 10);
    assert_eq!(page["content"][0]["name"], "web-11");
    assert!(page["content"][0].get("note").is_none());
    let extend: Value =
        serde_json::from_str(page["content"][0]["dataExtend"].as_str().unwrap()).unwrap();
    assert_eq!(extend["cpu"], 2);
    let suspended = data(&inet(&sim, "GET", "/vps?status=suspended", None));
    assert_eq!(suspended["totalElements"], 1);
    assert_eq!(suspended["content"][0]["name"], "db");
    let named = data(&inet(&sim, "GET", "/vps?name=WEB-2", None));
    assert_eq!(named["totalElements"], 7, "web-2 and web-20..25");
    assert_eq!(inet(&sim, "GET", "/vps?page=0", None).status, 400);
}

fn wait_power(sim: &Sim, id: &str, status: &str, power: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let server = data(&inet(sim, "GET", &format!("/vps/{id}/getserver"), None));
        if server["status"] == status && server["OS-EXT-STS:power_state"] == power {
            return server;
        }
        assert!(
            Instant::now() < deadline,
            "never reached {status}: {server}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn power_actions_move_through_transitions() {
    let sim = Sim::start();
    let id = seed(&sim, json!({"name": "web"}))[0]["id"].to_string();
    let server = data(&inet(&sim, "GET", &format!("/vps/{id}/getserver"), None));
    assert_eq!(server["status"], "active");
    assert_eq!(server["OS-EXT-STS:power_state"], "1");
    assert_eq!(
        inet(&sim, "POST", &format!("/vps/{id}/start"), Some(json!({}))).status,
        409
    );
    assert_eq!(
        inet(
            &sim,
            "POST",
            &format!("/vps/{id}/shutdown"),
            Some(json!({}))
        )
        .status,
        200
    );
    let during = data(&inet(&sim, "GET", &format!("/vps/{id}/getserver"), None));
    assert_eq!(during["OS-EXT-STS:task_state"], "powering-off");
    assert_eq!(
        inet(&sim, "POST", &format!("/vps/{id}/start"), Some(json!({}))).status,
        409
    );
    let off = wait_power(&sim, &id, "shutoff", "4");
    assert_eq!(off["OS-EXT-STS:vm_state"], "stopped");
    assert_eq!(
        inet(&sim, "POST", &format!("/vps/{id}/reboot-soft"), None).status,
        409
    );
    assert_eq!(
        inet(&sim, "POST", &format!("/vps/{id}/start"), None).status,
        200
    );
    wait_power(&sim, &id, "active", "1");
    assert_eq!(
        inet(&sim, "POST", &format!("/vps/{id}/reboot-hard"), None).status,
        200
    );
    let rebooting = data(&inet(&sim, "GET", &format!("/vps/{id}/getserver"), None));
    assert_eq!(rebooting["status"], "hard_reboot");
    wait_power(&sim, &id, "active", "1");
}

#[test]
fn note_auto_snapshot_keys_console_snapshots_backups_volumes() {
    let sim = Sim::start();
    let id = seed(&sim, json!({"name": "web"}))[0]["id"].to_string();
    let note = data(&inet(
        &sim,
        "PATCH",
        &format!("/vps/{id}/note"),
        Some(json!({"note": "hi"})),
    ));
    assert_eq!(note["note"], "hi");
    assert_eq!(
        data(&inet(&sim, "GET", &format!("/vps/{id}"), None))["note"],
        "hi"
    );
    let auto = data(&inet(
        &sim,
        "PATCH",
        &format!("/vps/{id}/auto-snapshot"),
        Some(json!({"autoSnapshot": 3})),
    ));
    assert_eq!(auto["autoSnapshot"], 3);
    assert!(auto["autoSnapshotDate"].as_str().unwrap().contains('/'));
    let off = data(&inet(
        &sim,
        "PATCH",
        &format!("/vps/{id}/auto-snapshot"),
        Some(json!({"autoSnapshot": 0})),
    ));
    assert_eq!(off["autoSnapshotDate"], Value::Null);
    assert_eq!(
        inet(
            &sim,
            "PATCH",
            &format!("/vps/{id}/auto-snapshot"),
            Some(json!({}))
        )
        .status,
        400
    );

    let pem = data(&inet(
        &sim,
        "GET",
        &format!("/vps/{id}/privatekey?typeKey=linux"),
        None,
    ));
    assert!(pem["privateKey"]
        .as_str()
        .unwrap()
        .starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    let ppk = data(&inet(
        &sim,
        "GET",
        &format!("/vps/{id}/privatekey?typeKey=windows"),
        None,
    ));
    assert!(ppk["privateKey"]
        .as_str()
        .unwrap()
        .starts_with("PuTTY-User-Key-File-2"));
    assert_eq!(
        inet(&sim, "GET", &format!("/vps/{id}/privatekey"), None).status,
        400
    );
    let pair = data(&inet(&sim, "GET", &format!("/vps/{id}/keypair"), None));
    assert!(pair["public_key"].as_str().unwrap().starts_with("ssh-rsa "));
    let console = data(&inet(&sim, "GET", &format!("/vps/{id}/console"), None));
    assert!(console["url"].as_str().unwrap().starts_with("https://"));
    assert_eq!(
        inet(
            &sim,
            "POST",
            &format!("/vps/{id}/password"),
            Some(json!({}))
        )
        .status,
        200
    );

    let snap = data(&inet(
        &sim,
        "POST",
        &format!("/vps/{id}/snapshot"),
        Some(json!({})),
    ));
    assert_eq!(snap["status"], "creating");
    let sid = snap["id"].to_string();
    assert_eq!(
        data(&inet(&sim, "GET", &format!("/vps/{id}/snapshot"), None))
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        inet(&sim, "DELETE", &format!("/vps/{id}/snapshot/{sid}"), None).status,
        200
    );
    assert_eq!(
        inet(&sim, "DELETE", &format!("/vps/{id}/snapshot/{sid}"), None).status,
        404
    );

    let backup = sim
        .ctl(
            "POST",
            &format!("/inet/vps/{id}/backups"),
            Some(json!({"name": "nightly"})),
        )
        .json();
    let listed = data(&inet(&sim, "GET", &format!("/vps/{id}/backup"), None));
    assert_eq!(listed[0]["name"], "nightly");
    let bid = backup["id"].to_string();
    assert_eq!(
        inet(&sim, "DELETE", &format!("/vps/{id}/backup/{bid}"), None).status,
        200
    );

    assert_eq!(
        inet(&sim, "POST", &format!("/vps/{id}/volume"), Some(json!({}))).status,
        400
    );
    let volume = data(&inet(
        &sim,
        "POST",
        &format!("/vps/{id}/volume"),
        Some(json!({"image": "Ubuntu-22.04"})),
    ));
    assert_eq!(volume["device"], "/dev/vdb");
    let detail = data(&inet(&sim, "GET", &format!("/vps/{id}"), None));
    let extend: Value = serde_json::from_str(detail["dataExtend"].as_str().unwrap()).unwrap();
    assert_eq!(extend["volumes"][0]["id"], volume["id"]);
    let vid = volume["id"].to_string();
    assert_eq!(
        inet(&sim, "DELETE", &format!("/vps/{id}/volume/{vid}"), None).status,
        200
    );
    let state = sim.ctl("GET", "/state", None).json();
    assert_eq!(state["inet"]["vps"][0]["volumes"], json!([]));
    assert_eq!(state["inet"]["vps"][0]["note"], "hi");
}
