#!/usr/bin/env bash
# The CLI's contracts and first contact, end to end against `respec emulator`:
#   - a misspelt command gets "did you mean"; every command's help lists the global flags
#   - exit codes: 3 for a stale plan (nothing changed), 4 for blocked instances
#   - every JSON output validates against its schema in schemas/ (version,
#     validate, instances, apply --json whose first line is the version record)
#   - `-f -` reads the spec from standard input; offsets in times are accepted
#   - show --markdown names the plan id, the file's sha256 digest and the version
#   - bash/zsh completions and the man page come from the CLI definition
# Usage: contracts_test.sh RESPEC_BIN  (RESPEC_SCHEMA_CHECK: build/schema_check)
set -u
BIN=${1:?usage: contracts_test.sh RESPEC_BIN}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SRC=${RESPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CHECK=${RESPEC_SCHEMA_CHECK:-$(dirname "$BIN")/schema_check}
[ -x "$CHECK" ] || { echo "FAIL: schema_check not found at $CHECK"; exit 1; }
WORK=$(mktemp -d)
EMU_PID=
cleanup() { [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
# valid SCHEMA FILE [--lines]
valid() { "$CHECK" "$SRC/schemas/$1" ${3:-} < "$2" 2>"$WORK/schema.err" || fail "$2 does not match $1: $(cat "$WORK/schema.err")"; }
cd "$WORK"

# --- first contact ---------------------------------------------------------
"$BIN" plna -f x.yaml >out.txt 2>err.txt; rc=$?
[ $rc -eq 1 ] || fail "plna: exit $rc, want 1"
grep -qF 'respec: unknown command "plna"; did you mean "plan"?' err.txt || fail "plna: $(cat err.txt)"
"$BIN" --endpoint http://127.0.0.1:1 shwo x >/dev/null 2>err.txt
grep -qF 'did you mean "show"?' err.txt || fail "shwo after a global flag: $(cat err.txt)"
"$BIN" zzzzzzzz 2>err.txt >/dev/null
grep -qF 'unknown command "zzzzzzzz"' err.txt && ! grep -q 'did you mean' err.txt || fail "no wild guesses: $(cat err.txt)"
for cmd in validate plan show graph apply instances emulator version completion man; do
  "$BIN" "$cmd" --help >help.txt 2>&1
  for flag in --profile --config --endpoint --no-color --verbose; do
    grep -q -- "$flag" help.txt || fail "$cmd --help does not list the global flag $flag"
  done
done

# --- version ----------------------------------------------------------------
"$BIN" --version >v.txt || fail "--version exit"
grep -qE '^respec [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{7,}(-dirty)?|unknown), built [0-9]{4}-[0-9]{2}-[0-9]{2}\)$' v.txt \
  || fail "--version: $(cat v.txt)"
"$BIN" --version --json >v.json || fail "--version --json exit"
valid version.schema.json v.json
"$BIN" version --json >v2.json && cmp -s v.json v2.json || fail "version --json differs from --version --json"

# --- validate --json, -f -, offsets ------------------------------------------
"$BIN" validate --json -f "$SRC/examples/web-canary.yaml" -f "$SRC/examples/blocked.yaml" >val.json; rc=$?
[ $rc -eq 0 ] || fail "validate --json examples: exit $rc"
valid validate.schema.json val.json
cat >bad.yaml <<'YAML'
version: 1
regions: [cn-hangzhou]
groups:
  web:
    targets:
      - instanceIds: [i-bp1demo000000000001]
        instanceType: ecs.c7
        reboot: {at: "2020-01-01T10:00+08:00"}
YAML
"$BIN" validate --json -f bad.yaml >bad.json 2>bad.err; rc=$?
[ $rc -eq 1 ] || fail "validate --json bad: exit $rc, want 1"
[ -s bad.err ] && fail "validate --json wrote to stderr: $(cat bad.err)"
valid validate.schema.json bad.json
grep -q '"line": 7' bad.json && grep -q 'in the past' bad.json || fail "validate --json diagnostics: $(cat bad.json)"
"$BIN" validate -f - <"$SRC/examples/web-canary.yaml" >stdin.txt 2>&1 || fail "validate -f -: $(cat stdin.txt)"
grep -qxF '<stdin>: ok (2 groups, 2 targets)' stdin.txt || fail "validate -f -: $(cat stdin.txt)"
"$BIN" validate -f - <bad.yaml >/dev/null 2>stdin.err
grep -q '^<stdin>:7:' stdin.err || fail "validate -f - names <stdin>:LINE: $(cat stdin.err)"
sed 's/2020-01-01T10:00+08:00/2099-12-01T10:00+08:00/; s/ecs.c7$/ecs.c7.xlarge/' bad.yaml >offset.yaml
"$BIN" validate -f offset.yaml >/dev/null 2>off.err || fail "an offset time is refused: $(cat off.err)"

# --- against the emulator ------------------------------------------------------
RESPEC=$BIN
source "$SRC/tests/cli/apply_lib.sh"   # start_emulator, the emulator's demo key
start_emulator "$WORK" --world "$SRC/examples/world.yaml" --time-scale 20 || { echo "FAIL: emulator"; exit 1; }
EP=$ENDPOINT
unset ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE RESPEC_PROFILE RESPEC_STATE_DIR
R=("$BIN" --endpoint "$EP")

"${R[@]}" instances --region cn-hangzhou --json >inst.json || fail "instances --json exit"
valid instances.schema.json inst.json
grep -q '"charge_type": "PrePaid"' inst.json || fail "instances --json is not snake_case"
grep -q 'chargeType\|expiredTime' inst.json && fail "instances --json still has camelCase keys"

# Blocked instances: exit 4.
"${R[@]}" plan -f "$SRC/examples/blocked.yaml" >/dev/null 2>&1; rc=$?
[ $rc -eq 4 ] || fail "blocked plan: exit $rc, want 4"

# plan from stdin, saved; the Markdown names it.
"${R[@]}" plan -f - --out plan.json <"$SRC/examples/web-canary.yaml" >/dev/null 2>plan.err; rc=$?
[ $rc -eq 0 ] || fail "plan -f -: exit $rc: $(cat plan.err)"
"$BIN" show plan.json --markdown >md.txt || fail "show --markdown exit"
digest=$(jq -r .digest plan.json)
plan_id=$(grep -m1 '"plan_id"' plan.json | sed 's/.*: "\(.*\)".*/\1/')
case "$digest" in sha256:????????????????????????????????????????????????????????????????) ;; *) fail "plan.json has no digest: $digest" ;; esac
grep -qF "Plan \`$plan_id\` · digest \`$digest\`" md.txt || fail "markdown header: $(sed -n 1,6p md.txt)"
grep -qF "respec $("$BIN" --version --json | sed 's/.*"version":"\([^"]*\)".*/\1/')" md.txt || fail "markdown: no version"
"$BIN" show plan.json --markdown --max-chars 700 >md-small.txt
[ "$(wc -c <md-small.txt)" -le 700 ] || fail "--max-chars 700: $(wc -c <md-small.txt) bytes"

# apply --json: the version record first, every line valid.
"${R[@]}" apply plan.json --json --state-dir state1 >apply.jsonl 2>apply.err; rc=$?
[ $rc -eq 0 ] || fail "apply: exit $rc: $(tail -5 apply.err)"
valid events.schema.json apply.jsonl --lines
head -1 apply.jsonl | grep -q '^{"type":"version","format_version":1,"respec_version":"' || fail "apply --json first line: $(head -1 apply.jsonl)"
tail -1 apply.jsonl | grep -q '"type":"summary"' || fail "apply --json last line"

# The same plan from a fresh state directory: live state moved on, so it is stale: exit 3, nothing changed.
orders_before=$(curl -sf "$EP/_emulator/orders" | grep -o '"OrderId"' | wc -l)
"${R[@]}" apply plan.json --state-dir state2 >stale.out 2>stale.err; rc=$?
[ $rc -eq 3 ] || fail "stale plan: exit $rc, want 3: $(cat stale.err)"
grep -q 'the plan is stale' stale.err || fail "stale plan message: $(cat stale.err)"
orders_after=$(curl -sf "$EP/_emulator/orders" | grep -o '"OrderId"' | wc -l)
[ "$orders_before" = "$orders_after" ] || fail "a stale plan placed orders ($orders_before -> $orders_after)"
for f in *.txt *.json *.jsonl *.err; do
  grep -q 'respec-demo-secret-not-real' "$f" && fail "$f holds the secret"
done

# --- completions and the man page ------------------------------------------------
"$BIN" completion bash >respec.bash && bash -n respec.bash || fail "bash completion does not parse"
words=$(bash -c 'source ./respec.bash; COMP_WORDS=(respec pl); COMP_CWORD=1; _respec; echo "${COMPREPLY[*]}"')
[ "$words" = "plan" ] || fail "bash completion of 'pl': '$words'"
words=$(bash -c 'source ./respec.bash; COMP_WORDS=(respec plan --det); COMP_CWORD=2; _respec; echo "${COMPREPLY[*]}"')
[ "$words" = "--detailed-exitcode" ] || fail "bash completion of 'plan --det': '$words'"
"$BIN" completion zsh >_respec
if command -v zsh >/dev/null; then zsh -n _respec || fail "zsh completion does not parse"
else echo "SKIP (not checked): zsh is not installed, the zsh completion's syntax"; fi
grep -q "'plan:" _respec || fail "zsh completion lacks plan"
"$BIN" man >respec.1
head -2 respec.1 | grep -q '^\.TH RESPEC 1' || fail "man page header"
for cmd in validate plan show graph apply instances emulator version completion man; do
  grep -q "^\.SS $cmd\$" respec.1 || fail "man page lacks $cmd"
done
if command -v groff >/dev/null; then
  groff -man -Tutf8 -ww respec.1 >/dev/null 2>groff.err; [ -s groff.err ] && fail "groff warnings: $(head -3 groff.err)"
fi

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "contracts: ok"
