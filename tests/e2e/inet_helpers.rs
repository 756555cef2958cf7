//! Helpers of the iNET end-to-end tests: the provider block, seeding servers in the
//! simulator (iNET's API cannot create them) and reading what the simulator holds.

use serde_json::{json, Value};

use crate::harness::*;

/// The API key the simulator's iNET gateway accepts.
pub const INET_TOKEN: &str = "sim-inet-token";

/// The simulator's iNET endpoint.
pub fn inet_endpoint(sim: &Sim) -> String {
    format!("{}/inet/api/gateway/v1", sim.base)
}

/// A provider block for the simulator's iNET gateway.
pub fn inet_provider(sim: &Sim) -> String {
    format!(
        "provider \"polycloud\" {{\n  cloud    = \"inet\"\n  endpoint = \"{}\"\n  token    = \"{INET_TOKEN}\"\n}}\n",
        inet_endpoint(sim)
    )
}

/// Seeds servers (`POST /_sim/inet/vps`); returns their details.
pub fn seed(sim: &Sim, body: Value) -> Vec<Value> {
    let (status, made) = sim.call("POST", "/_sim/inet/vps", Some(body), &[]);
    assert_eq!(status, 200, "{made}");
    made.as_array().cloned().unwrap_or_default()
}

/// Seeds one running server named `name`; returns its id.
pub fn seed_one(sim: &Sim, name: &str) -> String {
    seed(sim, json!({ "name": name }))[0]["id"].to_string()
}

/// Every iNET server the simulator holds (state view).
pub fn servers(sim: &Sim) -> Vec<Value> {
    sim.state()["inet"]["vps"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// One server's state view.
pub fn server(sim: &Sim, id: &str) -> Value {
    servers(sim)
        .into_iter()
        .find(|v| v["id"].as_u64().is_some_and(|n| n.to_string() == id))
        .unwrap_or_else(|| panic!("the simulator holds no iNET VPS {id}"))
}

/// A change made by hand (`PATCH /_sim/inet/vps/{id}`).
pub fn patch(sim: &Sim, id: &str, body: Value) {
    let (status, out) = sim.call("PATCH", &format!("/_sim/inet/vps/{id}"), Some(body), &[]);
    assert_eq!(status, 200, "{out}");
}

/// The server disappears by hand (`DELETE /_sim/inet/vps/{id}`).
pub fn remove(sim: &Sim, id: &str) {
    let (status, out) = sim.call("DELETE", &format!("/_sim/inet/vps/{id}"), None, &[]);
    assert_eq!(status, 200, "{out}");
}

/// A backup made by iNET's schedule; returns its Terraform id `<vps>/<backup>`.
pub fn seed_backup(sim: &Sim, vps: &str, name: &str) -> String {
    let (status, out) = sim.call(
        "POST",
        &format!("/_sim/inet/vps/{vps}/backups"),
        Some(json!({ "name": name })),
        &[],
    );
    assert_eq!(status, 200, "{out}");
    format!("{vps}/{}", out["id"])
}

/// Requests that changed something (not GET).
pub fn writes(sim: &Sim) -> Vec<Value> {
    sim.requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect()
}

/// `terraform output -json` as JSON.
pub fn outputs(ws: &Workspace) -> Value {
    let run = ws.tf(&["output", "-json"]).ok();
    let all: Value = serde_json::from_str(&run.stdout).expect("terraform output -json");
    let mut out = serde_json::Map::new();
    for (k, v) in all.as_object().cloned().unwrap_or_default() {
        out.insert(k, v["value"].clone());
    }
    Value::Object(out)
}
