//! The secret sweep: every resource and data source of every cloud, with secrets that
//! contain quotes, backslashes and non-ASCII characters, and secrets of one, two and
//! three characters; every terraform command runs with `TF_LOG=TRACE` and its whole
//! output (the plugin's stderr included, which Terraform relays) is searched for each
//! secret in every form it could take (as written, JSON- and `Debug`-escaped,
//! `\u`-escaped, URL-encoded).
//!
//! Secrets reach the provider through `TF_VAR_*` variables marked sensitive, so
//! Terraform's own source snippets cannot show them: whatever is found came from the
//! plugin. One secret is echoed back by the cloud in an error message (BILLmanager
//! does that), where no field name says "secret": only the masking of registered
//! values catches it, in the TRACE line and in the diagnostic.

use serde_json::Value;

use crate::harness::*;
use crate::inet_helpers::{inet_provider, seed_one, INET_TOKEN};
use crate::starvcenter_common::{svc_api, svc_provider, SVC_TOKEN};
use crate::starvcenter_net::seed_vm;
use crate::zomro_support::{queue_error, zomro_endpoint, zomro_vps, ALMA, ZOMRO_PASS, ZOMRO_USER};

/// Secrets of every length class and awkward characters (the long ones also meet
/// Zomro's password rule: 8 characters, an upper-case letter, a digit).
const ONE: &str = "☃";
const TWO: &str = "é\"";
const THREE: &str = "ж\"\\";
const LONG: &str = "Qu\"ote\\Back-slash-ünï©ode-9";
const LONG2: &str = "Zw\"eit\\es-Pässwört-7";

/// The forms a secret can take in a log line or a message.
fn forms(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).unwrap();
    let json = json[1..json.len() - 1].to_string();
    let debug = format!("{secret:?}");
    let debug = debug[1..debug.len() - 1].to_string();
    let ascii_json: String = json
        .chars()
        .map(|c| {
            if c.is_ascii() {
                c.to_string()
            } else {
                let mut buf = [0u16; 2];
                c.encode_utf16(&mut buf)
                    .iter()
                    .map(|u| format!("\\u{u:04x}"))
                    .collect()
            }
        })
        .collect();
    let url: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    // hclog prints a JSON-escaped value again with its backslashes doubled.
    let relayed = json.replace('\\', "\\\\");
    // A long secret also leaks when a piece of it between two escaped characters
    // shows, whatever escaping surrounds it.
    let pieces: Vec<String> = if secret.chars().count() >= 8 {
        secret
            .split(['"', '\\'])
            .filter(|p| p.chars().count() >= 6)
            .map(String::from)
            .collect()
    } else {
        Vec::new()
    };
    let mut all = vec![
        relayed,
        secret.to_string(),
        json.clone(),
        debug.clone(),
        ascii_json,
        url,
        serde_json::to_string(&json)
            .unwrap()
            .trim_matches('"')
            .to_string(),
        serde_json::to_string(&debug)
            .unwrap()
            .trim_matches('"')
            .to_string(),
    ];
    all.extend(pieces);
    all.sort();
    all.dedup();
    all
}

/// Panics naming the secret and showing where it appeared. With
/// `POLYCLOUD_SWEEP_DUMP=DIR` the searched text is also written there, for a look.
fn assert_nowhere(output: &str, secrets: &[(&str, String)]) {
    if let Some(dir) = std::env::var_os("POLYCLOUD_SWEEP_DUMP") {
        let name = format!("{}.log", secrets[0].0.replace(' ', "_"));
        let _ = std::fs::write(std::path::Path::new(&dir).join(name), output);
    }
    for (what, secret) in secrets {
        for form in forms(secret) {
            if let Some(at) = output.find(&form) {
                let start = output[..at]
                    .char_indices()
                    .rev()
                    .nth(200)
                    .map_or(0, |(i, _)| i);
                let end = (at + form.len() + 200).min(output.len());
                let end = (end..=output.len())
                    .find(|i| output.is_char_boundary(*i))
                    .unwrap();
                panic!("{what} leaked as {form:?}:\n…{}…", &output[start..end]);
            }
        }
    }
}

/// A workspace tracing everything, with the secrets as sensitive variables.
fn traced(vars: &[(&str, &str)]) -> (Workspace, String) {
    let mut ws = Workspace::new();
    ws.env("TF_LOG", "TRACE");
    let mut decl = String::new();
    for (name, value) in vars {
        ws.env(&format!("TF_VAR_{name}"), value);
        decl.push_str(&format!(
            "variable \"{name}\" {{\n  type      = string\n  sensitive = true\n}}\n"
        ));
    }
    (ws, decl)
}

/// Every run's output, appended.
#[derive(Default)]
struct Transcript(String);

impl Transcript {
    fn add(&mut self, run: TfRun) -> TfRun {
        self.0.push_str(&run.output());
        run
    }
}

#[test]
fn vscale_secrets_of_every_shape_never_reach_output_or_logs() {
    let sim = Sim::start();
    let (ws, vars) = traced(&[("one", ONE), ("two", TWO), ("three", THREE), ("long", LONG)]);
    let vps = |name: &str, var: &str| {
        format!("resource \"polycloud_vps\" \"{name}\" {{\n  name     = \"{name}\"\n  image    = \"ubuntu_22.04_64_001_master\"\n  plan     = \"small\"\n  location = \"spb0\"\n  password = var.{var}\n}}\n")
    };
    let config = format!(
        r#"{vars}{provider}
{a}{b}{c}{d}
resource "polycloud_ssh_key" "admin" {{
  name       = "admin"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHDKWOALGeTR7nyXaVl1KKO+SsdTA8YPfpgh2nuiGbvR admin@example.com"
}}

resource "polycloud_backup" "d" {{
  vps_id = polycloud_vps.d.id
  name   = "d-backup"
}}

resource "polycloud_vps_restore" "d" {{
  vps_id    = polycloud_vps.d.id
  backup_id = polycloud_backup.d.id
}}

resource "polycloud_vps_reboot" "c" {{
  vps_id = polycloud_vps.c.id
}}

data "polycloud_vps" "d" {{
  id = polycloud_vps.d.id
}}
data "polycloud_vps_list" "all" {{
  depends_on = [polycloud_vps.a, polycloud_vps.b, polycloud_vps.c, polycloud_vps.d]
}}
data "polycloud_images" "all" {{}}
data "polycloud_plans" "all" {{}}
data "polycloud_locations" "all" {{}}
data "polycloud_backups" "all" {{
  depends_on = [polycloud_backup.d]
}}
data "polycloud_account" "me" {{}}
"#,
        provider = vscale_provider(&sim),
        a = vps("a", "one"),
        b = vps("b", "two"),
        c = vps("c", "three"),
        d = vps("d", "long"),
    );
    ws.write(&config);
    let mut out = Transcript::default();
    out.add(ws.apply()).ok();
    // Every password really went to the cloud (the sweep is not vacuous).
    let sent: Vec<Value> = sim
        .requests_to("POST", "/vscale/v1/scalets")
        .iter()
        .map(|r| r["body"]["password"].clone())
        .collect();
    for secret in [ONE, TWO, THREE, LONG] {
        assert!(
            sent.contains(&Value::from(secret)),
            "{secret:?} not sent: {sent:?}"
        );
    }
    out.add(ws.plan());
    out.add(ws.destroy()).ok();
    assert_nowhere(
        &out.0,
        &[
            ("a one-character password", ONE.into()),
            ("a two-character password", TWO.into()),
            ("a three-character password", THREE.into()),
            (
                "a password with quotes, backslashes and unicode",
                LONG.into(),
            ),
            ("the Vscale token", VSCALE_TOKEN.into()),
        ],
    );
    assert!(out.0.contains("POST"), "nothing was traced");
}

#[test]
fn zomro_secrets_and_a_cloud_echoing_a_password_never_reach_output_or_logs() {
    let sim = Sim::start();
    let (ws, vars) = traced(&[("pw", LONG), ("pw2", LONG2), ("zpass", ZOMRO_PASS)]);
    let provider = format!(
        "provider \"polycloud\" {{\n  cloud    = \"zomro\"\n  endpoint = \"{}\"\n  username = \"{ZOMRO_USER}\"\n  password = var.zpass\n}}\n",
        zomro_endpoint(&sim)
    );
    let vps = zomro_vps(ALMA, "6143", "1", "  password = var.pw\n");
    let data = r#"
data "polycloud_vps" "by_id" {
  id = polycloud_vps.web.id
}
data "polycloud_vps_list" "all" {
  depends_on = [polycloud_vps.web]
}
data "polycloud_locations" "all" {}
data "polycloud_plans" "all" {}
data "polycloud_images" "all" {}
"#;
    ws.write(&format!("{vars}{provider}\n{vps}{data}"));
    let mut out = Transcript::default();
    out.add(ws.apply()).ok();
    out.add(ws.plan());

    // BILLmanager refuses a rebuild password and quotes it back in `msg`, a field
    // whose name says nothing: only the registry of sent secrets can mask it.
    queue_error(
        &sim,
        "instances.fleio.rebuild",
        1,
        &format!("Password \"{LONG2}\" does not match the password policy"),
    );
    let rebuild = zomro_vps(
        "6f1c2a9e-2b1d-4d8e-9a57-20c4a1b0e204",
        "6143",
        "1",
        "  password = var.pw2\n",
    );
    ws.write(&format!("{vars}{provider}\n{rebuild}{data}"));
    let run = out.add(ws.apply());
    let text = run.output();
    assert_eq!(run.code, 1, "{text}");
    assert!(
        text.contains("does not match the password policy"),
        "the cloud's message is shown: {text}"
    );
    let sent = sim
        .requests()
        .iter()
        .any(|r| r["body"]["password"] == LONG2);
    assert!(sent, "the rebuild password was not sent");
    out.add(ws.destroy()).ok();

    // Session ids handed out by func=auth are secrets too.
    let sessions: Vec<String> = sim
        .requests()
        .iter()
        .filter_map(|r| r["body"]["auth"].as_str().map(String::from))
        .collect();
    assert!(!sessions.is_empty(), "no session was used");
    let mut secrets = vec![
        ("the VPS password", LONG.to_string()),
        ("the password the cloud echoed", LONG2.to_string()),
        ("the account password", ZOMRO_PASS.to_string()),
    ];
    for s in sessions {
        secrets.push(("a session id", s));
    }
    assert_nowhere(&out.0, &secrets);
}

#[test]
fn inet_keys_console_urls_and_token_never_reach_output_or_logs() {
    let sim = Sim::start();
    let id = seed_one(&sim, "web");
    let auth = format!("Bearer {INET_TOKEN}");
    let api = |path: &str| {
        let (status, body) = sim.call(
            "GET",
            &format!("/inet/api/gateway/v1{path}"),
            None,
            &[("Authorization", auth.as_str())],
        );
        assert_eq!(status, 200, "{path}: {body}");
        body["data"].clone()
    };
    let pem = api(&format!("/vps/{id}/privatekey?typeKey=linux"));
    let ppk = api(&format!("/vps/{id}/privatekey?typeKey=windows"));
    let (ws, vars) = traced(&[]);
    ws.write(&format!(
        r#"{vars}{provider}
resource "polycloud_snapshot" "s" {{
  vps_id = "{id}"
}}
resource "polycloud_volume" "v" {{
  vps_id = "{id}"
  image  = "Ubuntu-22.04"
}}
data "polycloud_vps" "web" {{
  id = "{id}"
}}
data "polycloud_vps_list" "all" {{}}
data "polycloud_snapshots" "all" {{
  vps_id     = "{id}"
  depends_on = [polycloud_snapshot.s]
}}
data "polycloud_backups" "all" {{
  vps_id = "{id}"
}}
data "polycloud_vps_keypair" "k" {{
  vps_id = "{id}"
}}
data "polycloud_vps_private_key" "pem" {{
  vps_id = "{id}"
}}
data "polycloud_vps_private_key" "ppk" {{
  vps_id   = "{id}"
  key_type = "windows"
}}
data "polycloud_vps_console" "c" {{
  vps_id = "{id}"
}}
"#,
        provider = inet_provider(&sim)
    ));
    let mut out = Transcript::default();
    out.add(ws.apply()).ok();
    // Each console call hands out a fresh access token: the sweep looks for the URL
    // the provider really read.
    let console = ws.resource("data.polycloud_vps_console.c")["url"]
        .as_str()
        .expect("a console URL")
        .to_string();
    assert!(console.contains("token="), "{console}");
    out.add(ws.plan());
    out.add(ws.destroy()).ok();
    let mut secrets = vec![
        ("the console URL", console.clone()),
        ("the iNET token", INET_TOKEN.to_string()),
    ];
    // The URL's own access token, wherever it is printed alone.
    if let Some((_, query)) = console.split_once('?') {
        for pair in query.split('&') {
            if let Some(("token", value)) = pair.split_once('=') {
                secrets.push(("the console URL's token", value.to_string()));
            }
        }
    }
    for key in [&pem, &ppk] {
        let key = key["privateKey"]
            .as_str()
            .expect("a private key")
            .to_string();
        for line in key
            .lines()
            .filter(|l| l.len() >= 16 && !l.starts_with("-----"))
        {
            secrets.push(("a private key line", line.to_string()));
        }
    }
    assert_nowhere(&out.0, &secrets);
}

#[test]
fn starvcenter_passwords_private_keys_and_console_urls_never_reach_output_or_logs() {
    let sim = Sim::start();
    let (a, _, ip_a) = seed_vm(&sim, "a");
    // The simulator hands out a fresh console token per call, as a console would.
    let from_api = svc_api(&sim, "GET", &format!("cloudvm/connection/{a}"), None)["vm.console.url"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(from_api.contains("token="), "{from_api}");
    let key = format!(
        "-----BEGIN PRIVATE KEY-----\nMIIEv{}QIBADAN\n-----END PRIVATE KEY-----\n",
        LONG2
    );
    let (ws, vars) = traced(&[("pw", LONG), ("key", &key)]);
    let vps = |password: &str| {
        format!(
            r#"resource "polycloud_vps" "app" {{
  name       = "app"
  image      = "tpl-centos-7"
  cpu        = 2
  memory_mb  = 2048
  network_id = "vpc-default"
  password   = {password}
}}
"#
        )
    };
    let rest = format!(
        r#"
resource "polycloud_router" "edge" {{
  name    = "edge"
  vpc_ids = ["vpc-default"]
}}
resource "polycloud_slb" "tls" {{
  name              = "tls"
  tenant_id         = "app-000000"
  router_vps_id     = polycloud_router.edge.id
  network_type      = "outer"
  frontend_ip       = "203.0.113.10"
  frontend_port     = 443
  backend_port      = 8443
  protocol          = "https"
  https_certificate = "-----BEGIN CERTIFICATE-----\nMIIBsimulated\n-----END CERTIFICATE-----\n"
  https_private_key = var.key
  backend {{
    name   = "a"
    ip     = "{ip_a}"
    port   = 8443
    vps_id = "{a}"
    weight = 1
  }}
}}
data "polycloud_vps_connection" "c" {{
  vps_id = "{a}"
}}
data "polycloud_vps" "app" {{
  id = polycloud_vps.app.id
}}
data "polycloud_vps_list" "all" {{
  depends_on = [polycloud_vps.app]
}}
data "polycloud_quota" "pool" {{}}
data "polycloud_hosts" "all" {{}}
data "polycloud_storages" "all" {{}}
data "polycloud_alarms" "all" {{}}
data "polycloud_plans" "all" {{}}
data "polycloud_public_ips" "all" {{}}
"#
    );
    ws.write(&format!(
        "{vars}{}\n{}{rest}",
        svc_provider(&sim),
        vps("var.pw")
    ));
    let mut out = Transcript::default();
    out.add(ws.apply()).ok();
    let console = ws.resource("data.polycloud_vps_connection.c")["console_url"]
        .as_str()
        .expect("a console URL")
        .to_string();
    // A change of password in place (setadminpwd) to a three-character one.
    let mut ws = ws;
    ws.env("TF_VAR_pw", THREE);
    out.add(ws.apply()).ok();
    let sent: Vec<String> = sim
        .requests()
        .iter()
        .filter(|r| r["cloud"] == "starvcenter")
        .map(|r| r["body"].to_string())
        .collect();
    assert!(
        sent.iter()
            .any(|b| b.contains(&serde_json::to_string(THREE).unwrap())),
        "the new password was not sent"
    );
    out.add(ws.plan());
    out.add(ws.destroy()).ok();
    assert_nowhere(
        &out.0,
        &[
            ("the VPS password", LONG.into()),
            ("the changed three-character password", THREE.into()),
            ("the HTTPS private key", LONG2.into()),
            ("the console URL", console),
            ("the StarVCenter token", SVC_TOKEN.into()),
        ],
    );
}
