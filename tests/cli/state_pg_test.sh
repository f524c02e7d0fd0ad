#!/usr/bin/env bash
# Shared state in a real PostgreSQL (tests/cli/pg_lib.sh starts a throwaway
# server on a Unix socket), one emulator, runners in different working
# directories:
#  1. two applies with overlapping plans: the second, with --lock-timeout 0,
#     refuses naming the first's run; with a timeout it waits, then finds its
#     plan stale and changes nothing. Exactly one order per instance.
#  2. a runner SIGKILLed mid-apply (10 random points), each resume from a
#     fresh directory with the same backend: right after a kill the leases
#     still hold (--lock-timeout 0 refuses, naming the dead run); they expire
#     (--lease-ttl 2) and the next apply proceeds. Converges: target types,
#     original power states, one order per instance.
#  3. `respec state list` / `state show RUN` read the runs back.
# Exit 77 (skipped) only when the PostgreSQL server binaries are missing.
# Usage: state_pg_test.sh path/to/respec
set -euo pipefail
RESPEC=$(realpath "${1:?usage: $0 path/to/respec}")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apply_lib.sh"
source "$here/pg_lib.sh"

pg_test_begin
rehearsal_begin 20
write_mixed_spec fleet.yaml
# Overlap: A changes db and web, B changes web and api.
sed -n '1,/^  api:/p' fleet.yaml | sed '$d' > a.yaml
{ sed -n '1,/^groups:/p' fleet.yaml; sed -n '/^  web:/,/^  batch:/p' fleet.yaml | sed '$d' | sed '/dependsOn/d'; } > b.yaml

start_emulator "$work" --generate 200 --seed 7 --time-scale $SCALE
R=("$RESPEC" --config "$work/respec.toml" --endpoint "$ENDPOINT")
curl -sf "$ENDPOINT/_emulator/instances" > before.json
mkdir runner-a runner-b
(cd runner-a && "${R[@]}" plan -f ../a.yaml --out plan.json --allow-blocked > plan.out 2>&1)
(cd runner-b && "${R[@]}" plan -f ../b.yaml --out plan.json --allow-blocked > plan.out 2>&1)
overlap=$(node -e '
  const f = p => new Set(JSON.parse(require("fs").readFileSync(p)).instances.filter(i => i.verdict === "change").map(i => i.instance_id));
  const a = f("runner-a/plan.json"), b = f("runner-b/plan.json");
  console.log([...a].filter(x => b.has(x)).length)')
[ "$overlap" -gt 0 ] || { echo "FAIL: the two plans do not overlap"; exit 1; }
echo "plans overlap on $overlap instance(s)"

(cd runner-a && exec "${R[@]}" apply plan.json --state-backend "$PG_URL" > apply.out 2>&1) &
apid=$!
for _ in $(seq 1 400); do
  [ "$(psql_q "SELECT count(*) FROM respec_leases" 2>/dev/null || echo 0)" -gt 0 ] && break
  sleep 0.05
done
arun=$(psql_q "SELECT run_id FROM respec_runs WHERE outcome = 'running' LIMIT 1")
[ -n "$arun" ] || { echo "FAIL: runner A holds no lease"; kill -9 $apid; exit 1; }
set +e
(cd runner-b && "${R[@]}" apply plan.json --state-backend "$PG_URL" > refuse.out 2>&1)
brc=$?
set -e
[ "$brc" != 0 ] || { cat runner-b/refuse.out; echo "FAIL: B applied while A held the leases"; exit 1; }
grep -q "leased to run $arun" runner-b/refuse.out || { cat runner-b/refuse.out; echo "FAIL: B's refusal does not name A's run $arun"; exit 1; }
grep -q "pid $apid\|on host" runner-b/refuse.out || { cat runner-b/refuse.out; echo "FAIL: B's refusal does not name A's host/pid"; exit 1; }
echo "ok: B refused at once, naming $arun"
set +e
(cd runner-b && "${R[@]}" apply plan.json --state-backend "$PG_URL" --lock-timeout 120 > wait.out 2>&1)
brc=$?
wait $apid
arc=$?
set -e
[ "$arc" = 0 ] || { tail -20 runner-a/apply.out; echo "FAIL: A exited $arc"; exit 1; }
[ "$brc" != 0 ] && grep -q "stale" runner-b/wait.out ||
  { tail -20 runner-b/wait.out; echo "FAIL: B (waiting) should find its plan stale after A and change nothing"; exit 1; }
curl -sf "$ENDPOINT/_emulator/instances" > after.json
curl -sf "$ENDPOINT/_emulator/orders" > orders.json
check_applied runner-a/plan.json before.json after.json orders.json
stop_emulator

# 2. SIGKILL at 10 random points (over as many fleets as it takes); every run from a fresh directory.
seed=${RESPEC_CRASH_SEED:-$$}
RANDOM=$seed
echo "kill points from RESPEC_CRASH_SEED=$seed"
kills=0
round=0
checked_expiry=0
while [ "$kills" -lt 10 ]; do
round=$((round + 1))
start_emulator "$work" --generate 200 --seed $((10 + round)) --time-scale $SCALE --faults throttling=0.05,seed=$round
R=("$RESPEC" --config "$work/respec.toml" --endpoint "$ENDPOINT")
curl -sf "$ENDPOINT/_emulator/instances" > before2.json
"${R[@]}" plan -f fleet.yaml --out plan2.json --allow-blocked > plan2.out 2>&1
runs=0
while :; do
  runs=$((runs + 1))
  [ "$runs" -le 60 ] || { echo "FAIL: did not complete in 60 runs"; exit 1; }
  d="$work/fresh-$round-$runs"
  mkdir "$d"
  cp plan2.json "$d/plan.json"
  if [ "$kills" -gt 0 ] && [ "$checked_expiry" = 0 ] &&
     [ "$(psql_q "SELECT count(*) FROM respec_leases WHERE expires > now() + interval '1 second'")" -gt 0 ]; then
    # The killed runner's leases are still live: refused at once, naming it.
    set +e
    (cd "$d" && "${R[@]}" apply plan.json --state-backend "$PG_URL" --lease-ttl 2 > refused.out 2>&1)
    rc=$?
    set -e
    [ "$rc" != 0 ] && grep -q "leased to run" "$d/refused.out" ||
      { cat "$d/refused.out"; echo "FAIL: a dead runner's live leases did not refuse the next apply"; exit 1; }
    checked_expiry=1
  fi
  (cd "$d" && exec "${R[@]}" apply plan.json --state-backend "$PG_URL" --lease-ttl 2 --lock-timeout 30 > apply.out 2>&1) &
  pid=$!
  if await_or_kill "$pid" $((kills < 10)) 0.2 1500; then
    kills=$((kills + 1))
    continue
  fi
  rc=$APPLY_RC
  [ "$rc" = 0 ] || { tail -30 "$d/apply.out"; echo "FAIL: run $runs (after $kills kills) exited $rc"; exit 1; }
  break
done
curl -sf "$ENDPOINT/_emulator/instances" > after2.json
curl -sf "$ENDPOINT/_emulator/orders" > orders2.json
check_applied plan2.json before2.json after2.json orders2.json
if [ "$runs" -gt 1 ]; then
  grep -q "resuming from postgresql://" "$d/apply.out" ||
    { echo "FAIL: the last run did not resume from the shared journal"; exit 1; }
fi
echo "ok: round $round converged, $runs runs from fresh directories ($kills SIGKILLs in all)"
stop_emulator
done
[ "$checked_expiry" = 1 ] || { echo "FAIL: never caught a dead runner's live leases"; exit 1; }

# 3. Audit.
"$RESPEC" state list --state-backend "$PG_URL" > list.out
grep -q "$arun .*succeeded" list.out || { cat list.out; echo "FAIL: state list does not show A's run as succeeded"; exit 1; }
grep -q "abandoned" list.out || { cat list.out; echo "FAIL: state list shows no killed (abandoned) run"; exit 1; }
"$RESPEC" state show "$arun" --state-backend "$PG_URL" > show.out
grep -q "client_token=" show.out && grep -q "order_id=" show.out ||
  { head -20 show.out; echo "FAIL: state show lacks ClientTokens or OrderIds"; exit 1; }
set +e
"$RESPEC" state show r-nonexistent --state-backend "$PG_URL" > /dev/null 2>&1
[ $? != 0 ] || { echo "FAIL: state show of an unknown run exited 0"; exit 1; }
set -e
# A URL with a password is refused, and the password appears nowhere.
set +e
(cd runner-b && PGPASSWORD=Env5ecretPw "${R[@]}" apply plan.json --state-backend "postgresql://respec:Url5ecretPw@/respec?host=$PG_DIR" > pw.out 2>&1)
rc=$?
PGPASSWORD=Env5ecretPw "$RESPEC" state list --state-backend "$PG_URL" > pwlist.out 2>&1
set -e
[ "$rc" != 0 ] && grep -q "carries a password" runner-b/pw.out || { cat runner-b/pw.out; echo "FAIL: a URL with a password was not refused"; exit 1; }
if grep -rqa -e Url5ecretPw -e Env5ecretPw "$work" || psql_q "SELECT * FROM respec_runs, respec_journal" | grep -q 5ecretPw; then
  echo "FAIL: a password appears in an output, a file or the database"; exit 1
fi
echo "PASS"
