#!/usr/bin/env python3
"""Independent format / consistency checks for a generated set (standard library only).

    python3 check.py set-n            # checks, exits non-zero on failure
    python3 check.py set-n --stats    # also prints counts and score summaries as JSON
    python3 check.py set-n --regen    # also re-runs gen.py into a temp dir and compares bytes
"""
import datetime
import gzip
import hashlib
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile

KINDS = {"exam", "session_start", "session_end", "processes", "connections", "input", "device", "display", "answer"}
LABELS = {"honest": 320, "software": 20, "hardware": 20, "operator": 20, "leak": 20}
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
DOC_NETS = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")]

errors = []


def err(msg):
    if len(errors) < 50:
        print("ERROR:", msg)
    errors.append(msg)


def norm(x):
    return None if x is None else str(x)


def remote_ok(rem):
    try:
        ip = ipaddress.ip_address(rem)
        return ip.is_private or ip.is_loopback or any(ip in n for n in DOC_NETS)
    except ValueError:
        return isinstance(rem, str) and rem.endswith(".example")


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else "set-n"
    gz = os.path.join(d, "events.jsonl.gz")
    tp = os.path.join(d, "truth.jsonl")
    if sorted(os.listdir(d)) != ["events.jsonl.gz", "truth.jsonl"]:
        err("unexpected files in %s: %s" % (d, os.listdir(d)))
    raw = open(gz, "rb").read()
    if len(raw) >= 3 * 1024 * 1024:
        err("events.jsonl.gz is %d bytes (>= 3 MB)" % len(raw))
    if raw[:2] != b"\x1f\x8b" or raw[4:8] != b"\0\0\0\0":
        err("gzip header: bad magic or mtime != 0")
    if raw[3] & 8:
        name = raw[10:raw.index(b"\0", 10)]
        if name != b"events.jsonl":
            err("gzip inner name %r" % name)
    else:
        err("gzip has no inner file name")
    truth = [json.loads(l) for l in open(tp, encoding="utf-8")]
    tmap = {}
    for t in truth:
        if set(t) != {"session", "kind"} or t["kind"] not in LABELS:
            err("bad truth line %r" % t)
        if t["session"] in tmap:
            err("duplicate truth session %s" % t["session"])
        tmap[t["session"]] = t["kind"]
    cnt = {}
    for k in tmap.values():
        cnt[k] = cnt.get(k, 0) + 1
    if cnt != LABELS:
        err("label counts %r" % cnt)

    seen = {}
    lines = {}
    uniq = {}
    exams = {}
    sess = {}
    for n, line in enumerate(gzip.open(gz, "rt", encoding="utf-8"), 1):
        o = json.loads(line)
        k = o.get("kind")
        if o.get("v") != 1 or k not in KINDS or "id" not in o or "at" not in o:
            err("line %d: bad envelope" % n)
            continue
        if not isinstance(o["id"], (str, int)) or isinstance(o["id"], bool):
            err("line %d: id type" % n)
        if not RFC3339.match(o["at"]):
            err("line %d: at not RFC 3339: %s" % (n, o["at"]))
        else:
            datetime.datetime.fromisoformat(o["at"].replace("Z", "+00:00"))
        lines[k] = lines.get(k, 0) + 1
        key = json.dumps(o["id"])
        canon = json.dumps(o, sort_keys=True, ensure_ascii=False)
        if key in seen:
            if seen[key] != canon:
                err("line %d: id %s reused for different content" % (n, key))
            continue
        seen[key] = canon
        uniq[k] = uniq.get(k, 0) + 1
        if k == "exam":
            if "session" in o:
                err("exam with session")
            for f in ("exam", "questions", "pass_mark", "minutes"):
                if f not in o:
                    err("exam missing %s" % f)
            qs = {}
            for q in o["questions"]:
                opts = q["options"]
                labels = list(range(opts)) if isinstance(opts, int) else opts
                if q["key"] not in labels:
                    err("exam %s q %s key not in options" % (o["exam"], q["id"]))
                qs[norm(q["id"])] = labels
            if o["exam"] in exams and exams[o["exam"]] != qs:
                err("exam %s sent twice with different content" % o["exam"])
            exams[o["exam"]] = qs
            continue
        s = norm(o.get("session"))
        if s is None:
            err("line %d: no session" % n)
            continue
        st = sess.setdefault(s, dict(start=0, end=0, exam=None, answers={}, n=0))
        st["n"] += 1
        if k == "session_start":
            for f in ("candidate", "exam", "centre", "room", "seat", "terminal"):
                if f not in o:
                    err("session_start missing %s" % f)
            st["start"] += 1
            st["exam"] = o["exam"]
        elif k == "session_end":
            st["end"] += 1
        elif k == "processes":
            for p in o["processes"]:
                if "name" not in p:
                    err("process without name")
        elif k == "connections":
            for c in o["connections"]:
                if "remote" not in c or "port" not in c:
                    err("connection fields")
                elif not remote_ok(c["remote"]):
                    err("non-reserved remote %r" % c["remote"])
        elif k == "input":
            for f in ("interval_ms", "keys", "pointer"):
                if not isinstance(o.get(f), int) or o[f] < 0:
                    err("input field %s" % f)
        elif k == "device":
            if o.get("action") not in ("attached", "removed", "present") or o.get("class") not in ("hid", "storage", "other") or "name" not in o:
                err("device fields %r" % o)
        elif k == "display":
            if not isinstance(o.get("displays"), int):
                err("display fields")
        elif k == "answer":
            if "question" not in o or "choice" not in o:
                err("answer fields")
            st["answers"][norm(o["question"])] = o["choice"]
    # consistency
    for s, st in sess.items():
        if s not in tmap:
            err("session %s not in truth" % s)
        if st["start"] < 1:
            err("session %s has no session_start" % s)
        if st["end"] > 1:
            err("session %s has %d session_end" % (s, st["end"]))
        ex = exams.get(st["exam"])
        if ex is None:
            err("session %s exam %s unknown" % (s, st["exam"]))
            continue
        for q, c in st["answers"].items():
            if q not in ex:
                err("session %s answers unknown question %s" % (s, q))
            elif c not in ex[q]:
                err("session %s q %s choice %r not an option" % (s, q, c))
    for s in tmap:
        if s not in sess:
            err("truth session %s has no events" % s)
    if "--stats" in sys.argv:
        keyd = {}
        for line in gzip.open(gz, "rt", encoding="utf-8"):
            o = json.loads(line)
            if o["kind"] == "exam":
                keyd[o["exam"]] = {norm(q["id"]): q["key"] for q in o["questions"]}
        scores = {}
        for s, st in sess.items():
            key = keyd[st["exam"]]
            sc = sum(1 for q, c in st["answers"].items() if key.get(q) == c)
            scores.setdefault(tmap[s], []).append(sc)
        summ = {}
        for k, v in sorted(scores.items()):
            v.sort()
            summ[k] = dict(n=len(v), mean=round(sum(v) / len(v), 1), min=v[0], median=v[len(v) // 2], max=v[-1],
                           pass_rate=round(sum(1 for x in v if x >= 80) / len(v), 3))
        files = {}
        for p in ("gen.py", "check.py", os.path.join(d, "events.jsonl.gz"), os.path.join(d, "truth.jsonl")):
            if os.path.exists(p):
                b = open(p, "rb").read()
                files[p] = dict(bytes=len(b), sha256=hashlib.sha256(b).hexdigest())
        print(json.dumps(dict(lines=lines, unique_ids=uniq, sessions=cnt, scores=summ, files=files,
                              no_session_end=sum(1 for st in sess.values() if st["end"] == 0),
                              restarted=sum(1 for st in sess.values() if st["start"] > 1)), indent=1, ensure_ascii=False))
    if "--regen" in sys.argv:
        here = os.path.dirname(os.path.abspath(__file__))
        with tempfile.TemporaryDirectory(dir=here) as td:
            env = dict(os.environ, PYTHONHASHSEED="12345")
            subprocess.run([sys.executable, os.path.join(here, "gen.py"), "--seed", "1414", "--candidates", "400",
                            "--out", os.path.join(td, "x")], check=True, env=env)
            for f in ("events.jsonl.gz", "truth.jsonl"):
                if open(os.path.join(td, "x", f), "rb").read() != open(os.path.join(d, f), "rb").read():
                    err("regeneration differs for %s" % f)
    if errors:
        print("FAILED: %d errors" % len(errors))
        sys.exit(1)
    print("OK")


if __name__ == "__main__":
    main()
