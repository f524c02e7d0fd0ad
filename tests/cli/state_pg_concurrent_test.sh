#!/usr/bin/env bash
# K concurrent applies, each of a different group of one N-instance fleet,
# against one emulator and one PostgreSQL state backend: every apply exits 0
# and every instance gets exactly one order and ends in its target type.
# `make test`: N=200, K=5. RESPEC_SOAK=1 (`make soak`): N=2000, K=20.
# Exit 77 (skipped) only when the PostgreSQL server binaries are missing.
# Usage: state_pg_concurrent_test.sh path/to/respec
set -euo pipefail
RESPEC=$(realpath "${1:?usage: $0 path/to/respec}")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apply_lib.sh"
source "$here/pg_lib.sh"
N=${N:-200}
K=${K:-5}
if [ "${RESPEC_SOAK:-0}" = 1 ]; then N=2000; K=20; fi

pg_test_begin
QPS=2000 rehearsal_begin 50
{
  echo "version: 1"
  echo "qps: {default: 2000}"
  echo "instances:"
  for ((i = 0; i < N; i++)); do
    printf '  - {id: i-c%05d, zone: cn-hangzhou-h, type: ecs.g7.xlarge, status: Running, tags: {grp: g%02d}}\n' "$i" $((i % K))
  done
} > world.yaml
start_emulator "$work" --world world.yaml --time-scale $SCALE
R=("$RESPEC" --config "$work/respec.toml" --endpoint "$ENDPOINT")
curl -sf "$ENDPOINT/_emulator/instances" > before.json
for ((g = 0; g < K; g++)); do
  mkdir "r$g"
  cat > "r$g/fleet.yaml" <<YAML
version: 1
regions: [cn-hangzhou]
maxParallel: 200
defaults:
  reboot: whenFinished
groups:
  g$g:
    maxUnavailable: 100%
    targets:
      - selector: {grp: g$(printf %02d $g)}
        instanceType: ecs.g7.2xlarge
YAML
  (cd "r$g" && "${R[@]}" plan -f fleet.yaml --out plan.json > plan.out 2>&1) || { cat "r$g/plan.out"; echo "FAIL: plan $g"; exit 1; }
done
pids=()
for ((g = 0; g < K; g++)); do
  (cd "r$g" && exec "${R[@]}" apply plan.json --state-backend "$PG_URL" --lock-timeout 60 > apply.out 2>&1) &
  pids+=($!)
done
fail=0
for ((g = 0; g < K; g++)); do
  if ! wait "${pids[$g]}"; then tail -5 "r$g/apply.out"; echo "apply $g failed"; fail=1; fi
done
[ "$fail" = 0 ] || { echo "FAIL: some applies failed"; exit 1; }
curl -sf "$ENDPOINT/_emulator/instances" > after.json
curl -sf "$ENDPOINT/_emulator/orders" > orders.json
for ((g = 0; g < K; g++)); do check_applied "r$g/plan.json" before.json after.json orders.json > /dev/null ||
  { check_applied "r$g/plan.json" before.json after.json orders.json; echo "FAIL: group $g"; exit 1; }; done
node -e '
  const o = JSON.parse(require("fs").readFileSync("orders.json")), n = Number(process.argv[1]);
  const per = new Map(); for (const x of o) per.set(x.InstanceId, (per.get(x.InstanceId) || 0) + 1);
  const bad = [...per].filter(([, c]) => c !== 1);
  if (per.size !== n || bad.length) { console.error(`FAIL: ${per.size} instances with orders (want ${n}), ${bad.length} with more than one`); process.exit(1); }
  console.log(`ok: ${n} instances, one order each`);' "$N"
runs=$(psql_q "SELECT count(*) FROM respec_runs WHERE outcome = 'succeeded'")
[ "$runs" = "$K" ] || { echo "FAIL: $runs succeeded runs recorded, want $K"; exit 1; }
echo "PASS: $K concurrent applies of $N instances"
