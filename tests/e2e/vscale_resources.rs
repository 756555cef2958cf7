//! `polycloud_ssh_key`, `polycloud_backup` and `polycloud_vps_restore` on Vscale, and
//! the resources a vscale provider refuses at plan.

use serde_json::json;

use crate::harness::*;

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example";

fn server(extra: &str) -> String {
    format!("resource \"polycloud_vps\" \"web\" {{\n  name = \"web-1\"\n  image = \"ubuntu_22.04_64_001_master\"\n  plan = \"small\"\n  location = \"spb0\"\n{extra}}}\n")
}

#[test]
fn ssh_key_installed_on_a_server_import_drift_destroy() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let config = |name: &str| {
        format!(
            "{}\nresource \"polycloud_ssh_key\" \"ops\" {{\n  name = \"{name}\"\n  public_key = \"{KEY}\"\n}}\n{}",
            vscale_provider(&sim),
            server("  ssh_key_ids = [polycloud_ssh_key.ops.id]\n")
        )
    };
    ws.write(&config("ops"));
    ws.apply().ok();
    let keys = sim.state()["vscale"]["sshkeys"]
        .as_array()
        .cloned()
        .unwrap();
    assert_eq!(keys.len(), 1);
    let key_id = keys[0]["id"].as_i64().unwrap();
    let create = &sim.requests_to("POST", "/vscale/v1/sshkeys")[0];
    assert_eq!(create["body"], json!({"key": KEY, "name": "ops"}));
    // SPEC §6: `keys` is an array of integers.
    let scalet_create = &sim.requests_to("POST", "/vscale/v1/scalets")[0];
    assert_eq!(scalet_create["body"]["keys"], json!([key_id]));
    let state = ws.resource("polycloud_ssh_key.ops");
    assert!(state["fingerprint"]
        .as_str()
        .unwrap()
        .starts_with("SHA256:"));
    ws.assert_no_changes();

    // Renaming the key replaces it, and so the server that installs it.
    ws.write(&config("ops-2"));
    let plan = ws.plan();
    assert!(
        plan.stdout
            .contains("polycloud_ssh_key.ops must be replaced"),
        "{}",
        plan.stdout
    );

    // Import.
    let other = Workspace::new();
    other.write(&format!("{}\nresource \"polycloud_ssh_key\" \"ops\" {{\n  name = \"ops\"\n  public_key = \"{KEY}\"\n}}\n", vscale_provider(&sim)));
    other
        .tf(&[
            "import",
            "-no-color",
            "polycloud_ssh_key.ops",
            &key_id.to_string(),
        ])
        .ok();
    other.assert_no_changes();

    // Deleted by hand: planned again.
    sim.vscale_remove("sshkeys", &key_id.to_string());
    let plan = other.plan();
    assert_eq!(plan.code, 2);
    assert!(plan.stdout.contains("will be created"), "{}", plan.stdout);

    ws.write(&config("ops"));
    ws.destroy().ok();
    assert!(sim.scalets().is_empty());
    assert_eq!(sim.state()["vscale"]["sshkeys"], json!([]));
}

#[test]
fn invalid_public_key_fails_validate_without_requests() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!("{}\nresource \"polycloud_ssh_key\" \"bad\" {{\n  name = \"x\"\n  public_key = \"not a key\"\n}}\n", vscale_provider(&sim)));
    let run = ws.plan();
    assert_eq!(run.code, 1);
    assert!(
        run.output().contains("Invalid public_key"),
        "{}",
        run.output()
    );
    assert!(sim.requests().is_empty(), "{:#?}", sim.requests());
}

#[test]
fn backup_and_restore_from_it() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let config = |trigger: &str| {
        format!(
            "{}\n{}\nresource \"polycloud_backup\" \"nightly\" {{\n  vps_id = polycloud_vps.web.id\n  name = \"nightly\"\n}}\nresource \"polycloud_vps_restore\" \"rollback\" {{\n  vps_id = polycloud_vps.web.id\n  backup_id = polycloud_backup.nightly.id\n  triggers = {{ run = \"{trigger}\" }}\n}}\n",
            vscale_provider(&sim),
            server("")
        )
    };
    ws.write(&config("1"));
    ws.apply().ok();
    let backups = sim.state()["vscale"]["backups"]
        .as_array()
        .cloned()
        .unwrap();
    assert_eq!(backups.len(), 1);
    assert_eq!(backups[0]["status"], "finished");
    let backup_id = backups[0]["id"].as_str().unwrap().to_string();
    let ctid = sim.scalets()[0]["ctid"].to_string();
    let restores = sim.requests_to("PATCH", &format!("/scalets/{ctid}/rebuild"));
    assert_eq!(restores.len(), 1);
    assert_eq!(restores[0]["body"], json!({"make_from": backup_id}));
    let backup = ws.resource("polycloud_backup.nightly");
    assert_eq!(backup["vps_id"], ctid.as_str());
    assert!(backup["size_gb"].as_i64().unwrap() > 0);
    ws.assert_no_changes();

    // A new trigger runs the restore again, and nothing else.
    sim.clear_requests();
    ws.write(&config("2"));
    ws.apply().ok();
    assert_eq!(
        sim.requests_to("PATCH", &format!("/scalets/{ctid}/rebuild"))
            .len(),
        1
    );
    assert!(sim.requests_to("POST", "/backup").is_empty());
    ws.assert_no_changes();

    // Backup import, and drift.
    let other = Workspace::new();
    other.write(&format!("{}\nresource \"polycloud_backup\" \"nightly\" {{\n  vps_id = \"{ctid}\"\n  name = \"nightly\"\n}}\n", vscale_provider(&sim)));
    other
        .tf(&[
            "import",
            "-no-color",
            "polycloud_backup.nightly",
            &backup_id,
        ])
        .ok();
    other.assert_no_changes();
    sim.vscale_remove("backups", &backup_id);
    let plan = other.plan();
    assert!(plan.stdout.contains("will be created"), "{}", plan.stdout);

    // A description is refused at plan on Vscale, before any request.
    sim.clear_requests();
    other.write(&format!("{}\nresource \"polycloud_backup\" \"nightly\" {{\n  vps_id = \"{ctid}\"\n  name = \"nightly\"\n  description = \"x\"\n}}\n", vscale_provider(&sim)));
    let plan = other.plan();
    assert_eq!(plan.code, 1);
    assert!(
        plan.output().contains("Vscale backups have no description"),
        "{}",
        plan.output()
    );

    ws.destroy().ok();
    assert!(sim.scalets().is_empty());
}

#[test]
fn resources_vscale_cannot_serve_fail_at_plan_with_advice() {
    let sim = Sim::start();
    for (body, advice) in [
        ("resource \"polycloud_snapshot\" \"s\" {\n  vps_id = \"1\"\n}\n", "polycloud_backup"),
        ("resource \"polycloud_vpc\" \"v\" {\n  name = \"net\"\n}\n", "StarVCenter"),
        ("resource \"polycloud_volume\" \"v\" {\n  vps_id = \"1\"\n  size_gb = 10\n}\n", "Choose a larger"),
        ("resource \"polycloud_vps_restore\" \"r\" {\n  vps_id = \"1\"\n  snapshot_id = \"s\"\n}\n", "restore from a backup"),
        ("resource \"polycloud_vps\" \"w\" {\n  name = \"w\"\n  image = \"i\"\n  plan = \"small\"\n  location = \"spb0\"\n  cpu = 2\n}\n", "sizes a scalet by its plan"),
    ] {
        let ws = Workspace::new();
        ws.write(&format!("{}\n{body}", vscale_provider(&sim)));
        let run = ws.plan();
        assert_eq!(run.code, 1, "{body}\n{}", run.output());
        assert!(run.output().contains(advice), "{body}\n{}", run.output());
    }
    let writes: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r["method"] != "GET")
        .collect();
    assert!(writes.is_empty(), "{writes:#?}");
}

#[test]
fn read_errors_keep_ssh_keys_and_backups_in_state() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\nresource \"polycloud_ssh_key\" \"ops\" {{\n  name = \"ops\"\n  public_key = \"{KEY}\"\n}}\n{}\nresource \"polycloud_backup\" \"b\" {{\n  vps_id = polycloud_vps.web.id\n}}\n",
        vscale_provider(&sim),
        server("")
    ));
    ws.apply().ok();
    sim.fault(json!({"count": 50, "status": 500, "cloud": "vscale", "method": "GET", "path_contains": "/sshkeys"}));
    sim.fault(json!({"count": 50, "status": 500, "cloud": "vscale", "method": "GET", "path_contains": "/backups"}));
    let plan = ws.plan();
    assert_eq!(plan.code, 1, "{}", plan.output());
    assert!(
        plan.output().contains("Cannot read SSH key"),
        "{}",
        plan.output()
    );
    assert!(
        plan.output().contains("Cannot read backup"),
        "{}",
        plan.output()
    );
    let (status, _) = sim.call("DELETE", "/_sim/faults", None, &[]);
    assert_eq!(status, 200);
    assert!(ws.resource("polycloud_ssh_key.ops")["id"].is_string());
    assert!(ws.resource("polycloud_backup.b")["id"].is_string());
    ws.assert_no_changes();
    ws.destroy().ok();
}
