# Shared by tests/cli/apply_*_test.sh and bench/apply_bench.sh (sourced):
# start/stop `respec emulator`, make the 200-instance mixed fleet spec, and
# check the apply guarantees against the emulator's inspection endpoints.

# start_emulator WORKDIR ARGS... : sets EMU_PID and ENDPOINT.
start_emulator() {
  local work=$1; shift
  rm -f "$work/port"
  "$RESPEC" emulator --listen 127.0.0.1:0 --port-file "$work/port" "$@" > "$work/emulator.log" 2>&1 &
  EMU_PID=$!
  for _ in $(seq 1 200); do [ -s "$work/port" ] && break; sleep 0.05; done
  if [ ! -s "$work/port" ]; then cat "$work/emulator.log" >&2; echo "emulator did not start" >&2; return 1; fi
  ENDPOINT="http://127.0.0.1:$(cat "$work/port")"
}

stop_emulator() {
  if [ -n "${EMU_PID:-}" ] && kill -0 "$EMU_PID" 2>/dev/null; then
    kill -TERM "$EMU_PID" 2>/dev/null || true
    wait "$EMU_PID" 2>/dev/null || true
  fi
  EMU_PID=""
}

# The emulator's demo key (not a real credential).
export ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI5tRespecDemoKey0001
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=respec-demo-secret-not-real

# write_rehearsal_toml FILE SCALE: the seeds' delays (an order settles in
# 5-10 s, so LastOrderProcessing waits 5 s) divided by the emulator's
# --time-scale, so a rehearsal waits as long, in emulated time, as the real
# cloud would make respec wait.
write_rehearsal_toml() {
  local scale=$2
  cat > "$1" <<EOF
[profiles.default]
region = "cn-hangzhou"
httpConcurrency = 32

[profiles.default.retry]
maxAttempts = 10
baseDelayMs = $((200 / scale > 5 ? 200 / scale : 5))
maxDelayMs = $((20000 / scale))
lastOrderDelayMs = $((5000 / scale))
lastOrderMaxAttempts = 20

[profiles.default.rate]
defaultQps = ${QPS:-50}
EOF
}

# A mixed fleet over `respec emulator --generate N`'s tags: upgrades and
# downgrades, Running and Stopped, across families, with a dependency.
write_mixed_spec() {
  cat > "$1" <<'EOF'
version: 1
regions: [cn-hangzhou]
maxParallel: 60
defaults:
  reboot: whenFinished
  powerState: keep
groups:
  db:
    maxUnavailable: 50%
    maxFailures: 0
    targets:
      - selector: {role: db}
        instanceType: ecs.g7.xlarge
  web:
    dependsOn: [db]
    maxUnavailable: 50%
    targets:
      - selector: {role: web}
        instanceType: ecs.g7.2xlarge
  api:
    maxUnavailable: 50%
    targets:
      - selector: {role: api}
        instanceType: ecs.c7.xlarge
  batch:
    maxUnavailable: 50%
    targets:
      - selector: {role: batch}
        instanceType: ecs.r7.large
EOF
}

# check_applied PLAN BEFORE.json AFTER.json ORDERS.json: every changed
# instance has its target type and its original power state, exactly one
# order each, no order for anything else, nothing Running left Stopped.
check_applied() {
  node - "$@" <<'EOF'
const [plan, before, after, orders] = process.argv.slice(2).map(f => JSON.parse(require('fs').readFileSync(f, 'utf8')));
const b = new Map(before.map(i => [i.InstanceId, i]));
const a = new Map(after.map(i => [i.InstanceId, i]));
const perInstance = new Map();
for (const o of orders) perInstance.set(o.InstanceId, (perInstance.get(o.InstanceId) || 0) + 1);
const problems = [];
let changed = 0;
for (const ip of plan.instances) {
  const id = ip.instance_id, now = a.get(id), was = b.get(id);
  const n = perInstance.get(id) || 0;
  if (ip.verdict === 'change') {
    changed++;
    if (!now) { problems.push(`${id}: missing`); continue; }
    if (now.InstanceType !== ip.target_type) problems.push(`${id}: type ${now.InstanceType}, want ${ip.target_type}`);
    if (now.Status !== was.Status) problems.push(`${id}: status ${now.Status}, was ${was.Status} before apply`);
    if (n !== 1) problems.push(`${id}: ${n} orders, want exactly 1`);
  } else if (n !== 0) {
    problems.push(`${id}: ${n} orders for an instance the plan does not change`);
  }
}
for (const [id, was] of b) {
  const now = a.get(id);
  if (was.Status === 'Running' && now && now.Status !== 'Running') problems.push(`${id}: was Running, now ${now.Status}`);
}
if (problems.length) {
  console.error(`${problems.length} problem(s):\n  ` + problems.slice(0, 30).join('\n  '));
  process.exit(1);
}
console.log(`ok: ${changed} changed instances in their target type and original power state, one order each`);
EOF
}
