#!/usr/bin/env bash
# The example pipelines (examples/ci/) run for real, against `respec emulator`:
# for GitHub Actions and GitLab CI, every line that starts with `respec`, job
# by job in the file's order, each job in a fresh directory (a fresh runner)
# that shares only the plan artifact and the state store with the others:
#   plan job:  validate -> plan --out plan.json -> show --markdown (the comment)
#   apply job: apply plan.json (the artifact) -> plan --detailed-exitcode (no changes: 0)
# Substitutions, printed when made: credentials are the emulator's access key
# from the environment instead of OIDC (the pipelines set ALIBABA_CLOUD_ROLE_ARN,
# ..._OIDC_PROVIDER_ARN, ..._OIDC_TOKEN_FILE; unset here); the endpoint comes
# from a respec.toml; `--state-backend "$RESPEC_STATE_BACKEND"` becomes
# `--state-dir DIR` (a directory shared between the jobs: the state outlives
# the runner either way). Platform glue (checkout, artifacts, comments) is not run.
# Usage: ci_pipelines_test.sh RESPEC_BIN
set -u
BIN=${1:?usage: ci_pipelines_test.sh RESPEC_BIN}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SRC=${RESPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CHECK=${RESPEC_SCHEMA_CHECK:-$(dirname "$BIN")/schema_check}
WORK=$(mktemp -d)
RESPEC=$BIN
source "$SRC/tests/cli/apply_lib.sh"   # start_emulator / stop_emulator, the emulator's demo key
cleanup() { stop_emulator; rm -rf "$WORK"; }
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
python3 -c 'import yaml' 2>/dev/null || { echo "FAIL: python3-yaml is missing (scripts/install-deps.sh installs it)"; exit 1; }

mkdir -p "$WORK/bin"
ln -s "$BIN" "$WORK/bin/respec"
export PATH="$WORK/bin:$PATH"
unset ALIBABA_CLOUD_SECURITY_TOKEN ALIBABA_CLOUD_PROFILE RESPEC_PROFILE RESPEC_STATE_DIR \
  ALIBABA_CLOUD_ROLE_ARN ALIBABA_CLOUD_OIDC_PROVIDER_ARN ALIBABA_CLOUD_OIDC_TOKEN_FILE

# commands FILE KIND: "JOB<TAB>COMMAND" for every respec line, in file order.
commands() {
  python3 - "$1" "$2" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
def lines(text):
    for l in str(text).splitlines():
        l = l.strip()
        if l.startswith("respec "):
            yield l
if sys.argv[2] == "github":
    for job, spec in doc["jobs"].items():
        for step in spec.get("steps", []):
            for l in lines(step.get("run", "")):
                print(f"{job}\t{l}")
else:
    for job, spec in doc.items():
        if isinstance(spec, dict) and "script" in spec:
            for item in spec["script"]:
                for l in lines(item):
                    print(f"{job}\t{l}")
PY
}

run_pipeline() {
  local file=$1 kind=$2 root="$WORK/$2"
  mkdir -p "$root/artifacts" "$root/state"
  start_emulator "$root" --world "$SRC/examples/world.yaml" --time-scale 20 || { fail "$kind: emulator"; return; }
  local cmds job cmd prev="" n=0 dir rc
  cmds=$(commands "$file" "$kind") || { fail "$kind: cannot read $file"; stop_emulator; return; }
  [ "$(printf '%s\n' "$cmds" | cut -f1 | uniq | wc -l)" -eq 2 ] || fail "$kind: want a plan job and an apply job: $cmds"
  echo "note: $kind: OIDC -> the emulator's access key; --state-backend \"\$RESPEC_STATE_BACKEND\" -> --state-dir $root/state"
  while IFS=$'\t' read -r job cmd; do
    if [ "$job" != "$prev" ]; then
      # A fresh runner: the repository checkout, the downloaded artifacts, the shared state store.
      [ -n "$prev" ] && cp "$dir"/plan.json "$root/artifacts/" 2>/dev/null
      dir="$root/job-$job"; mkdir -p "$dir/fleet"
      cp "$SRC/examples/web-canary.yaml" "$dir/fleet/prod.yaml"
      printf '[profiles.default]\nregion = "cn-hangzhou"\nendpoint = "%s"\n' "$ENDPOINT" >"$dir/respec.toml"
      cp "$root/artifacts/"* "$dir/" 2>/dev/null
      prev=$job
    fi
    cmd=${cmd//--state-backend \"\$RESPEC_STATE_BACKEND\"/--state-dir \"$root/state\"}
    echo "[$kind/$job] \$ $cmd"
    (cd "$dir" && RESPEC_SPEC=fleet/prod.yaml bash -o pipefail -c "$cmd") >"$dir/out.$n" 2>"$dir/err.$n"; rc=$?
    [ $rc -eq 0 ] || fail "$kind/$job: '$cmd' exited $rc: $(tail -5 "$dir/err.$n")"
    n=$((n + 1))
  done <<<"$cmds"
  local plan_dir="$root/job-plan" apply_dir="$root/job-apply"
  [ "$kind" = gitlab ] && plan_dir="$root/job-respec-plan" apply_dir="$root/job-respec-apply"
  # The comment fits, and names the artifact that was applied.
  [ -s "$plan_dir/plan.md" ] || fail "$kind: no plan.md"
  [ "$(wc -c <"$plan_dir/plan.md")" -le 60000 ] || fail "$kind: comment over 60000 characters"
  grep -qF "digest \`$(jq -r .digest "$apply_dir/plan.json")\`" "$plan_dir/plan.md" \
    || fail "$kind: the comment does not name the digest of the applied artifact"
  # The apply log is the versioned JSON contract and says every change was applied.
  "$CHECK" "$SRC/schemas/events.schema.json" --lines <"$apply_dir/apply.jsonl" || fail "$kind: apply.jsonl vs schema"
  tail -1 "$apply_dir/apply.jsonl" | jq -e '.type == "summary" and .changed == 6 and .exit_code == 0' >/dev/null || fail "$kind: apply summary: $(tail -1 "$apply_dir/apply.jsonl" | cut -c1-300)"
  [ -n "$(ls "$root/state")" ] || fail "$kind: nothing in the shared state store"
  grep -rq 'respec-demo-secret-not-real' "$root"/job-* && fail "$kind: a secret in the output"
  stop_emulator
}

run_pipeline "$SRC/examples/ci/github/respec.yml" github
run_pipeline "$SRC/examples/ci/gitlab/.gitlab-ci.yml" gitlab

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "ci pipelines: ok"
