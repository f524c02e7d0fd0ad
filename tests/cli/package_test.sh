#!/usr/bin/env bash
# The Debian package: `cpack -G DEB` in the build directory, then the .deb is
# installed into an empty root (dpkg --root, no container) and the installed
# respec runs there under chroot, with only the libraries of the packages its
# Depends name: `--version`, `validate`; the man page and completions are in
# place. Exit 77 (CTest: skipped) when chroot is not permitted. Its Depends must be only
# shared libraries the binary links (dpkg-shlibdeps), never a -dev package.
# Usage: package_test.sh RESPEC_BIN  (RESPEC_BUILD_DIR: the CMake build directory)
set -u
BIN=${1:?usage: package_test.sh RESPEC_BIN}
BUILD=${RESPEC_BUILD_DIR:-$(dirname "$BIN")}
SRC=${RESPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
for tool in cpack dpkg dpkg-deb dpkg-shlibdeps; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool is missing (build-essential / dpkg-dev)"; exit 1; }
done

# Package into a private directory (never into the build tree another test may read).
(cd "$BUILD" && cpack -G DEB -B "$WORK/pkg" >"$WORK/cpack.log" 2>&1) || { cat "$WORK/cpack.log"; echo "FAIL: cpack"; exit 1; }
deb=$(ls "$WORK"/pkg/respec_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { cat "$WORK/cpack.log"; echo "FAIL: no .deb"; exit 1; }

depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
[ -n "$depends" ] || fail "no Depends: dpkg-shlibdeps did not run"
grep -q -- '-dev' <<<"$depends" && fail "a -dev package in Depends: $depends"
# Every Depends entry is the package of a library respec links.
libs=$(ldd "$BIN" | awk '/=>/ {print $3}')
for dep in $(tr ',' '\n' <<<"$depends" | sed 's/(.*//; s/|.*//; s/ //g'); do
  owned=""
  for l in $libs; do dpkg -S "$(readlink -f "$l")" 2>/dev/null | grep -q "^$dep[:,]" && owned=1 && break
    dpkg -S "$l" 2>/dev/null | grep -q "^$dep[:,]" && owned=1 && break; done
  [ -n "$owned" ] || fail "Depends names $dep, which owns no library respec links"
done

# Install into an empty root: dpkg needs its database skeleton, nothing else.
root="$WORK/root"
mkdir -p "$root/var/lib/dpkg/updates" "$root/var/lib/dpkg/info"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends --force-not-root --force-bad-path --log=/dev/null -i "$deb" >"$WORK/dpkg.log" 2>&1 \
  || { cat "$WORK/dpkg.log"; fail "dpkg -i into an empty root"; }
for f in usr/bin/respec usr/share/man/man1/respec.1 usr/share/bash-completion/completions/respec \
         usr/share/zsh/vendor-completions/_respec usr/share/respec/schemas/events.schema.json \
         usr/share/respec/schemas/fleet.schema.json usr/share/doc/respec/LICENSE; do
  [ -e "$root/$f" ] || fail "not installed: /$f"
done
grep -q "Apache License" "$root/usr/share/doc/respec/LICENSE" || fail "LICENSE is not Apache-2.0"

# Run the installed binary inside the root, with chroot: the root gets the
# files of the packages its Depends name (and theirs, recursively) copied from
# this host, nothing else, so a library missing from Depends fails here.
declare -A seen=()
queue=$(tr ',' '\n' <<<"$depends" | sed 's/(.*//; s/|.*//; s/ //g')
while [ -n "$queue" ]; do
  next=""
  for p in $queue; do
    p=${p%%:*}
    [ -n "$p" ] && [ -z "${seen[$p]:-}" ] || continue
    seen[$p]=1
    d=$(dpkg-query -W -f='${Depends},${Pre-Depends}\n' "$p" 2>/dev/null | head -1)
    next+=" $(tr ',' '\n' <<<"$d" | sed 's/(.*//; s/|.*//; s/ //g' | tr '\n' ' ')"
  done
  queue=$next
done
for p in "${!seen[@]}"; do
  dpkg -L "$p" 2>/dev/null | while read -r f; do
    case "$f" in */lib/*|*/lib64/*|*/lib32/*) [ -f "$f" ] && cp -a --parents "$f" "$root" 2>/dev/null ;; esac
  done
done
cp "$SRC/examples/web-canary.yaml" "$root/fleet.yaml"
if ! chroot "$root" /usr/bin/respec --version >"$WORK/v.txt" 2>&1 && grep -q 'Operation not permitted' "$WORK/v.txt"; then
  echo "SKIPPED: chroot is not permitted here (needs root); the package was built and installed, not run"
  [ $failures -eq 0 ] || exit 1
  exit 77
fi
grep -q '^respec [0-9]' "$WORK/v.txt" || fail "installed respec --version in the root: $(cat "$WORK/v.txt")"
chroot "$root" /usr/bin/respec validate -f /fleet.yaml >"$WORK/val.txt" 2>&1 \
  || fail "installed respec validate in the root: $(cat "$WORK/val.txt")"
grep -q '^/fleet.yaml: ok (2 groups, 2 targets)$' "$WORK/val.txt" || fail "validate: $(cat "$WORK/val.txt")"
cmp -s "$root/usr/share/man/man1/respec.1" <("$BIN" man) || fail "the installed man page is not the generated one"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "package: ok ($(basename "$deb"), $(du -k "$deb" | cut -f1) KiB)"
