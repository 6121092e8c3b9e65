#!/usr/bin/env python3
"""Independent format / consistency checks for a generated set.

    python3 check.py set-l            # checks, prints a summary, exit 1 on failure
    python3 check.py set-l --markdown # also prints README tables
"""
import gzip
import hashlib
import json
import os
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$")
KINDS = {"exam", "session_start", "session_end", "processes", "connections", "input", "device", "display", "answer"}
LABELS = {"honest", "software", "hardware", "operator", "leak"}
REQ = {
    "exam": ["exam", "questions", "pass_mark", "minutes"],
    "session_start": ["candidate", "exam", "centre", "room", "seat", "terminal"],
    "session_end": [],
    "processes": ["processes"],
    "connections": ["connections"],
    "input": ["interval_ms", "keys", "pointer"],
    "device": ["action", "class", "name"],
    "display": ["displays"],
    "answer": ["question", "choice"],
}
PRIVATE = [re.compile(p) for p in (r"^10\.", r"^192\.168\.", r"^172\.(1[6-9]|2\d|3[01])\.", r"^127\.",
                                   r"^192\.0\.2\.", r"^198\.51\.100\.", r"^203\.0\.113\.")]

errors = []


def err(msg):
    if len(errors) < 50:
        print("ERROR:", msg)
    errors.append(msg)


def parse_at(s):
    if not isinstance(s, str) or not RFC3339.match(s):
        return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "set-l"
    md = "--markdown" in sys.argv
    gz = os.path.join(d, "events.jsonl.gz")
    raw = open(gz, "rb").read()
    if raw[:2] != b"\x1f\x8b":
        err("not gzip")
    if raw[4:8] != b"\x00\x00\x00\x00":
        err("gzip mtime is not 0")
    flg = raw[3]
    if flg & 8:
        end = raw.index(b"\x00", 10)
        if raw[10:end] != b"events.jsonl":
            err("gzip inner name %r" % raw[10:end])
    else:
        err("gzip has no inner name")
    if len(raw) >= 3 * 1000 * 1000:
        err("events.jsonl.gz is %d bytes (>= 3 MB)" % len(raw))
    seen = {}
    lines = Counter()
    uniq = Counter()
    exams = {}
    sess_events = defaultdict(list)
    starts = {}
    n = 0
    with gzip.open(gz, "rt", encoding="utf-8") as f:
        for ln, line in enumerate(f, 1):
            n += 1
            try:
                e = json.loads(line)
            except ValueError:
                err("line %d: bad json" % ln)
                continue
            if e.get("v") != 1:
                err("line %d: v != 1" % ln)
            k = e.get("kind")
            if k not in KINDS:
                err("line %d: kind %r" % (ln, k))
                continue
            lines[k] += 1
            i = e.get("id")
            if not isinstance(i, str) or not i:
                err("line %d: bad id" % ln)
            if i in seen:
                if seen[i] != line:
                    err("line %d: id %s reused with different content" % (ln, i))
                continue
            seen[i] = line
            uniq[k] += 1
            if parse_at(e.get("at")) is None:
                err("line %d: at %r not RFC 3339" % (ln, e.get("at")))
            for fld in REQ[k]:
                if fld not in e:
                    err("line %d: %s lacks %s" % (ln, k, fld))
            if k == "exam":
                if "session" in e:
                    err("exam event carries a session")
                exams[e["exam"]] = e
                continue
            if not isinstance(e.get("session"), str):
                err("line %d: no session" % ln)
                continue
            s = e["session"]
            sess_events[s].append(e)
            if k == "session_start":
                starts[s] = e
            elif k == "connections":
                for c in e["connections"]:
                    rem = c.get("remote")
                    if not isinstance(rem, str):
                        err("line %d: remote" % ln)
                    elif re.match(r"^\d+\.\d+\.\d+\.\d+$", rem):
                        if not any(p.match(rem) for p in PRIVATE):
                            err("line %d: public address %s" % (ln, rem))
                    elif not rem.endswith(".example"):
                        err("line %d: host %s not .example" % (ln, rem))
                    if not isinstance(c.get("port"), int):
                        err("line %d: port" % ln)
            elif k == "processes":
                for p in e["processes"]:
                    if not isinstance(p.get("name"), str):
                        err("line %d: process name" % ln)
            elif k == "input":
                for fld in ("interval_ms", "keys", "pointer"):
                    if not isinstance(e[fld], int) or e[fld] < 0:
                        err("line %d: input %s" % (ln, fld))
            elif k == "device":
                if e["action"] not in ("attached", "removed", "present"):
                    err("line %d: device action" % ln)
                if e["class"] not in ("hid", "storage", "other"):
                    err("line %d: device class" % ln)
            elif k == "display":
                if not isinstance(e["displays"], int):
                    err("line %d: displays" % ln)
    truth = [json.loads(l) for l in open(os.path.join(d, "truth.jsonl"), encoding="utf-8")]
    tk = {}
    for t in truth:
        if set(t) != {"session", "kind"} or t["kind"] not in LABELS:
            err("truth line %r" % t)
        if t["session"] in tk:
            err("truth duplicate %s" % t["session"])
        tk[t["session"]] = t["kind"]
    if set(tk) != set(sess_events):
        err("truth sessions != event sessions (%d vs %d)" % (len(tk), len(sess_events)))
    for s in sess_events:
        if s not in starts:
            err("session %s has no session_start" % s)
    # answers against exam keys; score per session
    scores = defaultdict(list)
    for s, evs in sess_events.items():
        st = starts.get(s)
        if not st:
            continue
        ex = exams.get(st["exam"])
        if not ex:
            err("session %s: unknown exam %s" % (s, st["exam"]))
            continue
        qmap = {}
        for q in ex["questions"]:
            labels = q["options"] if isinstance(q["options"], list) else [chr(65 + j) for j in range(q["options"])]
            qmap[json.dumps(q["id"])] = (q["key"], labels)
        last = {}
        for e in sorted((e for e in evs if e["kind"] == "answer"), key=lambda e: parse_at(e["at"])):
            qk = json.dumps(e["question"])
            if qk not in qmap:
                err("session %s: unknown question %s" % (s, qk))
                continue
            if e["choice"] not in qmap[qk][1]:
                err("session %s: choice %r not a label" % (s, e["choice"]))
            last[qk] = e["choice"]
        sc = sum(1 for qk, (key, _) in qmap.items() if last.get(qk) == key)
        scores[tk.get(s, "?")].append(sc)
    kinds = Counter(tk.values())
    print("events: %d lines, %d unique ids" % (n, len(seen)))
    print("sessions per kind:", dict(sorted(kinds.items())))
    for k in sorted(scores):
        v = sorted(scores[k])
        print("score %-9s n=%d min=%d median=%d mean=%.1f max=%d passed(>=80)=%d" % (
            k, len(v), v[0], v[len(v) // 2], sum(v) / len(v), v[-1], sum(1 for x in v if x >= 80)))
    if md:
        print("\n| file | bytes | sha256 |\n|---|---:|---|")
        for fn in ("gen.py", "check.py", os.path.join(d, "events.jsonl.gz"), os.path.join(d, "truth.jsonl")):
            b = open(fn, "rb").read()
            print("| `%s` | %d | `%s` |" % (fn, len(b), hashlib.sha256(b).hexdigest()))
        print("\n| event kind | lines | unique ids |\n|---|---:|---:|")
        for k in sorted(lines):
            print("| `%s` | %d | %d |" % (k, lines[k], uniq[k]))
        print("| **total** | %d | %d |" % (n, len(seen)))
        print("\n| label | sessions | min | median | mean | max | scored >= 80 |\n|---|---:|---:|---:|---:|---:|---:|")
        for k in ("honest", "software", "hardware", "operator", "leak"):
            v = sorted(scores[k])
            print("| %s | %d | %d | %d | %.1f | %d | %d |" % (k, len(v), v[0], v[len(v) // 2], sum(v) / len(v), v[-1],
                                                          sum(1 for x in v if x >= 80)))
    if errors:
        print("FAILED: %d problems" % len(errors))
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
