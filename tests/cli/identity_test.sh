#!/usr/bin/env bash
# The credential chain through the CLI against `respec emulator` with its STS
# and metadata doors (--metadata-listen): `respec whoami` names the link that
# supplied the credentials for each provider, and nothing any provider
# handles (the AccessKeySecret, every security token the emulator issued,
# the OIDC token) appears in the output of `respec -vv whoami` or
# `respec -vv instances`. Also: the message when nothing supplies them.
# Usage: identity_test.sh RESPEC_BIN
set -u
BIN=${1:?usage: identity_test.sh RESPEC_BIN}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
WORK=$(mktemp -d)
EMU_PID=
cleanup() { [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

KEY=LTAI5tIdentityCliKey01
SECRET=identity-cli-secret-0001
ROLE=acs:ram::1000000000000001:role/respec-deployer
OIDCP=acs:ram::1000000000000001:oidc-provider/github
cat > "$WORK/world.yaml" <<YAML
version: 1
access_keys:
  - {id: $KEY, secret: $SECRET}
sts:
  instance_role: respec-runner
  oidc_providers:
    - {arn: "$OIDCP", issuer: "https://token.actions.githubusercontent.com", client_ids: [sts.aliyuncs.com]}
  roles:
    - {arn: "$ROLE", trusted: [$KEY], oidc_providers: ["$OIDCP"]}
YAML

"$BIN" emulator --world "$WORK/world.yaml" --listen 127.0.0.1:0 --port-file "$WORK/port" \
  --metadata-listen 127.0.0.1:0 >"$WORK/emu.log" 2>&1 &
EMU_PID=$!
for _ in $(seq 100); do [ -s "$WORK/port" ] && break; sleep 0.1; done
[ -s "$WORK/port" ] || { cat "$WORK/emu.log"; fail "emulator did not start"; }
EP="http://127.0.0.1:$(cat "$WORK/port")"
META=$(sed -n 's/^metadata: export RESPEC_ECS_METADATA_ENDPOINT=//p' "$WORK/emu.log")
[ -n "$META" ] || { cat "$WORK/emu.log"; fail "no metadata endpoint in the banner"; }

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
JWT_SIG=c2lnbmF0dXJlLW9mLXRoZS1vaWRjLXRva2Vu
JWT="$(printf '{"alg":"RS256"}' | b64url).$(printf '{"iss":"https://token.actions.githubusercontent.com","aud":"sts.aliyuncs.com","sub":"repo:x/y","exp":%d}' $(( $(date +%s) + 600 )) | b64url).$JWT_SIG"
printf '%s' "$JWT" > "$WORK/oidc-token"

# run NAME WANT_PROVIDER VAR=VALUE...: whoami and instances at -vv, in a clean
# environment and an empty HOME ($WORK/home-NAME, prepared by the caller).
run() {
  local name=$1 want=$2; shift 2
  local home="$WORK/home-$name"
  mkdir -p "$home"
  (cd "$home" && env -i PATH="$PATH" HOME="$home" RESPEC_STS_ENDPOINT="$EP" RESPEC_ECS_METADATA_ENDPOINT="$META" "$@" \
     "$BIN" -vv --endpoint "$EP" whoami) >"$WORK/$name.out" 2>&1 || { cat "$WORK/$name.out"; fail "$name: whoami failed"; }
  grep -qF "provider:   $want" "$WORK/$name.out" || { cat "$WORK/$name.out"; fail "$name: provider is not '$want'"; }
  (cd "$home" && env -i PATH="$PATH" HOME="$home" RESPEC_STS_ENDPOINT="$EP" RESPEC_ECS_METADATA_ENDPOINT="$META" "$@" \
     "$BIN" -vv --endpoint "$EP" instances --region cn-hangzhou) >>"$WORK/$name.out" 2>&1 \
     || { cat "$WORK/$name.out"; fail "$name: instances failed"; }
  grep -q "ecs: DescribeInstances" "$WORK/$name.out" || { cat "$WORK/$name.out"; fail "$name: no -vv call line"; }
}

NOMETA=ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
run env "environment AccessKey" $NOMETA ALIBABA_CLOUD_ACCESS_KEY_ID=$KEY ALIBABA_CLOUD_ACCESS_KEY_SECRET=$SECRET
run oidc "OIDC role (environment)" $NOMETA ALIBABA_CLOUD_ROLE_ARN=$ROLE ALIBABA_CLOUD_OIDC_PROVIDER_ARN=$OIDCP \
  ALIBABA_CLOUD_OIDC_TOKEN_FILE="$WORK/oidc-token"
grep -q "^role:       $ROLE/" "$WORK/oidc.out" || { cat "$WORK/oidc.out"; fail "oidc: no role line"; }
grep -q "^expires:    20" "$WORK/oidc.out" || { cat "$WORK/oidc.out"; fail "oidc: no expiry line"; }
mkdir -p "$WORK/home-cli/.aliyun"
cat > "$WORK/home-cli/.aliyun/config.json" <<JSON
{"current": "ci", "profiles": [{"name": "ci", "mode": "RamRoleArn", "access_key_id": "$KEY",
  "access_key_secret": "$SECRET", "ram_role_arn": "$ROLE", "ram_session_name": "cli"}]}
JSON
chmod 600 "$WORK/home-cli/.aliyun/config.json"
run cli "~/.aliyun/config.json profile ci (RamRoleArn)" $NOMETA
mkdir -p "$WORK/home-ini/.alibabacloud"
printf '[default]\ntype = access_key\naccess_key_id = %s\naccess_key_secret = %s\n' $KEY $SECRET \
  > "$WORK/home-ini/.alibabacloud/credentials"
run ini "$WORK/home-ini/.alibabacloud/credentials [default] (access_key)" $NOMETA
run metadata "ECS instance RAM role (metadata service)"
grep -q "^role:       respec-runner" "$WORK/metadata.out" || { cat "$WORK/metadata.out"; fail "metadata: no role"; }
run role "role $ROLE (ALIBABA_CLOUD_ROLE_ARN) assumed with the environment AccessKey" $NOMETA \
  ALIBABA_CLOUD_ACCESS_KEY_ID=$KEY ALIBABA_CLOUD_ACCESS_KEY_SECRET=$SECRET ALIBABA_CLOUD_ROLE_ARN=$ROLE

# Nothing configured: exit 1, every link named.
mkdir -p "$WORK/home-none"
(cd "$WORK/home-none" && env -i PATH="$PATH" HOME="$WORK/home-none" $NOMETA "$BIN" whoami) >"$WORK/none.out" 2>&1 \
  && fail "whoami without credentials exited 0"
for link in "tried, in order" "1. environment AccessKey" "2. OIDC role (environment)" "3. aliyun CLI profile" \
            "4. " "5. ECS instance RAM role" "6. credentials URI"; do
  grep -qF "$link" "$WORK/none.out" || { cat "$WORK/none.out"; fail "no-credentials message lacks '$link'"; }
done

# The grep: every secret and token the emulator handed out, the key's secret,
# the OIDC token (and its signature part) -- in none of the outputs.
python3 - "$EP/_emulator/sts" > "$WORK/secrets.txt" <<'PY' || fail "cannot read /_emulator/sts"
import json, sys, urllib.request
for c in json.load(urllib.request.urlopen(sys.argv[1])):
    print(c["AccessKeySecret"]); print(c["SecurityToken"])
PY
n=$(wc -l < "$WORK/secrets.txt")
[ "$n" -ge 8 ] || fail "expected at least 4 issued credentials, got $((n / 2))"
printf '%s\n%s\n%s\n' "$SECRET" "$JWT" "$JWT_SIG" >> "$WORK/secrets.txt"
for f in "$WORK"/*.out; do
  if grep -F -f "$WORK/secrets.txt" "$f" >/dev/null; then
    fail "$(basename "$f"): a secret, security token or OIDC token appears in the output"
  fi
  grep -q "Signature=" "$f" && fail "$(basename "$f"): a signature appears in the output"
done
echo "identity_test: ok ($(ls "$WORK"/*.out | wc -l) outputs, $(wc -l < "$WORK/secrets.txt") secrets checked)"
