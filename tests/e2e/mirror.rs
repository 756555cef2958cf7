//! The release archive installed the way users install it. `scripts/release.sh` packs
//! the plugin built for these tests (no second build), the zip is laid out as a
//! filesystem mirror, and a real `terraform init` — no dev_overrides, no registry, no
//! network — installs it and locks its `h1:` hash, computed here independently. The
//! provider from the mirror then plans, applies and destroys against the simulator.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use base64::Engine as _;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::harness::*;

const MAIN_TF: &str = include_str!("mirror/main.tf");
const CLI_TFRC: &str = include_str!("mirror/cli.tfrc");
const VERSION: &str = env!("CARGO_PKG_VERSION");
const NAME: &str = "terraform-provider-polycloud";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Terraform's name for this machine's platform, e.g. `linux_amd64`.
fn platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}_{arch}")
}

/// Runs `scripts/release.sh ARGS` packaging the plugin the tests built, into `dist`.
fn release(dist: &Path, args: &[&str]) -> Output {
    release_binary(&bin_dir().join(NAME), dist, args)
}

/// Runs `scripts/release.sh ARGS` packaging `binary`, into `dist`.
fn release_binary(binary: &Path, dist: &Path, args: &[&str]) -> Output {
    Command::new("bash")
        .arg(repo().join("scripts/release.sh"))
        .args(args)
        .env("POLYCLOUD_RELEASE_BINARY", binary)
        .env("POLYCLOUD_RELEASE_DIST", dist)
        .env_remove("GPG_FINGERPRINT")
        .output()
        .expect("run scripts/release.sh")
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Terraform's `h1:` package hash (Go's dirhash Hash1): the SHA-256 of the sorted lines
/// `<sha256 of the file>  <path>\n` of every file in the package.
fn h1(files: &[(&str, &[u8])]) -> String {
    let mut files = files.to_vec();
    files.sort_by_key(|(name, _)| *name);
    let summary: String = files
        .iter()
        .map(|(name, data)| format!("{}  {name}\n", sha256_hex(data)))
        .collect();
    let digest = Sha256::digest(summary.as_bytes());
    format!(
        "h1:{}",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The entries of a zip archive as (name, unix mode), read from its central directory.
fn zip_entries(zip: &[u8]) -> Vec<(String, u32)> {
    let u16_at = |i: usize| u16::from_le_bytes([zip[i], zip[i + 1]]) as usize;
    let u32_at = |i: usize| u32::from_le_bytes([zip[i], zip[i + 1], zip[i + 2], zip[i + 3]]);
    let end = (0..=zip.len() - 22)
        .rev()
        .find(|&i| zip[i..i + 4] == [0x50, 0x4b, 0x05, 0x06])
        .expect("zip end-of-central-directory record");
    let count = u16_at(end + 10);
    let mut at = u32_at(end + 16) as usize;
    let mut entries = Vec::new();
    for _ in 0..count {
        assert_eq!(
            zip[at..at + 4],
            [0x50, 0x4b, 0x01, 0x02],
            "central directory entry"
        );
        let (name_len, extra_len, comment_len) =
            (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
        let mode = u32_at(at + 38) >> 16;
        let name = String::from_utf8_lossy(&zip[at + 46..at + 46 + name_len]).into_owned();
        entries.push((name, mode));
        at += 46 + name_len + extra_len + comment_len;
    }
    entries
}

/// A workspace whose CLI configuration installs polycloud/polycloud from `mirror` only,
/// with the test's configuration and the simulator's endpoint in its variables. Any
/// attempt to reach beyond loopback goes to a proxy on a closed loopback port and fails.
fn mirror_workspace(mirror: &Path, sim: &Sim) -> Workspace {
    let mut ws = Workspace::new();
    let cli = CLI_TFRC.replace("@MIRROR@", &mirror.display().to_string());
    std::fs::write(ws.path().join("cli.tfrc"), cli).unwrap();
    std::fs::write(ws.path().join("main.tf"), MAIN_TF).unwrap();
    ws.env("TF_VAR_endpoint", &sim.vscale_endpoint());
    ws.env("TF_VAR_token", VSCALE_TOKEN);
    for proxy in ["HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"] {
        ws.env(proxy, "http://127.0.0.1:9");
    }
    ws.env("NO_PROXY", "127.0.0.1");
    ws.env("no_proxy", "127.0.0.1");
    ws
}

/// The `h1:` hashes `terraform init` locked for polycloud/polycloud, after checking the
/// version and the constraint. A filesystem mirror gives no `zh:` hash.
fn locked_hashes(ws: &Workspace) -> Vec<String> {
    let lock = std::fs::read_to_string(ws.path().join(".terraform.lock.hcl"))
        .expect("terraform init wrote .terraform.lock.hcl");
    assert!(
        lock.contains("provider \"registry.terraform.io/polycloud/polycloud\" {"),
        "{lock}"
    );
    assert!(
        lock.contains(&format!("version     = \"{VERSION}\"")),
        "{lock}"
    );
    assert!(lock.contains("constraints = \"~> 0.2\""), "{lock}");
    assert!(
        !lock.contains("zh:"),
        "a filesystem mirror gives no zh: hash:\n{lock}"
    );
    lock.lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix("\"h1:"))
        .map(|h| format!("h1:{}", h.trim_end_matches(['"', ','])))
        .collect()
}

#[test]
fn release_zip_installs_from_a_filesystem_mirror_locks_its_h1_hash_and_manages_the_simulator() {
    let platform = platform();
    let zip_name = format!("{NAME}_{VERSION}_{platform}.zip");
    let sums_name = format!("{NAME}_{VERSION}_SHA256SUMS");
    let manifest_name = format!("{NAME}_{VERSION}_manifest.json");
    let inner_name = format!("{NAME}_v{VERSION}");

    // The release script, as a maintainer runs it (default version: Cargo's).
    let dist = tempfile::tempdir().unwrap();
    let run = release(dist.path(), &[]);
    assert!(
        run.status.success(),
        "scripts/release.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    let mut written: Vec<String> = std::fs::read_dir(dist.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut expected = vec![zip_name.clone(), sums_name.clone(), manifest_name.clone()];
    expected.sort();
    assert_eq!(written, expected, "what dist/ holds without a GPG key");

    // The zip holds the binary alone, executable, under the name Terraform looks for.
    let zip = std::fs::read(dist.path().join(&zip_name)).unwrap();
    let entries = zip_entries(&zip);
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0].0, inner_name);
    assert_eq!(entries[0].1 & 0o777, 0o755, "mode {:o}", entries[0].1);

    // The manifest says protocol 6.0; SHA256SUMS ties the zip and the manifest.
    let manifest = std::fs::read(dist.path().join(&manifest_name)).unwrap();
    assert_eq!(
        manifest,
        std::fs::read(repo().join("terraform-registry-manifest.json")).unwrap()
    );
    let manifest_json: Value = serde_json::from_slice(&manifest).unwrap();
    assert_eq!(
        manifest_json["metadata"]["protocol_versions"],
        json!(["6.0"])
    );
    let sums = std::fs::read_to_string(dist.path().join(&sums_name)).unwrap();
    let mut want_sums = [
        format!("{}  {zip_name}", sha256_hex(&zip)),
        format!("{}  {manifest_name}", sha256_hex(&manifest)),
    ];
    want_sums.sort_by(|a, b| {
        a.split_once("  ")
            .unwrap()
            .1
            .cmp(b.split_once("  ").unwrap().1)
    });
    assert_eq!(sums, format!("{}\n", want_sums.join("\n")));

    // The package hash Terraform must lock: the zip's content, computed from the plugin.
    let plugin = std::fs::read(bin_dir().join(NAME)).unwrap();
    let want_h1 = h1(&[(inner_name.as_str(), &plugin)]);

    // Packed layout (what `terraform providers mirror` writes): HOST/NAMESPACE/TYPE/zip.
    let mirror = tempfile::tempdir().unwrap();
    let packed = mirror
        .path()
        .join("registry.terraform.io/polycloud/polycloud");
    std::fs::create_dir_all(&packed).unwrap();
    std::fs::copy(dist.path().join(&zip_name), packed.join(&zip_name)).unwrap();

    let sim = Sim::start();
    let ws = mirror_workspace(mirror.path(), &sim);
    let init = ws.tf(&["init", "-no-color", "-input=false"]).ok();
    assert!(
        init.stdout
            .contains(&format!("Installed polycloud/polycloud v{VERSION}")),
        "{}",
        init.output()
    );
    assert_eq!(locked_hashes(&ws), vec![want_h1.clone()]);
    assert!(ws
        .path()
        .join(format!(
            ".terraform/providers/registry.terraform.io/polycloud/polycloud/{VERSION}/{platform}/{inner_name}"
        ))
        .is_file());

    // The installed plugin manages the simulator: plan, apply, empty plan, destroy.
    let plan = ws.plan();
    assert_eq!(plan.code, 2, "a plan with changes:\n{}", plan.output());
    assert!(plan.stdout.contains("2 to add"), "{}", plan.stdout);
    ws.apply().ok();
    let scalets = sim.scalets();
    assert_eq!(scalets.len(), 1, "{scalets:#?}");
    assert_eq!(scalets[0]["name"], "mirror-web-1");
    assert_eq!(scalets[0]["status"], "started");
    let keys = sim.state()["vscale"]["sshkeys"].clone();
    assert_eq!(keys.as_array().map(Vec::len), Some(1), "{keys:#}");
    assert_eq!(keys[0]["name"], "ops");
    assert_eq!(
        ws.resource("polycloud_vps.web")["id"],
        scalets[0]["ctid"].to_string().as_str()
    );
    ws.assert_no_changes();
    ws.destroy().ok();
    assert_eq!(sim.scalets(), Vec::<Value>::new());
    assert_eq!(sim.state()["vscale"]["sshkeys"], json!([]));

    // Unpacked layout with `-plugin-dir` (HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/binary):
    // the same package, the same hash.
    let unpacked_root = tempfile::tempdir().unwrap();
    let unpacked = unpacked_root.path().join(format!(
        "registry.terraform.io/polycloud/polycloud/{VERSION}/{platform}"
    ));
    std::fs::create_dir_all(&unpacked).unwrap();
    let unzip = Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(dist.path().join(&zip_name))
        .arg(&unpacked)
        .output()
        .expect("python3 -m zipfile");
    assert!(unzip.status.success(), "{unzip:?}");
    let binary = unpacked.join(&inner_name);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert!(binary.is_file());
    let ws2 = mirror_workspace(Path::new("/nonexistent"), &sim);
    let plugin_dir = format!("-plugin-dir={}", unpacked_root.path().display());
    ws2.tf(&["init", "-no-color", "-input=false", &plugin_dir])
        .ok();
    assert_eq!(locked_hashes(&ws2), vec![want_h1]);
}

#[test]
fn release_script_refuses_a_version_that_is_not_semver() {
    let dist = tempfile::tempdir().unwrap();
    let run = release(dist.path(), &["0.2"]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(
            "release: version '0.2' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 0.2.0)"
        ),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(dist.path()).unwrap().count(),
        0,
        "nothing written"
    );
}

#[cfg(unix)]
#[test]
fn release_script_refuses_a_binary_that_reports_another_version() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let stale = dir.path().join(NAME);
    std::fs::write(
        &stale,
        "#!/bin/sh\necho 'terraform-provider-polycloud 0.1.9 (plugin protocol 6)'\n",
    )
    .unwrap();
    std::fs::set_permissions(&stale, std::fs::Permissions::from_mode(0o755)).unwrap();
    let dist = dir.path().join("dist");
    let run = release_binary(&stale, &dist, &[]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains(&format!(
            "{} reports version 0.1.9, not {VERSION}: rebuild it, or release 0.1.9",
            stale.display()
        )),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_dir(&dist).unwrap().count(),
        0,
        "nothing written"
    );
}
