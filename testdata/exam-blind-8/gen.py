#!/usr/bin/env python3
"""exam-blind-8: independent, labelled, fully synthetic evaluation set for
cheating detection in computer-based work-safety certificate theory exams.

Python 3 standard library only, deterministic for a given seed:

    python3 gen.py --seed 909 --candidates 400 --out set-i

writes <out>/events.jsonl.gz (arrival order, gzip mtime=0) and
<out>/truth.jsonl (one line per session, shuffled).
All names, addresses, hosts, candidates and questions are invented.
"""
import argparse
import calendar
import gzip
import json
import math
import os
import random
import time


# ----------------------------------------------------------------- helpers
def bj(y, mo, d, h, mi):
    """Beijing wall-clock time -> epoch seconds."""
    return calendar.timegm((y, mo, d, h, mi, 0, 0, 0, 0)) - 8 * 3600


def iso(epoch, tzmin=480, millis=True, suffix=None):
    wall = epoch + tzmin * 60
    secs = int(math.floor(wall))
    s = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs))
    if millis:
        s += ".%03d" % min(999, int((wall - secs) * 1000))
    if suffix is None:
        if tzmin == 0:
            suffix = "Z"
        else:
            a = abs(tzmin)
            suffix = "%s%02d:%02d" % ("+" if tzmin > 0 else "-", a // 60, a % 60)
    return s + suffix


def hexid(rng, n):
    return "%0*x" % (n, rng.getrandbits(4 * n))


def sig(x):
    return 1.0 / (1.0 + math.exp(-x))


def P(name, path, signer=""):
    return {"name": name, "path": path, "signer": signer}


def C(remote, port, process):
    return {"remote": remote, "port": port, "process": process}


def DEV(name, cls, vid, pid):
    return {"class": cls, "name": name, "vid": vid, "pid": pid}


MSW = "Microsoft Windows"
MSC = "Microsoft Corporation"
EXAMV = "Anquan Kaowu Synthetic Co., Ltd."


# ------------------------------------------------------------------ papers
class Q(object):
    __slots__ = ("id", "sec", "labels", "opt", "key", "diff", "lure")


class Paper(object):
    def __init__(self, rng, pid, prefix, n_tf, n_sc, tf_labels, tf_int, sc_int,
                 minutes, shuffle):
        self.id, self.minutes, self.shuffle, self.qs = pid, minutes, shuffle, []
        used = {}
        for i in range(n_tf + n_sc):
            while True:
                n = rng.randint(1, 4999)
                if n not in used:
                    used[n] = 1
                    break
            q = Q()
            q.id = "%s-%04d" % (prefix, n)
            if i < n_tf:
                q.sec, q.labels = "tf", list(tf_labels)
                q.opt = 2 if tf_int else list(tf_labels)
                q.key = q.labels[0] if rng.random() < 0.56 else q.labels[1]
            else:
                k = 3 if rng.random() < 0.12 else 4
                q.sec, q.labels = "sc", ["A", "B", "C", "D"][:k]
                q.opt = k if sc_int else list(q.labels)
                q.key = rng.choice(q.labels)
            r = rng.random()
            if r < 0.09:   # tricky question with a popular wrong answer
                q.diff = rng.uniform(1.9, 3.0)
                q.lure = rng.choice([x for x in q.labels if x != q.key])
            else:
                q.diff = rng.gauss(-0.7, 0.9)
                q.lure = (rng.choice([x for x in q.labels if x != q.key])
                          if r < 0.25 else None)
            self.qs.append(q)
        self.by_id = dict((q.id, q) for q in self.qs)

    def exam_fields(self):
        return {"exam": self.id,
                "questions": [{"id": q.id, "key": q.key, "options": q.opt}
                              for q in self.qs],
                "pass_mark": 80, "minutes": self.minutes}


def display_order(rng, paper):
    if not paper.shuffle:
        return list(paper.qs)
    tf = [q for q in paper.qs if q.sec == "tf"]
    sc = [q for q in paper.qs if q.sec == "sc"]
    rng.shuffle(tf)
    rng.shuffle(sc)
    return tf + sc


def wrong_choice(rng, q):
    if q.lure is not None and rng.random() < 0.8:
        return q.lure
    return rng.choice([x for x in q.labels if x != q.key])


def own_choice(rng, q, ability):
    p = sig(1.3 * (ability - q.diff))
    unsure = p < 0.75
    if rng.random() < p:
        return q.key, unsure
    return wrong_choice(rng, q), unsure


def pace(rng, q, speed):
    base = 21.0 if q.sec == "tf" else 36.0
    return max(3.0, base * speed * (1 + 0.25 * max(0.0, q.diff)) *
               math.exp(rng.gauss(0, 0.4)))


# ----------------------------------------------------------------- centres
WIN_CORE = [
    P("csrss.exe", r"C:\Windows\System32\csrss.exe", MSW),
    P("winlogon.exe", r"C:\Windows\System32\winlogon.exe", MSW),
    P("services.exe", r"C:\Windows\System32\services.exe", MSW),
    P("lsass.exe", r"C:\Windows\System32\lsass.exe", MSW),
    P("svchost.exe", r"C:\Windows\System32\svchost.exe", MSW),
    P("dwm.exe", r"C:\Windows\System32\dwm.exe", MSW),
    P("explorer.exe", r"C:\Windows\explorer.exe", MSW),
    P("spoolsv.exe", r"C:\Windows\System32\spoolsv.exe", MSW),
]
WIN10_EXTRA = [
    P("RuntimeBroker.exe", r"C:\Windows\System32\RuntimeBroker.exe", MSW),
    P("ctfmon.exe", r"C:\Windows\System32\ctfmon.exe", MSW),
    P("ChsIME.exe", r"C:\Windows\System32\InputMethod\CHS\ChsIME.exe", MSW),
]
WIN_TRANSIENT = [
    P("SearchIndexer.exe", r"C:\Windows\System32\SearchIndexer.exe", MSW),
    P("audiodg.exe", r"C:\Windows\System32\audiodg.exe", MSW),
    P("taskhostw.exe", r"C:\Windows\System32\taskhostw.exe", MSW),
    P("backgroundTaskHost.exe", r"C:\Windows\System32\backgroundTaskHost.exe", MSW),
    P("WmiPrvSE.exe", r"C:\Windows\System32\wbem\WmiPrvSE.exe", MSW),
    P("TiWorker.exe", r"C:\Windows\WinSxS\amd64_microsoft-windows-servicingstack\TiWorker.exe", MSW),
]
LINUX_CORE = [
    P("systemd", "/usr/lib/systemd/systemd"), P("Xorg", "/usr/lib/xorg/Xorg"),
    P("ukui-session", "/usr/bin/ukui-session"), P("ukui-panel", "/usr/bin/ukui-panel"),
    P("NetworkManager", "/usr/sbin/NetworkManager"), P("sshd", "/usr/sbin/sshd"),
    P("dbus-daemon", "/usr/bin/dbus-daemon"), P("fcitx", "/usr/bin/fcitx"),
    P("cupsd", "/usr/sbin/cupsd"), P("zabbix_agentd", "/usr/sbin/zabbix_agentd"),
]
LINUX_TRANSIENT = [P("cron", "/usr/sbin/cron"), P("packagekitd", "/usr/libexec/packagekitd"),
                   P("kylin-daq", "/usr/bin/kylin-daq")]

HUORONG = [P("HipsDaemon.exe", r"C:\Program Files\Huorong\Sysdiag\bin\HipsDaemon.exe",
             "Beijing Huorong Network Technology Co., Ltd."),
           P("HipsTray.exe", r"C:\Program Files\Huorong\Sysdiag\bin\HipsTray.exe",
             "Beijing Huorong Network Technology Co., Ltd.")]
Q360 = [P("360Tray.exe", r"C:\Program Files (x86)\360\360Safe\safemon\360Tray.exe",
          "Beijing Qihu Technology Co., Ltd."),
        P("ZhuDongFangYu.exe", r"C:\Program Files (x86)\360\360Safe\deepscan\ZhuDongFangYu.exe",
          "Beijing Qihu Technology Co., Ltd.")]
DEFENDER = [P("MsMpEng.exe", r"C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24090.11-0\MsMpEng.exe", MSC),
            P("SecurityHealthService.exe", r"C:\Windows\System32\SecurityHealthService.exe", MSW)]
SUNLOGIN = P("SunloginClient.exe", r"C:\Program Files\Oray\SunLogin\SunloginClient\SunloginClient.exe",
             "Shanghai Best Oray Information Technology Co., Ltd.")
TEAMVIEWER = P("TeamViewer_Service.exe", r"C:\Program Files\TeamViewer\TeamViewer_Service.exe",
               "TeamViewer Germany GmbH")
MYTHWARE = P("StudentMain.exe", r"C:\Program Files (x86)\Mythware\e-Learning Class\StudentMain.exe",
             "Mythware Technology Co., Ltd.")
MSEDGE = P("msedge.exe", r"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe", MSC)

CENTRES = [
    dict(key="A", code="ctr-donghu", short="DH", os="win10",
         rooms=[("R101", 30), ("R102", 30), ("R103", 30)], lan="10.41",
         proc_every=(150, 210), input_ms=30000, tzmin=480, millis=True,
         client=P("AqExamClient.exe", r"C:\AqExam\AqExamClient.exe", EXAMV),
         server=("exam-gw.donghu.example", 443),
         procs=HUORONG + [MYTHWARE, SUNLOGIN],
         devs=[DEV("USB Keyboard", "hid", "413c", "2113"), DEV("USB Optical Mouse", "hid", "046d", "c077"),
               DEV("USB2.0 HD UVC WebCam", "other", "0c45", "636b"), DEV("ID Card Reader", "other", "0400", "c35a")],
         res="1920x1080", lat=0.08, resend=0.002, batch=None, input_mode="mouse",
         it_remote=("SunloginClient.exe", "sl-ka-07.oray-synth.example", 443)),
    dict(key="B", code="ctr-xishan", short="XS", os="win7",
         rooms=[("1F-01", 24), ("1F-02", 24)], lan="10.52",
         proc_every=(270, 330), input_ms=60000, tzmin=480, millis=False,
         client=P("KsClient.exe", r"D:\KaoShi\KsClient.exe", ""),
         server=("10.52.0.20", 8080),
         procs=Q360 + [P("KsGuard.exe", r"D:\KaoShi\KsGuard.exe", ""), TEAMVIEWER,
                       P("taskhost.exe", r"C:\Windows\System32\taskhost.exe", MSW)],
         devs=[DEV("USB Keyboard", "hid", "04f2", "0112"), DEV("USB Mouse", "hid", "15d9", "0a4c"),
               DEV("SecureKey Dongle", "other", "096e", "0006"), DEV("ID Card Reader", "other", "0400", "c35a")],
         res="1440x900", lat=0.6, resend=0.015, batch=15, input_mode="mouse",
         it_remote=("TeamViewer_Service.exe", "master14.tv-synth.example", 5938)),
    dict(key="C", code="ctr-binjiang", short="BJ", os="linux",
         rooms=[("K1", 28), ("K2", 28)], lan="10.63",
         proc_every=(230, 250), input_ms=45000, tzmin=0, millis=True,
         client=P("examclient", "/opt/aqexam/bin/examclient", ""),
         server=("exam-gw.binjiang.example", 443), procs=[],
         devs=[DEV("Lenovo USB Keyboard", "hid", "17ef", "6099"), DEV("Lenovo USB Optical Mouse", "hid", "17ef", "608d"),
               DEV("ID Card Reader", "other", "0400", "c35a")],
         res="1920x1080", lat=0.05, resend=0.001, batch=None, input_mode="mouse", it_remote=None),
    dict(key="D", code="ctr-gaoxin", short="GX", os="win11",
         rooms=[("L1", 30), ("L2", 30)], lan="10.74",
         proc_every=(180, 240), input_ms=60000, tzmin=480, millis=True,
         client=P("ExamKiosk.exe", r"C:\Program Files\AqExam\Kiosk\ExamKiosk.exe", EXAMV),
         server=("exam-web.gaoxin.example", 443),
         procs=DEFENDER + [MSEDGE, MSEDGE, MSEDGE,
                           P("IntuneManagementExtension.exe", r"C:\Program Files (x86)\Microsoft Intune Management Extension\Microsoft.Management.Services.IntuneWindowsAgent.exe", MSC),
                           P("LenovoVantageService.exe", r"C:\Program Files (x86)\Lenovo\VantageService\LenovoVantageService.exe", "Lenovo")],
         devs=[DEV("ThinkPad USB-C Dock", "other", "17ef", "a396"), DEV("Lenovo Keyboard", "hid", "17ef", "6099"),
               DEV("Lenovo Mouse", "hid", "17ef", "608d"), DEV("Integrated Camera", "other", "5986", "2115")],
         res="1920x1080", lat=0.12, resend=0.004, batch=None, input_mode="mouse", it_remote=None),
    dict(key="E", code="ctr-gangkou", short="GK", os="win10iot",
         rooms=[("T1", 22)], lan="10.85",
         proc_every=(290, 310), input_ms=30000, tzmin=480, millis=True,
         client=P("AqExamClient.exe", r"C:\AqExam\AqExamClient.exe", EXAMV),
         server=("10.200.0.15", 443),
         procs=DEFENDER + [P("TabTip.exe", r"C:\Program Files\Common Files\microsoft shared\ink\TabTip.exe", MSW),
                           P("ProvVPN.exe", r"C:\Program Files\ProvNet\ProvVPN.exe", "ProvNet Synthetic Ltd.")],
         devs=[DEV("HID-compliant touch screen", "hid", "222a", "0001"), DEV("ID Card Reader", "other", "0400", "c35a"),
               DEV("USB Camera", "other", "1bcf", "2284")],
         res="1080x1920", lat=0.3, resend=0.006, batch=None, input_mode="touch", it_remote=None),
]
CBYKEY = dict((c["key"], c) for c in CENTRES)
WINDOWS = ("A", "B", "D", "E")


# ----------------------------------------------------------------- session
class Sess(object):
    def __init__(self, rng, slot, papers):
        self.C = c = CBYKEY[slot["centre"]]
        self.slot = slot
        self.sid = "s-" + hexid(rng, 10)
        self.candidate = "cand-" + hexid(rng, 8)
        self.room, self.seat = slot["room"], slot["seat"]
        self.terminal = "%s-%s-PC%02d" % (c["short"], self.room, self.seat)
        self.paper = papers[slot["paper"]]
        self.order = display_order(rng, self.paper)
        t0 = slot["t0"]
        self.t_login = t0 + rng.uniform(-240, 300)
        self.t_begin = max(self.t_login + rng.uniform(40, 150), t0 + rng.uniform(5, 40))
        self.deadline = t0 + self.paper.minutes * 60
        self.t_end = None
        self.kind, self.variant, self.group, self.noise = "honest", "", None, []
        self.actions, self.cur = [], {}
        self.xproc, self.xconn, self.dev_events, self.gaps, self.client_gaps = [], [], [], [], []
        self.input_mode = c["input_mode"]
        self.fidget = 1.0
        self.hid_style = "pointer"
        self.devs = list(c["devs"])
        self.displays = [(self.t_login + rng.uniform(0.3, 2), 1, False, c["res"])]
        if slot["centre"] == "D" and self.room == "L2":
            self.displays = [(self.t_login + rng.uniform(0.3, 2), 2, True, "1920x1080")]
        if slot["centre"] == "C" and self.room == "K2":
            self.displays = [(self.t_login + rng.uniform(0.3, 2), 1, False, "1600x900")]
        self.clk = dict(off=rng.gauss(0, 0.4), drift=0.0, jump_t=None, jump_to=0.0,
                        tzmin=c["tzmin"], suffix=None)
        self.lat, self.resend, self.batch, self.outages = c["lat"], c["resend"], c["batch"], []
        self.end_lost = False
        base = []
        if c["os"].startswith("win"):
            base = list(WIN_CORE) + ([] if c["os"] == "win7" else list(WIN10_EXTRA))
        else:
            base = list(LINUX_CORE)
        self.base_procs = base + list(c["procs"]) + [c["client"]]
        self.opt_procs = [p for p in (WIN_TRANSIENT if c["os"] != "linux" else LINUX_TRANSIENT)
                          if rng.random() < 0.5]

    # answer action
    def act(self, t, qid, choice, actor="local"):
        self.actions.append((t, qid, choice, actor))
        self.cur[qid] = choice

    def submit(self, rng, t, lo=10, hi=60):
        self.t_end = min(self.deadline + rng.uniform(0.5, 3), t + rng.uniform(lo, hi))

    def local_clock(self, t):
        k = self.clk
        if k["jump_t"] is not None and t >= k["jump_t"]:
            return t + k["jump_to"]
        return t + k["off"] + k["drift"] * (t - self.t_login)

    def stamp(self, t):
        k = self.clk
        return iso(self.local_clock(t), k["tzmin"], self.C["millis"], k["suffix"])

    def shift_after(self, t0, d):
        self.actions = [(t + d if t > t0 else t, q, c, a) for (t, q, c, a) in self.actions]
        self.actions = [x for x in self.actions if x[0] < self.deadline - 1]

    def note(self):
        s = self.variant
        if self.group:
            s += "; group=" + self.group
        if self.noise:
            s += "; noise=" + ",".join(self.noise)
        return s


# --------------------------------------------------------- honest behaviour
PERSONAS = [("typical", 0.46), ("fast-able", 0.10), ("weak-guesser", 0.13), ("changer", 0.09),
            ("slow-thorough", 0.10), ("skip-return", 0.07), ("idle-thinker", 0.05)]


def pick_w(rng, pairs):
    r, acc = rng.random() * sum(w for _, w in pairs), 0.0
    for v, w in pairs:
        acc += w
        if r < acc:
            return v
    return pairs[-1][0]


def honest_solve(rng, s, style, ab=None, speed=None, t=None):
    if ab is None:
        ab = {"fast-able": rng.gauss(2.7, 0.4), "weak-guesser": rng.gauss(0.2, 0.5),
              "slow-thorough": rng.gauss(1.6, 0.5)}.get(style, rng.gauss(1.4, 0.6))
    if speed is None:
        speed = {"fast-able": rng.uniform(0.3, 0.55), "weak-guesser": rng.uniform(0.8, 1.5),
                 "slow-thorough": rng.uniform(1.3, 1.8)}.get(style, rng.uniform(0.6, 1.2))
    t = s.t_begin if t is None else t
    dl = s.deadline
    unsure, skipped, left = [], [], []
    for q in s.order:
        if style == "idle-thinker" and rng.random() < 0.03:
            t += rng.uniform(150, 480)
        c, u = own_choice(rng, q, ab)
        if style == "skip-return" and u and rng.random() < 0.6:
            skipped.append(q)
            t += rng.uniform(3, 10)
            continue
        dt = pace(rng, q, speed)
        if style == "weak-guesser" and u and rng.random() < 0.4:
            dt, c = rng.uniform(3, 9), rng.choice(q.labels)
        if t + dt > dl - 150:
            left.append(q)
            continue
        t += dt
        s.act(t, q.id, c)
        if u:
            unsure.append(q)
    for q in skipped:
        dt = pace(rng, q, speed) * 1.2
        if t + dt > dl - 150:
            left.append(q)
            continue
        t += dt
        s.act(t, q.id, own_choice(rng, q, ab + 0.2)[0])
    if left:   # time running out: rush or leave blank
        if style == "weak-guesser" or rng.random() < 0.6:
            for q in left:
                t = max(t, dl - 140) + rng.uniform(1.5, 4)
                if t > dl - 4:
                    break
                s.act(t, q.id, rng.choice(q.labels))
        s.t_end = dl + rng.uniform(0.5, 3)
        return
    pchange = {"changer": 0.55, "slow-thorough": 0.3, "fast-able": 0.15}.get(style, 0.2)
    if rng.random() < {"fast-able": 0.4, "weak-guesser": 0.3}.get(style, 0.75):
        review = unsure + [q for q in s.order if rng.random() < (0.25 if style == "slow-thorough" else 0.05)]
        for q in review:
            t += rng.uniform(4, 15)
            if t > dl - 20:
                break
            if rng.random() < pchange:
                c2 = own_choice(rng, q, ab + 0.4)[0]
                if style == "changer" and rng.random() < 0.3:
                    c2 = rng.choice([x for x in q.labels if x != s.cur.get(q.id)])
                if c2 != s.cur.get(q.id):
                    t += rng.uniform(0.5, 3)
                    s.act(t, q.id, c2)
                    if style == "changer" and rng.random() < 0.2:   # flip back
                        t += rng.uniform(2, 12)
                        s.act(t, q.id, own_choice(rng, q, ab)[0])
    if style == "slow-thorough":
        s.submit(rng, t, 60, 900)
    else:
        s.submit(rng, t, 8, 180)


def honest_noise(rng, s, allowed=None, p_scale=1.0):
    """Benign real-world noise. Returns nothing; records names in s.noise."""
    c = s.C
    def want(name, p):
        return (allowed is None or name in allowed) and rng.random() < p * p_scale
    if want("late-login", 0.05):
        d = rng.uniform(600, 1700)
        s.t_login = s.slot["t0"] + d
        s.t_begin = s.t_login + rng.uniform(40, 120)
        s.displays[0] = (s.t_login + 1,) + s.displays[0][1:]
        s.noise.append("late-login(+%dmin)" % (d // 60))
    if c["key"] == "B" and want("clock-offset", 0.3):
        s.clk["off"] = rng.choice([-1, 1]) * rng.uniform(30, 900)
        s.noise.append("clock-offset(%+ds)" % s.clk["off"])
    elif c["key"] == "B" and want("clock-bios-reset", 0.04):
        s.clk["off"] = bj(2020, 1, 1, 0, 0) + rng.uniform(300, 3000) - s.t_login
        s.noise.append("clock-bios-reset(2020-01-01)")
    elif want("clock-offset", 0.06):
        s.clk["off"] = rng.choice([-1, 1]) * rng.uniform(20, 2400)
        s.noise.append("clock-offset(%+ds)" % s.clk["off"])
    elif want("clock-z-mislabel", 0.025) and c["tzmin"] == 480:
        s.clk["suffix"] = "Z"
        s.noise.append("clock-z-mislabel(local time marked Z)")
    elif want("clock-jump", 0.03):
        s.clk["off"] = rng.choice([-1, 1]) * rng.uniform(60, 700)
        s.clk["jump_t"] = s.t_login + rng.uniform(300, 2400)
        s.clk["jump_to"] = rng.gauss(0, 0.3)
        s.noise.append("clock-jump(ntp fix of %+ds)" % s.clk["off"])
    elif want("clock-drift", 0.03):
        s.clk["drift"] = rng.choice([-1, 1]) * rng.uniform(0.002, 0.008)
        s.noise.append("clock-drift")
    if want("flaky-net", 0.25 if c["key"] == "B" else 0.05):
        t = s.t_login + rng.uniform(200, 2000)
        for _ in range(rng.randint(1, 3)):
            d = rng.uniform(30, 720)
            s.outages.append((t, t + d))
            t += d + rng.uniform(300, 1500)
        s.resend = max(s.resend, 0.04)
        s.noise.append("flaky-net(%d outages)" % len(s.outages))
    elif want("resends", 0.05):
        s.resend = rng.uniform(0.03, 0.1)
        s.noise.append("resends")
    if want("kbd-only", 0.05) and s.input_mode == "mouse":
        s.input_mode = "kbd"
        s.noise.append("keyboard-only candidate")
    if want("end-lost", 0.006):
        s.end_lost = True
        s.noise.append("session_end lost (terminal powered off)")


def honest_hw_noise(rng, s, p_scale=1.0):
    """Noise that changes devices, displays, processes; applied after answers exist."""
    c = s.C
    tb, te = s.t_begin, s.t_end
    if rng.random() < 0.04 * p_scale and s.input_mode != "touch" and te - tb > 900:
        which = rng.randint(0, 1)
        hids = [d for d in s.devs if d["class"] == "hid"]
        which = min(which, len(hids) - 1)
        old = hids[which]
        new = [DEV("USB Keyboard", "hid", "04f2", "0833"), DEV("USB Mouse", "hid", "093a", "2510")][which]
        if which == 0:
            new = rng.choice([new, DEV("Dell USB Keyboard", "hid", "413c", "2107")])
        t = rng.uniform(tb + 120, te - 400)
        d = rng.uniform(40, 160)
        s.dev_events += [(t, "removed", old), (t + d, "attached", new)]
        s.gaps.append((t - 20, t + d + 5))
        s.shift_after(t, d + 20)
        s.t_end = min(s.deadline + 2, s.t_end + d + 20)
        s.noise.append("invigilator replaced %s" % ("keyboard" if which == 0 else "mouse"))
    if c["key"] == "A" and rng.random() < 0.07 * p_scale:
        s.displays = [(s.displays[0][0], 2, True, "1024x768"),
                      (s.t_login + rng.uniform(120, 600), 1, False, c["res"])]
        s.dev_events.append((s.displays[1][0] - 1, "removed", DEV("EPSON Projector USB Display", "other", "04b8", "0005")))
        s.noise.append("front terminal still mirrored to room projector, unplugged early")
    if c["key"] == "D" and rng.random() < 0.08 * p_scale and te - tb > 900:
        t = rng.uniform(tb + 300, te - 300)
        d = rng.uniform(15, 70)
        dock = s.devs[:3]
        for dv in dock:
            s.dev_events.append((t + rng.uniform(0, 0.5), "removed", dv))
            s.dev_events.append((t + d + rng.uniform(0, 2), "attached", dv))
        prev = s.displays[-1]
        s.displays += [(t + 0.8, 1, False, "1366x768"), (t + d + 2.5,) + prev[1:]]
        s.gaps.append((t, t + d + 5))
        s.shift_after(t, d)
        s.noise.append("laptop dock re-plugged (devices and display re-enumerated)")
    if c["it_remote"] and rng.random() < 0.03 * p_scale:
        t = s.t_login + rng.uniform(10, 60)
        proc, host, port = c["it_remote"]
        s.xconn.append((t, t + rng.uniform(60, 200), C("198.51.100.%d" % rng.randint(20, 60), port, proc)))
        s.noise.append("IT remote-support pre-check at login (before answering)")
    if rng.random() < 0.05 * p_scale:
        t = rng.uniform(tb, te)
        if c["os"] == "linux":
            s.xconn.append((t, t + 400, C("10.63.0.5", 22, "sshd")))
            s.noise.append("IT ssh session (admin check)")
        elif c["key"] == "A":
            s.xconn.append((t, t + 400, C("update.hr-synth.example", 443, "HipsDaemon.exe")))
            s.noise.append("antivirus update")
        elif c["key"] == "B":
            s.xconn.append((t, t + 400, C("update.q360-synth.example", 80, "360Tray.exe")))
            s.noise.append("antivirus update")
        else:
            s.xconn.append((t, t + 400, C("wdcp.ms-synth.example", 443, "MsMpEng.exe")))
            s.noise.append("defender cloud lookup")
    if rng.random() < 0.012 * p_scale and s.t_begin - s.t_login > 30:
        t = s.t_login + rng.uniform(5, 15)
        stick = DEV("Kingston DataTraveler", "storage", "0951", "1666")
        s.dev_events += [(t, "attached", stick), (t + rng.uniform(20, 40), "removed", stick)]
        s.noise.append("invigilator USB stick at login (client config)")
    if rng.random() < 0.015 * p_scale and len(s.actions) > 30:
        acts = sorted(s.actions)
        i = rng.randint(10, len(acts) - 10)
        tr = acts[i][0] + rng.uniform(2, 10)
        d = rng.uniform(60, 200)
        s.client_gaps.append((tr, tr + d))
        s.shift_after(tr, d)
        snap = {}
        for (t, q, ch, a) in acts[:i + 1]:
            snap[q] = ch
        for k, q in enumerate(s.order):
            if q.id in snap:
                s.actions.append((tr + d - 2 + 0.03 * k, q.id, snap[q.id], "resync"))
        s.t_end = min(s.deadline + 2, s.t_end + d)
        s.noise.append("exam client crashed and restarted; re-sent %d saved answers" % len(snap))


# ------------------------------------------------------------- cheat helpers
def cand_until(rng, s, t_stop, ab, speed=1.0):
    t = s.t_begin
    for q in s.order:
        dt = pace(rng, q, speed)
        if t + dt > t_stop:
            break
        t += dt
        s.act(t, q.id, own_choice(rng, q, ab)[0])
    return t


def helper_pass(rng, s, t, chooser, pacer, actor, fix_prev=True, only=None):
    for q in s.order:
        if only is not None and not only(q):
            continue
        if q.id in s.cur:
            if not fix_prev:
                continue
            t += rng.uniform(1.2, 3.5)
            c = chooser(q)
            if c != s.cur[q.id]:
                t += rng.uniform(0.4, 2)
                s.act(t, q.id, c, actor)
        else:
            dt = pacer(q)
            if t + dt > s.deadline - 5:
                break
            t += dt
            s.act(t, q.id, chooser(q), actor)
    return t


def expert(rng, ab):
    return lambda q: own_choice(rng, q, ab)[0]


def upace(rng, lo, hi):
    return lambda q: rng.uniform(lo, hi) * (1.0 if q.sec == "tf" else 1.4)


def make_sheet(rng, paper, n_err, shift=None):
    sheet = dict((q.id, q.key) for q in paper.qs)
    for q in rng.sample(paper.qs, n_err):
        sheet[q.id] = rng.choice([x for x in q.labels if x != q.key])
    if shift:
        a, n = shift
        for i in range(a, min(a + n, len(paper.qs) - 1)):
            q, nxt = paper.qs[i], paper.qs[i + 1]
            if nxt.key in q.labels:
                sheet[q.id] = nxt.key
    return sheet


def relay_ip(rng):
    return "203.0.113.%d" % rng.randint(2, 250)


def remote_conn_window(s, rng, t0, conns):
    for cn in conns:
        s.xconn.append((t0, s.t_end + 30, cn))


# ------------------------------------------------------------ software
def software(rng, s, v):
    s.kind, s.variant = "software", v
    user = "C:\\Users\\%s" % ("exam" if s.C["key"] != "B" else "Administrator")
    tb = s.t_begin
    helper = expert(rng, rng.uniform(3.0, 3.8))
    ab = rng.gauss(0.5, 0.5)
    if v in ("sw-todesk", "sw-anydesk-portable", "sw-renamed-vnc", "sw-frp-rdp",
             "sw-spoofed-signer", "sw-linux-x11vnc"):
        t_take = tb + rng.uniform(60, 900)
        ts = tb + rng.uniform(20, 200)
        if v == "sw-anydesk-portable":
            t_take = max(t_take, ts + 60)
        t = cand_until(rng, s, t_take, ab)
        t = helper_pass(rng, s, max(t, t_take) + rng.uniform(10, 60), helper, upace(rng, 5, 15), "remote")
        s.submit(rng, t, 20, 300)
        s.fidget = 0.15 if v != "sw-spoofed-signer" else 0.5
        tc = t_take - rng.uniform(20, 120)
        if v == "sw-todesk":
            s.xproc += [(s.t_login - 9, s.t_end + 99, P("ToDesk_Service.exe", r"C:\Program Files\ToDesk\ToDesk_Service.exe", "Hainan Youqu Network Technology Co., Ltd.")),
                        (tc - 60, s.t_end + 99, P("ToDesk.exe", r"C:\Program Files\ToDesk\ToDesk.exe", "Hainan Youqu Network Technology Co., Ltd."))]
            remote_conn_window(s, rng, tc, [C("relay-3.td-synth.example", 443, "ToDesk_Service.exe"),
                                            C(relay_ip(rng), rng.choice([443, 35600]), "ToDesk.exe")])
        elif v == "sw-anydesk-portable":
            stick = DEV("USB DISK 3.0", "storage", "090c", "1000")
            s.dev_events += [(ts, "attached", stick), (ts + rng.uniform(40, 120), "removed", stick)]
            s.xproc.append((ts + 20, s.t_end + 99, P("AnyDesk.exe", user + r"\Downloads\AnyDesk.exe", "AnyDesk Software GmbH")))
            remote_conn_window(s, rng, ts + 25, [C("relay-%d.ad-synth.example" % rng.randint(1, 90), 443, "AnyDesk.exe"),
                                                 C(relay_ip(rng), 7070, "AnyDesk.exe")])
        elif v == "sw-renamed-vnc":
            s.xproc.append((s.t_login - 9, s.t_end + 99, P("svchost.exe", r"C:\ProgramData\Microsoft\Crypto\RSA\svchost.exe", "")))
            remote_conn_window(s, rng, tc, [C("%s.%d.%d" % (s.C["lan"], rng.randint(100, 199), rng.randint(2, 250)), 5500, "svchost.exe")])
        elif v == "sw-frp-rdp":
            s.xproc.append((s.t_login - 9, s.t_end + 99, P("conhost64.exe", r"C:\Windows\Temp\conhost64.exe", "")))
            s.xproc.append((tc, s.t_end + 99, P("rdpclip.exe", r"C:\Windows\System32\rdpclip.exe", MSW)))
            remote_conn_window(s, rng, s.t_login, [C("198.51.100.%d" % rng.randint(100, 200), 7000, "conhost64.exe")])
            remote_conn_window(s, rng, tc, [C("127.0.0.1", 3389, "conhost64.exe")])
        elif v == "sw-spoofed-signer":
            s.xproc.append((s.t_login - 9, s.t_end + 99, P("MicrosoftEdgeUpdate.exe", user + r"\AppData\Local\Temp\MicrosoftEdgeUpdate.exe", MSC)))
            remote_conn_window(s, rng, tc, [C("update.msedge-cdn-synth.example", 443, "MicrosoftEdgeUpdate.exe")])
        elif v == "sw-linux-x11vnc":
            s.xproc += [(s.t_login - 9, s.t_end + 99, P("ssh", "/usr/bin/ssh")),
                        (tc, s.t_end + 99, P("x11vnc", "/tmp/.X11-cache/x11vnc"))]
            remote_conn_window(s, rng, s.t_login, [C(relay_ip(rng), 22, "ssh")])
            remote_conn_window(s, rng, tc, [C("127.0.0.1", 5900, "x11vnc")])
    elif v in ("sw-meeting-dictate", "sw-browser-webrtc"):
        # screen seen remotely; candidate clicks what a helper dictates
        t = cand_until(rng, s, tb + rng.uniform(0, 300), ab)
        t = helper_pass(rng, s, t + 15, helper, upace(rng, 9, 20), "local")
        s.submit(rng, t, 30, 400)
        if v == "sw-meeting-dictate":
            s.xproc.append((s.t_login + rng.uniform(-60, 60), s.t_end + 99,
                            P("wemeetapp.exe", r"C:\Program Files (x86)\Tencent\WeMeet\3.26.4.411\wemeetapp.exe", "Tencent Technology (Shenzhen) Company Limited")))
            remote_conn_window(s, rng, s.t_login + 60, [C("meet-edge-%d.wm-synth.example" % rng.randint(1, 40), 443, "wemeetapp.exe"),
                                                        C(relay_ip(rng), 8000, "wemeetapp.exe")])
        else:
            remote_conn_window(s, rng, s.t_login + rng.uniform(30, 120),
                               [C("turn-2.rtc-synth.example", 3478, "msedge.exe"), C("198.51.100.%d" % rng.randint(2, 99), 19302, "msedge.exe")])
    elif v == "sw-brief-window":
        t_a = tb + rng.uniform(1500, 3000)
        t = cand_until(rng, s, t_a, rng.gauss(1.0, 0.4))
        w0 = max(t, t_a) + rng.uniform(5, 30)
        t = helper_pass(rng, s, w0, helper, upace(rng, 3, 8), "remote")
        w1 = t + rng.uniform(20, 60)
        # candidate resumes for anything left
        t = helper_pass(rng, s, w1 + 10, expert(rng, ab), lambda q: pace(rng, q, 1.0), "local", fix_prev=False)
        s.submit(rng, t, 30, 600)
        s.xproc.append((w0 - 40, w1 + 5, P("rustdesk.exe", user + r"\Desktop\rustdesk-1.3.2-x86_64.exe", "")))
        s.xconn.append((w0 - 30, w1, C(relay_ip(rng), 21117, "rustdesk.exe")))
        s.fidget = 0.6
    return s


# ------------------------------------------------------------ hardware
def hardware(rng, s, v):
    s.kind, s.variant = "hardware", v
    tb = s.t_begin
    helper = expert(rng, rng.uniform(3.0, 3.8))
    ab = rng.gauss(0.5, 0.5)
    if v in ("hw-ch9329-injector", "hw-ipkvm"):
        s.hid_style = "keys" if v == "hw-ch9329-injector" and rng.random() < 0.6 else "pointer"
        t_take = tb + rng.uniform(30, 600)
        t = cand_until(rng, s, t_take, ab)
        t = helper_pass(rng, s, max(t, t_take) + rng.uniform(10, 60), helper, upace(rng, 5, 14), "hid")
        s.submit(rng, t, 20, 300)
        s.fidget = 0.2
        ta = tb + rng.uniform(-60, 300) if rng.random() < 0.5 else None
        devs = ([DEV("USB Keyboard", "hid", "1a86", "e129")] if v == "hw-ch9329-injector" else
                [DEV("Composite KVM Device", "hid", "1d6b", "0104"), DEV("USB3.0 Video Capture", "other", "534d", "2109")])
        for d in devs:
            if ta is None:
                s.devs.append(d)
            else:
                s.dev_events.append((min(ta, t_take - 5), "attached", d))
        if v == "hw-ipkvm":
            s.displays.append(((ta or s.t_login) + 1.5, 2, True, "1920x1080"))
    elif v in ("hw-wireless-receiver", "hw-kvm-extender"):
        only = (lambda q: q.sec == "sc" or q.diff > 0.8) if v == "hw-wireless-receiver" else None
        t = helper_pass(rng, s, tb, expert(rng, ab), lambda q: pace(rng, q, 0.9), "local",
                        only=(lambda q: not only(q)) if only else (lambda q: q.sec == "tf" and rng.random() < 0.3))
        t = helper_pass(rng, s, t + rng.uniform(5, 60), helper, upace(rng, 6, 16), "hidhuman",
                        fix_prev=(v == "hw-kvm-extender"))
        s.submit(rng, t, 20, 400)
        if v == "hw-wireless-receiver":
            s.dev_events.append((tb + rng.uniform(-90, 400), "attached", DEV("2.4G Wireless Receiver", "hid", "248a", "8367")))
        else:
            kvm = DEV("USB KVM Extender", "hid", "0557", "2419")
            s.devs = [kvm] + [d for d in s.devs if d["class"] != "hid"]
            s.displays = [(s.displays[0][0], 1, False, "1280x1024")]
    elif v in ("hw-hdmi-splitter", "hw-displaylink"):
        tm = tb + rng.uniform(-30, 600)
        t = cand_until(rng, s, tm + 30, ab)
        t = helper_pass(rng, s, t + 20, helper, upace(rng, 9, 20), "local")
        s.submit(rng, t, 30, 400)
        if v == "hw-hdmi-splitter":
            s.displays.append((tm, 2, True, rng.choice(["1920x1080", "1360x768"])))
        else:
            s.dev_events.append((tm - 2, "attached", DEV("USB Display Adapter", "other", "17e9", "4301")))
            s.displays.append((tm, 2, True, s.C["res"]))
    elif v == "hw-faint-present":
        s.devs.append(DEV("USB Input Device", "hid", "1a86", "e026"))
        hard = lambda q: q.diff > 0.9 or q.lure is not None and rng.random() < 0.5
        t = tb
        for q in s.order:
            if hard(q):
                t += rng.uniform(4, 10)
                s.act(t, q.id, helper(q), "hid")
            else:
                t += pace(rng, q, 0.9)
                s.act(t, q.id, own_choice(rng, q, ab + 0.6)[0], "local")
            if t > s.deadline - 60:
                break
        s.submit(rng, t, 30, 300)
    return s


# ------------------------------------------------------------ operators
def operator_group(rng, group, v, gname):
    paper = group[0].paper
    op_ab = rng.uniform(3.2, 4.0)
    base = dict((q.id, own_choice(rng, q, op_ab)[0]) for q in paper.qs)
    for s in group:
        s.kind, s.variant, s.group = "operator", v, gname
    varied = v == "op-varied-sunlogin"

    def choose(s, q):
        if varied and rng.random() < 0.09:
            return rng.choice([x for x in q.labels if x != base[q.id]])
        return base[q.id]
    actor = {"op-remote-room": "remote", "op-cross-centre": "remote", "op-hw-injector": "hid",
             "op-insider-mythware": "remote", "op-varied-sunlogin": "remote",
             "op-dictation-lockstep": "local"}[v]
    t0 = max(s.t_begin for s in group) + rng.uniform(20, 240)
    # candidates answer a handful themselves first (cover)
    for s in group:
        if v != "op-dictation-lockstep":
            cand_until(rng, s, t0 - 10 if rng.random() < 0.6 else s.t_begin + 1, rng.gauss(0.4, 0.5))
    if v == "op-dictation-lockstep":
        t = t0
        for q in group[0].order:
            t += rng.uniform(9, 22) * (1.0 if q.sec == "tf" else 1.3)
            if t > group[0].deadline - 60:
                break
            for s in group:
                c = base[q.id]
                if rng.random() < 0.03:   # misheard, corrected later
                    s.act(t + rng.uniform(1.5, 9), q.id, rng.choice([x for x in q.labels if x != c]))
                    s.act(t + rng.uniform(25, 60), q.id, c)
                else:
                    s.act(t + rng.uniform(1.5, 9), q.id, c)
        for s in group:
            s.submit(rng, t + 30, 30, 300)
        s0 = group[0]
        s0.xproc.append((s0.t_login + 30, s0.t_end + 99, P("wemeetapp.exe", r"C:\Program Files (x86)\Tencent\WeMeet\3.26.4.411\wemeetapp.exe", "Tencent Technology (Shenzhen) Company Limited")))
        s0.xconn.append((s0.t_login + 60, s0.t_end + 30, C("meet-edge-%d.wm-synth.example" % rng.randint(1, 40), 443, "wemeetapp.exe")))
        return
    seq = v == "op-insider-mythware"
    pacer = (5, 12) if seq else (5, 15)
    ptr = dict((s.sid, 0) for s in group)
    active = list(group)
    starts = {}
    t, rr = t0, 0
    while active:
        s = active[0] if seq else active[rr % len(active)]
        rr += rng.choice([1, 1, 1, 2])
        starts.setdefault(s.sid, t)
        k = 10 ** 6 if seq else rng.randint(4, 14)
        while k > 0 and ptr[s.sid] < len(s.order):
            q = s.order[ptr[s.sid]]
            ptr[s.sid] += 1
            k -= 1
            if q.id in s.cur and s.cur[q.id] == choose(s, q):
                t += rng.uniform(1, 2.5)
                continue
            t += rng.uniform(*pacer) * (1.0 if q.sec == "tf" else 1.3)
            if t > s.deadline - 10:
                ptr[s.sid] = len(s.order)
                break
            s.act(t, q.id, choose(s, q), actor)
        if ptr[s.sid] >= len(s.order):
            s.submit(rng, t, 3, 20)
            s.op_window = (starts[s.sid], s.t_end)
            active.remove(s)
        t += rng.uniform(20, 60) if seq else rng.uniform(3, 15)
    for s in group:
        w0, w1 = getattr(s, "op_window", (t0, s.t_end or s.deadline))
        if s.t_end is None:
            s.submit(rng, t, 3, 20)
        s.fidget = 0.6 if varied else 0.15
        if v == "op-remote-room":
            s.xproc.append((s.t_login - 9, s.t_end + 99, P("nvcontainer.exe", r"C:\ProgramData\NVIDIA\nvcontainer.exe", "")))
            s.xconn.append((t0 - 60, s.t_end + 30, C(gname_ip(gname), 443, "nvcontainer.exe")))
        elif v == "op-cross-centre":
            s.xproc.append((s.t_login - 9, s.t_end + 99, P("ToDesk.exe", r"C:\Program Files\ToDesk\ToDesk.exe", "Hainan Youqu Network Technology Co., Ltd.")))
            s.xconn.append((t0 - 60, s.t_end + 30, C(gname_ip(gname), 443, "ToDesk.exe")))
        elif v == "op-hw-injector":
            s.devs.append(DEV("HID Keyboard Device", "hid", "1209", "c0de"))
            s.hid_style = "pointer"
        elif v == "op-insider-mythware":
            s.xconn.append((w0 - 5, w1 + 5, C("%s.%d.2" % (s.C["lan"], int(s.room[-1])), 5512, "StudentMain.exe")))
        elif v == "op-varied-sunlogin":
            s.xconn.append((t0 - 30, s.t_end + 30, C(gname_ip(gname), 4118, "SunloginClient.exe")))


GROUP_IPS = {}


def gname_ip(g):
    return GROUP_IPS[g]


# ------------------------------------------------------------ leaks
def leak(rng, s, v, sheet, gname=None):
    s.kind, s.variant, s.group = "leak", v, gname
    tb = s.t_begin
    ab = rng.gauss(0.7, 0.5)
    if v in ("leak-full-sheet", "leak-offset-sheet"):
        t = tb + rng.uniform(10, 90)
        cover = rng.uniform(0.0, 0.04)
        for q in s.order:
            t += rng.uniform(3.5, 11) * (1.0 if q.sec == "tf" else 1.3)
            c = sheet[q.id] if rng.random() >= cover else wrong_choice(rng, q)
            s.act(t, q.id, c)
        s.submit(rng, t, 30, 1500)
    elif v == "leak-partial":
        part = rng.choice(["sc", "half"])
        inpart = (lambda q: q.sec == "sc") if part == "sc" else (lambda q: s.order.index(q) < 50)
        s.variant = "leak-partial(%s)" % ("single-choice section" if part == "sc" else "first 50 questions")
        t = tb
        for q in s.order:
            if inpart(q):
                t += rng.uniform(4, 12)
                s.act(t, q.id, sheet[q.id])
            else:
                t += pace(rng, q, 1.0)
                if t > s.deadline - 60:
                    break
                s.act(t, q.id, own_choice(rng, q, ab)[0])
        s.submit(rng, t, 20, 300)
    elif v == "leak-mid-exam":
        t_leak = tb + rng.uniform(1500, 3000)
        t = cand_until(rng, s, t_leak, ab, 1.1)
        t = helper_pass(rng, s, max(t, t_leak) + rng.uniform(5, 40), lambda q: sheet[q.id],
                        upace(rng, 3, 8), "local")
        s.submit(rng, t, 20, 300)
    elif v == "leak-consult":
        ab = rng.gauss(1.0, 0.4)
        t = tb
        for q in s.order:
            c, u = own_choice(rng, q, ab)
            dt = pace(rng, q, 1.0)
            if u and rng.random() < 0.9:
                c = sheet[q.id]
                dt += rng.uniform(4, 15)
            t += dt
            if t > s.deadline - 60:
                break
            s.act(t, q.id, c)
        if rng.random() < 0.6:   # small honest-looking review
            for q in rng.sample(s.order, 8):
                t += rng.uniform(4, 12)
                if rng.random() < 0.3 and q.id in s.cur and s.cur[q.id] != sheet[q.id]:
                    s.act(t, q.id, sheet[q.id])
        s.submit(rng, t, 30, 600)
    return s


# ------------------------------------------------------------ rendering
def render(rng, s):
    c = s.C
    ev = [(s.t_login, "session_start", {"candidate": s.candidate, "exam": s.paper.id, "centre": c["code"],
                                       "room": s.room, "seat": "%02d" % s.seat, "terminal": s.terminal})]
    for (t, n, m, r) in s.displays:
        ev.append((max(t, s.t_login + 0.2), "display", {"displays": n, "mirrored": m, "resolution": r}))
    for d in s.devs:
        f = {"action": "present"}
        f.update(d)
        ev.append((s.t_login + rng.uniform(0.5, 3), "device", f))
    for (t, a, d) in s.dev_events:
        f = {"action": a}
        f.update(d)
        ev.append((max(t, s.t_login + 3.5), "device", f))
    # process / connection snapshots
    lo, hi = c["proc_every"]
    t = s.t_login + rng.uniform(5, 40)
    server, sport = c["server"]
    client = c["client"]["name"]
    while t < s.t_end:
        hidden = any(a <= t < b for (a, b) in s.client_gaps)
        procs = [p for p in s.base_procs if not (hidden and p is c["client"])]
        procs += [p for p in s.opt_procs if rng.random() < 0.7]
        if hidden and c["os"] != "linux":
            procs.append(P("WerFault.exe", r"C:\Windows\System32\WerFault.exe", MSW))
        procs += [p for (a, b, p) in s.xproc if a <= t < b]
        ev.append((t, "processes", {"processes": procs}))
        conns = [] if hidden else [C(server, sport, "msedge.exe" if c["key"] == "D" else client)]
        if c["key"] == "A":
            conns.append(C("%s.%d.2" % (c["lan"], int(s.room[-1])), 4988, "StudentMain.exe"))
        if c["key"] == "E":
            conns.append(C("vpn.prov-exam.example", 443, "ProvVPN.exe"))
        if c["key"] == "C" and rng.random() < 0.5:
            conns.append(C("10.63.0.8", 10051, "zabbix_agentd"))
        if c["key"] == "D" and rng.random() < 0.3:
            conns.append(C("mdm.gaoxin-it.example", 443, "IntuneManagementExtension.exe"))
        if c["it_remote"] and rng.random() < 0.7:
            conns.append(C(c["it_remote"][1], c["it_remote"][2], c["it_remote"][0]))
        conns += [x for (a, b, x) in s.xconn if a <= t < b]
        ev.append((t + rng.uniform(0.2, 2.0), "connections", {"connections": conns}))
        t += rng.uniform(lo, hi)
    # input counts
    acts = sorted(s.actions)
    L = c["input_ms"] / 1000.0
    prev = s.t_login
    te, i, first = s.t_login + rng.uniform(2, L), 0, True
    while True:
        last = te >= s.t_end - 0.3
        if last:
            te = max(prev + 0.5, s.t_end - 0.3)
        ln = te - prev
        tsart = prev
        prev = te
        keys = ptr = 0
        while i < len(acts) and acts[i][0] <= te:
            a = acts[i][3]
            if a == "local" or a == "hidhuman":
                m = s.input_mode if a == "local" else "mouse"
                if m == "mouse":
                    ptr += rng.randint(12, 70)
                    keys += 1 if rng.random() < 0.04 else 0
                elif m == "kbd":
                    keys += rng.randint(1, 3)
                    ptr += rng.randint(0, 1)
                else:
                    ptr += 2 * rng.randint(1, 2)
            elif a == "hid":
                if s.hid_style == "keys":
                    keys += 2
                else:
                    ptr += 2
            i += 1
        active = s.t_begin <= te
        if first:
            if s.input_mode == "touch":
                ptr += rng.randint(14, 40)
            else:
                keys += rng.randint(10, 26)
                ptr += rng.randint(20, 120)
        elif active:
            if s.input_mode == "mouse" and rng.random() < 0.6 * s.fidget:
                ptr += rng.randint(1, int(8 + 25 * s.fidget))
            elif s.input_mode == "touch" and rng.random() < 0.1 * s.fidget:
                ptr += rng.randint(2, 10)
        if last:
            ptr += rng.randint(6, 30) if s.input_mode != "touch" else 4
        if any(a < te and tsart < b for (a, b) in s.gaps):
            keys = ptr = 0
        ev.append((te, "input", {"interval_ms": int(round(ln * 1000 + rng.gauss(0, 40))),
                                 "keys": keys, "pointer": ptr}))
        first = False
        if last:
            break
        te += L + rng.gauss(0, 0.15)
    for (t, q, ch, a) in acts:
        ev.append((t, "answer", {"question": q, "choice": ch}))
    ev = [e for e in ev if e[0] <= s.t_end]
    if not s.end_lost:
        ev.append((s.t_end + 0.05, "session_end", {}))
    ev.sort(key=lambda e: e[0])
    out = []
    for n, (t, kind, f) in enumerate(ev):
        obj = {"v": 1, "id": "%s-%05d" % (s.sid, n + 1), "at": s.stamp(t), "kind": kind, "session": s.sid}
        obj.update(f)
        out.append((t, obj))
    return out


def deliver(rng, s, evs):
    out, flush = [], {}
    for t, obj in evs:
        arr = t + s.lat * math.exp(rng.gauss(0, 0.6))
        for (a, b) in s.outages:
            if a <= t < b:
                k = flush.get(b, 0)
                flush[b] = k + 1
                arr = b + 2.0 + 0.015 * k
                break
        if s.batch:
            arr = math.ceil(arr / s.batch) * s.batch + rng.uniform(0.05, 0.6)
        out.append((arr, obj))
        if rng.random() < s.resend:
            out.append((arr + rng.uniform(1, 90), obj))
    return out


# ------------------------------------------------------------ layout
SOFT = ["sw-todesk", "sw-todesk", "sw-todesk", "sw-anydesk-portable", "sw-anydesk-portable",
        "sw-renamed-vnc", "sw-renamed-vnc", "sw-frp-rdp", "sw-frp-rdp", "sw-meeting-dictate",
        "sw-meeting-dictate", "sw-meeting-dictate", "sw-browser-webrtc", "sw-browser-webrtc",
        "sw-linux-x11vnc", "sw-linux-x11vnc", "sw-spoofed-signer", "sw-spoofed-signer",
        "sw-brief-window", "sw-brief-window"]
HARD = ["hw-ch9329-injector"] * 3 + ["hw-wireless-receiver"] * 3 + ["hw-kvm-extender"] * 3 + \
       ["hw-hdmi-splitter"] * 3 + ["hw-ipkvm"] * 3 + ["hw-faint-present"] * 3 + ["hw-displaylink"] * 2
OPS = [("op-remote-room", 4), ("op-cross-centre", 4), ("op-hw-injector", 3),
       ("op-insider-mythware", 3), ("op-varied-sunlogin", 4), ("op-dictation-lockstep", 2)]
LEAKS = [("leak-full-sheet", 5), ("leak-partial", 4), ("leak-mid-exam", 4), ("leak-consult", 4),
         ("leak-offset-sheet", 3)]


def fit(lst, n):
    """Repeat/truncate a list of variant specs so that it covers n sessions."""
    out, i = [], 0
    while len(out) < n and lst:
        out.append(lst[i % len(lst)])
        i += 1
    return out


def fit_groups(groups, n):
    out, tot, i = [], 0, 0
    while tot < n:
        v, k = groups[i % len(groups)]
        k = min(k, n - tot)
        out.append((v, k))
        tot += k
        i += 1
    return out


def build(seed, n):
    rng = random.Random(seed)
    papers = {
        "P1": Paper(rng, "exam-dg-lv-2611a", "DG", 70, 30, ["T", "F"], False, True, 120, False),
        "P2": Paper(rng, "exam-hj-rh-2611b", "HJ", 50, 50, ["对", "错"], False, False, 90, True),
        "P3": Paper(rng, "exam-gc-gk-2611c", "GC", 60, 40, ["A", "B"], True, True, 100, False),
    }
    sittings = [("S1", bj(2026, 11, 28, 9, 0), dict(A="P1", B="P1", C="P1", D="P1", E="P1")),
                ("S2", bj(2026, 11, 28, 14, 30), dict(A="P2", B="P2", C="P2", D="P3", E="P3")),
                ("S3", bj(2026, 11, 29, 9, 0), dict(A="P3", B="P1", C="P3", D="P1", E="P1"))]
    rs = []
    for sname, t0, pmap in sittings:
        for c in CENTRES:
            for room, cap in c["rooms"]:
                rs.append(dict(sitting=sname, t0=t0, centre=c["key"], room=room, cap=cap,
                               paper=pmap[c["key"]], w=cap * rng.uniform(0.5, 1.0)))
    tw = sum(r["w"] for r in rs)
    for r in rs:
        r["n"] = min(r["cap"], max(1, int(n * r["w"] / tw)))
    while sum(r["n"] for r in rs) < n:
        r = rng.choice(rs)
        if r["n"] < r["cap"]:
            r["n"] += 1
    slots = []
    for k, r in enumerate(rs):
        for seat in sorted(rng.sample(range(1, r["cap"] + 1), r["n"])):
            slots.append(dict(rs=k, sitting=r["sitting"], t0=r["t0"], centre=r["centre"], room=r["room"],
                              paper=r["paper"], seat=seat, used=False))

    def free(pred):
        return [x for x in slots if not x["used"] and pred(x)]

    def take(pool, k):
        pick = rng.sample(pool, k)
        for x in pick:
            x["used"] = True
        return pick

    def take_rs(pred, k, min_free=None):
        cands = [i for i in range(len(rs)) if len(free(lambda x: x["rs"] == i and pred(x))) >= (min_free or k)]
        i = rng.choice(cands)
        return take(free(lambda x: x["rs"] == i and pred(x)), k)

    sessions = []
    k_each = max(1, int(round(n * 0.05)))
    # operator groups first (tightest constraints)
    for gi, (v, k) in enumerate(fit_groups(OPS, k_each)):
        gname = "op%d-%s" % (gi + 1, hexid(rng, 4))
        GROUP_IPS[gname] = relay_ip(rng)
        if v in ("op-remote-room", "op-hw-injector"):
            sl = take_rs(lambda x: x["centre"] in WINDOWS and x["room"] != "L2", k, k + 3)
        elif v == "op-insider-mythware":
            sl = take_rs(lambda x: x["centre"] == "A", k, k + 3)
        elif v in ("op-cross-centre", "op-varied-sunlogin", "op-dictation-lockstep"):
            cen = ("A",) if v == "op-varied-sunlogin" else WINDOWS
            if v == "op-dictation-lockstep":
                cen = ("A", "B", "C", "D")
            sit = rng.choice(["S1", "S3"] if v == "op-dictation-lockstep" else ["S1", "S2", "S3"])
            pool = free(lambda x: x["sitting"] == sit and x["centre"] in cen)
            if v == "op-cross-centre":
                cs = sorted(set(x["centre"] for x in pool))
                ca, cb = rng.sample(cs, 2)
                pa = free(lambda x: x["sitting"] == sit and x["centre"] == ca)
                pb = free(lambda x: x["sitting"] == sit and x["centre"] == cb and x["paper"] == pa[0]["paper"])
                if not pb:
                    pb = free(lambda x: x["sitting"] == "S1" and x["centre"] == cb)
                    pa = free(lambda x: x["sitting"] == "S1" and x["centre"] == ca)
                sl = take(pa, k // 2) + take(pb, k - k // 2)
            else:
                c0 = rng.choice(sorted(set(x["centre"] for x in pool if x["centre"] in cen)))
                rooms = sorted(set(x["room"] for x in pool if x["centre"] == c0))
                r2 = rng.sample(rooms, min(2, len(rooms)))
                sl = []
                for j in range(k):
                    sl += take(free(lambda x: x["sitting"] == sit and x["centre"] == c0 and x["room"] == r2[j % len(r2)]), 1)
        grp = [Sess(rng, x, papers) for x in sl]
        for s in grp:
            honest_noise(rng, s, allowed=("clock-offset", "clock-bios-reset", "clock-drift", "resends", "flaky-net"), p_scale=0.6)
        operator_group(rng, grp, v, gname)
        sessions += grp
    # leaks
    sheets = {}
    for gi, (v, k) in enumerate(fit_groups(LEAKS, k_each)):
        if v == "leak-full-sheet":
            pk = rng.choice(["P1", "P2", "P3"])
            gname = "sheet-%s" % hexid(rng, 4)
            sheet = make_sheet(rng, papers[pk], rng.randint(2, 4))
            sl = take(free(lambda x: x["paper"] == pk), k)
        elif v == "leak-offset-sheet":
            pk = "P1"
            gname = "sheet-%s" % hexid(rng, 4)
            sheet = make_sheet(rng, papers[pk], 1, shift=(rng.randint(20, 60), rng.randint(8, 15)))
            sl = take(free(lambda x: x["paper"] == pk), k)
        else:
            gname, sheet, sl = None, None, take(free(lambda x: True), k)
        for x in sl:
            s = Sess(rng, x, papers)
            honest_noise(rng, s, allowed=("clock-offset", "clock-bios-reset", "clock-z-mislabel", "resends", "flaky-net", "late-login"), p_scale=0.7)
            sh = sheet if sheet else make_sheet(rng, s.paper, rng.randint(0, 3))
            leak(rng, s, v, sh, gname)
            sessions.append(s)
    # software / hardware
    for v in fit(SOFT, k_each):
        if v == "sw-browser-webrtc":
            pred = lambda x: x["centre"] == "D"
        elif v == "sw-linux-x11vnc":
            pred = lambda x: x["centre"] == "C"
        else:
            pred = lambda x: x["centre"] in WINDOWS
        s = Sess(rng, take(free(pred), 1)[0], papers)
        honest_noise(rng, s, allowed=("clock-offset", "clock-bios-reset", "resends", "flaky-net", "clock-jump"), p_scale=0.6)
        sessions.append(software(rng, s, v))
    for v in fit(HARD, k_each):
        pred = lambda x: x["centre"] != "E" and x["room"] != "L2"
        s = Sess(rng, take(free(pred), 1)[0], papers)
        honest_noise(rng, s, allowed=("clock-offset", "clock-bios-reset", "resends", "flaky-net", "late-login"), p_scale=0.6)
        sessions.append(hardware(rng, s, v))
    # honest
    for x in free(lambda x: True):
        x["used"] = True
        s = Sess(rng, x, papers)
        honest_noise(rng, s)
        style = pick_w(rng, PERSONAS)
        s.variant = "honest/" + style
        honest_solve(rng, s, style)
        honest_hw_noise(rng, s)
        sessions.append(s)
    # a few cheaters also get benign device noise
    for s in sessions:
        if s.kind not in ("honest", "operator") and rng.random() < 0.3:
            honest_hw_noise(rng, s, p_scale=1.5)
    return rng, papers, sittings, rs, sessions


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=909)
    ap.add_argument("--candidates", type=int, default=400)
    ap.add_argument("--out", default="set-i")
    a = ap.parse_args()
    rng, papers, sittings, rs, sessions = build(a.seed, a.candidates)
    arrivals = []
    # exam shape/key: sent once per centre and sitting, before its sessions
    done = {}
    for r in rs:
        kk = (r["sitting"], r["centre"], r["paper"])
        if kk in done:
            continue
        done[kk] = 1
        c = CBYKEY[r["centre"]]
        t = r["t0"] - rng.uniform(900, 2400)
        obj = {"v": 1, "id": "%s-%s-%s-exam" % (c["code"], r["sitting"], r["paper"]),
               "at": iso(t, c["tzmin"], c["millis"]), "kind": "exam"}
        obj.update(papers[r["paper"]].exam_fields())
        arrivals.append((t + rng.uniform(0.05, 2.0), obj))
    for s in sessions:
        arrivals += deliver(rng, s, render(rng, s))
    order = sorted(range(len(arrivals)), key=lambda i: (arrivals[i][0], i))
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "events.jsonl.gz"), "wb") as fh:
        with gzip.GzipFile(filename="events.jsonl", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
            for i in order:
                gz.write((json.dumps(arrivals[i][1], ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"))
    truth = [{"session": s.sid, "kind": s.kind, "note": s.note()} for s in sessions]
    rng.shuffle(truth)
    with open(os.path.join(a.out, "truth.jsonl"), "w", encoding="utf-8") as fh:
        for t in truth:
            fh.write(json.dumps(t, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
