//! Credentials per provider block (SPEC §10), shown from the simulator's request log:
//! a token exported for one cloud is never sent to another; written arguments win;
//! a block without a credential fails at configure, naming the variables to set,
//! before it sends anything; bad values fail at validate with zero requests.

use serde_json::Value;

use crate::harness::*;
use crate::inet_helpers::{inet_endpoint, INET_TOKEN};
use crate::zomro_support::{zomro_endpoint, ZOMRO_PASS, ZOMRO_USER};

/// Three aliases: Vscale from the generic environment (CI exports it), Zomro signing
/// in with a written username and password, iNET with `token = var.inet_token`.
fn three_aliases(sim: &Sim) -> String {
    format!(
        r#"variable "inet_token" {{
  type    = string
  default = null
}}

provider "polycloud" {{}}

provider "polycloud" {{
  alias    = "zomro"
  cloud    = "zomro"
  endpoint = "{zomro}"
  username = "{ZOMRO_USER}"
  password = "{ZOMRO_PASS}"
}}

provider "polycloud" {{
  alias    = "inet"
  cloud    = "inet"
  endpoint = "{inet}"
  token    = var.inet_token
}}

data "polycloud_locations" "vscale" {{}}

data "polycloud_locations" "zomro" {{
  provider = polycloud.zomro
}}

data "polycloud_vps_list" "inet" {{
  provider = polycloud.inet
}}
"#,
        zomro = zomro_endpoint(sim),
        inet = inet_endpoint(sim),
    )
}

fn vscale_from_environment(ws: &mut Workspace, sim: &Sim) {
    ws.env("POLYCLOUD_CLOUD", "vscale");
    ws.env("POLYCLOUD_TOKEN", VSCALE_TOKEN);
    ws.env("POLYCLOUD_ENDPOINT", &sim.vscale_endpoint());
}

fn of_cloud(log: &[Value], cloud: &str) -> Vec<Value> {
    log.iter()
        .filter(|r| r["cloud"] == cloud)
        .cloned()
        .collect()
}

/// Panics when a logged request of `cloud` carries `secret` anywhere (headers,
/// query, body).
fn assert_never_sent(log: &[Value], cloud: &str, secret: &str, what: &str) {
    for request in of_cloud(log, cloud) {
        assert!(
            !request.to_string().contains(secret),
            "{what} was sent to {cloud}: {request:#}"
        );
    }
}

#[test]
fn aliases_send_each_cloud_only_its_own_credential() {
    let sim = Sim::start();
    let mut ws = Workspace::new();
    vscale_from_environment(&mut ws, &sim);
    ws.env("POLYCLOUD_INET_TOKEN", INET_TOKEN);
    ws.write(&three_aliases(&sim));
    ws.apply().ok();
    let log = sim.requests();

    let vscale = of_cloud(&log, "vscale");
    assert!(!vscale.is_empty(), "Vscale was not called");
    for r in &vscale {
        assert_eq!(r["headers"]["x-token"], VSCALE_TOKEN, "{r:#}");
        assert!(r["headers"].get("authorization").is_none(), "{r:#}");
    }
    let inet = of_cloud(&log, "inet");
    assert!(!inet.is_empty(), "iNET was not called");
    for r in &inet {
        assert_eq!(
            r["headers"]["authorization"],
            format!("Bearer {INET_TOKEN}"),
            "{r:#}"
        );
        assert!(r["headers"].get("x-token").is_none(), "{r:#}");
    }
    let zomro = of_cloud(&log, "zomro");
    assert!(!zomro.is_empty(), "Zomro was not called");
    // The written username and password won over POLYCLOUD_TOKEN: Zomro signed in.
    assert_eq!(zomro[0]["body"]["func"], "auth", "{:#}", zomro[0]);
    assert_eq!(zomro[0]["body"]["username"], ZOMRO_USER);

    assert_never_sent(&log, "zomro", VSCALE_TOKEN, "the Vscale token");
    assert_never_sent(&log, "inet", VSCALE_TOKEN, "the Vscale token");
    assert_never_sent(&log, "zomro", INET_TOKEN, "the iNET token");
    assert_never_sent(&log, "vscale", INET_TOKEN, "the iNET token");
    assert_never_sent(&log, "vscale", ZOMRO_PASS, "the Zomro password");
    assert_never_sent(&log, "inet", ZOMRO_PASS, "the Zomro password");
}

#[test]
fn a_block_without_its_own_credential_fails_at_configure_naming_the_variables() {
    let sim = Sim::start();
    let mut ws = Workspace::new();
    vscale_from_environment(&mut ws, &sim);
    ws.write(&three_aliases(&sim));
    let run = ws.apply();
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Missing credentials"), "{out}");
    assert!(out.contains("POLYCLOUD_INET_TOKEN"), "{out}");
    assert!(out.contains("POLYCLOUD_CLOUD"), "{out}");
    let log = sim.requests();
    assert!(
        of_cloud(&log, "inet").is_empty(),
        "the iNET block sent requests without a credential: {log:#?}"
    );
    assert_never_sent(&log, "zomro", VSCALE_TOKEN, "the Vscale token");
}

#[test]
fn bad_values_fail_at_validate_without_any_request() {
    let sim = Sim::start();
    let ws = Workspace::new();
    let vps = r#"
resource "polycloud_vps" "web" {
  name     = "web-1"
  image    = "ubuntu_22.04_64_001_master"
  plan     = "small"
  location = "spb0"
  timeouts {
    create = "99999999999999999999h"
  }
}
"#;
    ws.write(&format!(
        r#"provider "polycloud" {{
  cloud           = "vscale"
  endpoint        = "{}"
  token           = ""
  request_timeout = "500ms"
}}

data "polycloud_locations" "all" {{}}
"#,
        sim.vscale_endpoint()
    ));
    let run = ws.tf(&["validate", "-no-color"]);
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Empty token"), "{out}");
    assert!(out.contains("request_timeout must be at least 1s"), "{out}");
    assert_no_panic(&out);

    // Terraform validates resources once the provider block is valid.
    ws.write(&format!("{}{vps}", vscale_provider(&sim)));
    let run = ws.tf(&["validate", "-no-color"]);
    let out = run.output();
    assert_eq!(run.code, 1, "{out}");
    assert!(out.contains("Invalid timeout"), "{out}");
    assert!(
        out.contains("longer than the longest accepted duration"),
        "{out}"
    );
    assert_no_panic(&out);
    assert!(sim.requests().is_empty(), "{:#?}", sim.requests());
}

#[test]
fn plain_http_to_a_public_cloud_is_a_warning_at_validate() {
    // `terraform validate` never configures the provider: nothing is sent anywhere.
    let ws = Workspace::new();
    ws.write(
        r#"provider "polycloud" {
  cloud    = "zomro"
  endpoint = "http://api.zomro.com/billmgr"
  token    = "session"
}

data "polycloud_locations" "all" {}
"#,
    );
    let run = ws.tf(&["validate", "-no-color"]).ok();
    let out = run.output();
    assert!(out.contains("Unencrypted endpoint"), "{out}");
    assert!(out.contains("clear text"), "{out}");
}

fn assert_no_panic(out: &str) {
    assert!(
        !out.contains("panicked") && !out.contains("Request cancelled"),
        "{out}"
    );
}
