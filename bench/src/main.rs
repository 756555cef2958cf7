//! `polycloud-bench`: plan and apply of many polycloud resources against the simulator,
//! printed as ratios to Terraform's built-in `terraform_data` doing the same count in the
//! same run, with API requests per resource and the plugin's peak memory.
//!
//! Usage: `cargo build --workspace --bins --release && target/release/polycloud-bench [--count N]`
//! (debug builds work too; the plugin and simulator are taken from this binary's directory).

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

fn main() {
    let count = arg_value("--count").unwrap_or(100);
    let servers = arg_value("--servers").unwrap_or(count.min(50));
    let dir = std::env::current_exe()
        .unwrap()
        .parent()
        .unwrap()
        .to_path_buf();
    let sim = Sim::start(&dir);
    println!(
        "polycloud-bench: {count} resources per run, {servers} servers, binaries from {}",
        dir.display()
    );
    println!();

    let baseline = run_config(&dir, &sim, &terraform_data(count), &[]);
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

    sim.config(r#"{"task_ms": 200}"#);
    let vps = run_config(&dir, &sim, &vps_config(&sim, servers), &[]);
    println!();
    print_row(&format!("polycloud_vps x{servers} (200 ms tasks)"), &vps);
    println!(
        "API requests per server:             apply {:.2}  refresh plan {:.2}  destroy {:.2}",
        vps.apply_requests as f64 / servers as f64,
        vps.refresh_requests as f64 / servers as f64,
        vps.destroy_requests as f64 / servers as f64
    );
    println!(
        "plugin peak memory (VmHWM):          {:.1} MiB",
        vps.peak_kib as f64 / 1024.0
    );
}

fn arg_value(name: &str) -> Option<usize> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
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

fn provider(sim: &Sim) -> String {
    format!("provider \"polycloud\" {{\n  cloud = \"vscale\"\n  endpoint = \"{}/vscale/v1\"\n  token = \"{TOKEN}\"\n}}\n", sim.base)
}

fn ssh_keys(sim: &Sim, count: usize) -> String {
    format!("{}resource \"polycloud_ssh_key\" \"k\" {{\n  count = {count}\n  name = \"key-${{count.index}}\"\n  public_key = \"{KEY}\"\n}}\n", provider(sim))
}

fn vps_config(sim: &Sim, count: usize) -> String {
    format!("{}resource \"polycloud_vps\" \"s\" {{\n  count = {count}\n  name = \"bench-${{count.index}}\"\n  image = \"ubuntu_22.04_64_001_master\"\n  plan = \"small\"\n  location = \"spb0\"\n}}\n", provider(sim))
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
    fn start(dir: &Path) -> Sim {
        let binary: PathBuf = dir.join("polycloud-sim");
        let mut child = Command::new(&binary)
            .args(["--port", "0", "--task-ms", "200"])
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
        let body = self.call("GET", "/_sim/requests", "");
        serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.as_array().map(Vec::len))
            .unwrap_or(0)
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
