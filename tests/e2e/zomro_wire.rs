//! Zomro's BILLmanager specifics through Terraform: sessions renewed once, errors that
//! come with HTTP 200, the busy answer, the password rule at plan, secrets in TRACE
//! logs, and the images/plans data sources.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::harness::*;
use crate::zomro_support::*;

fn user_config(sim: &Sim, extra: &str) -> String {
    format!(
        "{}\n{}",
        zomro_user_provider(sim),
        zomro_vps(
            UBUNTU20,
            "6143",
            "1",
            &format!("{}{extra}", password_line(VPS_PASSWORD))
        )
    )
}

/// Terraform wraps diagnostics: compare with single spaces.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn last_seq(sim: &Sim) -> u64 {
    sim.requests()
        .iter()
        .filter_map(|r| r["seq"].as_u64())
        .max()
        .unwrap_or(0)
}

#[test]
fn zomro_expired_session_is_renewed_once_and_the_apply_succeeds() {
    let sim = Sim::start_with(3000);
    let ws = Workspace::new();
    ws.write(&user_config(&sim, ""));
    // Apply in the background; expire the session while the order is being waited on.
    let dir = ws.path().to_path_buf();
    let apply = std::thread::spawn(move || {
        std::process::Command::new(terraform())
            .current_dir(&dir)
            .args(["apply", "-auto-approve", "-no-color", "-input=false"])
            .env("TF_CLI_CONFIG_FILE", dir.join("cli.tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .output()
            .expect("terraform apply")
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    while calls(&sim, "v2.instances.order.param").is_empty() {
        assert!(Instant::now() < deadline, "the order was never sent");
        std::thread::sleep(Duration::from_millis(50));
    }
    let before = calls(&sim, "v2.instances.order.param")[0]["body"]["auth"].clone();
    assert_eq!(expire_sessions(&sim), 1, "one session was in use");
    let expired_at = last_seq(&sim);
    let out = apply.join().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(only_instance(&sim)["instance_status"], "active");
    let renewals: Vec<Value> = calls(&sim, "auth")
        .into_iter()
        .filter(|r| r["seq"].as_u64().unwrap() > expired_at)
        .collect();
    assert_eq!(
        renewals.len(),
        1,
        "signed in again exactly once: {renewals:#?}"
    );
    assert_eq!(renewals[0]["body"]["username"], ZOMRO_USER);
    let polls_after: Vec<Value> = calls(&sim, "instances")
        .into_iter()
        .filter(|r| r["seq"].as_u64().unwrap() > renewals[0]["seq"].as_u64().unwrap())
        .collect();
    assert!(!polls_after.is_empty());
    assert!(
        polls_after.iter().all(|r| r["body"]["auth"] != before),
        "the new session is used"
    );
}

#[test]
fn zomro_wrong_password_and_expired_token_give_clear_errors() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&user_config(&sim, "").replace(ZOMRO_PASS, "Wrong-pass1"));
    let run = ws.apply().failed();
    assert!(
        run.output().contains("Authentication failed"),
        "{}",
        run.output()
    );
    assert!(
        flat(&run.output()).contains("Invalid username or password"),
        "{}",
        run.output()
    );
    assert!(instances(&sim).is_empty());
    assert!(writes(&sim).is_empty());
    // A session given as `token` that the cloud refuses cannot be renewed.
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\n{}",
        zomro_token_provider(&sim).replace(ZOMRO_TOKEN, "stale-session-id"),
        zomro_vps(UBUNTU20, "6143", "1", &password_line(VPS_PASSWORD))
    ));
    let run = ws.apply().failed();
    assert!(
        flat(&run.output()).contains("configure `username` and `password`"),
        "{}",
        run.output()
    );
    assert!(
        calls(&sim, "auth").len() == 1,
        "no sign-in without username/password"
    );
}

#[test]
fn zomro_doc_error_with_http_200_fails_the_apply_with_its_message() {
    let sim = Sim::start();
    queue_error(
        &sim,
        "v2.instances.order.param",
        1,
        "Not enough money on the balance",
    );
    let ws = Workspace::new();
    ws.write(&user_config(&sim, ""));
    let run = ws.apply().failed();
    let out = flat(&run.output());
    assert!(out.contains("Cannot create the server"), "{out}");
    assert!(out.contains("Not enough money on the balance"), "{out}");
    assert!(instances(&sim).is_empty());
    assert_eq!(
        calls(&sim, "v2.instances.order.param").len(),
        1,
        "a refusal is not retried"
    );
    assert!(
        ws.resource("polycloud_vps.web").is_null(),
        "nothing in state"
    );
}

#[test]
fn zomro_busy_answer_is_retried() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&user_config(&sim, ""));
    ws.apply().ok();
    queue_error(&sim, "service.stop", 2, "Request in process, please wait");
    sim.clear_requests();
    ws.write(&user_config(&sim, "  power_state = \"stopped\"\n"));
    ws.apply().ok();
    assert_eq!(only_instance(&sim)["instance_status"], "stopped");
    assert_eq!(
        calls(&sim, "service.stop").len(),
        3,
        "two busy answers, then done"
    );
    ws.assert_no_changes();
}

#[test]
fn zomro_password_rule_is_checked_at_plan_with_zero_requests() {
    let sim = Sim::start();
    for weak in ["mypassword1", "Mypassword", "Mypas1"] {
        let ws = Workspace::new();
        ws.write(&format!(
            "{}\n{}",
            zomro_token_provider(&sim),
            zomro_vps(UBUNTU20, "6143", "1", &password_line(weak))
        ));
        let run = ws.plan();
        assert_eq!(run.code, 1, "{}", run.output());
        let out = flat(&run.output());
        assert!(out.contains("Invalid `password`"), "{out}");
        assert!(out.contains("one upper-case letter and one digit"), "{out}");
        assert!(out.contains("password"), "{out}");
    }
    assert!(sim.requests().is_empty(), "{:#?}", sim.requests());

    // On a rebuild too: the plan fails and nothing is sent but reads.
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\n{}",
        zomro_token_provider(&sim),
        zomro_vps(UBUNTU20, "6143", "1", &password_line(VPS_PASSWORD))
    ));
    ws.apply().ok();
    sim.clear_requests();
    ws.write(&format!(
        "{}\n{}",
        zomro_token_provider(&sim),
        zomro_vps(ALMA, "6143", "1", &password_line("weakpass"))
    ));
    ws.apply().failed();
    assert!(writes(&sim).is_empty(), "{:#?}", writes(&sim));
    assert_eq!(only_instance(&sim)["instances_os"], UBUNTU20);
}

#[test]
fn zomro_trace_logs_hold_no_password_and_no_session() {
    let sim = Sim::start();
    let mut ws = Workspace::new();
    ws.env("TF_LOG", "TRACE");
    ws.write(&user_config(&sim, ""));
    let apply = ws.apply().ok();
    let destroy = ws.destroy().ok();
    let logs = format!("{}{}", apply.output(), destroy.output());
    assert!(logs.contains("/zomro/billmgr"), "HTTP requests are traced");
    assert!(
        logs.contains("func=v2.instances.order.param"),
        "form bodies are traced"
    );
    assert!(!logs.contains(ZOMRO_PASS), "the account password leaked");
    assert!(!logs.contains(VPS_PASSWORD), "the server password leaked");
    let sessions: Vec<String> = sim
        .requests()
        .iter()
        .filter_map(|r| r["body"]["auth"].as_str().map(String::from))
        .collect();
    assert!(!sessions.is_empty());
    for session in sessions {
        assert!(!logs.contains(&session), "session id {session} leaked");
    }
}

#[test]
fn zomro_images_and_plans_data_sources() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&format!(
        "{}\ndata \"polycloud_images\" \"usa\" {{\n  location = \"2\"\n}}\ndata \"polycloud_plans\" \"all\" {{}}\ndata \"polycloud_plans\" \"usa\" {{\n  location = \"2\"\n}}\noutput \"images\" {{\n  value = data.polycloud_images.usa.images\n}}\noutput \"plans\" {{\n  value = data.polycloud_plans.all.plans\n}}\noutput \"usa_plans\" {{\n  value = data.polycloud_plans.usa.ids\n}}\n",
        zomro_token_provider(&sim)
    ));
    ws.apply().ok();
    let out = ws.tf(&["output", "-json"]).ok();
    let outputs: Value = serde_json::from_str(&out.stdout).unwrap();
    let images = outputs["images"]["value"].as_array().unwrap();
    let ids: Vec<&str> = images.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [ALMA, UBUNTU20, UBUNTU22],
        "Debian 12 is not offered in 2"
    );
    assert_eq!(images[0]["description"], "AlmaLinux 8");
    let plans = outputs["plans"]["value"].as_array().unwrap();
    assert_eq!(plans.len(), 3);
    assert_eq!(plans[0]["id"], "6143");
    assert_eq!(plans[0]["cpu"], 1);
    assert_eq!(plans[0]["memory_mb"], 1024);
    assert_eq!(plans[0]["disk_gb"], 25);
    assert_eq!(plans[0]["details"]["price"], "4.00");
    assert_eq!(plans[0]["details"]["currency"], "EUR");
    assert_eq!(plans[0]["details"]["name"], "Cloud VPS-1");
    assert_eq!(
        outputs["usa_plans"]["value"],
        serde_json::json!(["6143", "6144"])
    );
    let pricelist = calls(&sim, "v2.instances.order.pricelist");
    assert!(!pricelist.is_empty());
    assert_eq!(pricelist[0]["body"]["out"], "json");
}

#[test]
fn zomro_create_timeout_keeps_the_instance_tainted_in_state() {
    let sim = Sim::start_with(6000);
    let ws = Workspace::new();
    ws.write(&user_config(
        &sim,
        "  timeouts {\n    create = \"1s\"\n  }\n",
    ));
    let run = ws.apply().failed();
    let out = flat(&run.output());
    assert!(out.contains("timed out after 1s"), "{out}");
    assert!(out.contains("Zomro instance"), "{out}");
    let id = only_instance(&sim)["id"].as_str().unwrap().to_string();
    assert_eq!(ws.resource("polycloud_vps.web")["id"], id.as_str());
    let state = ws.state_json();
    let tainted = state["values"]["root_module"]["resources"][0]["tainted"] == true;
    assert!(tainted, "{state:#}");
}
