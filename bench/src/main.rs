//! `polycloud-bench`: plan and apply of many polycloud resources against the simulator,
//! printed as ratios to Terraform's built-in `terraform_data` doing the same count in the
//! same run, with API requests per resource and the plugin's peak memory.
//!
//! Usage: `cargo build --workspace --bins --release && target/release/polycloud-bench
//! [--count N] [--servers M] [--latency-ms L] [--clouds vscale,zomro,starvcenter]`
//! (debug builds work too; the plugin and simulator are taken from this binary's directory).
//!
//! `--latency-ms L` makes every simulator request take L ms (answered concurrently, like
//! round trips to a distant API). Besides the SSH-key runs, each cloud with a VPS create
//! gets a `polycloud_vps` scenario: the refresh plan of `--count` servers (ratio to the
//! refresh plan of as many `terraform_data`, API requests per server), and the apply of
//! `--servers` servers whose tasks take 2 s at Terraform's parallelism 10 (ratio to the
//! floor ⌈M/10⌉ × 2 s, polls per task). iNET has no VPS create (servers are adopted),
//! so it has no such scenario.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TOKEN: &str = "sim-vscale-token";
const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl bench";

/// Duration of every task in the apply scenario of `polycloud_vps`.
const TASK_MS: u64 = 2000;
/// Terraform's default parallelism.
const PARALLELISM: usize = 10;

fn main() {
    let count = arg_value("--count").unwrap_or(100);
    let servers = arg_value("--servers").unwrap_or(count.min(50));
    let latency = arg_value("--latency-ms").unwrap_or(0);
    let clouds = arg_text("--clouds").unwrap_or_else(|| "vscale,zomro,starvcenter".into());
    let dir = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let sim = Sim::start(&dir, latency);
    println!(
        "polycloud-bench: {count} resources per run, {servers} servers, {latency} ms per API request, binaries from {}",
        dir.display()
    );
    println!();

    let baseline = run_config(&dir, &sim, &terraform_data(count), &[]);
    let sized = run_config(&dir, &sim, &terraform_data_sized(count), &[]);
    let keys = run_config(&dir, &sim, &ssh_keys(&sim, count), &[]);
    let no_fix = run_config(
        &dir,
        &sim,
        &ssh_keys(&sim, count),
        &[("POLYCLOUD_DISABLE_NODELAY_FIX", "1")],
    );
    println!(
        "{:<44} {:>9} {:>9} {:>9} {:>9}",
        "", "plan s", "apply s", "refresh s", "destroy s"
    );
    print_row(&format!("terraform_data x{count}"), &baseline);
    print_row(
        &format!("terraform_data x{count}, a server's values"),
        &sized,
    );
    print_row(&format!("polycloud_ssh_key x{count}"), &keys);
    print_row(
        &format!("polycloud_ssh_key x{count}, no TCP_NODELAY fix"),
        &no_fix,
    );
    println!();
    println!(
        "ratio to terraform_data (ssh keys):  plan {:.2}x  apply {:.2}x  refresh plan {:.2}x",
        keys.plan / baseline.plan,
        keys.apply / baseline.apply,
        keys.refresh / baseline.refresh
    );
    println!(
        "ratio without the TCP_NODELAY fix:   plan {:.2}x  apply {:.2}x  refresh plan {:.2}x",
        no_fix.plan / baseline.plan,
        no_fix.apply / baseline.apply,
        no_fix.refresh / baseline.refresh
    );
    println!(
        "API requests per ssh key:            apply {:.2}  refresh plan {:.2}  destroy {:.2}",
        keys.apply_requests as f64 / count as f64,
        keys.refresh_requests as f64 / count as f64,
        keys.destroy_requests as f64 / count as f64
    );
    println!(
        "plugin peak memory (VmHWM):          {:.1} MiB",
        keys.peak_kib as f64 / 1024.0
    );

    let mut rows = Vec::new();
    for cloud in clouds.split(',').filter_map(VpsCloud::named) {
        rows.push(vps_scenario(
            &dir,
            &sim,
            cloud,
            count,
            servers,
            (baseline.refresh, sized.refresh),
        ));
    }
    println!();
    println!("polycloud_vps, {latency} ms per API request: refresh plan of {count} servers, apply of {servers} servers with {} s tasks at parallelism {PARALLELISM}", TASK_MS / 1000);
    println!(
        "{:<14} {:>10} {:>8} {:>8} {:>12} {:>9} {:>8} {:>10} {:>9} {:>9}",
        "cloud",
        "refresh s",
        "ratio",
        "sized",
        "req/server",
        "apply s",
        "ratio",
        "polls/task",
        "apply req",
        "peak MiB"
    );
    println!(
        "{:<14} {:>10.2} {:>8} {:>8} {:>12} {:>9} {:>8} {:>10} {:>9} {:>9}",
        "terraform_data", baseline.refresh, "1.00", "-", "-", "-", "-", "-", "-", "-"
    );
    println!(
        "{:<14} {:>10.2} {:>8} {:>8} {:>12} {:>9} {:>8} {:>10} {:>9} {:>9}",
        "  sized", sized.refresh, "-", "1.00", "-", "-", "-", "-", "-", "-"
    );
    for r in &rows {
        println!(
            "{:<14} {:>10.2} {:>7.2}x {:>7.2}x {:>12.3} {:>9.2} {:>7.2}x {:>10.2} {:>9} {:>9.1}",
            r.cloud,
            r.refresh,
            r.refresh_ratio,
            r.sized_ratio,
            r.refresh_per_server,
            r.apply,
            r.apply_ratio,
            r.polls_per_task,
            r.apply_requests,
            r.peak_mib
        );
    }
}

/// A cloud with a VPS create, as the bench drives it.
#[derive(Clone, Copy)]
enum VpsCloud {
    Vscale,
    Zomro,
    StarVCenter,
}

impl VpsCloud {
    fn named(name: &str) -> Option<Self> {
        match name.trim() {
            "vscale" => Some(Self::Vscale),
            "zomro" => Some(Self::Zomro),
            "starvcenter" => Some(Self::StarVCenter),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Self::Vscale => "vscale",
            Self::Zomro => "zomro",
            Self::StarVCenter => "starvcenter",
        }
    }

    /// The provider block and `count` servers.
    fn config(self, sim: &Sim, count: usize) -> String {
        let base = &sim.base;
        match self {
            Self::Vscale => format!("{}resource \"polycloud_vps\" \"s\" {{\n  count = {count}\n  name = \"bench-${{count.index}}\"\n  image = \"ubuntu_22.04_64_001_master\"\n  plan = \"small\"\n  location = \"spb0\"\n}}\n", provider(sim)),
            Self::Zomro => format!("provider \"polycloud\" {{\n  cloud = \"zomro\"\n  endpoint = \"{base}/zomro/billmgr\"\n  token = \"sim-zomro-token\"\n}}\nresource \"polycloud_vps\" \"s\" {{\n  count = {count}\n  name = \"bench-${{count.index}}\"\n  image = \"18d0ee2e-4d57-4f40-9b56-03c1773b5831\"\n  plan = \"6143\"\n  location = \"1\"\n  password = \"Mypassword1\"\n}}\n"),
            Self::StarVCenter => format!("provider \"polycloud\" {{\n  cloud = \"starvcenter\"\n  endpoint = \"{base}/starvcenter/services/cloudresource\"\n  token = \"sim-starvcenter-token\"\n}}\nresource \"polycloud_vps\" \"s\" {{\n  count = {count}\n  name = \"bench-${{count.index}}\"\n  image = \"tpl-centos-7\"\n  cpu = 1\n  memory_mb = 2048\n  network_id = \"vpc-default\"\n  password = \"Init-pw-1\"\n}}\n"),
        }
    }

    /// Whether a logged request is a poll of a wait (or one of the requests of
    /// [`Self::not_polls_per_create`], which [`vps_scenario`] subtracts).
    fn is_poll(self, request: &serde_json::Value) -> bool {
        let path = request["path"].as_str().unwrap_or_default();
        match self {
            Self::Vscale => {
                request["method"] == "GET"
                    && (path == "/vscale/v1/tasks" || path.starts_with("/vscale/v1/scalets"))
            }
            Self::Zomro => request["body"]["func"] == "instances",
            // Task-log queries and the rounds' searches of every VM; a create's look-up
            // by name (`vm.name`) or a read by id (`vm.id`) is no poll.
            Self::StarVCenter => {
                let params = &request["body"]["KEY_PARAM"];
                let named = params.get("vm.name").is_some() || params.get("vm.id").is_some();
                path.ends_with("/cloudtask/search") || (path.ends_with("/cloudvm/search") && !named)
            }
        }
    }
}

/// One cloud's `polycloud_vps` figures.
struct VpsRow {
    cloud: &'static str,
    refresh: f64,
    refresh_ratio: f64,
    /// The refresh plan against `terraform_data` carrying a server's values.
    sized_ratio: f64,
    refresh_per_server: f64,
    apply: f64,
    apply_ratio: f64,
    polls_per_task: f64,
    apply_requests: usize,
    peak_mib: f64,
}

/// Refresh plan of `count` servers (made with short tasks first), then the apply of
/// `servers` servers whose tasks take [`TASK_MS`].
fn vps_scenario(
    dir: &Path,
    sim: &Sim,
    cloud: VpsCloud,
    count: usize,
    servers: usize,
    (baseline_refresh, sized_refresh): (f64, f64),
) -> VpsRow {
    let peak = PeakMemory::watch();
    if let VpsCloud::StarVCenter = cloud {
        // The seeded tenant's quota holds 25 VMs of this size; the bench makes more.
        let quota = r#"{"cpu": 100000, "memory": 100000000, "storage": 100000000}"#;
        sim.call("PATCH", "/_sim/starvcenter/tenants/app-000000", quota);
    }
    sim.config(r#"{"task_ms": 20}"#);
    let work = Work::new(dir, &cloud.config(sim, count));
    work.tf(&["apply", "-input=false", "-auto-approve"]);
    sim.clear_requests();
    let refresh = work.tf(&["plan", "-input=false", "-detailed-exitcode"]);
    let refresh_requests = sim.request_count();
    work.tf(&["destroy", "-input=false", "-auto-approve"]);

    sim.config(&format!(r#"{{"task_ms": {TASK_MS}}}"#));
    let work = Work::new(dir, &cloud.config(sim, servers));
    sim.clear_requests();
    let apply = work.tf(&["apply", "-input=false", "-auto-approve"]);
    let log = sim.requests();
    let polls = log.iter().filter(|r| cloud.is_poll(r)).count();
    let polls_per_task = polls as f64 / servers as f64;
    sim.config(r#"{"task_ms": 20}"#);
    work.tf(&["destroy", "-input=false", "-auto-approve"]);
    let floor = servers.div_ceil(PARALLELISM) as f64 * TASK_MS as f64 / 1000.0;
    VpsRow {
        cloud: cloud.name(),
        refresh,
        refresh_ratio: refresh / baseline_refresh,
        sized_ratio: refresh / sized_refresh,
        refresh_per_server: refresh_requests as f64 / count as f64,
        apply,
        apply_ratio: apply / floor,
        polls_per_task,
        apply_requests: log.len(),
        peak_mib: peak.stop() as f64 / 1024.0,
    }
}

/// A Terraform working directory with the plugin installed through dev_overrides.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new(bin: &Path, body: &str) -> Work {
        let dir = tempfile::tempdir().unwrap();
        let cli = format!("provider_installation {{\n  dev_overrides {{\n    \"polycloud/polycloud\" = \"{}\"\n  }}\n  direct {{}}\n}}\n", bin.display());
        std::fs::write(dir.path().join("cli.tfrc"), cli).unwrap();
        let text = format!("terraform {{\n  required_providers {{\n    polycloud = {{ source = \"polycloud/polycloud\" }}\n  }}\n}}\n{body}");
        std::fs::write(dir.path().join("main.tf"), text).unwrap();
        Work { dir }
    }

    /// Runs terraform; its wall time in seconds. A refresh plan must show no changes.
    fn tf(&self, args: &[&str]) -> f64 {
        let started = Instant::now();
        let out = Command::new("terraform")
            .current_dir(self.dir.path())
            .args(args)
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .output()
            .expect("terraform on PATH");
        assert!(
            out.status.success(),
            "terraform {args:?} failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        started.elapsed().as_secs_f64()
    }
}

fn arg_value<T: std::str::FromStr>(name: &str) -> Option<T> {
    arg_text(name).and_then(|v| v.parse().ok())
}

fn arg_text(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn print_row(label: &str, r: &Timings) {
    println!(
        "{label:<44} {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
        r.plan, r.apply, r.refresh, r.destroy
    );
}

fn terraform_data(count: usize) -> String {
    format!("resource \"terraform_data\" \"r\" {{\n  count = {count}\n  input = \"item-${{count.index}}\"\n}}\n")
}

/// `count` `terraform_data` whose `input` holds the values a Vscale `polycloud_vps`
/// keeps (stored twice, as `input` and `output`: 24 values, like the server's 23
/// attributes): Terraform's own cost of carrying that much state per resource, with no
/// plugin at all.
fn terraform_data_sized(count: usize) -> String {
    format!("resource \"terraform_data\" \"r\" {{\n  count = {count}\n  input = {{\n    id = \"${{12000 + count.index}}\", name = \"bench-${{count.index}}\", image = \"ubuntu_22.04_64_001_master\", plan = \"small\",\n    location = \"spb0\", cpu = 1, memory_mb = 512, disk_gb = 20, status = \"started\", ip_address = \"95.213.195.171\",\n    hostname = \"cs12769.vscale.io\", created_at = \"2026-12-01T15:48:44Z\"\n  }}\n}}\n")
}

fn provider(sim: &Sim) -> String {
    format!("provider \"polycloud\" {{\n  cloud = \"vscale\"\n  endpoint = \"{}/vscale/v1\"\n  token = \"{TOKEN}\"\n}}\n", sim.base)
}

fn ssh_keys(sim: &Sim, count: usize) -> String {
    format!("{}resource \"polycloud_ssh_key\" \"k\" {{\n  count = {count}\n  name = \"key-${{count.index}}\"\n  public_key = \"{KEY}\"\n}}\n", provider(sim))
}

#[derive(Default)]
struct Timings {
    plan: f64,
    apply: f64,
    refresh: f64,
    destroy: f64,
    apply_requests: usize,
    refresh_requests: usize,
    destroy_requests: usize,
    peak_kib: u64,
}

fn run_config(bin: &Path, sim: &Sim, body: &str, env: &[(&str, &str)]) -> Timings {
    let work = tempfile::tempdir().unwrap();
    let cli = format!("provider_installation {{\n  dev_overrides {{\n    \"polycloud/polycloud\" = \"{}\"\n  }}\n  direct {{}}\n}}\n", bin.display());
    std::fs::write(work.path().join("cli.tfrc"), cli).unwrap();
    let text = format!("terraform {{\n  required_providers {{\n    polycloud = {{ source = \"polycloud/polycloud\" }}\n  }}\n}}\n{body}");
    std::fs::write(work.path().join("main.tf"), text).unwrap();
    let tf = |args: &[&str]| -> f64 {
        let started = Instant::now();
        let out = Command::new("terraform")
            .current_dir(work.path())
            .args(args)
            .env("TF_CLI_CONFIG_FILE", work.path().join("cli.tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .envs(env.iter().copied())
            .output()
            .expect("terraform on PATH");
        assert!(
            out.status.success(),
            "terraform {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        started.elapsed().as_secs_f64()
    };
    let mut t = Timings {
        plan: tf(&["plan", "-input=false", "-out=plan.bin"]),
        ..Default::default()
    };
    sim.clear_requests();
    let peak = PeakMemory::watch();
    t.apply = tf(&["apply", "-input=false", "-auto-approve"]);
    t.apply_requests = sim.request_count();
    sim.clear_requests();
    t.refresh = tf(&["plan", "-input=false"]);
    t.refresh_requests = sim.request_count();
    sim.clear_requests();
    t.destroy = tf(&["destroy", "-input=false", "-auto-approve"]);
    t.destroy_requests = sim.request_count();
    t.peak_kib = peak.stop();
    t
}

/// Samples every `terraform-provider-polycloud` process's VmHWM while it runs.
struct PeakMemory {
    stop: Arc<AtomicBool>,
    peak: Arc<AtomicU64>,
    thread: std::thread::JoinHandle<()>,
}

impl PeakMemory {
    fn watch() -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let peak = Arc::new(AtomicU64::new(0));
        let (s, p) = (stop.clone(), peak.clone());
        let thread = std::thread::spawn(move || {
            while !s.load(Ordering::Relaxed) {
                for kib in plugin_hwm() {
                    p.fetch_max(kib, Ordering::Relaxed);
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        Self { stop, peak, thread }
    }

    fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.peak.load(Ordering::Relaxed)
    }
}

fn plugin_hwm() -> Vec<u64> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(comm) = std::fs::read_to_string(path.join("comm")) else {
            continue;
        };
        if !comm.trim().starts_with("terraform-provi") {
            continue;
        }
        if let Ok(status) = std::fs::read_to_string(path.join("status")) {
            if let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:")) {
                if let Some(kib) = line.split_whitespace().nth(1).and_then(|v| v.parse().ok()) {
                    out.push(kib);
                }
            }
        }
    }
    out
}

struct Sim {
    child: Child,
    base: String,
}

impl Sim {
    fn start(dir: &Path, latency_ms: u64) -> Sim {
        let binary: PathBuf = dir.join("polycloud-sim");
        let latency = latency_ms.to_string();
        let mut child = Command::new(&binary)
            .args(["--port", "0", "--task-ms", "200", "--latency-ms", &latency])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", binary.display()));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line.trim().rsplit(' ').next().unwrap().to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "banner: {line}");
        Sim { child, base }
    }

    fn call(&self, method: &str, path: &str, body: &str) -> String {
        let host = self.base.trim_start_matches("http://");
        let mut stream = TcpStream::connect(host).unwrap();
        let request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len());
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = String::new();
        stream.read_to_string(&mut raw).unwrap();
        raw.split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default()
    }

    fn clear_requests(&self) {
        self.call("DELETE", "/_sim/requests", "");
    }

    fn request_count(&self) -> usize {
        self.requests().len()
    }

    fn requests(&self) -> Vec<serde_json::Value> {
        let body = self.call("GET", "/_sim/requests", "");
        serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
    }

    fn config(&self, json: &str) {
        self.call("POST", "/_sim/config", json);
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
