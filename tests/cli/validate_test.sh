#!/usr/bin/env bash
# respec validate: the examples pass; bad files fail with the exact message.
# Usage: validate_test.sh PATH_TO_RESPEC
set -uo pipefail

respec="${1:?usage: validate_test.sh PATH_TO_RESPEC}"
src="${RESPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# expect_ok FILE... : exit 0 and "FILE: ok (...)" for each
expect_ok() {
  local out err rc
  out="$("$respec" validate $(printf -- '-f %q ' "$@") 2>"$tmp/err")"; rc=$?
  err="$(cat "$tmp/err")"
  [ "$rc" = 0 ] || fail "validate $* exited $rc: $err"
  [ -z "$err" ] || fail "validate $* printed to stderr: $err"
  for f in "$@"; do
    grep -qE "^$(printf '%s' "$f" | sed 's/[.[\*^$/]/\\&/g'): ok \([0-9]+ groups?, [0-9]+ targets?\)$" <<<"$out" \
      || fail "no ok line for $f in: $out"
  done
}

# expect_error FILE MESSAGE: exit 1 and MESSAGE as a whole line on stderr
expect_error() {
  local file="$1" want="$2" rc
  "$respec" validate -f "$file" >"$tmp/out" 2>"$tmp/err"; rc=$?
  [ "$rc" = 1 ] || fail "validate $file exited $rc, want 1"
  grep -qxF -- "$want" "$tmp/err" || fail "validate $file: want line: $want
got:
$(cat "$tmp/err")"
  [ ! -s "$tmp/out" ] || fail "validate $file printed to stdout: $(cat "$tmp/out")"
}

cd "$src"
expect_ok examples/single-instance.yaml
expect_ok examples/web-canary.yaml examples/multi-region.yaml examples/blocked.yaml
grep -qxF "examples/web-canary.yaml: ok (2 groups, 2 targets)" <<<"$("$respec" validate -f examples/web-canary.yaml)" \
  || fail "web-canary counts"

# Every problem in a file, in file order, as FILE:LINE:COL: path: message.
cat >"$tmp/bad.yaml" <<'YAML'
version: 1
regions: [cn-hangzhou]
groups:
  canary:
    dependsOn: [web]
    targets:
      - selector: {role: web, canary: true}
        instanceType: ecs.c7.xlarge
  web:
    dependsOn: [canary]
    maxUnavailable: 0%
    targets:
      - instanceIds: [i-bp1demo000000000001, i-NOPE]
        instanceType: ecs.c7
        rebot: manual
        endTime: "2020-01-01T00:00Z"
YAML
b="$tmp/bad.yaml"
"$respec" validate -f "$b" >/dev/null 2>"$tmp/all"; rc=$?
[ "$rc" = 1 ] || fail "bad.yaml exited $rc"
want="$b:5:17: groups.canary.dependsOn[0]: dependsOn cycle: canary -> web -> canary
$b:7:39: groups.canary.targets[0].selector.canary: tag values are strings: write true in quotes
$b:11:21: groups.web.maxUnavailable: maxUnavailable must be a count of at least 1 or a percentage from \"1%\" to \"100%\", got \"0%\"
$b:13:46: groups.web.targets[0].instanceIds[1]: malformed instance ID \"i-NOPE\": expected i- followed by 6 to 30 lowercase letters or digits
$b:14:23: groups.web.targets[0].instanceType: malformed instance type \"ecs.c7\": expected ecs.FAMILY.SIZE, e.g. ecs.g6.xlarge
$b:15:9: groups.web.targets[0].rebot: unknown key \"rebot\"; did you mean \"reboot\"?
$b:16:18: groups.web.targets[0].endTime: endTime 2020-01-01T00:00Z is in the past (it is now "
got="$(cat "$tmp/all")"
[ "${got:0:${#want}}" = "$want" ] || fail "bad.yaml diagnostics:
want (prefix):
$want
got:
$got"

# Empty, not UTF-8, syntax error, missing, directory, huge.
: >"$tmp/empty.yaml"
expect_error "$tmp/empty.yaml" "$tmp/empty.yaml:1:1: the file is empty: a fleet spec needs at least \"version: 1\" and \"groups\""
printf 'version: 1\ngroups:\n  w\xe9b: {}\n' >"$tmp/latin1.yaml"
expect_error "$tmp/latin1.yaml" "$tmp/latin1.yaml:3:4: not valid UTF-8: byte 0xE9 at offset 22"
printf 'version: 1\ngroups: {web: [}\n' >"$tmp/syntax.yaml"
expect_error "$tmp/syntax.yaml" "$tmp/syntax.yaml:2:16: YAML syntax error: illegal flow end"
expect_error "$tmp/missing.yaml" "$tmp/missing.yaml: cannot open: No such file or directory"
expect_error "$tmp" "$tmp: is a directory, not a fleet spec file"
printf 'version: 1\n' >"$tmp/huge.yaml"
truncate -s 100M "$tmp/huge.yaml"
start=$(date +%s%N)
expect_error "$tmp/huge.yaml" "$tmp/huge.yaml: file is too large: 104857600 bytes; a fleet spec may be at most 8388608 bytes (8 MiB)"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "100 MB file refused in ${ms} ms"
[ "$ms" -lt 2000 ] || fail "refusing a 100 MB file took ${ms} ms"

# One bad file among good ones: exit 1, the good ones still say ok.
"$respec" validate -f examples/single-instance.yaml -f "$tmp/empty.yaml" >"$tmp/out" 2>/dev/null; rc=$?
[ "$rc" = 1 ] || fail "mixed files exited $rc"
grep -q "^examples/single-instance.yaml: ok" "$tmp/out" || fail "mixed files: no ok line for the good one"

# -f is required.
"$respec" validate >/dev/null 2>&1 && fail "validate without -f succeeded"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "validate_test: all passed"
