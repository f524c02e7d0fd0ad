#!/usr/bin/env bash
# PostgreSQL stopped (immediate shutdown) in the middle of `respec apply
# --state-backend`: respec starts nothing new, exits non-zero saying so, and
# sends no call whose journal record was not committed — every order the
# emulator received carries a ClientToken whose "call" record is in the
# database (checked after the server is started again); nothing respec
# stopped is left Stopped.
# Exit 77 (skipped) only when the PostgreSQL server binaries are missing.
# Usage: state_pg_outage_test.sh path/to/respec
set -euo pipefail
RESPEC=$(realpath "${1:?usage: $0 path/to/respec}")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apply_lib.sh"
source "$here/pg_lib.sh"

pg_test_begin
rehearsal_begin 20
write_mixed_spec fleet.yaml
start_emulator "$work" --generate 200 --seed 5 --time-scale $SCALE
R=("$RESPEC" --endpoint "$ENDPOINT")
"${R[@]}" plan -f fleet.yaml --out plan.json --allow-blocked > plan.out 2>&1
curl -sf "$ENDPOINT/_emulator/instances" > before.json
"${R[@]}" apply plan.json --state-backend "$PG_URL" --lease-ttl 3 > apply.out 2>&1 &
apid=$!
orders=0
for _ in $(seq 1 600); do
  orders=$(curl -sf "$ENDPOINT/_emulator/orders" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).length))')
  [ "$orders" -ge 5 ] && break
  kill -0 $apid 2>/dev/null || break
  sleep 0.05
done
[ "$orders" -ge 5 ] || { tail apply.out; echo "FAIL: apply placed no orders before the outage"; exit 1; }
pg_halt
echo "PostgreSQL stopped after $orders orders"
set +e
for _ in $(seq 1 1200); do kill -0 $apid 2>/dev/null || break; sleep 0.1; done
kill -0 $apid 2>/dev/null && { kill -9 $apid; echo "FAIL: apply did not exit within 120 s of the outage"; exit 1; }
wait $apid
rc=$?
set -e
[ "$rc" != 0 ] || { tail -20 apply.out; echo "FAIL: apply exited 0 with its state backend gone"; exit 1; }
grep -Eq "journal write failed|state backend .* failed" apply.out ||
  { tail -20 apply.out; echo "FAIL: apply did not say the state backend failed"; exit 1; }
curl -sf "$ENDPOINT/_emulator/instances" > after.json
curl -sf "$ENDPOINT/_emulator/orders" > orders.json
pg_restart
psql_q "SELECT record FROM respec_journal" > journal.jsonl
node - before.json after.json orders.json journal.jsonl <<'JS'
const fs = require('fs');
const [before, after, orders] = process.argv.slice(2, 5).map(f => JSON.parse(fs.readFileSync(f, 'utf8')));
const tokens = new Set(fs.readFileSync(process.argv[5], 'utf8').split('\n').filter(Boolean).map(l => JSON.parse(l))
  .filter(r => r.ev === 'call' && r.client_token).map(r => r.client_token));
const problems = [];
for (const o of orders) if (!tokens.has(o.ClientToken)) problems.push(`order ${o.OrderId} for ${o.InstanceId}: ClientToken ${o.ClientToken} has no committed call record`);
const a = new Map(after.map(i => [i.InstanceId, i]));
for (const b of before) if (b.Status === 'Running' && a.get(b.InstanceId).Status !== 'Running') problems.push(`${b.InstanceId}: was Running, now ${a.get(b.InstanceId).Status}`);
if (problems.length) { console.error(problems.slice(0, 20).join('\n')); console.error(`FAIL: ${problems.length} problem(s)`); process.exit(1); }
console.log(`ok: ${orders.length} orders, each with a committed call record; nothing left stopped`);
JS
echo PASS
