#!/usr/bin/env bash
# The data-volume benchmark: builds in release mode, writes a year of data with
# `calldesk seed-volume` into a temp data dir (timed; the file's size), starts the server on it
# (start-up time until /healthz answers, RSS then), runs `calldesk-datavol` (each kind of lookup,
# p50 / p99), prints the RSS after, times the consultation export (CSV and .xlsx, RSS sampled),
# stops the server.
# Usage: load-tests/data-volume.sh CUSTOMERS CONSULTATIONS [RESERVATIONS] [MESSAGES]
#   (env: VOL_DIR=/path keeps and reuses a seeded data dir; VOL_PORT, default 18085;
#    VOL_PER_KIND lookups per kind, default 300; VOL_WARM_WAIT=0 does not wait for the number
#    index's warm-up; VOL_EXPORT=0 skips the export)
set -euo pipefail
cd "$(dirname "$0")/.."
CUSTOMERS=${1:?customers}
CONSULTATIONS=${2:?consultations}
RESERVATIONS=${3:-0}
MESSAGES=${4:-0}
PORT=${VOL_PORT:-18085}
cargo build --release -p calldesk -p calldesk-load-tests
BIN=./target/release
if [ -n "${VOL_DIR:-}" ] && [ -f "$VOL_DIR/calldesk.redb" ]; then
  DATA=$VOL_DIR
  echo "== reusing $DATA"
else
  DATA=${VOL_DIR:-$(mktemp -d /tmp/calldesk-vol.XXXXXX)}
  mkdir -p "$DATA"
  echo "== seed-volume: $CUSTOMERS customers, $CONSULTATIONS consultations, $RESERVATIONS reservations, $MESSAGES messages"
  $BIN/calldesk seed-volume --data-dir "$DATA" \
    --customers "$CUSTOMERS" --consultations "$CONSULTATIONS" \
    --reservations "$RESERVATIONS" --messages "$MESSAGES"
fi
echo "== file: $(du -m "$DATA/calldesk.redb" | cut -f1) MiB"
T0=$(date +%s.%N)
$BIN/calldesk serve --data-dir "$DATA" --listen "127.0.0.1:$PORT" --no-simulator --telephony-key vol-telephony-key > "$DATA/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.05; done
T1=$(date +%s.%N)
echo "== start-up: $(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.2f", b - a }') s; RSS $(ps -o rss= -p $SERVER | tr -d ' ') KiB"
# The start-up pass over the screen-pop's number index (`store::warm`): the lookups start once it
# is done (VOL_WARM_WAIT=0 starts them at once, racing it).
if [ "${VOL_WARM_WAIT:-1}" != 0 ]; then
  for _ in $(seq 1 1200); do grep -q 'number index warm' "$DATA/server.log" && break; sleep 0.05; done
  T2=$(date +%s.%N)
  echo "== number index warmed $(awk -v a="$T0" -v b="$T2" 'BEGIN { printf "%.2f", b - a }') s after the start: $(sed 's/\x1b\[[0-9;]*m//g' "$DATA/server.log" | grep -o 'number index warm.*' | head -1)"
fi
$BIN/calldesk-datavol "http://127.0.0.1:$PORT" manager01 demo1234 "${VOL_PER_KIND:-300}" "$CUSTOMERS"
echo "== RSS after the lookups: $(ps -o rss= -p $SERVER | tr -d ' ') KiB"

# Export: the managers' consultation download over EXPORT_DAYS days ending today (36 days of a
# year of 10,000,000 ≈ 1,000,000 rows), CSV then .xlsx; time, size, rows, and the server's RSS
# sampled every 0.2 s while it streams (VOL_EXPORT=0 skips).
if [ "${VOL_EXPORT:-1}" != 0 ]; then
  TOKEN=$(curl -sf -X POST -H 'content-type: application/json' \
    -d '{"login":"manager01","password":"demo1234"}' "http://127.0.0.1:$PORT/api/login" |
    sed -E 's/.*"token":"([^"]+)".*/\1/')
  TO=$(TZ=Asia/Seoul date +%F)
  FROM=$(TZ=Asia/Seoul date -d "-$(( ${EXPORT_DAYS:-36} - 1 )) days" +%F)
  for fmt in csv xlsx; do
    OUT=$DATA/export.$fmt
    ( while kill -0 $SERVER 2>/dev/null; do ps -o rss= -p $SERVER; sleep 0.2; done ) > "$DATA/rss.$fmt" &
    SAMPLER=$!
    BEFORE=$(ps -o rss= -p $SERVER | tr -d ' ')
    RES=$(curl -s -o "$OUT" -w '%{http_code} %{size_download} %{time_total}' \
      -H "authorization: Bearer $TOKEN" \
      "http://127.0.0.1:$PORT/api/consultations/export?from=$FROM&to=$TO&format=$fmt")
    kill $SAMPLER 2>/dev/null || true
    PEAK=$(sort -n "$DATA/rss.$fmt" | tail -1 | tr -d ' ')
    ROWS=""
    [ "$fmt" = csv ] && ROWS=" rows $(( $(wc -l < "$OUT") - 1 ))"
    echo "== export $fmt $FROM..$TO: status/bytes/seconds $RES;$ROWS RSS before ${BEFORE} KiB, peak ${PEAK} KiB, after $(ps -o rss= -p $SERVER | tr -d ' ') KiB"
    rm -f "$OUT"
  done
fi
