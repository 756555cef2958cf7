//! Every example under `examples/` runs, through the real Terraform CLI, against a
//! fresh simulator: apply, check what the simulator holds, a second plan is empty,
//! the `import.sh` command line imports into a second working directory, destroy
//! leaves nothing behind. The provider is configured only by `POLYCLOUD_*`
//! environment variables, exactly as the examples promise.
//!
//! Examples are discovered at run time (resources/*, data-sources/*, quickstart), so a
//! new example is tested without touching this file; a failure names the example and
//! the step that broke. A second test checks that every resource the provider serves
//! has a page under `docs/resources/` that mentions each of its attributes, and an
//! example with an `import.sh`; and that every data source has a page under
//! `docs/data-sources/` mentioning each attribute and showing its example.

use std::collections::{BTreeMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::Value;

use crate::harness::*;

/// Resources this release implements on Vscale. An example of any other resource must
/// be refused at plan (with advice), not half-applied.
const VSCALE_RESOURCES: &[&str] = &[
    "polycloud_vps",
    "polycloud_ssh_key",
    "polycloud_backup",
    "polycloud_vps_restore",
    "polycloud_vps_reboot",
];

/// Data sources this release implements on Vscale (SPEC §3 and `cloud::vscale`).
const VSCALE_DATA_SOURCES: &[&str] = &[
    "polycloud_vps",
    "polycloud_vps_list",
    "polycloud_images",
    "polycloud_plans",
    "polycloud_locations",
    "polycloud_backups",
    "polycloud_account",
];

/// Examples run at once (each with its own simulator and Terraform processes).
const PARALLEL: usize = 4;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[derive(Clone, Debug)]
enum Kind {
    /// `examples/resources/<type>`
    Resource(String),
    /// `examples/data-sources/<type>`
    DataSource(String),
    /// `examples/ephemeral-resources/<type>`: none is served on Vscale, so each must be
    /// refused at plan there.
    Ephemeral(String),
    /// `examples/quickstart`: a standalone project with its own `terraform` block.
    Quickstart,
}

#[derive(Clone, Debug)]
struct Example {
    /// Path relative to the repository, e.g. `examples/resources/polycloud_vps`.
    label: String,
    dir: PathBuf,
    kind: Kind,
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// `examples/` of this repository, or `POLYCLOUD_EXAMPLES_DIR` (to try the test on a
/// copy, e.g. a deliberately broken one).
fn examples_root() -> PathBuf {
    std::env::var_os("POLYCLOUD_EXAMPLES_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("examples"))
}

fn discover() -> Vec<Example> {
    let root = examples_root();
    let mut out = Vec::new();
    for (group, make) in [
        ("resources", Kind::Resource as fn(String) -> Kind),
        ("data-sources", Kind::DataSource as fn(String) -> Kind),
        ("ephemeral-resources", Kind::Ephemeral as fn(String) -> Kind),
    ] {
        for dir in subdirs(&root.join(group)) {
            let name = dir.file_name().unwrap().to_string_lossy().into_owned();
            out.push(Example {
                label: format!("examples/{group}/{name}"),
                dir,
                kind: make(name),
            });
        }
    }
    let quickstart = root.join("quickstart");
    if quickstart.is_dir() {
        out.push(Example {
            label: "examples/quickstart".into(),
            dir: quickstart,
            kind: Kind::Quickstart,
        });
    }
    out
}

/// The `.tf` files of a directory, by name.
fn tf_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&p).unwrap();
            (name, text)
        })
        .collect();
    files.sort();
    files
}

/// One `resource "T" "N"` or `data "T" "N"` block.
#[derive(Clone, Debug, PartialEq)]
struct Decl {
    data: bool,
    ty: String,
    name: String,
}

impl Decl {
    fn address(&self) -> String {
        if self.data {
            format!("data.{}.{}", self.ty, self.name)
        } else {
            format!("{}.{}", self.ty, self.name)
        }
    }
}

/// The top-level resource and data blocks of HCL text (written at column 0).
fn declarations(text: &str) -> Vec<Decl> {
    text.lines()
        .filter_map(|line| {
            let (data, rest) = if let Some(rest) = line.strip_prefix("resource ") {
                (false, rest)
            } else if let Some(rest) = line.strip_prefix("data ") {
                (true, rest)
            } else if let Some(rest) = line.strip_prefix("ephemeral ") {
                // Never in state: checked like a data source by name only.
                (true, rest)
            } else {
                return None;
            };
            let quoted: Vec<&str> = rest.split('"').skip(1).step_by(2).take(2).collect();
            (quoted.len() == 2).then(|| Decl {
                data,
                ty: quoted[0].to_string(),
                name: quoted[1].to_string(),
            })
        })
        .collect()
}

/// `(address, placeholder id)` of every `terraform import ADDR ID` line.
fn import_lines(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with("terraform import"))
        .map(|l| {
            let args: Vec<&str> = l
                .split_whitespace()
                .skip(2)
                .filter(|a| !a.starts_with('-'))
                .collect();
            assert_eq!(
                args.len(),
                2,
                "import.sh line {l:?} is not `terraform import ADDRESS ID`"
            );
            (args[0].to_string(), args[1].trim_matches('"').to_string())
        })
        .collect()
}

/// A workspace whose provider is configured only through the environment.
fn env_workspace(sim: &Sim) -> Workspace {
    let mut ws = Workspace::new();
    ws.env("POLYCLOUD_CLOUD", "vscale");
    ws.env("POLYCLOUD_ENDPOINT", &sim.vscale_endpoint());
    ws.env("POLYCLOUD_TOKEN", VSCALE_TOKEN);
    ws
}

fn collection(sim: &Sim, name: &str) -> Vec<Value> {
    sim.state()["vscale"][name]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn counts(sim: &Sim) -> (usize, usize, usize) {
    (
        collection(sim, "scalets").len(),
        collection(sim, "sshkeys").len(),
        collection(sim, "backups").len(),
    )
}

fn assert_sim_empty(sim: &Sim) {
    for name in ["scalets", "sshkeys", "backups"] {
        let left = collection(sim, name);
        assert!(
            left.is_empty(),
            "after destroy the simulator still holds {name}: {left:#?}"
        );
    }
}

/// Where the example is: updated before each step, reported on failure.
struct Step(Mutex<String>);

impl Step {
    fn set(&self, what: &str) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = what.to_string();
    }
}

/// Every declared block is in state; managed ones have an id.
fn assert_in_state(ws: &Workspace, decls: &[Decl]) {
    for decl in decls {
        let values = ws.resource(&decl.address());
        assert!(
            !values.is_null(),
            "{} is not in state after apply",
            decl.address()
        );
        if !decl.data {
            assert!(
                values["id"].as_str().is_some_and(|id| !id.is_empty()),
                "{} has no id in state: {values:#}",
                decl.address()
            );
        }
    }
}

/// What the simulator must hold for the managed resources the example declares.
fn assert_sim_holds(sim: &Sim, decls: &[Decl]) {
    let mut wanted: BTreeMap<&str, usize> = BTreeMap::new();
    for decl in decls.iter().filter(|d| !d.data) {
        *wanted.entry(decl.ty.as_str()).or_default() += 1;
    }
    for (ty, n) in wanted {
        match ty {
            "polycloud_vps" => {
                let scalets = collection(sim, "scalets");
                assert!(
                    scalets.len() >= n,
                    "expected ≥{n} scalet(s), simulator holds {scalets:#?}"
                );
                for s in &scalets {
                    assert_eq!(
                        s["locked"], false,
                        "a scalet is still locked after apply: {s:#}"
                    );
                    assert!(
                        s["status"] == "started" || s["status"] == "stopped",
                        "a scalet is not settled after apply: {s:#}"
                    );
                }
            }
            "polycloud_ssh_key" => {
                let keys = collection(sim, "sshkeys");
                assert!(
                    keys.len() >= n,
                    "expected ≥{n} SSH key(s), simulator holds {keys:#?}"
                );
            }
            "polycloud_backup" => {
                let backups = collection(sim, "backups");
                assert!(
                    backups.len() >= n,
                    "expected ≥{n} backup(s), simulator holds {backups:#?}"
                );
                for b in &backups {
                    assert_eq!(
                        b["status"], "finished",
                        "apply returned before the backup finished: {b:#}"
                    );
                }
            }
            "polycloud_vps_restore" => {
                let rebuilds: Vec<Value> = sim
                    .requests()
                    .into_iter()
                    .filter(|r| {
                        r["method"] == "PATCH"
                            && r["path"].as_str().is_some_and(|p| p.ends_with("/rebuild"))
                    })
                    .collect();
                assert!(rebuilds.len() >= n, "expected a PATCH /scalets/{{ctid}}/rebuild per polycloud_vps_restore, saw {rebuilds:#?}");
            }
            _ => {}
        }
    }
}

/// Runs the `terraform import` lines of `import.sh` in a second working directory
/// with the same configuration, with the ids the first apply produced.
fn check_import(
    sim: &Sim,
    first: &Workspace,
    body: &str,
    decls: &[Decl],
    import_sh: &Path,
    step: &Step,
) {
    let text = std::fs::read_to_string(import_sh).unwrap();
    let lines = import_lines(&text);
    assert!(
        !lines.is_empty(),
        "import.sh has no `terraform import` line"
    );
    for (address, placeholder) in lines {
        step.set(&format!(
            "import.sh: terraform import {address} {placeholder}"
        ));
        assert!(
            decls.iter().any(|d| !d.data && d.address() == address),
            "import.sh imports {address}, which resource.tf does not declare"
        );
        let id = first.resource(&address)["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{address} has no id in the first state"))
            .to_string();
        let before = counts(sim);
        let second = env_workspace(sim);
        second.write(body);
        second
            .tf(&["import", "-no-color", "-input=false", &address, &id])
            .ok();
        assert_eq!(
            second.resource(&address)["id"],
            id.as_str(),
            "the import did not record {address} with id {id}"
        );
        assert_eq!(
            counts(sim),
            before,
            "an import must not create or delete anything"
        );
        // `second` is dropped without destroy: the objects belong to `first`.
    }
}

fn run_example(example: &Example, step: &Step) {
    let sim = Sim::start();
    let ws = env_workspace(&sim);
    let files = tf_files(&example.dir);
    assert!(!files.is_empty(), "no .tf file");

    let (ty, refusable) = match &example.kind {
        Kind::Resource(ty) => (Some(ty.clone()), !VSCALE_RESOURCES.contains(&ty.as_str())),
        Kind::DataSource(ty) => (
            Some(ty.clone()),
            !VSCALE_DATA_SOURCES.contains(&ty.as_str()),
        ),
        Kind::Ephemeral(ty) => (Some(ty.clone()), true),
        Kind::Quickstart => (None, false),
    };

    let body: String = match &example.kind {
        Kind::Quickstart => {
            step.set("copy the project");
            for (name, text) in &files {
                std::fs::write(ws.path().join(name), text).unwrap();
            }
            files
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        }
        _ => {
            step.set("read the example");
            let body = files
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            assert!(
                !body.contains("required_providers"),
                "an example must not carry its own `terraform {{ required_providers }}` block"
            );
            assert!(
                !body.lines().any(|l| l.starts_with("provider ")),
                "a resource/data-source example must not configure the provider (it runs with POLYCLOUD_* only)"
            );
            ws.write(&body);
            body
        }
    };
    let decls = declarations(&body);
    if let Some(ty) = &ty {
        assert!(
            decls.iter().any(|d| &d.ty == ty
                && d.data == matches!(example.kind, Kind::DataSource(_) | Kind::Ephemeral(_))),
            "the example does not declare a {ty}"
        );
    }

    if refusable {
        // Not implemented on Vscale in this release: plan must refuse it with advice,
        // before any change is made.
        step.set("plan (expected to be refused on vscale)");
        let run = ws.plan();
        let ty = ty.unwrap();
        assert_eq!(
            run.code,
            1,
            "{ty} is not available on vscale, so plan must fail:\n{}",
            run.output()
        );
        let out = run.output();
        assert!(
            out.contains(&ty) && out.to_lowercase().contains("vscale"),
            "the refusal must name {ty} and the cloud:\n{out}"
        );
        assert_eq!(
            counts(&sim),
            (0, 0, 0),
            "a refused plan must not create anything"
        );
        return;
    }

    step.set("terraform apply");
    ws.apply().ok();
    step.set("state after apply");
    assert_in_state(&ws, &decls);
    step.set("simulator after apply");
    assert_sim_holds(&sim, &decls);

    if let Kind::Quickstart = example.kind {
        step.set("quickstart outputs");
        let run = ws.tf(&["output", "-json"]).ok();
        let outputs: Value = serde_json::from_str(&run.stdout).expect("terraform output -json");
        let scalets = collection(&sim, "scalets");
        assert_eq!(
            scalets.len(),
            1,
            "the quickstart makes one server: {scalets:#?}"
        );
        assert_eq!(
            collection(&sim, "sshkeys").len(),
            1,
            "the quickstart registers one key"
        );
        assert_eq!(
            collection(&sim, "backups").len(),
            1,
            "the quickstart makes one backup"
        );
        assert_eq!(
            outputs["vps_id"]["value"],
            scalets[0]["ctid"].to_string().as_str()
        );
        let ip = outputs["ip_address"]["value"].as_str().unwrap_or_default();
        assert!(!ip.is_empty(), "ip_address output is empty: {outputs:#}");
        assert_eq!(ip, scalets[0]["public_address"]["address"]);
    }

    step.set("second plan (expected empty)");
    ws.assert_no_changes();

    let import_sh = example.dir.join("import.sh");
    if import_sh.is_file() {
        check_import(&sim, &ws, &body, &decls, &import_sh, step);
    } else if matches!(example.kind, Kind::Resource(_)) {
        panic!("no import.sh next to resource.tf");
    }

    step.set("terraform destroy");
    ws.destroy().ok();
    step.set("simulator after destroy");
    assert_sim_empty(&sim);
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(panic without a message)".into())
}

#[test]
fn examples_apply_plan_import_destroy() {
    let examples = discover();
    assert!(
        examples.iter().any(|e| matches!(e.kind, Kind::Resource(_))),
        "no examples under examples/resources"
    );
    assert!(
        examples.iter().any(|e| matches!(e.kind, Kind::Quickstart)),
        "examples/quickstart is missing"
    );
    let queue = Mutex::new(examples.iter().collect::<VecDeque<_>>());
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..PARALLEL {
            scope.spawn(|| loop {
                let Some(example) = queue.lock().unwrap().pop_front() else {
                    break;
                };
                let step = Step(Mutex::new("start".into()));
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    run_example(example, &step)
                }));
                match result {
                    Ok(()) => eprintln!("ok: {}", example.label),
                    Err(payload) => {
                        let at = step.0.lock().unwrap_or_else(|e| e.into_inner()).clone();
                        let message = format!(
                            "{} (step: {at}): {}",
                            example.label,
                            panic_text(payload.as_ref())
                        );
                        eprintln!("FAILED: {message}");
                        failures.lock().unwrap().push(message);
                    }
                }
            });
        }
    });
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} of {} examples failed:\n\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n\n----------\n\n")
    );
}

#[test]
fn examples_provider_configuration_validates() {
    let path = repo().join("examples/provider/provider.tf");
    let text = std::fs::read_to_string(&path).expect("examples/provider/provider.tf");
    assert!(
        !text.contains("required_providers"),
        "provider.tf must not carry a terraform block"
    );
    for cloud in ["vscale", "inet", "zomro", "starvcenter"] {
        assert!(
            text.lines().any(|l| {
                let l = l.trim();
                l.starts_with("cloud") && l.contains(&format!("\"{cloud}\""))
            }),
            "provider.tf shows no configuration for {cloud}"
        );
    }
    let ws = Workspace::new();
    ws.write(&text);
    ws.tf(&["validate", "-no-color"]).ok();
}

/// The provider's schema as Terraform sees it.
fn provider_schema() -> Value {
    let ws = Workspace::new();
    ws.write("provider \"polycloud\" {}\n");
    let run = ws.tf(&["providers", "schema", "-json"]).ok();
    let all: Value = serde_json::from_str(&run.stdout).expect("providers schema -json");
    let schemas = all["provider_schemas"]
        .as_object()
        .expect("provider_schemas");
    schemas
        .iter()
        .find(|(k, _)| k.ends_with("polycloud/polycloud"))
        .map(|(_, v)| v.clone())
        .expect("polycloud schema")
}

fn mentioned(doc: &str, name: &str) -> bool {
    doc.contains(&format!("`{name}`"))
}

#[test]
fn examples_and_docs_cover_every_resource() {
    let schema = provider_schema();
    let root = repo();
    let mut problems = Vec::new();

    let index = std::fs::read_to_string(root.join("docs/index.md")).unwrap_or_default();
    if index.is_empty() {
        problems.push("docs/index.md is missing".to_string());
    }
    for name in schema["provider"]["block"]["attributes"]
        .as_object()
        .unwrap()
        .keys()
    {
        if !mentioned(&index, name) {
            problems.push(format!(
                "docs/index.md does not document provider attribute `{name}`"
            ));
        }
    }
    for env in ["POLYCLOUD_CLOUD", "POLYCLOUD_ENDPOINT", "POLYCLOUD_TOKEN"] {
        if !index.contains(env) {
            problems.push(format!("docs/index.md does not mention {env}"));
        }
    }

    let resources = schema["resource_schemas"]
        .as_object()
        .expect("resource_schemas");
    assert!(!resources.is_empty(), "the provider serves no resources?");
    for (ty, res) in resources {
        let short = ty.strip_prefix("polycloud_").unwrap_or(ty);
        let doc_path = format!("docs/resources/{short}.md");
        let Ok(doc) = std::fs::read_to_string(root.join(&doc_path)) else {
            problems.push(format!("{doc_path} is missing"));
            continue;
        };
        let title = format!("page_title: \"{ty} Resource - polycloud\"");
        if !doc.starts_with("---") || !doc.contains(&title) {
            problems.push(format!(
                "{doc_path}: front matter must start the file and contain {title}"
            ));
        }
        let block = &res["block"];
        let names = block["attributes"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys())
            .chain(
                block["block_types"]
                    .as_object()
                    .into_iter()
                    .flat_map(|m| m.keys()),
            );
        for name in names {
            if !mentioned(&doc, name) {
                problems.push(format!("{doc_path} does not document `{name}`"));
            }
        }
        for section in [
            "## Example Usage",
            "## Argument Reference",
            "## Attribute Reference",
            "## Import",
        ] {
            if !doc.contains(section) {
                problems.push(format!("{doc_path} has no \"{section}\" section"));
            }
        }
        for file in ["resource.tf", "import.sh"] {
            let example = format!("examples/resources/{ty}/{file}");
            match std::fs::read_to_string(root.join(&example)) {
                // The page shows the tested example itself, not a copy that drifted.
                Ok(text) if !doc.contains(text.trim_end()) => problems.push(format!(
                    "{doc_path} does not show {example} as it is (paste it again)"
                )),
                Ok(_) => {}
                Err(_) => problems.push(format!("{example} is missing")),
            }
        }
    }
    check_data_source_docs(&schema, &root, &mut problems);
    check_pages(
        &schema,
        &root,
        Pages {
            schemas: "ephemeral_resource_schemas",
            docs: "docs/ephemeral-resources",
            title: "Ephemeral Resource",
            examples: "examples/ephemeral-resources",
            file: "ephemeral-resource.tf",
        },
        &mut problems,
    );
    assert!(
        problems.is_empty(),
        "documentation gaps:\n  {}",
        problems.join("\n  ")
    );
}

/// Every data source has a page under `docs/data-sources/` that mentions each of its
/// attributes and shows its tested example as it is.
fn check_data_source_docs(schema: &Value, root: &Path, problems: &mut Vec<String>) {
    check_pages(
        schema,
        root,
        Pages {
            schemas: "data_source_schemas",
            docs: "docs/data-sources",
            title: "Data Source",
            examples: "examples/data-sources",
            file: "data-source.tf",
        },
        problems,
    );
}

/// Where the pages of one kind of schema live.
struct Pages {
    /// Key in `terraform providers schema -json`.
    schemas: &'static str,
    docs: &'static str,
    /// As in `page_title: "<type> <title> - polycloud"`.
    title: &'static str,
    examples: &'static str,
    file: &'static str,
}

/// Every schema of the kind has a page that mentions each attribute and shows its
/// tested example as it is.
fn check_pages(schema: &Value, root: &Path, pages: Pages, problems: &mut Vec<String>) {
    let Some(sources) = schema[pages.schemas].as_object() else {
        problems.push(format!("the provider serves no {}", pages.schemas));
        return;
    };
    for (ty, source) in sources {
        let short = ty.strip_prefix("polycloud_").unwrap_or(ty);
        let doc_path = format!("{}/{short}.md", pages.docs);
        let Ok(doc) = std::fs::read_to_string(root.join(&doc_path)) else {
            problems.push(format!("{doc_path} is missing"));
            continue;
        };
        let title = format!("page_title: \"{ty} {} - polycloud\"", pages.title);
        if !doc.starts_with("---") || !doc.contains(&title) {
            problems.push(format!(
                "{doc_path}: front matter must start the file and contain {title}"
            ));
        }
        for name in source["block"]["attributes"]
            .as_object()
            .into_iter()
            .flat_map(|m| m.keys())
        {
            if !mentioned(&doc, name) {
                problems.push(format!("{doc_path} does not document `{name}`"));
            }
        }
        let example = format!("{}/{ty}/{}", pages.examples, pages.file);
        match std::fs::read_to_string(root.join(&example)) {
            Ok(text) if !doc.contains(text.trim_end()) => problems.push(format!(
                "{doc_path} does not show {example} as it is (paste it again)"
            )),
            Ok(_) => {}
            Err(_) => problems.push(format!("{example} is missing")),
        }
    }
}
