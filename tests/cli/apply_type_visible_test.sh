#!/usr/bin/env bash
# Issue 12 item 3 over HTTP: whether DescribeInstances shows the new type of
# a Running upgrade before its restart is undocumented, so both readings are
# run against `respec emulator`. With the world option
# type_visible_after_restart: true, a reboot: whenFinished upgrade restarts
# once the type watch gives up at its bound (20 s, time-scaled) and confirms
# the type after the restart; with false it restarts once the type shows.
# Both end changed, Running, exit 0, the summary true to /_emulator/instances.
# Usage: apply_type_visible_test.sh path/to/respec
set -euo pipefail
RESPEC=$(realpath "${1:?usage: $0 path/to/respec}")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apply_lib.sh"

scratch_begin

rehearsal_begin 50
cat > fleet.yaml <<'YAML'
version: 1
regions: [cn-hangzhou]
defaults:
  reboot: whenFinished
groups:
  tv:
    maxUnavailable: 2
    targets:
      - selector: {role: tv}
        instanceType: ecs.g7.2xlarge
YAML

for visible_after_restart in true false; do
  echo "== type_visible_after_restart: $visible_after_restart"
  rm -rf state ./*.json events.jsonl
  cat > world.yaml <<YAML
version: 1
type_visible_after_restart: $visible_after_restart
instances:
  - {id: i-bp1tv00000000000001, zone: cn-hangzhou-h, type: ecs.g7.xlarge, tags: {role: tv}}
  - {id: i-bp1tv00000000000002, zone: cn-hangzhou-h, type: ecs.g7.xlarge, tags: {role: tv}}
YAML
  start_emulator "$work" --world world.yaml --time-scale $SCALE
  R=("$RESPEC" --endpoint "$ENDPOINT")
  "${R[@]}" plan -f fleet.yaml --out plan.json > plan.out 2>&1 || { cat plan.out; echo "FAIL: plan"; exit 1; }
  [ "$(jq '[.steps[] | select(.kind == "reboot")] | length' plan.json)" = 2 ] ||
    { echo "FAIL: the plan has no reboot step per instance"; exit 1; }
  curl -sf "$ENDPOINT/_emulator/instances" > before.json
  set +e
  timeout 60 "${R[@]}" apply plan.json --json --state-dir state > events.jsonl 2> apply.err
  rc=$?
  set -e
  [ "$rc" = 0 ] || { tail -5 apply.err; tail -1 events.jsonl; echo "FAIL: apply exited $rc"; exit 1; }
  curl -sf "$ENDPOINT/_emulator/instances" > after.json
  curl -sf "$ENDPOINT/_emulator/orders" > orders.json
  check_applied plan.json before.json after.json orders.json
  check_apply_truth events.jsonl before.json after.json orders.json
  [ "$(tail -1 events.jsonl | jq .changed)" = 2 ] || { tail -1 events.jsonl; echo "FAIL: not 2 changed"; exit 1; }
  # Both restarts went through the API: RebootInstances requests of the two
  # (one request when they left together), and no single RebootInstance.
  reboots=$(curl -sf "$ENDPOINT/_emulator/stats" | jq '(.requests.RebootInstances // 0)')
  singles=$(curl -sf "$ENDPOINT/_emulator/stats" | jq '(.requests.RebootInstance // 0)')
  restarted=$(jq -r 'select(.event == "step_started" and .step == "reboot") | .instance' events.jsonl | sort -u | wc -l)
  { [ "$reboots" -ge 1 ] && [ "$reboots" -le 2 ] && [ "$singles" = 0 ] && [ "$restarted" = 2 ]; } ||
    { echo "FAIL: $reboots RebootInstances requests, $singles RebootInstance, $restarted instances restarted; want 1-2, 0, 2"; exit 1; }
  anyway=$(jq -r 'select(.event == "step_succeeded" and .step == "modify") | .message' events.jsonl |
           grep -c "restarting anyway" || true)
  if [ "$visible_after_restart" = true ]; then
    [ "$anyway" = 2 ] || { echo "FAIL: $anyway of 2 restarts went ahead without the type"; exit 1; }
  else
    [ "$anyway" = 0 ] || { echo "FAIL: $anyway restarts went ahead although the type shows first"; exit 1; }
  fi
  stop_emulator
done
echo "PASS"
