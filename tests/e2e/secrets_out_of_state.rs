//! Secrets out of state: write-only arguments (`password_wo`, `https_private_key_wo`)
//! reach the cloud where their stored forms would, and ephemeral resources hand
//! private keys and console URLs to a run; none of them is in a state file, a plan
//! file or a TRACE log line.

use serde_json::Value;

use crate::harness::*;
use crate::inet_helpers::*;
use crate::starvcenter_common::*;
use crate::starvcenter_net::{changes, seed_vm, slb_config, CERT, CERT2, KEY};

const WO_SECRET: &str = "Wo-Secret-81";
const WO_SECRET_2: &str = "Wo-Rotated-82";

/// Everything Terraform keeps on disk or shows: the state file, `show -json` of the
/// state and of a saved plan.
fn stored_everywhere(ws: &Workspace) -> String {
    let state = std::fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap_or_default();
    let shown = ws.tf(&["show", "-json"]).ok().stdout;
    let plan = ws.tf(&["plan", "-out=saved.tfplan", "-no-color", "-input=false"]);
    assert!(plan.code == 0, "{}", plan.output());
    let planned = ws.tf(&["show", "-json", "saved.tfplan"]).ok().stdout;
    format!("{state}\n{shown}\n{planned}")
}

/// A variable that holds a secret for one run only (Terraform ≥ 1.10): how users pass
/// write-only values without writing them into the configuration.
const SECRET_VARIABLE: &str =
    "variable \"secret\" {\n  type      = string\n  ephemeral = true\n}\n";

/// Sets the run's secret (`var.secret`).
fn set_secret(ws: &mut Workspace, secret: &str) {
    ws.env("TF_VAR_secret", secret);
}

fn vscale_server(sim: &Sim, version: i64) -> String {
    format!(
        "{}\n{SECRET_VARIABLE}\nresource \"polycloud_vps\" \"web\" {{\n  name                = \"web-1\"\n  image               = \"ubuntu_22.04_64_001_master\"\n  plan                = \"small\"\n  location            = \"spb0\"\n  password_wo         = var.secret\n  password_wo_version = {version}\n}}\n",
        vscale_provider(sim)
    )
}

#[test]
fn vscale_password_wo_is_sent_at_create_never_stored_and_a_new_version_replaces() {
    let sim = Sim::start();
    let mut ws = Workspace::new();
    ws.env("TF_LOG", "TRACE");
    set_secret(&mut ws, WO_SECRET);
    ws.write(&vscale_server(&sim, 1));
    let run = ws.apply().ok();
    let creates = sim.requests_to("POST", "/vscale/v1/scalets");
    assert_eq!(creates.len(), 1);
    assert_eq!(
        creates[0]["body"]["password"], WO_SECRET,
        "sent where `password` goes"
    );
    assert!(
        !run.output().contains(WO_SECRET),
        "the write-only password was logged"
    );
    let stored = stored_everywhere(&ws);
    assert!(
        !stored.contains(WO_SECRET),
        "the write-only password reached state or plan"
    );
    let web = ws.resource("polycloud_vps.web");
    assert_eq!(web["password_wo"], Value::Null);
    assert_eq!(web["password_wo_version"], 1);
    ws.assert_no_changes();

    // A new secret alone changes nothing: Terraform cannot see write-only values.
    set_secret(&mut ws, WO_SECRET_2);
    ws.assert_no_changes();

    // A new version does what a new `password` does on Vscale: a new server.
    ws.write(&vscale_server(&sim, 2));
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        plan.output().contains("password_wo_version")
            && plan.output().contains("forces replacement"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    let creates = sim.requests_to("POST", "/vscale/v1/scalets");
    assert_eq!(creates.len(), 2);
    assert_eq!(creates[1]["body"]["password"], WO_SECRET_2);
    assert_eq!(sim.scalets().len(), 1);
    assert!(!stored_everywhere(&ws).contains(WO_SECRET_2));
}

#[test]
fn both_password_forms_fail_at_plan_without_a_request() {
    let sim = Sim::start();
    let mut ws = Workspace::new();
    set_secret(&mut ws, WO_SECRET);
    let both = vscale_server(&sim, 1).replace(
        "  password_wo ",
        "  password = \"Stored-pw-1\"\n  password_wo ",
    );
    ws.write(&both);
    sim.clear_requests();
    let run = ws.plan();
    assert_eq!(run.code, 1, "{}", run.output());
    assert!(
        run.output().contains("Conflicting passwords"),
        "{}",
        run.output()
    );
    assert!(run.output().contains("password_wo"), "{}", run.output());
    assert!(sim.requests().is_empty(), "{:#?}", sim.requests());
}

#[test]
fn starvcenter_password_wo_version_resets_the_password_in_place() {
    let sim = Sim::start();
    let vm = |version: i64| {
        format!(
            "{}\n{SECRET_VARIABLE}\nresource \"polycloud_vps\" \"app\" {{\n  name       = \"app-1\"\n  image      = \"tpl-centos-7\"\n  cpu        = 2\n  memory_mb  = 2048\n  network_id = \"vpc-default\"\n  password_wo         = var.secret\n  password_wo_version = {version}\n}}\n",
            svc_provider(&sim)
        )
    };
    let mut ws = Workspace::new();
    set_secret(&mut ws, WO_SECRET);
    ws.write(&vm(1));
    ws.apply().ok();
    let creates = svc_requests(&sim, "POST", "cloudvm/create");
    assert_eq!(creates[0]["body"]["KEY_PARAM"]["vm.account.pwd"], WO_SECRET);
    let id = ws.resource("polycloud_vps.app")["id"]
        .as_str()
        .unwrap()
        .to_string();
    set_secret(&mut ws, WO_SECRET_2);
    ws.write(&vm(2));
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "{}", plan.output());
    assert!(
        !plan.output().contains("forces replacement"),
        "{}",
        plan.output()
    );
    ws.apply().ok();
    let resets = svc_requests(&sim, "POST", "cloudvm/setadminpwd");
    assert_eq!(resets.len(), 1);
    assert_eq!(resets[0]["body"]["KEY_PARAM"]["pwd"], WO_SECRET_2);
    assert_eq!(
        ws.resource("polycloud_vps.app")["id"],
        id.as_str(),
        "same VM"
    );
    let stored = stored_everywhere(&ws);
    assert!(!stored.contains(WO_SECRET) && !stored.contains(WO_SECRET_2));
}

#[test]
fn slb_https_private_key_wo_is_installed_never_stored_and_reinstalled_by_version() {
    let sim = Sim::start();
    let (a, _, ip_a) = seed_vm(&sim, "a");
    let node = [("a", a.as_str(), ip_a.as_str(), 8443, 1)];
    let https = |cert: &str, version: i64| {
        format!("  name = \"tls\"\n  protocol = \"https\"\n  frontend_port = 443\n  https_certificate = \"{cert}\"\n  https_private_key_wo = var.secret\n  https_private_key_wo_version = {version}\n")
    };
    let slb_config = |sim: &Sim, extra: &str, node: &[(&str, &str, &str, i64, i64)]| {
        format!("{SECRET_VARIABLE}\n{}", slb_config(sim, extra, node))
    };
    let mut ws = Workspace::new();
    set_secret(&mut ws, &KEY.replace("\\n", "\n"));
    ws.write(&slb_config(&sim, &https(CERT, 1), &node));
    ws.apply().ok();
    let slb = &svc(&sim, "slbs")[0];
    assert_eq!(
        slb["slb.https.cert.key.set"].as_bool(),
        Some(true),
        "{slb:#}"
    );
    let sent = serde_json::to_string(&all_svc_requests(&sim)).unwrap();
    assert!(
        sent.contains("TOPSECRETKEYMATERIAL"),
        "the key went to the platform"
    );
    assert!(!stored_everywhere(&ws).contains("TOPSECRETKEYMATERIAL"));
    ws.assert_no_changes();

    sim.clear_requests();
    ws.write(&slb_config(&sim, &https(CERT, 2), &node));
    ws.apply().ok();
    assert_eq!(
        changes(&sim),
        vec!["PUT /cloudslb/https/cert/conf".to_string()]
    );
    ws.assert_no_changes();

    // A new certificate with the same key version installs the written key again.
    sim.clear_requests();
    ws.write(&slb_config(&sim, &https(CERT2, 2), &node));
    ws.apply().ok();
    assert_eq!(
        changes(&sim),
        vec!["PUT /cloudslb/https/cert/conf".to_string()]
    );
    let sent = serde_json::to_string(&all_svc_requests(&sim)).unwrap();
    assert!(sent.contains("TOPSECRETKEYMATERIAL"), "{sent}");
    assert!(!stored_everywhere(&ws).contains("TOPSECRETKEYMATERIAL"));
}

/// A `terraform_data` whose provisioner writes ephemeral values to files in the
/// working directory (a provisioner is where users hand such values on).
fn provisioner_writing(files: &[(&str, &str)]) -> String {
    let env: String = files
        .iter()
        .enumerate()
        .map(|(i, (_, value))| format!("      V{i} = {value}\n"))
        .collect();
    let command: Vec<String> = files
        .iter()
        .enumerate()
        .map(|(i, (file, _))| format!("printf '%s' \\\"$V{i}\\\" > {file}"))
        .collect();
    format!(
        "resource \"terraform_data\" \"use\" {{\n  provisioner \"local-exec\" {{\n    command = \"{}\"\n    environment = {{\n{env}    }}\n  }}\n}}\n",
        command.join("; ")
    )
}

#[test]
fn inet_ephemeral_private_key_and_console_reach_a_provisioner_and_nothing_else() {
    let sim = Sim::start();
    let id = seed_one(&sim, "web");
    let (status, body) = sim.call(
        "GET",
        &format!("/inet/api/gateway/v1/vps/{id}/privatekey?typeKey=linux"),
        None,
        &[("Authorization", &format!("Bearer {INET_TOKEN}"))],
    );
    assert_eq!(status, 200);
    let pem = body["data"]["privateKey"].as_str().unwrap().to_string();
    let mut ws = Workspace::new();
    ws.env("TF_LOG", "TRACE");
    ws.write(&format!(
        "{}\nephemeral \"polycloud_vps_private_key\" \"k\" {{\n  vps_id = \"{id}\"\n}}\nephemeral \"polycloud_vps_console\" \"c\" {{\n  vps_id = \"{id}\"\n}}\n{}",
        inet_provider(&sim),
        provisioner_writing(&[
            ("key.out", "ephemeral.polycloud_vps_private_key.k.private_key"),
            ("url.out", "ephemeral.polycloud_vps_console.c.url"),
        ])
    ));
    let run = ws.apply().ok();
    let key = std::fs::read_to_string(ws.path().join("key.out")).unwrap();
    assert_eq!(key, pem, "the provisioner got the key");
    let url = std::fs::read_to_string(ws.path().join("url.out")).unwrap();
    assert!(url.starts_with("https://"), "{url}");
    let logs = run.output();
    let stored = stored_everywhere(&ws);
    for line in pem.lines().filter(|l| l.len() > 20) {
        assert!(!logs.contains(line), "a key line reached the TRACE log");
        assert!(!stored.contains(line), "a key line reached state or plan");
    }
    assert!(
        !stored.contains(&url),
        "the console URL reached state or plan"
    );
    assert!(
        !logs.contains(&url),
        "the console URL reached the TRACE log"
    );
    assert!(
        sim.requests().iter().any(|r| r["path"]
            .as_str()
            .is_some_and(|p| p.contains("/privatekey"))),
        "the key was read from the cloud"
    );
}

#[test]
fn starvcenter_ephemeral_connection_reaches_a_provisioner_and_nothing_else() {
    let sim = Sim::start();
    let (vm, _, _) = seed_vm(&sim, "console");
    let mut ws = Workspace::new();
    ws.env("TF_LOG", "TRACE");
    ws.write(&format!(
        "{}\nephemeral \"polycloud_vps_connection\" \"c\" {{\n  vps_id = \"{vm}\"\n}}\n{}",
        svc_provider(&sim),
        provisioner_writing(&[
            (
                "url.out",
                "ephemeral.polycloud_vps_connection.c.console_url"
            ),
            ("host.out", "ephemeral.polycloud_vps_connection.c.host_ip"),
        ])
    ));
    let run = ws.apply().ok();
    let url = std::fs::read_to_string(ws.path().join("url.out")).unwrap();
    assert!(
        url.starts_with(&format!(
            "https://console.starvcenter.local/vnc/{vm}?token="
        )),
        "{url}"
    );
    let token = url.rsplit('=').next().unwrap().to_string();
    assert!(!token.is_empty());
    let host = std::fs::read_to_string(ws.path().join("host.out")).unwrap();
    assert!(!host.is_empty());
    let stored = stored_everywhere(&ws);
    assert!(
        !run.output().contains(&token),
        "the console token reached the log"
    );
    assert!(
        !stored.contains(&token),
        "the console token reached state or plan"
    );
    assert!(!svc_requests(&sim, "GET", &format!("cloudvm/connection/{vm}")).is_empty());
}
