#!/usr/bin/env bash
# Runs the calldesk load test end to end on this machine: builds in release mode, seeds a fresh
# load brand with $LOAD_DESKS agents into a temp data dir, starts the server on loopback without
# the simulator, runs goose (desks over WebSocket + callers through the gateway), stops the
# server, and prints the figures and the command that produced them, ending with one line
# `RESULT desks=… rate=… offer_p50_ms=… … rss_kib=… rss_per_desk_kib=…` (`relay_p99_ms` /
# `ratio_p99`: the bare relay run alone before calldesk, and calldesk's offer p99 against it;
# `beside_p99_ms` / `ratio_beside`: the probe, a small relay run beside calldesk's run, and the
# offer p99 against it; `rss_kib`: the highest RSS sampled during the run; `rss_end_kib`: after
# the driver left; `steal_pct` / `relay_steal_pct`: the share of the machine's CPU the
# hypervisor gave to other guests during calldesk's / the relay's run — a few per cent or more
# and the run measured the neighbours).
# Two spare logins beyond the desks (e.g. load1001, load1002 for 1,000 desks; same password)
# are seeded for outside observers; the driver never uses them.
# Usage: load-tests/run.sh [RUN_SECONDS]
#   (env: LOAD_DESKS, LOAD_CALLS_PER_SEC, LOAD_CALLERS, LOAD_MANAGERS, LOAD_WATCH_EVERY, LOAD_IDLE,
#    LOAD_OFFER_LOG=FILE (every offer's clocks), CALLDESK_HTTP_WORKERS (the server's), LOAD_PORT,
#    LOAD_RELAY_S (the relay's seconds; default as long as the run, at most 120),
#    LOAD_RELAY_AFTER=1 (the relay again after calldesk), LOAD_PROBE=0 (no relay beside calldesk's
#    run: step 3), LOAD_PROBE_HOP=1 (every other probe call through one extra thread hop, as
#    calldesk's routing thread: the ratio split into the machine's load, that hop and calldesk's
#    own path; adds beside_hop_p99_ms=), LOAD_RSS_EVERY, LOAD_PROFILE=debug|release|profiling, LOAD_CHECK=1;
#    LOAD_VOLUME="CUSTOMERS CONSULTATIONS" writes that much history into the load brand first
#    (`seed-volume`); LOAD_BACKUP_AT=S runs `calldesk backup` S seconds into the run and prints
#    how long it took, so the run's figures show what a backup under load costs;
#    LOAD_SERVER_CPUS / LOAD_DRIVER_CPUS, e.g. 0 and 1, pin the server (and the relay) and the
#    driver to those cores with taskset, to tell their contention from the server's own cost)
set -euo pipefail
cd "$(dirname "$0")/.."
RUN_S=${1:-60}
export LOAD_DESKS=${LOAD_DESKS:-1000}
export LOAD_CALLS_PER_SEC=${LOAD_CALLS_PER_SEC:-50}
export LOAD_CALLERS=${LOAD_CALLERS:-10}
export LOAD_WARMUP_S=${LOAD_WARMUP_S:-12}
export LOAD_TELEPHONY_KEY=load-telephony-key
PORT=${LOAD_PORT:-18080}
DATA=$(mktemp -d /tmp/calldesk-load.XXXXXX)
# As many descriptors as the hard limit allows (the driver holds two per desk).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# LOAD_PROFILE=debug uses the debug build (the CI smoke run: `make load-smoke`).
if [ "${LOAD_PROFILE:-release}" = debug ]; then
  cargo build -p calldesk -p calldesk-load-tests
  BIN=./target/debug
elif [ "${LOAD_PROFILE:-release}" = profiling ]; then
  # The release build with line tables (Cargo.toml `[profile.profiling]`), for `perf`.
  cargo build --profile profiling -p calldesk -p calldesk-load-tests
  BIN=./target/profiling
else
  cargo build --release -p calldesk -p calldesk-load-tests
  BIN=./target/release
fi

SRV_PIN=""; DRV_PIN=""
[ -n "${LOAD_SERVER_CPUS:-}" ] && SRV_PIN="taskset -c $LOAD_SERVER_CPUS"
[ -n "${LOAD_DRIVER_CPUS:-}" ] && DRV_PIN="taskset -c $LOAD_DRIVER_CPUS"
# LOAD_DRIVER_NICE=N runs the driver (for the relay and for calldesk alike) at that niceness, so
# the server is served first when the two want the same core — as when the desks are browsers
# on other machines.
[ -n "${LOAD_DRIVER_NICE:-}" ] && DRV_PIN="nice -n $LOAD_DRIVER_NICE $DRV_PIN"

# 1. The bare relay, same desks and rate: the floor this machine sets for an offer.
RELAY_PORT=$((PORT + 1))
# As long as calldesk's run (at most 120 s), so both p99s see the same stretch of this shared
# machine's weather: a relay of 20 s next to a calldesk run of 60 s caught a burst of the host's
# contention, or missed it, far more often than the longer run did.
RELAY_S=${LOAD_RELAY_S:-$(( RUN_S < 120 ? RUN_S : 120 ))}
# The machine's CPU ticks so far: all of them, those the hypervisor gave to other guests
# (steal), the busy ones (user, nice, system), and busy + idle + iowait (what "machine busy" is
# a share of). A run whose steal is more than a few per cent measured this VM's neighbours as
# much as the server: its p99s (the relay's too) are not comparable with a quiet run's.
cpu_ticks() {
  local u n s i w q sq st
  read -r _ u n s i w q sq st _ < /proc/stat
  echo "$((u + n + s + i + w + q + sq + st)) $st $((u + n + s)) $((u + n + s + i + w))"
}
# Percent of the ticks between two `cpu_ticks` readings ($1 … $4, then $5 … $8) that were
# stolen.
steal_pct() { awk -v a="$1" -v b="$2" -v c="$5" -v d="$6" 'BEGIN { if (c > a) printf "%.1f", 100 * (d - b) / (c - a); else print 0 }'; }
# Percent busy between two readings.
busy_pct() { awk -v a="$4" -v b="$3" -v c="$8" -v d="$7" 'BEGIN { if (c > a) printf "%.0f", 100 * (d - b) / (c - a); else print 0 }'; }
# Percent of the machine one process took between two readings: its ticks before and after, then
# the two machine readings (the same base as busy_pct).
proc_pct() { awk -v s0="$1" -v s1="$2" -v a="$6" -v c="${10}" 'BEGIN { if (c > a) printf "%.0f", 100 * (s1 - s0) / (c - a); else print 0 }'; }

# Runs the relay with the driver; prints its summary and how busy the machine was, leaves its
# p99 in RELAY_OUT and the share of the machine stolen meanwhile in RELAY_STEAL.
run_relay() {
  $SRV_PIN $BIN/calldesk-relay "127.0.0.1:$RELAY_PORT" > /dev/null 2>&1 &
  local relay=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$RELAY_PORT/healthz" >/dev/null && break; sleep 0.1; done
  echo "== bare relay$2: $LOAD_DESKS sockets, $LOAD_CALLS_PER_SEC calls/s, ${RELAY_S}s"
  local t0 t1
  t0=$(cpu_ticks)
  LOAD_RELAY=1 LOAD_HATCH=1000 LOAD_WARMUP_S=$(( LOAD_DESKS / 1000 + 3 )) \
    $DRV_PIN $BIN/calldesk-load --host "http://127.0.0.1:$RELAY_PORT" --run-time "$(( RELAY_S + LOAD_DESKS / 1000 + 3 ))s" \
    --no-print-metrics > "$1" 2>&1 || true
  t1=$(cpu_ticks)
  # shellcheck disable=SC2086 # four numbers each
  RELAY_STEAL=$(steal_pct $t0 $t1)
  local busy
  # shellcheck disable=SC2086
  busy=$(busy_pct $t0 $t1)
  kill $relay 2>/dev/null || true; wait $relay 2>/dev/null || true
  grep '^== relay' "$1" || echo "== relay: no figures (see $1)"
  echo "== relay: machine busy meanwhile $busy %, stolen by the hypervisor $RELAY_STEAL %"
  RELAY_OUT=$(grep '^RELAY' "$1" | sed -n 's/.*relay_p99_ms=\([0-9.]*\).*/\1/p')
}
run_relay "$DATA/relay.txt" ""
RELAY_P99=$RELAY_OUT
RELAY_STEAL0=$RELAY_STEAL

# 2. calldesk.
$BIN/calldesk seed-load --data-dir "$DATA" --agents "$((LOAD_DESKS + 2))"
if [ -n "${LOAD_VOLUME:-}" ]; then
  read -r VC VN <<< "$LOAD_VOLUME"
  $BIN/calldesk seed-volume --data-dir "$DATA" --brand 1 --customers "$VC" --consultations "$VN"
fi
$SRV_PIN $BIN/calldesk serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" --no-simulator \
  --telephony-key "$LOAD_TELEPHONY_KEY" > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
RSS0=$(ps -o rss= -p $SERVER | tr -d ' ')
# The server's memory over the run, every LOAD_RSS_EVERY seconds (the soak's curve).
( t=0; while kill -0 $SERVER 2>/dev/null; do echo "$t $(ps -o rss= -p $SERVER | tr -d ' ')" >> "$DATA/rss.txt"; sleep "${LOAD_RSS_EVERY:-10}"; t=$((t + ${LOAD_RSS_EVERY:-10})); done ) &
SAMPLER=$!

CMD="LOAD_DESKS=$LOAD_DESKS LOAD_CALLS_PER_SEC=$LOAD_CALLS_PER_SEC LOAD_CALLERS=$LOAD_CALLERS $BIN/calldesk-load --host http://127.0.0.1:$PORT --run-time ${RUN_S}s"
echo "== $CMD"
T0=$(cpu_ticks)
# The server's own CPU ticks (user + system, all threads), to split "machine busy" below.
srv_ticks() { sed -E 's/^.*\) //' /proc/$SERVER/stat | awk '{print $12 + $13}'; }
S0=$(srv_ticks)
if [ -n "${LOAD_BACKUP_AT:-}" ]; then
  ( sleep "$LOAD_BACKUP_AT"; B0=$(date +%s.%N)
    $BIN/calldesk backup --data-dir "$DATA" --to "$DATA/backup.redb" > "$DATA/backup.txt" 2>&1
    B1=$(date +%s.%N)
    echo "== backup under load: $(awk -v a="$B0" -v b="$B1" 'BEGIN { printf "%.1f", b - a }') s, started ${LOAD_BACKUP_AT} s into the run: $(tail -1 "$DATA/backup.txt")"
    rm -f "$DATA/backup.redb" ) &
fi
# 3. The probe (LOAD_PROBE=1, the default): a small bare relay beside calldesk's run — a fifth of
# the desks (50 to 1,000 sockets) and of the rate (at least 20 calls/s). The relay above
# measures the machine at rest; the probe measures what the same minimal path gets from the
# machine while calldesk's whole calls (answer, notes, wrap-up, lists, commits) share its cores,
# so a report tells what the machine's load costs any path from what calldesk's own path adds.
# Its processes start with calldesk's driver and connect during the warm-up; its calls start
# with calldesk's (both count the warm-up from their start) and end ~5 s before them (goose
# counts the run time from when all its users are in, at LOAD_HATCH, 100 a second). Started
# mid-run, the two processes' start-up stalled calldesk's commits for a moment: every durable
# ack's p99 (note.save, answer, the gateway's 201) went from ~7 to 35–140 ms, the offers' not.
PROBE_PORT=$((PORT + 2))
PROBE_DESKS=$(( LOAD_DESKS / 5 )); PROBE_DESKS=$(( PROBE_DESKS < 50 ? 50 : PROBE_DESKS > 1000 ? 1000 : PROBE_DESKS ))
PROBE_RATE=$(awk -v r="$LOAD_CALLS_PER_SEC" 'BEGIN { r = r / 5; if (r < 20) r = 20; printf "%d", r }')
PROBE_CALLERS=$(( PROBE_RATE / 5 > 0 ? PROBE_RATE / 5 : 1 ))
# calldesk's driver ends at its users' launch (LOAD_HATCH a second) + RUN_S; the probe's 5 s earlier.
PROBE_S=$(( (LOAD_DESKS + LOAD_CALLERS) / ${LOAD_HATCH:-100} + RUN_S - 5 - (PROBE_DESKS + PROBE_CALLERS) / 100 ))
PROBE_S=$(( PROBE_S < 5 ? 5 : PROBE_S ))
# LOAD_PROBE_HOP=1: the probe's relay sends every other call through an actor on a thread of
# its own first (RELAY_HOP, RELAY_ALT), the driver times the two paths apart, and beside_p99_ms
# stays the direct path's.
PROBE_ENV=""
[ "${LOAD_PROBE_HOP:-0}" = 1 ] && PROBE_ENV="RELAY_HOP=1 RELAY_ALT=1"
probe() {
  # shellcheck disable=SC2086 # empty or two assignments
  env $PROBE_ENV $SRV_PIN $BIN/calldesk-relay "127.0.0.1:$PROBE_PORT" > /dev/null 2>&1 &
  local relay=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PROBE_PORT/healthz" >/dev/null && break; sleep 0.1; done
  LOAD_RELAY=1 LOAD_HATCH=100 LOAD_DESKS=$PROBE_DESKS LOAD_CALLS_PER_SEC=$PROBE_RATE \
    LOAD_CALLERS=$PROBE_CALLERS $DRV_PIN $BIN/calldesk-load --host "http://127.0.0.1:$PROBE_PORT" \
    --run-time "${PROBE_S}s" --no-print-metrics --no-telnet --no-websocket > "$DATA/probe.txt" 2>&1 || true
  kill $relay 2>/dev/null || true; wait $relay 2>/dev/null || true
}
PROBE=""
if [ "${LOAD_PROBE:-1}" = 1 ]; then
  probe &
  PROBE=$!
  trap 'kill $SERVER $PROBE 2>/dev/null || true; pkill -f "calldesk-relay 127.0.0.1:$PROBE_PORT" 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
fi
$DRV_PIN $BIN/calldesk-load --host "http://127.0.0.1:$PORT" --run-time "${RUN_S}s" \
  --report-file "$DATA/report.html" 2>&1 | tee "$DATA/goose.txt"
RSS=$(ps -o rss= -p $SERVER | tr -d ' ')
T1=$(cpu_ticks)
S1=$(srv_ticks)
BESIDE_P99=""
if [ -n "$PROBE" ]; then
  wait "$PROBE" 2>/dev/null || true
  echo "== relay beside calldesk (probe, ${PROBE_DESKS} sockets, ${PROBE_RATE} calls/s, its calls alongside calldesk's): $(sed -n 's/^== relay summary: [^:]*: //p' "$DATA/probe.txt" | grep . || echo "no figures (see $DATA/probe.txt)")"
  BESIDE_P99=$(grep '^RELAY' "$DATA/probe.txt" | sed -n 's/.*relay_p99_ms=\([0-9.]*\).*/\1/p')
  BESIDE_HOP_P99=$(grep '^RELAY' "$DATA/probe.txt" | sed -n 's/.*relay_hop_p99_ms=\([0-9.]*\).*/\1/p')
  [ -n "$BESIDE_HOP_P99" ] && echo "== the probe $(sed -n 's/^== relay by path: //p' "$DATA/probe.txt")"
fi
# shellcheck disable=SC2086 # four numbers each
STEAL=$(steal_pct $T0 $T1)
# shellcheck disable=SC2086
echo "== machine busy during the driver's run: $(busy_pct $T0 $T1) %; stolen by the hypervisor: $STEAL %"
# shellcheck disable=SC2086
echo "== of which the server: $(proc_pct $S0 $S1 $T0 $T1) % of the machine (the rest: the driver, the probe, the kernel's softirqs)"
# Where the server's CPU went: seconds per thread name (actix-rt workers, the routing and
# floor arbiters, the store writer, tokio's blocking pool).
# (From /proc/PID/task/*/stat: `ps -L` reports the whole process's time on the main thread's row.)
TCK=$(getconf CLK_TCK)
# One line per server thread: its name, a tab, its stat fields joined by `_` (f[11], f[12] are
# user and system ticks).
thread_cpu() {
  for t in /proc/$SERVER/task/*; do sed -E 's/^[0-9]+ \(([^)]*)\) [A-Za-z] (.*)$/\1\t\2/' "$t/stat" | tr ' ' '_'; echo; done
}
echo "== server CPU s by thread: $(thread_cpu | awk -F'\t' -v tck="$TCK" 'NF == 2 { split($2, f, "_"); s[$1] += (f[11] + f[12]) / tck } END { for (k in s) if (s[k] >= 1) printf "%s=%d ", k, s[k] }')"
# The actix threads one by one (the HTTP workers, the routing and the floor's threads share a
# name): an HTTP worker far busier than the other holds most of the desks' sockets.
echo "== server actix threads, CPU s each: $(thread_cpu | awk -F'\t' -v tck="$TCK" 'NF == 2 && $1 ~ /actix/ { split($2, f, "_"); v = (f[11] + f[12]) / tck; if (v >= 1) printf "%d ", v }')"
kill $SAMPLER 2>/dev/null || true
echo "== server RSS (kB): $RSS (at start: $RSS0)"
echo "== server RSS over the run (seconds since start: KiB): $(awk '{printf "%s:%s ", $1, $2}' "$DATA/rss.txt")"
curl -s "http://127.0.0.1:$PORT/metrics" > "$DATA/metrics.txt" || true
echo "== calls created: $(awk '/^calldesk_calls_total/ {print $2}' "$DATA/metrics.txt")"
# The server's own view (/metrics histograms): the bucket holding each p99.
for m in calldesk_offer_latency_seconds calldesk_socket_wait_seconds calldesk_note_save_seconds calldesk_store_commit_seconds; do
  awk -v m="$m" '$1 ~ "^"m"_bucket" { n++; le[n] = $1; c[n] = $2 } $1 == m"_count" { total = $2 }
    END { for (i = 1; i <= n; i++) if (c[i] >= 0.99 * total) { sub(/.*le="/, "", le[i]); sub(/".*/, "", le[i]);
      printf "== server %s: p99 <= %s s (%d observed)\n", m, le[i], total; exit } }' "$DATA/metrics.txt"
done
awk '$1 == "calldesk_store_batch_writes_sum" { w = $2 } $1 == "calldesk_store_batch_writes_count" { n = $2 }
  END { if (n > 0) printf "== store: %d commits, %.1f writes per commit\n", n, w / n }' "$DATA/metrics.txt"
echo "== report: $DATA/report.html; goose output: $DATA/goose.txt; server log: $DATA/server.log"
# LOAD_RELAY_AFTER=1: the relay once more with the server stopped, so a run shows how much the
# machine's own floor moved while it ran (the ratio stays against the first).
RELAY_AFTER=""
if [ "${LOAD_RELAY_AFTER:-0}" = 1 ]; then
  kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true
  run_relay "$DATA/relay-after.txt" " (after)"
  RELAY_AFTER=" relay_after_p99_ms=${RELAY_OUT:-?}"
fi
LINE="$(grep '^RESULT' "$DATA/goose.txt" || echo RESULT)"
OFFER_P99=$(echo "$LINE" | sed -n 's/.*offer_p99_ms=\([0-9.]*\).*/\1/p')
RATIO=$(awk -v a="${OFFER_P99:-0}" -v b="${RELAY_P99:-0}" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }')
BESIDE=""
if [ -n "$PROBE" ]; then
  BESIDE=" beside_p99_ms=${BESIDE_P99:-?} ratio_beside=$(awk -v a="${OFFER_P99:-0}" -v b="${BESIDE_P99:-0}" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "?" }')"
  if [ -n "${BESIDE_HOP_P99:-}" ]; then
    BESIDE="$BESIDE beside_hop_p99_ms=$BESIDE_HOP_P99"
    # ratio_p99 = (beside / alone) x (hop / direct, beside) x (offer / hop, beside)
    echo "== the offer's ratio in three factors: $(awk -v o="${OFFER_P99:-0}" -v a="${RELAY_P99:-0}" -v d="${BESIDE_P99:-0}" -v h="$BESIDE_HOP_P99" 'BEGIN {
      if (a > 0 && d > 0 && h > 0) printf "machine load %.2fx (relay beside / alone) x one thread hop %.2fx (the probe: hop / direct) x calldesk own path %.2fx (offer / the probe hop) = %.1fx", d / a, h / d, o / h, o / a; else print "?" }')"
  fi
fi
# RSS while every desk was connected and calls flowed (the highest sample), and its growth
# over start-up per desk (the store's page cache and the run's calls included).
PEAK=$(awk '{print $2}' "$DATA/rss.txt" | sort -n | tail -1)
PEAK=$(( ${PEAK:-$RSS} > RSS ? ${PEAK:-$RSS} : RSS ))
echo "$LINE relay_p99_ms=${RELAY_P99:-?}$RELAY_AFTER ratio_p99=$RATIO$BESIDE rss_kib=$PEAK rss_end_kib=$RSS rss_per_desk_kib=$(( (PEAK - RSS0) / LOAD_DESKS )) steal_pct=$STEAL relay_steal_pct=${RELAY_STEAL0:-?}"
# LOAD_CHECK=1: fail unless calls were offered and nothing failed (the CI smoke run).
if [ "${LOAD_CHECK:-0}" = 1 ]; then
  echo "$LINE" | grep -q ' errors=0 ' && echo "$LINE" | grep -q ' connect_failures=0 ' \
    && echo "$LINE" | grep -Eq 'offer_p50_ms=[0-9.]*[1-9]' \
    || { echo "load smoke run failed: $LINE"; exit 1; }
  # The probe, when on, must have measured (a relay that never answered would leave `?`).
  if [ -n "$PROBE" ] && ! echo "$BESIDE" | grep -Eq 'beside_p99_ms=[0-9.]*[1-9]'; then
    echo "load smoke run failed: the relay beside calldesk gave no figures (see $DATA/probe.txt)"; exit 1
  fi
  # With LOAD_PROBE_HOP=1 the probe must have timed both of its paths.
  if [ -n "$PROBE" ] && [ "${LOAD_PROBE_HOP:-0}" = 1 ] && ! echo "$BESIDE" | grep -Eq 'beside_hop_p99_ms=[0-9.]*[1-9]'; then
    echo "load smoke run failed: the probe did not time its hop path (see $DATA/probe.txt)"; exit 1
  fi
  echo "load smoke run passed"
fi
