#!/usr/bin/env bash
# SDK conformance check: starts `respec emulator` on a free loopback port with
# a small generated world, runs conformance.js (official SDKs, unmodified
# except the endpoint), stops the emulator; then has respec plan and apply a
# two-instance fleet on a fresh emulator and compare_requests.js compares
# respec's requests with the V3 SDK's. Exits non-zero on any failure.
# Usage: run.sh RESPEC_BIN   (or RESPEC_BIN in the environment)
# RESPEC_SKIP_CONFORMANCE=1 turns a missing Node.js/SDK install into a skip
# (exit 77, which CTest reports as "Not Run", not as passed).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
bin="${1:-${RESPEC_BIN:-}}"
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
  echo "conformance: respec binary not given or not executable: '$bin'" >&2
  exit 1
fi

missing=""
command -v node >/dev/null 2>&1 || missing="node is not installed"
if [ -z "$missing" ]; then
  for m in @alicloud/pop-core @alicloud/ecs20140526 @alicloud/openapi-client @alicloud/tea-util @alicloud/sts20150401; do
    [ -d "$here/node_modules/$m" ] || { missing="$m is not installed in tests/conformance/node_modules"; break; }
  done
fi
if [ -n "$missing" ]; then
  if [ "${RESPEC_SKIP_CONFORMANCE:-}" = 1 ]; then
    echo "conformance: SKIPPED ($missing; RESPEC_SKIP_CONFORMANCE=1)"
    exit 77  # CTest's SKIP_RETURN_CODE: reported as skipped, never as passed
  fi
  echo "conformance: FAILED: $missing. Run scripts/install-deps.sh (npm install in tests/conformance)," >&2
  echo "             or set RESPEC_SKIP_CONFORMANCE=1 to skip this check deliberately." >&2
  exit 1
fi

work="$(mktemp -d)"
pid=""
sts_pid=""
cleanup() {
  for p in "$pid" "$sts_pid"; do
    if [ -n "$p" ] && kill -0 "$p" 2>/dev/null; then
      kill -TERM "$p" 2>/dev/null || true
      wait "$p" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

# Time runs 20x faster so Stopping -> Stopped takes a fraction of a second.
"$bin" emulator --listen 127.0.0.1:0 --port-file "$work/port" --generate 8 --seed 7 \
  --time-scale 20 >"$work/emulator.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  [ -s "$work/port" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "conformance: emulator exited early:" >&2; cat "$work/emulator.log" >&2; exit 1; }
  sleep 0.05
done
[ -s "$work/port" ] || { echo "conformance: emulator did not start within 5 s" >&2; cat "$work/emulator.log" >&2; exit 1; }
port="$(cat "$work/port")"

# The emulator prints the credentials to use as export lines.
creds="$(grep '^export ALIBABA_CLOUD_ACCESS_KEY_ID=' "$work/emulator.log" | head -1)"
[ -n "$creds" ] || { echo "conformance: no credentials in the emulator banner" >&2; cat "$work/emulator.log" >&2; exit 1; }
eval "$creds"

# A second emulator for the STS door: its world declares a role that trusts
# this key.
STS_KEY=LTAI5tConformanceSts01
STS_SECRET=conformance-sts-secret-01
STS_ROLE=acs:ram::1000000000000001:role/conformance
cat > "$work/sts-world.yaml" <<YAML
version: 1
access_keys:
  - {id: $STS_KEY, secret: $STS_SECRET}
sts:
  roles:
    - {arn: "$STS_ROLE", trusted: [$STS_KEY]}
YAML
"$bin" emulator --listen 127.0.0.1:0 --port-file "$work/sts-port" --world "$work/sts-world.yaml" \
  >"$work/sts-emulator.log" 2>&1 &
sts_pid=$!
for _ in $(seq 1 100); do [ -s "$work/sts-port" ] && break; sleep 0.05; done
[ -s "$work/sts-port" ] || { echo "conformance: the STS emulator did not start" >&2; cat "$work/sts-emulator.log" >&2; exit 1; }

rc=0
RESPEC_ENDPOINT="http://127.0.0.1:$port" RESPEC_STS_ENDPOINT="http://127.0.0.1:$(cat "$work/sts-port")" \
  RESPEC_STS_KEY_ID=$STS_KEY RESPEC_STS_KEY_SECRET=$STS_SECRET RESPEC_STS_ROLE=$STS_ROLE \
  node "$here/conformance.js" || rc=$?

kill -TERM "$pid" 2>/dev/null || true
if ! wait "$pid"; then
  echo "conformance: the emulator did not shut down cleanly" >&2
  cat "$work/emulator.log" >&2
  rc=1
fi
pid=""

# respec's own requests against the SDK's (compare_requests.js): a fresh
# emulator, respec plan + apply of one upgrade (Running: RebootInstances),
# one downgrade of a Stopped instance and three of Running ones
# (StopInstances, with ForceStop for one, then StartInstances; two leave
# together as InstanceId.1 and .2), then the SDK repeats each distinct call and the shapes the
# emulator recorded (/_emulator/requests: names only) must match.
cat > "$work/respec-world.yaml" <<YAML
version: 1
instances:
  - {id: i-confup0000000001, zone: cn-hangzhou-h, type: ecs.g6.large, status: Running}
  - {id: i-confdown000000001, zone: cn-hangzhou-h, type: ecs.g7.2xlarge, status: Stopped}
  - {id: i-confdownrun000001, zone: cn-hangzhou-h, type: ecs.g7.2xlarge, status: Running}
  - {id: i-confdownrun000002, zone: cn-hangzhou-h, type: ecs.g7.2xlarge, status: Running}
  - {id: i-confforce00000001, zone: cn-hangzhou-h, type: ecs.g7.2xlarge, status: Running}
YAML
cat > "$work/fleet.yaml" <<YAML
version: 1
regions: [cn-hangzhou]
groups:
  conformance:
    maxUnavailable: 100%
    targets:
      - {instanceIds: [i-confup0000000001], instanceType: ecs.g6.xlarge}
      - {instanceIds: [i-confdown000000001], instanceType: ecs.g7.xlarge}
      - {instanceIds: [i-confdownrun000001, i-confdownrun000002], instanceType: ecs.g7.xlarge}
      - {instanceIds: [i-confforce00000001], instanceType: ecs.g7.xlarge, forceStop: true}
YAML
rm -f "$work/port"
"$bin" emulator --listen 127.0.0.1:0 --port-file "$work/port" --world "$work/respec-world.yaml" \
  --time-scale 20 >"$work/emulator.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "conformance: the third emulator did not start" >&2; cat "$work/emulator.log" >&2; exit 1; }
ep="http://127.0.0.1:$(cat "$work/port")"
if ! "$bin" --endpoint "$ep" plan -f "$work/fleet.yaml" --out "$work/plan.json" >"$work/plan.out" 2>&1; then
  echo "FAIL respec plan against the emulator:" >&2; cat "$work/plan.out" >&2; rc=1
elif ! RESPEC_TIME_SCALE=20 timeout 60 "$bin" --endpoint "$ep" apply "$work/plan.json" \
       --state-dir "$work/state" >"$work/apply.out" 2>&1; then
  echo "FAIL respec apply against the emulator:" >&2; cat "$work/apply.out" >&2; rc=1
fi
RESPEC_ENDPOINT="$ep" node "$here/compare_requests.js" || rc=1
exit $rc
