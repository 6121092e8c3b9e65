#!/usr/bin/env python3
"""Independent format / consistency checks for a generated set.

    python3 check.py set-k
Exits non-zero on any failure; prints counts and a score summary per kind.
"""
import gzip
import hashlib
import ipaddress
import json
import os
import statistics
import sys
from datetime import datetime

KINDS = {"exam", "session_start", "session_end", "processes", "connections", "input", "device", "display", "answer"}
LABELS = {"honest", "software", "hardware", "operator", "leak"}
FIELDS = {
    "exam": {"exam", "questions", "pass_mark", "minutes"},
    "session_start": {"candidate", "exam", "centre", "room", "seat", "terminal"},
    "session_end": set(),
    "processes": {"processes"},
    "connections": {"connections"},
    "input": {"interval_ms", "keys", "pointer"},
    "device": {"action", "class", "name", "vid", "pid"},
    "display": {"displays", "mirrored", "resolution"},
    "answer": {"question", "choice"},
}
errors = []


def err(msg):
    if len(errors) < 50:
        print("FAIL:", msg)
    errors.append(msg)


def ok_remote(x):
    try:
        ip = ipaddress.ip_address(x)
    except ValueError:
        return x.endswith(".example")
    doc = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]
    return ip.is_private or ip.is_loopback or any(ip in n for n in doc)


def main(d):
    gz = os.path.join(d, "events.jsonl.gz")
    raw = open(gz, "rb").read()
    if len(raw) >= 3 * 1024 * 1024:
        err("events.jsonl.gz too large: %d" % len(raw))
    if raw[:2] != b"\x1f\x8b" or raw[4:8] != b"\0\0\0\0":
        err("gzip header: mtime must be 0")
    if raw[3] & 8:
        name = raw[10:raw.index(b"\0", 10)].decode()
        if name != "events.jsonl":
            err("inner name %r" % name)
    else:
        err("gzip has no inner name")
    seen = {}
    lines = 0
    per_kind_lines, per_kind_ids = {}, {}
    exams = {}
    sess = {}
    for ln in gzip.decompress(raw).decode("utf-8").splitlines():
        lines += 1
        o = json.loads(ln)
        k = o.get("kind")
        if o.get("v") != 1 or k not in KINDS:
            err("bad v/kind %s" % ln[:120])
            continue
        per_kind_lines[k] = per_kind_lines.get(k, 0) + 1
        i = o.get("id")
        if not isinstance(i, str) or not i:
            err("bad id")
        if i in seen:
            if seen[i] != o:
                err("id %s reused with different content" % i)
            continue
        seen[i] = o
        per_kind_ids[k] = per_kind_ids.get(k, 0) + 1
        try:
            datetime.fromisoformat(o["at"].replace("Z", "+00:00"))
            assert "T" in o["at"] and (o["at"].endswith("Z") or o["at"][-6] in "+-")
        except Exception:
            err("bad at %r" % o.get("at"))
        extra = set(o) - {"v", "id", "at", "kind", "session"} - FIELDS[k]
        missing = FIELDS[k] - set(o)
        if extra or missing:
            err("%s fields extra=%s missing=%s" % (k, extra, missing))
        if k == "exam":
            if "session" in o:
                err("exam with session")
            exams[o["exam"]] = o
            continue
        if not isinstance(o.get("session"), str):
            err("missing session")
            continue
        S = sess.setdefault(o["session"], {"starts": [], "answers": [], "end": 0, "n": 0})
        S["n"] += 1
        if k == "session_start":
            S["starts"].append(o)
        elif k == "session_end":
            S["end"] += 1
        elif k == "answer":
            S["answers"].append(o)
        elif k == "input":
            if not all(isinstance(o[x], int) and o[x] >= 0 for x in ("interval_ms", "keys", "pointer")):
                err("bad input %s" % i)
        elif k == "device":
            if o["action"] not in ("attached", "removed", "present") or o["class"] not in ("hid", "storage", "other"):
                err("bad device %s" % i)
        elif k == "display":
            if not isinstance(o["displays"], int) or not isinstance(o["mirrored"], bool):
                err("bad display %s" % i)
        elif k == "processes":
            for p in o["processes"]:
                if set(p) != {"name", "path", "signer"}:
                    err("bad process entry %s" % i)
        elif k == "connections":
            for c in o["connections"]:
                if set(c) != {"remote", "port", "process"} or not ok_remote(c["remote"]):
                    err("bad connection %s %s" % (i, c))
    # truth
    truth = [json.loads(x) for x in open(os.path.join(d, "truth.jsonl"), encoding="utf-8")]
    tk = {}
    for t in truth:
        if set(t) != {"session", "kind"} or t["kind"] not in LABELS:
            err("bad truth line %s" % t)
        if t["session"] in tk:
            err("duplicate truth %s" % t["session"])
        tk[t["session"]] = t["kind"]
    if set(tk) != set(sess):
        err("truth/events session mismatch: %d vs %d" % (len(tk), len(sess)))
    # per-session consistency and score
    scores = {}
    cands = {}
    for sid, S in sess.items():
        if not S["starts"]:
            err("no session_start %s" % sid)
            continue
        st = S["starts"][0]
        for o in S["starts"][1:]:
            if {x: o[x] for x in FIELDS["session_start"]} != {x: st[x] for x in FIELDS["session_start"]}:
                err("inconsistent session_start %s" % sid)
        if st["exam"] not in exams:
            err("unknown exam %s" % st["exam"])
            continue
        cands.setdefault(st["candidate"], []).append(sid)
        ex = exams[st["exam"]]
        qmap = {q["id"]: q for q in ex["questions"]}
        final = {}
        for a in S["answers"]:
            q = qmap.get(a["question"])
            if q is None:
                err("answer to unknown question %s" % a["id"])
                continue
            labs = q["options"] if isinstance(q["options"], list) else list("ABCDEFGH"[:q["options"]])
            if a["choice"] not in labs:
                err("choice %r not in %s" % (a["choice"], labs))
            final[a["question"]] = a["choice"]
        scores[sid] = sum(1 for qid, c in final.items() if qmap[qid]["key"] == c)
    for c, v in cands.items():
        if len(v) > 1:
            err("candidate %s has %d sessions" % (c, len(v)))
    # report
    print("events.jsonl.gz bytes", len(raw), "sha256", hashlib.sha256(raw).hexdigest())
    tr = open(os.path.join(d, "truth.jsonl"), "rb").read()
    print("truth.jsonl bytes", len(tr), "sha256", hashlib.sha256(tr).hexdigest())
    print("lines", lines, "unique ids", len(seen))
    print("| kind | lines | unique ids |")
    print("|---|---:|---:|")
    for k in sorted(per_kind_lines):
        print("| %s | %d | %d |" % (k, per_kind_lines[k], per_kind_ids.get(k, 0)))
    print()
    print("| label | sessions | score min | median | mean | max | pass (>=80) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for lab in ["honest", "software", "hardware", "operator", "leak"]:
        v = [scores[s] for s in tk if tk[s] == lab and s in scores]
        if v:
            print("| %s | %d | %d | %g | %.1f | %d | %d (%.0f%%) |" % (
                lab, len(v), min(v), statistics.median(v), statistics.mean(v), max(v),
                sum(1 for x in v if x >= 80), 100.0 * sum(1 for x in v if x >= 80) / len(v)))
    print()
    print("sessions", len(sess), "exams", len(exams), "without session_end",
          sum(1 for S in sess.values() if S["end"] == 0))
    if errors:
        print("%d problems" % len(errors))
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "set-k")
