//! Stored states of earlier schema versions are upgraded by real Terraform: a state
//! written by the first release (schema version 0, `timeouts` stored as a list) plans
//! no change and is rewritten at version 1 (`timeouts` a single object).

use serde_json::{json, Value};

use crate::harness::*;

fn server_with_timeouts(sim: &Sim) -> String {
    format!(
        "{}\nresource \"polycloud_vps\" \"web\" {{\n  name     = \"web-1\"\n  image    = \"ubuntu_22.04_64_001_master\"\n  plan     = \"small\"\n  location = \"spb0\"\n  timeouts {{\n    create = \"10m\"\n  }}\n}}\n",
        vscale_provider(sim)
    )
}

fn state_file(ws: &Workspace) -> Value {
    let text = std::fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn instance(state: &mut Value) -> &mut Value {
    &mut state["resources"][0]["instances"][0]
}

#[test]
fn a_version_zero_state_with_list_timeouts_is_upgraded_without_changes() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&server_with_timeouts(&sim));
    ws.apply().ok();

    let mut state = state_file(&ws);
    assert_eq!(instance(&mut state)["schema_version"], 1);
    assert_eq!(
        instance(&mut state)["attributes"]["timeouts"],
        json!({"create": "10m", "update": null, "delete": null})
    );
    // Rewrite it exactly as the first release stored it.
    let old = instance(&mut state);
    old["schema_version"] = json!(0);
    old["attributes"]["timeouts"] = json!([{"create": "10m", "update": null, "delete": null}]);
    state["serial"] = json!(state["serial"].as_i64().unwrap() + 1);
    std::fs::write(
        ws.path().join("terraform.tfstate"),
        serde_json::to_string_pretty(&state).unwrap(),
    )
    .unwrap();

    ws.assert_no_changes();
    ws.tf(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-no-color",
        "-input=false",
    ])
    .ok();
    let mut state = state_file(&ws);
    let upgraded = instance(&mut state);
    assert_eq!(upgraded["schema_version"], 1);
    assert_eq!(upgraded["attributes"]["timeouts"]["create"], "10m");
    assert_eq!(sim.scalets().len(), 1, "nothing was created or replaced");
}
