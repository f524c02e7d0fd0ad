#!/usr/bin/env bash
# Runs every libFuzzer target built in BUILD_DIR (one per fuzz/*_fuzz.cc),
# each for SECONDS (default $FUZZ_SECONDS, else 600: the time is per target),
# starting from its seed corpus fuzz/corpus/<name>/. The seeds are copied to
# a scratch corpus so the repository is not polluted; crash inputs are kept
# in BUILD_DIR/fuzz-artifacts/<name>/. Exits non-zero if any target crashes,
# leaks, times out on an input or runs out of memory.
#
# Usage: scripts/fuzz.sh BUILD_DIR [SECONDS]
set -uo pipefail

build="${1:?usage: scripts/fuzz.sh BUILD_DIR [SECONDS]}"
seconds="${2:-${FUZZ_SECONDS:-600}}"
here="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$build" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

failed=()
ran=0
for src in "$here"/fuzz/*_fuzz.cc; do
  [ -e "$src" ] || continue
  name="$(basename "$src" .cc)"
  bin="$build/$name"
  if [ ! -x "$bin" ]; then
    echo "fuzz: $name: not built in $build (configure with -DRESPEC_FUZZ=ON)" >&2
    failed+=("$name (not built)")
    continue
  fi
  corpus="$scratch/$name"
  seeds="$here/fuzz/corpus/${name%_fuzz}"
  mkdir -p "$corpus" "$build/fuzz-artifacts/$name"
  [ -d "$seeds" ] && cp -R "$seeds"/. "$corpus"/
  echo "fuzz: $name for ${seconds}s (seeds: $(ls "$corpus" | wc -l))"
  start=$(date +%s)
  "$bin" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=30 \
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$name/" "$corpus" \
    >"$scratch/$name.log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$scratch/$name.log" | grep -o '[0-9]*$' | tail -1)"
  ran=$((ran + 1))
  if [ "$rc" != 0 ]; then
    echo "fuzz: $name FAILED (exit $rc after ${took}s); the end of its log:" >&2
    tail -40 "$scratch/$name.log" >&2
    cp "$scratch/$name.log" "$build/fuzz-artifacts/$name/last.log"
    failed+=("$name")
  else
    echo "fuzz: $name clean: ${runs:-?} runs in ${took}s, corpus grew to $(ls "$corpus" | wc -l) inputs"
  fi
done

if [ "$ran" = 0 ] && [ ${#failed[@]} = 0 ]; then
  echo "fuzz: no fuzz targets in $here/fuzz" >&2
  exit 1
fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: failed: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all $ran target(s) clean"
