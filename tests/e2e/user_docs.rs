//! What users read speaks of the provider, not of how it was built: no reference to
//! planning documents, design sections, work items or files outside the repository,
//! and the provider page shows `examples/provider/provider.tf` as it is.

use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every Markdown and Terraform file under `dir`, recursively.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| e == "md" || e == "tf" || e == "sh")
        {
            out.push(path);
        }
    }
}

/// The phrase of `line` that refers to something users do not have, if any.
fn internal_reference(line: &str) -> Option<&'static str> {
    let lower = line.to_lowercase();
    let phrases = [
        ("seeds/", "seeds/"),
        ("spec.md", "SPEC.md"),
        ("spec §", "SPEC §"),
        ("§", "§"),
        ("part 2", "part 2"),
        ("this release", "this release"),
        ("/work/", "/work/"),
        ("issue 1", "issue N"),
        ("issue 2", "issue N"),
        ("issue 3", "issue N"),
        ("issue 4", "issue N"),
        ("issue 5", "issue N"),
        ("issue 6", "issue N"),
        ("issue 7", "issue N"),
        ("issue 8", "issue N"),
        ("issue 9", "issue N"),
    ];
    phrases
        .iter()
        .find(|(needle, _)| lower.contains(needle))
        .map(|(_, name)| *name)
}

#[test]
fn user_docs_carry_no_internal_references() {
    let root = repo();
    let mut files = vec![
        root.join("README.md"),
        root.join("CHANGELOG.md"),
        root.join("CONTRIBUTING.md"),
        root.join("sim/README.md"),
    ];
    files_under(&root.join("docs"), &mut files);
    files_under(&root.join("examples"), &mut files);
    let mut problems = Vec::new();
    for file in &files {
        let text =
            std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (n, line) in text.lines().enumerate() {
            if let Some(what) = internal_reference(line) {
                let rel = file.strip_prefix(&root).unwrap_or(file);
                problems.push(format!("{}:{}: \"{what}\": {line}", rel.display(), n + 1));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} lines refer to what users do not have:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn provider_page_shows_examples_provider_tf_as_it_is() {
    let root = repo();
    let example = std::fs::read_to_string(root.join("examples/provider/provider.tf")).unwrap();
    let index = std::fs::read_to_string(root.join("docs/index.md")).unwrap();
    assert!(
        index.contains(&format!("```terraform\n{example}```\n")),
        "docs/index.md must show examples/provider/provider.tf verbatim in a ```terraform block"
    );
}
