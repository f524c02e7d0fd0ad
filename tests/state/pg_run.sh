#!/usr/bin/env bash
# Runs a Catch2 binary's PostgreSQL cases against a real, throwaway server
# (tests/cli/pg_lib.sh) with RESPEC_TEST_PG_URL set. Exit 77 (CTest's
# SKIP_RETURN_CODE: reported as skipped, never as passed) only when the
# PostgreSQL server binaries are not installed.
# Usage: pg_run.sh TEST_BINARY TAGS...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../cli/pg_lib.sh"
if ! pg_available; then
  echo "SKIPPED: PostgreSQL server binaries not found (apt-get install postgresql)"
  exit 77
fi
trap stop_pg EXIT
start_pg
RESPEC_TEST_PG_URL=$PG_URL "$@"
