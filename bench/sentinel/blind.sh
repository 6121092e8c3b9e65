#!/usr/bin/env bash
# Recall and false positives of the shipped `certguard scan domains` and `certguard scan ads` on the frozen
# blind corpus (testdata/blind-sentinel/batch-N: written from the label definitions alone, never tuned on).
# Domains are judged as `scan domains` does by default, against each official profile (a name flagged by any
# counts), and against the MEM profile alone. Usage: [BIN=path] bench/sentinel/blind.sh [BATCH_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
batch="${1:-testdata/blind-sentinel/batch-1}"
# BIN=path measures another build (e.g. the one before a change) on the same data.
if [ -z "${BIN:-}" ]; then cargo build --release -q -p certguard; fi
bin="${BIN:-target/release/certguard}"
out=$(mktemp -d)
tail -n +2 "$batch/domains.tsv" | cut -f2 > "$out/domains.txt"
for p in mem samr mohurd osta; do "$bin" scan domains "$out/domains.txt" --profile "$p" > "$out/domains-$p.jsonl"; done
"$bin" scan domains "$out/domains.txt" > "$out/domains-default.jsonl"
"$bin" scan ads "$batch/ads.jsonl" > "$out/ads.jsonl"
python3 - "$batch" "$out" <<'PY'
import json, sys
batch, out = sys.argv[1], sys.argv[2]
labels = [l.split('\t') for l in open(f'{batch}/domains.tsv', encoding='utf-8').read().splitlines()[1:]]
runs = {p: [json.loads(l) for l in open(f'{out}/domains-{p}.jsonl')] for p in ['mem', 'samr', 'mohurd', 'osta']}
def score(flags, labels):
    tp = sum(1 for f, l in zip(flags, labels) if f and l == 'positive')
    fp = sum(1 for f, l in zip(flags, labels) if f and l == 'negative')
    pos, neg = labels.count('positive'), labels.count('negative')
    return f'recall {tp}/{pos} = {tp/pos:.1%}, false positives {fp}/{neg} = {fp/neg:.1%}'
dl = [l[0] for l in labels]
print('domains, default profile (mem):', score([r.get('flagged', False) for r in runs['mem']], dl))
default = [json.loads(l) for l in open(f'{out}/domains-default.jsonl')]
print('domains, as shipped (scan domains without --profile):', score([r.get('flagged', False) for r in default], dl))
print('domains, any of the four profiles:', score([any(runs[p][i].get('flagged', False) for p in runs) for i in range(len(dl))], dl))
ads = [json.loads(l) for l in open(f'{batch}/ads.jsonl', encoding='utf-8')]
got = [json.loads(l) for l in open(f'{out}/ads.jsonl')]
print('ads:', score([g.get('flagged', False) for g in got], [a['label'] for a in ads]))
PY
rm -rf "$out"
