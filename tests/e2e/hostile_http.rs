//! Hostile answers at the HTTP layer, measured in the simulator's request log: the
//! pause a `Retry-After` asks for is made (timestamps, not just order), values no
//! server should send (`1e300`, `-1`, `NaN`, garbage, an HTTP date) neither panic the
//! plugin nor wedge it, and a redirect to another host is refused before any
//! credential travels there.

use std::time::{Duration, SystemTime};

use serde_json::{json, Value};

use crate::harness::*;

fn locations(sim: &Sim) -> String {
    format!(
        "{}\ndata \"polycloud_locations\" \"all\" {{}}\n\noutput \"ids\" {{\n  value = data.polycloud_locations.all.ids\n}}\n",
        vscale_provider(sim)
    )
}

fn location_reads(sim: &Sim) -> Vec<Value> {
    sim.requests_to("GET", "/vscale/v1/locations")
}

/// What Terraform prints when a plugin panicked or stopped answering.
fn assert_no_crash(out: &str) {
    for sign in [
        "panicked",
        "Request cancelled",
        "Plugin did not respond",
        "failed to respond",
        "crashed",
    ] {
        assert!(!out.contains(sign), "the plugin crashed ({sign}):\n{out}");
    }
}

/// Milliseconds between the end of one logged request and the start of the next.
fn pause_ms(first: &Value, second: &Value) -> i64 {
    second["started_ms"].as_i64().unwrap() - first["ended_ms"].as_i64().unwrap()
}

#[test]
fn retry_after_pause_is_made_as_measured_by_the_simulator() {
    let sim = Sim::start();
    sim.fault(json!({"count": 1, "status": 429, "retry_after": 2, "cloud": "vscale", "method": "GET", "path_contains": "/locations"}));
    let ws = Workspace::new();
    ws.write(&locations(&sim));
    ws.apply().ok();
    let reads = location_reads(&sim);
    let statuses: Vec<_> = reads
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![429, 200], "{reads:#?}");
    let pause = pause_ms(&reads[0], &reads[1]);
    // Backoff alone would wait 125–250 ms; Retry-After: 2 asks for 2 s.
    assert!(
        (1900..10_000).contains(&pause),
        "Retry-After: 2 was not honoured: the retry came {pause} ms after the 429"
    );
}

#[test]
fn retry_after_from_a_hostile_server_neither_panics_nor_hangs() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&locations(&sim));
    // Unreadable values: the provider falls back to its own short backoff and succeeds.
    for value in ["-1", "NaN", "soon", "0x10", "-1e300", ""] {
        sim.clear_requests();
        sim.fault(json!({"count": 1, "status": 429, "retry_after": value, "cloud": "vscale", "method": "GET", "path_contains": "/locations"}));
        let run = ws.apply();
        assert_no_crash(&run.output());
        assert_eq!(run.code, 0, "Retry-After {value:?}:\n{}", run.output());
        let reads = location_reads(&sim);
        assert_eq!(reads.len(), 2, "Retry-After {value:?}: {reads:#?}");
        let pause = pause_ms(&reads[0], &reads[1]);
        assert!(
            pause < 1500,
            "Retry-After {value:?} made a {pause} ms pause"
        );
    }
    // A delay beyond any clock: no wait of 10^300 s, no panic, the answer is an error.
    sim.clear_requests();
    sim.fault(json!({"count": 1, "status": 429, "retry_after": "1e300", "cloud": "vscale", "method": "GET", "path_contains": "/locations"}));
    let run = ws.apply();
    let out = run.output();
    assert_no_crash(&out);
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("429"), "{out}");
    assert_eq!(location_reads(&sim).len(), 1);
    // An HTTP date two seconds ahead is a pause of about two seconds.
    sim.clear_requests();
    let date = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3));
    sim.fault(json!({"count": 1, "status": 429, "retry_after": date, "cloud": "vscale", "method": "GET", "path_contains": "/locations"}));
    let run = ws.apply();
    assert_no_crash(&run.output());
    assert_eq!(run.code, 0, "{}", run.output());
    let reads = location_reads(&sim);
    assert_eq!(reads.len(), 2, "{reads:#?}");
    let pause = pause_ms(&reads[0], &reads[1]);
    assert!(
        (1000..10_000).contains(&pause),
        "Retry-After {date:?} made a {pause} ms pause"
    );
}

#[test]
fn redirect_to_another_host_is_refused_before_the_token_travels() {
    let sim = Sim::start();
    let port = sim.base.rsplit(':').next().unwrap().to_string();
    // The same simulator under another host name: were the redirect followed, the
    // request log would show the token arriving at "localhost".
    let elsewhere = format!("http://localhost:{port}/vscale/v1/locations");
    sim.fault(json!({"count": 1, "status": 307, "location": elsewhere, "cloud": "vscale", "method": "GET", "path_contains": "/locations"}));
    let ws = Workspace::new();
    ws.write(&locations(&sim));
    let run = ws.apply();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(
        out.contains("redirected to") && out.contains("another host"),
        "{out}"
    );
    let hosts: Vec<String> = sim
        .requests()
        .iter()
        .map(|r| {
            r["headers"]["host"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    assert!(
        hosts.iter().all(|h| h.starts_with("127.0.0.1:")),
        "a request followed the redirect to another host: {hosts:?}"
    );
    assert_eq!(location_reads(&sim).len(), 1);

    // Within the same origin the redirect is followed.
    sim.clear_requests();
    let same = format!("{}/vscale/v1/locations", sim.base);
    sim.fault(json!({"count": 1, "status": 307, "location": same, "cloud": "vscale", "method": "GET", "path_contains": "/locations"}));
    ws.apply().ok();
    let statuses: Vec<_> = location_reads(&sim)
        .iter()
        .map(|r| r["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses, vec![307, 200]);
}

#[test]
fn credentials_in_the_endpoint_url_never_reach_errors_or_logs() {
    // Nothing listens on port 1: the connect error carries the URL.
    let mut ws = Workspace::new();
    ws.env("TF_LOG", "TRACE");
    ws.env(
        "TF_VAR_endpoint",
        "http://admin:Url-Pa55word@127.0.0.1:1/vscale/v1",
    );
    ws.write(&format!(
        "variable \"endpoint\" {{\n  type      = string\n  sensitive = true\n}}\n\nprovider \"polycloud\" {{\n  cloud       = \"vscale\"\n  endpoint    = var.endpoint\n  token       = \"{VSCALE_TOKEN}\"\n  max_retries = 0\n}}\n\ndata \"polycloud_locations\" \"all\" {{}}\n"
    ));
    let run = ws.apply();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("cannot reach"), "{out}");
    assert!(
        !out.contains("Url-Pa55word"),
        "the URL's password leaked:\n{out}"
    );
    assert_no_crash(&out);
}
