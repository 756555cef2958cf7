//! Helpers of the StarVCenter end-to-end tests: provider blocks, the simulator's
//! StarVCenter state, its request log (KEY_PARAM decoded) and its control endpoints.

use serde_json::{json, Value};

use crate::harness::*;

/// The token of the simulator's seeded tenant.
pub const SVC_TOKEN: &str = "sim-starvcenter-token";

/// The path prefix of the StarVCenter API.
pub const SVC_BASE: &str = "/starvcenter/services/cloudresource";

/// A provider block for the simulator's StarVCenter with `token`.
pub fn svc_provider_with(sim: &Sim, token: &str) -> String {
    format!(
        "provider \"polycloud\" {{\n  cloud       = \"starvcenter\"\n  endpoint    = \"{}{SVC_BASE}\"\n  token       = \"{token}\"\n  max_retries = 2\n}}\n",
        sim.base
    )
}

/// A provider block for the simulator's StarVCenter.
pub fn svc_provider(sim: &Sim) -> String {
    svc_provider_with(sim, SVC_TOKEN)
}

/// `GET /_sim/state` → `starvcenter`.
pub fn svc_state(sim: &Sim) -> Value {
    sim.state()["starvcenter"].clone()
}

/// One collection of the StarVCenter state (`vms`, `vpcs`, `backups`, `tenants`, ...).
pub fn svc(sim: &Sim, collection: &str) -> Vec<Value> {
    svc_state(sim)[collection]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// StarVCenter requests with this method whose path ends with `suffix`.
pub fn svc_requests(sim: &Sim, method: &str, suffix: &str) -> Vec<Value> {
    sim.requests_to(
        method,
        &format!("{SVC_BASE}/{}", suffix.trim_start_matches('/')),
    )
}

/// Every StarVCenter request.
pub fn all_svc_requests(sim: &Sim) -> Vec<Value> {
    sim.requests()
        .into_iter()
        .filter(|r| r["cloud"] == "starvcenter")
        .collect()
}

/// A control call under `/_sim/starvcenter/` that must succeed.
pub fn svc_ctl(sim: &Sim, method: &str, path: &str, body: Option<Value>) -> Value {
    let (status, answer) = sim.call(method, &format!("/_sim/starvcenter/{path}"), body, &[]);
    assert_eq!(status, 200, "{method} {path}: {answer}");
    answer
}

/// Makes the next task of `kind` end with task-log code `result` and `resultinfo`.
pub fn svc_fail_next(sim: &Sim, kind: &str, result: u8, info: &str) {
    svc_ctl(
        sim,
        "POST",
        "fail_next_tasks",
        Some(json!({"kind": kind, "result": result, "resultinfo": info})),
    );
}
