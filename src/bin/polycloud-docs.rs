//! `polycloud-docs`: writes `docs/` from the provider's schema, `templates/` and
//! `examples/` (`--check`: only reports the pages that differ, exit 1 if any).

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let check = std::env::args().any(|a| a == "--check");
    let result = if check {
        terraform_provider_polycloud::docs::stale(root)
    } else {
        terraform_provider_polycloud::docs::write_all(root)
    };
    match result {
        Ok(pages) if check && !pages.is_empty() => {
            for page in &pages {
                eprintln!(
                    "stale: {} (run `cargo run --bin polycloud-docs`)",
                    page.display()
                );
            }
            std::process::exit(1);
        }
        Ok(pages) => {
            for page in pages {
                println!("wrote {}", page.display());
            }
        }
        Err(e) => {
            eprintln!("polycloud-docs: {e}");
            std::process::exit(1);
        }
    }
}
