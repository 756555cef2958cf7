//! Test harness: spawns the built `polycloud-sim` on a free port and talks raw
//! HTTP/1.1 to it over `std::net::TcpStream`.

#![allow(dead_code)]

use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

/// Full-access Vscale token seeded at startup.
pub const TOKEN: &str = "sim-vscale-token";
/// Read-only Vscale token seeded at startup.
pub const READONLY: &str = "sim-vscale-readonly";

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Resp {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Resp {
    /// A header by (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (panics when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("body is not JSON ({e}): {:?}", self.body))
    }
}

/// A running simulator, killed on drop.
pub struct Sim {
    child: Child,
    _stdout: BufReader<ChildStdout>,
    pub port: u16,
    pub first_line: String,
}

impl Sim {
    /// Starts the simulator with short tasks (200 ms).
    pub fn start() -> Sim {
        Sim::start_with(&["--task-ms", "200"])
    }

    /// Starts the simulator with extra arguments (always `--port 0`).
    pub fn start_with(args: &[&str]) -> Sim {
        let mut child = Command::new(env!("CARGO_BIN_EXE_polycloud-sim"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn polycloud-sim");
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout
            .read_line(&mut line)
            .expect("read the listening line");
        let port = line
            .trim()
            .strip_prefix("polycloud-sim listening on http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
        Sim {
            child,
            _stdout: stdout,
            port,
            first_line: line,
        }
    }

    /// Sends SIGTERM and waits for the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "simulator did not exit on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// One raw request on a fresh connection (`Connection: close`); `Err` when
    /// the connection closes without an answer.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> std::io::Result<Resp> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port))?;
        stream.set_read_timeout(Some(Duration::from_secs(20)))?;
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes())?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        parse_response(&raw)
    }

    /// A Vscale API call with the full token and a JSON body.
    pub fn vscale(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        self.vscale_as(TOKEN, method, path, body)
    }

    /// A Vscale API call with a given token.
    pub fn vscale_as(&self, token: &str, method: &str, path: &str, body: Option<Value>) -> Resp {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let headers = [("X-Token", token), ("Content-Type", "application/json")];
        self.raw(method, &format!("/vscale/v1{path}"), &headers, &body)
            .expect("vscale request")
    }

    /// A control API call.
    pub fn ctl(&self, method: &str, path: &str, body: Option<Value>) -> Resp {
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        let headers = [("Content-Type", "application/json")];
        self.raw(method, &format!("/_sim{path}"), &headers, &body)
            .expect("control request")
    }

    /// Polls `GET /tasks` until the task is done; returns the task object.
    pub fn wait_task(&self, task_id: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let tasks = self.vscale("GET", "/tasks", None).json();
            let task = tasks
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["id"] == task_id)
                .cloned()
                .unwrap_or_else(|| panic!("task {task_id} not listed"));
            if task["done"] == true {
                return task;
            }
            assert!(Instant::now() < deadline, "task {task_id} never finished");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Creates a scalet and waits for its task; returns the settled scalet.
    pub fn create_scalet(&self, body: Value) -> Value {
        let resp = self.vscale("POST", "/scalets", Some(body));
        assert_eq!(resp.status, 201, "{resp:?}");
        let task = resp
            .header("VSCALE-TASK-ID")
            .expect("task header")
            .to_string();
        self.wait_task(&task);
        let ctid = resp.json()["ctid"].as_u64().unwrap();
        self.vscale("GET", &format!("/scalets/{ctid}"), None).json()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Parses a complete HTTP/1.1 response read until EOF.
fn parse_response(raw: &[u8]) -> std::io::Result<Resp> {
    let closed = || std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no response");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(closed)?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(closed)?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let body = String::from_utf8_lossy(&raw[split + 4..]).into_owned();
    Ok(Resp {
        status,
        headers,
        body,
    })
}

/// A syntactically valid ed25519 public key line.
pub const ED25519: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJdD7y3aLq454yWBdwLWbieU1ebz9/cu7/QEXn9OIeZJ me@host";
