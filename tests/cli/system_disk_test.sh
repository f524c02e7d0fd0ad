#!/usr/bin/env bash
# Issue 12 item 9 over HTTP: SystemDisk.Category applies only when a retired
# non-I/O-optimized instance is upgraded (the seeds). The emulator reports
# DescribeInstances' IoOptimized (world `io_optimized`, default true); a
# fleet asking for systemDiskCategory plans the change for the instance that
# reports IoOptimized=false, sending the category with its modify, and blocks
# the one that reports true with Spec.SystemDiskCategoryNotApplicable.
# Usage: system_disk_test.sh path/to/respec
set -euo pipefail
RESPEC=$(realpath "${1:?usage: $0 path/to/respec}")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/apply_lib.sh"
command -v jq > /dev/null || { echo "SKIPPED: needs jq (make deps-test)"; exit 77; }

scratch_begin

cat > world.yaml <<'YAML'
version: 1
instances:
  - {id: i-bp1disk0000000000001, zone: cn-hangzhou-h, type: ecs.g6.large, io_optimized: false, tags: {role: disk}}
  - {id: i-bp1disk0000000000002, zone: cn-hangzhou-h, type: ecs.g6.large, tags: {role: disk}}
YAML
cat > fleet.yaml <<'YAML'
version: 1
regions: [cn-hangzhou]
groups:
  disk:
    targets:
      - selector: {role: disk}
        instanceType: ecs.g6.xlarge
        systemDiskCategory: cloud_ssd
YAML
start_emulator "$work" --world world.yaml
R=("$RESPEC" --endpoint "$ENDPOINT")

io=$(curl -sf "$ENDPOINT/_emulator/instances" | jq -c '[.[] | .IoOptimized]')
[ "$io" = '[false,true]' ] || { echo "FAIL: IoOptimized as the emulator reports it: $io"; exit 1; }

# One instance blocked: plan saves the file and exits non-zero (it names the blocked ones).
rc=0
"${R[@]}" plan -f fleet.yaml --out plan.json > plan.out 2>&1 || rc=$?
[ "$rc" != 0 ] && [ -s plan.json ] || { cat plan.out; echo "FAIL: plan exit $rc, want non-zero with a saved plan"; exit 1; }
jq -e '.instances[] | select(.instance_id == "i-bp1disk0000000000001") | .verdict == "change"' plan.json > /dev/null ||
  { echo "FAIL: the non-I/O-optimized instance is not planned as a change"; exit 1; }
jq -e '[.. | objects | select(.system_disk_category? == "cloud_ssd")] | length > 0' plan.json > /dev/null ||
  { echo "FAIL: the category is not carried with the modify"; exit 1; }
jq -e '.instances[] | select(.instance_id == "i-bp1disk0000000000002") |
       ([.blockers[]?.code] | index("Spec.SystemDiskCategoryNotApplicable")) != null' plan.json > /dev/null ||
  { echo "FAIL: the I/O-optimized instance is not blocked with Spec.SystemDiskCategoryNotApplicable"; exit 1; }
echo "PASS: SystemDisk.Category only for the instance DescribeInstances reports IoOptimized=false"
