#!/usr/bin/env bash
# Lookup API under load: N certificates in SQLite (default 1,000,000), wrk -t2 -c64 against
# POST /api/v1/lookup (random existing number+name pairs) and, in the same run, against GET /healthz.
# Then /healthz again with its request built by Lua (the same client-side cost as the lookup's) and the lookup
# once more. Also reports the server's peak resident memory. Usage: bench/lookup.sh [N] [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
SECS="${2:-20}"
OUT=bench/out/lookup-$N
BIN=target/release/certguard
PORT=18181
mkdir -p bench/out
cargo build --release -q -p certguard
if [ ! -f "$OUT/certguard.db" ]; then
  rm -rf "$OUT"
  echo "seeding $N certificates into $OUT ..."
  /usr/bin/time -f "seed: %e s, max RSS %M KiB" "$BIN" demo --data-dir "$OUT" --count "$N" --no-serve >/dev/null
fi
# 20,000 real (number, name) pairs, full numbers, from the registry itself.
if [ ! -f "$OUT/lookups.txt" ]; then
  "$BIN" export "$OUT/all.csv" --data-dir "$OUT" --full-id --english >/dev/null
  python3 - "$OUT/all.csv" "$OUT/lookups.txt" <<'PY'
import csv, json, random, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig")))
random.seed(7)
with open(sys.argv[2], "w") as f:
    for r in random.sample(rows, min(20000, len(rows))):
        f.write(json.dumps({"number": r["number"], "name": r["name"]}, ensure_ascii=False) + "\n")
PY
  rm -f "$OUT/all.csv"
fi
CERTGUARD_LOOKUP_PER_MINUTE=1000000000 CERTGUARD_LOG=warn "$BIN" serve --data-dir "$OUT" --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
# Warm up, then measure both routes back to back on the same server.
# Long enough for the readers to fault the mapped database in (a new process maps it afresh).
wrk -t2 -c64 -d${SECS}s -s bench/lookup.lua "http://127.0.0.1:$PORT" -- "$OUT/lookups.txt" >/dev/null
echo "lookup  $(wrk -t2 -c64 -d${SECS}s --latency -s bench/lookup.lua "http://127.0.0.1:$PORT" -- "$OUT/lookups.txt" | grep RESULT)"
echo "healthz $(wrk -t2 -c64 -d${SECS}s --latency -s bench/health.lua "http://127.0.0.1:$PORT/healthz" | grep RESULT)"
# The same route with its request built by Lua per request, as the lookup's are (same client-side cost).
echo "healthz-lua $(wrk -t2 -c64 -d${SECS}s --latency -s bench/health_dynamic.lua "http://127.0.0.1:$PORT" | grep RESULT)"
echo "lookup-again $(wrk -t2 -c64 -d${SECS}s --latency -s bench/lookup.lua "http://127.0.0.1:$PORT" -- "$OUT/lookups.txt" | grep RESULT)"
# Readers map the database file: its pages count as file-backed RSS (page cache), not as the server's own memory.
echo "server peak RSS: $(grep VmHWM /proc/$PID/status | awk '{print $2/1024 " MiB"}'), of which anonymous now: $(grep RssAnon /proc/$PID/status | awk '{print $2/1024 " MiB"}'), file-backed now: $(grep RssFile /proc/$PID/status | awk '{print $2/1024 " MiB"}')"
# A lookup really finds something.
curl -s -X POST "http://127.0.0.1:$PORT/api/v1/lookup" -H 'content-type: application/json' -d "$(head -1 "$OUT/lookups.txt")" | head -c 120; echo
