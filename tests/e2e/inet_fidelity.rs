//! iNET where its document is silent (docs/design/wire.md, "iNET"): the same
//! configuration against each answer shape the simulator can serve
//! (`POST /_sim/inet/shape`): a snapshot or volume create answering the new object,
//! its id alone or nothing; a snapshot ready as `available` or `active`; status words
//! in any case; dates read at the clock's offset (`time_zone`); and answers the
//! provider cannot understand (a snapshot or backup listed without its id, a server
//! without its status, a `dataExtend` that is no JSON, a server list page without
//! `totalPages`), which fail the refresh and keep state, and an empty key or console
//! URL, which fails without showing a secret.

use serde_json::{json, Value};

use crate::harness::*;
use crate::inet_helpers::*;

/// 2026-03-25T14:07:09Z; iNET prints it `25/03/2026 14:07`.
const FIXED_MS: u64 = 1_774_447_629_000;

/// Sets answer shapes of the simulated iNET gateway.
fn shape(sim: &Sim, path: &str, body: Value) {
    let (status, answer) = sim.call("POST", &format!("/_sim/inet/{path}"), Some(body), &[]);
    assert_eq!(status, 200, "{answer}");
}

/// The configuration for server `vps` in `power`, `time_zone` written as `zone`.
fn config(sim: &Sim, vps: &str, power: &str, zone: &str) -> String {
    include_str!("fixtures/inet_fidelity.tf")
        .replace("ENDPOINT", &inet_endpoint(sim))
        .replace("TOKEN", INET_TOKEN)
        .replace("VPS_ID", vps)
        .replace("POWER", power)
        .replace("TIME_ZONE", zone)
}

#[test]
fn creates_are_read_whatever_their_answer_carries() {
    for (created, ready) in [
        ("object", "available"),
        ("bare_id", "active"),
        ("none", "available"),
    ] {
        let sim = Sim::start();
        shape(
            &sim,
            "shape",
            json!({ "created": created, "ready_word": ready }),
        );
        let vps = seed_one(&sim, "web");
        let mut ws = Workspace::new();
        let log = ws.path().join("terraform.log");
        ws.env("TF_LOG", "INFO");
        ws.env("TF_LOG_PATH", log.to_str().unwrap());
        ws.write(&config(&sim, &vps, "running", "null"));
        let run = ws.apply();
        assert_eq!(run.code, 0, "{created}/{ready}: {}", run.output());
        let held = server(&sim, &vps);
        let snapshot = held["snapshots"][0]["id"].to_string();
        let volume = held["volumes"][0]["id"].to_string();
        for (address, sub) in [
            ("polycloud_snapshot.s", &snapshot),
            ("polycloud_volume.data", &volume),
        ] {
            assert_eq!(
                ws.resource(address)["id"],
                format!("{vps}/{sub}"),
                "{created}: {address}"
            );
        }
        assert_eq!(
            sim.requests_to("POST", &format!("/vps/{vps}/snapshot"))
                .len(),
            1
        );
        assert_eq!(
            sim.requests_to("POST", &format!("/vps/{vps}/volume")).len(),
            1
        );
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        let looked_up = log.contains("the create's outcome is unknown");
        assert_eq!(
            looked_up,
            created == "none",
            "{created}: read the id, or looked it up"
        );
        if looked_up {
            assert!(log.contains("names no id"), "the answer is shown");
        }
        ws.assert_no_changes();
    }
}

#[test]
fn status_words_are_read_in_any_case() {
    let sim = Sim::start();
    shape(&sim, "shape", json!({ "status_case": "upper" }));
    let vps = seed_one(&sim, "web");
    let ws = Workspace::new();
    ws.write(&config(&sim, &vps, "running", "null"));
    ws.apply().ok();
    assert_eq!(ws.resource("polycloud_vps.web")["power_state"], "running");
    ws.assert_no_changes();
    ws.write(&config(&sim, &vps, "stopped", "null"));
    ws.apply().ok();
    assert_eq!(
        sim.requests_to("POST", &format!("/vps/{vps}/shutdown"))
            .len(),
        1
    );
    assert_eq!(ws.resource("polycloud_vps.web")["power_state"], "stopped");
    ws.assert_no_changes();
}

#[test]
fn dates_are_read_at_the_time_zone_offset() {
    let sim = Sim::start();
    shape(&sim, "dates", json!({ "date_ms": FIXED_MS }));
    let vps = seed_one(&sim, "web");
    let ws = Workspace::new();
    ws.write(&config(&sim, &vps, "running", "\"+07:00\""));
    ws.apply().ok();
    assert_eq!(server(&sim, &vps)["createdDate"], "25/03/2026 14:07");
    for address in [
        "polycloud_vps.web",
        "polycloud_snapshot.s",
        "polycloud_volume.data",
    ] {
        assert_eq!(
            ws.resource(address)["created_at"],
            "2026-03-25T07:07:00Z",
            "{address}"
        );
    }
    ws.assert_no_changes();
}

/// A run's output with every run of white space as one space (Terraform wraps long
/// diagnostics).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// With the shape `switch` in force, the plan exits 1 with a message that `says` what
/// call and field failed and shows (`shown`) the answer, without the token, after
/// reading `read`, and changes nothing.
fn plan_fails_loudly(
    sim: &Sim,
    ws: &Workspace,
    switch: &Value,
    (says, shown): (&str, &str),
    read: &str,
) {
    shape(sim, "shape", switch.clone());
    sim.clear_requests();
    let run = ws.plan();
    let out = one_line(&run.output());
    assert_eq!(run.code, 1, "{switch}: {out}");
    assert!(
        out.contains(says),
        "{switch}: names the call and the field: {out}"
    );
    assert!(out.contains(shown), "{switch}: shows the answer: {out}");
    assert!(
        !out.contains(INET_TOKEN),
        "{switch}: no token in the message"
    );
    assert!(
        !sim.requests_to("GET", read).is_empty(),
        "{switch}: read {read}"
    );
    assert!(
        writes(sim).is_empty(),
        "{switch}: a failed read changes nothing"
    );
}

#[test]
fn answers_the_provider_cannot_understand_fail_the_refresh_and_keep_state() {
    let sim = Sim::start();
    let vps = seed_one(&sim, "web");
    let ws = Workspace::new();
    ws.write(&config(&sim, &vps, "running", "null"));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    let snapshot = ws.resource("polycloud_snapshot.s")["id"].clone();
    let cases = [
        (
            json!({ "snapshot_item": "no_id" }),
            format!("iNET GET /vps/{vps}/snapshot: the answer lists a snapshot that cannot be read (missing field `id`)"),
            "\"status\":\"available\"",
            format!("/vps/{vps}/snapshot"),
        ),
        (
            json!({ "server": "no_status" }),
            format!("iNET GET /vps/{vps}/getserver: the answer has a `data` that cannot be read (missing field `status`)"),
            "\"key_name\":\"key-",
            format!("/vps/{vps}/getserver"),
        ),
        (
            json!({ "data_extend": "text" }),
            format!("iNET GET /vps/{vps}: the answer has a `dataExtend` of VPS {vps} that is not the JSON object expected"),
            "\"example_dataExtend\"",
            format!("/vps/{vps}"),
        ),
    ];
    for (switch, says, shown, read) in cases {
        plan_fails_loudly(&sim, &ws, &switch, (&says, shown), &read);
        let state = ws.tf(&["state", "list"]);
        let held: Vec<&str> = state.stdout.lines().collect();
        assert_eq!(
            held,
            [
                "polycloud_snapshot.s",
                "polycloud_volume.data",
                "polycloud_vps.web"
            ],
            "{switch}: still in state"
        );
        assert_eq!(
            ws.resource("polycloud_snapshot.s")["id"],
            snapshot,
            "{switch}"
        );
        shape(
            &sim,
            "shape",
            json!({ "snapshot_item": "whole", "server": "whole", "data_extend": "json" }),
        );
        ws.assert_no_changes();
    }
}

/// The configuration adopting server `vps` and its backup `backup` (`<vps>/<id>`),
/// with the backups and server-list data sources.
fn loud_config(sim: &Sim, vps: &str, backup: &str) -> String {
    include_str!("fixtures/inet_loud.tf")
        .replace("ENDPOINT", &inet_endpoint(sim))
        .replace("TOKEN", INET_TOKEN)
        .replace("BACKUP_ID", backup)
        .replace("VPS_ID", vps)
}

/// Asserts the state still holds exactly `addresses`.
fn assert_state_holds(ws: &Workspace, addresses: &[&str], why: &str) {
    let state = ws.tf(&["state", "list"]);
    let held: Vec<&str> = state.stdout.lines().collect();
    assert_eq!(held, addresses, "{why}: still in state");
}

#[test]
fn a_backup_without_its_id_or_a_page_without_total_pages_fails_the_plan_and_keeps_state() {
    let sim = Sim::start();
    let vps = seed_one(&sim, "web");
    let backup = seed_backup(&sim, &vps, "nightly");
    let ws = Workspace::new();
    ws.write(&loud_config(&sim, &vps, &backup));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    ws.assert_no_changes();
    let cases = [
        (
            json!({ "backup_item": "no_id" }),
            format!("iNET GET /vps/{vps}/backup: the answer lists a backup that cannot be read (missing field `id`)"),
            "\"name\":\"nightly\"",
            format!("/vps/{vps}/backup"),
        ),
        (
            json!({ "list_page": "no_total_pages" }),
            "iNET GET /vps?page=1&pageSize=100: the answer has a `data` that cannot be read (missing field `totalPages`)".to_string(),
            "\"totalElements\":1",
            "/vps".to_string(),
        ),
    ];
    for (switch, says, shown, read) in cases {
        plan_fails_loudly(&sim, &ws, &switch, (&says, shown), &read);
        assert_state_holds(
            &ws,
            &[
                "data.polycloud_backups.web",
                "data.polycloud_vps_list.all",
                "polycloud_backup.nightly",
                "polycloud_vps.web",
            ],
            &switch.to_string(),
        );
        assert_eq!(
            ws.resource("polycloud_backup.nightly")["id"],
            backup.as_str()
        );
        assert_eq!(
            server(&sim, &vps)["backups"][0]["name"],
            "nightly",
            "{switch}: the backup is still there"
        );
        shape(
            &sim,
            "shape",
            json!({ "backup_item": "whole", "list_page": "whole" }),
        );
        ws.assert_no_changes();
    }
}

/// `GET <path>` on the simulated gateway with the token; the answer's `data`.
fn gateway_data(sim: &Sim, path: &str) -> Value {
    let (status, body) = sim.call(
        "GET",
        &format!("/inet/api/gateway/v1{path}"),
        None,
        &[("Authorization", &format!("Bearer {INET_TOKEN}"))],
    );
    assert_eq!(status, 200, "{body}");
    body["data"].clone()
}

#[test]
fn an_empty_key_or_console_url_fails_the_read_without_showing_a_secret() {
    let sim = Sim::start();
    let vps = seed_one(&sim, "web");
    let ws = Workspace::new();
    ws.write(
        &include_str!("fixtures/inet_secrets.tf")
            .replace("ENDPOINT", &inet_endpoint(&sim))
            .replace("TOKEN", INET_TOKEN)
            .replace("VPS_ID", &vps),
    );
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    // What the simulator holds for the server, read once with the whole shape.
    let mut secrets: Vec<String> = ["linux", "windows"]
        .iter()
        .map(|kind| {
            gateway_data(&sim, &format!("/vps/{vps}/privatekey?typeKey={kind}"))["privateKey"]
                .as_str()
                .expect("a private key")
                .to_string()
        })
        .collect();
    let url = ws.resource("data.polycloud_vps_console.c")["url"].clone();
    secrets.push(url.as_str().expect("a console URL").to_string());
    let pair = gateway_data(&sim, &format!("/vps/{vps}/keypair"));
    secrets.push(
        pair["public_key"]
            .as_str()
            .expect("a public key")
            .to_string(),
    );

    shape(&sim, "shape", json!({ "secret_answer": "empty" }));
    sim.clear_requests();
    let run = ws.plan();
    let out = one_line(&run.output());
    assert_eq!(run.code, 1, "{out}");
    for says in [
        format!("iNET GET /vps/{vps}/keypair: the answer has a `data` that cannot be read (\"\" where a text is required)"),
        format!("iNET GET /vps/{vps}/privatekey?typeKey=linux: the answer has a `data` that cannot be read"),
        format!("iNET GET /vps/{vps}/privatekey?typeKey=windows: the answer has a `data` that cannot be read"),
        format!("iNET GET /vps/{vps}/console: the answer has a `data` that cannot be read"),
    ] {
        assert!(out.contains(&says), "names the call: {says}: {out}");
    }
    // A secret answer shows its keys only, every value withheld (the private key's
    // own key name is masked as `***` on top).
    for keys in ["\"typeKey\":\"(withheld)\"}", "{\"url\":\"(withheld)\"}"] {
        assert!(out.contains(keys), "shows the keys only: {keys}: {out}");
    }
    assert!(
        !out.contains("\"typeKey\":\"linux\""),
        "a value shown: {out}"
    );
    let raw = run.output();
    for secret in &secrets {
        for piece in secret.lines().filter(|l| l.len() > 20) {
            assert!(!raw.contains(piece), "a secret leaked: {piece}");
        }
        assert!(!out.contains(secret.as_str()), "a secret leaked: {secret}");
    }
    assert!(!raw.contains(INET_TOKEN), "the token leaked");
    for read in ["keypair", "privatekey", "console"] {
        assert!(
            !sim.requests_to("GET", &format!("/vps/{vps}/{read}"))
                .is_empty(),
            "read {read}"
        );
    }
    assert!(writes(&sim).is_empty(), "a failed read changes nothing");

    shape(&sim, "shape", json!({ "secret_answer": "whole" }));
    let run = ws.plan();
    assert_eq!(run.code, 0, "{}", run.output());
    assert_eq!(
        ws.resource("data.polycloud_vps_private_key.pem")["private_key"],
        secrets[0].as_str(),
        "the state still holds the key read before"
    );
}
