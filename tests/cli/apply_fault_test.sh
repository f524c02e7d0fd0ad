#!/usr/bin/env bash
# respec apply over HTTP against a faulty emulator: 20% Throttling, 10%
# LastOrderProcessing, 5% InternalError, 2% dropped connections (the call
# takes effect, the answer is lost). A 200-instance mixed plan must end with
# every changed instance in its target type and original power state, exactly
# one order per changed instance, nothing respec stopped left stopped, exit 0;
# and `respec plan` afterwards finds nothing left to change.
# Usage: apply_fault_test.sh path/to/respec
set -euo pipefail
RESPEC=$(realpath "${1:?usage: $0 path/to/respec}")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apply_lib.sh"

scratch_begin

SCALE=50
start_emulator "$work" --generate 200 --seed 3 --time-scale $SCALE \
  --faults throttling=0.2,last-order=0.1,internal=0.05,drop=0.02,seed=11
export RESPEC_TIME_SCALE=$SCALE
write_rehearsal_toml respec.toml $SCALE
R=("$RESPEC" --endpoint "$ENDPOINT")

write_mixed_spec fleet.yaml
curl -sf "$ENDPOINT/_emulator/instances" > before.json
set +e
"${R[@]}" plan -f fleet.yaml --out plan.json --allow-blocked --detailed-exitcode > plan.out 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || { cat plan.out; echo "FAIL: plan exited $rc, want 2 (changes)"; exit 1; }
changes=$(jq '[.instances[] | select(.verdict == "change")] | length' plan.json)
downs=$(jq '[.instances[] | select(.verdict == "change" and .direction == "downgrade")] | length' plan.json)
stopped=$(jq '[.instances[] | select(.verdict == "change" and .observed.status == "Stopped")] | length' plan.json)
echo "plan: $changes changes ($downs downgrades, $stopped of Stopped instances)"
[ "$changes" -ge 150 ] && [ "$downs" -ge 20 ] && [ "$stopped" -ge 3 ] || { echo "FAIL: the plan is not mixed enough"; exit 1; }

set +e
timeout 110 "${R[@]}" apply plan.json --json --state-dir state > events.jsonl 2> apply.err
rc=$?
set -e
tail -1 events.jsonl | jq -c '{type, changed, failed, skipped, exit_code, elapsed_s}' || true
if [ "$rc" != 0 ]; then
  echo "FAIL: apply exited $rc"; tail -20 apply.err
  # sed reads to the end: `| head` could end jq with SIGPIPE (exit 141 under pipefail)
  jq -c 'select(.event == "instance_failed" or .event == "instance_skipped")' events.jsonl | sed -n 1,10p
  exit 1
fi
[ "$(tail -1 events.jsonl | jq -r .type)" = summary ] || { echo "FAIL: the last JSON line is not the summary"; exit 1; }

stats=$(curl -sf "$ENDPOINT/_emulator/stats")
echo "emulator stats: $stats"
curl -sf "$ENDPOINT/_emulator/instances" > after.json
curl -sf "$ENDPOINT/_emulator/orders" > orders.json
check_applied plan.json before.json after.json orders.json

# The faults really happened (else this test proves nothing): with fault
# injection switched off, this fails.
for f in Throttling LastOrderProcessing InternalError; do
  n=$(jq -n --argjson s "$stats" "[\$s.errors | to_entries[] | select(.key | test(\"$f\")) | .value | numbers] | add // 0")
  echo "  $f answers: $n"
  [ "$n" -gt 0 ] || { echo "FAIL: no $f answer was injected: the faults did not happen"; exit 1; }
done

# Nothing left to change (blocked instances aside).
set +e
"${R[@]}" plan -f fleet.yaml --allow-blocked --detailed-exitcode > replan.out 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || { tail -20 replan.out; echo "FAIL: plan after apply exited $rc, want 0"; exit 1; }
echo "PASS"
