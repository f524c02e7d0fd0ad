#!/usr/bin/env bash
# Benchmark of the shared state backend (tests/cli/pg_lib.sh starts a
# throwaway PostgreSQL on a Unix socket, fsync on):
#  1. journal write latency (build/journal_pg_bench): target p99 <= 2 ms;
#  2. the 1,000-instance apply benchmark (bench/apply_bench.sh) with the
#     local directory and with PostgreSQL: target PostgreSQL within 5% of
#     the local wall time.
# Usage: bench/state_bench.sh BUILD_DIR   (env as apply_bench.sh: N, QPS, SCALE)
set -euo pipefail
BUILD=$(realpath "${1:-build}")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../tests/cli/pg_lib.sh"
if ! pg_available; then echo "state bench skipped: PostgreSQL server binaries not found"; exit 0; fi
trap stop_pg EXIT
start_pg
RESPEC_BENCH_PG_URL=$PG_URL "$BUILD/journal_pg_bench"
local_out=$(bash "$here/apply_bench.sh" "$BUILD")
pg_out=$(APPLY_STATE_BACKEND=$PG_URL bash "$here/apply_bench.sh" "$BUILD")
lw=$(echo "$local_out" | awk '/^wall time/ {print $3}')
pw=$(echo "$pg_out" | awk '/^wall time/ {print $3}')
echo "apply, local directory: wall $lw s"
echo "apply, PostgreSQL:      wall $pw s"
awk -v l="$lw" -v p="$pw" 'BEGIN { r = p / l; printf "PostgreSQL / local    %.3f  (target <= 1.05: %s)\n", r, (r <= 1.05 ? "ok" : "MISSED") }'
