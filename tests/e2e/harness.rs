//! The end-to-end harness: a simulator per test, a Terraform working directory whose
//! CLI configuration points `polycloud/polycloud` at the freshly built plugin through
//! `dev_overrides`, and helpers to read the simulator's state and request log.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// The Vscale token the simulator accepts with full rights.
pub const VSCALE_TOKEN: &str = "sim-vscale-token";
/// The read-only Vscale token.
pub const VSCALE_READONLY: &str = "sim-vscale-readonly";

/// Directory holding the built binaries (the plugin and the simulator).
pub fn bin_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_terraform-provider-polycloud"))
        .parent()
        .expect("target dir")
        .to_path_buf()
}

/// Fails loudly when terraform is not installed: these tests never skip.
pub fn terraform() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        let candidate = dir.join("terraform");
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!("terraform is not on PATH: the end-to-end tests drive the real Terraform CLI (1.11) and cannot run without it. Install it and run the tests again.");
}

/// A running `polycloud-sim`, stopped (by its PID) when dropped.
pub struct Sim {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
}

impl Sim {
    /// Starts a simulator on a free loopback port with Vscale tasks of `task_ms`.
    pub fn start_with(task_ms: u64) -> Sim {
        Self::start_args(&["--task-ms", &task_ms.to_string()])
    }

    /// Starts a simulator with these arguments (besides `--port 0`); `base` is
    /// `https://…` when they include `--tls-cert`.
    pub fn start_args(args: &[&str]) -> Sim {
        let binary = bin_dir().join("polycloud-sim");
        assert!(
            binary.is_file(),
            "{} is missing: build it first (scripts/test.sh runs `cargo build --workspace --bins`)",
            binary.display()
        );
        let mut child = Command::new(&binary)
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start polycloud-sim");
        let stdout = child.stdout.take().expect("sim stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read sim banner");
        let base = line
            .trim()
            .rsplit(' ')
            .next()
            .filter(|u| u.starts_with("http://127.0.0.1:") || u.starts_with("https://127.0.0.1:"))
            .unwrap_or_else(|| panic!("unexpected simulator banner: {line:?}"))
            .to_string();
        Sim { child, base }
    }

    /// Starts a simulator with short (200 ms) tasks.
    pub fn start() -> Sim {
        Self::start_with(200)
    }

    /// The Vscale endpoint for provider configurations.
    pub fn vscale_endpoint(&self) -> String {
        format!("{}/vscale/v1", self.base)
    }

    /// Calls a control or API endpoint; returns status and JSON body (null if none).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> (u16, Value) {
        http(method, &format!("{}{}", self.base, path), body, headers)
    }

    /// `GET /_sim/state`.
    pub fn state(&self) -> Value {
        self.call("GET", "/_sim/state", None, &[]).1
    }

    /// The scalets the simulator holds.
    pub fn scalets(&self) -> Vec<Value> {
        self.state()["vscale"]["scalets"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `GET /_sim/requests`.
    pub fn requests(&self) -> Vec<Value> {
        self.call("GET", "/_sim/requests", None, &[])
            .1
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Requests with this method whose path ends with `suffix`.
    pub fn requests_to(&self, method: &str, suffix: &str) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|r| {
                r["method"] == method && r["path"].as_str().is_some_and(|p| p.ends_with(suffix))
            })
            .collect()
    }

    /// `DELETE /_sim/requests`.
    pub fn clear_requests(&self) {
        let (status, _) = self.call("DELETE", "/_sim/requests", None, &[]);
        assert_eq!(status, 200);
    }

    /// Queues a fault rule.
    pub fn fault(&self, rule: Value) {
        let (status, body) = self.call("POST", "/_sim/faults", Some(rule), &[]);
        assert_eq!(status, 200, "{body}");
    }

    /// Makes the next `count` Vscale tasks fail.
    pub fn fail_next_tasks(&self, count: u32) {
        let (status, body) = self.call(
            "POST",
            "/_sim/vscale/fail_next_tasks",
            Some(json!({ "count": count })),
            &[],
        );
        assert_eq!(status, 200, "{body}");
    }

    /// Out-of-band change of a stored Vscale object (drift made by hand).
    pub fn vscale_patch(&self, collection: &str, id: &str, patch: Value) {
        let (status, body) = self.call(
            "PATCH",
            &format!("/_sim/vscale/{collection}/{id}"),
            Some(patch),
            &[],
        );
        assert_eq!(status, 200, "{body}");
    }

    /// Out-of-band removal of a stored Vscale object.
    pub fn vscale_remove(&self, collection: &str, id: &str) {
        let (status, body) = self.call(
            "DELETE",
            &format!("/_sim/vscale/{collection}/{id}"),
            None,
            &[],
        );
        assert_eq!(status, 200, "{body}");
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Minimal HTTP/1.1 client for the simulator (loopback only).
pub fn http(
    method: &str,
    url: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> (u16, Value) {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest
        .split_once('/')
        .map(|(h, p)| (h, format!("/{p}")))
        .unwrap_or((rest, "/".into()));
    assert!(
        host.starts_with("127.0.0.1:"),
        "tests only talk to loopback, not {host}"
    );
    let mut stream = TcpStream::connect(host).expect("connect to simulator");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let payload = body.map(|b| b.to_string()).unwrap_or_default();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        payload.len()
    );
    if !payload.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&payload);
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

fn dechunk(body: &str) -> String {
    let mut out = String::new();
    let mut rest = body;
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || after.len() < n {
            break;
        }
        out.push_str(&after[..n]);
        rest = after[n..].trim_start_matches("\r\n");
    }
    out
}

/// What one terraform command did.
pub struct TfRun {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl TfRun {
    /// Both streams.
    pub fn output(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }

    /// Panics with the output unless the command succeeded.
    pub fn ok(self) -> TfRun {
        assert_eq!(self.code, 0, "terraform failed:\n{}", self.output());
        self
    }

    /// Panics with the output unless the command failed.
    pub fn failed(self) -> TfRun {
        assert_ne!(
            self.code,
            0,
            "terraform unexpectedly succeeded:\n{}",
            self.output()
        );
        self
    }
}

/// A Terraform working directory using the plugin under test.
pub struct Workspace {
    dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

impl Workspace {
    /// A new directory with a CLI configuration whose dev_overrides point at the plugin.
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        let cli = format!(
            "provider_installation {{\n  dev_overrides {{\n    \"polycloud/polycloud\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
            bin_dir().display()
        );
        std::fs::write(dir.path().join("cli.tfrc"), cli).unwrap();
        Workspace {
            dir,
            env: Vec::new(),
        }
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Sets an environment variable for later terraform runs.
    pub fn env(&mut self, key: &str, value: &str) {
        self.env.push((key.into(), value.into()));
    }

    /// Writes `main.tf` (the `terraform` block with required_providers is added).
    pub fn write(&self, body: &str) {
        let text = format!(
            "terraform {{\n  required_providers {{\n    polycloud = {{ source = \"polycloud/polycloud\" }}\n  }}\n}}\n\n{body}\n"
        );
        std::fs::write(self.dir.path().join("main.tf"), text).unwrap();
    }

    /// Runs terraform with `args` (non-interactive, no colour).
    pub fn tf(&self, args: &[&str]) -> TfRun {
        let mut cmd = Command::new(terraform());
        cmd.current_dir(self.dir.path())
            .args(args)
            .env("TF_CLI_CONFIG_FILE", self.dir.path().join("cli.tfrc"))
            .env("TF_IN_AUTOMATION", "1")
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .env_remove("POLYCLOUD_CLOUD")
            .env_remove("POLYCLOUD_TOKEN")
            .env_remove("POLYCLOUD_ENDPOINT");
        for cloud in ["VSCALE", "INET", "ZOMRO", "STARVCENTER"] {
            for what in ["TOKEN", "ENDPOINT", "USERNAME", "PASSWORD"] {
                cmd.env_remove(format!("POLYCLOUD_{cloud}_{what}"));
            }
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("run terraform");
        TfRun {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `terraform apply -auto-approve`.
    pub fn apply(&self) -> TfRun {
        self.tf(&["apply", "-auto-approve", "-no-color", "-input=false"])
    }

    /// `terraform destroy -auto-approve`.
    pub fn destroy(&self) -> TfRun {
        self.tf(&["destroy", "-auto-approve", "-no-color", "-input=false"])
    }

    /// `terraform plan -detailed-exitcode`: 0 = no changes, 2 = changes.
    pub fn plan(&self) -> TfRun {
        self.tf(&["plan", "-detailed-exitcode", "-no-color", "-input=false"])
    }

    /// Asserts that a plan shows no changes.
    pub fn assert_no_changes(&self) {
        let run = self.plan();
        assert_eq!(run.code, 0, "expected an empty plan:\n{}", run.output());
    }

    /// Starts `terraform apply -auto-approve` in the background, in a process group of
    /// its own (as a terminal runs it), its output going to `apply.out`.
    pub fn spawn_apply(&self) -> BackgroundApply {
        let out_path = self.path().join("apply.out");
        let out = std::fs::File::create(&out_path).unwrap();
        let child = Command::new(terraform())
            .current_dir(self.path())
            .args(["apply", "-auto-approve", "-no-color", "-input=false"])
            .env("TF_CLI_CONFIG_FILE", self.path().join("cli.tfrc"))
            .env("CHECKPOINT_DISABLE", "1")
            .env_remove("TF_LOG")
            .process_group(0)
            .stdout(Stdio::from(out.try_clone().unwrap()))
            .stderr(Stdio::from(out))
            .spawn()
            .expect("terraform apply");
        BackgroundApply { child, out_path }
    }

    /// `terraform state show -no-color ADDR` parsed into attribute → value (strings).
    pub fn state_json(&self) -> Value {
        let run = self.tf(&["show", "-json"]).ok();
        serde_json::from_str(&run.stdout).expect("terraform show -json")
    }

    /// The attribute values of a resource in state (`polycloud_vps.web`), or null.
    pub fn resource(&self, address: &str) -> Value {
        let state = self.state_json();
        state["values"]["root_module"]["resources"]
            .as_array()
            .and_then(|rs| rs.iter().find(|r| r["address"] == address))
            .map(|r| r["values"].clone())
            .unwrap_or(Value::Null)
    }
}

/// A provider block for the simulator's Vscale endpoint.
pub fn vscale_provider(sim: &Sim) -> String {
    format!(
        "provider \"polycloud\" {{\n  cloud    = \"vscale\"\n  endpoint = \"{}\"\n  token    = \"{VSCALE_TOKEN}\"\n}}\n",
        sim.vscale_endpoint()
    )
}

/// An apply started by [`Workspace::spawn_apply`].
pub struct BackgroundApply {
    child: Child,
    out_path: PathBuf,
}

/// What an interrupted apply did.
pub struct Interrupted {
    /// From the interrupt to the end of the apply.
    pub took: Duration,
    /// Whether the apply exited 0.
    pub succeeded: bool,
    /// Its output.
    pub output: String,
}

impl BackgroundApply {
    /// Sends SIGINT to Terraform alone (`whole_group` false: as Terraform's own stop)
    /// or to its whole process group (a terminal's Ctrl-C), then waits for the end.
    pub fn interrupt(mut self, whole_group: bool) -> Interrupted {
        let pid = self.child.id();
        let target = if whole_group {
            format!("-{pid}")
        } else {
            pid.to_string()
        };
        let interrupted = Instant::now();
        let status = Command::new("kill")
            .args(["-INT", "--", &target])
            .status()
            .unwrap();
        assert!(status.success(), "kill -INT {target}");
        let exit = self.child.wait().unwrap();
        Interrupted {
            took: interrupted.elapsed(),
            succeeded: exit.success(),
            output: std::fs::read_to_string(&self.out_path).unwrap(),
        }
    }
}
