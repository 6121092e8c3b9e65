#!/usr/bin/env python3
"""Independent format / consistency checks for an exam-telemetry set.

    python3 check.py set-m [--stats]
Exit status 0 when every hard check passes; warnings do not fail.
"""
import gzip
import ipaddress
import json
import re
import sys
from collections import Counter, defaultdict
from datetime import datetime

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
KINDS = {"exam", "session_start", "session_end", "processes", "connections", "input", "device", "display", "answer"}
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
TRUTH_KINDS = {"honest", "software", "hardware", "operator", "leak"}
errors = []
warnings = []


def err(m):
    if len(errors) < 50:
        print("ERROR:", m)
    errors.append(m)


def warn(m):
    warnings.append(m)


def parse_at(s):
    if not isinstance(s, str) or not RFC3339.match(s):
        return None
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        return None


def ok_remote(x):
    if not isinstance(x, str) or not x:
        return False
    try:
        ip = ipaddress.ip_address(x)
    except ValueError:
        return x.endswith(".example")
    if ip.is_private or ip.is_loopback:
        return True
    doc = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"]
    return any(ip in ipaddress.ip_network(n) for n in doc)


def key(x):
    return json.dumps(x, sort_keys=True, ensure_ascii=False)


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "set-m"
    stats = "--stats" in sys.argv
    path = d + "/events.jsonl.gz"
    raw = open(path, "rb").read()
    if len(raw) >= 3 * 1024 * 1024:
        err("events.jsonl.gz is %d bytes (>= 3 MB)" % len(raw))
    if raw[:2] != b"\x1f\x8b":
        err("not gzip")
    if int.from_bytes(raw[4:8], "little") != 0:
        err("gzip mtime is not 0")
    flg = raw[3]
    if flg & 8:
        end = raw.index(b"\x00", 10)
        if raw[10:end] != b"events.jsonl":
            err("gzip inner name %r" % raw[10:end])
    else:
        err("gzip header has no inner file name")
    text = gzip.decompress(raw).decode("utf-8")
    by_id = {}
    lines = 0
    kind_lines = Counter()
    kind_ids = Counter()
    sessions = defaultdict(lambda: defaultdict(list))
    exams = {}
    for n, line in enumerate(text.splitlines(), 1):
        lines += 1
        try:
            o = json.loads(line)
        except ValueError:
            err("line %d not JSON" % n)
            continue
        if not isinstance(o, dict):
            err("line %d not an object" % n)
            continue
        if o.get("v") != 1:
            err("line %d v != 1" % n)
        k = o.get("kind")
        if k not in KINDS:
            err("line %d unknown kind %r" % (n, k))
            continue
        kind_lines[k] += 1
        i = o.get("id")
        if not isinstance(i, (str, int)) or isinstance(i, bool):
            err("line %d bad id" % n)
            continue
        ik = (type(i).__name__, i)
        if ik in by_id:
            if key(by_id[ik]) != key(o):
                err("line %d id %r reused with different content" % (n, i))
            continue
        by_id[ik] = o
        kind_ids[k] += 1
        if parse_at(o.get("at")) is None:
            err("line %d bad at %r" % (n, o.get("at")))
        for f in REQ[k]:
            if f not in o:
                err("line %d kind %s missing %s" % (n, k, f))
        if k == "exam":
            if o["exam"] in exams:
                warn("exam %s sent twice with different ids" % o["exam"])
            exams[o["exam"]] = o
            continue
        if "session" not in o:
            err("line %d no session" % n)
            continue
        sessions[key(o["session"])][k].append(o)
        if k == "input":
            for f in ("interval_ms", "keys", "pointer"):
                if not isinstance(o[f], int) or o[f] < 0:
                    err("line %d input %s=%r" % (n, f, o[f]))
        if k == "device":
            if o["action"] not in ("attached", "removed", "present"):
                err("line %d device action %r" % (n, o["action"]))
            if o["class"] not in ("hid", "storage", "other"):
                err("line %d device class %r" % (n, o["class"]))
        if k == "connections":
            for c in o["connections"]:
                if not ok_remote(c.get("remote")):
                    err("line %d non-private/non-documentation remote %r" % (n, c.get("remote")))
                if not isinstance(c.get("port"), int):
                    err("line %d port %r" % (n, c.get("port")))
        if k == "processes":
            for p in o["processes"]:
                if not p.get("name"):
                    err("line %d process without name" % n)
        if k == "session_start":
            cand = str(o["candidate"])
            if re.fullmatch(r"\d{17}[\dXx]", cand):
                err("line %d candidate looks like an ID-card number" % n)
            if isinstance(o["terminal"], str) and "." in o["terminal"] and not o["terminal"].endswith(".example"):
                err("line %d terminal host name not .example" % n)
    # exams
    for e, o in exams.items():
        if not (90 <= o["minutes"] <= 120):
            warn("exam %s minutes %s" % (e, o["minutes"]))
        if len(o["questions"]) != 100:
            warn("exam %s has %d questions" % (e, len(o["questions"])))
        for q in o["questions"]:
            op = q["options"]
            labels = op if isinstance(op, list) else None
            if labels is not None and q["key"] not in labels:
                err("exam %s question %r key not among labels" % (e, q["id"]))
    # sessions
    truth = [json.loads(l) for l in open(d + "/truth.jsonl", encoding="utf-8")]
    tk = {}
    for t in truth:
        if set(t) != {"session", "kind"}:
            err("truth line fields %r" % sorted(t))
        if t["kind"] not in TRUTH_KINDS:
            err("truth kind %r" % t["kind"])
        if key(t["session"]) in tk:
            err("truth session %r twice" % t["session"])
        tk[key(t["session"])] = t["kind"]
    if set(tk) != set(sessions):
        err("truth/events session sets differ: %d vs %d" % (len(tk), len(sessions)))
    score = defaultdict(list)
    dur = defaultdict(list)
    for s, ev in sessions.items():
        st = ev.get("session_start", [])
        if len(st) != 1:
            err("session %s has %d distinct session_start" % (s, len(st)))
            continue
        st = st[0]
        if len(ev.get("session_end", [])) == 0:
            warn("session %s has no session_end" % s)
        ex = exams.get(st["exam"])
        if ex is None:
            err("session %s exam %s unknown" % (s, st["exam"]))
            continue
        qmap = {key(q["id"]): q for q in ex["questions"]}
        last = {}
        for a in sorted(ev.get("answer", []), key=lambda o: parse_at(o["at"])):
            q = qmap.get(key(a["question"]))
            if q is None:
                err("session %s answer to unknown question %r" % (s, a["question"]))
                continue
            op = q["options"]
            if isinstance(op, list):
                if a["choice"] not in op:
                    err("session %s choice %r not in %r" % (s, a["choice"], op))
            elif type(a["choice"]) is not type(q["key"]):
                err("session %s choice type differs from key type" % s)
            last[key(a["question"])] = a["choice"]
        sc = sum(1 for qk, c in last.items() if qmap[qk]["key"] == c)
        kind = tk.get(s, "?")
        score[kind].append(sc * 100 // len(ex["questions"]))
        ts = [parse_at(o["at"]) for k2 in ev for o in ev[k2]]
        dur[kind].append((max(ts) - min(ts)).total_seconds() / 60)
    ck = Counter(tk.values())
    print("lines %d, unique ids %d, sessions %d, exams %d" % (lines, len(by_id), len(sessions), len(exams)))
    print("truth kinds:", dict(ck))
    if stats:
        print("\n| kind | lines | unique ids |\n|---|---:|---:|")
        for k in sorted(kind_lines):
            print("| %s | %d | %d |" % (k, kind_lines[k], kind_ids[k]))
        print("\n| label | sessions | mean score | min | median | max | pass (>=80) | median span (min) |\n|---|---:|---:|---:|---:|---:|---:|---:|")
        for k in ["honest", "software", "hardware", "operator", "leak"]:
            v = sorted(score[k])
            dd = sorted(dur[k])
            if not v:
                continue
            print("| %s | %d | %.1f | %d | %d | %d | %d | %.0f |" % (k, ck[k], sum(v) / len(v), v[0], v[len(v) // 2], v[-1],
                                                                  sum(1 for x in v if x >= 80), dd[len(dd) // 2]))
    print("warnings: %d" % len(warnings))
    for w in warnings[:10]:
        print("  warn:", w)
    print("errors: %d" % len(errors))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
