//! End-to-end tests of the Vscale API as the simulator serves it.

mod common;

use common::{Sim, ED25519, READONLY};
use serde_json::{json, Value};

fn medium_spb(name: &str) -> Value {
    json!({"make_from": "ubuntu_14.04_64_002_master", "rplan": "medium", "do_start": true,
           "name": name, "location": "spb0"})
}

#[test]
fn create_runs_a_task_then_the_scalet_is_started_with_addresses() {
    let sim = Sim::start();
    let key = sim.vscale(
        "POST",
        "/sshkeys",
        Some(json!({"key": ED25519, "name": "key"})),
    );
    assert_eq!(key.status, 201);
    assert_eq!(key.json()["id"], 92);

    // The doc's example request, verbatim.
    let body = json!({"make_from": "ubuntu_14.04_64_002_master", "rplan": "medium", "do_start": true,
                      "name": "My First Server", "keys": [92], "location": "spb0"});
    let resp = sim.vscale("POST", "/scalets", Some(body));
    assert_eq!(resp.status, 201);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    let task_id = resp.header("VSCALE-TASK-ID").unwrap().to_string();
    let created = resp.json();
    assert_eq!(created["ctid"], 12600);
    assert_eq!(created["name"], "My First Server");
    assert_eq!(created["status"], "defined");
    assert_eq!(created["locked"], true);
    assert_eq!(created["active"], false);
    assert_eq!(created["public_address"], json!({}));
    assert_eq!(created["hostname"], "cs12600.vscale.io");
    assert_eq!(created["keys"], json!([{"id": 92, "name": "key"}]));
    assert_eq!(created["deleted"], Value::Null);
    let created_at = created["created"].as_str().unwrap();
    assert_eq!(created_at.len(), 19);
    assert_eq!(&created_at[2..3], ".");
    assert_eq!(&created_at[5..6], ".");

    let tasks = sim.vscale("GET", "/tasks", None).json();
    let task = &tasks.as_array().unwrap()[0];
    assert_eq!(task["id"], task_id.as_str());
    assert_eq!(task["method"], "scalet_create");
    assert_eq!(task["done"], false);
    assert_eq!(task["d_end"], Value::Null);
    assert_eq!(task["scalet"], 12600);
    assert_eq!(task["location"], "spb0");

    let task = sim.wait_task(&task_id);
    assert_eq!(task["error"], false);
    assert!(task["d_end"].is_string());

    let scalet = sim.vscale("GET", "/scalets/12600", None).json();
    assert_eq!(scalet["status"], "started");
    assert_eq!(scalet["locked"], false);
    assert_eq!(scalet["active"], true);
    assert!(scalet["public_address"]["address"]
        .as_str()
        .unwrap()
        .starts_with("95.213."));
    assert_eq!(scalet["public_address"]["netmask"], "255.255.255.0");
    assert!(scalet["private_address"]["address"]
        .as_str()
        .unwrap()
        .starts_with("10.0."));
    let list = sim.vscale("GET", "/scalets", None).json();
    assert_eq!(list, json!([scalet]));
}

#[test]
fn do_start_false_ends_stopped_and_msk0_has_no_private_address() {
    let sim = Sim::start();
    let scalet = sim.create_scalet(
        json!({"make_from": "debian_12_64_001_master", "rplan": "small",
        "do_start": false, "name": "quiet", "location": "msk0"}),
    );
    assert_eq!(scalet["status"], "stopped");
    assert_eq!(scalet["private_address"], json!({}));
    assert!(scalet["public_address"]["address"].is_string());
}

#[test]
fn a_scalet_with_a_running_task_answers_409() {
    let sim = Sim::start_with(&["--task-ms", "3000"]);
    let resp = sim.vscale("POST", "/scalets", Some(medium_spb("busy")));
    let task_id = resp.header("VSCALE-TASK-ID").unwrap().to_string();
    for (method, path, body) in [
        ("PATCH", "/scalets/12600/stop", Some(json!({"id": "12600"}))),
        (
            "POST",
            "/scalets/12600/upgrade",
            Some(json!({"rplan": "large"})),
        ),
        ("DELETE", "/scalets/12600", None),
        ("POST", "/scalets/12600/backup", Some(json!({"name": "b"}))),
    ] {
        let resp = sim.vscale(method, path, body);
        assert_eq!(resp.status, 409, "{method} {path}");
        assert_eq!(
            resp.header("Vscale-Error-Message"),
            Some(format!("scalet is locked by task {task_id}").as_str())
        );
    }
    // Reads still work.
    assert_eq!(sim.vscale("GET", "/scalets/12600", None).status, 200);
}

#[test]
fn upgrade_changes_the_plan_when_the_task_ends_and_downgrade_is_refused() {
    let sim = Sim::start();
    sim.create_scalet(medium_spb("up"));
    let resp = sim.vscale(
        "POST",
        "/scalets/12600/upgrade",
        Some(json!({"rplan": "small"})),
    );
    assert_eq!(resp.status, 400);
    assert_eq!(
        resp.header("Vscale-Error-Message"),
        Some("downgrade is not possible")
    );

    let resp = sim.vscale(
        "POST",
        "/scalets/12600/upgrade",
        Some(json!({"rplan": "large"})),
    );
    assert_eq!(resp.status, 200);
    // Vscale doc, "Апгрейд конфигурации": the answer still shows the old plan.
    assert_eq!(resp.json()["rplan"], "medium");
    assert_eq!(resp.json()["status"], "updated");
    let task = sim.wait_task(resp.header("VSCALE-TASK-ID").unwrap());
    assert_eq!(task["method"], "scalet_upgrade");
    let scalet = sim.vscale("GET", "/scalets/12600", None).json();
    assert_eq!(scalet["rplan"], "large");
    assert_eq!(scalet["status"], "started");
    let resp = sim.vscale(
        "POST",
        "/scalets/12600/upgrade",
        Some(json!({"rplan": "medium"})),
    );
    assert_eq!(resp.status, 400);
}

#[test]
fn tokens_read_only_missing_unknown_and_registered() {
    let sim = Sim::start();
    let resp = sim.vscale_as(READONLY, "GET", "/scalets", None);
    assert_eq!(resp.status, 200);
    let resp = sim.vscale_as(READONLY, "POST", "/scalets", Some(medium_spb("x")));
    assert_eq!(resp.status, 403);
    assert!(resp
        .header("Vscale-Error-Message")
        .unwrap()
        .contains("read-only"));
    let resp = sim.vscale_as("nope", "GET", "/scalets", None);
    assert_eq!(resp.status, 401);
    assert!(resp.header("Vscale-Error-Message").is_some());
    let resp = sim.raw("GET", "/vscale/v1/scalets", &[], "").unwrap();
    assert_eq!(resp.status, 401);
    assert_eq!(sim.vscale("GET", "/scalets", None).json(), json!([]));

    let added = sim.ctl(
        "POST",
        "/vscale/tokens",
        Some(json!({"token": "abc", "read_only": false})),
    );
    assert_eq!(added.status, 200);
    let resp = sim.vscale_as("abc", "POST", "/scalets", Some(medium_spb("x")));
    assert_eq!(resp.status, 201);
}

#[test]
fn create_validation_errors_carry_the_message() {
    let sim = Sim::start();
    let cases = [
        (
            json!({"make_from": "nope", "rplan": "medium", "name": "a", "location": "spb0"}),
            "image nope not found",
        ),
        (
            json!({"make_from": "ubuntu_14.04_64_002_master", "rplan": "tiny", "name": "a", "location": "spb0"}),
            "rplan tiny not found",
        ),
        (
            json!({"make_from": "ubuntu_14.04_64_002_master", "rplan": "small", "name": "a", "location": "xx0"}),
            "location xx0 not found",
        ),
        (
            json!({"make_from": "ubuntu_14.04_64_002_master", "rplan": "small", "name": "a", "location": "msk0"}),
            "image ubuntu_14.04_64_002_master is not available in location msk0",
        ),
        (
            json!({"make_from": "centos_7.1_64_001_master", "rplan": "small", "name": "a", "location": "spb0"}),
            "image centos_7.1_64_001_master is not available for rplan small",
        ),
        (
            json!({"make_from": "ubuntu_14.04_64_002_master", "rplan": "small", "name": "a", "location": "spb0", "keys": [7]}),
            "ssh key 7 not found",
        ),
        (
            json!({"make_from": "ubuntu_14.04_64_002_master", "rplan": "small", "name": "a", "location": "spb0", "keys": ["92"]}),
            "keys must be an array of integers",
        ),
        (
            json!({"make_from": "ubuntu_14.04_64_002_master", "rplan": "small", "location": "spb0"}),
            "name is required",
        ),
    ];
    for (body, message) in cases {
        let resp = sim.vscale("POST", "/scalets", Some(body));
        assert_eq!(resp.status, 400, "{message}");
        assert_eq!(resp.header("Vscale-Error-Message"), Some(message));
    }
    let token = [("X-Token", common::TOKEN)];
    let resp = sim
        .raw("POST", "/vscale/v1/scalets", &token, "{not json")
        .unwrap();
    assert_eq!(resp.status, 400);
    assert!(resp
        .header("Vscale-Error-Message")
        .unwrap()
        .contains("malformed JSON"));
    let resp = sim.vscale("GET", "/nothing", None);
    assert_eq!(resp.status, 404);
    assert!(resp.header("Vscale-Error-Message").is_some());
    let resp = sim.vscale("PUT", "/scalets", None);
    assert_eq!(resp.status, 405);
    assert!(resp.header("Vscale-Error-Message").is_some());
    let resp = sim.vscale("GET", "/scalets/99999", None);
    assert_eq!(resp.status, 404);
    assert_eq!(
        resp.header("Vscale-Error-Message"),
        Some("scalet not found")
    );
    assert_eq!(sim.vscale("GET", "/scalets", None).json(), json!([]));
}

#[test]
fn stop_start_restart_and_delete() {
    let sim = Sim::start();
    sim.create_scalet(medium_spb("power"));
    for (action, status, method) in [
        ("stop", "stopped", "scalet_stop"),
        ("start", "started", "scalet_start"),
        ("restart", "started", "scalet_restart"),
    ] {
        let resp = sim.vscale(
            "PATCH",
            &format!("/scalets/12600/{action}"),
            Some(json!({"id": "12600"})),
        );
        assert_eq!(resp.status, 200, "{action}");
        assert_eq!(resp.json()["locked"], true);
        let task = sim.wait_task(resp.header("VSCALE-TASK-ID").unwrap());
        assert_eq!(task["method"], method);
        let scalet = sim.vscale("GET", "/scalets/12600", None).json();
        assert_eq!(scalet["status"], status, "{action}");
        assert_eq!(scalet["locked"], false);
    }
    let resp = sim.vscale("PATCH", "/scalets/12600/stop", Some(json!({"id": "1"})));
    assert_eq!(resp.status, 400);
    assert_eq!(sim.vscale("POST", "/scalets/12600/stop", None).status, 405);

    let resp = sim.vscale("DELETE", "/scalets/12600", None);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["ctid"], 12600);
    let task_id = resp.header("VSCALE-TASK-ID").unwrap().to_string();
    assert_eq!(sim.vscale("GET", "/scalets/12600", None).status, 200);
    assert_eq!(sim.wait_task(&task_id)["method"], "scalet_delete");
    assert_eq!(sim.vscale("GET", "/scalets/12600", None).status, 404);
}

#[test]
fn backups_and_restore() {
    let sim = Sim::start();
    sim.create_scalet(medium_spb("src"));
    let resp = sim.vscale(
        "POST",
        "/scalets/12600/backup",
        Some(json!({"name": "nightly"})),
    );
    assert_eq!(resp.status, 200);
    let backup = resp.json();
    assert_eq!(backup["status"], "creating");
    assert_eq!(backup["active"], false);
    assert_eq!(backup["size"], 0);
    assert_eq!(backup["scalet"], 12600);
    assert_eq!(backup["made_from"], "ubuntu_14.04_64_002_master");
    let id = backup["id"].as_str().unwrap().to_string();
    assert_eq!(
        sim.vscale("GET", "/scalets/12600", None).json()["locked"],
        true
    );
    let task = sim.wait_task(resp.header("VSCALE-TASK-ID").unwrap());
    assert_eq!(task["method"], "scalet_backup");
    let backup = sim.vscale("GET", &format!("/backups/{id}"), None).json();
    assert_eq!(backup["status"], "finished");
    assert_eq!(backup["active"], true);
    assert_eq!(backup["size"], 30); // medium: 30720 MB disk
    assert_eq!(sim.vscale("GET", "/backups", None).json(), json!([backup]));

    let resp = sim.vscale(
        "PATCH",
        "/scalets/12600/rebuild",
        Some(json!({"make_from": id})),
    );
    assert_eq!(resp.status, 200);
    let task = sim.wait_task(resp.header("VSCALE-TASK-ID").unwrap());
    assert_eq!(task["method"], "scalet_rebuild");
    let resp = sim.vscale(
        "PATCH",
        "/scalets/12600/rebuild",
        Some(json!({"make_from": "missing"})),
    );
    assert_eq!(resp.status, 404);
    let resp = sim.vscale(
        "PATCH",
        "/scalets/12600/rebuild",
        Some(json!({"password": "Secret123"})),
    );
    assert_eq!(resp.status, 200);
    sim.wait_task(resp.header("VSCALE-TASK-ID").unwrap());

    sim.create_scalet(
        json!({"make_from": "ubuntu_22.04_64_001_master", "rplan": "small",
        "name": "moscow", "location": "msk0"}),
    );
    let resp = sim.vscale(
        "PATCH",
        "/scalets/12601/rebuild",
        Some(json!({"make_from": id})),
    );
    assert_eq!(resp.status, 400);
    assert_eq!(
        resp.header("Vscale-Error-Message"),
        Some("backup is in another location")
    );

    let resp = sim.vscale("DELETE", &format!("/backups/{id}"), None);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["id"], id.as_str());
    assert_eq!(
        sim.vscale("GET", &format!("/backups/{id}"), None).status,
        404
    );
}

#[test]
fn ssh_keys_and_adding_keys_to_a_scalet() {
    let sim = Sim::start();
    let resp = sim.vscale(
        "POST",
        "/sshkeys",
        Some(json!({"key": "not a key", "name": "bad"})),
    );
    assert_eq!(resp.status, 400);
    assert!(resp.header("Vscale-Error-Message").is_some());
    let first = sim
        .vscale(
            "POST",
            "/sshkeys",
            Some(json!({"key": ED25519, "name": "one"})),
        )
        .json();
    let rsa = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 two";
    let second = sim
        .vscale("POST", "/sshkeys", Some(json!({"key": rsa, "name": "two"})))
        .json();
    assert_eq!(
        (first["id"].as_u64(), second["id"].as_u64()),
        (Some(92), Some(93))
    );
    assert_eq!(
        sim.vscale("GET", "/sshkeys", None).json(),
        json!([first, second])
    );

    let mut body = medium_spb("keys");
    body["keys"] = json!([92]);
    sim.create_scalet(body);
    let resp = sim.vscale("PATCH", "/scalets/12600", Some(json!({"keys": [93, 92]})));
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.json()["keys"],
        json!([{"id": 92, "name": "one"}, {"id": 93, "name": "two"}])
    );

    let resp = sim.vscale("DELETE", "/sshkeys/93", None);
    assert_eq!(resp.status, 204);
    assert_eq!(resp.body, "");
    assert_eq!(sim.vscale("DELETE", "/sshkeys/93", None).status, 404);
}

#[test]
fn catalog_account_and_balance() {
    let sim = Sim::start();
    let images = sim.vscale("GET", "/images", None).json();
    let ids: Vec<&str> = images
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    for id in [
        "ubuntu_14.04_64_002_master",
        "ubuntu_22.04_64_001_master",
        "debian_8.1_64_001_master",
        "debian_12_64_001_master",
        "centos_7.1_64_001_master",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    let rplans = sim.vscale("GET", "/rplans", None).json();
    let plans: Vec<&str> = rplans
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(plans, ["small", "medium", "large", "huge", "monster"]);
    let memory: Vec<u64> = rplans
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["memory"].as_u64().unwrap())
        .collect();
    assert!(memory.windows(2).all(|w| w[0] < w[1]));
    let locations = sim.vscale("GET", "/locations", None).json();
    assert_eq!(locations[0]["id"], "spb0");
    assert_eq!(locations[0]["private_networking"], true);
    assert_eq!(
        sim.vscale("GET", "/account", None).json()["info"]["email"],
        "ops@example.com"
    );
    let balance = sim.vscale("GET", "/billing/balance", None).json();
    assert_eq!(balance["balance"], 150000);
    assert_eq!(balance["status"], "ok");
}

#[test]
fn forced_task_failure_leaves_the_scalet_defined_and_unlocked() {
    let sim = Sim::start();
    let resp = sim.ctl(
        "POST",
        "/vscale/fail_next_tasks",
        Some(json!({"count": 1, "method": "scalet_create"})),
    );
    assert_eq!(resp.status, 200);
    let resp = sim.vscale("POST", "/scalets", Some(medium_spb("doomed")));
    let task = sim.wait_task(resp.header("VSCALE-TASK-ID").unwrap());
    assert_eq!(
        (task["done"].clone(), task["error"].clone()),
        (json!(true), json!(true))
    );
    let scalet = sim.vscale("GET", "/scalets/12600", None).json();
    assert_eq!(scalet["status"], "defined");
    assert_eq!(scalet["active"], false);
    assert_eq!(scalet["locked"], false);

    // A failed upgrade keeps the old plan; the rule was used up by the create.
    sim.ctl("POST", "/vscale/fail_next_tasks", Some(json!({"count": 1})));
    let resp = sim.vscale(
        "POST",
        "/scalets/12600/upgrade",
        Some(json!({"rplan": "huge"})),
    );
    let task = sim.wait_task(resp.header("VSCALE-TASK-ID").unwrap());
    assert_eq!(task["error"], true);
    assert_eq!(
        sim.vscale("GET", "/scalets/12600", None).json()["rplan"],
        "medium"
    );
    let bad = sim.ctl(
        "POST",
        "/vscale/fail_next_tasks",
        Some(json!({"method": "scalet_fly"})),
    );
    assert_eq!(bad.status, 400);
}

#[test]
fn out_of_band_drift_patch_and_delete() {
    let sim = Sim::start();
    sim.create_scalet(medium_spb("drift"));
    let resp = sim.ctl(
        "PATCH",
        "/vscale/scalets/12600",
        Some(json!({"status": "stopped", "rplan": "large", "name": "renamed"})),
    );
    assert_eq!(resp.status, 200);
    let scalet = sim.vscale("GET", "/scalets/12600", None).json();
    assert_eq!(
        (
            scalet["status"].as_str(),
            scalet["rplan"].as_str(),
            scalet["name"].as_str()
        ),
        (Some("stopped"), Some("large"), Some("renamed"))
    );
    assert_eq!(
        sim.ctl("GET", "/state", None).json()["vscale"]["scalets"],
        json!([scalet])
    );
    let resp = sim.ctl(
        "PATCH",
        "/vscale/scalets/12600",
        Some(json!({"locked": "yes"})),
    );
    assert_eq!(resp.status, 400);
    assert_eq!(
        sim.ctl("PATCH", "/vscale/scalets/1", Some(json!({})))
            .status,
        404
    );
    assert_eq!(sim.ctl("DELETE", "/vscale/scalets/12600", None).status, 200);
    assert_eq!(sim.vscale("GET", "/scalets/12600", None).status, 404);
    assert_eq!(sim.ctl("DELETE", "/vscale/scalets/12600", None).status, 404);
    assert_eq!(sim.ctl("DELETE", "/vscale/sshkeys/92", None).status, 404);
}
