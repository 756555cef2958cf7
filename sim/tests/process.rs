//! The process contract and the not-yet-implemented APIs' error shapes.

mod common;

use base64::Engine as _;
use common::Sim;
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

#[test]
fn prints_one_line_and_exits_cleanly_on_sigterm() {
    let sim = Sim::start();
    assert_eq!(
        sim.first_line,
        format!("polycloud-sim listening on http://127.0.0.1:{}\n", sim.port)
    );
    assert_eq!(sim.ctl("GET", "/health", None).status, 200);
    let status = sim.terminate();
    assert!(status.success(), "{status:?}");
}

#[test]
fn bad_arguments_exit_with_usage() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_polycloud-sim"))
        .args(["--port", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("usage"));
    assert!(out.stdout.is_empty());
}

#[test]
fn keep_alive_serves_several_requests_on_one_connection() {
    let sim = Sim::start();
    let mut stream = TcpStream::connect(("127.0.0.1", sim.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let request = "GET /_sim/health HTTP/1.1\r\nHost: x\r\n\r\n";
    stream
        .write_all(format!("{request}{request}").as_bytes())
        .unwrap();
    let mut seen = String::new();
    let mut buf = [0u8; 4096];
    while seen.matches("HTTP/1.1 200").count() < 2 {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "connection closed after {seen:?}");
        seen.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
}

#[test]
fn zomro_errors_answer_200_with_doc_error() {
    let sim = Sim::start();
    let form = [("Content-Type", "application/x-www-form-urlencoded")];
    let resp = sim
        .raw("POST", "/zomro/billmgr", &form, "func=auth&out=json")
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.json(),
        json!({"doc": {"error": {"$type": "auth", "$object": "", "$lang": "en",
        "msg": {"$": "Invalid username or password"}}}})
    );
}

#[test]
fn starvcenter_answers_200_with_base64_json() {
    let sim = Sim::start();
    let resp = sim
        .raw(
            "GET",
            "/starvcenter/services/cloudresource/cloudvm/search",
            &[],
            "",
        )
        .unwrap();
    assert_eq!(resp.status, 200);
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(resp.body.trim())
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&decoded).unwrap();
    // No KEY_TOKEN: the document's "1003" answer.
    assert_eq!(value["result"], "1003");
    assert!(value["resultinfo"].is_string());
}

#[test]
fn unknown_prefix_is_404() {
    let sim = Sim::start();
    for path in ["/", "/vscale/v2/scalets", "/vscalev1", "/inet/api"] {
        assert_eq!(sim.raw("GET", path, &[], "").unwrap().status, 404, "{path}");
    }
}
