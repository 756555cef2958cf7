//! Process-level set-up of the plugin: what must hold before tf-provider serves.
//!
//! tf-provider 0.2.2 is used as shipped; its rough edges are handled here:
//! - diagnostics would carry a Rust backtrace whenever `RUST_BACKTRACE` is set
//!   ([`prepare_process`] disables library backtraces);
//! - a Ctrl-C delivered to the process group would kill the plugin in the middle of an
//!   apply ([`prepare_process`] ignores SIGINT; Terraform itself asks the provider to
//!   stop through the protocol);
//! - accepted gRPC connections lack TCP_NODELAY ([`handshake`] sets it on the listening
//!   socket before Terraform can connect, and accepted sockets inherit it).

pub mod handshake;
pub mod logging;

use crate::provider::PolycloudProvider;

/// Makes the process environment safe for serving. Must run before any thread starts.
pub fn prepare_process() {
    // SAFETY: called first thing in `main`, before the runtime or any thread exists, so
    // nothing can read the environment concurrently.
    unsafe {
        // std's Backtrace::capture reads RUST_LIB_BACKTRACE before RUST_BACKTRACE: "0"
        // keeps tf-provider from appending backtraces to diagnostics, while panics
        // still honour RUST_BACKTRACE.
        std::env::set_var("RUST_LIB_BACKTRACE", "0");
        // tf-provider installs its own global tracing subscriber when this is set,
        // which would panic next to ours; our logs go to stderr for Terraform.
        std::env::remove_var("PLUGIN_LOG_FILE");
    }
    ignore_interrupts();
    logging::init();
}

/// Ignores SIGINT: a terminal delivers Ctrl-C to the whole process group, and the
/// plugin must finish (and report) whatever create or delete is in flight. Terraform
/// handles the interrupt and asks the plugin to stop through the protocol.
fn ignore_interrupts() {
    // SAFETY: installing SIG_IGN for SIGINT has no preconditions.
    unsafe {
        libc::signal(libc::SIGINT, libc::SIG_IGN);
    }
}

/// Serves the provider over plugin protocol v6 until Terraform is done with it.
pub async fn serve() -> anyhow::Result<()> {
    // Diagnostic switch for the benchmark, to measure what the fix is worth.
    if std::env::var_os("POLYCLOUD_DISABLE_NODELAY_FIX").is_none() {
        handshake::install_nodelay_interceptor()?;
    }
    tf_provider::serve("polycloud", PolycloudProvider::default()).await
}
