//! The Zomro BILLmanager API as the simulator serves it (seeds/002, SPEC §6).

mod common;

use common::Sim;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const ALMA: &str = "18d0ee2e-4d57-4f40-9b56-03c1773b5831";
const UBUNTU: &str = "6f1c2a9e-2b1d-4d8e-9a57-20c4a1b0e204";
const DEBIAN: &str = "c9a4d1e7-8b3f-4e20-a6d5-12f0b7e4d012";

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// POSTs a form to the endpoint; answers HTTP status and JSON.
fn post(sim: &Sim, fields: &[(&str, &str)]) -> (u16, Value) {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let headers = [("Content-Type", "application/x-www-form-urlencoded")];
    let resp = sim
        .raw("POST", "/zomro/billmgr", &headers, &body.join("&"))
        .expect("zomro request");
    (resp.status, resp.json())
}

/// A call with the permanent token and `out=json`.
fn call(sim: &Sim, func: &str, extra: &[(&str, &str)]) -> Value {
    let mut fields = vec![("func", func), ("auth", "sim-zomro-token"), ("out", "json")];
    fields.extend_from_slice(extra);
    let (status, body) = post(sim, &fields);
    assert_eq!(status, 200, "{body}");
    body
}

fn error_msg(body: &Value) -> String {
    body["doc"]["error"]["msg"]["$"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn order(sim: &Sim, name: &str) -> String {
    let body = call(
        sim,
        "v2.instances.order.param",
        &[
            ("sok", "ok"),
            ("skipbasket", "on"),
            ("pricelist", "6143"),
            ("datacenter", "1"),
            ("servername", name),
            ("instances_os", UBUNTU),
            ("password", "Mypassword1"),
        ],
    );
    assert!(body["doc"]["ok"].is_object(), "{body}");
    body["doc"]["id"]["$"].as_str().unwrap().to_string()
}

fn status_of(sim: &Sim, id: &str) -> String {
    let state = sim.ctl("GET", "/state", None).json();
    state["zomro"]["instances"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .map(|i| i["instance_status"].as_str().unwrap().to_string())
        .unwrap_or_else(|| "gone".into())
}

fn wait_status(sim: &Sim, id: &str, wanted: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while status_of(sim, id) != wanted {
        assert!(Instant::now() < deadline, "{id} never became {wanted}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn auth_sessions_expire_and_errors_come_with_http_200() {
    let sim = Sim::start();
    let (status, body) = post(
        &sim,
        &[
            ("func", "auth"),
            ("username", "sim-zomro-user"),
            ("password", "nope"),
            ("out", "json"),
        ],
    );
    assert_eq!(status, 200);
    assert_eq!(body["doc"]["error"]["$type"], "auth");
    let (_, body) = post(
        &sim,
        &[
            ("func", "auth"),
            ("username", "sim-zomro-user"),
            ("password", "Sim-zomro-pass1"),
            ("out", "json"),
        ],
    );
    let session = body["doc"]["auth"]["$"].as_str().unwrap().to_string();
    assert_eq!(body["doc"]["auth"]["$id"], session.as_str());
    let (_, who) = post(
        &sim,
        &[("func", "whoami"), ("auth", &session), ("out", "json")],
    );
    assert_eq!(who["doc"]["user"]["$name"], "sim-zomro-user");

    let expired = sim.ctl("POST", "/zomro/expire_sessions", None).json();
    assert_eq!(expired["expired"], 1);
    let (status, body) = post(
        &sim,
        &[("func", "instances"), ("auth", &session), ("out", "json")],
    );
    assert_eq!(status, 200);
    assert_eq!(body["doc"]["error"]["$type"], "auth");
    assert!(error_msg(&body).contains("expired"), "{body}");
    // The permanent token is not a session: it still works.
    assert_eq!(call(&sim, "instances", &[])["doc"]["p_elems"]["$"], "0");
    // Unknown function, missing out=json.
    assert_eq!(call(&sim, "nope", &[])["doc"]["error"]["$object"], "func");
    let (_, body) = post(&sim, &[("func", "instances"), ("auth", "sim-zomro-token")]);
    assert_eq!(body["doc"]["error"]["$object"], "out");
}

#[test]
fn order_passes_through_creating_and_building_to_active() {
    let sim = Sim::start_with(&["--task-ms", "600"]);
    let id = order(&sim, "web-1");
    assert_eq!(id, "5113119");
    assert_eq!(status_of(&sim, &id), "creating");
    wait_status(&sim, &id, "building");
    wait_status(&sim, &id, "active");
    // One element: `elem` is an object, not a list.
    let list = call(&sim, "instances", &[]);
    let elem = &list["doc"]["elem"];
    assert!(elem.is_object(), "{list}");
    assert_eq!(elem["name"]["$"], "web-1");
    assert_eq!(elem["instance_status"]["$"], "active");
    assert_eq!(elem["instances_os"]["$"], UBUNTU);
    assert_eq!(elem["pricelist"]["$"], "6143");
    assert_eq!(elem["datacenter"]["$"], "1");
    // Without sok=ok nothing is ordered; without skipbasket=on it is refused.
    call(&sim, "v2.instances.order.param", &[("pricelist", "6143")]);
    let body = call(
        &sim,
        "v2.instances.order.param",
        &[("sok", "ok"), ("pricelist", "6143")],
    );
    assert_eq!(body["doc"]["error"]["$object"], "skipbasket");
    assert_eq!(call(&sim, "instances", &[])["doc"]["p_elems"]["$"], "1");
    // Password rule at order too.
    let body = call(
        &sim,
        "v2.instances.order.param",
        &[
            ("sok", "ok"),
            ("skipbasket", "on"),
            ("pricelist", "6143"),
            ("datacenter", "1"),
            ("servername", "x"),
            ("instances_os", UBUNTU),
            ("password", "short1A"),
        ],
    );
    assert_eq!(body["doc"]["error"]["$object"], "password");
    // An OS not offered in the data centre.
    let body = call(
        &sim,
        "v2.instances.order.param",
        &[
            ("sok", "ok"),
            ("skipbasket", "on"),
            ("pricelist", "6143"),
            ("datacenter", "2"),
            ("servername", "x"),
            ("instances_os", DEBIAN),
            ("password", "Mypassword1"),
        ],
    );
    assert_eq!(body["doc"]["error"]["$object"], "instances_os");
}

#[test]
fn list_is_paged_with_p_num_and_p_cnt() {
    let sim = Sim::start_with(&["--task-ms", "0"]);
    for n in 0..5 {
        order(&sim, &format!("s{n}"));
    }
    let page = call(&sim, "instances", &[("p_cnt", "2"), ("p_num", "3")]);
    assert_eq!(page["doc"]["p_elems"]["$"], "5");
    assert_eq!(page["doc"]["elem"]["name"]["$"], "s4", "{page}");
    let page = call(&sim, "instances", &[("p_cnt", "2"), ("p_num", "1")]);
    assert_eq!(page["doc"]["elem"].as_array().unwrap().len(), 2);
}

#[test]
fn rebuild_follows_the_document() {
    let sim = Sim::start_with(&["--task-ms", "300"]);
    let id = order(&sim, "web");
    wait_status(&sim, &id, "active");
    let base = [
        ("elid", id.as_str()),
        ("sok", "ok"),
        ("zone", "image"),
        ("select_rebuild", ALMA),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut fields = base.to_vec();
        fields.extend_from_slice(extra);
        call(&sim, "instances.fleio.rebuild", &fields)
    };
    // enablessh is obligatory; off needs a password; on needs ssh_keys.
    assert_eq!(with(&[])["doc"]["error"]["$object"], "enablessh");
    assert_eq!(
        with(&[("enablessh", "off")])["doc"]["error"]["$object"],
        "password"
    );
    assert_eq!(
        with(&[("enablessh", "on")])["doc"]["error"]["$object"],
        "ssh_keys"
    );
    for weak in ["mypassword1", "Mypassword", "Mypass1"] {
        let body = call(
            &sim,
            "instances.fleio.rebuild",
            &[base.as_slice(), &[("enablessh", "off"), ("password", weak)]].concat(),
        );
        assert_eq!(
            body["doc"]["error"]["$object"], "password",
            "{weak}: {body}"
        );
    }
    assert_eq!(
        with(&[("enablessh", "on"), ("ssh_keys", "999")])["doc"]["error"]["$object"],
        "ssh_keys"
    );
    // The document's example.
    let body = with(&[("enablessh", "off"), ("password", "Mypassword1")]);
    assert!(body["doc"]["ok"].is_object(), "{body}");
    assert_eq!(status_of(&sim, &id), "rebuilding");
    // Busy while it runs.
    let busy = call(&sim, "service.stop", &[("elid", &id)]);
    assert_eq!(error_msg(&busy), "Request in process, please wait");
    wait_status(&sim, &id, "active");
    let state = sim.ctl("GET", "/state", None).json();
    assert_eq!(state["zomro"]["instances"][0]["instances_os"], ALMA);
    // With a key.
    let body = with(&[("enablessh", "on"), ("ssh_keys", "490")]);
    assert!(body["doc"]["ok"].is_object(), "{body}");
    wait_status(&sim, &id, "active");
    let state = sim.ctl("GET", "/state", None).json();
    assert_eq!(state["zomro"]["instances"][0]["ssh_keys"], "490");
}

#[test]
fn power_changepricelist_delete_and_control_helpers() {
    let sim = Sim::start_with(&["--task-ms", "200"]);
    let id = order(&sim, "web");
    wait_status(&sim, &id, "active");
    call(&sim, "service.stop", &[("elid", &id)]);
    assert_eq!(status_of(&sim, &id), "stopping");
    wait_status(&sim, &id, "stopped");
    call(
        &sim,
        "service.changepricelist",
        &[("elid", &id), ("pricelist", "6144"), ("sok", "ok")],
    );
    assert_eq!(status_of(&sim, &id), "resizing");
    wait_status(&sim, &id, "stopped");
    call(&sim, "service.start", &[("elid", &id)]);
    wait_status(&sim, &id, "active");
    let state = sim.ctl("GET", "/state", None).json();
    assert_eq!(state["zomro"]["instances"][0]["pricelist"], "6144");
    assert_eq!(state["zomro"]["instances"][0]["ram"], "2048");

    // Queued errors (busy or any other) answer with HTTP 200.
    let r = sim.ctl(
        "POST",
        "/zomro/errors",
        Some(
            json!({"count": 1, "func": "instances", "message": "Request in process, please wait"}),
        ),
    );
    assert_eq!(r.status, 200);
    assert_eq!(
        error_msg(&call(&sim, "instances", &[])),
        "Request in process, please wait"
    );
    assert!(call(&sim, "instances", &[])["doc"]["elem"].is_object());
    // Drift by hand.
    let r = sim.ctl(
        "PATCH",
        &format!("/zomro/instances/{id}"),
        Some(json!({"instance_status": "stopped"})),
    );
    assert_eq!(r.json()["instance_status"], "stopped");

    call(&sim, "instances.delete", &[("elid", &id)]);
    assert_eq!(status_of(&sim, &id), "deleting");
    wait_status(&sim, &id, "gone");
    assert_eq!(
        call(&sim, "instances.delete", &[("elid", &id)])["doc"]["error"]["$type"],
        "missed"
    );
}

#[test]
fn pricelist_lists_plans_oses_and_keys_by_datacenter() {
    let sim = Sim::start();
    let all = call(&sim, "v2.instances.order.pricelist", &[]);
    assert_eq!(all["doc"]["pricelist"].as_array().unwrap().len(), 3);
    assert_eq!(all["doc"]["os"].as_array().unwrap().len(), 4);
    let usa = call(&sim, "v2.instances.order.pricelist", &[("datacenter", "2")]);
    assert_eq!(usa["doc"]["pricelist"].as_array().unwrap().len(), 2);
    assert_eq!(usa["doc"]["os"].as_array().unwrap().len(), 3);
    // One data centre: an object, not a list.
    assert_eq!(usa["doc"]["datacenter"]["id"]["$"], "2");
    assert_eq!(usa["doc"]["ssh_keys"][0]["id"]["$"], "490");
}

#[test]
fn the_documents_curl_example_works_as_multipart() {
    let sim = Sim::start();
    let id = order(&sim, "web");
    let boundary = "----curlboundary";
    let fields = [
        ("func", "instances.fleio.rebuild"),
        ("auth", "sim-zomro-token"),
        ("elid", id.as_str()),
        ("zone", "image"),
        ("select_rebuild", ALMA),
        ("enablessh", "off"),
        ("password", "Mypassword12"),
        ("sok", "ok"),
        ("out", "json"),
    ];
    let mut body = String::new();
    for (k, v) in fields {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    body.push_str(&format!("--{boundary}--\r\n"));
    wait_status(&sim, &id, "active");
    let ct = format!("multipart/form-data; boundary={boundary}");
    let resp = sim
        .raw(
            "POST",
            "/zomro/billmgr",
            &[("Content-Type", ct.as_str())],
            &body,
        )
        .unwrap();
    assert!(resp.json()["doc"]["ok"].is_object(), "{}", resp.body);
}
