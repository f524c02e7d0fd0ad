#!/usr/bin/env bash
# Runs every benchmark and prints its figures. Benchmarks are measurements,
# not tests: they report numbers against the targets; they never run in
# `make test`.
set -uo pipefail
BUILD=${1:-build}
BUILD=$(realpath "$BUILD")
cd "$(dirname "$0")/.."
status=0
for b in "$BUILD"/*_bench; do
  [ -x "$b" ] || continue
  printf '\n== %s\n' "$(basename "$b")"
  "$b" || status=1
done
for s in bench/*.sh; do
  [ -f "$s" ] || continue
  printf '\n== %s\n' "$s"
  bash "$s" "$BUILD" || status=1
done
exit $status
