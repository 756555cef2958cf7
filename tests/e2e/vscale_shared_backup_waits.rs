//! Vscale backup-create waits share the Vscale poll rounds, counted through the
//! simulator's request log: eight backups whose tasks take 2 s cost one `GET /backups`
//! and one `GET /tasks` per round, never a `GET /scalets` (no scalet wait is in the
//! rounds) nor a backup's own `GET /backups/{id}`; a backup task that fails ends its
//! own wait with the task's method and keeps the backup in state, tainted; a backup
//! the list no longer shows is read on its own before its wait fails.

use serde_json::{json, Value};

use crate::harness::*;

/// The shortest time between two shared rounds (`src/cloud/poller.rs`, `TICK`).
const TICK_MS: i64 = 500;

/// `scalets` servers and, when `backups`, one backup of each named `nightly-N`.
fn config(sim: &Sim, scalets: usize, backups: bool) -> String {
    let servers = format!("resource \"polycloud_vps\" \"s\" {{\n  count    = {scalets}\n  name     = \"bk-${{count.index}}\"\n  image    = \"ubuntu_22.04_64_001_master\"\n  plan     = \"small\"\n  location = \"spb0\"\n}}\n");
    let backup = format!("resource \"polycloud_backup\" \"b\" {{\n  count  = {scalets}\n  vps_id = polycloud_vps.s[count.index].id\n  name   = \"nightly-${{count.index}}\"\n}}\n");
    format!(
        "{}\n{servers}{}",
        vscale_provider(sim),
        if backups { backup.as_str() } else { "" }
    )
}

/// Vscale tasks started from now on take `ms`.
fn set_task_ms(sim: &Sim, ms: u64) {
    let (status, body) = sim.call("POST", "/_sim/config", Some(json!({ "task_ms": ms })), &[]);
    assert_eq!(status, 200, "{body}");
}

/// The backups the simulator holds.
fn backups_held(sim: &Sim) -> Vec<Value> {
    sim.state()["vscale"]["backups"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// Whether a logged request is `method` on exactly `path` (under `/vscale/v1`).
fn is(r: &Value, method: &str, path: &str) -> bool {
    r["method"] == method && r["path"] == format!("/vscale/v1{path}")
}

/// Whether a logged request's path starts with `prefix` (under `/vscale/v1`).
fn under(r: &Value, method: &str, prefix: &str) -> bool {
    r["method"] == method
        && r["path"]
            .as_str()
            .is_some_and(|p| p.starts_with(&format!("/vscale/v1{prefix}")))
}

fn ms(r: &Value, field: &str) -> i64 {
    r[field]
        .as_i64()
        .unwrap_or_else(|| panic!("{field} in {r}"))
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn eight_backups_made_together_share_their_polls() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&config(&sim, 8, false));
    ws.apply().ok();
    assert_eq!(sim.scalets().len(), 8);

    set_task_ms(&sim, 2000);
    sim.clear_requests();
    ws.write(&config(&sim, 8, true));
    let run = ws.apply();
    assert_eq!(run.code, 0, "{}", run.output());
    let log = sim.requests();

    let posts: Vec<&Value> = log
        .iter()
        .filter(|r| {
            under(r, "POST", "/scalets/") && r["path"].as_str().unwrap().ends_with("/backup")
        })
        .collect();
    assert_eq!(posts.len(), 8, "one POST …/backup per backup: {posts:#?}");
    let mut names: Vec<&str> = posts
        .iter()
        .map(|r| r["body"]["name"].as_str().unwrap())
        .collect();
    names.sort();
    let wanted: Vec<String> = (0..8).map(|i| format!("nightly-{i}")).collect();
    assert_eq!(names, wanted);

    // The waits begin with the last POST answered (every backup being made by then)
    // and end with the apply's last request.
    let window_start = posts.iter().map(|r| ms(r, "ended_ms")).max().unwrap();
    let window_end = log.iter().map(|r| ms(r, "ended_ms")).max().unwrap();
    let waits: Vec<&Value> = log
        .iter()
        .filter(|r| ms(r, "started_ms") >= window_start)
        .collect();
    let lists = waits.iter().filter(|r| is(r, "GET", "/backups")).count();
    let singles: Vec<&&Value> = waits
        .iter()
        .filter(|r| under(r, "GET", "/backups/"))
        .collect();
    let tasks = waits.iter().filter(|r| is(r, "GET", "/tasks")).count();
    let polls = lists + singles.len() + tasks;
    // A round is one GET /backups and one GET /tasks, rounds at least a tick apart:
    // at most 2 per tick of the window (plus the round at each end), and a 2 s task
    // is seen done within about 5 rounds. Waits of their own poll the task list and
    // their backup every 0.5-1.1 s each: about 48 for 8 backups of 2 s.
    let window = window_end - window_start;
    let ticks = usize::try_from(window / TICK_MS + 2).unwrap();
    assert!(
        polls <= 2 * ticks && polls <= 16,
        "{lists} GET /backups + {} GET /backups/{{id}} + {tasks} GET /tasks for 8 waits in {window} ms",
        singles.len()
    );
    assert!(
        lists >= 1 && tasks >= 1,
        "the waits polled: {lists} GET /backups, {tasks} GET /tasks"
    );
    // Every backup is found in the shared list: none is read on its own, and a round
    // of backup waits alone never lists the scalets.
    assert!(singles.is_empty(), "no GET /backups/{{id}}: {singles:#?}");
    let scalet_reads: Vec<&&Value> = waits
        .iter()
        .filter(|r| under(r, "GET", "/scalets"))
        .collect();
    assert!(
        scalet_reads.is_empty(),
        "no scalet read while waiting: {scalet_reads:#?}"
    );

    let held = backups_held(&sim);
    assert_eq!(held.len(), 8, "{held:#?}");
    assert!(held.iter().all(|b| b["status"] == "finished"), "{held:#?}");
    let made: Vec<&str> = posts.iter().map(|r| r["path"].as_str().unwrap()).collect();
    for backup in &held {
        let scalet = match &backup["scalet"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert!(
            made.contains(&format!("/vscale/v1/scalets/{scalet}/backup").as_str()),
            "{backup} was made by one of {made:?}"
        );
    }
    let state = ws.resource("polycloud_backup.b[3]");
    assert_eq!(state["status"], "finished");
    assert!(held.iter().any(|b| b["id"] == state["id"]), "{state}");
    ws.assert_no_changes();
}

#[test]
fn a_failing_backup_task_ends_its_own_wait_with_the_tasks_method() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&config(&sim, 3, false));
    ws.apply().ok();

    set_task_ms(&sim, 2000);
    let (status, body) = sim.call(
        "POST",
        "/_sim/vscale/fail_next_tasks",
        Some(json!({"count": 1, "method": "scalet_backup"})),
        &[],
    );
    assert_eq!(status, 200, "{body}");
    ws.write(&config(&sim, 3, true));
    let run = ws.apply();
    let out = flat(&run.output());
    assert_eq!(run.code, 1, "{out}");
    assert!(
        out.contains("Vscale reports scalet_backup as failed (error: true)"),
        "{out}"
    );

    // The failed backup exists (`failed`) and stays in state, tainted; the other two
    // were made.
    let held = backups_held(&sim);
    assert_eq!(held.len(), 3, "{held:#?}");
    let failed: Vec<&Value> = held.iter().filter(|b| b["status"] == "failed").collect();
    assert_eq!(failed.len(), 1, "{held:#?}");
    assert_eq!(held.iter().filter(|b| b["status"] == "finished").count(), 2);
    let state = ws.state_json();
    let tainted: Vec<Value> = state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["tainted"] == true)
        .cloned()
        .collect();
    assert_eq!(tainted.len(), 1, "{tainted:#?}");
    assert_eq!(tainted[0]["type"], "polycloud_backup");
    assert_eq!(tainted[0]["values"]["id"], failed[0]["id"]);
}

#[test]
fn a_backup_removed_while_it_is_made_is_confirmed_gone_by_its_own_read() {
    let sim = Sim::start();
    let ws = Workspace::new();
    ws.write(&config(&sim, 1, false));
    ws.apply().ok();
    set_task_ms(&sim, 3000);
    sim.clear_requests();

    // Someone removes the backup in the panel while its task runs.
    let base = sim.base.clone();
    let remover = std::thread::spawn(move || {
        let started = std::time::Instant::now();
        loop {
            let (_, state) = http("GET", &format!("{base}/_sim/state"), None, &[]);
            if let Some(id) = state["vscale"]["backups"][0]["id"].as_str() {
                let url = format!("{base}/_sim/vscale/backups/{id}");
                let (status, body) = http("DELETE", &url, None, &[]);
                assert_eq!(status, 200, "{body}");
                return id.to_string();
            }
            assert!(started.elapsed() < std::time::Duration::from_secs(30));
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    });
    ws.write(&config(&sim, 1, true));
    let run = ws.apply();
    let removed = remover.join().unwrap();
    let out = flat(&run.output());
    assert_eq!(run.code, 1, "{out}");
    assert!(
        out.contains("the backup disappeared while it was being made"),
        "{out}"
    );
    let singles: Vec<Value> = sim
        .requests()
        .into_iter()
        .filter(|r| under(r, "GET", "/backups/"))
        .collect();
    // The shared list no longer held it: the wait read it on its own (Vscale's 404
    // ended the wait), then the resource layer read the failed create back once.
    assert_eq!(singles.len(), 2, "{singles:#?}");
    for single in &singles {
        assert_eq!(single["path"], format!("/vscale/v1/backups/{removed}"));
        assert_eq!(single["status"], 404);
    }
}
