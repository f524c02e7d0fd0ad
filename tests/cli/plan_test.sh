#!/usr/bin/env bash
# End to end: `respec plan`, `show` and `graph` against `respec emulator`
# (examples/world.yaml) on a free port, over HTTP with the demo key.
# Usage: plan_test.sh RESPEC_BIN
set -u
BIN=${1:?usage: plan_test.sh RESPEC_BIN}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SRC=${RESPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
WORK=$(mktemp -d)
EMU_PID=
cleanup() { [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$BIN" emulator --world "$SRC/examples/world.yaml" --listen 127.0.0.1:0 --port-file "$WORK/port" \
  >"$WORK/emu.log" 2>&1 &
EMU_PID=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || { cat "$WORK/emu.log"; fail "emulator did not start"; }
EP="http://127.0.0.1:$(cat "$WORK/port")"
export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tRespecDemoKey0001
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=respec-demo-secret-not-real
unset ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE RESPEC_PROFILE
cd "$WORK"   # no respec.toml here: the default profile

# 1. Changes present: exit 2 with --detailed-exitcode, 0 without.
"$BIN" --endpoint "$EP" plan -f "$SRC/examples/web-canary.yaml" --out plan.json --detailed-exitcode >out.txt 2>err.txt
rc=$?; [ $rc -eq 2 ] || { cat out.txt err.txt; fail "web-canary: exit $rc, want 2"; }
grep -q '^  ~ i-bp1web0000000000001 ecs.c7.large -> ecs.c7.xlarge  upgrade  Running: modify, restart when finished$' out.txt \
  || { cat out.txt; fail "no change line for the canary"; }
grep -q '^Plan: 6 to resize (6 upgrades, 0 downgrades), 0 blocked, 0 unchanged$' out.txt || { cat out.txt; fail "summary line"; }
"$BIN" --endpoint "$EP" plan -f "$SRC/examples/web-canary.yaml" >/dev/null 2>&1; rc=$?
[ $rc -eq 0 ] || fail "without --detailed-exitcode: exit $rc, want 0"

# 2. The plan file: no secret, loads in show (text, json, markdown) and graph.
grep -q respec-demo-secret-not-real plan.json && fail "secret in the plan file"
grep -q '"format_version": 2' plan.json || fail "no format_version"
"$BIN" show plan.json >show.txt || fail "show"
grep -q '^Plan: 6 to resize' show.txt || fail "show: summary"
"$BIN" show plan.json --json >show.json || fail "show --json"
cmp -s show.json plan.json || fail "show --json differs from the plan file"
"$BIN" show plan.json --markdown | grep -q '^| Group | Upgrades |' || fail "show --markdown"
"$BIN" graph plan.json >g.dot || fail "graph"
head -1 g.dot | grep -q '^digraph respec_plan {' || fail "graph: not DOT"
grep -q '"join_0" -> "join_1"' g.dot || fail "graph: no dependsOn edge"

# 3. Blocked instances: listed, exit 4 unless --allow-blocked; the saved plan is not offered for apply.
"$BIN" --endpoint "$EP" plan -f "$SRC/examples/blocked.yaml" >b.txt 2>berr.txt; rc=$?
[ $rc -eq 4 ] || fail "blocked: exit $rc, want 4"
for code in InvalidInstance.PreInstanceExpired OperationDenied.LocalDiskUnsupported \
            InvalidInstanceChargeType.ValueNotSupported InvalidInstanceId.NotFound; do
  grep -q "^  ! .*\[$code\]" b.txt || { cat b.txt; fail "blocked: $code not listed"; }
done
grep -q 'allow-blocked' berr.txt || fail "blocked: no hint"
"$BIN" --endpoint "$EP" plan -f "$SRC/examples/blocked.yaml" --out blocked.json >/dev/null 2>berr.txt; rc=$?
[ $rc -eq 4 ] || fail "blocked --out: exit $rc, want 4"
grep -q 'apply it with' berr.txt && fail "blocked --out: offers to apply a plan it refused: $(cat berr.txt)"
grep -q 'Saved the plan to blocked.json for review; it has blocked instances' berr.txt || fail "blocked --out: $(cat berr.txt)"
"$BIN" --endpoint "$EP" plan -f "$SRC/examples/blocked.yaml" --allow-blocked >/dev/null 2>&1; rc=$?
[ $rc -eq 0 ] || fail "--allow-blocked: exit $rc, want 0"

# 4. Errors: a broken plan file, a missing spec, a wrong key.
echo '{"format_version": 99}' >bad.json
"$BIN" show bad.json 2>e.txt; rc=$?
[ $rc -eq 1 ] && grep -q 'unsupported format_version 99' e.txt || fail "show: bad format_version"
"$BIN" --endpoint "$EP" plan -f nosuch.yaml >/dev/null 2>&1 && fail "missing spec accepted"
ALIBABA_CLOUD_ACCESS_KEY_SECRET=wrong-secret-value "$BIN" --endpoint "$EP" plan -f "$SRC/examples/web-canary.yaml" >o.txt 2>e.txt; rc=$?
[ $rc -eq 1 ] || fail "wrong secret: exit $rc, want 1"
grep -q wrong-secret-value o.txt e.txt && fail "secret printed"
echo "ok"
