#!/usr/bin/env bash
# Lead upsert into SQLite through the shipped binary: `certguard leads domains` on N look-alike names (every one
# flagged, so every one is stored; batches of 1,000 per transaction), then the same file again (every name
# already a lead: N updates). Reports names/s for both.
# Usage: bench/leads.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
OUT=bench/out/leads-$N
BIN=target/release/certguard
cargo build --release -q -p certguard
mkdir -p "$OUT"
FEED=$OUT/names.txt
[ -f "$FEED" ] || python3 -c "
for i in range($N):
    print(f'tzzy-czz-cx{i}.com' if i % 2 else f'yjgl-zscx-{i}.top')" > "$FEED"
rm -rf "$OUT/data"
"$BIN" demo --data-dir "$OUT/data" --count 0 --no-serve >/dev/null 2>&1
for pass in insert update; do
  start=$(date +%s.%N)
  "$BIN" leads domains "$FEED" --data-dir "$OUT/data" > "$OUT/$pass.json" 2>/dev/null
  end=$(date +%s.%N)
  secs=$(echo "$end - $start" | bc -l)
  printf '%-7s %s  %6.2f s  %8.0f names/s\n' "$pass" "$(cat "$OUT/$pass.json")" "$secs" "$(echo "$N / $secs" | bc -l)"
done
