//! The chaos test (SPEC §9): one configuration spanning all four clouds (servers,
//! disks, snapshots, backups, a VPC, a security group, a load balancer, an SSH key;
//! 20 resources) applied and destroyed through Terraform while the simulator answers
//! a share of all API requests with 503/502 before and after doing the work, dropped
//! connections before and after, 429 with Retry-After, busy answers and 300 ms of
//! latency, drawn from a fixed seed (printed on failure; `POLYCLOUD_CHAOS_SEED` picks
//! another). Same-named strangers are seeded first.
//!
//! Pass: apply converges within three applies, a second plan is empty, every resource
//! has exactly one cloud object (no duplicate, no orphan, no adopted stranger), and
//! destroy (within three runs) leaves exactly what existed before.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{json, Value};

use crate::harness::*;
use crate::inet_helpers::*;
use crate::starvcenter_common::*;
use crate::zomro_support::*;

/// The default seed; `POLYCLOUD_CHAOS_SEED` overrides it.
const SEED: u64 = 20_261_201;
/// Share of API requests that get a fault.
const RATE: f64 = 0.2;
const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl ops@example";

fn seed() -> u64 {
    std::env::var("POLYCLOUD_CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(SEED)
}

/// Every object of the four clouds that a resource could own, as `kind → ids`.
fn inventory(sim: &Sim, inet_vps: &str) -> BTreeMap<String, Vec<String>> {
    let state = sim.state();
    let mut out = BTreeMap::new();
    let mut put = |kind: &str, items: &Value, key: &str| {
        let mut ids: Vec<String> = items
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|o| match &o[key] {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        ids.sort();
        assert!(
            !ids.iter().any(|i| i == "null"),
            "{kind}: no `{key}` in the simulator's state"
        );
        out.insert(kind.to_string(), ids);
    };
    put("vscale scalets", &state["vscale"]["scalets"], "ctid");
    put("vscale backups", &state["vscale"]["backups"], "id");
    put("vscale sshkeys", &state["vscale"]["sshkeys"], "id");
    put("zomro instances", &state["zomro"]["instances"], "id");
    let svc = &state["starvcenter"];
    put("starvcenter vms", &svc["vms"], "vm.id");
    put("starvcenter vpcs", &svc["vpcs"], "vpc.id");
    // Data disks only: every VM comes with its system disk `vda`.
    let data_disks: Vec<Value> = svc["disks"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|d| d["vdisk.devname"] != "vda")
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    put("starvcenter disks", &json!(data_disks), "vdisk.id");
    put("starvcenter snapshots", &svc["snapshots"], "snapshot.id");
    put("starvcenter backups", &svc["backups"], "backup.id");
    put(
        "starvcenter security groups",
        &svc["security_groups"],
        " securitygroup.id",
    );
    put("starvcenter slbs", &svc["slbs"], "slb.id");
    let vps = server(sim, inet_vps);
    put("inet snapshots", &vps["snapshots"], "id");
    put("inet volumes", &vps["volumes"], "id");
    out
}

/// The cloud objects in `after` that are not in `before`, per kind.
fn added(
    before: &BTreeMap<String, Vec<String>>,
    after: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, Vec<String>> {
    after
        .iter()
        .map(|(kind, ids)| {
            let old = before.get(kind).cloned().unwrap_or_default();
            let new: Vec<String> = ids.iter().filter(|i| !old.contains(i)).cloned().collect();
            (kind.clone(), new)
        })
        .collect()
}

fn providers(sim: &Sim) -> String {
    let base = &sim.base;
    format!(
        "provider \"polycloud\" {{\n  alias    = \"vscale\"\n  cloud    = \"vscale\"\n  endpoint = \"{base}/vscale/v1\"\n  token    = \"{VSCALE_TOKEN}\"\n}}\n\
provider \"polycloud\" {{\n  alias    = \"inet\"\n  cloud    = \"inet\"\n  endpoint = \"{}\"\n  token    = \"{INET_TOKEN}\"\n}}\n\
provider \"polycloud\" {{\n  alias    = \"zomro\"\n  cloud    = \"zomro\"\n  endpoint = \"{}\"\n  token    = \"{ZOMRO_TOKEN}\"\n}}\n\
provider \"polycloud\" {{\n  alias    = \"svc\"\n  cloud    = \"starvcenter\"\n  endpoint = \"{base}{SVC_BASE}\"\n  token    = \"{SVC_TOKEN}\"\n}}\n",
        inet_endpoint(sim),
        zomro_endpoint(sim),
    )
}

/// The configuration: 20 resources on four clouds.
fn config(sim: &Sim, inet_vps: &str, router: &str) -> String {
    config_with(sim, inet_vps, router, true)
}

/// [`config`]; without `with_inet_vps` the adopted iNET server and its import block
/// are left out (after a destroy has forgotten it, iNET cannot create it again).
fn config_with(sim: &Sim, inet_vps: &str, router: &str, with_inet_vps: bool) -> String {
    let t = "  timeouts {\n    create = \"40s\"\n    delete = \"40s\"\n  }\n";
    let mut c = providers(sim);
    // Vscale: a key, three servers, a backup.
    c += &format!("resource \"polycloud_ssh_key\" \"ops\" {{\n  provider   = polycloud.vscale\n  name       = \"chaos-ops\"\n  public_key = \"{KEY}\"\n}}\n");
    for i in 1..=3 {
        c += &format!("resource \"polycloud_vps\" \"v{i}\" {{\n  provider    = polycloud.vscale\n  name        = \"chaos-v{i}\"\n  image       = \"ubuntu_22.04_64_001_master\"\n  plan        = \"small\"\n  location    = \"spb0\"\n  ssh_key_ids = [polycloud_ssh_key.ops.id]\n{t}}}\n");
    }
    c += &format!("resource \"polycloud_backup\" \"v1\" {{\n  provider = polycloud.vscale\n  vps_id   = polycloud_vps.v1.id\n  name     = \"chaos-b1\"\n{t}}}\n");
    // iNET: an adopted server (the API cannot order one), a snapshot and a volume.
    if with_inet_vps {
        c += &format!("import {{\n  provider = polycloud.inet\n  to       = polycloud_vps.i1\n  id       = \"{inet_vps}\"\n}}\nresource \"polycloud_vps\" \"i1\" {{\n  provider = polycloud.inet\n  name     = \"chaos-i1\"\n}}\n");
    }
    let vps = if with_inet_vps {
        "polycloud_vps.i1.id".to_string()
    } else {
        format!("\"{inet_vps}\"")
    };
    c += &format!("resource \"polycloud_snapshot\" \"i1\" {{\n  provider = polycloud.inet\n  vps_id   = {vps}\n{t}}}\n");
    c += &format!("resource \"polycloud_volume\" \"i1\" {{\n  provider = polycloud.inet\n  vps_id   = {vps}\n  image    = \"Ubuntu-22.04\"\n{t}}}\n");
    // Zomro: three instances.
    for i in 1..=3 {
        c += &format!("resource \"polycloud_vps\" \"z{i}\" {{\n  provider = polycloud.zomro\n  name     = \"chaos-z{i}\"\n  image    = \"{UBUNTU20}\"\n  plan     = \"6143\"\n  location = \"1\"\n  password = \"{VPS_PASSWORD}\"\n{t}}}\n");
    }
    // StarVCenter: a VPC, three VMs, a disk, a snapshot, a backup, a security group, an SLB.
    c += &format!("resource \"polycloud_vpc\" \"s\" {{\n  provider = polycloud.svc\n  name     = \"chaos-net\"\n{t}}}\n");
    for i in 1..=3 {
        c += &format!("resource \"polycloud_vps\" \"s{i}\" {{\n  provider   = polycloud.svc\n  name       = \"chaos-s{i}\"\n  image      = \"tpl-ubuntu-2204\"\n  cpu        = 1\n  memory_mb  = 1024\n  network_id = polycloud_vpc.s.id\n{t}}}\n");
    }
    c += &format!("resource \"polycloud_volume\" \"s1\" {{\n  provider = polycloud.svc\n  vps_id   = polycloud_vps.s1.id\n  size_gb  = 20\n{t}}}\n");
    c += &format!("resource \"polycloud_snapshot\" \"s2\" {{\n  provider = polycloud.svc\n  vps_id   = polycloud_vps.s2.id\n  name     = \"chaos-snap\"\n{t}}}\n");
    c += &format!("resource \"polycloud_backup\" \"s3\" {{\n  provider = polycloud.svc\n  vps_id   = polycloud_vps.s3.id\n  name     = \"chaos-bak\"\n{t}}}\n");
    c += &format!("resource \"polycloud_security_group\" \"s\" {{\n  provider = polycloud.svc\n  name     = \"chaos-sg\"\n{t}}}\n");
    c += &format!("resource \"polycloud_slb\" \"s\" {{\n  provider        = polycloud.svc\n  name            = \"chaos-lb\"\n  tenant_id       = \"app-000000\"\n  router_vps_id   = \"{router}\"\n  protocol        = \"http\"\n  network_type    = \"outer\"\n  frontend_ip     = \"203.0.113.10\"\n  frontend_port   = 80\n  backend_port    = 8080\n  policy          = \"wrr\"\n  max_connections = 1000\n  health_check {{\n    retries  = 3\n    interval = 5\n    timeout  = 10\n    idle     = 30\n  }}\n{t}}}\n");
    c
}

/// Same-named strangers made before Terraform runs (a colleague's objects), and the
/// router the SLB needs (routers cannot be deleted, so it is not the test's to make).
fn seed_strangers(sim: &Sim) -> String {
    let vscale = json!({"make_from": "ubuntu_22.04_64_001_master", "rplan": "small", "name": "chaos-v1", "location": "spb0"});
    let (status, body) = sim.call(
        "POST",
        "/vscale/v1/scalets",
        Some(vscale),
        &[("X-Token", VSCALE_TOKEN)],
    );
    assert_eq!(status, 201, "{body}");
    svc_ctl(sim, "POST", "vms", Some(json!({"vm.name": "chaos-s1"})));
    let ws = Workspace::new();
    ws.write(&format!(
        "{}resource \"polycloud_vps\" \"z\" {{\n  provider = polycloud.zomro\n  name     = \"chaos-z1\"\n  image    = \"{UBUNTU20}\"\n  plan     = \"6143\"\n  location = \"1\"\n  password = \"{VPS_PASSWORD}\"\n}}\n\
resource \"polycloud_security_group\" \"g\" {{\n  provider = polycloud.svc\n  name     = \"chaos-sg\"\n}}\n\
resource \"polycloud_vpc\" \"n\" {{\n  provider = polycloud.svc\n  name     = \"chaos-net\"\n}}\n\
resource \"polycloud_router\" \"edge\" {{\n  provider = polycloud.svc\n  name     = \"edge\"\n  vpc_ids  = [\"vpc-default\"]\n}}\n",
        providers(sim)
    ));
    ws.apply().ok();
    ws.resource("polycloud_router.edge")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Whether a diagnostic line is Terraform's quote of the configuration (`98: resource …`).
fn is_source_line(line: &str) -> bool {
    line.split_once(':')
        .is_some_and(|(n, _)| n.parse::<u32>().is_ok())
}

/// Runs `step` up to three times until it succeeds; the runs' outputs on failure.
fn converge(what: &str, seed: u64, step: impl Fn() -> TfRun) -> usize {
    let mut outputs = Vec::new();
    for attempt in 1..=3 {
        let run = step();
        if run.code == 0 {
            return attempt;
        }
        // Terraform's own diagnostics and the provider's errors, not the whole log.
        let errors: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.contains("[ERROR]") || l.starts_with("Error:") || l.starts_with("│"))
            .collect();
        outputs.push(format!("{}\n{}", run.stdout, errors.join("\n")));
    }
    panic!(
        "chaos seed {seed}: {what} did not converge in three runs:\n{}",
        outputs.join("\n----------------\n")
    );
}

#[test]
fn chaos_on_four_clouds_converges_with_one_object_per_resource_and_destroy_leaves_only_strangers() {
    let seed = seed();
    let started = Instant::now();
    let sim = Sim::start();
    let inet_vps = seed_one(&sim, "chaos-i1");
    let router = seed_strangers(&sim);
    let before = inventory(&sim, &inet_vps);
    sim.clear_requests();

    let mut ws = Workspace::new();
    ws.env("TF_LOG", "INFO");
    ws.write(&config(&sim, &inet_vps, &router));
    let (status, body) = sim.call(
        "POST",
        "/_sim/chaos",
        Some(json!({"seed": seed, "rate": RATE, "latency_ms": 300, "retry_after": 1})),
        &[],
    );
    assert_eq!(status, 200, "{body}");

    let logs = std::cell::RefCell::new(String::new());
    let retried_because = std::cell::RefCell::new(Vec::<String>::new());
    let note_errors = |run: &TfRun| {
        if run.code != 0 {
            let out = run.output();
            let lines: Vec<&str> = out
                .lines()
                .map(|l| l.trim_start_matches('│').trim())
                .collect();
            for (i, line) in lines.iter().enumerate() {
                if line.starts_with("Error:") {
                    // The summary and its detail, up to the next blank line.
                    let detail: Vec<&str> = lines[i..]
                        .iter()
                        .skip(1)
                        .take_while(|l| !l.starts_with('╵') && !l.starts_with("Error:"))
                        .filter(|l| {
                            !l.is_empty()
                                && !l.starts_with("with ")
                                && !l.starts_with("on ")
                                && !is_source_line(l)
                        })
                        .copied()
                        .collect();
                    retried_because
                        .borrow_mut()
                        .push(format!("{line} — {}", detail.join(" ")));
                }
            }
        }
    };
    let applies = converge("apply", seed, || {
        let run = ws.apply();
        logs.borrow_mut().push_str(&run.stderr);
        note_errors(&run);
        run
    });
    // A second plan is empty (a read error is retried like an apply would be).
    converge("the second plan", seed, || {
        let run = ws.plan();
        assert_ne!(
            run.code, 2,
            "chaos seed {seed}: the second plan is not empty:\n{}",
            run.stdout
        );
        run
    });

    // Exactly one new cloud object per resource; the strangers untouched.
    let made = added(&before, &inventory(&sim, &inet_vps));
    let counts: BTreeMap<&str, usize> = made.iter().map(|(k, v)| (k.as_str(), v.len())).collect();
    let expected: BTreeMap<&str, usize> = [
        ("vscale scalets", 3),
        ("vscale backups", 1),
        ("vscale sshkeys", 1),
        ("zomro instances", 3),
        ("starvcenter vms", 3),
        ("starvcenter vpcs", 1),
        ("starvcenter disks", 1),
        ("starvcenter snapshots", 1),
        ("starvcenter backups", 1),
        ("starvcenter security groups", 1),
        ("starvcenter slbs", 1),
        ("inet snapshots", 1),
        ("inet volumes", 1),
    ]
    .into_iter()
    .collect();
    assert_eq!(
        counts, expected,
        "chaos seed {seed}: cloud objects made per kind: {made:#?}"
    );
    let state = ws.state_json();
    let in_state: Vec<String> = state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["values"]["id"].as_str().map(str::to_string))
        .collect();
    assert_eq!(in_state.len(), 20, "chaos seed {seed}: {in_state:?}");
    for (kind, ids) in &before {
        for id in ids {
            assert!(
                kind.starts_with("inet")
                    || !in_state
                        .iter()
                        .any(|s| s == id || s.ends_with(&format!("/{id}"))),
                "chaos seed {seed}: the stranger {kind} {id} was adopted"
            );
        }
    }

    let destroys = converge("destroy", seed, || {
        if ws.resource("polycloud_vps.i1").is_null() {
            ws.write(&config_with(&sim, &inet_vps, &router, false));
        }
        let run = ws.destroy();
        logs.borrow_mut().push_str(&run.stderr);
        note_errors(&run);
        run
    });
    let figures = sim.call("DELETE", "/_sim/chaos", None, &[]).1;
    let after = inventory(&sim, &inet_vps);
    assert_eq!(
        after, before,
        "chaos seed {seed}: destroy must leave exactly the strangers and what existed before"
    );

    // The figures.
    let log = sim.requests();
    let retried = log
        .windows(2)
        .filter(|w| {
            w[0]["fault"].is_string()
                && w[0]["fault"] != "latency"
                && w[1]["method"] == w[0]["method"]
                && w[1]["path"] == w[0]["path"]
        })
        .count();
    let logs = logs.into_inner();
    let settles = logs.matches("the create's outcome is unknown").count();
    let adopted = logs.matches("the create had gone through").count();
    let resent = logs.matches("sending the create once more").count();
    let wait_retries = logs.matches("poll failed").count();
    println!(
        "chaos seed {seed}: {} API requests, {} faults served {}, {retried} requests repeated right after a fault, {settles} creates with an unknown outcome looked up ({adopted} found, {resent} sent again), {wait_retries} failed polls ridden out; {applies} apply run(s), {destroys} destroy run(s), {:.0} s",
        figures["requests"],
        figures["faults"],
        figures["served"],
        started.elapsed().as_secs_f64()
    );
    for error in retried_because.borrow().iter() {
        println!("chaos seed {seed}: a run was repeated after: {error}");
    }
    assert!(
        figures["faults"].as_u64().unwrap_or(0) >= 20,
        "chaos seed {seed}: too few faults to mean anything: {figures}"
    );
}
