#!/usr/bin/env python3
"""Independent synthetic generator: labelled exam-terminal event streams for
special-operations (特种作业) certificate theory exams.

Standard library only.  Every random stream is seeded from strings
(random.Random(str) hashes with SHA-512, independent of PYTHONHASHSEED), so
the output is byte-identical for a given --seed/--candidates.

    python3 gen.py --seed 1212 --candidates 400 --out set-l
"""
import argparse
import gzip
import hashlib
import json
import math
import os
import random
from collections import defaultdict
from datetime import datetime, timedelta, timezone

UTC = timezone.utc
CST = timezone(timedelta(hours=8))
SEED = "1212"


def R(*p):
    return random.Random("\x1f".join(str(x) for x in (SEED,) + p))


def H(*p, n=12):
    return hashlib.sha256("\x1f".join(str(x) for x in (SEED,) + p).encode()).hexdigest()[:n]


def sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def ts(y, mo, d, hh, mm):
    return datetime(y, mo, d, hh, mm, tzinfo=CST).timestamp()


# --------------------------------------------------------------------------- papers
PAPERS = [
    # code, exam id, title, n_tf, n_sc, minutes, style
    ("P1", "TZ-DYDG-2026-11A", "低压电工作业", 70, 30, 120, "int"),
    ("P2", "TZ-GCZY-2026-11", "高处作业(登高架设)", 60, 40, 90, "cn"),
    ("P3", "TZ-HJRQ-2026-11B", "熔化焊接与热切割作业", 70, 30, 120, "sym"),
    ("P4", "TZ-ZLKT-2026-11", "制冷与空调设备运行操作", 50, 50, 90, "list"),
    ("P5", "TZ-HGYB-2026-11", "化工自动化控制仪表作业", 70, 30, 100, "bank"),
]


class Q:
    __slots__ = ("id", "tf", "labels", "key", "b", "w", "opts", "idx")


class Paper:
    pass


def build_paper(code, exam, title, ntf, nsc, minutes, style):
    r = R("paper", code)
    P = Paper()
    P.code, P.exam, P.title, P.minutes, P.style = code, exam, title, minutes, style
    P.qs = []
    bank = r.sample(range(1001, 9899), ntf + nsc)
    for i in range(ntf + nsc):
        q = Q()
        q.idx = i
        q.tf = i < ntf
        if style == "int":
            q.id = "Q%03d" % (i + 1)
            q.labels = ["A", "B"] if q.tf else ["A", "B", "C", "D"]
            q.opts = len(q.labels)
        elif style == "cn":
            q.id = i + 1
            q.labels = ["对", "错"] if q.tf else ["A", "B", "C", "D"]
            q.opts = list(q.labels)
        elif style == "sym":
            q.id = "HJ-%04d" % bank[i]
            q.labels = ["√", "×"] if q.tf else ["A", "B", "C", "D"]
            q.opts = list(q.labels)
        elif style == "list":
            q.id = "q%d" % (i + 1)
            q.labels = ["A", "B"] if q.tf else ["A", "B", "C", "D"]
            q.opts = list(q.labels)
        else:  # bank ids as integers, option count as number
            q.id = bank[i]
            q.labels = ["A", "B"] if q.tf else ["A", "B", "C", "D"]
            q.opts = len(q.labels)
        q.key = r.choice(q.labels)
        q.b = r.gauss(-2.1, 1.0) if q.tf else r.gauss(-1.5, 1.0)
        q.w = {l: r.random() ** 2 + 0.05 for l in q.labels if l != q.key}
        if r.random() < 0.07:  # trap question with an attractive distractor
            q.b += 2.3
            q.w[r.choice(list(q.w))] += 4.0
        P.qs.append(q)
    P.byid = {q.id: q for q in P.qs}
    return P


def wrong_pick(r, q):
    tot = sum(q.w.values())
    x = r.random() * tot
    for l, w in q.w.items():
        x -= w
        if x <= 0:
            return l
    return list(q.w)[-1]


def own_choice(r, q, theta, miscon=None, guesser=False):
    if miscon and q.id in miscon and r.random() < 0.7 and theta < 2.2:
        return miscon[q.id], False
    if guesser and r.random() < 0.45:
        return r.choice(q.labels), False
    p = sig(theta - q.b)
    if r.random() < p:
        return q.key, p > 0.75
    return wrong_pick(r, q), False


# --------------------------------------------------------------------------- sites
MS = "Microsoft Windows"
WIN_BASE = [
    ("System", None, None), ("smss.exe", r"C:\Windows\System32\smss.exe", MS),
    ("csrss.exe", r"C:\Windows\System32\csrss.exe", MS), ("wininit.exe", r"C:\Windows\System32\wininit.exe", MS),
    ("services.exe", r"C:\Windows\System32\services.exe", MS), ("lsass.exe", r"C:\Windows\System32\lsass.exe", MS),
    ("svchost.exe", r"C:\Windows\System32\svchost.exe", MS), ("svchost.exe", r"C:\Windows\System32\svchost.exe", MS),
    ("svchost.exe", r"C:\Windows\System32\svchost.exe", MS), ("explorer.exe", r"C:\Windows\explorer.exe", MS),
    ("dwm.exe", r"C:\Windows\System32\dwm.exe", MS), ("ctfmon.exe", r"C:\Windows\System32\ctfmon.exe", MS),
    ("spoolsv.exe", r"C:\Windows\System32\spoolsv.exe", MS), ("conhost.exe", r"C:\Windows\System32\conhost.exe", MS),
]
WIN10_EXTRA = [("RuntimeBroker.exe", r"C:\Windows\System32\RuntimeBroker.exe", MS),
               ("taskhostw.exe", r"C:\Windows\System32\taskhostw.exe", MS),
               ("SecurityHealthService.exe", r"C:\Windows\System32\SecurityHealthService.exe", MS),
               ("MsMpEng.exe", r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe", "Microsoft Corporation")]
WIN7_EXTRA = [("taskhost.exe", r"C:\Windows\System32\taskhost.exe", MS),
              ("360tray.exe", r"C:\Program Files (x86)\360\360Safe\safemon\360tray.exe", "Beijing Qihu Technology Co., Ltd."),
              ("ZhuDongFangYu.exe", r"C:\Program Files (x86)\360\360Safe\deepscan\ZhuDongFangYu.exe", "Beijing Qihu Technology Co., Ltd.")]
HUORONG = [("HipsDaemon.exe", r"C:\Program Files\Huorong\Sysdiag\bin\HipsDaemon.exe", "Beijing Huorong Network Technology Co., Ltd."),
           ("HipsTray.exe", r"C:\Program Files\Huorong\Sysdiag\bin\HipsTray.exe", "Beijing Huorong Network Technology Co., Ltd.")]
UOS_BASE = [("systemd", "/usr/lib/systemd/systemd", None), ("dbus-daemon", "/usr/bin/dbus-daemon", None),
            ("NetworkManager", "/usr/sbin/NetworkManager", None), ("Xorg", "/usr/lib/xorg/Xorg", None),
            ("lightdm", "/usr/sbin/lightdm", None), ("startdde", "/usr/bin/startdde", "deb:uniontech"),
            ("dde-desktop", "/usr/bin/dde-desktop", "deb:uniontech"), ("dde-dock", "/usr/bin/dde-dock", "deb:uniontech"),
            ("dde-session-daemon", "/usr/lib/deepin-daemon/dde-session-daemon", "deb:uniontech"),
            ("fcitx5", "/usr/bin/fcitx5", None), ("pulseaudio", "/usr/bin/pulseaudio", None),
            ("sshd", "/usr/sbin/sshd", None), ("cron", "/usr/sbin/cron", None)]
KYLIN_BASE = [("systemd", "/usr/lib/systemd/systemd", None), ("dbus-daemon", "/usr/bin/dbus-daemon", None),
              ("NetworkManager", "/usr/sbin/NetworkManager", None), ("Xorg", "/usr/lib/xorg/Xorg", None),
              ("ukui-session", "/usr/bin/ukui-session", "deb:kylin"), ("ukui-panel", "/usr/bin/ukui-panel", "deb:kylin"),
              ("peony", "/usr/bin/peony", "deb:kylin"), ("kylin-nm", "/usr/bin/kylin-nm", "deb:kylin"),
              ("fcitx", "/usr/bin/fcitx", None), ("pulseaudio", "/usr/bin/pulseaudio", None),
              ("nxserver.bin", "/usr/NX/bin/nxserver.bin", None), ("nxnode.bin", "/usr/NX/bin/nxnode.bin", None)]

CENTRES = {
    "HZ01": dict(os="win10", vendor="alpha", net="10.21", shuffle=True, minsubmit=0,
                 client=("KSClient.exe", r"C:\Program Files (x86)\AQKS\KSClient\KSClient.exe", "Hangzhou Anke Ruantong Co., Ltd."),
                 extra=WIN10_EXTRA + [("StudentMain.exe", r"C:\Program Files (x86)\Mythware\极域电子教室软件 v4.0 2015 豪华版\StudentMain.exe", "Mythware Co., Ltd."),
                                      ("MasterHelper.exe", r"C:\Program Files (x86)\Mythware\极域电子教室软件 v4.0 2015 豪华版\MasterHelper.exe", "Mythware Co., Ltd.")],
                 res={"R1": "1920x1080", "R2": "1920x1080"}, kit=["dell", "generic", "lenovo"]),
    "NB02": dict(os="win7", vendor="beta", net="10.32", shuffle=False, minsubmit=30,
                 client=("安全生产考试系统.exe", r"D:\AQSC\安全生产考试系统.exe", None),
                 extra=WIN7_EXTRA + [("REDAgent.exe", r"C:\Program Files\3000soft\Red Spider\REDAgent.exe", "Shanghai 3000soft Co., Ltd.")],
                 res={"R1": "1366x768", "R2": "1440x900"}, kit=["generic", "hp"]),
    "WZ03": dict(os="uos", vendor="gamma", net="10.43", shuffle=True, minsubmit=0,
                 client=("exam-client", "/opt/apps/com.ksxt.examclient/files/bin/exam-client", "deb:ksxt"),
                 extra=UOS_BASE, res={"R1": "1920x1080", "R2": "1920x1080"}, kit=["lenovo", "generic"]),
    "SX04": dict(os="win11", vendor="alpha2", net="10.54", shuffle=False, minsubmit=0,
                 client=("ExamTerminal.exe", r"C:\Program Files\ExamTerminal\ExamTerminal.exe", "Shaoxing Zhikao Technology Co., Ltd."),
                 extra=WIN10_EXTRA + [("rserver3.exe", r"C:\Windows\SysWOW64\rserver30\rserver3.exe", "Famatech Corp.")] + HUORONG,
                 res={"R1": "1920x1080", "R2": "2560x1440"}, kit=["dell", "logi"]),
    "JX05": dict(os="kylin", vendor="gamma2", net="10.65", shuffle=False, minsubmit=20,
                 client=("ksclient", "/usr/lib/ksclient/ksclient", None),
                 extra=KYLIN_BASE, res={"R1": "1920x1080", "R2": "1920x1080"}, kit=["laptop", "generic"]),
    "TZ06": dict(os="win10", vendor="beta2", net="10.76", shuffle=True, minsubmit=0,
                 client=("OnlineExam.exe", r"C:\OnlineExam\OnlineExam.exe", "Taizhou Anpei Information Technology Co., Ltd."),
                 extra=WIN10_EXTRA + [("TeamViewer_Service.exe", r"C:\Program Files\TeamViewer\TeamViewer_Service.exe", "TeamViewer Germany GmbH"),
                                      ("SogouCloud.exe", r"C:\Program Files (x86)\SogouInput\Components\SogouCloud.exe", "Beijing Sogou Technology Development Co., Ltd."),
                                      ("QQPCTray.exe", r"C:\Program Files (x86)\Tencent\QQPCMgr\16.4\QQPCTray.exe", "Tencent Technology(Shenzhen) Company Limited")],
                 res={"R1": "1600x900"}, kit=["generic", "hp"]),
}
AGENTS = {
    "alpha": ("SecAgent.exe", r"C:\Program Files\KJ-Guard\SecAgent.exe", "KJ Guard Information Security Co., Ltd."),
    "alpha2": ("SecAgent.exe", r"C:\Program Files\KJ-Guard\SecAgent.exe", "KJ Guard Information Security Co., Ltd."),
    "beta": ("tmonitor.exe", r"C:\Windows\tmonitor\tmonitor.exe", None),
    "beta2": ("tmonitor.exe", r"C:\Windows\tmonitor\tmonitor.exe", "Ningbo Tianmu Monitoring Co., Ltd."),
    "gamma": ("ksjk-agent", "/usr/sbin/ksjk-agent", None),
    "gamma2": ("ksjk-agent", "/usr/sbin/ksjk-agent", None),
}
VENDORS = {
    "alpha": dict(ts="local_ms", idf="uuid", inp=20, proc=120, conn=60, ptr="moves", present="all", sign=True, res=True, mir=True, vcase="upper", coalesce=False, dup=0.01, restore=True),
    "alpha2": dict(ts="utc_ms", idf="inst", inp=20, proc=180, conn=180, ptr="moves", present="all", sign=True, res=True, mir=True, vcase="upper", coalesce=False, dup=0.008, restore=True),
    "beta": dict(ts="utc_s", idf="seq", inp=30, proc=300, conn=300, ptr="clicks", present="hid", sign=False, res=False, mir=False, vcase="lower", coalesce=False, dup=0.02, restore=False),
    "beta2": dict(ts="utc_s", idf="seq", inp=30, proc=240, conn=240, ptr="clicks", present="hid", sign=True, res=True, mir=False, vcase="lower", coalesce=False, dup=0.02, restore=False),
    "gamma": dict(ts="utc_us", idf="ulid", inp=20, proc=180, conn=90, ptr="moves", present="all", sign=True, res=True, mir=True, vcase="lower", coalesce=True, dup=0.005, restore=True),
    "gamma2": dict(ts="utc_us", idf="ulid", inp=30, proc=150, conn=150, ptr="moves", present="all", sign=True, res=True, mir=True, vcase="lower", coalesce=False, dup=0.006, restore=False),
}

KITS = {
    "dell": [("Dell KB216 Wired Keyboard", "hid", "413C", "2113"), ("Dell MS116 USB Optical Mouse", "hid", "413C", "301A")],
    "generic": [("USB Keyboard", "hid", "1C4F", "0002"), ("USB Keyboard (Consumer Control)", "hid", "1C4F", "0002"),
                ("USB Optical Mouse", "hid", "093A", "2510")],
    "lenovo": [("Lenovo Calliope USB Keyboard", "hid", "17EF", "602D"), ("Lenovo USB Optical Mouse", "hid", "17EF", "608D")],
    "hp": [("HP USB Keyboard", "hid", "03F0", "0024"), ("HP USB Optical Mouse", "hid", "03F0", "0B4A")],
    "logi": [("Logitech USB Receiver", "hid", "046D", "C534"), ("Logitech USB Receiver (Mouse)", "hid", "046D", "C534")],
    "laptop": [("ELAN Touchpad", "hid", "04F3", "3140"), ("AT Translated Set 2 keyboard", "hid", None, None),
               ("USB Optical Mouse", "hid", "093A", "2510")],
}
IDREADER = ("Synjones IDR210 ID Card Reader", "other", "0400", "C35A")
CAMERA = ("USB2.0 HD UVC WebCam", "other", "0C45", "6366")

# schedule: (month, day, hh, mm, centre, room, paper, n)
SCHEDULE = [
    (11, 16, 9, 0, "HZ01", "R1", "P1", 28), (11, 16, 9, 0, "NB02", "R1", "P1", 26),
    (11, 16, 14, 0, "HZ01", "R2", "P2", 24), (11, 17, 9, 0, "WZ03", "R1", "P1", 30),
    (11, 17, 9, 0, "SX04", "R1", "P1", 28), (11, 17, 14, 0, "SX04", "R2", "P3", 22),
    (11, 18, 9, 0, "JX05", "R1", "P2", 26), (11, 18, 9, 0, "TZ06", "R1", "P2", 20),
    (11, 18, 14, 0, "HZ01", "R1", "P4", 24), (11, 19, 9, 0, "NB02", "R2", "P1", 28),
    (11, 19, 9, 0, "WZ03", "R2", "P1", 26), (11, 19, 14, 0, "JX05", "R2", "P5", 22),
    (11, 20, 9, 0, "SX04", "R1", "P2", 28), (11, 20, 9, 0, "HZ01", "R2", "P1", 26),
    (11, 20, 14, 0, "TZ06", "R1", "P3", 20), (11, 21, 9, 0, "WZ03", "R1", "P1", 22),
]
SCHOOLS = ["jinan-peixun", "anxin-xuexiao", "hengtai-zhiye", "lianchuang", "shunfeng-anpei", "dongfang-jineng"]


class Sess:
    pass


class Act:
    def __init__(self):
        self.answers = []          # (t, qid, choice)
        self.inp = defaultdict(lambda: [0, 0, 0])  # second -> keys, moves, clicks
        self.procs = []            # (s, e, (name, path, signer))
        self.conns = []            # (s, e, (remote, port, process))
        self.dev0 = []             # devices present at start
        self.devev = []            # (t, action, dev)
        self.disp0 = None          # (displays, mirrored, res)
        self.dispev = []
        self.client_down = []      # (s, e)
        self.agent_down = []
        self.t_end = None
        self.no_end = False

    def add(self, t, k=0, m=0, c=0):
        b = self.inp[int(t)]
        b[0] += k
        b[1] += m
        b[2] += c


# --------------------------------------------------------------------------- behaviour helpers
def human_input(A, r, t0, t1, kb, vigor, clicks=2):
    dur = max(0.5, t1 - t0)
    moves = max(0, int(vigor * (6 + dur * 1.2) * r.uniform(0.5, 1.5)))
    parts = min(6, 1 + int(dur // 6))
    for i in range(parts):
        share = moves // parts
        tt = t0 + r.random() * dur if i < parts - 1 else t1 - 0.3
        A.add(tt, m=share)
    if kb:
        A.add(t1, k=r.choice([1, 1, 2]), c=r.choice([0, 1]))
    else:
        A.add(t1, c=clicks + (1 if r.random() < 0.08 else 0))


def fidget(A, r, t0, t1, per_min, size, clicks=0.0):
    t = t0
    while True:
        t += r.expovariate(per_min / 60.0) if per_min > 0 else 1e9
        if t >= t1:
            break
        A.add(t, m=r.randint(1, size), c=1 if r.random() < clicks else 0)


def pace_human(r, q, conf, speed):
    base = 8.0 if q.tf else 15.0
    x = base * speed * math.exp(r.gauss(0, 0.45))
    if not conf:
        x *= r.uniform(1.2, 2.2)
    return max(1.6, x)


def run_human(A, r, s, t_start, choose, speed, kb, vigor, skipper=0.0, reviewer=0.0, deadline=None,
              touchfix=0.03, record_input=True):
    """A person reads and answers on the terminal itself. Returns the time the answering ended."""
    deadline = deadline or s.deadline
    t = t_start
    deferred = []
    got = {}
    for q in s.order:
        c, conf = choose(q)
        if not conf and not q.tf and r.random() < skipper:
            t += r.uniform(3, 9)
            if record_input:
                fidget(A, r, t - 5, t, 30, 6)
                A.add(t, c=1)
            deferred.append(q)
            continue
        dt = pace_human(r, q, conf, speed)
        if t + dt > deadline - 3:
            return t, got
        if record_input:
            human_input(A, r, t, t + dt, kb, vigor)
        t += dt
        A.answers.append((t, q.id, c))
        got[q.id] = c
        if r.random() < touchfix:  # re-click or mis-click and correct
            t += r.uniform(0.6, 3)
            alt = c if r.random() < 0.5 else r.choice(q.labels)
            A.answers.append((t, q.id, alt))
            if alt != c:
                t += r.uniform(0.5, 2)
                A.answers.append((t, q.id, c))
            if record_input:
                A.add(t, c=2)
    for q in deferred:
        c, conf = choose(q)
        dt = pace_human(r, q, False, speed)
        if t + dt > deadline - 3:
            return t, got
        if record_input:
            human_input(A, r, t, t + dt, kb, vigor, clicks=3)
        t += dt
        A.answers.append((t, q.id, c))
        got[q.id] = c
    if r.random() < reviewer:
        for q in r.sample(s.order, min(len(s.order), r.randint(3, 25))):
            if q.id not in got:
                continue
            t += r.uniform(2, 9) * speed
            if t > deadline - 3:
                break
            if record_input:
                human_input(A, r, t - 3, t, kb, vigor * 0.5, clicks=1)
            if r.random() < 0.2:
                c2, _ = choose(q)
                if c2 != got[q.id]:
                    t += r.uniform(1, 3)
                    A.answers.append((t, q.id, c2))
                    got[q.id] = c2
                    if record_input:
                        A.add(t, c=1)
    return t, got


def finish(A, r, s, t, wait=(4, 40), human=True):
    tmin = s.t0 + s.minsubmit * 60
    t2 = max(t + r.uniform(*wait), tmin + r.uniform(5, 90) if tmin > t else 0)
    t2 = min(t2, s.deadline)
    if human:
        if t2 - t > 60:
            fidget(A, r, t, t2, 3, 25, 0.1)
        A.add(t2 - 1.5, m=r.randint(5, 30), c=2)  # submit + confirm
    A.t_end = t2
    return t2


# --------------------------------------------------------------------------- the world
def make_sessions(ncand):
    r = R("world")
    papers = {p[0]: build_paper(*p) for p in PAPERS}
    sessions = []
    scale = ncand / 400.0
    for bi, (mo, d, hh, mm, c, room, pc, n) in enumerate(SCHEDULE):
        n = max(3, int(round(n * scale)))
        cap = 40 if c != "TZ06" else 24
        seats = sorted(r.sample(range(1, cap + 1), min(n, cap)))
        schools = r.sample(SCHOOLS, 2)
        for seat in seats:
            s = Sess()
            s.batch, s.centre, s.room, s.seat, s.paper = bi, c, room, seat, papers[pc]
            s.C = CENTRES[c]
            s.vendor = s.C["vendor"]
            s.tslot = ts(2026, mo, d, hh, mm)
            s.date = "2026%02d%02d" % (mo, d)
            s.terminal = "%s-%s-PC%02d" % (c, room, seat)
            x = r.random()
            s.school = schools[0] if x < 0.35 else (schools[1] if x < 0.55 else None)
            s.kind = "honest"
            s.group = None
            s.role = None
            sessions.append(s)
    if len(sessions) > ncand:
        sessions = sessions[:ncand]
    return papers, sessions


def assign_kinds(sessions, papers):
    r = R("assign")
    by_batch = defaultdict(list)
    for s in sessions:
        by_batch[s.batch].append(s)
    used = set()

    def take(bi, k, prefer_back=False):
        pool = [s for s in by_batch[bi] if id(s) not in used]
        if prefer_back:
            pool = sorted(pool, key=lambda s: -s.seat)[: max(k + 2, 6)]
        pick = r.sample(pool, min(k, len(pool)))
        for s in pick:
            used.add(id(s))
        return pick

    groups = []
    # operator groups
    g = take(4, 2) + take(3, 3)
    groups.append(("operator", "OG1-todesk-relay", g))
    g = take(9, 4, prefer_back=True)
    groups.append(("operator", "OG2-ipkvm-room", g))
    g = take(1, 1) + take(10, 1) + take(13, 1) + take(15, 1)
    groups.append(("operator", "OG3-gunman", g))
    g = take(7, 2) + take(6, 1)
    groups.append(("operator", "OG4-rustdesk-multi", g))
    g = take(12, 4, prefer_back=True)
    groups.append(("operator", "OG5-injector-room", g))
    # leak groups
    g = take(9, 2) + take(10, 1) + take(13, 2) + take(15, 1)
    groups.append(("leak", "LG1-P1-key", g))
    g = take(7, 2) + take(12, 3)
    groups.append(("leak", "LG2-P2-key", g))
    g = take(5, 4)
    groups.append(("leak", "LG3-P3-relay", g))
    for bi in (8, 11, 1, 14, 2):
        groups.append(("leak", "LS-%d" % bi, take(bi, 1)))
    for kind, name, members in groups:
        for i, s in enumerate(members):
            s.kind, s.group, s.role = kind, name, i
    rest = [s for s in sessions if id(s) not in used]
    r.shuffle(rest)
    for i, s in enumerate(rest[:20]):
        s.kind, s.group, s.role = "software", "SW", i
    for i, s in enumerate(rest[20:40]):
        s.kind, s.group, s.role = "hardware", "HW", i
    return groups


def base_setup(s, A, r):
    C = s.C
    s.linux = C["os"] in ("uos", "kylin")
    s.t0 = s.tslot + r.uniform(-240, 300) + (r.uniform(600, 1300) if r.random() < 0.02 else 0)
    s.deadline = s.t0 + s.paper.minutes * 60
    s.minsubmit = C["minsubmit"]
    order = list(s.paper.qs)
    if C["shuffle"]:
        tf = [q for q in order if q.tf]
        sc = [q for q in order if not q.tf]
        rr = R("order", s.sid)
        rr.shuffle(tf)
        rr.shuffle(sc)
        order = tf + sc
    s.order = order
    # clock
    sk = r.gauss(0, 8)
    x = r.random()
    if x < 0.10:
        sk = r.uniform(-420, 700)
    elif x < 0.115:
        sk = 8 * 3600 + r.gauss(0, 30)   # RTC in local time, agent labels it UTC
    s.skew = sk
    s.drift = r.gauss(0, 2e-5)
    s.ntp_at = s.t0 + r.uniform(300, 3000) if (abs(sk) > 60 and r.random() < 0.3) else None
    # devices
    kitname = r.choice(C["kit"])
    if kitname == "laptop" and s.room != "R2":
        kitname = "generic"
    A.dev0 = list(KITS[kitname])
    if C["os"] in ("win10", "win11", "uos") or r.random() < 0.3:
        A.dev0.append(IDREADER)
    if s.centre in ("SX04", "WZ03"):
        A.dev0.append(CAMERA)
    s.kit = kitname
    res = C["res"].get(s.room, "1920x1080")
    if s.centre == "JX05" and s.room == "R2":
        A.disp0 = (2, True, res)      # laptops with an external monitor, mirrored
    else:
        A.disp0 = (1, False, res)
    if s.centre == "HZ01" and s.seat == 1:
        A.disp0 = (2, True, res)      # front terminal also drives the room projector
    if s.centre == "NB02":
        A.dispev.append((s.t0 + r.uniform(2, 6), (1, False, "1024x768")))  # kiosk client switches mode
        s.kiosk = True
    else:
        s.kiosk = False
    # candidate
    s.cand = "K" + H("cand", s.sid, n=10)
    return A


def honest_traits(s, r):
    x = r.random()
    if x < 0.10:
        typ = "fast"
        theta, speed = r.gauss(2.2, 0.5), r.uniform(0.3, 0.55)
    elif x < 0.20:
        typ = "slow"
        theta, speed = r.gauss(0.2, 0.9), r.uniform(1.8, 3.2)
    elif x < 0.28:
        typ = "guesser"
        theta, speed = r.gauss(-1.4, 0.6), r.uniform(0.25, 0.6)
    else:
        typ = "normal"
        theta, speed = r.gauss(0.8, 0.85), math.exp(r.gauss(0.35, 0.35))
    return typ, theta, speed


def school_miscon(school, P):
    if not school:
        return None
    r = R("miscon", school, P.code)
    qs = r.sample(P.qs, r.randint(4, 8))
    return {q.id: wrong_pick(r, q) for q in qs}


def sim_honest(s, A, r, theta=None, speed=None, typ=None):
    if theta is None:
        typ, theta, speed = honest_traits(s, r)
    s.typ = typ
    mis = school_miscon(s.school, s.paper)
    guesser = typ == "guesser"
    kb = r.random() < 0.15
    vigor = r.uniform(0.4, 2.0)
    t = s.t0 + r.uniform(5, 60)
    fidget(A, r, s.t0, t, 20, 15, 0.2)
    choose = lambda q: own_choice(r, q, theta, mis, guesser)
    t, got = run_human(A, r, s, t, choose, speed, kb, vigor, skipper=r.choice([0, 0, 0.3, 0.8]),
                       reviewer=0.1 if guesser else 0.5)
    if typ == "slow" and r.random() < 0.5:
        t = max(t, s.deadline - r.uniform(20, 200))
    return finish(A, r, s, t)


def benign_noise(s, A, r):
    C = s.C
    if A.t_end is None:
        return
    dur = A.t_end - s.t0
    # exam client crash (+ invigilator, and on SX04 the IT staff remote in with Radmin)
    if r.random() < 0.045 and A.answers:
        tc = s.t0 + dur * r.uniform(0.2, 0.8)
        down = r.uniform(90, 420)
        A.client_down.append((tc, tc + down))
        A.procs.append((tc, tc + 50, ("WerFault.exe", r"C:\Windows\System32\WerFault.exe", MS) if not s.linux
                        else ("systemd-coredump", "/usr/lib/systemd/systemd-coredump", None)))
        newans = []
        shift = down + r.uniform(5, 30)
        for (t, q, c) in A.answers:
            newans.append((t + shift, q, c) if t > tc else (t, q, c))
        A.answers = newans
        newinp = defaultdict(lambda: [0, 0, 0])
        for sec, v in A.inp.items():
            nsec = int(sec + shift) if sec > tc else sec
            b = newinp[nsec]
            b[0] += v[0]; b[1] += v[1]; b[2] += v[2]
        A.inp = newinp
        A.t_end = min(A.t_end + shift, s.deadline + 600)
        # invigilator types the proctor password on the candidate keyboard
        A.add(tc + down * 0.6, k=r.randint(12, 30), m=r.randint(10, 60), c=r.randint(2, 6))
        fidget(A, r, tc, tc + down, 4, 20, 0.3)
        if VENDORS[s.vendor]["restore"]:
            prev = {}
            for (t, q, c) in A.answers:
                if t <= tc:
                    prev[q] = c
            tt = tc + down + 2
            for q, c in prev.items():  # restored answers are re-reported by the client
                tt += 0.02
                A.answers.append((tt, q, c))
        if s.centre == "SX04":
            A.conns.append((tc + 30, tc + down - 10, ("10.54.0.20", 4899, "rserver3.exe")))
            A.procs.append((tc + 30, tc + down - 10, ("radmin_vnc.exe", r"C:\Windows\SysWOW64\rserver30\radmin_vnc.exe", "Famatech Corp.")))
    # mouse swap by invigilator
    if r.random() < 0.02:
        tc = s.t0 + dur * r.uniform(0.1, 0.9)
        old = [d for d in A.dev0 if "Mouse" in d[0]]
        if old:
            A.devev.append((tc, "removed", old[0]))
            A.devev.append((tc + r.uniform(40, 150), "attached", ("USB Optical Mouse", "hid", "18F8", "0F97")))
    if r.random() < 0.01:
        tc = s.t0 + dur * r.uniform(0.1, 0.9)
        kbd = ("Lenovo Calliope USB Keyboard", "hid", "17EF", "602D")
        A.devev.append((tc, "attached", kbd))
        A.add(tc + 20, k=r.randint(5, 25))
        A.devev.append((tc + r.uniform(60, 200), "removed", kbd))
    if r.random() < 0.006:
        tc = s.t0 + r.uniform(60, 600)
        ph = ("HUAWEI Mate 40 Pro (MTP)", "other", "12D1", "107E")
        A.devev.append((tc, "attached", ph))
        A.devev.append((tc + r.uniform(30, 90), "removed", ph))  # invigilator spots the charging phone
    if r.random() < 0.015:
        tc = s.t0 - r.uniform(30, 200)
        st = ("Kingston DataTraveler 3.0", "storage", "0951", "1666")
        A.devev.append((s.t0 + 2, "attached", st))
        A.devev.append((s.t0 + r.uniform(40, 120), "removed", st))
    if r.random() < 0.02:
        tc = s.t0 + dur * r.uniform(0.2, 0.9)
        d0 = A.disp0
        A.dispev.append((tc, (0, False, None)))
        A.dispev.append((tc + r.uniform(3, 20), (d0[0], d0[1], d0[2] if not s.kiosk else "1024x768")))
    if r.random() < 0.02:
        ta = s.t0 + dur * r.uniform(0.1, 0.9)
        A.agent_down.append((ta, ta + r.uniform(40, 200)))
    if r.random() < 0.004:
        A.no_end = True
    # stray processes
    if not s.linux:
        for _ in range(r.randint(0, 3)):
            p = r.choice([("TiWorker.exe", r"C:\Windows\WinSxS\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.4950_none_7e1c8b1b8e9d3a44\TiWorker.exe", MS),
                          ("MpCmdRun.exe", r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MpCmdRun.exe", "Microsoft Corporation"),
                          ("backgroundTaskHost.exe", r"C:\Windows\System32\backgroundTaskHost.exe", MS),
                          ("consent.exe", r"C:\Windows\System32\consent.exe", MS),
                          ("rundll32.exe", r"C:\Windows\System32\rundll32.exe", MS),
                          ("SearchProtocolHost.exe", r"C:\Windows\System32\SearchProtocolHost.exe", MS),
                          ("osk.exe", r"C:\Windows\System32\osk.exe", MS)])
            a = s.t0 + r.uniform(0, max(60, dur))
            A.procs.append((a, a + r.uniform(30, 600), p))
    else:
        if r.random() < 0.3:
            a = s.t0 + r.uniform(0, max(60, dur))
            A.procs.append((a, a + r.uniform(60, 400), ("apt-check", "/usr/lib/update-notifier/apt-check", None)))


# ----------------------------------------------------------------- cheating devices and tools
SW_WIN = [
    ("todesk", [("ToDesk.exe", r"C:\Program Files\ToDesk\ToDesk.exe", "Hainan YouQu Technology Co., Ltd."),
                ("ToDesk_Service.exe", r"C:\Program Files\ToDesk\ToDesk_Service.exe", "Hainan YouQu Technology Co., Ltd.")],
     [("relay-gz7.todesk.example", 443), ("198.51.100.37", 443)], "remote"),
    ("sunlogin-renamed", [("SogouCloud.exe", r"C:\Users\Public\Documents\Sogou\SogouCloud.exe", "Shanghai Oray Information Technology Co., Ltd.")],
     [("198.51.100.142", 4118), ("sl-relay.oray.example", 443)], "remote"),
    ("rustdesk-svchost", [("svchost.exe", r"C:\ProgramData\Microsoft\Crypto\RSA\svchost.exe", None)],
     [("203.0.113.88", 21117), ("203.0.113.88", 21116)], "remote_careful"),
    ("anydesk-usb", [("ExamHelper.exe", r"E:\tools\ExamHelper.exe", "AnyDesk Software GmbH")],
     [("relay-4b2c.net.anydesk.example", 443), ("192.0.2.77", 7070)], "remote"),
    ("sunlogin-view", [("SunloginClient.exe", r"C:\Program Files\Oray\SunLogin\SunloginClient\SunloginClient.exe", "Shanghai Oray Information Technology Co., Ltd.")],
     [("198.51.100.9", 443)], "view"),
    ("browser-share", [("msedge.exe", r"C:\Users\kaosheng\AppData\Local\Temp\edge\msedge.exe", "Microsoft Corporation")],
     [("meet.huiyi-cloud.example", 443), ("203.0.113.201", 3478)], "view"),
    ("dllhost-inject", [("dllhost.exe", r"C:\Windows\SysWOW64\dllhost.exe", MS)],
     [("192.0.2.14", 443)], "remote_careful"),
    ("uu-remote", [("GameViewer.exe", r"C:\Program Files (x86)\GameViewer\GameViewer.exe", "NetEase (Hangzhou) Network Co., Ltd.")],
     [("gv-relay-3.163.example", 443)], "remote"),
    ("todesk-lite-hidden", [("audiodg.exe", r"C:\Users\Public\Libraries\audiodg.exe", "Hainan YouQu Technology Co., Ltd.")],
     [("198.51.100.37", 443)], "remote_careful"),
    ("teamviewer-qs", [("TeamViewerQS.exe", r"C:\Users\kaosheng\Downloads\TeamViewerQS.exe", "TeamViewer Germany GmbH")],
     [("master7.teamviewer.example", 5938), ("203.0.113.50", 5938)], "remote"),
]
SW_LIN = [
    ("todesk-linux", [("ToDesk", "/opt/todesk/bin/ToDesk", None), ("ToDesk_Service", "/opt/todesk/bin/ToDesk_Service", None)],
     [("relay-gz7.todesk.example", 443)], "remote"),
    ("x11vnc-frp", [("x11vnc", "/usr/local/bin/x11vnc", None), ("kworker-u8", "/tmp/.X11-cache/kworker-u8", None)],
     [("203.0.113.19", 7000)], "remote_careful"),
    ("rustdesk-linux", [("rustdesk", "/usr/share/rustdesk/rustdesk", None)],
     [("203.0.113.88", 21117)], "remote"),
    ("sunlogin-linux", [("sunloginclient", "/usr/local/sunlogin/bin/sunloginclient", None)],
     [("sl-relay.oray.example", 443)], "view"),
]


def solver_times(r, s, t_start, theta, per_q, errs=None, perturb=0):
    """An outside helper answers in presentation order at a steady expert pace."""
    out = []
    t = t_start
    rr = R("solver", s.sid)
    for q in s.order:
        if errs is not None and q.id in errs:
            c = errs[q.id]
        else:
            c, _ = own_choice(rr, q, theta)
        t += max(1.5, r.gauss(*per_q) * (0.8 if q.tf else 1.3))
        if t > s.deadline - 10:
            break
        out.append((t, q.id, c))
    if perturb:
        for i in r.sample(range(len(out)), min(perturb, len(out))):
            t, q, c = out[i]
            out[i] = (t, q, r.choice(s.paper.byid[q].labels))
    return out


def apply_remote(A, r, s, ans, local, careful):
    """answers entered by someone else; `local` = 'none' (injected, not counted), 'mech', 'human' (HID counted)."""
    prev = ans[0][0] - 20 if ans else s.t0
    for (t, q, c) in ans:
        A.answers.append((t, q, c))
        if local == "mech":
            A.add(t - 0.4, m=r.randint(1, 2), c=2)
        elif local == "human":
            human_input(A, r, prev, t, False, r.uniform(0.6, 1.4))
        prev = t
    t1 = ans[-1][0] if ans else s.t0 + 600
    if careful:
        fidget(A, r, s.t0, t1, r.uniform(1.5, 4), 30, 0.15)   # candidate keeps a hand on the mouse
    else:
        fidget(A, r, s.t0, t1, 0.3, 8, 0.0)
    return t1


def sim_software(s, A, r, variant=None):
    pool = SW_LIN if s.linux else SW_WIN
    v = pool[s.role % len(pool)] if variant is None else variant
    name, procs, conns, mode = v
    s.variant = name
    typ, theta, speed = honest_traits(s, r)
    theta = min(theta, 0.3)
    start = s.t0 + (r.uniform(-600, -60) if mode != "remote_careful" else r.uniform(120, 600))
    # tool is usually launched before login (from a USB stick or pre-planted); careful ones start later
    if name == "anydesk-usb":
        st = ("SanDisk Cruzer Blade", "storage", "0781", "5567")
        A.dev0.append(st)
    helper_theta = r.uniform(1.3, 2.7)
    if mode in ("remote", "remote_careful"):
        t_begin = max(start + 60, s.t0 + r.uniform(20, 90))
        # candidate answers a few first to look busy, then the helper takes over
        own_n = r.randint(0, 8) if mode == "remote" else r.randint(5, 20)
        sub = s.order[:own_n]
        rem = s.order[own_n:]
        t = t_begin
        for q in sub:
            c, conf = own_choice(r, q, theta)
            dt = pace_human(r, q, conf, speed)
            human_input(A, r, t, t + dt, False, 1.0)
            t += dt
            A.answers.append((t, q.id, c))
        so = s.order
        s.order = rem
        ans = solver_times(r, s, t + r.uniform(5, 40), helper_theta, (6.5, 2.0) if mode == "remote" else (11, 4),
                           perturb=r.randint(3, 10) if mode == "remote_careful" else 0)
        s.order = so
        t1 = apply_remote(A, r, s, ans, "none", mode == "remote_careful")
        end = finish(A, r, s, t1, wait=(5, 90), human=(mode == "remote_careful"))
    else:  # helper only watches the screen and dictates through an earpiece
        rr = R("helper", s.sid)
        t = s.t0 + r.uniform(20, 80)

        def choose(q):
            if rr.random() < 0.85:
                c, _ = own_choice(rr, q, helper_theta)
                return c, True
            return own_choice(r, q, theta)
        t, _ = run_human(A, r, s, t, choose, max(0.9, speed * 1.1), False, 1.0, reviewer=0.1)
        end = finish(A, r, s, t)
    stop = end + r.uniform(20, 300) if mode != "remote_careful" else end - r.uniform(30, 200)
    for p in procs:
        A.procs.append((start, stop, p))
    cs = max(start + 5, s.t0 + 10)
    for (host, port) in conns:
        A.conns.append((cs, stop, (host, port, procs[0][0])))
    return end


HW_VARIANTS = ["ch9329-naive", "ch9329-spoof-dell", "pikvm", "wireless-cast", "displaylink-mirror",
               "aten-kvm", "bt-hid", "clone-keyboard-quiet", "hdmi-splitter-earpiece", "digispark-macro"]


def sim_hardware(s, A, r):
    v = HW_VARIANTS[s.role % len(HW_VARIANTS)]
    s.variant = v
    typ, theta, speed = honest_traits(s, r)
    theta = min(theta, 0.3)
    helper_theta = r.uniform(1.3, 2.7)
    base_res = A.disp0[2]
    if v in ("wireless-cast", "displaylink-mirror", "hdmi-splitter-earpiece"):
        if v == "wireless-cast":
            A.dispev.append((s.t0 + r.uniform(30, 400), (2, True, "1920x1080")))
        elif v == "displaylink-mirror":
            dl = ("USB3.0 Display Adapter", "other", "17E9", "4307")
            A.dev0.append(dl)
            A.disp0 = (2, True, base_res)
        else:
            A.disp0 = (1, False, r.choice(["1280x720", "1920x1080", "1024x768"]) if base_res != "1920x1080" else "1280x1024")
        rr = R("helper", s.sid)
        t = s.t0 + r.uniform(30, 120)
        lag = r.uniform(1.2, 1.8)

        def choose(q):
            if rr.random() < 0.8:
                return own_choice(rr, q, helper_theta)[0], True
            return own_choice(r, q, theta)
        t, _ = run_human(A, r, s, t, choose, max(0.9, speed * lag), False, 1.0, reviewer=0.05)
        return finish(A, r, s, t)
    local = "mech"
    careful = False
    if v == "ch9329-naive":
        A.devev.append((s.t0 + r.uniform(60, 400), "attached", ("USB HID", "hid", "1A86", "E129")))
        A.dispev.append((s.t0 + r.uniform(10, 60), (1, False, "1920x1080" if base_res != "1920x1080" else "1280x720")))
    elif v == "ch9329-spoof-dell":
        A.dev0.append(("Dell KB216 Wired Keyboard", "hid", "413C", "2113"))
        careful = True
    elif v == "pikvm":
        A.dev0.append(("Composite KVM Device", "hid", "1D6B", "0104"))
        A.dispev.append((s.t0 + r.uniform(5, 30), (1, False, "1920x1080")))
        local = "human"
    elif v == "aten-kvm":
        kv = ("ATEN CS1732B KVM Keyboard", "hid", "0557", "2419")
        A.dev0.append(kv)
        local = "human"
    elif v == "bt-hid":
        A.devev.append((s.t0 + r.uniform(20, 300), "attached", ("CSR8510 A10", "other", "0A12", "0001")))
        A.devev.append((s.t0 + r.uniform(320, 400), "attached", ("Bluetooth HID Mouse", "hid", None, None)))
        local = "human"
    elif v == "clone-keyboard-quiet":
        dup = [d for d in A.dev0 if d[1] == "hid"]
        if dup:
            A.dev0.append(dup[0])
        careful = True
        local = "human"
    elif v == "digispark-macro":
        A.devev.append((s.t0 + r.uniform(30, 200), "attached", ("Digistump DigiKeyboard", "hid", "16C0", "27DB")))
    t_take = s.t0 + r.uniform(40, 300)
    own_n = r.randint(0, 6) if not careful else r.randint(8, 25)
    t = s.t0 + r.uniform(10, 40)
    for q in s.order[:own_n]:
        c, conf = own_choice(r, q, theta)
        dt = pace_human(r, q, conf, speed)
        human_input(A, r, t, t + dt, False, 1.0)
        t += dt
        A.answers.append((t, q.id, c))
    so = s.order
    s.order = so[own_n:]
    ans = solver_times(r, s, max(t, t_take), helper_theta, (7, 2.5) if not careful else (12, 4), perturb=r.randint(3, 10) if careful else 0)
    s.order = so
    if v == "aten-kvm":
        k = 0
        for i in range(0, len(ans), r.randint(8, 20)):
            tt = ans[i][0] - 2
            A.devev.append((tt, "removed", ("ATEN CS1732B KVM Keyboard", "hid", "0557", "2419")))
            A.devev.append((tt + r.uniform(0.5, 2), "attached", ("ATEN CS1732B KVM Keyboard", "hid", "0557", "2419")))
            k += 1
            if k > 6:
                break
    t1 = apply_remote(A, r, s, ans, local, careful)
    if v == "digispark-macro":  # keystroke macro: burst of keys with no pointer
        for (tt, q, c) in ans:
            A.add(tt - 0.2, k=2)
    return finish(A, r, s, t1, human=careful)


def sim_operator_group(name, members, r):
    op_theta = {"OG1-todesk-relay": 2.6, "OG2-ipkvm-room": 2.3, "OG3-gunman": 2.4,
                "OG4-rustdesk-multi": 2.8, "OG5-injector-room": 2.2}[name]
    P = members[0].paper
    ro = R("operator", name)
    errs = {}
    for q in P.qs:
        c, _ = own_choice(ro, q, op_theta)
        errs[q.id] = c
    if name == "OG3-gunman":
        # one hired test-taker sits the exam in person for several candidates on different days
        speed = 0.55
        for s in members:
            A = s.A
            r2 = R("gun", s.sid)
            perturbed = dict(errs)
            for q in r2.sample(P.qs, 3):
                perturbed[q.id] = r2.choice(q.labels)
            t = s.t0 + r2.uniform(10, 30)
            t, _ = run_human(A, r2, s, t, lambda q: (perturbed[q.id], True), speed, True, 1.6, reviewer=0.0, touchfix=0.0)
            finish(A, r2, s, t, wait=(60, 400))
        return
    # concurrent remote operator: round-robin over the sessions
    starts = {id(s): max(s.t0 + 60, min(x.t0 for x in members) + 150) for s in members}
    pos = {id(s): 0 for s in members}
    per_sess = {id(s): [] for s in members}
    pert = {}
    for s in members:
        r2 = R("pert", s.sid)
        d = dict(errs)
        k = {"OG1-todesk-relay": 0, "OG2-ipkvm-room": 3, "OG4-rustdesk-multi": 5, "OG5-injector-room": 2}[name]
        for q in r2.sample(P.qs, k):
            d[q.id] = r2.choice(q.labels)
        pert[id(s)] = d
    t = min(starts.values())
    active = list(members)
    i = 0
    while active:
        s = active[i % len(active)]
        t = max(t, starts[id(s)]) + r.uniform(4, 14)  # switch window / KVM port
        block = r.randint(6, 22)
        for _ in range(block):
            p = pos[id(s)]
            if p >= len(s.order):
                break
            q = s.order[p]
            t += max(1.4, r.gauss(4.5, 1.5) * (0.8 if q.tf else 1.4))
            per_sess[id(s)].append((t, q.id, pert[id(s)][q.id]))
            pos[id(s)] = p + 1
        if pos[id(s)] >= len(s.order):
            active.remove(s)
        else:
            i += 1
    for s in members:
        A = s.A
        ans = per_sess[id(s)]
        if name in ("OG1-todesk-relay", "OG4-rustdesk-multi"):
            pool = SW_LIN if s.linux else SW_WIN
            if name == "OG1-todesk-relay":
                v = pool[0]
                host = ("relay-gz7.todesk.example", 443)
            else:
                v = [x for x in pool if x[0].startswith("rustdesk")][0]
                host = ("203.0.113.145", 21117)
            st = s.t0 - r.uniform(120, 900)
            for p in v[1]:
                A.procs.append((st, s.deadline + 600, p))
            A.conns.append((s.t0 + 20, s.deadline + 600, (host[0], host[1], v[1][0][0])))
            t1 = apply_remote(A, r, s, ans, "none", name == "OG4-rustdesk-multi")
            finish(A, r, s, t1, wait=(30, 400), human=False)
        elif name == "OG2-ipkvm-room":
            kv = ("Logitech USB Receiver", "hid", "046D", "C52B")  # IP-KVM with descriptors spoofed
            A.dev0.append(kv)
            A.dispev.append((s.t0 + r.uniform(3, 20), (1, False, "1280x1024")))
            t1 = apply_remote(A, r, s, ans, "human", True)
            finish(A, r, s, t1, wait=(30, 300), human=True)
        else:
            A.dev0.append(("USB Keyboard", "hid", "1A86", "E129"))
            t1 = apply_remote(A, r, s, ans, "mech", True)
            finish(A, r, s, t1, wait=(30, 300), human=True)


def sim_leak_group(name, members, r):
    P = members[0].paper
    rl = R("leakkey", name)
    leaked = {}
    nerr = rl.randint(2, 6)
    errq = set(q.id for q in rl.sample(P.qs, nerr))
    for q in P.qs:
        leaked[q.id] = rl.choice([l for l in q.labels if l != q.key]) if q.id in errq else q.key
    for s in members:
        A = s.A
        r2 = R("leak", s.sid)
        typ, theta, speed = honest_traits(s, r2)
        theta = min(theta, r2.uniform(-1.2, 0.2))
        mode = r2.choice(["memorised", "relay", "late-fix", "partial"]) if not name.startswith("LG3") else "relay"
        s.variant = mode
        frac = r2.uniform(0.35, 1.0) if mode != "late-fix" else r2.uniform(0.55, 1.0)
        use = set(q.id for q in s.order if r2.random() < frac)
        if mode == "partial":
            use = set(q.id for q in s.order if not q.tf) | set(q.id for q in s.order if q.tf and r2.random() < 0.25)
        own = lambda q: own_choice(r2, q, theta)
        if mode == "memorised":
            def choose(q):
                if q.id in use:
                    return leaked[q.id], True
                return own(q)
            t = s.t0 + r2.uniform(10, 40)
            t, _ = run_human(A, r2, s, t, choose, speed * 0.7, r2.random() < 0.2, 1.0, reviewer=0.2)
            finish(A, r2, s, t)
        elif mode == "relay":
            # answers dictated in batches; candidate waits for each batch
            t = s.t0 + r2.uniform(60, 300)
            blk = 0
            for q in s.order:
                if blk == 0:
                    gap = r2.uniform(30, 150)
                    fidget(A, r2, t, t + gap, 6, 12, 0.05)
                    t += gap
                    blk = r2.randint(8, 20)
                blk -= 1
                if q.id in use:
                    c, conf = leaked[q.id], True
                    dt = max(1.8, r2.gauss(5.5, 1.5))
                else:
                    c, conf = own(q)
                    dt = pace_human(r2, q, conf, speed)
                if t + dt > s.deadline - 5:
                    break
                human_input(A, r2, t, t + dt, False, 0.8)
                t += dt
                A.answers.append((t, q.id, c))
            finish(A, r2, s, t)
        elif mode == "late-fix":
            got = {}
            t = s.t0 + r2.uniform(10, 40)
            t, got = run_human(A, r2, s, t, own, speed, False, 1.0, reviewer=0.0)
            t += r2.uniform(60, 600)
            fidget(A, r2, t - 300, t, 2, 10)
            for q in s.order:
                if q.id in use and got.get(q.id) != leaked[q.id]:
                    dt = r2.uniform(2.5, 7)
                    if t + dt > s.deadline - 5:
                        break
                    human_input(A, r2, t, t + dt, False, 0.7, clicks=2)
                    t += dt
                    A.answers.append((t, q.id, leaked[q.id]))
            # make sure at least the required share is from the leak
            finish(A, r2, s, t)
        else:
            def choose(q):
                if q.id in use:
                    return leaked[q.id], True
                return own(q)
            t = s.t0 + r2.uniform(10, 40)
            t, _ = run_human(A, r2, s, t, choose, speed, False, 1.0, skipper=0.9, reviewer=0.3)
            finish(A, r2, s, t)
        s.leaked = leaked
        s.use = use


# --------------------------------------------------------------------------- emission
B32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def fmt_at(real, style):
    d = datetime.fromtimestamp(real, tz=UTC)
    if style == "local_ms":
        return d.astimezone(CST).isoformat(timespec="milliseconds")
    if style == "utc_ms":
        return d.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if style == "utc_us":
        return d.isoformat(timespec="microseconds").replace("+00:00", "Z")
    return d.strftime("%Y-%m-%dT%H:%M:%SZ")


class Emitter:
    def __init__(self, s, out):
        self.s = s
        self.V = VENDORS[s.vendor]
        self.out = out
        self.seq = 0
        self.r = R("emit", s.sid)

    def term_time(self, real):
        s = self.s
        if s.ntp_at is not None and real >= s.ntp_at:
            off = 0.3
        else:
            off = s.skew + s.drift * (real - s.t0)
        return real + off

    def mkid(self, real):
        self.seq += 1
        f = self.V["idf"]
        if f == "uuid":
            h = H("id", self.s.sid, self.seq, n=32)
            return "%s-%s-4%s-%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[int(h[16], 16) % 4] + h[17:20], h[20:32])
        if f == "inst":
            return "%s-%06d" % (H("inst", self.s.sid, n=8), self.seq)
        if f == "seq":
            return "%s:%s:%06d" % (self.s.terminal, self.s.date, self.seq)
        ms = int(self.term_time(real) * 1000)
        tpart = ""
        for _ in range(10):
            tpart = B32[ms % 32] + tpart
            ms //= 32
        h = int(H("ulid", self.s.sid, self.seq, n=20), 16)
        rpart = ""
        for _ in range(16):
            rpart += B32[h % 32]
            h //= 32
        return tpart + rpart

    def emit(self, real, kind, fields, eid=None):
        s = self.s
        ev = {"v": 1, "id": eid or self.mkid(real), "at": fmt_at(self.term_time(real), self.V["ts"]), "kind": kind,
              "session": s.sid}
        ev.update(fields)
        arr = real + self.r.uniform(0.1, 2.5)
        for (a, b) in s.outages:
            if a <= real < b:
                arr = b + self.r.uniform(0.5, 40)
        self.out.append((arr, s.sid, self.seq, ev))
        if self.r.random() < self.V["dup"]:
            self.out.append((arr + self.r.uniform(3, 180), s.sid, self.seq, ev))
        return ev

    def vid(self, v):
        if v is None:
            return None
        return v.upper() if self.V["vcase"] == "upper" else v.lower()

    def dev(self, real, action, d):
        name, cls, vid, pid = d
        f = {"action": action, "class": cls, "name": name}
        if vid is not None or self.r.random() < 0.5:
            f["vid"] = self.vid(vid)
            f["pid"] = self.vid(pid)
        self.emit(real, "device", f)

    def disp(self, real, st):
        f = {"displays": st[0]}
        if self.V["mir"]:
            f["mirrored"] = st[1]
        if self.V["res"]:
            f["resolution"] = st[2]
        self.emit(real, "display", f)


def agent_up(A, t):
    for (a, b) in A.agent_down:
        if a <= t < b:
            return False
    return True


def emit_session(s, out):
    A = s.A
    V = VENDORS[s.vendor]
    E = Emitter(s, out)
    r = E.r
    C = s.C
    t0, tend = s.t0, A.t_end
    start_ev = E.emit(t0, "session_start", {"candidate": s.cand, "exam": s.paper.exam, "centre": s.centre,
                                             "room": s.room, "seat": s.seat if s.vendor.startswith("beta") else "%02d" % s.seat,
                                             "terminal": s.terminal})

    def inventory(t):
        for d in A.dev0:
            if V["present"] == "all" or d[1] == "hid":
                E.dev(t, "present", d)
    inventory(t0 + 0.6)
    E.disp(t0 + 0.9, A.disp0)
    # processes and connections
    agent = AGENTS[s.vendor]
    base = (WIN_BASE if not s.linux else []) + C["extra"] + [agent]
    if s.centre == "SX04":
        base = base + [("ExamTerminal.exe", C["client"][1], C["client"][2])] * 2  # Electron helpers
    net = C["net"]
    base_conns = [("%s.0.10" % net, 443 if s.centre != "NB02" else 8080, C["client"][0]),
                  ("collector.%s.example" % s.centre.lower() if not s.vendor.startswith("beta") else "%s.0.12" % net, 443, agent[0])]
    if s.centre == "HZ01":
        base_conns.append(("%s.1.250" % net, 4988, "StudentMain.exe"))
    if s.centre == "NB02":
        base_conns.append(("%s.0.5" % net, 3389 + 8000, "REDAgent.exe"))
    if s.centre == "TZ06":
        base_conns.append(("master3.teamviewer.example", 5938, "TeamViewer_Service.exe"))
    if s.linux and s.centre == "JX05" and r.random() < 0.2:
        base_conns.append(("%s.0.30" % net, 4000, "nxserver.bin"))

    def client_up(t):
        return not any(a <= t < b for (a, b) in A.client_down)

    def snapshot_procs(t):
        L = []
        for p in base:
            L.append(p)
        if client_up(t) and t <= tend + 5:
            L.append(C["client"])
        for (a, b, p) in A.procs:
            if a <= t < b:
                L.append(p)
        res = []
        for (n, path, sg) in L:
            o = {"name": n}
            if V["sign"] is False:
                o["path"] = path
                o["signer"] = None
            else:
                o["path"] = path
                o["signer"] = sg
            res.append(o)
        return res

    def snapshot_conns(t):
        L = list(base_conns)
        if not client_up(t) or t > tend + 5:
            L = L[1:]
        for (a, b, c) in A.conns:
            if a <= t < b:
                L.append(c)
        if not s.linux and r.random() < 0.08:
            L.append(("ctldl.windowsupdate.example", 80, "svchost.exe"))
        res = []
        for (rem, port, proc) in L:
            o = {"remote": rem, "port": port}
            if s.vendor == "beta" and r.random() < 0.3:
                o["process"] = None
            else:
                o["process"] = proc
            res.append(o)
        return res

    t = t0 + r.uniform(1, 5)
    while t < tend + 2:
        if agent_up(A, t):
            E.emit(t, "processes", {"processes": snapshot_procs(t)})
        t += V["proc"] * r.uniform(0.97, 1.03)
    t = t0 + r.uniform(2, 8)
    while t < tend + 2:
        if agent_up(A, t):
            E.emit(t, "connections", {"connections": snapshot_conns(t)})
        t += V["conn"] * r.uniform(0.97, 1.03)
    # input
    I = V["inp"]
    t = t0
    pend = 0.0
    pk = pm = 0
    while t < tend + I:
        t1 = t + I
        k = m = c = 0
        for sec in range(int(t), int(t1)):
            b = A.inp.get(sec)
            if b:
                k += b[0]; m += b[1]; c += b[2]
        ptr = c + (m if V["ptr"] == "moves" else 0)
        if agent_up(A, t1):
            if V["coalesce"]:
                pend += I
                pk += k
                pm += ptr
                if pk or pm or pend >= 120:
                    E.emit(t1, "input", {"interval_ms": int(round(pend * 1000)), "keys": pk, "pointer": pm})
                    pend, pk, pm = 0.0, 0, 0
            else:
                E.emit(t1, "input", {"interval_ms": int(I * 1000), "keys": k, "pointer": ptr})
        t = t1
    # answers
    for (ta, q, c) in sorted(A.answers, key=lambda x: x[0]):
        if ta <= tend + 1:
            E.emit(ta, "answer", {"question": q, "choice": c})
    for (td, action, d) in A.devev:
        E.dev(td if agent_up(A, td) else max(b for (a, b) in A.agent_down if a <= td < b) + 1, action, d)
    for (td, st) in A.dispev:
        E.disp(td, st)
    for (a, b) in A.agent_down:  # agent restart: re-send start (same id) and re-inventory
        out.append((b + 1.0, s.sid, 0, start_ev))
        inventory(b + 1.5)
    if not A.no_end:
        E.emit(tend + r.uniform(0.2, 2), "session_end", {})


def score_of(s):
    last = {}
    for (t, q, c) in sorted(s.A.answers, key=lambda x: x[0]):
        if t <= s.A.t_end + 1:
            last[q] = c
    return sum(1 for q in s.paper.qs if last.get(q.id) == q.key), last


def main():
    global SEED
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", default="1212")
    ap.add_argument("--candidates", type=int, default=400)
    ap.add_argument("--out", default="set-l")
    a = ap.parse_args()
    SEED = str(a.seed)
    papers, sessions = make_sessions(a.candidates)
    for i, s in enumerate(sessions):
        c = s.centre
        if c in ("HZ01", "SX04"):
            s.sid = "%s-%s-%s-%02d-%s" % (c, s.date, s.room, s.seat, H("sid", i, n=4))
        elif c in ("NB02", "TZ06"):
            s.sid = "%s%s%s%02d" % (c[:2], s.date[2:], s.room[1:], s.seat) + H("sid", i, n=3).upper()
        else:
            h = H("sid", i, n=32)
            s.sid = "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])
    groups = assign_kinds(sessions, papers)
    # room network outages (events queued and uploaded late)
    ro = R("outage")
    outage = {}
    for bi in range(len(SCHEDULE)):
        if ro.random() < 0.3:
            a0 = ts(2026, SCHEDULE[bi][0], SCHEDULE[bi][1], SCHEDULE[bi][2], SCHEDULE[bi][3]) + ro.uniform(600, 4000)
            outage[bi] = [(a0, a0 + ro.uniform(60, 600))]
    for s in sessions:
        s.outages = outage.get(s.batch, [])
        s.A = Act()
        base_setup(s, s.A, R("setup", s.sid))
        s.variant = None
    for kind, name, members in groups:
        if kind == "operator":
            sim_operator_group(name, members, R("opg", name))
        else:
            sim_leak_group(name, members, R("lkg", name))
    for s in sessions:
        r = R("sim", s.sid)
        if s.kind == "honest":
            sim_honest(s, s.A, r)
        elif s.kind == "software":
            sim_software(s, s.A, r)
        elif s.kind == "hardware":
            sim_hardware(s, s.A, r)
        benign_noise(s, s.A, R("noise", s.sid))
    out = []
    # exam definitions (sent once each by the centre; one resent copy)
    for code, P in sorted(papers.items()):
        first = min([s.t0 for s in sessions if s.paper is P] or [ts(2026, 11, 16, 8, 0)]) - 3600
        ev = {"v": 1, "id": "exam-%s-%s" % (P.exam, H("exam", code, n=6)),
              "at": fmt_at(first, "local_ms"), "kind": "exam", "exam": P.exam,
              "questions": [{"id": q.id, "key": q.key, "options": q.opts} for q in P.qs],
              "pass_mark": 80, "minutes": P.minutes}
        out.append((first, "", 0, ev))
        if code == "P1":
            out.append((first + 86400 * 3, "", 0, ev))
    for s in sessions:
        emit_session(s, out)
    out.sort(key=lambda x: (x[0], x[1], x[2]))
    os.makedirs(a.out, exist_ok=True)
    path = os.path.join(a.out, "events.jsonl.gz")
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="events.jsonl", mode="wb", fileobj=f, mtime=0, compresslevel=9) as g:
            for (_, _, _, ev) in out:
                g.write((json.dumps(ev, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    truth = [{"session": s.sid, "kind": s.kind} for s in sessions]
    R("truth-shuffle").shuffle(truth)
    with open(os.path.join(a.out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for t in truth:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    # sidecar summary for the README (not part of the evaluation input)
    summ = defaultdict(list)
    for s in sessions:
        sc, _ = score_of(s)
        summ[s.kind].append(sc)
    for s in sessions:
        if s.kind == "leak":
            _, last = score_of(s)
            share = sum(1 for q in s.use if last.get(q) == s.leaked[q]) / len(s.paper.qs)
            assert share >= 0.30, (s.sid, share)
            s.leak_share = share
    lk = sorted(s.leak_share for s in sessions if s.kind == "leak")
    print("leak share of answers taken from the leak: min=%.2f median=%.2f" % (lk[0], lk[len(lk) // 2]))
    for k in ("honest", "software", "hardware", "operator", "leak"):
        v = sorted(summ[k])
        if v:
            print("%-9s n=%3d min=%3d median=%3d mean=%.1f max=%3d pass=%d" % (
                k, len(v), v[0], v[len(v) // 2], sum(v) / len(v), v[-1], sum(1 for x in v if x >= 80)))


if __name__ == "__main__":
    main()
