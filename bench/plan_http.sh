#!/usr/bin/env bash
# plan_http.sh BUILD_DIR [N]: `respec plan` over HTTP against
# `respec emulator --generate N` (default 10,000 instances, one region) with
# a generated spec that changes about half of them (roles web and api).
# Reports wall time, API calls by action (GET /_emulator/stats), calls per
# instance and peak RSS, against the targets: <= 0.015 calls/instance,
# < 3 s wall, < 150 MB RSS.
set -u
BUILD=${1:?usage: plan_http.sh BUILD_DIR [N]}
N=${2:-10000}
BIN=$(cd "$BUILD" && pwd)/respec
[ -x "$BIN" ] || { echo "no respec binary in $BUILD"; exit 1; }
WORK=$(mktemp -d)
EMU_PID=
cleanup() { [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

"$BIN" emulator --generate "$N" --seed 42 --listen 127.0.0.1:0 --port-file "$WORK/port" >"$WORK/emu.log" 2>&1 &
EMU_PID=$!
for _ in $(seq 300); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || { cat "$WORK/emu.log"; echo "emulator did not start"; exit 1; }
PORT=$(cat "$WORK/port")

cat >"$WORK/fleet.yaml" <<'YAML'
version: 1
regions: [cn-hangzhou]
maxParallel: 50
groups:
  web:
    maxUnavailable: "10%"
    targets:
      - selector: {role: web}
        instanceType: ecs.g7.2xlarge
  api:
    dependsOn: [web]
    maxUnavailable: "10%"
    targets:
      - selector: {role: api}
        instanceType: ecs.c7.2xlarge
YAML
# The emulator serves 100 calls/s per action; let the client use that much.
cat >"$WORK/respec.toml" <<'TOML'
[profiles.default]
region = "cn-hangzhou"
[profiles.default.rate]
defaultQps = 100
TOML

export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tRespecDemoKey0001
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=respec-demo-secret-not-real
unset ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE RESPEC_PROFILE
cd "$WORK"
start=$(date +%s.%N)
/usr/bin/time -v "$BIN" --endpoint "http://127.0.0.1:$PORT" plan -f fleet.yaml --out plan.json \
  --allow-blocked >plan.txt 2>time.txt
rc=$?
end=$(date +%s.%N)
if [ $rc -ne 0 ]; then cat plan.txt time.txt; echo "respec plan failed (exit $rc)"; exit 1; fi

stats=$(curl -s "http://127.0.0.1:$PORT/_emulator/stats")
python3 - "$N" "$start" "$end" "$stats" "$WORK/time.txt" "$WORK/plan.txt" <<'PY'
import json, re, sys
n, start, end, stats, timef, planf = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), json.loads(sys.argv[4]), sys.argv[5], sys.argv[6]
wall = end - start
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(timef).read()).group(1))
summary = [l for l in open(planf) if l.startswith("Plan: ")][-1].strip()
req = stats.get("requests", {})
total = sum(req.values())
print(f"plan_http: {n} instances; {summary}")
for action, count in sorted(req.items()):
    print(f"  {action:36s} {count}")
per = total / n
print(f"  {'total':36s} {total}  ({per:.4f} calls/instance, target <= 0.015) {'OK' if per <= 0.015 else 'OVER'}")
print(f"  wall {wall:.2f} s (target < 3 s) {'OK' if wall < 3 else 'OVER'}")
print(f"  peak RSS {rss_kb/1024:.0f} MB (target < 150 MB) {'OK' if rss_kb < 150*1024 else 'OVER'}")
if stats.get("errors"):
    print(f"  errors: {stats['errors']}")
PY
