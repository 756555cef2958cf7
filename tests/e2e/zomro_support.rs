//! Helpers for the Zomro end-to-end tests: provider blocks, the BILLmanager request
//! log (form bodies by `func`), instances in the simulator and its Zomro controls.

use serde_json::{json, Value};

use crate::harness::*;

/// The permanent session id the simulator accepts as `token`.
pub const ZOMRO_TOKEN: &str = "sim-zomro-token";
/// The simulator's `func=auth` user.
pub const ZOMRO_USER: &str = "sim-zomro-user";
/// Its password.
pub const ZOMRO_PASS: &str = "Sim-zomro-pass1";
/// OS UIDs of the simulator's catalog (AlmaLinux 8 is seeds/002's).
pub const ALMA: &str = "18d0ee2e-4d57-4f40-9b56-03c1773b5831";
pub const UBUNTU20: &str = "6f1c2a9e-2b1d-4d8e-9a57-20c4a1b0e204";
pub const UBUNTU22: &str = "b3e0a7c4-5d2f-4a61-8f0e-22d4c6e9a122";
/// A password that follows seeds/002's rule.
pub const VPS_PASSWORD: &str = "Mypassword1";

/// The Zomro endpoint of a simulator.
pub fn zomro_endpoint(sim: &Sim) -> String {
    format!("{}/zomro/billmgr", sim.base)
}

/// A provider block using the permanent session as `token`.
pub fn zomro_token_provider(sim: &Sim) -> String {
    format!(
        "provider \"polycloud\" {{\n  cloud    = \"zomro\"\n  endpoint = \"{}\"\n  token    = \"{ZOMRO_TOKEN}\"\n}}\n",
        zomro_endpoint(sim)
    )
}

/// A provider block signing in with `username`/`password`.
pub fn zomro_user_provider(sim: &Sim) -> String {
    format!(
        "provider \"polycloud\" {{\n  cloud    = \"zomro\"\n  endpoint = \"{}\"\n  username = \"{ZOMRO_USER}\"\n  password = \"{ZOMRO_PASS}\"\n}}\n",
        zomro_endpoint(sim)
    )
}

/// A `polycloud_vps.web` block; `extra` lines go inside.
pub fn zomro_vps(image: &str, plan: &str, location: &str, extra: &str) -> String {
    format!(
        "resource \"polycloud_vps\" \"web\" {{\n  name     = \"web-1\"\n  image    = \"{image}\"\n  plan     = \"{plan}\"\n  location = \"{location}\"\n{extra}}}\n"
    )
}

/// The password line for [`zomro_vps`].
pub fn password_line(password: &str) -> String {
    format!("  password = \"{password}\"\n")
}

/// Logged Zomro requests whose form `func` is `func`.
pub fn calls(sim: &Sim, func: &str) -> Vec<Value> {
    sim.requests()
        .into_iter()
        .filter(|r| r["cloud"] == "zomro" && r["body"]["func"] == func)
        .collect()
}

/// Logged Zomro requests that change something (not `instances`, the catalog,
/// `whoami` or `auth`).
pub fn writes(sim: &Sim) -> Vec<Value> {
    let reads = [
        "instances",
        "v2.instances.order.pricelist",
        "whoami",
        "auth",
    ];
    sim.requests()
        .into_iter()
        .filter(|r| r["cloud"] == "zomro")
        .filter(|r| !reads.iter().any(|f| r["body"]["func"] == *f))
        .collect()
}

/// The form field names of a logged request, sorted.
pub fn field_names(request: &Value) -> Vec<String> {
    let mut names: Vec<String> = request["body"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// The instances the simulator holds (flattened).
pub fn instances(sim: &Sim) -> Vec<Value> {
    sim.state()["zomro"]["instances"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// The one instance the simulator holds.
pub fn only_instance(sim: &Sim) -> Value {
    let all = instances(sim);
    assert_eq!(all.len(), 1, "expected exactly one instance: {all:#?}");
    all[0].clone()
}

/// Queues `count` `doc.error` answers (HTTP 200) for `func`.
pub fn queue_error(sim: &Sim, func: &str, count: u32, message: &str) {
    let body = json!({"count": count, "func": func, "message": message});
    let (status, answer) = sim.call("POST", "/_sim/zomro/errors", Some(body), &[]);
    assert_eq!(status, 200, "{answer}");
}

/// Expires every session `func=auth` handed out.
pub fn expire_sessions(sim: &Sim) -> u64 {
    let (status, answer) = sim.call("POST", "/_sim/zomro/expire_sessions", None, &[]);
    assert_eq!(status, 200, "{answer}");
    answer["expired"].as_u64().unwrap_or(0)
}

/// Changes an instance by hand.
pub fn patch_instance(sim: &Sim, id: &str, patch: Value) {
    let path = format!("/_sim/zomro/instances/{id}");
    let (status, answer) = sim.call("PATCH", &path, Some(patch), &[]);
    assert_eq!(status, 200, "{answer}");
}

/// Removes an instance by hand.
pub fn remove_instance(sim: &Sim, id: &str) {
    let path = format!("/_sim/zomro/instances/{id}");
    let (status, answer) = sim.call("DELETE", &path, None, &[]);
    assert_eq!(status, 200, "{answer}");
}
