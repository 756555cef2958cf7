//! `polycloud-sim`: a stateful simulator of the Vscale, iNET, Zomro and
//! StarVCenter APIs on one loopback port, for the quickstart and the tests of
//! `terraform-provider-polycloud` (SPEC §1, §2).
//!
//! Usage: `polycloud-sim [--port N] [--task-ms N]`.

mod control;
mod faults;
mod http;
mod inet;
mod log;
mod server;
mod starvcenter;
mod util;
mod vscale;
mod zomro;

use server::{Config, Sim};
use std::io::Write;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;

/// Command-line usage.
const USAGE: &str = "usage: polycloud-sim [--port N] [--task-ms N]
  --port N     TCP port on 127.0.0.1 (0 = pick a free one; default 0)
  --task-ms N  duration of every Vscale task and Zomro operation in ms (default 1500)";

/// Parsed command line.
#[derive(Debug, PartialEq, Eq)]
struct Args {
    port: u16,
    task_ms: u64,
}

impl Args {
    /// Parses `--port N`, `--task-ms N` (also `--port=N`); `Err` carries the
    /// text to print (usage for `--help`).
    fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut parsed = Args {
            port: 0,
            task_ms: 1500,
        };
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) => (f.to_string(), Some(v.to_string())),
                None => (arg, None),
            };
            if flag == "--help" || flag == "-h" {
                return Err(USAGE.into());
            }
            let value = inline
                .or_else(|| args.next())
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
            let bad = || format!("invalid value for {flag}: {value}\n{USAGE}");
            match flag.as_str() {
                "--port" => parsed.port = value.parse().map_err(|_| bad())?,
                "--task-ms" => parsed.task_ms = value.parse().map_err(|_| bad())?,
                _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
            }
        }
        Ok(parsed)
    }
}

fn main() -> ExitCode {
    let args = match Args::parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(message) if message == USAGE => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("polycloud-sim: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(run(args));
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    code
}

/// Binds 127.0.0.1, announces the port on stdout and serves until SIGTERM/SIGINT.
async fn run(args: Args) -> ExitCode {
    let listener = match TcpListener::bind(("127.0.0.1", args.port)).await {
        Ok(listener) => listener,
        Err(err) => {
            eprintln!(
                "polycloud-sim: cannot listen on 127.0.0.1:{}: {err}",
                args.port
            );
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(args.port);
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "polycloud-sim listening on http://127.0.0.1:{port}");
    let _ = stdout.flush();
    let shared = Arc::new(Mutex::new(Sim::new(Config {
        task_ms: args.task_ms,
    })));
    tokio::select! {
        _ = server::serve(listener, shared) => {}
        _ = shutdown_signal() => {}
    }
    ExitCode::SUCCESS
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(term) => term,
        Err(_) => {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

#[cfg(test)]
mod tests {
    use super::Args;

    fn parse(args: &[&str]) -> Result<Args, String> {
        Args::parse(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn arguments() {
        assert_eq!(
            parse(&[]),
            Ok(Args {
                port: 0,
                task_ms: 1500
            })
        );
        assert_eq!(
            parse(&["--port", "8080", "--task-ms=20"]),
            Ok(Args {
                port: 8080,
                task_ms: 20
            })
        );
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--bogus", "1"]).is_err());
    }
}
