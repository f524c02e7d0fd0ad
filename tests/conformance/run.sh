#!/usr/bin/env bash
# SDK conformance check: starts `respec emulator` on a free loopback port with
# a small generated world, runs conformance.js (official SDKs, unmodified
# except the endpoint), stops the emulator. Exits non-zero on any failure.
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
  for m in @alicloud/pop-core @alicloud/ecs20140526 @alicloud/openapi-client @alicloud/tea-util; do
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
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
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

rc=0
RESPEC_ENDPOINT="http://127.0.0.1:$port" node "$here/conformance.js" || rc=$?

kill -TERM "$pid" 2>/dev/null || true
if ! wait "$pid"; then
  echo "conformance: the emulator did not shut down cleanly" >&2
  cat "$work/emulator.log" >&2
  rc=1
fi
pid=""
exit $rc
