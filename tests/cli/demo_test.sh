#!/usr/bin/env bash
# `make demo` is one of the README's two commands: run the same script in the
# test suite so a change that breaks the demo fails CI.
set -euo pipefail
RESPEC=$(realpath "$1")
cd "${RESPEC_SOURCE_DIR:-$(dirname "$0")/../..}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
if ! NO_COLOR=1 timeout 120 bash scripts/demo.sh "$RESPEC" > "$log" 2>&1; then
  cat "$log"
  echo "demo_test: scripts/demo.sh failed" >&2
  exit 1
fi
took=$(( $(date +%s) - start ))
# The story's milestones must all be there.
for want in "examples/web-canary.yaml: ok" "4 blocked" "to resize" "Saved the plan" "No changes"; do
  grep -q -- "$want" "$log" || { cat "$log"; echo "demo_test: missing '$want' in the demo output" >&2; exit 1; }
done
echo "demo_test: demo ran in ${took}s"
