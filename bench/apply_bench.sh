#!/usr/bin/env bash
# Benchmark: `respec apply` of 1,000 Running instances (half upgrades, half
# downgrades) against `respec emulator` with a per-action QPS limit, in two
# cases (CASE=burst, CASE=budget; default: both, one after the other).
#
# burst: maxUnavailable 100%, QPS 10, time scale 1. Lower bound: the larger of
#   - the longest single chain: downgrade = stop (3 s) + order (<= 10 s) +
#     start (4 s) of the emulator's timing, divided by the time scale;
#   - over the actions, calls needed / QPS limit (ModifyPrepayInstanceSpec:
#     1,000 calls; Stop/Start/Reboot: 500 each).
#   Targets: ratio <= 1.25, Throttling <= 5% of calls, RSS <= 100 MB.
# budget: maxUnavailable 10, QPS 100, time scale 10 (issue 15). Lower bound:
#   the larger of
#   - the sum over instances of the time each must be unavailable, from the
#     emulator's timing (src/emulator/model.h Timing), divided by the budget
#     of 10: an upgrade is down for its restart (reboot 5 s; its order runs
#     while it is Running), a downgrade for stop (3 s) + its order (the
#     actual delay the emulator drew, CompleteTime - Time of its order) +
#     start (4 s); all divided by the time scale;
#   - the rate bound as above.
#   Targets: ratio <= 1.15, API calls <= 2.6 per instance.
# Prints the bound, the measured wall time and their ratio, API calls per
# instance (per action), Throttling answers and respec's peak RSS.
# Usage: bench/apply_bench.sh BUILD_DIR   (env: CASE, N, QPS, SCALE, KEEP)
set -euo pipefail
BUILD=$(realpath "${1:-build}")
RESPEC="$BUILD/respec"
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../tests/cli/apply_lib.sh"

N=${N:-1000}
work=$(mktemp -d)
trap 'stop_emulator; [ -n "${KEEP:-}" ] && echo "kept $work" || rm -rf "$work"' EXIT

# run_case NAME MAX_UNAVAILABLE QPS SCALE
run_case() {
  local name=$1 budget=$2 qps=$3 scale=$4
  local dir=$work/$name
  mkdir -p "$dir"
  cd "$dir"
  # World: N Running PrePaid instances; even ones upgrade, odd ones downgrade.
  {
    echo "version: 1"
    echo "qps: {default: $qps}"
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
    maxUnavailable: $budget
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
lastOrderDelayMs = $((5000 / scale))

[profiles.default.rate]
defaultQps = $qps
EOF

  start_emulator "$dir" --world world.yaml --time-scale "$scale"
  export RESPEC_TIME_SCALE=$scale
  local R=("$RESPEC" --endpoint "$ENDPOINT")
  "${R[@]}" plan -f fleet.yaml --out plan.json > plan.out 2>&1 || { tail plan.out; echo "bench: plan failed"; return 1; }
  curl -sf "$ENDPOINT/_emulator/instances" > before.json
  local stats_before stats_after
  stats_before=$(curl -sf "$ENDPOINT/_emulator/stats")

  # APPLY_STATE_BACKEND=postgresql://…: the shared state backend instead of the local directory (bench/state_bench.sh).
  local STATE=(--state-dir state)
  [ -n "${APPLY_STATE_BACKEND:-}" ] && STATE=(--state-backend "$APPLY_STATE_BACKEND")
  local rss_file=$dir/rss start end rc
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
  stop_emulator
  [ "$rc" = 0 ] || { tail -20 apply.out apply.err; echo "bench: apply exited $rc"; return 1; }
  check_applied plan.json before.json after.json orders.json

  node - "$name" "$N" "$qps" "$scale" "$budget" "$start" "$end" "$stats_before" "$stats_after" \
    "$(cat "$rss_file" 2>/dev/null || echo 0)" orders.json <<'EOF'
const name = process.argv[2];
const [n, qps, scale, , start, end] = process.argv.slice(3, 9).map(Number);
const budgetText = process.argv[6], budget = parseInt(budgetText, 10);
const before = JSON.parse(process.argv[9]), after = JSON.parse(process.argv[10]);
const rssKb = Number(process.argv[11]);
const orders = JSON.parse(require('fs').readFileSync(process.argv[12], 'utf8'));
const delta = {};
for (const [k, v] of Object.entries(after.requests)) delta[k] = v - ((before.requests || {})[k] || 0);
const errs = {};
for (const [k, v] of Object.entries(after.errors || {})) errs[k] = v - ((before.errors || {})[k] || 0);
const calls = Object.values(delta).reduce((a, b) => a + b, 0);
// Stops, starts and restarts go in StopInstances/StartInstances/RebootInstances
// of up to 100 instances; counting them one call per instance keeps the rate
// bound an upper figure for them (the orders bind anyway).
const needed = {ModifyPrepayInstanceSpec: n, StopInstances: n / 2, StartInstances: n / 2, RebootInstances: n / 2};
const rateBound = Math.max(...Object.values(needed).map(c => c / qps));
// The emulator's timing (src/emulator/model.h Timing), emulated seconds.
const T = {stop: 3, start: 4, reboot: 5, orderMax: 10};
let bound, detail, target;
if (name === 'budget') {
  // Time each instance must be unavailable, summed, over the budget.
  let down = 0;
  for (const o of orders) {
    if (o.OperatorType === 'downgrade') {
      const order = (Date.parse(o.CompleteTime) - Date.parse(o.Time)) / 1000;  // 1 s resolution; errors average out
      down += T.stop + order + T.start;
    } else {
      down += T.reboot;
    }
  }
  const budgetBound = down / budget / scale;
  bound = Math.max(rateBound, budgetBound);
  detail = `unavailable ${(down / scale).toFixed(1)} s in all / budget ${budget}: ${budgetBound.toFixed(1)} s, rate: ${rateBound.toFixed(1)} s`;
  target = {ratio: 1.15, calls: 2.6};
} else {
  const chainBound = (T.stop + T.orderMax + T.start) / scale;
  bound = Math.max(rateBound, chainBound);
  detail = `rate: ${rateBound.toFixed(1)} s, longest chain: ${chainBound.toFixed(1)} s`;
  target = {ratio: 1.25};
}
const wall = end - start;
const throttled = errs.Throttling || 0;
const ok = (c) => (c ? 'ok' : 'MISSED');
console.log(`case                 ${name}: maxUnavailable ${budgetText}`);
console.log(`instances            ${n} (half upgrades, half downgrades, all Running)`);
console.log(`QPS limit / action   ${qps}    time scale ${scale}`);
console.log(`lower bound          ${bound.toFixed(1)} s  (${detail})`);
console.log(`wall time            ${wall.toFixed(1)} s`);
console.log(`ratio                ${(wall / bound).toFixed(3)}  (target <= ${target.ratio}: ${ok(wall / bound <= target.ratio)})`);
console.log(`API calls            ${calls}  (${(calls / n).toFixed(2)} per instance` +
            (target.calls ? `; target <= ${target.calls}: ${ok(calls / n <= target.calls)}` : '') + `)  ${JSON.stringify(delta)}`);
console.log(`Throttling answers   ${throttled}  (${(100 * throttled / Math.max(calls, 1)).toFixed(2)}% of calls; target <= 5%: ${ok(throttled <= 0.05 * calls)})`);
console.log(`other errors         ${JSON.stringify(errs)}`);
console.log(`peak RSS             ${rssKb ? (rssKb / 1024).toFixed(1) + ' MB' : 'n/a (/usr/bin/time missing)'}` +
            (rssKb ? `  (target <= 100 MB: ${ok(rssKb / 1024 <= 100)})` : ''));
EOF
}

CASE=${CASE:-all}
status=0
if [ "$CASE" = all ] || [ "$CASE" = burst ]; then
  run_case burst 100% "${QPS:-10}" "${SCALE:-1}" || status=1
fi
if [ "$CASE" = all ] || [ "$CASE" = budget ]; then
  [ "$CASE" = all ] && echo
  run_case budget 10 "${QPS:-100}" "${SCALE:-10}" || status=1
fi
exit $status
