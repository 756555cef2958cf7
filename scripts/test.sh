#!/usr/bin/env bash
# The test command (README, .ci/run): lint, build the plugin and the simulator, run
# every unit, simulator and end-to-end test. Needs Terraform (>= 1.11) on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v terraform >/dev/null 2>&1; then
  echo "scripts/test.sh: terraform is not on PATH; the end-to-end tests drive the real Terraform CLI (1.11). Install it first." >&2
  exit 1
fi

echo "== format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== build (plugin and simulator)"
cargo build --workspace --bins --locked

echo "== tests"
# End-to-end tests mostly wait on Terraform and the simulator: run more than one per core.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
RUST_TEST_THREADS="${RUST_TEST_THREADS:-4}" cargo test --workspace --locked 2>&1 | tee "$log"
# One closing line for the whole run (cargo prints one per test binary, doc-tests last).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed;?$/) p += $(i-1); if ($i ~ /^failed;?$/) f += $(i-1) } }
     END { printf "tests: %d passed, %d failed\n", p, f; if (p == 0) exit 1 }' "$log"
