#!/usr/bin/env bash
# respec apply killed with SIGKILL at random points, then run again on the
# same plan until it completes: the journal must make every resume safe.
# After the final run: every changed instance in its target type and original
# power state, exactly one order per changed instance (same ClientTokens, no
# second order), nothing respec stopped left stopped.
# Trials: at least 10 kills (RESPEC_SOAK=1: 200); a fleet that completes
# before enough kills is checked and replaced by a fresh one.
# Usage: apply_crash_test.sh path/to/respec
set -euo pipefail
RESPEC=$(realpath "${1:?usage: $0 path/to/respec}")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apply_lib.sh"

scratch_begin

WANT=10
[ "${RESPEC_SOAK:-0}" = 1 ] && WANT=200
rehearsal_begin 50
write_mixed_spec fleet.yaml
seed=${RESPEC_CRASH_SEED:-$$}
RANDOM=$seed
echo "kill points from RESPEC_CRASH_SEED=$seed"

kills=0
round=0
while [ "$kills" -lt "$WANT" ]; do
  round=$((round + 1))
  start_emulator "$work" --generate 200 --seed "$round" --time-scale $SCALE --faults throttling=0.05,drop=0.01,seed=$round
  R=("$RESPEC" --endpoint "$ENDPOINT")
  curl -sf "$ENDPOINT/_emulator/instances" > before.json
  rm -rf state
  set +e
  "${R[@]}" plan -f fleet.yaml --out plan.json --allow-blocked > plan.out 2>&1
  rc=$?
  set -e
  [ "$rc" = 0 ] || { cat plan.out; echo "FAIL: plan exited $rc"; exit 1; }
  runs=0
  while :; do
    runs=$((runs + 1))
    [ "$runs" -le 100 ] || { echo "FAIL: round $round did not complete in 100 runs"; exit 1; }
    "${R[@]}" apply plan.json --state-dir state > "apply.$runs.out" 2>&1 &
    pid=$!
    # A random point: from before the first call to deep into the run.
    if await_or_kill "$pid" $((kills < WANT)) 0.05 2500; then
      kills=$((kills + 1))
      continue
    fi
    rc=$APPLY_RC
    if [ "$rc" != 0 ]; then
      tail -30 "apply.$runs.out"
      echo "FAIL: round $round run $runs (after $kills kills) exited $rc"
      exit 1
    fi
    break
  done
  curl -sf "$ENDPOINT/_emulator/instances" > after.json
  curl -sf "$ENDPOINT/_emulator/orders" > orders.json
  echo "round $round: completed after $((runs - 1)) kill(s) in this round ($kills in all)"
  check_applied plan.json before.json after.json orders.json
  grep -h "^Apply" "apply.$runs.out" || true
  stop_emulator
done
echo "PASS: $kills SIGKILLs, $round round(s)"
