#!/usr/bin/env bash
# Benchmark: `respec apply` of 1,000 Running instances (half upgrades, half
# downgrades) against `respec emulator` with a per-action QPS limit.
#
# Lower bound: the larger of
#   - the longest single chain: downgrade = stop (3 s) + order (<= 10 s) +
#     start (4 s) of the emulator's timing, divided by the time scale;
#   - over the actions, calls needed / QPS limit (ModifyPrepayInstanceSpec:
#     1,000 calls; Stop/Start/Reboot: 500 each).
# Prints the bound, the measured wall time and their ratio, API calls per
# instance, Throttling answers and respec's peak RSS.
# Targets: ratio <= 1.25, Throttling <= 5% of calls, RSS <= 100 MB.
# Usage: bench/apply_bench.sh BUILD_DIR   (env: N, QPS, SCALE)
set -euo pipefail
BUILD=$(realpath "${1:-build}")
RESPEC="$BUILD/respec"
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../tests/cli/apply_lib.sh"

N=${N:-1000}
QPS=${QPS:-10}      # per action, the emulator's limit; respec's client rate is set to it
SCALE=${SCALE:-1}   # emulated seconds per real second (1 = the API's own timing)

work=$(mktemp -d)
trap 'stop_emulator; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT
cd "$work"

# World: N Running PrePaid instances; even ones upgrade, odd ones downgrade.
{
  echo "version: 1"
  echo "qps: {default: $QPS}"
  echo "instances:"
  for ((i = 0; i < N; i++)); do
    if ((i % 2 == 0)); then t=ecs.g7.xlarge; d=up; else t=ecs.g7.2xlarge; d=down; fi
    printf '  - {id: i-bench%05d, zone: cn-hangzhou-h, type: %s, status: Running, tags: {dir: %s}}\n' "$i" "$t" "$d"
  done
} > world.yaml
cat > fleet.yaml <<EOF
version: 1
regions: [cn-hangzhou]
maxParallel: 1000
defaults:
  reboot: whenFinished
groups:
  fleet:
    maxUnavailable: 100%
    targets:
      - selector: {dir: up}
        instanceType: ecs.g7.2xlarge
      - selector: {dir: down}
        instanceType: ecs.g7.xlarge
EOF
cat > respec.toml <<EOF
[profiles.default]
region = "cn-hangzhou"
httpConcurrency = 64

[profiles.default.retry]
lastOrderDelayMs = $((5000 / SCALE))

[profiles.default.rate]
defaultQps = $QPS
EOF

start_emulator "$work" --world world.yaml --time-scale "$SCALE"
export RESPEC_TIME_SCALE=$SCALE
R=("$RESPEC" --endpoint "$ENDPOINT")
"${R[@]}" plan -f fleet.yaml --out plan.json > plan.out 2>&1 || { tail plan.out; echo "bench: plan failed"; exit 1; }
curl -sf "$ENDPOINT/_emulator/instances" > before.json
stats_before=$(curl -sf "$ENDPOINT/_emulator/stats")

# APPLY_STATE_BACKEND=postgresql://…: the shared state backend instead of the local directory (bench/state_bench.sh).
STATE=(--state-dir state)
[ -n "${APPLY_STATE_BACKEND:-}" ] && STATE=(--state-backend "$APPLY_STATE_BACKEND")
rss_file=$work/rss
start=$(date +%s.%N)
set +e
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "%M" -o "$rss_file" "${R[@]}" apply plan.json "${STATE[@]}" > apply.out 2> apply.err
else
  "${R[@]}" apply plan.json "${STATE[@]}" > apply.out 2> apply.err
fi
rc=$?
set -e
end=$(date +%s.%N)
stats_after=$(curl -sf "$ENDPOINT/_emulator/stats")
curl -sf "$ENDPOINT/_emulator/instances" > after.json
curl -sf "$ENDPOINT/_emulator/orders" > orders.json
[ "$rc" = 0 ] || { tail -20 apply.out apply.err; echo "bench: apply exited $rc"; exit 1; }
check_applied plan.json before.json after.json orders.json

node - "$N" "$QPS" "$SCALE" "$start" "$end" "$stats_before" "$stats_after" "$(cat "$rss_file" 2>/dev/null || echo 0)" <<'EOF'
const [n, qps, scale, start, end] = process.argv.slice(2, 7).map(Number);
const before = JSON.parse(process.argv[7]), after = JSON.parse(process.argv[8]);
const rssKb = Number(process.argv[9]);
const delta = {};
for (const [k, v] of Object.entries(after.requests)) delta[k] = v - ((before.requests || {})[k] || 0);
const errs = {};
for (const [k, v] of Object.entries(after.errors || {})) errs[k] = v - ((before.errors || {})[k] || 0);
const calls = Object.values(delta).reduce((a, b) => a + b, 0);
const needed = {ModifyPrepayInstanceSpec: n, StopInstance: n / 2, StartInstance: n / 2, RebootInstance: n / 2};
const rateBound = Math.max(...Object.values(needed).map(c => c / qps));
const chainBound = (3 + 10 + 4) / scale;
const bound = Math.max(rateBound, chainBound);
const wall = end - start;
const throttled = errs.Throttling || 0;
const ok = (c) => (c ? 'ok' : 'MISSED');
console.log(`instances            ${n} (half upgrades, half downgrades, all Running)`);
console.log(`QPS limit / action   ${qps}    time scale ${scale}`);
console.log(`lower bound          ${bound.toFixed(1)} s  (rate: ${rateBound.toFixed(1)} s, longest chain: ${chainBound.toFixed(1)} s)`);
console.log(`wall time            ${wall.toFixed(1)} s`);
console.log(`ratio                ${(wall / bound).toFixed(3)}  (target <= 1.25: ${ok(wall / bound <= 1.25)})`);
console.log(`API calls            ${calls}  (${(calls / n).toFixed(2)} per instance)  ${JSON.stringify(delta)}`);
console.log(`Throttling answers   ${throttled}  (${(100 * throttled / Math.max(calls, 1)).toFixed(2)}% of calls; target <= 5%: ${ok(throttled <= 0.05 * calls)})`);
console.log(`other errors         ${JSON.stringify(errs)}`);
console.log(`peak RSS             ${rssKb ? (rssKb / 1024).toFixed(1) + ' MB' : 'n/a (/usr/bin/time missing)'}` +
            (rssKb ? `  (target <= 100 MB: ${ok(rssKb / 1024 <= 100)})` : ''));
EOF
