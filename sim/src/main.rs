//! `polycloud-sim`: a stateful simulator of the Vscale, iNET, Zomro and
//! StarVCenter APIs on one loopback port, for the quickstart and the tests of
//! `terraform-provider-polycloud` (docs/design/wire.md, "Endpoints and credentials").
//!
//! Usage: `polycloud-sim [--port N] [--task-ms N] [--latency-ms N] [--tls-cert PEM --tls-key PEM]`.

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
const USAGE: &str = "usage: polycloud-sim [--port N] [--task-ms N] [--latency-ms N] [--tls-cert FILE --tls-key FILE]
  --port N         TCP port on 127.0.0.1 (0 = pick a free one; default 0)
  --task-ms N      duration of every Vscale task and Zomro operation in ms (default 1500)
  --latency-ms N   every API request takes N ms before its answer, answered concurrently (default 0)
  --tls-cert FILE  serve HTTPS with this PEM certificate chain (needs --tls-key)
  --tls-key FILE   the PEM private key of --tls-cert";

/// Parsed command line.
#[derive(Debug, PartialEq, Eq)]
struct Args {
    port: u16,
    task_ms: u64,
    latency_ms: u64,
    tls_cert: Option<String>,
    tls_key: Option<String>,
}

impl Args {
    /// Parses `--port N`, `--task-ms N` (also `--port=N`); `Err` carries the
    /// text to print (usage for `--help`).
    fn parse(args: impl IntoIterator<Item = String>) -> Result<Args, String> {
        let mut parsed = Args {
            port: 0,
            task_ms: 1500,
            latency_ms: 0,
            tls_cert: None,
            tls_key: None,
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
                "--latency-ms" => parsed.latency_ms = value.parse().map_err(|_| bad())?,
                "--tls-cert" => parsed.tls_cert = Some(value),
                "--tls-key" => parsed.tls_key = Some(value),
                _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
            }
        }
        if parsed.tls_cert.is_some() != parsed.tls_key.is_some() {
            return Err(format!("--tls-cert and --tls-key go together\n{USAGE}"));
        }
        Ok(parsed)
    }
}

/// The TLS acceptor for `--tls-cert`/`--tls-key`.
fn tls_acceptor(cert: &str, key: &str) -> Result<tokio_rustls::TlsAcceptor, String> {
    use tokio_rustls::rustls;
    let read = |path: &str| std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"));
    let certs = rustls_pemfile::certs(&mut read(cert)?.as_slice())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{cert}: {e}"))?;
    let key = rustls_pemfile::private_key(&mut read(key)?.as_slice())
        .map_err(|e| format!("{key}: {e}"))?
        .ok_or_else(|| format!("{key} holds no private key"))?;
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| e.to_string())?
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .map_err(|e| format!("TLS certificate and key: {e}"))?;
    Ok(tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config)))
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
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => match tls_acceptor(cert, key) {
            Ok(acceptor) => Some(acceptor),
            Err(err) => {
                eprintln!("polycloud-sim: {err}");
                return ExitCode::FAILURE;
            }
        },
        _ => None,
    };
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
    // Listen for SIGTERM before announcing the port: a caller may send it at once.
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    let mut stdout = std::io::stdout();
    let scheme = if tls.is_some() { "https" } else { "http" };
    let _ = writeln!(
        stdout,
        "polycloud-sim listening on {scheme}://127.0.0.1:{port}"
    );
    let _ = stdout.flush();
    let shared = Arc::new(Mutex::new(Sim::new(Config {
        task_ms: args.task_ms,
        latency_ms: args.latency_ms,
    })));
    tokio::select! {
        _ = server::serve(listener, shared, tls) => {}
        _ = shutdown_signal(term) => {}
    }
    ExitCode::SUCCESS
}

/// Resolves on SIGINT or SIGTERM (`term`, registered beforehand).
async fn shutdown_signal(term: Option<tokio::signal::unix::Signal>) {
    let Some(mut term) = term else {
        let _ = tokio::signal::ctrl_c().await;
        return;
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
                task_ms: 1500,
                latency_ms: 0,
                tls_cert: None,
                tls_key: None,
            })
        );
        assert_eq!(
            parse(&["--port", "8080", "--task-ms=20", "--latency-ms", "30"]),
            Ok(Args {
                port: 8080,
                task_ms: 20,
                latency_ms: 30,
                tls_cert: None,
                tls_key: None,
            })
        );
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--port", "x"]).is_err());
        assert!(parse(&["--bogus", "1"]).is_err());
    }
}
