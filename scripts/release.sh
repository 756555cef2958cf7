#!/usr/bin/env bash
# Release archives in the layout the Terraform Registry and provider mirrors expect.
#
#   scripts/release.sh [VERSION]      # VERSION defaults to the workspace version in Cargo.toml
#
# Writes, in dist/:
#   terraform-provider-polycloud_<VERSION>_<os>_<arch>.zip   holding terraform-provider-polycloud_v<VERSION>
#                                                           (.exe on windows), one per target
#   terraform-provider-polycloud_<VERSION>_manifest.json     copy of terraform-registry-manifest.json
#   terraform-provider-polycloud_<VERSION>_SHA256SUMS        sums of the zips and the manifest
#   terraform-provider-polycloud_<VERSION>_SHA256SUMS.sig    detached binary signature, when GPG_FINGERPRINT is set
#
# Targets: the host always; linux_arm64, darwin_amd64, darwin_arm64 and windows_amd64
# whenever `rustup target list --installed` has their Rust target (each needs a linker
# for that platform). Each target is a `cargo build --release --locked`.
#
# Environment:
#   GPG_FINGERPRINT           key id to sign the sums with (gpg --detach-sign)
#   POLYCLOUD_RELEASE_BINARY  package this already built binary as the host target and
#                             build nothing (the end-to-end test uses it: no second build)
#   POLYCLOUD_RELEASE_DIST    output directory instead of dist/
#   POLYCLOUD_RELEASE_ZIP     `zip` or `python3`: force the archiver (default: zip when
#                             installed, otherwise python3's zipfile)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
name=terraform-provider-polycloud

die() {
  echo "release: $*" >&2
  exit 1
}

cargo_version=$(awk '
  /^\[/ { section = $0 }
  section == "[workspace.package]" && $1 == "version" { gsub(/"/, "", $3); print $3; exit }
' Cargo.toml)
version="${1:-$cargo_version}"
[ -n "$version" ] || die "no version given and none found in Cargo.toml [workspace.package]"
semver='^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'
[[ "$version" =~ $semver ]] || die "version '$version' is not a semantic version (MAJOR.MINOR.PATCH, e.g. 0.2.0)"
if [ "$version" != "$cargo_version" ]; then
  echo "release: warning: packaging $version, but Cargo.toml says $cargo_version (the binary reports $cargo_version)" >&2
fi

dist="${POLYCLOUD_RELEASE_DIST:-$root/dist}"
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)

zipper="${POLYCLOUD_RELEASE_ZIP:-}"
if [ -z "$zipper" ]; then
  if command -v zip >/dev/null 2>&1; then zipper=zip; else zipper=python3; fi
fi
case "$zipper" in
  zip) command -v zip >/dev/null 2>&1 || die "POLYCLOUD_RELEASE_ZIP=zip but zip is not installed" ;;
  python3) command -v python3 >/dev/null 2>&1 || die "neither zip nor python3 is installed: one of them makes the archives" ;;
  *) die "POLYCLOUD_RELEASE_ZIP must be zip or python3, not '$zipper'" ;;
esac

# Rust target triple -> Terraform platform (os_arch).
platform_of() {
  case "$1" in
    x86_64-unknown-linux-gnu | x86_64-unknown-linux-musl) echo linux_amd64 ;;
    aarch64-unknown-linux-gnu | aarch64-unknown-linux-musl) echo linux_arm64 ;;
    x86_64-apple-darwin) echo darwin_amd64 ;;
    aarch64-apple-darwin) echo darwin_arm64 ;;
    x86_64-pc-windows-msvc | x86_64-pc-windows-gnu) echo windows_amd64 ;;
    *) return 1 ;;
  esac
}

host=$(rustc -vV 2>/dev/null | sed -n 's/^host: //p')
[ -n "$host" ] || die "rustc is not on PATH (needed to know the host target)"
host_platform=$(platform_of "$host") || die "host target $host has no Terraform platform name known to this script"

# Entries: "<triple> <platform>"; the host's triple is empty (plain target/release).
targets=("- $host_platform")
seen=" $host_platform "
if [ -n "${POLYCLOUD_RELEASE_BINARY:-}" ]; then
  [ -f "$POLYCLOUD_RELEASE_BINARY" ] || die "POLYCLOUD_RELEASE_BINARY=$POLYCLOUD_RELEASE_BINARY is not a file"
  echo "release: packaging $POLYCLOUD_RELEASE_BINARY as $host_platform; no build, no other target"
else
  installed=""
  command -v rustup >/dev/null 2>&1 && installed=$(rustup target list --installed 2>/dev/null || true)
  for triple in aarch64-unknown-linux-gnu x86_64-unknown-linux-gnu x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-msvc x86_64-pc-windows-gnu; do
    [ "$triple" = "$host" ] && continue
    grep -qx "$triple" <<<"$installed" || continue
    platform=$(platform_of "$triple")
    # One archive per platform: the first installed triple of a platform wins.
    [[ "$seen" == *" $platform "* ]] && continue
    seen+="$platform "
    targets+=("$triple $platform")
  done
fi

# Everything is made in a staging directory and moved into dist/ at the end, so a
# failed run leaves dist/ as it was.
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
out="$staging/out"
mkdir -p "$out"
# A fixed time stamp for the archive entries (the last commit's), so that the same
# sources give the same zip and the same sums.
stamp=$(git log -1 --format=%cd --date=format-local:%Y%m%d%H%M.%S 2>/dev/null || date -u +%Y%m%d%H%M.%S)

make_zip() { # zip-path file-path
  case "$zipper" in
    zip) (cd "$(dirname "$2")" && zip -q -X "$1" "$(basename "$2")") ;;
    python3)
      python3 - "$1" "$2" <<'PY'
import os, sys, time, zipfile
archive, path = sys.argv[1], sys.argv[2]
info = zipfile.ZipInfo(os.path.basename(path), time.localtime(os.stat(path).st_mtime)[:6])
info.create_system = 3  # unix: keep the mode below
info.external_attr = (0o100755 & 0xFFFF) << 16
info.compress_type = zipfile.ZIP_DEFLATED
with open(path, "rb") as f, zipfile.ZipFile(archive, "w") as z:
    z.writestr(info, f.read())
PY
      ;;
  esac
}

# A host binary must report the version its archive is named for. (A binary that does
# not know --version runs as a plugin instead, hence the time limit.)
check_version() { # binary
  if ! command -v timeout >/dev/null 2>&1; then
    echo "release: warning: no timeout command: the version $1 reports is not checked" >&2
    return 0
  fi
  local out
  out=$(timeout 5 "$1" --version </dev/null 2>/dev/null | head -n 1) || true
  if [[ "$out" =~ ^$name\ ([^ ]+)\ \(plugin\ protocol\ 6\)$ ]]; then
    [ "${BASH_REMATCH[1]}" = "$version" ] ||
      die "$1 reports version ${BASH_REMATCH[1]}, not $version: rebuild it, or release ${BASH_REMATCH[1]}"
  else
    echo "release: warning: $1 --version printed no version: the version it reports is not checked" >&2
  fi
}

built=()
for entry in "${targets[@]}"; do
  triple=${entry%% *}
  platform=${entry##* }
  exe=""
  [[ "$platform" == windows_* ]] && exe=".exe"
  if [ -n "${POLYCLOUD_RELEASE_BINARY:-}" ]; then
    binary="$POLYCLOUD_RELEASE_BINARY"
  elif [ "$triple" = "-" ]; then
    echo "== cargo build --release ($platform, host)"
    cargo build --release --locked -p "$name" --bin "$name"
    binary="target/release/$name$exe"
  else
    echo "== cargo build --release --target $triple ($platform)"
    cargo build --release --locked -p "$name" --bin "$name" --target "$triple" ||
      die "the build for $triple failed (is a linker for $platform installed?); remove the target with 'rustup target remove $triple' to release without it"
    binary="target/$triple/release/$name$exe"
  fi
  [ -f "$binary" ] || die "$binary was not built"
  if [ "$triple" = "-" ]; then check_version "$binary"; fi
  mkdir -p "$staging/$platform"
  inner="$staging/$platform/${name}_v${version}${exe}"
  cp "$binary" "$inner"
  chmod 0755 "$inner"
  touch -t "$stamp" "$inner"
  archive="$out/${name}_${version}_${platform}.zip"
  make_zip "$archive" "$inner"
  built+=("$(basename "$archive")")
done

manifest="${name}_${version}_manifest.json"
cp terraform-registry-manifest.json "$out/$manifest"

sums="${name}_${version}_SHA256SUMS"
(
  cd "$out"
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "${built[@]}" "$manifest"
  else
    shasum -a 256 "${built[@]}" "$manifest"
  fi | LC_ALL=C sort -k 2 >"$sums"
)

if [ -n "${GPG_FINGERPRINT:-}" ]; then
  gpg --batch --yes --local-user "$GPG_FINGERPRINT" --output "$out/$sums.sig" --detach-sign "$out/$sums" ||
    die "signing with key $GPG_FINGERPRINT failed"
fi

rm -f "$dist/${name}_${version}_"*
mv "$out"/* "$dist/"
echo "== $dist"
(cd "$dist" && ls -l "${name}_${version}_"*)
