#!/usr/bin/env bash
# Ingestion of exam-room events into SQLite through the shipped binary, on one core: `certguard exam ingest`
# of a simulated 1,000-candidate exam into a fresh database, beside reading and parsing the same file alone
# (`exam analyze --parse-only`). Then the same file again: every event already stored.
# Usage: bench/exam-ingest.sh [N] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
SEED="${2:-1}"
BIN=target/release/certguard
cargo build --release -q -p certguard
OUT=bench/out/exam-$N-$SEED
[ -f "$OUT/events.jsonl" ] || "$BIN" exam simulate --candidates "$N" --cheat-rate 0.05 --seed "$SEED" --out "$OUT" 2>/dev/null
rm -rf "$OUT/db"
"$BIN" demo --data-dir "$OUT/db" --count 0 --no-serve >/dev/null 2>&1
lines=$(wc -l < "$OUT/events.jsonl")
t() { local s e; s=$(date +%s.%N); "$@" > "$OUT/last.json" 2>/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
parse=$(t taskset -c 0 "$BIN" exam analyze "$OUT/events.jsonl" --parse-only)
first=$(t taskset -c 0 "$BIN" exam ingest "$OUT/events.jsonl" --centre C-3201-01 --data-dir "$OUT/db")
stored=$(python3 -c "import json;print(json.load(open('$OUT/last.json'))['stored'])")
again=$(t taskset -c 0 "$BIN" exam ingest "$OUT/events.jsonl" --centre C-3201-01 --data-dir "$OUT/db")
printf 'parse alone:       %8d lines  %6.2f s  %9.0f lines/s\n' "$lines" "$parse" "$(echo "$lines / $parse" | bc -l)"
printf 'ingest (new):      %8d lines  %6.2f s  %9.0f events/s  (%d stored; %.1fx the parse)\n' "$lines" "$first" "$(echo "$lines / $first" | bc -l)" "$stored" "$(echo "$first / $parse" | bc -l)"
printf 'ingest (resent):   %8d lines  %6.2f s  %9.0f events/s\n' "$lines" "$again" "$(echo "$lines / $again" | bc -l)"
