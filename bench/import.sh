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
/usr/bin/time -f "import: %e s wall, max RSS %M KiB" "$BIN" import "$CSV" --data-dir "$DEST" 2>&1 | tail -2 || true  # exit 2: rows were rejected
echo "re-import (idempotent):"
/usr/bin/time -f "re-import: %e s wall, max RSS %M KiB" "$BIN" import "$CSV" --data-dir "$DEST" 2>&1 | tail -2 || true
