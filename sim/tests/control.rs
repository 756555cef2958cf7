//! End-to-end tests of the `/_sim` control API: faults, request log, reset,
//! config.

mod common;

use common::{Sim, TOKEN};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

fn statuses(sim: &Sim) -> Vec<u64> {
    let log = sim.ctl("GET", "/requests", None).json();
    log.as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_u64().unwrap())
        .collect()
}

#[test]
fn health() {
    let sim = Sim::start();
    let resp = sim.ctl("GET", "/health", None);
    assert_eq!((resp.status, resp.json()), (200, json!({"ok": true})));
    assert_eq!(sim.ctl("GET", "/nothing", None).status, 404);
}

#[test]
fn status_fault_applies_count_times_in_the_clouds_shape() {
    let sim = Sim::start();
    let resp = sim.ctl("POST", "/faults", Some(json!({"count": 3, "status": 503})));
    assert_eq!((resp.status, resp.json()), (200, json!({"ok": true})));
    // Control requests neither consume faults nor get logged.
    assert_eq!(sim.ctl("GET", "/health", None).status, 200);
    for _ in 0..3 {
        let resp = sim.vscale("GET", "/scalets", None);
        assert_eq!(resp.status, 503);
        assert_eq!(
            resp.header("Vscale-Error-Message"),
            Some("injected fault 503")
        );
    }
    assert_eq!(sim.vscale("GET", "/scalets", None).status, 200);
    assert_eq!(statuses(&sim), [503, 503, 503, 200]);

    // Other clouds answer in their own shape.
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"count": 1, "status": 502, "cloud": "inet"})),
    );
    let resp = sim.raw("GET", "/inet/api/gateway/v1/vps", &[], "").unwrap();
    assert_eq!(resp.status, 502);
    assert_eq!(
        resp.json(),
        json!({"success": false, "data": null, "meta": {"message": "injected fault 502"}})
    );
}

#[test]
fn too_many_requests_with_retry_after() {
    let sim = Sim::start();
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"count": 1, "status": 429, "retry_after": 1})),
    );
    let resp = sim.vscale("GET", "/tasks", None);
    assert_eq!(resp.status, 429);
    assert_eq!(resp.header("Retry-After"), Some("1"));
    assert!(resp.header("Vscale-Error-Message").is_some());
    let resp = sim.vscale("GET", "/tasks", None);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("Retry-After"), None);
}

#[test]
fn retry_after_as_any_text_and_redirects_with_location() {
    let sim = Sim::start();
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"count": 1, "status": 429, "retry_after": "1e300"})),
    );
    let resp = sim.vscale("GET", "/tasks", None);
    assert_eq!(resp.status, 429);
    assert_eq!(resp.header("Retry-After"), Some("1e300"));
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"count": 1, "status": 307, "location": "http://localhost:1/vscale/v1/tasks"})),
    );
    let resp = sim.vscale("GET", "/tasks", None);
    assert_eq!(resp.status, 307);
    assert_eq!(
        resp.header("Location"),
        Some("http://localhost:1/vscale/v1/tasks")
    );
    // A Location without a 3xx status is refused.
    let refused = sim.ctl(
        "POST",
        "/faults",
        Some(json!({"status": 200, "location": "http://x/"})),
    );
    assert_eq!(refused.status, 400);
}

#[test]
fn request_log_entries_carry_start_and_end_times() {
    let sim = Sim::start();
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"count": 1, "latency_ms": 300})),
    );
    sim.vscale("GET", "/tasks", None);
    let log = sim.ctl("GET", "/requests", None).json();
    let entry = &log[0];
    let (start, end) = (
        entry["started_ms"].as_u64().unwrap(),
        entry["ended_ms"].as_u64().unwrap(),
    );
    assert!(start > 1_600_000_000_000, "{entry}");
    assert!(
        end >= start + 300,
        "the latency is inside the entry: {entry}"
    );
}

#[test]
fn drop_closes_the_connection_without_an_answer() {
    let sim = Sim::start();
    sim.ctl("POST", "/faults", Some(json!({"count": 1, "drop": true})));
    let token = [("X-Token", TOKEN)];
    let result = sim.raw("POST", "/vscale/v1/scalets", &token, r#"{"name": "x"}"#);
    assert!(result.is_err(), "expected no response, got {result:?}");
    let log = sim.ctl("GET", "/requests", None).json();
    assert_eq!(log[0]["status"], 0);
    assert_eq!(log[0]["body"], json!({"name": "x"}));
    // Nothing was created, and the next request is served.
    assert_eq!(sim.vscale("GET", "/scalets", None).json(), json!([]));
}

#[test]
fn latency_delays_then_serves_normally() {
    let sim = Sim::start();
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"count": 1, "latency_ms": 700})),
    );
    let started = Instant::now();
    let resp = sim.vscale("GET", "/scalets", None);
    assert!(
        started.elapsed() >= Duration::from_millis(690),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(resp.status, 200);
    let started = Instant::now();
    sim.vscale("GET", "/scalets", None);
    assert!(started.elapsed() < Duration::from_millis(500));
}

#[test]
fn rules_are_fifo_and_filters_select_requests() {
    let sim = Sim::start();
    let rules = [
        json!({"count": 1, "status": 500, "path_contains": "/tasks"}),
        json!({"count": 1, "status": 502, "method": "get", "cloud": "vscale"}),
        json!({"count": 2, "status": 504}),
    ];
    for rule in rules {
        assert_eq!(sim.ctl("POST", "/faults", Some(rule)).status, 200);
    }
    assert_eq!(
        sim.ctl("GET", "/faults", None)
            .json()
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(sim.vscale("GET", "/scalets", None).status, 502); // rule 1 does not match
    assert_eq!(sim.vscale("GET", "/tasks", None).status, 500);
    assert_eq!(sim.vscale("GET", "/tasks", None).status, 504);
    assert_eq!(sim.vscale("GET", "/tasks", None).status, 504);
    assert_eq!(sim.vscale("GET", "/tasks", None).status, 200);

    sim.ctl("POST", "/faults", Some(json!({"count": 5, "status": 503})));
    assert_eq!(sim.ctl("DELETE", "/faults", None).status, 200);
    assert_eq!(sim.vscale("GET", "/tasks", None).status, 200);

    for bad in [
        json!({"count": 1}),
        json!({"count": 1, "status": 503, "cloud": "aws"}),
        json!({"stauts": 503}),
    ] {
        assert_eq!(sim.ctl("POST", "/faults", Some(bad)).status, 400);
    }
}

#[test]
fn request_log_decodes_bodies() {
    let sim = Sim::start();
    sim.vscale(
        "POST",
        "/sshkeys",
        Some(json!({"key": common::ED25519, "name": "k"})),
    );
    // base64 of {"vm.name":"web","vm.vcpu.num":2}
    let key_param = "eyJ2bS5uYW1lIjoid2ViIiwidm0udmNwdS5udW0iOjJ9";
    let form = format!("KEY_PARAM={}&other=a+b%21", key_param.replace('=', "%3D"));
    let form_ct = [
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("KEY_TOKEN", "t"),
    ];
    sim.raw(
        "POST",
        "/starvcenter/services/cloudresource/cloudvm/add?x=1",
        &form_ct,
        &form,
    )
    .unwrap();
    sim.raw("GET", "/zomro/billmgr", &[], "").unwrap();
    sim.raw(
        "POST",
        "/elsewhere",
        &[("Content-Type", "text/plain")],
        "plain words",
    )
    .unwrap();
    sim.ctl("GET", "/state", None);

    let log = sim.ctl("GET", "/requests", None).json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 4, "{log:?}");
    let seqs: Vec<u64> = log.iter().map(|e| e["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 2, 3, 4]);

    assert_eq!(log[0]["cloud"], "vscale");
    assert_eq!(log[0]["method"], "POST");
    assert_eq!(log[0]["path"], "/vscale/v1/sshkeys");
    assert_eq!(log[0]["body"]["name"], "k");
    assert_eq!(log[0]["headers"]["x-token"], TOKEN);
    assert_eq!(log[0]["status"], 201);

    assert_eq!(log[1]["cloud"], "starvcenter");
    assert_eq!(log[1]["query"], "x=1");
    assert_eq!(log[1]["headers"]["key_token"], "t");
    assert_eq!(
        log[1]["body"],
        json!({"KEY_PARAM": {"vm.name": "web", "vm.vcpu.num": 2}, "other": "a b!"})
    );

    assert_eq!(log[2]["cloud"], "zomro");
    assert_eq!(log[2]["body"], Value::Null);
    assert_eq!(log[3]["cloud"], "unknown");
    assert_eq!(log[3]["status"], 404);
    assert_eq!(log[3]["body"], "plain words");

    assert_eq!(sim.ctl("DELETE", "/requests", None).status, 200);
    assert_eq!(sim.ctl("GET", "/requests", None).json(), json!([]));
}

#[test]
fn reset_restores_the_startup_state() {
    let sim = Sim::start();
    sim.vscale(
        "POST",
        "/sshkeys",
        Some(json!({"key": common::ED25519, "name": "k"})),
    );
    sim.ctl("POST", "/config", Some(json!({"task_ms": 60000})));
    let resp = sim.vscale(
        "POST",
        "/scalets",
        Some(json!({"make_from": "ubuntu_22.04_64_001_master",
        "rplan": "small", "name": "a", "location": "spb0"})),
    );
    assert_eq!(resp.status, 201);
    sim.ctl("POST", "/vscale/tokens", Some(json!({"token": "extra"})));
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"count": 9, "status": 503, "path_contains": "/images"})),
    );
    sim.ctl("POST", "/vscale/fail_next_tasks", Some(json!({"count": 1})));

    assert_eq!(sim.ctl("POST", "/reset", None).json(), json!({"ok": true}));
    let state = sim.ctl("GET", "/state", None).json();
    assert_eq!(
        state["vscale"],
        json!({"scalets": [], "sshkeys": [], "backups": [], "tasks": []})
    );
    assert_eq!(state["inet"], json!({"vps": []}));
    assert_eq!(
        state["zomro"],
        json!({"instances": [], "sessions": {"active": 0, "expired": 0}})
    );
    assert_eq!(state["starvcenter"]["vms"], json!([]));
    assert_eq!(state["starvcenter"]["tasks"], json!([]));
    assert_eq!(sim.ctl("GET", "/requests", None).json(), json!([]));
    assert_eq!(sim.vscale("GET", "/images", None).status, 200);
    assert_eq!(sim.vscale_as("extra", "GET", "/images", None).status, 401);
    // ids restart, the fail rule is gone and tasks are short again (200 ms).
    let key = sim.vscale(
        "POST",
        "/sshkeys",
        Some(json!({"key": common::ED25519, "name": "k"})),
    );
    assert_eq!(key.json()["id"], 92);
    let started = Instant::now();
    let scalet = sim.create_scalet(json!({"make_from": "ubuntu_22.04_64_001_master",
        "rplan": "small", "name": "a", "location": "spb0"}));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(scalet["ctid"], 12600);
    assert_eq!(scalet["status"], "started");
}

#[test]
fn config_changes_the_duration_of_new_tasks() {
    let sim = Sim::start_with(&["--task-ms", "60000"]);
    let resp = sim.ctl("POST", "/config", Some(json!({"task_ms": 100})));
    assert_eq!(resp.status, 200);
    let started = Instant::now();
    let scalet = sim.create_scalet(json!({"make_from": "debian_12_64_001_master",
        "rplan": "small", "name": "fast", "location": "msk0"}));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(scalet["status"], "started");
    assert_eq!(
        sim.ctl("POST", "/config", Some(json!({"task_ms": "x"})))
            .status,
        400
    );
}

#[test]
fn state_renders_objects_as_the_api_does() {
    let sim = Sim::start();
    let scalet = sim.create_scalet(json!({"make_from": "debian_12_64_001_master",
        "rplan": "small", "name": "s", "location": "spb0"}));
    let tasks = sim.vscale("GET", "/tasks", None).json();
    let state = sim.ctl("GET", "/state", None).json();
    assert_eq!(state["vscale"]["scalets"], json!([scalet]));
    assert_eq!(state["vscale"]["tasks"], tasks);
}
