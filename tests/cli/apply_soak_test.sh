#!/usr/bin/env bash
# A fault soak of respec apply over HTTP against `respec emulator`: 150
# generated instances (Running and Stopped, upgrades and downgrades), with
# 40% Throttling, 20% LastOrderProcessing, 10% InternalError, 10% dropped
# connections (the call takes effect, the answer is lost) and 10% slow
# answers. After each apply, whatever its exit code (check_apply_truth in
# apply_lib.sh): no instance has two orders, nothing that was Running is left
# anything else, and every final status and outcome in the --json summary is
# what /_emulator/instances shows. Then a second apply of the same plan exits
# 0 with every change in place (check_applied), a new `respec plan` shows no
# changes, and /_emulator/stats proves every kind of fault happened.
#
# Second case, a stop whose effect shows only after the step timeout: the
# emulator runs 2x faster than real time (a stop takes 1.5 s) while apply is
# told, by RESPEC_TIME_SCALE, that it runs 2000x faster (its step timeout
# becomes 0.9 s); some step must time out. The summary must be true and nothing left
# Stopped (Starting is accepted: the restore budget shrinks too, below the
# emulator's 2 s start); a second apply with matching timeouts must then bring every
# change home in its original power state.
#
# One seed by default (make test); RESPEC_SOAK=1 (make soak) runs several.
# Usage: apply_soak_test.sh path/to/respec
set -euo pipefail
RESPEC=$(realpath "${1:?usage: $0 path/to/respec}")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apply_lib.sh"
command -v jq >/dev/null && command -v node >/dev/null && command -v curl >/dev/null ||
  { echo "SKIPPED: needs jq, node and curl (make deps-test)"; exit 77; }

work=$(mktemp -d)
trap 'stop_emulator; rm -rf "$work"' EXIT

if [ "${RESPEC_SOAK:-}" = 1 ]; then seeds=(5 17 29 41 53); else seeds=(5); fi

# run_apply DIR TAG: one `respec apply plan.json --json`, then the
# emulator's view and the truth checks; sets rc.
run_apply() {
  local d=$1 tag=$2 mode=${3:-}
  curl -sf "$ENDPOINT/_emulator/instances" > "$d/before-$tag.json"
  set +e
  timeout 300 "${R[@]}" apply "$d/plan.json" --json --state-dir "$d/state" > "$d/events-$tag.jsonl" 2> "$d/apply-$tag.err"
  rc=$?
  set -e
  echo "  $tag apply: exit $rc, $(tail -1 "$d/events-$tag.jsonl" | jq -c '{changed, already_applied, failed, skipped}' 2>/dev/null)"
  [ "$rc" != 124 ] || { echo "FAIL: $tag apply did not finish in 300 s"; exit 1; }
  curl -sf "$ENDPOINT/_emulator/instances" > "$d/after-$tag.json"
  curl -sf "$ENDPOINT/_emulator/orders" > "$d/orders-$tag.json"
  if ! check_apply_truth "$d/events-$tag.jsonl" "$d/before-$tag.json" "$d/after-$tag.json" "$d/orders-$tag.json" $mode; then
    echo "FAIL: $tag apply (seed $seed) broke a promise"; tail -5 "$d/apply-$tag.err"
    jq -c 'select(.event == "instance_failed")' "$d/events-$tag.jsonl" | sed -n 1,10p
    exit 1
  fi
}

# plan_changes DIR: `respec plan` against the emulator; sets rc (2 = changes).
plan_changes() {
  set +e
  "${R[@]}" plan -f "$1/fleet.yaml" --out "$1/plan.json" --allow-blocked --detailed-exitcode > "$1/plan.out" 2>&1
  rc=$?
  set -e
}

# Emulated time 200x faster; the API's own rate limit off (the faults
# inject Throttling instead) and 40 attempts per call, so that under ~80%
# failed ModifyPrepayInstanceSpec calls a call gives up about once in 10^4.
SCALE=200
for seed in "${seeds[@]}"; do
  d=$work/seed-$seed; mkdir -p "$d"; cd "$d"
  echo "soak, seed $seed:"
  start_emulator "$d" --generate 150 --seed "$seed" --time-scale $SCALE --qps 0 \
    --faults throttling=0.4,last-order=0.2,internal=0.1,drop=0.1,slow=0.1,slow-ms=50,seed=$seed
  export RESPEC_TIME_SCALE=$SCALE
  QPS=400 write_rehearsal_toml respec.toml $SCALE
  sed -i 's/^maxAttempts = .*/maxAttempts = 40/; s/^lastOrderMaxAttempts = .*/lastOrderMaxAttempts = 40/' respec.toml
  R=("$RESPEC" --endpoint "$ENDPOINT")
  write_mixed_spec fleet.yaml
  plan_changes "$d"
  [ "$rc" = 2 ] || { cat plan.out; echo "FAIL: plan exited $rc, want 2 (changes)"; exit 1; }
  cp plan.json plan-first.json
  changes=$(jq '[.instances[] | select(.verdict == "change")] | length' plan.json)
  downs=$(jq '[.instances[] | select(.verdict == "change" and .direction == "downgrade")] | length' plan.json)
  ups=$(jq '[.instances[] | select(.verdict == "change" and .direction == "upgrade")] | length' plan.json)
  stopped=$(jq '[.instances[] | select(.verdict == "change" and .observed.status == "Stopped")] | length' plan.json)
  running=$(jq '[.instances[] | select(.verdict == "change" and .observed.status == "Running")] | length' plan.json)
  echo "  plan: $changes changes ($ups upgrades, $downs downgrades; $running Running, $stopped Stopped)"
  [ "$ups" -ge 10 ] && [ "$downs" -ge 10 ] && [ "$stopped" -ge 1 ] && [ "$running" -ge 10 ] ||
    { echo "FAIL: the plan is not mixed enough"; exit 1; }

  run_apply "$d" first
  first_rc=$rc
  # The same plan again (same state dir, same faults): it must converge.
  run_apply "$d" second
  [ "$rc" = 0 ] || { echo "FAIL: the second apply of the same plan exited $rc (first: $first_rc)"; tail -5 apply-second.err; exit 1; }
  check_applied plan-first.json before-first.json after-second.json orders-second.json
  plan_changes "$d"
  [ "$rc" = 0 ] || { tail -20 plan.out; echo "FAIL: plan after apply exited $rc, want 0 (no changes)"; exit 1; }

  # Else this test proves nothing: every kind of fault was injected.
  stats=$(curl -sf "$ENDPOINT/_emulator/stats")
  echo "  faults injected: $(jq -c .faults <<<"$stats")"
  for f in throttling last-order internal drop slow; do
    n=$(jq --arg f "$f" '.faults[$f] // 0' <<<"$stats")
    [ "$n" -gt 0 ] || { echo "FAIL: no $f fault was injected: the faults did not happen"; exit 1; }
  done
  stop_emulator
done

# A stop whose effect shows after the step timeout.
d=$work/late-stop; mkdir -p "$d"; cd "$d"
echo "late stop:"
start_emulator "$d" --generate 12 --seed 3 --time-scale 2   # a stop takes 1.5 s
export RESPEC_TIME_SCALE=2000   # apply's step timeout: 30 min / 2000 = 0.9 s
write_rehearsal_toml respec.toml 50
R=("$RESPEC" --endpoint "$ENDPOINT")
write_mixed_spec fleet.yaml
plan_changes "$d"
[ "$rc" = 2 ] || { cat plan.out; echo "FAIL: plan exited $rc, want 2 (changes)"; exit 1; }
late=$(jq '[.instances[] | select(.verdict == "change" and .direction == "downgrade" and .observed.status == "Running")] | length' plan.json)
echo "  plan: $late downgrades of Running instances (stop, modify, start)"
[ "$late" -ge 1 ] || { echo "FAIL: no Running downgrade to stop"; exit 1; }
cp plan.json plan-first.json
# Apply's restore budget is scaled like its step timeout (0.9 s), shorter
# than the emulator's 2 s start: an instance may be handed back Starting,
# which the summary must then say.
run_apply "$d" first starting-ok
timeouts=$(jq -s '[.[] | select(.type == "summary") | .instances[] | select(.error.code == "Respec.StepTimeout")] | length' events-first.jsonl)
echo "  step timeouts in the summary: $timeouts"
[ "$timeouts" -ge 1 ] || { echo "FAIL: no step timed out: the late-stop case was not provoked"; exit 1; }
# Whatever apply said, it was true (checked above); now let it finish with
# timeouts that match the emulator.
export RESPEC_TIME_SCALE=2
run_apply "$d" second
[ "$rc" = 0 ] || { echo "FAIL: the second apply exited $rc"; tail -5 apply-second.err; exit 1; }
check_applied plan-first.json before-first.json after-second.json orders-second.json
echo "PASS"
