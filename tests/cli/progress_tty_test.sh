#!/usr/bin/env bash
# The live progress view in a real 80-column terminal (tmux, private socket):
# `respec apply` against the emulator; afterwards the whole scrollback holds
# no wrapped line and exactly one copy of the progress block (a redraw that
# wrapped would leave copies stacked). Then TERM=dumb on the same terminal
# gets plain lines, no escape sequences.
# Usage: progress_tty_test.sh RESPEC_BIN
set -u
BIN=${1:?usage: progress_tty_test.sh RESPEC_BIN}
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
SRC=${RESPEC_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v tmux >/dev/null || { echo "FAIL: tmux is missing (scripts/install-deps.sh test installs it)"; exit 1; }
WORK=$(mktemp -d)
EMU_PID=
TMUX_SOCK="$WORK/tmux.sock"
cleanup() {
  tmux -S "$TMUX_SOCK" kill-server 2>/dev/null
  [ -n "$EMU_PID" ] && kill "$EMU_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"
}
trap cleanup EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
cd "$WORK"

RESPEC=$BIN
source "$SRC/tests/cli/apply_lib.sh"   # start_emulator, the emulator's demo key
start_emulator "$WORK" --world "$SRC/examples/world.yaml" --time-scale 20 || { echo "FAIL: emulator"; exit 1; }
EP=$ENDPOINT
unset RESPEC_STATE_DIR RESPEC_PROFILE
"$BIN" --endpoint "$EP" plan -f "$SRC/examples/multi-region.yaml" --out plan.json >/dev/null 2>&1
[ -s plan.json ] || { echo "FAIL: no plan"; exit 1; }

# run_in_tmux TERM NAME: runs apply in an 80x30 terminal; leaves NAME.txt (the scrollback, wrapped lines joined).
run_in_tmux() {
  local term=$1 name=$2
  rm -f "$name.done"
  cat >"$name.sh" <<SH
export ALIBABA_CLOUD_ACCESS_KEY_ID=$ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET=$ALIBABA_CLOUD_ACCESS_KEY_SECRET TERM=$term
# A prompt line, as in a real session: tmux moves the screen into its history when the
# screen is cleared from the top-left corner, which a block at row 0 would trigger.
echo '\$ respec apply plan.json'
"$BIN" --endpoint "$EP" apply "$WORK/plan.json" --state-dir "$WORK/state-$name"
echo \$? > "$WORK/$name.done"
SH
  tmux -S "$TMUX_SOCK" new-session -d -s "$name" -x 80 -y 30 "bash $WORK/$name.sh; sleep 600"
  tmux -S "$TMUX_SOCK" set-option -t "$name" history-limit 5000 >/dev/null
  for _ in $(seq 600); do [ -s "$name.done" ] && break; sleep 0.1; done
  [ -s "$name.done" ] || fail "$name: apply did not finish"
  tmux -S "$TMUX_SOCK" capture-pane -t "$name" -p -J -S - >"$name.txt"
  tmux -S "$TMUX_SOCK" kill-session -t "$name"
}

run_in_tmux xterm-256color live
[ "$(cat live.done 2>/dev/null)" = 0 ] || fail "live: apply exited $(cat live.done 2>/dev/null): $(tail -5 live.txt)"
# Joined (-J) lines longer than the terminal were wrapped by it.
long=$(awk 'length($0) > 80' live.txt)
[ -z "$long" ] || fail "wrapped line(s) in an 80-column terminal: $long"
blocks=$(grep -c '^applying: \|^[0-9]*/[0-9]* done ' live.txt)
[ "$blocks" -eq 1 ] || fail "$blocks copies of the progress block in the scrollback, want 1: $(cat live.txt)"
[ -n "${KEEP_CAPTURE:-}" ] && cp live.txt "$KEEP_CAPTURE"
grep -q '^Apply complete' live.txt || fail "live: no summary: $(tail -5 live.txt)"

# The same plan again from a new state dir is stale; apply from scratch needs a fresh world: plan again.
"$BIN" --endpoint "$EP" plan -f "$SRC/examples/web-canary.yaml" --out plan.json >/dev/null 2>&1
run_in_tmux dumb dumb
[ "$(cat dumb.done 2>/dev/null)" = 0 ] || fail "dumb: apply exited $(cat dumb.done 2>/dev/null): $(tail -5 dumb.txt)"
grep -q '^\[ *[0-9.]*s\] ' dumb.txt || fail "TERM=dumb: no plain event lines: $(head -5 dumb.txt)"
grep -q '^applying: ' dumb.txt && fail "TERM=dumb: the live view was drawn"

[ $failures -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "progress view: ok"
