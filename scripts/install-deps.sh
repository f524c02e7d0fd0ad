#!/usr/bin/env bash
# Installs respec's build and test dependencies from Debian packages (and the
# official Alibaba Cloud SDK from npm for the conformance check).
# Idempotent: does nothing when everything is already present.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config ccache
  libyaml-cpp-dev libcurl4-openssl-dev libssl-dev libtomlplusplus-dev
  libboost-dev libboost-graph-dev
  catch2 nlohmann-json3-dev libvalijson-dev libcli11-dev libfmt-dev
  clang-14 libfuzzer-14-dev libclang-rt-14-dev
  nodejs curl time jq python3
  libpq-dev postgresql
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The conformance check drives the emulator with an unmodified official SDK.
here="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v npm >/dev/null 2>&1; then
  # Debian's nodejs ships npm separately (NodeSource's includes it).
  $SUDO apt-get install -y -qq --no-install-recommends npm || true
fi
if command -v npm >/dev/null 2>&1; then
  # Every package of package.json must be there; otherwise install exactly the lockfile.
  missing_sdk=$(cd "$here/tests/conformance" && node -e '
    const deps = Object.keys(require("./package.json").dependencies || {});
    const fs = require("fs");
    console.log(deps.filter(d => !fs.existsSync("node_modules/" + d + "/package.json")).join(" "));')
  if [ -n "$missing_sdk" ]; then
    echo "install-deps: installing the official SDKs for the conformance check (npm ci): $missing_sdk"
    (cd "$here/tests/conformance" && npm ci --no-audit --no-fund --loglevel=error)
  fi
else
  echo "install-deps: npm not found; the SDK conformance check (conformance_sdk) will fail" >&2
fi
