#!/usr/bin/env bash
# The main job on the embedded emulator, start to finish:
# start `respec emulator` on examples/world.yaml, validate the examples,
# plan, apply with progress, plan again (no changes), stop the emulator.
set -euo pipefail
RESPEC=${1:-build/respec}
RESPEC=$(realpath "$RESPEC")
cd "$(dirname "$0")/.."

work=$(mktemp -d)
emu_pid=""
cleanup() {
  if [ -n "$emu_pid" ] && kill -0 "$emu_pid" 2>/dev/null; then
    kill -TERM "$emu_pid" 2>/dev/null || true
    wait "$emu_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "respec validate -f examples/*.yaml"
"$RESPEC" validate -f examples/single-instance.yaml -f examples/web-canary.yaml \
  -f examples/multi-region.yaml -f examples/blocked.yaml

step "respec emulator --world examples/world.yaml --time-scale 20"
"$RESPEC" emulator --listen 127.0.0.1:0 --world examples/world.yaml --time-scale 20 \
  --port-file "$work/port" > "$work/emulator.log" 2>&1 &
emu_pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
if [ ! -s "$work/port" ]; then cat "$work/emulator.log"; echo "demo: emulator did not start" >&2; exit 1; fi
port=$(cat "$work/port")
endpoint="http://127.0.0.1:$port"
echo "emulator listening on $endpoint"
# The emulator's own demo key (examples/world.yaml): not a real credential.
export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tRespecDemoKey0001
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=respec-demo-secret-not-real
export RESPEC_STATE_DIR="$work/state"
R=("$RESPEC" --endpoint "$endpoint")

step "respec instances --region cn-hangzhou --region cn-shanghai"
"${R[@]}" instances --region cn-hangzhou --region cn-shanghai

step "respec plan -f examples/blocked.yaml   (blocked instances are listed, exit 4)"
if "${R[@]}" plan -f examples/blocked.yaml; then
  echo "demo: expected the blocked plan to exit non-zero" >&2; exit 1
fi

for spec in examples/web-canary.yaml examples/multi-region.yaml; do
  step "respec plan -f $spec --out plan.json"
  set +e
  "${R[@]}" plan -f "$spec" --out "$work/plan.json" --detailed-exitcode
  rc=$?
  set -e
  [ "$rc" = 2 ] || { echo "demo: expected changes (exit 2), got $rc" >&2; exit 1; }

  step "respec show plan.json --markdown   (what a pull-request comment shows)"
  # Captured first: `| head` would close the pipe early and, under pipefail, fail the demo.
  md=$("$RESPEC" show "$work/plan.json" --markdown)
  printf '%s\n' "$md" | sed -n 1,20p

  step "respec apply plan.json --auto-approve"
  "${R[@]}" apply "$work/plan.json" --auto-approve --state-dir "$work/state"

  step "respec plan -f $spec --detailed-exitcode   (no changes left: exit 0)"
  "${R[@]}" plan -f "$spec" --detailed-exitcode
done

step "emulator's order log (GET /_emulator/orders)"
orders=$(curl -sf "$endpoint/_emulator/orders")
echo "${orders:0:600}..."
step "done: the emulator stops now"
