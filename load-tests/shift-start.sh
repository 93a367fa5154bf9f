#!/usr/bin/env bash
# The shift-start benchmark: seeds $SHIFT_AGENTS load agents whose password is hashed with the
# real argon2 parameters, starts the server (release, loopback, no simulator), reads its memory,
# lets calldesk-shiftstart sign every agent in over $SHIFT_WINDOW_S seconds (each opens the desk
# socket and waits for hello), samples the server's memory every second through the storm, reads
# it again while every desk is still connected and once they have all gone, and ends with one line
# `SHIFT … rss_start_kib=… rss_peak_kib=… rss_connected_kib=… rss_after_kib=…`.
# Usage: load-tests/shift-start.sh   (env: SHIFT_AGENTS=5000, SHIFT_WINDOW_S=100, LOAD_PORT)
set -euo pipefail
cd "$(dirname "$0")/.."
AGENTS=${SHIFT_AGENTS:-5000}
WINDOW=${SHIFT_WINDOW_S:-100}
PORT=${LOAD_PORT:-18080}
DATA=$(mktemp -d /tmp/calldesk-shift.XXXXXX)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

cargo build --release -p calldesk -p calldesk-load-tests
./target/release/calldesk seed-load --data-dir "$DATA" --agents "$AGENTS" --real-hash
./target/release/calldesk serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" --no-simulator \
  --telephony-key shift-key > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$DATA"' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
sleep 2
rss() { ps -o rss= -p $SERVER | tr -d ' '; }
RSS0=$(rss)
echo "== server RSS at start: $RSS0 KiB; $AGENTS agents sign in over ${WINDOW}s"
( while kill -0 $SERVER 2>/dev/null; do rss >> "$DATA/rss.txt" 2>/dev/null || true; sleep 1; done ) &
SAMPLER=$!
./target/release/calldesk-shiftstart "http://127.0.0.1:$PORT" "$AGENTS" "$WINDOW" 15 \
  > "$DATA/shift.txt" 2> "$DATA/shift-errors.txt" &
DRIVER=$!
# Every desk still connected: read the memory during the hold.
until grep -q '^HOLDING' "$DATA/shift.txt" 2>/dev/null || ! kill -0 $DRIVER 2>/dev/null; do sleep 1; done
sleep 8
RSS_CONNECTED=$(rss)
wait $DRIVER || true
sleep 10
RSS_AFTER=$(rss)
kill $SAMPLER 2>/dev/null || true
grep '^==' "$DATA/shift.txt" || true
head -5 "$DATA/shift-errors.txt" || true
PEAK=$(sort -n "$DATA/rss.txt" | tail -1)
echo "== server RSS KiB: start $RSS0, peak $PEAK, all $AGENTS connected $RSS_CONNECTED, after they left $RSS_AFTER"
echo "$(grep '^SHIFT' "$DATA/shift.txt" || echo SHIFT) rss_start_kib=$RSS0 rss_peak_kib=$PEAK rss_connected_kib=$RSS_CONNECTED rss_after_kib=$RSS_AFTER"
