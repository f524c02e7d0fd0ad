#!/usr/bin/env bash
# Plans that cannot lie, over HTTP against `respec emulator`: tampered plan
# files (renamed steps, edited target, duplicate instance, edge and group
# cycles, 200 MB of `[`, a million levels of nesting) are refused by apply,
# show and graph with a message naming the problem, bounded memory (peak RSS
# from /usr/bin/time) and no order placed; a plan made stale behind respec's
# back is refused with no order; user-info in --endpoint is never echoed;
# RESPEC_TIME_SCALE is refused against a non-loopback endpoint.
# Usage: plan_trust_test.sh path/to/respec
set -euo pipefail
RESPEC=$(realpath "${1:?usage: $0 path/to/respec}")
here=$(cd "$(dirname "$0")" && pwd)
SRC=${RESPEC_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
source "$here/apply_lib.sh"
unset ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE RESPEC_PROFILE RESPEC_TIME_SCALE

scratch_begin
fail() { echo "FAIL: $*"; exit 1; }
MAX_RSS_KB=32768  # 32 MiB: respec itself peaks at about 15; parsing 200 MB of [ would need gigabytes

SCALE=50
start_emulator "$work" --world "$SRC/examples/world.yaml" --time-scale $SCALE
write_rehearsal_toml respec.toml $SCALE
R=("$RESPEC" --endpoint "$ENDPOINT")
orders() { curl -sf "$ENDPOINT/_emulator/orders" | jq length; }

set +e
"${R[@]}" plan -f "$SRC/examples/web-canary.yaml" --out plan.json > plan.out 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || { cat plan.out; fail "plan exited $rc"; }
digest=$(jq -r .digest plan.json)
[[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || fail "the plan carries no digest: $digest"
grep -qF "Plan digest: $digest" plan.out || fail "plan does not print the digest"
# (to files, not pipes: `| grep -q` could end respec with SIGPIPE, exit 141 under pipefail)
"$RESPEC" show plan.json > show.txt && grep -qF "Plan digest: $digest" show.txt || fail "show does not print the digest"
"$RESPEC" show plan.json --markdown > show.md && grep -qF "$digest" show.md || fail "show --markdown does not print the digest"

# tamper MODE IN OUT: edits the plan; "sealed" modes recompute the digest the
# documented way (compact JSON, keys sorted), as a tamperer who read the docs would.
tamper() {
  python3 - "$@" <<'PY'
import hashlib, json, sys
mode, src, dst = sys.argv[1:]
d = json.load(open(src))
def seal():
    d.pop("digest", None)
    canon = json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    d["digest"] = "sha256:" + hashlib.sha256(canon.encode()).hexdigest()
if mode == "renamed":
    for s in d["steps"]:
        if s["kind"] == "modify": s["kind"] = "stop"
elif mode == "target":
    for i in d["instances"]: i["target_type"] = "ecs.c7.8xlarge"
elif mode == "renamed-sealed":
    for s in d["steps"]:
        if s["kind"] == "modify": s["kind"] = "stop"
    seal()
elif mode == "target-sealed":
    for i in d["instances"]: i["target_type"] = "ecs.c7.8xlarge"
    seal()
elif mode == "duplicate":
    d["instances"].append(d["instances"][0]); seal()
elif mode == "edge-cycle":
    a, b = d["edges"][0]; d["edges"].append([b, a]); seal()
elif mode == "group-cycle":
    d["groups"][0]["depends_on"] = [d["groups"][1]["name"]]; seal()
elif mode == "v1":
    d["format_version"] = 1; d.pop("digest"); seal()
json.dump(d, open(dst, "w"), indent=2)
PY
}

# expect_refused FILE MESSAGE: apply, show and graph refuse FILE naming the
# problem, within MAX_RSS_KB, and no order exists.
expect_refused() {
  local file=$1 want=$2 cmd rc rss
  for cmd in apply show graph; do
    set +e
    if [ $cmd = apply ]; then
      RESPEC_TIME_SCALE=$SCALE /usr/bin/time -f %M -o rss.txt "${R[@]}" apply "$file" --state-dir state > out.txt 2> err.txt
    else
      /usr/bin/time -f %M -o rss.txt "$RESPEC" $cmd "$file" > out.txt 2> err.txt
    fi
    rc=$?
    set -e
    [ "$rc" = 1 ] || { cat out.txt err.txt; fail "$cmd $file exited $rc, want 1"; }
    grep -qF -- "$want" err.txt || { cat err.txt; fail "$cmd $file: no \"$want\""; }
    rss=$(tail -1 rss.txt)
    [ "$rss" -le "$MAX_RSS_KB" ] || fail "$cmd $file: peak RSS $rss KiB > $MAX_RSS_KB KiB"
    echo "  $cmd $file: refused, peak RSS $rss KiB"
  done
  [ "$(orders)" = 0 ] || fail "an order was placed for $file"
}

tamper renamed plan.json renamed.json
expect_refused renamed.json "renamed.json: /digest: mismatch: the file says $digest but its content is sha256:"
tamper target plan.json target.json
expect_refused target.json "/digest: mismatch"
tamper renamed-sealed plan.json renamed-sealed.json
expect_refused renamed-sealed.json "is a change without a modify step"
tamper target-sealed plan.json target-sealed.json
expect_refused target-sealed.json "target type ecs.c7.8xlarge is not in the plan's catalog for region cn-hangzhou"
tamper duplicate plan.json duplicate.json
expect_refused duplicate.json "appears twice (also /instances/0)"
tamper edge-cycle plan.json edge-cycle.json
expect_refused edge-cycle.json "step cycle: "
tamper group-cycle plan.json group-cycle.json
expect_refused group-cycle.json "dependsOn cycle: canary -> web -> canary"
tamper v1 plan.json v1.json
expect_refused v1.json "format_version 1 is no longer accepted"
head -c 209715200 /dev/zero | tr '\0' '[' > brackets.json
expect_refused brackets.json "file is too large: 209715200 bytes; a plan may be at most"
rm brackets.json
python3 -c "import sys; sys.stdout.write('[' * 1000000 + ']' * 1000000)" > deep.json
expect_refused deep.json "deep.json: nesting too deep at byte 32"

# The untampered plan still loads (the checks above refuse the edits, not the plan).
"$RESPEC" graph plan.json > /dev/null || fail "graph refuses the untampered plan"

# A stale plan: another apply changes an instance the plan covers, behind
# this plan's back; applying the plan is refused and places no order.
cat > other.yaml <<'YAML'
version: 1
regions: [cn-hangzhou]
groups:
  one:
    targets:
      - instanceIds: [i-bp1web0000000000001]
        instanceType: ecs.c7.2xlarge
YAML
set +e
RESPEC_TIME_SCALE=$SCALE timeout 60 "${R[@]}" apply -f other.yaml --auto-approve --state-dir state > other.out 2>&1
rc=$?
set -e
[ "$rc" = 0 ] || { tail -20 other.out; fail "the other apply exited $rc"; }
[ "$(orders)" = 1 ] || fail "the other apply placed $(orders) orders, want 1"
set +e
RESPEC_TIME_SCALE=$SCALE timeout 60 "${R[@]}" apply plan.json --state-dir state > stale.out 2> stale.err
rc=$?
set -e
[ "$rc" = 3 ] || { cat stale.out stale.err; fail "stale apply exited $rc, want 3 (stale plan)"; }
grep -q "the plan is stale: 1 instance(s) changed since it was made" stale.err || { cat stale.err; fail "no stale refusal"; }
grep -q "i-bp1web0000000000001" stale.err || { cat stale.err; fail "the stale instance is not named"; }
[ "$(orders)" = 1 ] || fail "the stale apply placed an order ($(orders) orders)"
echo "  stale plan: refused, no order"

# No secret echoed: user-info in --endpoint is refused without repeating it.
SECRET_EP="http://user:SECRET@127.0.0.1:${ENDPOINT##*:}"
for args in "plan -f $SRC/examples/web-canary.yaml" "apply plan.json --state-dir state" "instances"; do
  set +e
  # shellcheck disable=SC2086
  "$RESPEC" --endpoint "$SECRET_EP" $args > secret.out 2>&1
  rc=$?
  set -e
  [ "$rc" != 0 ] || fail "$args with user-info in --endpoint exited 0"
  grep -q "user information (user:password@) is not allowed" secret.out || { cat secret.out; fail "$args: no refusal"; }
  if grep -q SECRET secret.out; then cat secret.out; fail "$args echoed the endpoint's password"; fi
done
[ "$(orders)" = 1 ] || fail "an order was placed with user-info in the endpoint"
echo "  user-info endpoint: refused, not echoed"

# Rehearsal knobs stay in rehearsals: RESPEC_TIME_SCALE against a
# non-loopback endpoint is refused before anything is read or called.
for ep in "https://ecs.cn-hangzhou.aliyuncs.com" ""; do
  set +e
  # missing.json: even if the refusal were gone, nothing would reach the network
  if [ -n "$ep" ]; then RESPEC_TIME_SCALE=1000 "$RESPEC" --endpoint "$ep" apply missing.json --state-dir state > ts.out 2>&1
  else RESPEC_TIME_SCALE=1000 "$RESPEC" apply missing.json --state-dir state > ts.out 2>&1; fi
  rc=$?
  set -e
  [ "$rc" = 1 ] || { cat ts.out; fail "RESPEC_TIME_SCALE against '${ep:-default}': exit $rc, want 1"; }
  grep -q "RESPEC_TIME_SCALE is set, but it is honoured only against a loopback endpoint" ts.out \
    || { cat ts.out; fail "RESPEC_TIME_SCALE against '${ep:-default}' not refused"; }
done
echo "PASS"
