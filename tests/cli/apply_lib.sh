# Shared by tests/cli/apply_*_test.sh and bench/apply_bench.sh (sourced):
# start/stop `respec emulator`, make the 200-instance mixed fleet spec, and
# check the apply guarantees against the emulator's inspection endpoints.

# scratch_begin: a private scratch directory $work, the current directory
# from now on; an EXIT trap stops the emulator and removes it.
scratch_begin() {
  work=$(mktemp -d)
  trap 'stop_emulator; rm -rf "$work"' EXIT
  cd "$work"
}

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

# rehearsal_begin SCALE: a rehearsal at SCALE times real speed: sets $SCALE,
# exports RESPEC_TIME_SCALE and writes ./respec.toml (write_rehearsal_toml;
# QPS as there).
rehearsal_begin() {
  SCALE=$1
  export RESPEC_TIME_SCALE=$SCALE
  write_rehearsal_toml respec.toml "$SCALE"
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

# check_apply_truth EVENTS.jsonl BEFORE.json AFTER.json ORDERS.json [starting-ok]: after any
# apply, successful or not: no instance has two orders; nothing that was
# Running before is anything but Running now; every line of the --json
# summary agrees with the emulator (final_status = live Status, "unknown"
# only with a non-zero exit; changed / already_applied = live type is the
# target; order_pending = an OrderId and the live type is not the target;
# changed = the power state the plan wanted; the counts add up).
# starting-ok: Starting counts as on its way back Running (for a rehearsal
# whose restore budget is shorter than the emulator's start), and a line
# that says Starting may find the instance Running by the time it is checked.
check_apply_truth() {
  node - "$@" <<'EOF_NODE'
const fs = require('fs');
const [eventsFile, beforeFile, afterFile, ordersFile, mode] = process.argv.slice(2);
const startingOk = mode === 'starting-ok';
const read = f => JSON.parse(fs.readFileSync(f, 'utf8'));
const lines = fs.readFileSync(eventsFile, 'utf8').split('\n').filter(l => l.trim());
const problems = [];
let summary = null;
if (!lines.length) problems.push('apply printed no --json line (see its stderr)');
else try { summary = JSON.parse(lines[lines.length - 1]); } catch (e) { problems.push(`the last --json line is not JSON: ${e.message}`); }
if (summary && summary.type !== 'summary') problems.push(`the last --json line is a ${summary.type}, not the summary`);
const before = new Map(read(beforeFile).map(i => [i.InstanceId, i]));
const after = new Map(read(afterFile).map(i => [i.InstanceId, i]));
const perInstance = new Map();
for (const o of read(ordersFile)) perInstance.set(o.InstanceId, (perInstance.get(o.InstanceId) || []).concat(o.OrderId));
for (const [id, orders] of perInstance)
  if (orders.length > 1) problems.push(`${id}: ${orders.length} orders (${orders.join(', ')})`);
const lineOf = new Map(summary && summary.instances ? summary.instances.map(s => [s.instance, s]) : []);
for (const [id, was] of before) {
  const now = after.get(id), s = lineOf.get(id);
  if (was.Status === 'Running' && (!now || !(now.Status === 'Running' || (startingOk && now.Status === 'Starting'))))
    problems.push(`${id}: was Running before apply, now ${now ? now.Status : 'missing'}` +
                  (s ? `; the summary: ${s.outcome}, ${s.final_status}, "${s.action || ''}", ${s.error ? s.error.code : 'no error'}` : ''));
}
if (summary && summary.type === 'summary') {
  const count = {changed: 0, already_applied: 0, order_pending: 0, failed: 0, skipped: 0};
  for (const s of summary.instances) {
    count[s.outcome] = (count[s.outcome] || 0) + 1;
    const live = after.get(s.instance), was = before.get(s.instance);
    const say = `${s.instance}: summary says ${s.outcome}, ${s.to_type || '?'}, ${s.final_status || '-'}` +
                (s.action ? ` (${s.action})` : '') + `; the emulator shows `;
    if (!live) { problems.push(say + 'no such instance'); continue; }
    const shows = `${live.InstanceType}, ${live.Status}`;
    if (s.final_status === 'unknown') {
      if (summary.exit_code === 0) problems.push(say + shows + ', and apply exited 0 with an unknown');
    } else if (s.outcome !== 'skipped' || s.final_status) {
      // starting-ok: read Starting at the end of apply, Running by now (the start finished since).
      const finishedSince = startingOk && s.final_status === 'Starting' && live.Status === 'Running';
      if (s.final_status !== live.Status && !finishedSince) problems.push(say + shows);
    }
    if ((s.outcome === 'changed' || s.outcome === 'already_applied') && live.InstanceType !== s.to_type)
      problems.push(say + shows);
    if (s.outcome === 'order_pending' && (!s.order_id || live.InstanceType === s.to_type))
      problems.push(say + shows + ` (order ${s.order_id || 'none'})`);
    const settled = {Starting: 'Running', Pending: 'Running', Stopping: 'Stopped'};
    const wasStatus = was && (settled[was.Status] || was.Status);
    if (s.outcome === 'changed' && was && live.Status !== wasStatus) problems.push(say + shows + `, was ${was.Status}`);
  }
  for (const k of ['changed', 'already_applied', 'order_pending', 'failed', 'skipped'])
    if ((summary[k] || 0) !== count[k]) problems.push(`summary ${k} = ${summary[k]}, but ${count[k]} instance lines say so`);
  if ((summary.failed > 0 || summary.order_pending > 0) && summary.exit_code === 0)
    problems.push(`exit_code ${summary.exit_code} with ${summary.failed} failed, ${summary.order_pending} order(s) pending`);
}
if (problems.length) {
  console.error(`${problems.length} problem(s):\n  ` + problems.slice(0, 30).join('\n  '));
  process.exit(1);
}
console.log(`ok: ${summary.instances.length} summary lines agree with the emulator; no double order; nothing Running left stopped`);
EOF_NODE
}

# await_or_kill PID KILL MIN_SECONDS SPREAD_MS: with KILL=1, sleeps
# MIN_SECONDS plus a random part of SPREAD_MS and SIGKILLs the background
# apply PID, returning 0 when it was killed. Otherwise (KILL=0, or it had
# finished first) waits for it and returns 1 with its exit code in APPLY_RC.
await_or_kill() {
  local pid=$1 kill=$2 min=$3 spread=$4
  if [ "$kill" = 1 ]; then
    sleep "$(awk -v r=$RANDOM -v m="$min" -v s="$spread" 'BEGIN { printf "%.3f", m + (r % s) / 1000 }')"
    if kill -9 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      return 0
    fi
  fi
  set +e
  wait "$pid"
  APPLY_RC=$?
  set -e
  return 1
}
