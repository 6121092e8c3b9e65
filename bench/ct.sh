#!/usr/bin/env bash
# CT following, measured on the shipped binary against a local static-ct-api log.
# A log of N generated certificates (crates/ctwatch/examples/make_test_log.rs) is served by a static file
# server; `certguard watch ct --once` reads all of it on one core (taskset -c 0):
#   1. --verify-only: fetch the data tiles, hash every entry, check the root against the signed checkpoint;
#   2. the follower as it runs: the same, plus parsing every certificate, scoring its names, storing leads.
# Then the log grows by M entries and one more step reads them: the time from entries being published to
# their leads being stored (the server adds at most ct_poll_seconds of waiting on top).
# Usage: bench/ct.sh [N] [M]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
M="${2:-256}"
OUT=bench/out/ct-$N-$M
BIN=target/release/certguard
cargo build --release -q -p certguard
cargo build --release -q -p certguard-ctwatch --example make_test_log
if [ ! -f "$OUT/b/checkpoint" ]; then
  rm -rf "$OUT" && mkdir -p "$OUT"
  target/release/examples/make_test_log "$OUT" "$N" "$M" > "$OUT/log.txt"
fi
ORIGIN=$(awk '/^origin/ {print $2}' "$OUT/log.txt")
KEY=$(awk '/^key/ {print $2}' "$OUT/log.txt")
ln -sfn a "$OUT/current"
PORT=18931
python3 -m http.server --bind 127.0.0.1 --directory "$OUT" "$PORT" >/dev/null 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null' EXIT
sleep 1
URL="http://127.0.0.1:$PORT/current"
run() { # label data-dir extra-args...
  local label=$1 dir=$2 start end
  shift 2
  start=$(date +%s.%N)
  taskset -c 0 "$BIN" watch ct "$URL" --key "$KEY" --origin "$ORIGIN" --once --data-dir "$dir" "$@" > "$dir.json" 2>/dev/null
  end=$(date +%s.%N)
  local secs entries
  secs=$(echo "$end - $start" | bc -l)
  entries=$(python3 -c "import json;print(json.load(open('$dir.json'))['entries'])")
  printf '%-34s %8d entries  %7.2f s  %9.0f entries/s  %s\n' "$label" "$entries" "$secs" "$(echo "$entries / $secs" | bc -l)" \
    "$(python3 -c "import json;r=json.load(open('$dir.json'));print(f\"flagged {r['flagged']}, names {r['names']}\")")"
}
rm -rf "$OUT/d1" "$OUT/d2"
run "fetch + hash + verify (baseline)" "$OUT/d1" --verify-only
run "follow: + parse, score, store" "$OUT/d2"
ln -sfn b "$OUT/current"
run "next step: $M new entries" "$OUT/d2"
