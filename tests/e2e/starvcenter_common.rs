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

/// Calls the StarVCenter API itself, as the document describes it (KEY_TOKEN header,
/// KEY_PARAM = base64(JSON) form field on POST/PUT), and returns the decoded answer:
/// the simulator's own view to compare data sources with.
pub fn svc_api(sim: &Sim, method: &str, path: &str, params: Option<Value>) -> Value {
    use base64::Engine;
    use std::io::{Read, Write};
    let b64 = base64::engine::general_purpose::STANDARD;
    let body = params
        .map(|p| {
            let encoded = b64.encode(p.to_string());
            let encoded: String =
                url::form_urlencoded::byte_serialize(encoded.as_bytes()).collect();
            format!("KEY_PARAM={encoded}")
        })
        .unwrap_or_default();
    let host = sim.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).expect("connect to simulator");
    let request = format!(
        "{method} {SVC_BASE}/{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nKEY_TOKEN: {SVC_TOKEN}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    let (_, text) = raw.split_once("\r\n\r\n").expect("an HTTP answer");
    let decoded = b64.decode(text.trim()).expect("a base64 body");
    let answer: Value = serde_json::from_slice(&decoded).expect("base64(JSON)");
    assert_eq!(answer["result"], "0", "{method} {path}: {answer}");
    answer["data"].clone()
}

/// Asserts that a `plan -detailed-exitcode` failed on a read error (exit 1, "Cannot
/// read", the HTTP status), not on a plan that drops the object and creates it again
/// (exit 2).
pub fn assert_plan_fails_reading(run: TfRun, status: u16) {
    let out = run.output();
    assert_eq!(run.code, 1, "expected a read error (exit 1):\n{out}");
    assert!(out.contains("Cannot read"), "{out}");
    assert!(out.contains(&format!("HTTP {status}")), "{out}");
    assert!(!out.contains("will be created"), "{out}");
}
