//! Faults that let the cloud do the work and then lose the answer (`after`), the
//! exact-path filter, busy answers in each cloud's shape, proxy pages, and random
//! faults (`/_sim/chaos`) with their figures.

mod common;

use common::{Sim, TOKEN};
use serde_json::{json, Value};

fn scalet_body(name: &str) -> Value {
    json!({"make_from": "ubuntu_22.04_64_001_master", "rplan": "small", "name": name, "location": "spb0"})
}

fn log(sim: &Sim) -> Vec<Value> {
    sim.ctl("GET", "/requests", None)
        .json()
        .as_array()
        .cloned()
        .unwrap()
}

#[test]
fn status_after_runs_the_create_then_answers_the_fault() {
    let sim = Sim::start();
    let rule =
        json!({"status": 503, "after": true, "method": "POST", "path": "/vscale/v1/scalets"});
    assert_eq!(sim.ctl("POST", "/faults", Some(rule)).status, 200);
    let resp = sim.vscale("POST", "/scalets", Some(scalet_body("lost-1")));
    assert_eq!(resp.status, 503);
    assert_eq!(
        resp.header("Vscale-Error-Message"),
        Some("injected fault 503")
    );
    // The scalet was made all the same.
    let scalets = sim.vscale("GET", "/scalets", None).json();
    assert_eq!(scalets.as_array().unwrap().len(), 1, "{scalets}");
    assert_eq!(scalets[0]["name"], "lost-1");
    let entries = log(&sim);
    assert_eq!(entries[0]["status"], 503);
    assert_eq!(entries[0]["fault"], "503_after");
    assert_eq!(entries[0]["processed"], true);
    assert_eq!(entries[1]["fault"], Value::Null);
}

#[test]
fn drop_after_runs_the_create_then_closes_the_connection() {
    let sim = Sim::start();
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"drop": true, "after": true, "cloud": "vscale", "method": "POST"})),
    );
    let body = scalet_body("lost-2").to_string();
    let headers = [("X-Token", TOKEN), ("Content-Type", "application/json")];
    let result = sim.raw("POST", "/vscale/v1/scalets", &headers, &body);
    assert!(result.is_err(), "expected no answer, got {result:?}");
    let scalets = sim.vscale("GET", "/scalets", None).json();
    assert_eq!(scalets.as_array().unwrap().len(), 1, "{scalets}");
    let entries = log(&sim);
    assert_eq!(
        (
            entries[0]["status"].clone(),
            entries[0]["fault"].clone(),
            entries[0]["processed"].clone()
        ),
        (json!(0), json!("drop_after"), json!(true))
    );
}

#[test]
fn a_fault_before_processing_does_nothing_and_says_so() {
    let sim = Sim::start();
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"status": 503, "method": "POST"})),
    );
    assert_eq!(
        sim.vscale("POST", "/scalets", Some(scalet_body("x")))
            .status,
        503
    );
    assert_eq!(sim.vscale("GET", "/scalets", None).json(), json!([]));
    assert_eq!(log(&sim)[0]["processed"], false);
}

#[test]
fn exact_path_leaves_sub_paths_alone() {
    let sim = Sim::start();
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"status": 500, "path": "/vscale/v1/scalets"})),
    );
    assert_eq!(sim.vscale("GET", "/scalets/1", None).status, 404);
    assert_eq!(sim.vscale("GET", "/tasks", None).status, 200);
    assert_eq!(sim.vscale("GET", "/scalets", None).status, 500);
}

#[test]
fn busy_answers_come_in_each_clouds_own_shape() {
    let sim = Sim::start();
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"busy": true, "cloud": "vscale"})),
    );
    let resp = sim.vscale("GET", "/scalets", None);
    assert_eq!(resp.status, 409);
    assert!(resp
        .header("Vscale-Error-Message")
        .is_some_and(|m| m.contains("locked")));

    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"busy": true, "cloud": "inet"})),
    );
    let resp = sim.raw("GET", "/inet/api/gateway/v1/vps", &[], "").unwrap();
    assert_eq!(resp.status, 409);
    assert!(resp.json()["meta"]["message"]
        .as_str()
        .unwrap()
        .contains("busy"));

    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"busy": true, "cloud": "zomro"})),
    );
    let resp = sim
        .raw("POST", "/zomro/billmgr", &[], "func=instances&out=json")
        .unwrap();
    assert_eq!(resp.status, 200);
    assert!(
        resp.body.contains("Request in process, please wait"),
        "{}",
        resp.body
    );

    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"busy": true, "cloud": "starvcenter"})),
    );
    let resp = sim
        .raw(
            "GET",
            "/starvcenter/services/cloudresource/cloudvm/x",
            &[],
            "",
        )
        .unwrap();
    let decoded = base64_json(&resp.body);
    assert_eq!(decoded["result"], "1");
    assert!(decoded["resultinfo"].as_str().unwrap().contains("locked"));
}

fn base64_json(text: &str) -> Value {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

#[test]
fn html_is_a_proxy_page_without_the_clouds_shape() {
    let sim = Sim::start();
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"html": true, "status": 404})),
    );
    let resp = sim.vscale("GET", "/scalets", None);
    assert_eq!(resp.status, 404);
    assert!(resp.header("Vscale-Error-Message").is_none());
    assert!(resp.body.starts_with("<html>"), "{}", resp.body);
    // After processing with no status: the real status, an undecodable body.
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"html": true, "after": true, "method": "POST"})),
    );
    let resp = sim.vscale("POST", "/scalets", Some(scalet_body("garbled")));
    assert_eq!(resp.status, 201);
    assert!(resp.body.starts_with("<html>"));
    assert_eq!(
        sim.vscale("GET", "/scalets", None)
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn chaos_serves_faults_at_its_rate_and_counts_them() {
    let sim = Sim::start();
    let config = json!({"seed": 42, "rate": 0.5, "kinds": ["503", "busy"], "clouds": ["vscale"]});
    assert_eq!(sim.ctl("POST", "/chaos", Some(config)).status, 200);
    let statuses: Vec<u16> = (0..60)
        .map(|_| sim.vscale("GET", "/scalets", None).status)
        .collect();
    let faulted = statuses.iter().filter(|s| **s != 200).count();
    assert!((15..=45).contains(&faulted), "{statuses:?}");
    assert!(statuses.iter().all(|s| [200, 503, 409].contains(s)));
    // Another cloud is left alone.
    for _ in 0..10 {
        let resp = sim.raw("GET", "/inet/api/gateway/v1/vps", &[], "").unwrap();
        assert_ne!(resp.status, 503);
    }
    let figures = sim.ctl("DELETE", "/chaos", None).json();
    assert_eq!(figures["requests"], 60);
    assert_eq!(figures["faults"], faulted as u64);
    assert_eq!(sim.vscale("GET", "/scalets", None).status, 200);
    let bad = json!({"seed": 1, "rate": 2.0});
    assert_eq!(sim.ctl("POST", "/chaos", Some(bad)).status, 400);
    let bad = json!({"seed": 1, "rate": 0.1, "kinds": ["teapot"]});
    assert_eq!(sim.ctl("POST", "/chaos", Some(bad)).status, 400);
}

#[test]
fn body_filter_picks_one_zomro_function_among_calls_to_the_same_path() {
    let sim = Sim::start();
    sim.ctl(
        "POST",
        "/faults",
        Some(json!({"status": 503, "cloud": "zomro", "body_contains": "func=instances.delete"})),
    );
    let read = sim
        .raw("POST", "/zomro/billmgr", &[], "func=instances&out=json")
        .unwrap();
    assert_ne!(read.status, 503);
    let delete = sim
        .raw(
            "POST",
            "/zomro/billmgr",
            &[],
            "func=instances.delete&elid=1&out=json",
        )
        .unwrap();
    assert_eq!(delete.status, 503);
}
