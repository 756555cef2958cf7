//! `terraform-provider-polycloud`: the plugin binary Terraform and OpenTofu start.

use terraform_provider_polycloud::plugin;
use terraform_provider_polycloud::tfplugin::goplugin;

fn main() {
    if std::env::args()
        .skip(1)
        .any(|a| a == "--version" || a == "-version" || a == "version")
    {
        println!("{}", plugin::version_text());
        return;
    }
    if !goplugin::started_by_terraform() {
        eprintln!("{}", goplugin::NOT_BY_HAND);
        std::process::exit(1);
    }
    plugin::prepare_process();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("terraform-provider-polycloud: cannot start: {error}");
            std::process::exit(1);
        }
    };
    if let Err(error) = runtime.block_on(plugin::serve()) {
        eprintln!("terraform-provider-polycloud: {error:#}");
        std::process::exit(1);
    }
}
