#!/usr/bin/env bash
# Roster verification through the shipped binary, on one core: `certguard roster verify` of an N-row roster
# (every certificate of an N-certificate demo registry, by number, name and item) into a results file with a
# signed, logged receipt, beside reading the same file alone (`--read-only`: hash, decode, split into rows).
# Usage: bench/roster.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-100000}"
BIN=target/release/certguard
cargo build --release -q -p certguard
OUT=bench/out/roster-$N
if [ ! -f "$OUT/roster.csv" ]; then
  rm -rf "$OUT" && mkdir -p "$OUT"
  "$BIN" demo --data-dir "$OUT/db" --count "$N" --no-serve >/dev/null 2>&1
  "$BIN" export "$OUT/all.csv" --full-id --data-dir "$OUT/db" >/dev/null 2>&1
  python3 - "$OUT" <<'PY'
import csv, sys
out = sys.argv[1]
rows = list(csv.reader(open(f"{out}/all.csv", encoding="utf-8-sig")))
h = rows[0]
n, name, item = h.index("证号"), h.index("姓名"), h.index("操作项目")
with open(f"{out}/roster.csv", "w", encoding="utf-8") as f:
    f.write("证号,姓名,操作项目\n")
    for r in rows[1:]:
        f.write(f"{r[n]},{r[name]},{r[item]}\n")
PY
fi
rows=$(($(wc -l < "$OUT/roster.csv") - 1))
t() { local s e; s=$(date +%s.%N); "$@" > /dev/null 2>"$OUT/last.err" || [ $? -eq 2 ]; e=$(date +%s.%N); echo "$e - $s" | bc -l; }
read_alone=$(t taskset -c 0 "$BIN" roster verify "$OUT/roster.csv" --read-only)
verify=$(t taskset -c 0 "$BIN" roster verify "$OUT/roster.csv" --data-dir "$OUT/db" --out "$OUT/results.jsonl" --receipt "$OUT/receipt.txt")
printf 'read alone:   %8d rows  %6.2f s  %9.0f rows/s\n' "$rows" "$read_alone" "$(echo "$rows / $read_alone" | bc -l)"
printf 'verify:       %8d rows  %6.2f s  %9.0f rows/s  (%.1fx reading alone; target <= 10 s)\n' "$rows" "$verify" "$(echo "$rows / $verify" | bc -l)" "$(echo "$verify / $read_alone" | bc -l)"
tail -2 "$OUT/last.err"
