#!/usr/bin/env bash
# Lists what the shipped binary gets wrong on the TUNING set (testdata/sentinel-tuning): missed positives and
# false positives with their scores and reasons. It reads only files under testdata/sentinel-tuning: blind
# batches are for measuring only (bench/sentinel/blind.sh).
# Usage: bench/sentinel/tune.sh [domains|domains-2|ads|ads-2|ads-3]
set -euo pipefail
cd "$(dirname "$0")/../.."
what="${1:-domains}"
set_dir=testdata/sentinel-tuning
if [ -z "${BIN:-}" ]; then cargo build --release -q -p certguard; fi
bin="${BIN:-target/release/certguard}"
out=$(mktemp -d)
if [ "${what#domains}" != "$what" ]; then
  tail -n +2 "$set_dir/$what.tsv" | cut -f2 > "$out/in.txt"
  "$bin" scan domains "$out/in.txt" > "$out/out.jsonl"
else
  "$bin" scan ads "$set_dir/$what.jsonl" > "$out/out.jsonl"
fi
python3 - "$what" "$set_dir" "$out/out.jsonl" <<'PY'
import json, sys
what, set_dir, out = sys.argv[1:]
got = [json.loads(l) for l in open(out)]
if what.startswith('domains'):
    rows = [l.split('\t') for l in open(f'{set_dir}/{what}.tsv', encoding='utf-8').read().splitlines()[1:]]
    items = [(r[0], r[1], r[2] if len(r) > 2 else '') for r in rows]
else:
    items = [(a['label'], a['text'], a.get('note', '')) for a in map(json.loads, open(f'{set_dir}/{what}.jsonl', encoding='utf-8'))]
for (label, text, note), g in zip(items, got):
    flagged = g.get('flagged', False)
    if flagged != (label == 'positive'):
        why = ' '.join(f"{r['code']}:{r['points']}" for r in g.get('reasons', [])) or ' '.join(
            f"{p['phrase']}/{p['kind']}" for p in g.get('phrases', [])) + ' => ' + ','.join(
            r['rule'] for r in g.get('rules', [])) + (' suppressed: ' + g['suppressed'] if g.get('suppressed') else '')
        print(f"{'MISS' if label == 'positive' else 'FP  '} {g.get('score')} {text} | {note} | {why}")
PY
rm -rf "$out"
