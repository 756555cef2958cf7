//! Zomro where its document is silent (docs/design/wire.md, "Zomro"; it documents
//! `instances.fleio.rebuild` only): the same configuration against each answer shape
//! the simulator can serve (`POST /_sim/zomro/shape`): the order's service id in
//! `doc.id`, `doc.elid`, `doc.service.id` or nowhere, status words in any case,
//! `createdate` by value at the clock's offset (`time_zone`), and a list the provider
//! cannot understand (an instance without its id or its status).

use serde_json::json;

use crate::harness::*;
use crate::zomro_support::*;

/// 2026-03-25T14:07:09Z: BILLmanager prints the day, `2026-03-25`.
const FIXED_MS: u64 = 1_774_447_629_000;

/// Sets answer shapes of the simulated Zomro.
fn shape(sim: &Sim, body: serde_json::Value) {
    let (status, answer) = sim.call("POST", "/_sim/zomro/shape", Some(body), &[]);
    assert_eq!(status, 200, "{answer}");
}

/// The configuration, with `time_zone` written as `zone` (HCL: `null` or a string).
fn config(sim: &Sim, zone: &str) -> String {
    include_str!("fixtures/zomro_fidelity.tf")
        .replace("ENDPOINT", &zomro_endpoint(sim))
        .replace("TOKEN", ZOMRO_TOKEN)
        .replace("TIME_ZONE", zone)
}

#[test]
fn the_order_is_read_wherever_its_answer_carries_the_id() {
    for place in ["id", "elid", "service", "none"] {
        let sim = Sim::start();
        shape(&sim, json!({ "order_id": place }));
        let mut ws = Workspace::new();
        let log = ws.path().join("terraform.log");
        ws.env("TF_LOG", "INFO");
        ws.env("TF_LOG_PATH", log.to_str().unwrap());
        ws.write(&config(&sim, "null"));
        let run = ws.apply();
        assert_eq!(run.code, 0, "{place}: {}", run.output());
        let log = std::fs::read_to_string(&log).unwrap_or_default();
        let looked_up = log.contains("the create's outcome is unknown");
        assert_eq!(
            looked_up,
            place == "none",
            "{place}: read the id, or looked it up"
        );
        if looked_up {
            assert!(log.contains("names no service id"), "the answer is shown");
        }
        let instance = only_instance(&sim);
        assert_eq!(
            calls(&sim, "v2.instances.order.param").len(),
            1,
            "{place}: ordered once"
        );
        assert_eq!(
            ws.resource("polycloud_vps.web")["id"],
            instance["id"],
            "{place}"
        );
        ws.assert_no_changes();
    }
}

#[test]
fn status_words_are_read_in_any_case() {
    let sim = Sim::start();
    shape(&sim, json!({ "status_case": "upper" }));
    let ws = Workspace::new();
    ws.write(&config(&sim, "null"));
    ws.apply().ok();
    let state = ws.resource("polycloud_vps.web");
    assert_eq!(state["status"], "active");
    assert_eq!(state["power_state"], "running");
    let listed = sim
        .requests()
        .into_iter()
        .filter(|r| r["cloud"] == "zomro" && r["body"]["func"] == "instances")
        .count();
    assert!(listed >= 2, "the waiter polled until ACTIVE read as active");
    ws.assert_no_changes();
}

#[test]
fn createdate_is_read_by_value_at_the_clock_offset() {
    for (zone, created) in [
        ("null", "2026-03-25T00:00:00Z"),
        ("\"+03:00\"", "2026-03-24T21:00:00Z"),
    ] {
        let sim = Sim::start();
        shape(&sim, json!({ "date_ms": FIXED_MS }));
        let ws = Workspace::new();
        ws.write(&config(&sim, zone));
        ws.apply().ok();
        assert_eq!(only_instance(&sim)["createdate"], "2026-03-25");
        assert_eq!(
            ws.resource("polycloud_vps.web")["created_at"],
            created,
            "{zone}"
        );
        ws.assert_no_changes();
    }
}

#[test]
fn an_impossible_createdate_fails_the_refresh_and_keeps_state() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&config(&sim, "null"));
    ws.apply().ok();
    let id = only_instance(&sim)["id"].as_str().unwrap().to_string();
    patch_instance(&sim, &id, json!({ "createdate": "2026-02-30" }));
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(run.output().contains("2026-02-30"), "{}", run.output());
    assert_eq!(ws.resource("polycloud_vps.web")["id"], id.as_str());
}

#[test]
fn a_time_zone_that_is_no_fixed_offset_fails_validate() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&config(&sim, "\"Europe/Moscow\""));
    let run = ws.tf(&["validate", "-no-color"]);
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.output().contains("Invalid time_zone"),
        "{}",
        run.output()
    );
    assert!(run.output().contains("time_zone"), "{}", run.output());
    assert!(sim.requests().is_empty(), "validate makes no API call");
}

/// A run's output with every run of white space as one space (Terraform wraps long
/// diagnostics).
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn an_instance_listed_without_its_id_or_status_fails_the_refresh_and_keeps_state() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&config(&sim, "null"));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    let id = only_instance(&sim)["id"].as_str().unwrap().to_string();
    for (item, key) in [("no_id", "id"), ("no_status", "instance_status")] {
        shape(&sim, json!({ "list_item": item }));
        sim.clear_requests();
        let run = ws.plan();
        let out = one_line(&run.output());
        assert_eq!(run.code, 1, "{item}: {out}");
        assert!(
            out.contains("Zomro func=instances: the answer lists an instance without"),
            "{item}: names the operation: {out}"
        );
        assert!(out.contains(&format!("without `{key}`")), "{item}: {out}");
        assert!(
            out.contains("\"name\":\"web-1\""),
            "{item}: shows the answer: {out}"
        );
        assert!(
            !out.contains(ZOMRO_TOKEN),
            "{item}: no secret in the message"
        );
        let listed = calls(&sim, "instances");
        assert!(
            !listed.is_empty(),
            "{item}: the refresh listed the instances"
        );
        assert!(
            writes(&sim).is_empty(),
            "{item}: a failed read changes nothing"
        );
        let state = ws.tf(&["state", "list"]);
        assert_eq!(
            state.stdout.trim(),
            "polycloud_vps.web",
            "{item}: still in state"
        );
        assert_eq!(
            ws.resource("polycloud_vps.web")["id"],
            id.as_str(),
            "{item}"
        );
    }
    shape(&sim, json!({ "list_item": "whole" }));
    ws.assert_no_changes();
}

#[test]
fn a_catalog_element_without_its_id_fails_the_data_source_and_names_the_call() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "provider \"polycloud\" {{\n  cloud    = \"zomro\"\n  endpoint = \"{}\"\n  token    = \"{ZOMRO_TOKEN}\"\n}}\ndata \"polycloud_plans\" \"all\" {{}}\noutput \"plans\" {{ value = length(data.polycloud_plans.all.ids) }}\n",
        zomro_endpoint(&sim)
    ));
    shape(&sim, json!({ "catalog_item": "no_id" }));
    let run = ws.plan();
    let out = one_line(&run.output());
    assert_eq!(run.code, 1, "{out}");
    assert!(
        out.contains(
            "Zomro func=v2.instances.order.pricelist: the answer lists a price list without `id`"
        ),
        "names the call and what is missing: {out}"
    );
    assert!(out.contains("\"name\""), "shows the element: {out}");
    assert!(!out.contains(ZOMRO_TOKEN), "no secret in the message");
    assert!(writes(&sim).is_empty(), "a failed read orders nothing");
    // Whole again: the same configuration reads every price list.
    shape(&sim, json!({ "catalog_item": "whole" }));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    let plans = ws.tf(&["output", "-raw", "plans"]).ok();
    assert!(
        plans.stdout.trim().parse::<u32>().unwrap() > 0,
        "{}",
        plans.stdout
    );
}
