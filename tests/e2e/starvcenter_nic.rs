//! `polycloud_vps_nic` on StarVCenter (seeds/003 2.5), through Terraform: the
//! `cloudvm/vnic/add` wire, the VPS's `nic_ids`, replacement, import, drift, destroy
//! that only forgets (the API has no NIC delete), bad input and the refusal on Vscale.

use serde_json::{json, Value};

use crate::harness::*;
use crate::starvcenter_common::*;

/// A VPS, a second network and an extra NIC of the VPS on `nic_network`. The VPS
/// depends on the network so that destroy deletes the VM (and with it the NIC the API
/// cannot remove) before the network, as docs/resources/vps_nic.md advises.
fn config(sim: &Sim, nic_network: &str, with_nic: bool) -> String {
    let nic = format!("resource \"polycloud_vps_nic\" \"extra\" {{\n  vps_id     = polycloud_vps.app.id\n  network_id = {nic_network}\n  timeouts {{\n    create = \"1m\"\n  }}\n}}\n");
    format!(
        "{}\nresource \"polycloud_vpc\" \"b\" {{\n  name = \"b\"\n}}\n\nresource \"polycloud_vps\" \"app\" {{\n  name       = \"app\"\n  image      = \"tpl-centos-7\"\n  cpu        = 1\n  memory_mb  = 2048\n  network_id = \"vpc-default\"\n  password   = \"Init-pw-1\"\n  depends_on = [polycloud_vpc.b]\n}}\n{}",
        svc_provider(sim),
        if with_nic { nic.as_str() } else { "" }
    )
}

/// The simulator's NICs of `vm`.
fn nics_of(sim: &Sim, vm: &str) -> Vec<Value> {
    svc(sim, "nics")
        .into_iter()
        .filter(|n| n["vnic.vmid"] == vm)
        .collect()
}

/// A text attribute of a resource in state.
fn attr(ws: &Workspace, address: &str, name: &str) -> String {
    ws.resource(address)[name]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// `terraform apply -refresh-only`.
fn refresh(ws: &Workspace) -> TfRun {
    ws.tf(&[
        "apply",
        "-refresh-only",
        "-auto-approve",
        "-no-color",
        "-input=false",
    ])
}

#[test]
fn starvcenter_vps_nic_lifecycle() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&config(&sim, "polycloud_vpc.b.id", true));
    ws.apply().ok();

    let vm = attr(&ws, "polycloud_vps.app", "id");
    let vpc_b = attr(&ws, "polycloud_vpc.b", "id");
    let nic_id = attr(&ws, "polycloud_vps_nic.extra", "id");
    let adds = svc_requests(&sim, "POST", "cloudvm/vnic/add");
    assert_eq!(adds.len(), 1, "{adds:#?}");
    assert_eq!(
        adds[0]["body"]["KEY_PARAM"],
        json!({"vnic.vmid": vm, "vnic.portgroupid": vpc_b})
    );
    let nics = nics_of(&sim, &vm);
    assert_eq!(nics.len(), 2, "{nics:#?}");
    let extra = nics
        .iter()
        .find(|n| n["vnic.id"] == nic_id.as_str())
        .unwrap();
    let nic = ws.resource("polycloud_vps_nic.extra");
    assert_eq!(
        (&nic["mac_address"], &nic["ip_address"], &nic["network_id"]),
        (
            &extra["vnic.macaddress"],
            &extra["vnic.ipaddress"],
            &json!(vpc_b)
        )
    );
    assert_eq!(nic["name"], "eth1");
    assert!(nic["created_at"].as_str().unwrap().contains('T'));

    // nic_ids is computed only: the extra NIC shows after a refresh, plans stay empty.
    ws.assert_no_changes();
    refresh(&ws).ok();
    let listed: Vec<Value> = nics.iter().map(|n| n["vnic.id"].clone()).collect();
    assert_eq!(ws.resource("polycloud_vps.app")["nic_ids"], json!(listed));
    ws.assert_no_changes();

    // Another network replaces the NIC.
    ws.write(&config(&sim, "\"vpc-default\"", true));
    let plan = ws.plan();
    assert!(
        plan.output().contains("forces replacement")
            && plan
                .output()
                .contains("polycloud_vps_nic.extra must be replaced"),
        "{}",
        plan.output()
    );
    ws.write(&config(&sim, "polycloud_vpc.b.id", true));

    // Import as <vps_id>/<nic_id> into a second directory; a bare id is refused.
    let ws2 = Workspace::new();
    ws2.write(&format!("{}\nresource \"polycloud_vps_nic\" \"extra\" {{\n  vps_id     = \"{vm}\"\n  network_id = \"{vpc_b}\"\n}}\n", svc_provider(&sim)));
    let bad = ws2
        .tf(&[
            "import",
            "-no-color",
            "-input=false",
            "polycloud_vps_nic.extra",
            &nic_id,
        ])
        .failed();
    assert!(
        bad.output().contains("<vps_id>/<nic_id>"),
        "{}",
        bad.output()
    );
    ws2.tf(&[
        "import",
        "-no-color",
        "-input=false",
        "polycloud_vps_nic.extra",
        &format!("{vm}/{nic_id}"),
    ])
    .ok();
    assert_eq!(
        attr(&ws2, "polycloud_vps_nic.extra", "mac_address"),
        extra["vnic.macaddress"].as_str().unwrap()
    );
    ws2.assert_no_changes();

    // A failing read is an error and keeps the NIC in state.
    sim.fault(
        json!({"count": 20, "status": 503, "cloud": "starvcenter", "path_contains": "vnic/search"}),
    );
    refresh(&ws).failed();
    sim.call("DELETE", "/_sim/faults", None, &[]);
    assert_eq!(attr(&ws, "polycloud_vps_nic.extra", "id"), nic_id);

    // Destroy only forgets it, without a single request.
    sim.clear_requests();
    let run = ws
        .tf(&[
            "destroy",
            "-auto-approve",
            "-no-color",
            "-input=false",
            "-refresh=false",
            "-target=polycloud_vps_nic.extra",
        ])
        .ok();
    assert!(
        run.output().contains("only removed from state") && run.output().contains("no NIC delete"),
        "{}",
        run.output()
    );
    assert!(
        all_svc_requests(&sim).is_empty(),
        "{:#?}",
        all_svc_requests(&sim)
    );
    assert_eq!(nics_of(&sim, &vm).len(), 2, "the NIC stays on the VM");
    assert!(ws.resource("polycloud_vps_nic.extra").is_null());

    // Drift: a NIC removed by hand is planned for creation again.
    ws.apply().ok();
    let again = attr(&ws, "polycloud_vps_nic.extra", "id");
    assert_eq!(nics_of(&sim, &vm).len(), 3);
    svc_ctl(&sim, "DELETE", &format!("nics/{again}"), None);
    let plan = ws.plan();
    assert!(
        plan.output()
            .contains("polycloud_vps_nic.extra will be created"),
        "{}",
        plan.output()
    );
    ws.destroy().ok();
    assert!(svc(&sim, "vms").is_empty());
}

#[test]
fn starvcenter_vps_nic_bad_network_bad_input_and_vscale_refusal() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let nic = |vps: &str, net: &str| {
        format!("resource \"polycloud_vps_nic\" \"extra\" {{\n  vps_id     = \"{vps}\"\n  network_id = \"{net}\"\n}}\n")
    };

    // A network that does not exist fails with the platform's message; nothing is kept.
    let vm = svc_ctl(&sim, "POST", "vms", Some(json!({"vm.name": "db"})))["vm.id"]
        .as_str()
        .unwrap()
        .to_string();
    ws.write(&format!("{}\n{}", svc_provider(&sim), nic(&vm, "vpc-nope")));
    let out = ws.apply().failed().output();
    assert!(
        out.contains("私网不存在") && out.contains("vpc-nope"),
        "{out}"
    );
    assert_eq!(nics_of(&sim, &vm).len(), 1);
    assert!(ws.resource("polycloud_vps_nic.extra").is_null());

    // An empty vps_id fails at validate, before any request.
    sim.clear_requests();
    ws.write(&format!(
        "{}\n{}",
        svc_provider(&sim),
        nic("", "vpc-default")
    ));
    let run = ws.tf(&["validate", "-no-color"]).failed();
    assert!(
        run.output().contains("`vps_id` must not be empty"),
        "{}",
        run.output()
    );
    assert!(sim.requests().is_empty(), "{:#?}", sim.requests());

    // Vscale refuses the resource at plan, with advice, before any change.
    ws.write(&format!("{}\n{}", vscale_provider(&sim), nic("123", "net")));
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    let out = run.output();
    assert!(
        out.contains("polycloud_vps_nic cannot be created on vscale")
            && out.contains("it exists on StarVCenter"),
        "{out}"
    );
    assert!(
        sim.requests().iter().all(|r| r["method"] == "GET"),
        "{:#?}",
        sim.requests()
    );
}
