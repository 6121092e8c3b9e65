#!/usr/bin/env python3
"""exam-blind-6: independent blind labelled evaluation set generator.

Simulates 特种作业 theory exams taken on terminals in several exam centres and
emits telemetry (events format v1) plus per-session truth labels.

Standard library only, deterministic from --seed.

    python3 gen.py --seed 707 --candidates 400 --out set-g
"""
import argparse
import gzip
import json
import math
import os
import random
from datetime import datetime, timedelta, timezone

CST = timezone(timedelta(hours=8))
UTC = timezone.utc


def epoch(y, mo, d, h, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=CST).timestamp()


def pois(rng, lam):
    if lam <= 0:
        return 0
    if lam < 30:
        L = math.exp(-lam)
        k, p = 0, 1.0
        while True:
            p *= rng.random()
            if p <= L:
                return k
            k += 1
    return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))


# ---------------------------------------------------------------- papers
PAPERS = {
    "DG": dict(name="低压电工作业", tf=70, sc=30, enc=("T", "F")),
    "GC": dict(name="高处安装、维护、拆除作业", tf=50, sc=50, enc=("A", "B")),
    "HJ": dict(name="熔化焊接与热切割作业", tf=60, sc=40, enc=("T", "F")),
    "ZL": dict(name="制冷与空调设备运行操作作业", tf=50, sc=50, enc=("对", "错")),
}
SC_OPTS = ["A", "B", "C", "D"]


def make_paper(rng, code):
    p = PAPERS[code]
    qs = []
    tf_ids = rng.sample(range(1, 1400), p["tf"])
    sc_ids = rng.sample(range(1, 900), p["sc"])
    for n in tf_ids:
        key = rng.choice(p["enc"])
        tricky = rng.random() < 0.12
        diff = rng.uniform(0.6, 0.92) if tricky else min(0.85, rng.betavariate(1.6, 5.0))
        other = p["enc"][1] if key == p["enc"][0] else p["enc"][0]
        qs.append(dict(id=f"{code}-PD-{n:04d}", key=key, options=2, tf=True, diff=diff,
                       tricky=tricky, distractor=other, opts=list(p["enc"])))
    for n in sc_ids:
        key = rng.choice(SC_OPTS)
        tricky = rng.random() < 0.15
        diff = rng.uniform(0.6, 0.92) if tricky else min(0.85, rng.betavariate(1.8, 4.5))
        wrong = [o for o in SC_OPTS if o != key]
        qs.append(dict(id=f"{code}-DX-{n:04d}", key=key, options=4, tf=False, diff=diff,
                       tricky=tricky, distractor=rng.choice(wrong), opts=list(SC_OPTS)))
    return qs


def pknow(ab, q):
    return max(0.02, min(0.995, ab ** (1.0 + 3.0 * q["diff"])))


def guess(rng, q, knew):
    if knew:
        return q["key"]
    if q["tricky"] and rng.random() < (0.75 if q["tf"] else 0.6):
        return q["distractor"]
    return rng.choice(q["opts"])


def wrong_choice(rng, q, prefer_distractor=0.5):
    if rng.random() < prefer_distractor:
        return q["distractor"]
    return rng.choice([o for o in q["opts"] if o != q["key"]])


# ---------------------------------------------------------------- centres
WIN_SYS = [
    ("smss.exe", r"C:\Windows\System32\smss.exe", "Microsoft Windows"),
    ("csrss.exe", r"C:\Windows\System32\csrss.exe", "Microsoft Windows"),
    ("wininit.exe", r"C:\Windows\System32\wininit.exe", "Microsoft Windows"),
    ("winlogon.exe", r"C:\Windows\System32\winlogon.exe", "Microsoft Windows"),
    ("services.exe", r"C:\Windows\System32\services.exe", "Microsoft Windows"),
    ("lsass.exe", r"C:\Windows\System32\lsass.exe", "Microsoft Windows"),
    ("svchost.exe", r"C:\Windows\System32\svchost.exe", "Microsoft Windows"),
    ("dwm.exe", r"C:\Windows\System32\dwm.exe", "Microsoft Windows"),
    ("explorer.exe", r"C:\Windows\explorer.exe", "Microsoft Windows"),
    ("ctfmon.exe", r"C:\Windows\System32\ctfmon.exe", "Microsoft Windows"),
]
WIN10_EXTRA = [
    ("sihost.exe", r"C:\Windows\System32\sihost.exe", "Microsoft Windows"),
    ("RuntimeBroker.exe", r"C:\Windows\System32\RuntimeBroker.exe", "Microsoft Windows"),
    ("MsMpEng.exe", r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe",
     "Microsoft Windows Publisher"),
]
EXAM_WIN = [
    ("AnKaoClient.exe", r"C:\Program Files (x86)\AnKao\ExamClient\AnKaoClient.exe", "广州安考信息科技有限公司"),
    ("cgagent.exe", r"C:\Program Files\certguard\cgagent.exe", "certguard"),
    ("SGTool.exe", r"C:\Program Files (x86)\SogouInput\15.1.0.1570\SGTool.exe",
     "Beijing Sogou Technology Development Co., Ltd."),
]
LINUX_BASE = [
    ("systemd", "/usr/lib/systemd/systemd", "UnionTech Software Technology Co., Ltd."),
    ("Xorg", "/usr/lib/xorg/Xorg", "UnionTech Software Technology Co., Ltd."),
    ("lightdm", "/usr/sbin/lightdm", "UnionTech Software Technology Co., Ltd."),
    ("dde-desktop", "/usr/bin/dde-desktop", "UnionTech Software Technology Co., Ltd."),
    ("dde-dock", "/usr/bin/dde-dock", "UnionTech Software Technology Co., Ltd."),
    ("NetworkManager", "/usr/sbin/NetworkManager", "UnionTech Software Technology Co., Ltd."),
    ("pulseaudio", "/usr/bin/pulseaudio", "UnionTech Software Technology Co., Ltd."),
    ("fcitx", "/usr/bin/fcitx", "UnionTech Software Technology Co., Ltd."),
    ("veyon-service", "/usr/bin/veyon-service", ""),
    ("veyon-server", "/usr/bin/veyon-server", ""),
    ("ExamClient", "/opt/ankao/examclient/ExamClient", "广州安考信息科技有限公司"),
    ("cgagent", "/opt/certguard/bin/cgagent", "certguard"),
]
WIN_TRANSIENT = [
    ("TiWorker.exe", r"C:\Windows\WinSxS\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.4585_none_7e1b6f1b2b9c5a53\TiWorker.exe", "Microsoft Windows"),
    ("WerFault.exe", r"C:\Windows\System32\WerFault.exe", "Microsoft Windows"),
    ("SearchProtocolHost.exe", r"C:\Windows\System32\SearchProtocolHost.exe", "Microsoft Windows"),
    ("audiodg.exe", r"C:\Windows\System32\audiodg.exe", "Microsoft Windows"),
    ("conhost.exe", r"C:\Windows\System32\conhost.exe", "Microsoft Windows"),
    ("MpCmdRun.exe", r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MpCmdRun.exe", "Microsoft Windows Publisher"),
]
LINUX_TRANSIENT = [
    ("apt-check", "/usr/lib/update-notifier/apt-check", "UnionTech Software Technology Co., Ltd."),
    ("deepin-deepinid-daemon", "/usr/lib/deepin-deepinid-daemon/deepin-deepinid-daemon", "UnionTech Software Technology Co., Ltd."),
    ("gvfsd-metadata", "/usr/lib/gvfs/gvfsd-metadata", "UnionTech Software Technology Co., Ltd."),
]

ORAY = "Shanghai Best Oray Information S&T Co., Ltd."
TODESK = "Hainan Youqu Technology Co., Ltd."
CENTRES = {
    "A": dict(code="GZ01", os="win10", ts="cst_ms", res="1920x1080", displays=1,
              kb=("hid", "Dell KB216 Wired Keyboard", "413c", "2113"),
              mouse=("hid", "Dell MS116 USB Optical Mouse", "413c", "301a"),
              extra_procs=[("StudentMain.exe", r"C:\Program Files (x86)\Mythware\极域课堂管理系统软件V6.0 2016 豪华版\StudentMain.exe",
                            "Nanjing Mythware Information Technology Co., Ltd."),
                           ("SunloginClient.exe", r"C:\Program Files\Oray\SunLogin\SunloginClient\SunloginClient.exe", ORAY),
                           ("SunloginClient.exe", r"C:\Program Files\Oray\SunLogin\SunloginClient\SunloginClient.exe", ORAY)],
              outage=0.04),
    "B": dict(code="FS03", os="win7", ts="cst_s", res="1366x768", displays=1,
              kb=("hid", "Lenovo USB Keyboard", "17ef", "6099"),
              mouse=("hid", "Lenovo USB Optical Mouse", "17ef", "608d"),
              extra_procs=[("360tray.exe", r"C:\Program Files (x86)\360\360Safe\safemon\360tray.exe", "Beijing Qihu Technology Co., Ltd."),
                           ("ZhuDongFangYu.exe", r"C:\Program Files (x86)\360\360Safe\deepscan\ZhuDongFangYu.exe", "Beijing Qihu Technology Co., Ltd."),
                           ("rserver3.exe", r"C:\Windows\SysWOW64\rserver30\rserver3.exe", "Famatech Corp.")],
              outage=0.05),
    "C": dict(code="SZ02", os="uos", ts="utc_z", res="1920x1080", displays=1,
              kb=("hid", "SIGMACHIP USB Keyboard", "1c4f", "0002"),
              mouse=("hid", "PixArt USB Optical Mouse", "093a", "2510"),
              extra_procs=[], outage=0.04),
    "D": dict(code="DG05", os="win11", ts="cst_ms", res="1920x1080", displays=2,
              kb=("hid", "Logitech K120 Keyboard", "046d", "c31c"),
              mouse=("hid", "Logitech USB Receiver", "046d", "c534"),
              extra_procs=[("ToDesk_Service.exe", r"C:\Program Files\ToDesk\ToDesk_Service.exe", TODESK),
                           ("ToDesk.exe", r"C:\Program Files\ToDesk\ToDesk.exe", TODESK),
                           ("igfxEM.exe", r"C:\Windows\System32\DriverStore\FileRepository\iigd_dch.inf_amd64_3a4f8b2c1d9e0f7a\igfxEM.exe", "Intel(R) pGFX"),
                           ("RtkAudUService64.exe", r"C:\Windows\System32\RtkAudUService64.exe", "Realtek Semiconductor Corp.")],
              outage=0.05),
    "E": dict(code="ZS07", os="win10", ts="cst_ms", res="1600x900", displays=1,
              kb=("hid", "HP USB Keyboard", "03f0", "034a"),
              mouse=("hid", "HP USB Optical Mouse", "03f0", "094a"),
              extra_procs=[("IDCardSvc.exe", r"C:\Program Files (x86)\Chinavision\CVR100U\IDCardSvc.exe", "Beijing Chinavision Technology Co., Ltd.")],
              outage=0.15),
}
ROOM_NET = {("A", "301"): "10.20.31", ("A", "302"): "10.20.32", ("A", "303"): "10.20.33",
            ("B", "A"): "192.168.10", ("B", "B"): "192.168.11",
            ("C", "K1"): "172.16.8", ("C", "K2"): "172.16.9",
            ("D", "1"): "10.5.1", ("D", "2"): "10.5.2",
            ("E", "一室"): "192.168.1", ("E", "二室"): "192.168.2"}

# exam sittings: exam id, paper, version, day, slot, minutes, [(centre, room, n)]
EXAMS = [
    ("GD-TZ-DG-20261116-AM", "DG", 1, (2026, 11, 16), "AM", 120, [("A", "301", 28), ("A", "302", 26), ("B", "A", 24), ("E", "一室", 20)]),
    ("GD-TZ-GC-20261116-PM", "GC", 1, (2026, 11, 16), "PM", 120, [("A", "303", 22), ("C", "K1", 24), ("D", "1", 20)]),
    ("GD-TZ-DG-20261117-AM", "DG", 1, (2026, 11, 17), "AM", 120, [("C", "K1", 24), ("C", "K2", 22), ("D", "1", 20), ("D", "2", 18)]),
    ("GD-TZ-HJ-20261117-PM", "HJ", 1, (2026, 11, 17), "PM", 120, [("A", "301", 26), ("B", "A", 22), ("B", "B", 20), ("E", "二室", 18)]),
    ("GD-TZ-ZL-20261118-AM", "ZL", 1, (2026, 11, 18), "AM", 100, [("A", "302", 24), ("C", "K2", 22), ("E", "一室", 20)]),
]


class Sess:
    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=707)
    ap.add_argument("--candidates", type=int, default=400)
    ap.add_argument("--out", default="set-g")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    total_plan = sum(n for e in EXAMS for (_, _, n) in e[6])
    if args.candidates != total_plan:
        raise SystemExit(f"this layout has exactly {total_plan} candidates")

    papers = {}
    for e in EXAMS:
        k = (e[1], e[2])
        if k not in papers:
            papers[k] = make_paper(rng, e[1])

    # ---------------- build sessions
    sessions = []
    used_sid, used_cand = set(), set()
    terminals = {}
    for (eid, pcode, ver, day, slot, minutes, rooms) in EXAMS:
        t_sit = epoch(*day, 9 if slot == "AM" else 14, 0)
        for (c, room, n) in rooms:
            seats = sorted(rng.sample(range(1, 41), n))
            if c == "E":
                seats[0] = 1
                seats = sorted(set(seats)) if len(set(seats)) == n else seats
            for seat in seats:
                s = Sess()
                while True:
                    sid = "s-%010x" % rng.getrandbits(40)
                    if sid not in used_sid:
                        used_sid.add(sid)
                        break
                while True:
                    cand = {"A": "GZ", "B": "FS", "C": "SZ", "D": "DG", "E": "ZS"}[c] + "%07d" % rng.randint(0, 9999999)
                    if cand not in used_cand:
                        used_cand.add(cand)
                        break
                s.sid, s.cand, s.c, s.room, s.seat = sid, cand, c, room, "%02d" % seat
                s.cfg = CENTRES[c]
                s.centre = "GD-" + s.cfg["code"]
                s.terminal = "%s-%s-%s" % (s.cfg["code"], {"一室": "R1", "二室": "R2"}.get(room, room), s.seat)
                s.exam, s.paper, s.minutes, s.t_sit = eid, papers[(pcode, ver)], minutes, t_sit
                s.pcode = pcode
                s.kind, s.variant, s.note = "honest", None, ""
                sessions.append(s)

    def pick(pred, k):
        pool = [s for s in sessions if s.kind == "honest" and s.variant is None and pred(s)]
        out = rng.sample(pool, k)
        return out

    # ---------------- operator groups
    groups = []
    def opgroup(name, mech, parts, note):
        members = []
        for (eid, c, room, k) in parts:
            members += pick(lambda s: s.exam == eid and s.c == c and s.room == room, k)
        for s in members:
            s.kind, s.variant = "operator", name
            s.note = note
        groups.append((name, mech, members))
    opgroup("G1", "sunlogin", [("GD-TZ-DG-20261116-AM", "A", "301", 2), ("GD-TZ-DG-20261116-AM", "A", "302", 2)],
            "one operator answers 4 terminals in rooms 301/302 through the centre-installed Sunlogin (active control session from one outside peer)")
    opgroup("G2", "ipkvm", [("GD-TZ-DG-20261117-AM", "D", "1", 2), ("GD-TZ-DG-20261117-AM", "D", "2", 2)],
            "one operator answers 4 docked laptops in two rooms through IP-KVM gadgets (composite HID + mirrored video)")
    opgroup("G3", "svchost", [("GD-TZ-HJ-20261117-PM", "B", "A", 2), ("GD-TZ-HJ-20261117-PM", "B", "B", 2)],
            "one operator answers 4 terminals in rooms A/B via a renamed remote-control binary (svchost.exe from a user folder) to one VPS")
    opgroup("G4", "console", [("GD-TZ-GC-20261116-PM", "A", "303", 4)],
            "insider at the room's classroom-management console (Mythware) operates 4 seats; no extra software on the seats")
    opgroup("G5", "rustdesk", [("GD-TZ-ZL-20261118-AM", "C", "K2", 2), ("GD-TZ-ZL-20261118-AM", "E", "一室", 2)],
            "one operator answers 4 terminals in two centres through portable RustDesk with a self-hosted relay; candidates wiggle the mouse")

    # ---------------- leak groups
    leaks = []
    def leakgroup(name, eid, parts, frac, nerr, mode, note):
        members = []
        for (c, room, k) in parts:
            members += pick(lambda s: s.exam == eid and s.c == c and s.room == room, k)
        qs = members[0].paper
        n = int(round(frac * len(qs)))
        if mode == "tf_heavy":
            tfq = [q for q in qs if q["tf"]]
            scq = [q for q in qs if not q["tf"]]
            ntf = min(len(tfq), int(n * 0.85))
            leaked = rng.sample(tfq, ntf) + rng.sample(scq, n - ntf)
        else:
            leaked = rng.sample(qs, n)
        key = {q["id"]: q["key"] for q in leaked}
        for q in rng.sample(leaked, nerr):
            key[q["id"]] = wrong_choice(rng, q, 0.0)
        for s in members:
            s.kind, s.variant = "leak", name
            s.note = note + " (%d%% of questions leaked, %d transcription errors shared)" % (int(frac * 100), nerr)
        leaks.append((name, eid, members, key, mode))
    leakgroup("L1", "GD-TZ-DG-20261117-AM", [("C", "K1", 2), ("C", "K2", 1), ("D", "1", 2), ("D", "2", 1)], 1.0, 3, "pre",
              "paper reused from 16 Nov morning; answer key circulated before the exam")
    leakgroup("L2", "GD-TZ-HJ-20261117-PM", [("A", "301", 2), ("B", "A", 1), ("B", "B", 1), ("E", "二室", 1)], 0.45, 1, "during",
              "answers photographed in another room and pushed to earpiece/phone about 38 minutes into the sitting")
    leakgroup("L3", "GD-TZ-GC-20261116-PM", [("A", "303", 1), ("C", "K1", 2), ("D", "1", 1)], 0.40, 2, "tf_heavy",
              "partial key (mostly true/false section) leaked before the exam")
    leakgroup("L4", "GD-TZ-ZL-20261118-AM", [("A", "302", 2), ("C", "K2", 2), ("E", "一室", 1)], 0.60, 2, "disguised",
              "key leaked before the exam; candidates pace normally and miss some leaked items on purpose")

    # ---------------- software / hardware singles
    SW = [("todesk_portable", "ABE"), ("sunlogin_abuse", "A"), ("todesk_abuse", "D"), ("disguised", "ABDE"),
          ("anydesk_view", "ABDE"), ("linux_vnc", "C"), ("frp_tunnel", "C"), ("wemeet_view", "ABDE"),
          ("quick_assist", "ADE"), ("teamviewer_brief", "ABDE")]
    HW = [("ch9329_present", "ABCDE"), ("ch9329_mid", "ABCDE"), ("spoof_kbd", "ABCDE"), ("wireless_rx", "ABCE"),
          ("displaylink_mirror", "ABDE"), ("hdmi_splitter", "ABCDE"), ("kvm_switch", "ABCDE"), ("ipkvm", "ABCDE"),
          ("bt_hid", "ABCE"), ("dock_extra_display", "D")]
    for kind, table in (("software", SW), ("hardware", HW)):
        for (v, cs) in table:
            for s in pick(lambda s: s.c in cs, 2):
                s.kind, s.variant = kind, v

    # ---------------- honest noise flags
    for s in sessions:
        if s.kind == "honest":
            s.variant = "honest"

    # ---------------- terminal clocks (persist per terminal)
    for s in sessions:
        if s.terminal not in terminals:
            r = rng.random()
            if s.c == "B" and r < 0.35:
                off = -rng.choice([5, 6, 7, 11]) * 365.25 * 86400 + rng.uniform(-40, 40) * 86400
                desc = "CMOS reset clock"
            elif r < 0.08:
                off = rng.choice([-1, 1]) * rng.uniform(120, 2400)
                desc = "unsynchronised clock"
            elif r < 0.11:
                off = -8 * 3600 + rng.uniform(-20, 20)
                desc = "timezone misconfigured (UTC shown as +08:00)"
            else:
                off = rng.uniform(-3, 3)
                desc = ""
            terminals[s.terminal] = (off, desc)

    # ---------------- per-session behaviour
    all_events = []  # (arrival, order, obj)
    exam_sent = {}
    for (eid, pcode, ver, day, slot, minutes, rooms) in EXAMS:
        t_sit = epoch(*day, 9 if slot == "AM" else 14, 0)
        qs = papers[(pcode, ver)]
        obj = {"v": 1, "id": "exam-" + eid, "at": datetime.fromtimestamp(t_sit - 1800 + rng.uniform(0, 300), CST).isoformat(timespec="seconds"),
               "kind": "exam", "exam": eid,
               "questions": [{"id": q["id"], "key": q["key"], "options": q["options"]} for q in qs],
               "pass_mark": 80, "minutes": minutes}
        all_events.append((t_sit - 1500, 0, obj))

    # login times
    for s in sessions:
        late = rng.random() < 0.06
        s.t0 = s.t_sit + (rng.uniform(600, 1500) if late else rng.uniform(30, 480))
        s.tlimit = min(s.t0 + s.minutes * 60, s.t_sit + s.minutes * 60 + 900)
        s.answers, s.act, s.hits = [], [], []
        s.cur = {}
        s.pextra, s.cextra, s.devev, s.dispev = [], [], [], []
        s.jiggle = 0.004
        s.rp = rng.uniform(0.4, 3.0)
        s.keyboard_user = rng.random() < 0.12
        s.t_end = None
        s.honest_notes = []

    def add(s, t, q, choice, actor, t_from):
        s.answers.append((t, q["id"], choice))
        s.cur[q["id"]] = choice
        if actor == "local":
            s.act.append((t_from, t, s.rp, 0.01 if not s.keyboard_user else 0.05))
            if s.keyboard_user:
                s.hits.append((t, rng.choice([1, 2, 2, 3]), rng.choice([0, 0, 1])))
            else:
                s.hits.append((t, 1 if rng.random() < 0.04 else 0, rng.choice([1, 2, 2, 2, 3, 4])))
        elif actor == "kvm":
            s.act.append((t_from, t, s.rp_remote, 0.02))
            s.hits.append((t, rng.choice([0, 0, 1]), rng.choice([2, 2, 3])))
        elif actor == "inject_k":
            s.act.append((t_from, t, s.jiggle, 0))
            s.hits.append((t, 3, 0))
        elif actor == "inject_p":
            s.act.append((t_from, t, s.jiggle, 0))
            s.hits.append((t, 0, 4))
        else:  # remote: not counted locally
            s.act.append((t_from, t, s.jiggle, 0))

    def honest_flow(s, qs, t, tlimit, ab, speed, prof, actor="local", override=None, ovr_dwell=None,
                    stop_at=None, deliberate=0.0):
        """returns (t, skipped list, rushed flag)"""
        skipped = []
        rushed = False
        for idx, q in enumerate(qs):
            if stop_at is not None and t >= stop_at:
                return t, skipped + list(qs[idx:]), rushed
            left = len(qs) - idx
            if prof.get("rush") and tlimit - t < left * 4.0 + 90:
                rushed = True
                pat = prof.get("pattern")
                t = max(t, tlimit - left * rng.uniform(2.2, 3.8) - 30)
                for q2 in qs[idx:] + skipped:
                    t0 = t
                    t += rng.uniform(1.2, 4.5)
                    if t > tlimit - 3:
                        break
                    if override and q2["id"] in override:
                        ch = override[q2["id"]]
                    elif pat and rng.random() < 0.8:
                        ch = pat[0] if q2["tf"] else pat[1]
                    else:
                        ch = rng.choice(q2["opts"])
                    add(s, t, q2, ch, actor, t0)
                return t, [], rushed
            if override is not None and q["id"] in override:
                dw = ovr_dwell() if ovr_dwell else rng.uniform(3, 8)
                t0 = t
                t += dw
                ch = override[q["id"]]
                if deliberate and rng.random() < deliberate:
                    ch = wrong_choice(rng, q, 0.2)
                add(s, t, q, ch, actor, t0)
                continue
            know = rng.random() < pknow(ab, q)
            base = (16 if q["tf"] else 27) * speed * rng.lognormvariate(0, 0.35) * (0.75 if know else 1.35)
            if not know and rng.random() < prof.get("skip", 0.0):
                t += base * 0.3
                skipped.append(q)
                continue
            t0 = t
            t += base
            if t > tlimit - 2:
                return t0, skipped, rushed
            add(s, t, q, guess(rng, q, know), actor, t0)
        # revisit skipped
        still = []
        for q in skipped:
            if t > tlimit - 30:
                still.append(q)
                continue
            if override is not None and q["id"] in override:
                t0 = t
                t += rng.uniform(3, 8)
                add(s, t, q, override[q["id"]], actor, t0)
                continue
            know = rng.random() < pknow(ab, q) * 0.85
            t0 = t
            t += (14 if q["tf"] else 24) * speed * rng.lognormvariate(0, 0.4)
            add(s, t, q, guess(rng, q, know), actor, t0)
        return t, still, rushed

    def review(s, qs, t, tlimit, ab, k, actor="local"):
        answered = [q for q in qs if q["id"] in s.cur]
        for q in rng.sample(answered, min(k, len(answered))):
            t0 = t
            t += rng.uniform(4, 35)
            if t > tlimit - 5:
                break
            if rng.random() < 0.5:
                # change answer: rethink
                know = rng.random() < pknow(ab, q)
                ch = guess(rng, q, know)
                if ch == s.cur[q["id"]]:
                    ch = rng.choice(q["opts"])
                add(s, t, q, ch, actor, t0)
            else:
                s.act.append((t0, t, s.rp * 0.6, 0.005))
        return t

    def expert(s, qs, t, actor, acc, dw, tlimit, only_if_diff=False):
        for q in qs:
            if t > tlimit - 5:
                break
            ch = q["key"] if rng.random() < acc else wrong_choice(rng, q, 0.5)
            if only_if_diff and s.cur.get(q["id"]) == ch:
                t += rng.uniform(1.0, 2.5)
                s.act.append((t - 1, t, s.jiggle, 0))
                continue
            t0 = t
            t += rng.uniform(*dw)
            add(s, t, q, ch, actor, t0)
        return t

    def idle(s, t0, t1, rate=None):
        s.act.append((t0, t1, rate if rate is not None else rng.uniform(0.02, 0.3), 0.002))

    def finish(s, t, forced=False):
        if forced or t >= s.tlimit - 5:
            s.t_end = s.tlimit + rng.uniform(0.5, 4)
            idle(s, t, s.tlimit)
        else:
            e = min(s.tlimit, t + rng.uniform(8, 200))
            idle(s, t, e)
            s.t_end = e

    def honest_profile():
        r = rng.random()
        if r < 0.10:
            return "able_fast", rng.uniform(0.93, 0.99), rng.uniform(0.3, 0.55), dict(skip=0.0, review=rng.randint(0, 4))
        if r < 0.22:
            pat = rng.choice([None, None, ("first", "A"), ("second", "C"), ("first", "B")])
            return "weak_rush", rng.uniform(0.5, 0.75), rng.uniform(2.3, 3.4), dict(skip=rng.uniform(0, 0.4), rush=True, pattern=pat, review=0)
        if r < 0.35:
            return "skipper", rng.uniform(0.7, 0.92), rng.uniform(0.8, 1.3), dict(skip=rng.uniform(0.5, 0.9), review=rng.randint(3, 12))
        if r < 0.45:
            return "careful", rng.uniform(0.78, 0.95), rng.uniform(1.3, 1.9), dict(skip=0.2, review=rng.randint(10, 30))
        if r < 0.52:
            return "weak_fast", rng.uniform(0.45, 0.65), rng.uniform(0.35, 0.6), dict(skip=0.0, review=rng.randint(0, 3))
        return "typical", min(0.97, max(0.55, rng.gauss(0.87, 0.06))), rng.uniform(0.7, 1.5), dict(skip=0.15, review=rng.randint(0, 8), rush=rng.random() < 0.5)

    def resolve_pat(s, pat):
        if not pat:
            return None
        enc = PAPERS[s.pcode]["enc"]
        return (enc[0] if pat[0] == "first" else enc[1], pat[1])

    def run_honest(s, tstart, ab=None, speed=None, prof=None, label=True):
        name, ab0, sp0, pr0 = honest_profile()
        ab = ab if ab is not None else ab0
        speed = speed if speed is not None else sp0
        prof = prof if prof is not None else pr0
        prof = dict(prof)
        prof["pattern"] = resolve_pat(s, prof.get("pattern"))
        t, still, rushed = honest_flow(s, s.paper, tstart, s.tlimit, ab, speed, prof)
        if prof.get("review") and not rushed:
            t = review(s, s.paper, t, s.tlimit, ab, prof["review"])
        if label:
            s.honest_notes.append(name)
        finish(s, t, forced=rushed)

    qmap_cache = {}

    # ---- operator groups
    for (name, mech, members) in groups:
        qs = members[0].paper
        op_choice = {}
        for q in qs:
            op_choice[q["id"]] = q["key"] if rng.random() < 0.955 else wrong_choice(rng, q, 0.6)
        vary = 0.08 if name == "G5" else 0.02
        tg = max(m.t0 for m in members) + rng.uniform(60, 240)
        for m in members:
            m.rp_remote = rng.uniform(0.6, 1.6)
            m.jiggle = 0.15 if name == "G5" else rng.uniform(0.002, 0.01)
            # candidate pokes at a few questions himself first
            t = m.t0 + rng.uniform(20, 60)
            n_self = rng.randint(0, 8)
            for q in qs[:n_self]:
                t0 = t
                t += rng.uniform(15, 40)
                if t > tg - 5:
                    break
                add(m, t, q, guess(rng, q, rng.random() < 0.6), "local", t0)
            idle(m, t, tg, rng.uniform(0.0, 0.05))
        # operator cycles through terminals in blocks
        pos = {m.sid: 0 for m in members}
        per = {m.sid: [dict(q) for q in qs] for m in members}
        actor = {"ipkvm": "kvm"}.get(mech, "remote")
        t = tg
        order = list(members)
        done = set()
        last = {m.sid: tg for m in members}
        while len(done) < len(members):
            rng.shuffle(order)
            for m in order:
                if m.sid in done:
                    continue
                t += rng.uniform(6, 25)  # switching window
                idle(m, last[m.sid], t, m.jiggle)
                blk = rng.randint(8, 26)
                i0 = pos[m.sid]
                for q in qs[i0:i0 + blk]:
                    t0 = t
                    t += rng.uniform(4.5, 11) * (1.3 if not q["tf"] else 1.0)
                    ch = op_choice[q["id"]]
                    if rng.random() < vary:
                        ch = wrong_choice(rng, q, 0.0) if ch == q["key"] else q["key"]
                    add(m, t, q, ch, actor, t0)
                pos[m.sid] = i0 + blk
                last[m.sid] = t
                if pos[m.sid] >= len(qs):
                    done.add(m.sid)
                    e = min(m.tlimit - 2, t + rng.uniform(20, 900))
                    idle(m, t, e, rng.uniform(0.01, 0.2))
                    m.t_end = e
            if t > min(m.tlimit for m in members) - 60:
                for m in members:
                    if m.t_end is None:
                        m.t_end = m.tlimit + 1
                break
        peer = "%d.%d.%d.%d" % (rng.choice([113, 183, 223, 117]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(2, 254))
        vps = "%d.%d.%d.%d" % (rng.choice([45, 103, 154, 38]), rng.randint(0, 255), rng.randint(0, 255), rng.randint(2, 254))
        pport = rng.randint(20000, 60000)
        for m in members:
            a0, a1 = tg - rng.uniform(10, 90), m.t_end
            if mech == "sunlogin":
                m.cextra.append((a0, a1, {"remote": peer, "port": pport, "process": "SunloginClient.exe"}))
                m.pextra.append((a0, a1, ("SunloginClient.exe", r"C:\Program Files\Oray\SunLogin\SunloginClient\SunloginClient.exe", ORAY)))
            elif mech == "svchost":
                m.pextra.append((m.t0 - 600, m.t_end + 600, ("svchost.exe", r"C:\Users\Public\Libraries\svchost.exe", "")))
                m.cextra.append((a0, a1, {"remote": vps, "port": 443, "process": "svchost.exe"}))
            elif mech == "console":
                net = ROOM_NET[(m.c, m.room)]
                m.cextra.append((a0, a1, {"remote": net + ".2", "port": 4705, "process": "StudentMain.exe"}))
            elif mech == "rustdesk":
                if m.c == "C":
                    m.pextra.append((a0 - 300, a1, ("rustdesk", "/tmp/.mount_rustdeXq2Lk/usr/lib/rustdesk/rustdesk", "")))
                    proc = "rustdesk"
                else:
                    m.pextra.append((a0 - 300, a1, ("rd.exe", r"C:\Users\exam\AppData\Local\Temp\rd.exe", "")))
                    proc = "rd.exe"
                m.cextra.append((a0 - 300, a1, {"remote": vps, "port": 21116, "process": proc}))
                m.cextra.append((a0, a1, {"remote": vps, "port": 21117, "process": proc}))
            elif mech == "ipkvm":
                ta = m.t0 - rng.uniform(300, 900) if rng.random() < 0.5 else m.t0 + rng.uniform(20, 100)
                m.devev.append((ta, "attached", ("hid", "Composite KVM Device", "1d6b", "0104")))
                m.dispev.append((ta + 2, 2, True, "1920x1080"))
        for m in members:
            m.note += "; group " + ",".join(x.sid for x in members)

    # ---- leak groups
    for (name, eid, members, key, mode) in leaks:
        for s in members:
            ab = rng.uniform(0.45, 0.72)
            speed = rng.uniform(0.8, 1.6)
            tstart = s.t0 + rng.uniform(20, 90)
            qs = s.paper
            if mode == "pre":
                style = rng.choice(["order", "order", "first", "slowfake"])
                if style == "first":
                    lq = [q for q in qs if q["id"] in key]
                    oq = [q for q in qs if q["id"] not in key]
                    t, _, _ = honest_flow(s, lq + oq, tstart, s.tlimit, ab, speed, dict(skip=0.1), override=key,
                                          ovr_dwell=lambda: rng.uniform(2.5, 6))
                    t = idle(s, t, t + rng.uniform(600, 2400), 0.1) or t
                    s.t_end = None
                    finish(s, t + rng.uniform(600, 2400))
                elif style == "slowfake":
                    t, _, _ = honest_flow(s, qs, tstart, s.tlimit, ab, speed, dict(skip=0.0), override=key,
                                          ovr_dwell=lambda: rng.uniform(12, 30), deliberate=0.06)
                    finish(s, t)
                else:
                    t, _, _ = honest_flow(s, qs, tstart, s.tlimit, ab, speed, dict(skip=0.0), override=key,
                                          ovr_dwell=lambda: rng.uniform(3, 9))
                    t = review(s, qs, t, s.tlimit, 0.99, rng.randint(0, 3)) if False else t
                    finish(s, t)
                s.note += "; style " + style
            elif mode == "during":
                t_leak = s.t_sit + 38 * 60 + rng.uniform(0, 240)
                t, still, _ = honest_flow(s, qs, tstart, s.tlimit, ab, speed * 1.4, dict(skip=0.5), stop_at=t_leak)
                t = max(t, t_leak)
                lq = [q for q in qs if q["id"] in key]
                for q in lq:
                    if s.cur.get(q["id"]) == key[q["id"]]:
                        continue
                    t0 = t
                    t += rng.uniform(2.5, 7)
                    add(s, t, q, key[q["id"]], "local", t0)
                rest = [q for q in still if q["id"] not in key]
                t, _, _ = honest_flow(s, rest, t, s.tlimit, ab, speed, dict(skip=0.0, rush=True))
                finish(s, t)
            elif mode == "tf_heavy":
                t, _, _ = honest_flow(s, qs, tstart, s.tlimit, ab, speed, dict(skip=0.2, rush=True), override=key,
                                      ovr_dwell=lambda: rng.uniform(3, 10))
                finish(s, t)
            else:  # disguised
                t, _, _ = honest_flow(s, qs, tstart, s.tlimit, ab, speed, dict(skip=0.1), override=key,
                                      ovr_dwell=lambda: rng.uniform(9, 24), deliberate=0.08)
                t = review(s, qs, t, s.tlimit, ab, rng.randint(0, 5))
                finish(s, t)
            s.note += "; group " + ",".join(x.sid for x in members)

    # ---- software / hardware singles
    def pub_ip(prefixes=(47, 101, 106, 120, 121, 139)):
        return "%d.%d.%d.%d" % (rng.choice(prefixes), rng.randint(0, 255), rng.randint(0, 255), rng.randint(2, 254))

    def cand_then_helper(s, t_switch, acc, dw, actor, note):
        """candidate answers locally until t_switch then someone else takes over"""
        ab, speed = rng.uniform(0.45, 0.75), rng.uniform(1.0, 1.8)
        t, still, _ = honest_flow(s, s.paper, s.t0 + rng.uniform(20, 90), s.tlimit, ab, speed, dict(skip=0.3), stop_at=t_switch)
        t = max(t, t_switch)
        idle(s, t_switch - 1, t_switch, 0.01)
        rem = [q for q in s.paper if q["id"] not in s.cur]
        t = expert(s, rem, t, actor, acc, dw, s.tlimit)
        # helper then reviews candidate's own answers and fixes them
        t = expert(s, [q for q in s.paper if q not in rem], t, actor, acc, (2.5, 6), s.tlimit, only_if_diff=True)
        finish(s, t)
        s.note = note

    def helper_local(s, acc, dw, note, t_from=None):
        """candidate answers locally, guided by a helper who sees the screen (earpiece)"""
        ab, speed = rng.uniform(0.45, 0.75), rng.uniform(1.0, 1.6)
        tstart = s.t0 + rng.uniform(20, 90)
        t = tstart
        if t_from is not None:
            t, _, _ = honest_flow(s, s.paper, t, s.tlimit, ab, speed, dict(skip=0.6), stop_at=t_from)
            t = max(t, t_from)
        rem = [q for q in s.paper if q["id"] not in s.cur]
        for q in rem:
            t0 = t
            t += rng.uniform(*dw)
            if t > s.tlimit - 5:
                break
            ch = q["key"] if rng.random() < acc else wrong_choice(rng, q, 0.3)
            add(s, t, q, ch, "local", t0)
        for q in [q for q in s.paper if q not in rem and s.cur[q["id"]] != q["key"]]:
            if rng.random() < 0.85:
                t0 = t
                t += rng.uniform(6, 15)
                add(s, t, q, q["key"], "local", t0)
        finish(s, t)
        s.note = note

    for s in sessions:
        if s.kind not in ("software", "hardware"):
            continue
        v = s.variant
        s.rp_remote = rng.uniform(0.5, 1.5)
        win = s.c != "C"
        mid = s.t0 + rng.uniform(300, 2400)
        if v == "todesk_portable":
            path = rng.choice([r"C:\Users\exam\Downloads\ToDesk_Lite.exe", r"C:\Users\Public\Documents\ToDesk_Lite.exe"])
            s.pextra.append((s.t0 - 900, None, ("ToDesk_Lite.exe", path, TODESK)))
            relay = pub_ip((47,))
            s.cextra.append((s.t0 - 900, None, {"remote": "auth.todesk.com", "port": 443, "process": "ToDesk_Lite.exe"}))
            s.cextra.append((mid - 30, None, {"remote": relay, "port": 443, "process": "ToDesk_Lite.exe"}))
            s.jiggle = rng.choice([0.004, 0.08])
            cand_then_helper(s, mid, 0.97, (5, 12), "remote", "portable ToDesk launched before the exam; remote helper takes over and also fixes earlier answers")
        elif v == "sunlogin_abuse":
            peer = pub_ip((113, 183, 223))
            s.cextra.append((mid - 20, None, {"remote": peer, "port": rng.randint(20000, 60000), "process": "SunloginClient.exe"}))
            s.pextra.append((mid - 20, None, ("SunloginClient.exe", r"C:\Program Files\Oray\SunLogin\SunloginClient\SunloginClient.exe", ORAY)))
            cand_then_helper(s, mid, 0.96, (6, 14), "remote", "centre-installed Sunlogin used for an active control session from an outside peer (same process names as honest seats)")
        elif v == "todesk_abuse":
            peer = pub_ip((113, 183, 223, 14))
            s.cextra.append((mid - 20, None, {"remote": peer, "port": rng.randint(20000, 60000), "process": "ToDesk.exe"}))
            cand_then_helper(s, mid, 0.96, (6, 14), "remote", "centre-installed ToDesk used for an active control session from an outside peer")
        elif v == "disguised":
            nm, path = rng.choice([("RuntimeBroker.exe", r"C:\ProgramData\Microsoft\Crypto\RuntimeBroker.exe"),
                                   ("WindowsUpdateHelper.exe", r"C:\Windows\Temp\WindowsUpdateHelper.exe")])
            s.pextra.append((s.t0 - 1200, None, (nm, path, "")))
            s.cextra.append((s.t0 - 1200, None, {"remote": pub_ip((45, 103, 154, 8)), "port": 443, "process": nm}))
            # candidate does easy part, remote does skipped/hard ones at the end
            ab, speed = rng.uniform(0.5, 0.72), rng.uniform(0.9, 1.4)
            t, still, _ = honest_flow(s, s.paper, s.t0 + 40, s.tlimit, ab, speed, dict(skip=0.75))
            t += rng.uniform(20, 120)
            idle(s, t - 20, t, 0.005)
            t = expert(s, s.paper, t, "remote", 0.96, (3, 8), s.tlimit, only_if_diff=True)
            finish(s, t)
            s.note = "renamed unsigned remote-control binary in a system-looking path; remote helper answers the skipped questions and corrects others at the end"
        elif v == "anydesk_view":
            s.pextra.append((s.t0 - 600, None, ("AnyDesk.exe", r"C:\Users\exam\Desktop\AnyDesk.exe", "AnyDesk Software GmbH")))
            s.cextra.append((s.t0 - 600, None, {"remote": "relay-%08x.net.anydesk.com" % rng.getrandbits(32), "port": 443, "process": "AnyDesk.exe"}))
            helper_local(s, 0.95, (14, 32), "AnyDesk in view-only mode; helper reads the screen and dictates answers, candidate clicks locally")
        elif v == "linux_vnc":
            s.pextra.append((mid - 60, None, ("x11vnc", "/usr/bin/x11vnc", "")))
            s.cextra.append((mid - 60, None, {"remote": pub_ip((45, 103, 43)), "port": 5500, "process": "x11vnc"}))
            cand_then_helper(s, mid, 0.97, (4, 10), "remote", "x11vnc reverse connection to an outside listener; remote helper operates the terminal")
        elif v == "frp_tunnel":
            s.pextra.append((s.t0 - 1800, None, ("frpc", "/home/exam/.local/share/.cache/frpc", "")))
            s.pextra.append((s.t0 - 1800, None, ("x11vnc", "/usr/bin/x11vnc", "")))
            s.cextra.append((s.t0 - 1800, None, {"remote": pub_ip((8, 43, 47)), "port": 7000, "process": "frpc"}))
            s.cextra.append((mid - 10, None, {"remote": "127.0.0.1", "port": 5900, "process": "frpc"}))
            cand_then_helper(s, mid, 0.95, (5, 12), "remote", "VNC exposed through an frp tunnel (only loopback VNC connection visible plus frpc to a VPS)")
        elif v == "wemeet_view":
            s.pextra.append((s.t0 - 300, None, ("wemeetapp.exe", r"C:\Program Files (x86)\Tencent\WeMeet\3.26.10.408\wemeetapp.exe",
                                                "Tencent Technology (Shenzhen) Company Limited")))
            s.cextra.append((s.t0 - 300, None, {"remote": "wemeet.qq.com", "port": 443, "process": "wemeetapp.exe"}))
            s.cextra.append((s.t0 - 200, None, {"remote": pub_ip((119, 175, 203)), "port": 8000, "process": "wemeetapp.exe"}))
            helper_local(s, 0.94, (12, 28), "Tencent Meeting screen share to a helper who dictates answers; all input local", t_from=mid)
        elif v == "quick_assist":
            s.pextra.append((mid - 90, None, ("QuickAssist.exe", r"C:\Program Files\WindowsApps\MicrosoftCorporationII.QuickAssist_2.0.32.0_x64__8wekyb3d8bbwe\Microsoft.RemoteAssistance.QuickAssist\QuickAssist.exe",
                                              "Microsoft Corporation")))
            s.cextra.append((mid - 90, None, {"remote": "remoteassistance.support.services.microsoft.com", "port": 443, "process": "QuickAssist.exe"}))
            s.cextra.append((mid - 30, None, {"remote": "rdprelayv3eastusprod-0.support.services.microsoft.com", "port": 443, "process": "QuickAssist.exe"}))
            cand_then_helper(s, mid, 0.96, (5, 12), "remote", "Windows Quick Assist (Microsoft-signed) full control from outside")
        elif v == "teamviewer_brief":
            a0 = s.t0 + rng.uniform(1500, 3000)
            a1 = a0 + rng.uniform(500, 900)
            s.pextra.append((a0, a1, ("TeamViewerQS.exe", r"C:\Users\exam\Downloads\TeamViewerQS_zhcn.exe", "TeamViewer Germany GmbH")))
            s.cextra.append((a0 + 20, a1, {"remote": pub_ip((37, 178, 188)), "port": 5938, "process": "TeamViewerQS.exe"}))
            ab, speed = rng.uniform(0.5, 0.7), rng.uniform(0.9, 1.3)
            t, still, _ = honest_flow(s, s.paper, s.t0 + 40, s.tlimit, ab, speed, dict(skip=0.7), stop_at=a0 + 40)
            t = max(t, a0 + 40)
            idle(s, t - 30, t, 0.003)
            rem = [q for q in s.paper if q["id"] not in s.cur]
            t = expert(s, rem, t, "remote", 0.97, (3, 7), a1 - 10)
            t = expert(s, [q for q in s.paper if q not in rem], t, "remote", 0.97, (2, 5), a1 - 5, only_if_diff=True)
            t = max(t, a1)
            rem2 = [q for q in s.paper if q["id"] not in s.cur]
            t, _, _ = honest_flow(s, rem2, t, s.tlimit, ab, speed, dict(skip=0.0, rush=True))
            finish(s, t)
            s.note = "TeamViewer QuickSupport run for ~10-15 minutes mid-exam; remote helper answers skipped questions, then tool closed"
        # ---------------- hardware
        elif v in ("ch9329_present", "ch9329_mid", "spoof_kbd", "bt_hid"):
            if v == "ch9329_present":
                s.devev.append((s.t0 - rng.uniform(600, 3000), "attached", ("hid", rng.choice(["USB Keyboard", "HID Keyboard Device", "USB Composite Device"]), "1a86", "e129")))
                actor = rng.choice(["inject_k", "inject_p"])
                note = "CH9329 serial-to-HID injector plugged in before the session; remote operator (hidden camera view) answers by injected input"
            elif v == "ch9329_mid":
                s.devev.append((mid - rng.uniform(20, 120), "attached", ("hid", "USB Keyboard", "1a86", "e129")))
                actor = "inject_p"
                note = "CH9329 HID injector attached mid-exam; injected absolute pointer moves and clicks"
            elif v == "spoof_kbd":
                s.devev.append((mid - rng.uniform(20, 200), "attached", ("hid", "USB Keyboard", "046d", "c31c")))
                actor = "inject_k"
                note = "injector spoofing a Logitech K120 keyboard id, a second keyboard next to the centre one; keyboard-only navigation"
            else:
                s.devev.append((mid - rng.uniform(60, 300), "attached", ("other", "CSR8510 A10 Bluetooth Dongle", "0a12", "0001")))
                s.devev.append((mid - rng.uniform(5, 50), "attached", ("hid", "Bluetooth Keyboard", "05ac", "0256")))
                actor = "inject_k"
                note = "nano Bluetooth dongle + phone acting as a Bluetooth keyboard; remote operator types the answers"
            s.jiggle = 0.003
            cand_then_helper(s, mid, 0.97, (3.5, 8), actor, note)
        elif v in ("wireless_rx", "kvm_switch", "ipkvm"):
            if v == "wireless_rx":
                s.devev.append((mid - rng.uniform(30, 300), "attached", ("hid", "2.4G Wireless Receiver", "25a7", "fa61")))
                note = "2.4G keyboard/mouse receiver hidden behind the terminal; helper in a nearby room operates it"
            elif v == "kvm_switch":
                t = mid - rng.uniform(10, 40)
                kb, ms = s.cfg["kb"], s.cfg["mouse"]
                s.devev.append((t, "removed", kb))
                s.devev.append((t + 0.3, "removed", ms))
                s.dispev.append((t + 0.5, 0, False, s.cfg["res"]))
                s.devev.append((t + 2.2, "attached", ("hid", "ATEN CS22U KVM Keyboard", "0557", "2419")))
                s.devev.append((t + 2.4, "attached", ("hid", "ATEN CS22U KVM Mouse", "0557", "2419")))
                s.dispev.append((t + 3.5, 1, False, "1920x1080" if s.cfg["res"] != "1920x1080" else "1280x1024"))
                note = "inline KVM extender inserted between terminal and peripherals; remote operator takes over"
            else:
                s.devev.append((mid - rng.uniform(60, 600), "attached", ("hid", "Composite KVM Device", "1d6b", "0104")))
                s.dispev.append((mid - rng.uniform(10, 50), 2, True, "1920x1080"))
                note = "IP-KVM (Linux USB gadget) + mirrored HDMI; remote operator takes over"
            cand_then_helper(s, mid, 0.96, (5, 12), "kvm", note)
        elif v == "displaylink_mirror":
            s.devev.append((mid - rng.uniform(30, 200), "attached", ("other", "USB3.0 to HDMI Display Adapter", "17e9", "4307")))
            s.dispev.append((mid - rng.uniform(5, 25), 2, True, s.cfg["res"]))
            helper_local(s, 0.95, (13, 30), "USB display adapter mirrored into a wireless HDMI transmitter; helper dictates answers", t_from=mid)
        elif v == "hdmi_splitter":
            t = s.t0 - rng.uniform(300, 1200) if rng.random() < 0.5 else mid - rng.uniform(20, 60)
            s.dispev.append((t, 0, False, s.cfg["res"]))
            s.dispev.append((t + 2.5, 1, False, rng.choice(["1920x1080", "1280x720"]) if s.cfg["res"] != "1920x1080" else "1280x720"))
            helper_local(s, 0.95, (14, 30), "passive HDMI splitter feeding a transmitter (only a display re-plug and EDID resolution change visible); helper dictates answers",
                         t_from=None if t < s.t0 else mid)
        elif v == "dock_extra_display":
            s.dispev.append((mid - rng.uniform(10, 100), 3, True, "1920x1080"))
            helper_local(s, 0.95, (12, 28), "third display on the dock set to mirror into a capture/transmitter; helper dictates answers", t_from=mid)

    # ---- honest
    for s in sessions:
        if s.kind == "honest":
            run_honest(s, s.t0 + rng.uniform(15, 120))
            s.note = "honest: " + s.honest_notes[0]

    # ---------------- honest noise on devices/displays/processes
    for s in sessions:
        c = s.c
        if s.kind != "honest":
            continue
        r = rng.random()
        if r < 0.04:
            t = s.t0 + rng.uniform(300, max(400, s.t_end - s.t0 - 300))
            s.devev.append((t, "removed", s.cfg["mouse"]))
            spare = rng.choice([("hid", "Logitech M90 USB Mouse", "046d", "c05a"), ("hid", "Lenovo USB Optical Mouse", "17ef", "608d"),
                                ("hid", "USB OPTICAL MOUSE", "1bcf", "0005")])
            s.devev.append((t + rng.uniform(40, 180), "attached", spare))
            s.act.append((t, t + 180, -1, 0))  # marker: no local pointer
            s.note += "; mouse failed and was replaced by invigilator"
        elif r < 0.06:
            t = s.t0 + rng.uniform(300, max(400, s.t_end - s.t0 - 300))
            s.devev.append((t, "removed", s.cfg["kb"]))
            s.devev.append((t + rng.uniform(30, 120), "attached", ("hid", "Logitech K120 Keyboard", "046d", "c31c") if c != "D" else ("hid", "Dell KB216 Wired Keyboard", "413c", "2113")))
            s.note += "; keyboard replaced by invigilator"
        if c == "D" and rng.random() < 0.12:
            t = s.t0 + rng.uniform(300, max(400, s.t_end - s.t0 - 300))
            s.devev.append((t, "removed", ("other", "Dell WD19 Dock", "413c", "b06e")))
            s.devev.append((t + 0.2, "removed", s.cfg["kb"]))
            s.devev.append((t + 0.3, "removed", s.cfg["mouse"]))
            s.dispev.append((t + 0.5, 1, False, "1920x1080"))
            t2 = t + rng.uniform(5, 40)
            s.devev.append((t2, "attached", ("other", "Dell WD19 Dock", "413c", "b06e")))
            s.devev.append((t2 + 1.1, "attached", s.cfg["kb"]))
            s.devev.append((t2 + 1.2, "attached", s.cfg["mouse"]))
            s.dispev.append((t2 + 2.0, 2, False, "1920x1080"))
            s.note += "; dock cable knocked loose and replugged"
        if c == "D" and rng.random() < 0.1:
            s.dispev.append((s.t0 + rng.uniform(60, 600), 1, False, "1920x1080"))
            s.note += "; laptop lid closed, external monitor only"
        if c == "B" and rng.random() < 0.05:
            t = s.t0 + rng.uniform(5, 40)
            s.devev.append((t, "attached", ("storage", "Kingston DataTraveler 3.0", "0951", "1666")))
            s.devev.append((t + rng.uniform(40, 110), "removed", ("storage", "Kingston DataTraveler 3.0", "0951", "1666")))
            s.note += "; centre IT copied a client patch from a USB stick at login"
        if c == "A" and rng.random() < 0.06:
            t = s.t0 + rng.uniform(10, 60)
            s.cextra.append((t, t + rng.uniform(60, 200), {"remote": "10.20.0.3", "port": rng.randint(40000, 50000), "process": "SunloginClient.exe"}))
            s.note += "; centre IT connected with Sunlogin from the LAN at login to fix the client"
        if c == "B" and rng.random() < 0.1:
            t = s.t0 - rng.uniform(0, 200)
            s.cextra.append((t, s.t0 + rng.uniform(60, 240), {"remote": "192.168.10.2", "port": 4899, "process": "rserver3.exe"}))
            s.note += "; IT admin Radmin check before the exam"

    # ---------------- outages
    centre_outage = {}
    for (eid, pcode, ver, day, slot, minutes, rooms) in EXAMS:
        if any(c == "E" for (c, _, _) in rooms):
            t_sit = epoch(*day, 9 if slot == "AM" else 14, 0)
            st = t_sit + rng.uniform(1500, 3600)
            centre_outage[(eid, "E")] = (st, st + rng.uniform(240, 900))
    for s in sessions:
        s.outages = []
        if (s.exam, s.c) in centre_outage:
            s.outages.append(centre_outage[(s.exam, s.c)])
            s.note += "; centre network outage (buffered events)"
        if rng.random() < s.cfg["outage"]:
            st = s.t0 + rng.uniform(200, max(300, s.t_end - s.t0 - 200))
            s.outages.append((st, st + rng.uniform(60, 700)))
            s.note += "; terminal network drop (buffered events)"

    # ---------------- clocks
    for s in sessions:
        off, desc = terminals[s.terminal]
        s.clock = [(float("-inf"), off)]
        if desc:
            s.note += "; " + desc
        if rng.random() < 0.06:
            tj = s.t0 + rng.uniform(300, max(400, s.t_end - s.t0))
            if abs(off) > 60 and rng.random() < 0.7:
                s.clock.append((tj, rng.uniform(-1, 1)))
                s.note += "; clock corrected by NTP mid-session"
            else:
                s.clock.append((tj, off + rng.choice([-1, 1]) * rng.uniform(30, 900)))
                s.note += "; clock jumped mid-session"

    # ---------------- emit
    def fmt(s, t):
        off = 0.0
        for (tj, o) in s.clock:
            if t >= tj:
                off = o
        tt = t + off
        st = s.cfg["ts"]
        if st == "utc_z":
            d = datetime.fromtimestamp(tt, UTC)
            return d.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (d.microsecond // 1000)
        d = datetime.fromtimestamp(tt, CST)
        if st == "cst_s":
            return d.isoformat(timespec="seconds")
        return d.isoformat(timespec="milliseconds")

    order_ctr = [1]
    line_count = 0
    truth = []
    for s in sessions:
        evs = []
        end = s.t_end

        def E(t, kind, **f):
            evs.append((t, kind, f))

        E(s.t0, "session_start", candidate=s.cand, exam=s.exam, centre=s.centre, room=s.room, seat=s.seat, terminal=s.terminal)
        # devices
        base_devs = [s.cfg["kb"], s.cfg["mouse"]]
        if s.c == "D":
            base_devs += [("other", "Dell WD19 Dock", "413c", "b06e"), ("other", "Realtek USB GbE Family Controller", "0bda", "8153"),
                          ("other", "Dell USB Audio", "0bda", "402e"), ("other", "Integrated Webcam", "0c45", "6a14")]
        if s.c == "E":
            base_devs += [("other", "CVR-100UC ID Card Reader", "0400", "c35a"), ("other", "USB2.0 HD UVC WebCam", "0c45", "6366")]
            if rng.random() < 0.3:
                base_devs.append(("hid", "Honeywell Voyager 1200g", "0c2e", "0b61"))
            else:
                tb = s.t0 + rng.uniform(-20, 10)
                s.devev.append((tb, "attached", ("hid", "Honeywell Voyager 1200g", "0c2e", "0b61")))
                s.devev.append((tb + rng.uniform(30, 200), "removed", ("hid", "Honeywell Voyager 1200g", "0c2e", "0b61")))
        if s.c == "A" and int(s.seat) % 3 == 0:
            base_devs.append(("other", "Logitech HD Webcam C270", "046d", "0825"))
        if s.c == "C" and rng.random() < 0.2:
            base_devs.append(("hid", "Symbol DS4308 Barcode Scanner", "05e0", "1200"))
        devs = list(base_devs)
        for (t, act, d) in sorted(s.devev, key=lambda x: x[0]):
            if t < s.t0:
                devs.append(d)
        pend = sorted([x for x in s.devev if x[0] >= s.t0], key=lambda x: x[0])

        def inventory(t):
            cur = list(devs)
            for (tt, act, d) in pend:
                if tt <= t:
                    if act == "attached":
                        cur.append(d)
                    elif d in cur:
                        cur.remove(d)
            return cur

        tinv = s.t0 + 1.5
        while tinv < end:
            for d in inventory(tinv):
                E(tinv, "device", action="present", **{"class": d[0]}, name=d[1], vid=d[2], pid=d[3])
            tinv += 1800 + rng.uniform(-20, 20)
        for (t, act, d) in pend:
            if t < end:
                E(t, "device", action=act, **{"class": d[0]}, name=d[1], vid=d[2], pid=d[3])
        # displays
        nd, mir, res = s.cfg["displays"], False, s.cfg["res"]
        if s.c == "E" and s.seat == "01":
            E(s.t0 + 1.6, "display", displays=2, mirrored=True, resolution="1024x768")
            E(s.t0 + rng.uniform(120, 480), "display", displays=1, mirrored=False, resolution=res)
            s.note += "; front seat mirrored to the room projector for the briefing"
        else:
            pre = [x for x in s.dispev if x[0] < s.t0]
            if pre:
                nd, mir, res = sorted(pre)[-1][1:]
            E(s.t0 + 1.6, "display", displays=nd, mirrored=mir, resolution=res)
        for (t, n, m, r_) in s.dispev:
            if s.t0 <= t < end:
                E(t, "display", displays=n, mirrored=m, resolution=r_)
        # processes
        if s.cfg["os"] == "uos":
            base_p = list(LINUX_BASE)
            trans = LINUX_TRANSIENT
        else:
            base_p = list(WIN_SYS) + (list(WIN10_EXTRA) if s.cfg["os"] != "win7" else []) + list(EXAM_WIN) + list(s.cfg["extra_procs"])
            trans = WIN_TRANSIENT
        if s.c == "E":
            face_until = s.t0 + rng.uniform(60, 400)
        tp = s.t0 + 2
        while tp < end:
            pl = list(base_p)
            if s.c == "E" and tp < face_until:
                pl.append(("FaceCheck.exe", r"C:\Program Files (x86)\AnKao\FaceCheck\FaceCheck.exe", "广州安考信息科技有限公司"))
            for (a0, a1, p) in s.pextra:
                if a0 <= tp and (a1 is None or tp <= a1):
                    pl.append(p)
            if rng.random() < 0.25:
                pl.append(rng.choice(trans))
            rng.shuffle(pl)
            E(tp, "processes", processes=[{"name": n, "path": p, "signer": g} for (n, p, g) in pl])
            tp += 600 + rng.uniform(-15, 15) if s.c != "C" else 900 + rng.uniform(-15, 15)
        # connections
        net = ROOM_NET[(s.c, s.room)]
        srv = {"A": ("10.20.0.10", 8080, "AnKaoClient.exe"), "B": ("192.168.10.5", 80, "AnKaoClient.exe"),
               "C": ("172.16.8.10", 8443, "ExamClient"), "D": ("ks.dg-aqpx.cn", 443, "AnKaoClient.exe"),
               "E": ("exam.zs-aqpx.com", 443, "AnKaoClient.exe")}[s.c]
        agent = "cgagent" if s.c == "C" else "cgagent.exe"
        base_c = [{"remote": srv[0], "port": srv[1], "process": srv[2]},
                  {"remote": "ingest.certguard.cn", "port": 443, "process": agent}]
        h = int(s.terminal.encode().hex(), 16)
        if s.c == "A":
            base_c.append({"remote": net + ".2", "port": 4988, "process": "StudentMain.exe"})
            base_c.append({"remote": "sl-api.oray.com", "port": 443, "process": "SunloginClient.exe"})
            base_c.append({"remote": ["121.40.88.17", "47.96.231.5", "139.224.10.66"][h % 3], "port": 443, "process": "SunloginClient.exe"})
        elif s.c == "C":
            base_c.append({"remote": net + ".2", "port": 11100, "process": "veyon-server"})
        elif s.c == "D":
            base_c.append({"remote": "api.todesk.com", "port": 443, "process": "ToDesk_Service.exe"})
            base_c.append({"remote": ["47.103.23.190", "47.116.5.77"][h % 2], "port": 443, "process": "ToDesk_Service.exe"})
        tc = s.t0 + 3
        while tc < end:
            cl = [dict(x) for x in base_c]
            for (a0, a1, cx) in s.cextra:
                if a0 <= tc and (a1 is None or tc <= a1):
                    cl.append(cx)
            if s.c == "B" and rng.random() < 0.2:
                cl.append({"remote": "sd.360.cn", "port": 80, "process": "360tray.exe"})
            if s.cfg["os"] in ("win10", "win11") and rng.random() < 0.1:
                cl.append({"remote": "ctldl.windowsupdate.com", "port": 80, "process": "svchost.exe"})
            rng.shuffle(cl)
            E(tc, "connections", connections=cl)
            tc += 300 + rng.uniform(-10, 10)
        # input
        ti = s.t0
        nohold = [(a, b) for (a, b, rp, rk) in s.act if rp == -1]
        acts = [x for x in s.act if x[2] >= 0]
        hits = sorted(s.hits)
        hi = 0
        while ti < end:
            tn = min(end, ti + 60 + rng.uniform(-0.4, 0.4))
            lam_p = lam_k = 0.0
            for (a, b, rp, rk) in acts:
                ov = min(b, tn) - max(a, ti)
                if ov > 0:
                    lam_p += ov * rp
                    lam_k += ov * rk
            kk = pois(rng, lam_k)
            pp = pois(rng, lam_p)
            while hi < len(hits) and hits[hi][0] < tn:
                kk += hits[hi][1]
                pp += hits[hi][2]
                hi += 1
            if any(min(b, tn) - max(a, ti) > 30 for (a, b) in nohold):
                pp = 0
            ms = int(round((tn - ti) * 1000))
            if ms > 0:
                E(tn, "input", interval_ms=ms, keys=kk, pointer=pp)
            ti = tn
        # answers
        for (t, qid, ch) in s.answers:
            if t < end:
                E(t, "answer", question=qid, choice=ch)
        E(end, "session_end")
        evs.sort(key=lambda x: x[0])
        # arrival
        seq = 0
        for (t, kind, f) in evs:
            seq += 1
            obj = {"v": 1, "id": "%s.%d" % (s.sid[2:], seq), "at": fmt(s, t), "kind": kind, "session": s.sid}
            obj.update(f)
            arr = t + rng.uniform(0.05, 2.5)
            buffered = False
            for (o0, o1) in s.outages:
                if o0 <= t < o1:
                    arr = o1 + rng.uniform(0.5, 25)
                    buffered = True
            all_events.append((arr, order_ctr[0], obj))
            order_ctr[0] += 1
            if (buffered and rng.random() < 0.3) or rng.random() < 0.004:
                all_events.append((arr + rng.uniform(3, 90), order_ctr[0], obj))
                order_ctr[0] += 1
        truth.append({"session": s.sid, "kind": s.kind, "note": (s.variant + ": " if s.kind != "honest" else "") + s.note})

    all_events.sort(key=lambda x: (x[0], x[1]))
    os.makedirs(args.out, exist_ok=True)
    raw = "".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) + "\n" for (_, _, o) in all_events).encode("utf-8")
    with open(os.path.join(args.out, "events.jsonl.gz"), "wb") as fh:
        with gzip.GzipFile(filename="events.jsonl", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
            gz.write(raw)
    order = list(truth)
    rng.shuffle(order)
    with open(os.path.join(args.out, "truth.jsonl"), "w", encoding="utf-8") as fh:
        for t in order:
            fh.write(json.dumps(t, ensure_ascii=False) + "\n")
    print("events", len(all_events), "sessions", len(truth))


if __name__ == "__main__":
    main()
