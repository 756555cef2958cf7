//! `terraform-provider-polycloud`: the plugin binary Terraform and OpenTofu start.

use terraform_provider_polycloud::plugin;

fn main() {
    plugin::prepare_process();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    if let Err(error) = runtime.block_on(plugin::serve()) {
        eprintln!("terraform-provider-polycloud: {error:#}");
        std::process::exit(1);
    }
}
