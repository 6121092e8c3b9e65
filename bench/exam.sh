#!/usr/bin/env bash
# Exam integrity on the shipped binary: simulated exams of N candidates with 5% cheaters of each kind, one per
# seed; for each, the time to read and parse the events alone (the baseline), the time of the whole analysis
# (read, parse, collect, fit the models, run every detector, write the verdicts), and the detection figures
# against the truth.
# Usage: bench/exam.sh [N] [SEEDS...]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-1000}"
shift || true
SEEDS=("${@:-1 2 3 4 5}")
BIN=target/release/certguard
cargo build --release -q -p certguard
for seed in ${SEEDS[@]}; do
  OUT=bench/out/exam-$N-$seed
  [ -f "$OUT/events.jsonl" ] || "$BIN" exam simulate --candidates "$N" --cheat-rate 0.05 --seed "$seed" --out "$OUT" 2>/dev/null
  size=$(stat -c %s "$OUT/events.jsonl")
  t0=$(date +%s.%N)
  taskset -c 0 "$BIN" exam analyze "$OUT/events.jsonl" --parse-only > "$OUT/parse.json" 2>/dev/null
  t1=$(date +%s.%N)
  taskset -c 0 "$BIN" exam analyze "$OUT/events.jsonl" --truth "$OUT/truth.jsonl" > "$OUT/verdicts.jsonl" 2> "$OUT/figures.txt"
  t2=$(date +%s.%N)
  python3 - "$OUT" "$size" "$t0" "$t1" "$t2" "$seed" <<'PY'
import json, sys
out, size, t0, t1, t2, seed = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:6]), sys.argv[6]
parse = json.load(open(f"{out}/parse.json"))
text = open(f"{out}/figures.txt").read()
fig = json.loads(text[text.index("{"):])
k = fig["kinds"]
def r(name): return f'{k[name]["flagged"]}/{k[name]["sessions"]}'
lines = parse["lines"]
print(f'seed {seed}: {lines} lines, {size/1e6:.1f} MB; parse alone {t1-t0:.2f} s ({lines/(t1-t0):,.0f} lines/s), '
      f'analysis {t2-t1:.2f} s ({(t2-t1)/(t1-t0):.1f}x); software {r("software")}, hardware {r("hardware")}, '
      f'operator {r("operator")}, leak {r("leak")}; honest flagged {fig["honest_flagged"]}/{fig["honest"]}; '
      f'fast-able honest flagged {fig["honest_profiles"].get("fast_able", [0, 0])[1]}/{fig["honest_profiles"].get("fast_able", [0, 0])[0]}')
PY
done
