#!/usr/bin/env bash
# Quickstart: build the plugin and the simulator, start the simulator on a free
# loopback port, `terraform apply` examples/quickstart against it, show that a second
# plan is empty, then destroy and stop the simulator.
#   scripts/quickstart.sh          # the whole round trip
#   scripts/quickstart.sh --keep   # leave the simulator and the applied example running
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
keep=false
[ "${1:-}" = "--keep" ] && keep=true

command -v terraform >/dev/null 2>&1 || { echo "quickstart: terraform (>= 1.11) is not on PATH" >&2; exit 1; }

echo "== building the plugin and the simulator"
cargo build --workspace --bins --locked

work="$root/.quickstart"
rm -rf "$work" && mkdir -p "$work"
cp examples/quickstart/*.tf "$work/"
cat > "$work/cli.tfrc" <<CLI
provider_installation {
  dev_overrides {
    "polycloud/polycloud" = "$root/target/debug"
  }
  direct {}
}
CLI

echo "== starting polycloud-sim"
"$root/target/debug/polycloud-sim" --port 0 --task-ms 1500 > "$work/sim.out" 2> "$work/sim.err" &
sim_pid=$!
stop_sim() { kill "$sim_pid" 2>/dev/null || true; wait "$sim_pid" 2>/dev/null || true; }
$keep || trap stop_sim EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$work/sim.out" 2>/dev/null && break
  sleep 0.1
done
url=$(awk '/listening on/ {print $NF; exit}' "$work/sim.out")
[ -n "$url" ] || { echo "quickstart: the simulator did not start" >&2; cat "$work/sim.err" >&2; exit 1; }
echo "polycloud-sim (pid $sim_pid) at $url"

export TF_CLI_CONFIG_FILE="$work/cli.tfrc" TF_IN_AUTOMATION=1 CHECKPOINT_DISABLE=1
export POLYCLOUD_CLOUD=vscale POLYCLOUD_ENDPOINT="$url/vscale/v1" POLYCLOUD_TOKEN=sim-vscale-token
cd "$work"

echo "== terraform apply"
terraform apply -auto-approve -input=false

echo "== second plan (must show no changes)"
set +e
terraform plan -detailed-exitcode -input=false
code=$?
set -e
if [ "$code" -ne 0 ]; then
  echo "quickstart: the second plan is not empty (exit $code)" >&2
  exit 1
fi
echo "Second plan is empty: the state matches the simulator."

if $keep; then
  cat <<MSG

The simulator keeps running (pid $sim_pid). To continue in $work:
  export TF_CLI_CONFIG_FILE=$work/cli.tfrc POLYCLOUD_CLOUD=vscale POLYCLOUD_ENDPOINT=$url/vscale/v1 POLYCLOUD_TOKEN=sim-vscale-token
Stop it with: kill $sim_pid
MSG
else
  echo "== terraform destroy"
  terraform destroy -auto-approve -input=false
  echo "Quickstart done."
fi
