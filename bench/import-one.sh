#!/usr/bin/env bash
# One import of the 1M-row CSV (made by bench/import.sh) by a given build into a fresh registry: wall time and
# max RSS (incl. mapped pages), for back-to-back comparisons of builds on the same file.
# Usage: bench/import-one.sh BIN LABEL     e.g. bench/import-one.sh target/release/certguard after
set -u
cd "$(dirname "$0")/.."
BIN=$1; L=$2; CSV=bench/out/import-1000000.csv; D=bench/out/import-one-$L
[ -f "$CSV" ] || { echo "run bench/import.sh 1000000 first (it makes $CSV)" >&2; exit 2; }
rm -rf "$D"; "$BIN" demo --data-dir "$D" --count 0 --no-serve >/dev/null 2>&1
s=$(date +%s.%N)
/usr/bin/time -f "%e s wall %M KB maxrss" "$BIN" import "$CSV" --data-dir "$D" > "$D.out" 2> "$D.err"
e=$(date +%s.%N)
echo "$L: $(tail -1 "$D.out") | $(tail -1 "$D.err") | $(python3 -c "print(f'{$e-$s:.1f}')") s"
