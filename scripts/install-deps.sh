#!/usr/bin/env bash
# Installs what respec's targets need, from Debian packages, and nothing more.
#   install-deps.sh build   compile respec (make build, make demo)
#   install-deps.sh test    + what the test suite runs: Node.js and the
#                           official Alibaba Cloud SDKs (conformance check;
#                           npm only if the SDKs are not there yet),
#                           python3-yaml, tmux (make test; the default)
#   install-deps.sh fuzz    + clang and libFuzzer (make fuzz only)
# valijson (a header-only JSON Schema validator) is not installed as a
# Debian package: libvalijson-dev depends on Qt5, POCO, jsoncpp, ... for
# adapters respec never uses (262 packages). Its .deb is fetched with
# `apt-get download` and only its headers unpacked under $RESPEC_DEPS_PREFIX
# (default /usr/local/share/respec-deps), where CMake finds them.
# Idempotent: does nothing when everything is already present.
set -euo pipefail

profile=${1:-test}
case "$profile" in build|test|fuzz) ;; *) echo "usage: install-deps.sh [build|test|fuzz]" >&2; exit 2 ;; esac

PKGS=(
  build-essential cmake ninja-build pkg-config ccache
  libyaml-cpp-dev libcurl4-openssl-dev libssl-dev libtomlplusplus-dev
  libboost-dev libboost-graph-dev
  catch2 nlohmann-json3-dev libcli11-dev libfmt-dev
  curl jq python3
  libpq-dev
)
TEST_PKGS=(nodejs time python3-yaml tmux postgresql)
FUZZ_PKGS=(clang-14 libfuzzer-14-dev libclang-rt-14-dev)
[ "$profile" = test ] && PKGS+=("${TEST_PKGS[@]}")
[ "$profile" = fuzz ] && PKGS+=("${FUZZ_PKGS[@]}")

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
updated=""
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  updated=1
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# valijson: headers only, without libvalijson-dev's dependency closure.
prefix=${RESPEC_DEPS_PREFIX:-/usr/local/share/respec-deps}
if [ ! -f /usr/include/valijson/validator.hpp ] && [ ! -f "$prefix/usr/include/valijson/validator.hpp" ]; then
  echo "install-deps: unpacking valijson's headers into $prefix (apt-get download libvalijson-dev; dpkg -x)"
  [ -n "$updated" ] || $SUDO apt-get update -qq
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && apt-get download libvalijson-dev >/dev/null)
  $SUDO mkdir -p "$prefix"
  $SUDO dpkg -x "$tmp"/libvalijson-dev_*.deb "$prefix"
fi

[ "$profile" = test ] || exit 0
# The conformance check drives the emulator with an unmodified official SDK.
here="$(cd "$(dirname "$0")/.." && pwd)"
# Every package of package.json must be there; otherwise install exactly the lockfile.
missing_sdk=$(cd "$here/tests/conformance" && node -e '
  const deps = Object.keys(require("./package.json").dependencies || {});
  const fs = require("fs");
  console.log(deps.filter(d => !fs.existsSync("node_modules/" + d + "/package.json")).join(" "));')
if [ -n "$missing_sdk" ]; then
  # Debian's npm (with its ~300 node-* packages) only when the SDKs must be fetched.
  command -v npm >/dev/null 2>&1 || $SUDO apt-get install -y -qq --no-install-recommends npm
  echo "install-deps: installing the official SDKs for the conformance check (npm ci): $missing_sdk"
  (cd "$here/tests/conformance" && npm ci --no-audit --no-fund --loglevel=error)
fi
