#!/usr/bin/env bash
# Import of N rows (default 1,000,000) from CSV into a fresh SQLite registry: wall time and peak memory.
# The CSV is a full-ID export of the demo registry made by bench/lookup.sh (or made here).
# Usage: bench/import.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000000}"
SRC=bench/out/lookup-$N
BIN=target/release/certguard
cargo build --release -q -p certguard
if [ ! -f "$SRC/certguard.db" ]; then
  "$BIN" demo --data-dir "$SRC" --count "$N" --no-serve >/dev/null
fi
CSV=bench/out/import-$N.csv
[ -f "$CSV" ] || "$BIN" export "$CSV" --data-dir "$SRC" --full-id >/dev/null
DEST=bench/out/import-dest-$N
rm -rf "$DEST"
"$BIN" authority list --data-dir "$SRC" >/dev/null
# The destination needs the same authorities: seed demo authorities and accounts without certificates.
"$BIN" demo --data-dir "$DEST" --count 0 --no-serve >/dev/null
echo "rows: $(($(wc -l < "$CSV") - 1)), file: $(du -h "$CSV" | cut -f1)"
# Runs an import and reports wall time, the peak of its own (anonymous) memory and the peak of the file-backed
# part (SQLite readers map the database: those pages are the OS page cache, shared and reclaimable).
measure() {
  local label=$1 start anon=0 file=0 a f
  start=$(date +%s.%N)
  "$BIN" import "$CSV" --data-dir "$DEST" >"$DEST.$label.out" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    a=$(awk '/RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    f=$(awk '/RssFile/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ "${a:-0}" -gt "$anon" ] && anon=$a
    [ "${f:-0}" -gt "$file" ] && file=$f
    sleep 0.2
  done
  wait "$pid" || true  # exit 2: rows were rejected
  tail -1 "$DEST.$label.out"
  echo "$label: $(python3 -c "import time; print(f'{time.time() - $start:.1f}')") s wall, peak anonymous RSS $((anon / 1024)) MiB, peak file-backed RSS $((file / 1024)) MiB"
}
measure import
echo "re-import (idempotent):"
measure re-import
