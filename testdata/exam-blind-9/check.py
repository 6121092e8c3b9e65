#!/usr/bin/env python3
"""Independent checks of a generated set (format and label consistency)."""
import gzip, json, sys, re
from collections import Counter, defaultdict
from datetime import datetime
d = sys.argv[1] if len(sys.argv) > 1 else 'set-j'
RFC = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$')
truth = [json.loads(l) for l in open(d + '/truth.jsonl', encoding='utf-8')]
tk = dict((t['session'], t['kind']) for t in truth)
assert len(tk) == len(truth)
print('truth', Counter(tk.values()))
exams = {}
starts = defaultdict(set)
seen = {}
bad = 0
answers = []
n = 0
for line in gzip.open(d + '/events.jsonl.gz', 'rt', encoding='utf-8'):
    n += 1
    o = json.loads(line)
    assert o['v'] == 1 and isinstance(o['id'], str) and isinstance(o['kind'], str), o
    assert RFC.match(o['at']), o['at']
    datetime.fromisoformat(o['at'].replace('Z', '+00:00'))
    if o['id'] in seen:
        assert seen[o['id']] == line, ('id reuse with different content', o['id'])
        continue
    seen[o['id']] = line
    k = o['kind']
    if k == 'exam':
        exams[o['exam']] = dict((q['id'], q) for q in o['questions'])
        continue
    s = o['session']
    assert s in tk, ('session outside truth', s)
    if k == 'session_start':
        starts[s].add(o['exam'])
    elif k == 'answer':
        answers.append((s, o['question'], o['choice']))
for s in tk:
    assert s in starts, ('no session_start', s)
    assert len(starts[s]) == 1
for s, q, c in answers:
    ex = list(starts[s])[0]
    assert ex in exams, ex
    qq = exams[ex][q]
    labels = qq['options'] if isinstance(qq['options'], list) else 'ABCDEFGH'[:qq['options']]
    assert c in labels, (q, c, labels)
print('lines', n, 'unique', len(seen), 'answers', len(answers), 'exams', len(exams), 'OK')
