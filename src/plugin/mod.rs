//! Process-level set-up of the plugin binary: what runs before the protocol layer
//! ([`crate::tfplugin`]) serves, and the log lines Terraform reads from stderr.

pub mod logging;

use crate::provider::PolycloudProvider;

/// The version `--version` prints.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What `--version` prints.
pub fn version_text() -> String {
    format!(
        "terraform-provider-polycloud {VERSION} (plugin protocol {})",
        crate::tfplugin::goplugin::APP_PROTOCOL
    )
}

/// Makes the process ready for serving: backtraces stay out of diagnostics and the
/// log goes to stderr in the form Terraform parses.
pub fn prepare_process() {
    logging::init();
}

/// Cancels every wait when the process group gets SIGINT (a Ctrl-C in the terminal
/// reaches Terraform and its plugins alike): the plugin must not die with creates in
/// flight; Terraform also sends StopProvider, which does the same.
fn cancel_on_interrupt() {
    tokio::spawn(async {
        loop {
            if tokio::signal::ctrl_c().await.is_err() {
                return;
            }
            crate::cancel::stop();
        }
    });
}

/// Serves the provider over plugin protocol 6 until Terraform is done with it.
pub async fn serve() -> anyhow::Result<()> {
    cancel_on_interrupt();
    crate::tfplugin::serve("polycloud", PolycloudProvider::default()).await
}
